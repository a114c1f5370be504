"""Terms of a text and their TF-IDF vectors: words and names, counts, weights, similarities.

Pure text and number work: the document frequencies come from the caller (the index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import snowballstemmer

# --- Settings, measured on the seeds and the benchmark (docs/CORROBORATION.md) -----------------

NAME_WEIGHT = 0.5  # names say what a sentence is about, not what it states: they weigh half
TERMS_CACHE = 100_000  # texts whose terms are kept in memory (about 50 MB with the texts)

# --- Terms --------------------------------------------------------------------------------------
# A claim's terms are its words, lower-cased, without accents, stemmed (Snowball), with English
# stop words dropped and number words written as digits. Words capitalised inside the sentence
# are names, kept apart (features from NAMES_OFFSET on) so that they can weigh less.

FEATURES = 2**20  # hashed features per kind of term (words, names)
NAMES_OFFSET = FEATURES
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’-]\w+)*")
_STEMMER = snowballstemmer.stemmer("english")
# ("one" is left out: it is a pronoun as often as a number.)
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip


class Token(NamedTuple):
    text: str  # lower-cased, without accents or a possessive 's
    start: int
    end: int
    is_name: bool
    number: float | None


def _plain(word: str) -> str:
    if word.isascii():  # nothing to decompose: the common case
        word = word.lower()
    else:
        word = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
        word = "".join(char for char in word if not unicodedata.combining(char))
    return word.removesuffix("'s")


def _number(word: str) -> float | None:
    if word[0].isdigit():
        digits = word.replace(",", "")
        try:
            return float(digits)
        except ValueError:
            return None
    if "-" not in word:
        value = NUMBER_WORDS.get(word)
        return None if value is None else float(value)
    parts = word.split("-")
    if all(part in NUMBER_WORDS for part in parts):
        return float(sum(NUMBER_WORDS[part] for part in parts))
    return None


def _analysed(word: str, first: bool) -> tuple[str, bool, float | None, str | None]:
    """Return what ``word`` is, first in its sentence or not: (plain text, is a name, number, term)."""
    plain = _plain(word)
    # A capitalised word inside the sentence is a name ("Cuban", "Maduro", "CIA"); so is a first
    # word written in capitals only. Number words count only when written in lower case.
    is_name = word[0].isupper() and (not first or (len(word) > 1 and word.isupper()))
    number = _number(plain) if (word[0].isdigit() or word.islower() or first) else None
    return plain, is_name and number is None, number, _term_of(plain, number)


# A word is analysed once, not in every sentence holding it: words repeat far more than texts.
@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[str, bool, float | None, str | None]:
    return _analysed(word, False)


@lru_cache(maxsize=20_000)
def _first_word(word: str) -> tuple[str, bool, float | None, str | None]:
    return _analysed(word, True)


@lru_cache(maxsize=20_000)
def tokens(text: str) -> tuple[Token, ...]:
    """Return the words of ``text`` with their spans, which are names and which are numbers."""
    result = []
    for index, match in enumerate(_TOKEN.finditer(text)):
        plain, is_name, number, _ = _first_word(match.group()) if index == 0 else _word(match.group())
        result.append(Token(plain, match.start(), match.end(), is_name, number))
    return tuple(result)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # scikit-learn is imported on first use: it takes most of a second, which the pages and
    # commands that never compute a suggestion need not pay at start-up.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def _term_of(word: str, number: float | None) -> str | None:
    if number is not None:
        return f"{number:g}"
    if len(word) < 2 or word in _stop_words() or word.endswith("n't"):
        return None
    return _stem(word)


def token_term(token: Token) -> str | None:
    """Return the term ``token`` counts as, or None if it is not one (a stop word, a lone letter)."""
    return _term_of(token.text, token.number)


# The terms of a text are wanted again in later batches (as a candidate) and in the same batch
# (indexed, then scored): kept for as many texts as a large corpus's candidates of a few batches.
@lru_cache(maxsize=TERMS_CACHE)
def _terms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words: list[str] = []
    names: list[str] = []
    analysed = _first_word
    for word in _TOKEN.findall(text):
        _, is_name, _, term = analysed(word)
        analysed = _word
        if term is not None:
            (names if is_name else words).append(term)
    return tuple(words), tuple(names)


def terms(text: str) -> tuple[list[str], list[str]]:
    """Return the terms of ``text``: (words, names)."""
    words, names = _terms(text)
    return list(words), list(names)


def _given(terms_of_one_text: Sequence[str]) -> Sequence[str]:
    return terms_of_one_text


@lru_cache(maxsize=1)
def _hashing():
    from sklearn.feature_extraction.text import HashingVectorizer

    # Stateless: the same term always gets the same feature, in every process and every batch.
    return HashingVectorizer(analyzer=_given, n_features=FEATURES, alternate_sign=False, norm=None)


def term_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Return how often each term occurs in each text: one row per text, words then names."""
    if not texts:
        return sp.csr_matrix((0, 2 * FEATURES))
    split = [_terms(text) for text in texts]
    words = _hashing().transform([w for w, _ in split])
    names = _hashing().transform([n for _, n in split])
    return sp.hstack([words, names], format="csr")


def weighted(counts: sp.csr_matrix, document_frequency: dict[int, int], total: int) -> sp.csr_matrix:
    """Return the rows of ``counts`` as unit TF-IDF vectors, names weighing ``NAME_WEIGHT``.

    ``document_frequency[feature]`` is how many of ``total`` texts hold the feature; negative keys
    are not features and are ignored. The weights are scikit-learn's (``TfidfTransformer``:
    sublinear term frequency, smoothed inverse document frequency), with the document frequencies
    given rather than fitted on a corpus held in memory.
    """
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    if counts.shape[0] == 0:
        return counts
    idf = np.ones(2 * FEATURES)
    known = [(feature, n) for feature, n in document_frequency.items() if feature >= 0]
    if known:
        features = np.array([feature for feature, _ in known], dtype=np.int64)
        frequencies = np.array([n for _, n in known], dtype=np.float64)
        idf[features] = np.log((1 + total) / (1 + frequencies)) + 1
    transformer = TfidfTransformer(sublinear_tf=True, norm=None)
    transformer.idf_ = idf
    vectors = transformer.transform(counts).tocsr()
    vectors.data[vectors.indices >= NAMES_OFFSET] *= NAME_WEIGHT
    return normalize(vectors, copy=False)


def similarities(left: sp.csr_matrix, right: sp.csr_matrix) -> np.ndarray:
    """Return the cosine similarity of each row of ``left`` with the same row of ``right``."""
    from sklearn.metrics.pairwise import paired_cosine_distances

    if left.shape[0] == 0:
        return np.zeros(0)
    return np.clip(1.0 - paired_cosine_distances(left, right), 0.0, 1.0)
