"""Cross-source corroboration: passages of other documents that state the same fact as a claim.

Each claim is compared with the claims of the other loaded documents (their sentences) by the
cosine similarity of TF-IDF vectors (scikit-learn); a passage scoring ``THRESHOLD`` or more
becomes a ``Suggestion`` with a suggested stance: ``supports``, or ``refutes`` / ``context`` when
the passage differs on a number, a negation or who said it. ``docs/CORROBORATION.md`` explains
the method, its measured precision and recall and its limits.

Suggestions are derived data, written only here: when documents load (``suggestions_after_load``,
called by the loader after each stored batch) and when everything is recomputed
(``suggestions_rebuild``, the ``refresh_suggestions`` command). The cost per loaded document does
not grow with the corpus: candidates come from an inverted index of the rarer terms kept in the
database (``TermPosting``), and the TF-IDF statistics are counts kept up to date as claims load
(``TermCount``), so nothing reads the whole corpus again.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import snowballstemmer
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from . import bulk
from .models import Claim, ClaimOccurrence, Stance, Suggestion, TermCount, TermPosting

# --- Settings, measured on the seeds and the benchmark (docs/CORROBORATION.md) -----------------

THRESHOLD = 0.15  # the least cosine similarity suggested
STRONG = 0.35  # from this similarity on, a passage that differs on a number or a negation refutes
NAME_WEIGHT = 0.5  # names say what a sentence is about, not what it states: they weigh half
MAX_SUGGESTIONS = 10  # passages kept per claim, the closest first
INDEX_MAX_CLAIMS = 500  # a term held by more claims is too common to look candidates up by
QUERY_TERMS = 8  # the rarest terms of a claim used to look up its candidates...
QUERY_POSTINGS = 1_000  # ...as long as they hold this many claims between them
MAX_CANDIDATES = 50  # candidates scored exactly per claim, those sharing the rarest terms first
CHUNK = 2_000  # claims read and scored at a time by a rebuild
NUMBER_CONTEXT_BEFORE, NUMBER_CONTEXT_AFTER = 3, 4  # the words around a number that say what it counts
TERMS_CACHE = 100_000  # texts whose terms are kept in memory (about 50 MB with the texts)

# --- Terms --------------------------------------------------------------------------------------
# A claim's terms are its words, lower-cased, without accents, stemmed (Snowball), with English
# stop words dropped and number words written as digits. Words capitalised inside the sentence
# are names, kept apart (features from NAMES_OFFSET on) so that they can weigh less.

FEATURES = 2**20  # hashed features per kind of term (words, names)
NAMES_OFFSET = FEATURES
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’-]\w+)*")
_STEMMER = snowballstemmer.stemmer("english")
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip  ("one" is left out: it is a pronoun as often as a number)
NEGATIONS = frozenset(
    ["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without",
     "deny", "denies", "denied"]
)  # fmt: skip


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
    return word[:-2] if word.endswith("'s") else word


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


def _term(token: Token) -> str | None:
    """Return the term ``token`` counts as, or None if it is not one (a stop word, a lone letter)."""
    return _term_of(token.text, token.number)


# The terms of a text are wanted again in later batches (as a candidate) and in the same batch
# (indexed, then scored): kept for as many texts as a large corpus's candidates of a few batches.
@lru_cache(maxsize=TERMS_CACHE)
def _terms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words, names = [], []
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


def _given(terms_of_one_text):
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

    The weights are scikit-learn's (``TfidfTransformer``: sublinear term frequency, smoothed
    inverse document frequency), with the document frequencies counted in the database rather
    than fitted on a corpus held in memory.
    """
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    if counts.shape[0] == 0:
        return counts
    idf = np.ones(2 * FEATURES)
    known = [(feature, n) for feature, n in document_frequency.items() if feature >= 0]  # not ALL_CLAIMS
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


# --- Stance -------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _numbers(text: str) -> dict[float, set[str]]:
    """Return the numbers of ``text``, each with the terms around it (what it counts)."""
    found = tokens(text)
    result: dict[float, set[str]] = {}
    for index, token in enumerate(found):
        if token.number is None:
            continue
        before = list(reversed(found[max(0, index - NUMBER_CONTEXT_BEFORE) : index]))
        after = found[index + 1 : index + 1 + NUMBER_CONTEXT_AFTER]
        around = result.setdefault(token.number, set())
        for side in (before, after):
            for neighbour in side:
                if neighbour.text in _SAYING:  # "the government says 32": what is said, not counted
                    break
                term = _term(neighbour)
                if term is not None and term[0].isalpha():
                    around.add(term)
    return result


@lru_cache(maxsize=50_000)
def _negation(text: str) -> str | None:
    """Return the first negating word of ``text`` ("not", "never", "didn't"...), or None."""
    lowered = text.lower().replace("’", "'")
    for match in re.finditer(r"\b[a-z]+n't\b|\b[a-z]+\b", lowered):
        word = match.group()
        if word in NEGATIONS or word.endswith("n't"):
            return word
        if word == "yet" and lowered[match.end() : match.end() + 3] == " to":
            return "yet to"
    return None


def _shown(numbers: Iterable[float]) -> str:
    return ", ".join(f"{number:,g}" for number in sorted(numbers))


def _is_year(number: float) -> bool:
    return number.is_integer() and 1900 <= number <= 2100


_SAYING = frozenset(
    ["say", "says", "said", "tell", "tells", "told", "announce", "announces", "announced", "state", "states",
     "stated", "report", "reports", "reported", "add", "adds", "added", "according", "declare", "declares",
     "declared", "note", "notes", "noted", "write", "writes", "wrote", "claim", "claims", "claimed"]
)  # fmt: skip

# Words that say a source spoke without naming it: "the official statement", "a source".
_GENERIC_SOURCES = frozenset(
    ["offici", "statement", "sourc", "report", "spokesman", "spokeswoman", "spokesperson", "author", "unnam",
     "anonym", "media", "press", "releas"]
)  # fmt: skip


@lru_cache(maxsize=10_000)
def _source_terms(speaker: str) -> frozenset[str]:
    words, names = terms(speaker)
    return frozenset(words + names) - _GENERIC_SOURCES


def stance_for(
    claim_text: str, passage_text: str, *, score: float, claim_speaker: str = "", passage_speaker: str = ""
) -> tuple[str, str]:
    """Return the suggested stance of a passage towards a claim, and the reason ("" if it supports).

    A passage that differs on a number (a figure of the claim against another of the passage
    counting the same thing: they share a neighbouring word) or on a negation refutes the claim
    when it is close to it (``STRONG``), else gives context. A passage that does not give the
    claim's figure, or that names another source than the claim's, gives context.
    """
    conflicts, differences = [], []
    claim_numbers = _numbers(claim_text)
    if claim_numbers:  # (a claim without figures differs on none)
        passage_numbers = _numbers(passage_text)
        only_claim = {n: around for n, around in claim_numbers.items() if n not in passage_numbers}
        only_passage = {n: around for n, around in passage_numbers.items() if n not in claim_numbers}
        clashing = {
            (mine, theirs)
            for mine, around in only_claim.items()
            for theirs, their_around in only_passage.items()
            if around & their_around
        }
        if clashing:
            mine, theirs = {pair[0] for pair in clashing}, {pair[1] for pair in clashing}
            conflicts.append(f"number differs: {_shown(mine)} vs {_shown(theirs)}")
        missing = [n for n in only_claim if not _is_year(n) and n not in {pair[0] for pair in clashing}]
        if missing:
            differences.append(f"the passage does not give the number {_shown(missing)}")
    claim_negation, passage_negation = _negation(claim_text), _negation(passage_text)
    if (claim_negation is None) != (passage_negation is None):
        if claim_negation:
            conflicts.append(f"negation differs: the claim says “{claim_negation}”, the passage does not")
        else:
            conflicts.append(f"negation differs: the passage says “{passage_negation}”, the claim does not")
    claim_source, passage_source = _source_terms(claim_speaker), _source_terms(passage_speaker)
    if claim_source and passage_source and not claim_source & passage_source:
        differences.append(f"said by someone else: {claim_speaker} vs {passage_speaker}")
    reason = "; ".join(conflicts + differences)
    if len(reason) > 300:
        reason = reason[:299] + "…"
    if conflicts:
        return (Stance.REFUTES if score >= STRONG else Stance.CONTEXT), reason
    if differences:
        return Stance.CONTEXT, reason
    return Stance.SUPPORTS, ""


def highlighted(claim_text: str, passage_text: str) -> list[tuple[str, bool]]:
    """Split ``passage_text`` into segments, each marked True where it shares a term with the claim."""
    words, names = terms(claim_text)
    shared = set(words) | set(names)
    segments, cursor = [], 0
    for token in tokens(passage_text):
        if _term(token) in shared:
            if token.start > cursor:
                segments.append((passage_text[cursor : token.start], False))
            segments.append((passage_text[token.start : token.end], True))
            cursor = token.end
    if cursor < len(passage_text):
        segments.append((passage_text[cursor:], False))
    return segments


# --- The index in the database ------------------------------------------------------------------


def _chunks(values: Sequence, size: int):
    for at in range(0, len(values), size):
        yield values[at : at + size]


def _in_chunks() -> int:
    # SQLite refuses statements with more than a few thousand parameters; PostgreSQL gets one array.
    return 1_000_000 if connection.vendor == "postgresql" else 500


def _among(field: str, values: Sequence[int]) -> Q:
    """Return the condition "``field`` is one of ``values``" (whole numbers)."""
    if connection.vendor == "postgresql":
        # One array parameter: a list of thousands of placeholders costs more to build than to run.
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [list(values)])})
    return Q(**{f"{field}__in": list(values)})


def _stored_counts(features: Iterable[int]) -> dict[int, int]:
    """Return ``{feature: claims holding it}`` for the features counted so far."""
    features = sorted(set(features))
    found = {}
    for chunk in _chunks(features, _in_chunks()):
        found.update(TermCount.objects.filter(_among("term", chunk)).values_list("term", "claims"))
    return found


def _add_counts(added: dict[int, int]) -> None:
    """Add ``added[feature]`` to each feature's count of claims, creating the rows missing."""
    rows = sorted(added.items())  # always the same order, so that concurrent loads cannot deadlock
    table = connection.ops.quote_name(TermCount._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (term, claims) SELECT * FROM unnest(%s::integer[], %s::integer[]) "
                f"ON CONFLICT (term) DO UPDATE SET claims = {table}.claims + EXCLUDED.claims",
                [[term for term, _ in rows], [count for _, count in rows]],
            )
            return
        for chunk in _chunks(rows, 400):
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (term, claims) VALUES {values} "
                f"ON CONFLICT (term) DO UPDATE SET claims = {table}.claims + excluded.claims",
                [value for row in chunk for value in row],
            )


def _postings(features: Iterable[int]) -> dict[int, list[int]]:
    """Return ``{feature: ids of the claims holding it}`` from the index."""
    found = defaultdict(list)
    for chunk in _chunks(sorted(set(features)), _in_chunks()):
        for term, claim_id in TermPosting.objects.filter(_among("term", chunk)).values_list("term", "claim_id"):
            found[term].append(claim_id)
    return found


def _features_by_row(counts: sp.csr_matrix) -> list[np.ndarray]:
    return [counts.indices[counts.indptr[row] : counts.indptr[row + 1]] for row in range(counts.shape[0])]


def _index(claim_ids: Sequence[int], counts: sp.csr_matrix) -> None:
    """Count the claims' terms and index their rare ones (claims not indexed before)."""
    if not claim_ids:
        return
    added = Counter()
    for features in _features_by_row(counts):
        added.update(features.tolist())
    added[TermCount.ALL_CLAIMS] = len(claim_ids)
    before = _stored_counts(added)
    _add_counts(added)
    after = {feature: before.get(feature, 0) + n for feature, n in added.items()}
    rows = [
        (int(feature), claim_id)
        for claim_id, features in zip(claim_ids, _features_by_row(counts))
        for feature in features
        if after[feature] <= INDEX_MAX_CLAIMS
    ]
    bulk.insert_rows(TermPosting, ["term", "claim_id"], rows)
    # Terms that have just become too common: their postings will never be read again.
    crossed = [f for f, n in after.items() if n > INDEX_MAX_CLAIMS >= before.get(f, 0) and f >= 0]
    for chunk in _chunks(crossed, _in_chunks()):
        TermPosting.objects.filter(_among("term", chunk)).delete()


# --- Suggestions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimText:
    text: str
    speaker: str


def _claim_texts(claim_ids: Iterable[int]) -> dict[int, ClaimText]:
    found = {}
    for chunk in _chunks(sorted(set(claim_ids)), _in_chunks()):
        for pk, text, speaker in Claim.objects.filter(_among("pk", chunk)).values_list("pk", "text", "speaker"):
            found[pk] = ClaimText(text, speaker)
    return found


def _candidates(claim_ids: Sequence[int], counts: sp.csr_matrix, frequency: dict[int, int], total: int):
    """Return, for each claim, up to ``MAX_CANDIDATES`` other claims sharing its rarest terms.

    Candidates are ranked by the inverse document frequencies of the terms they share with the
    claim, added up: a sparse product of the claims' chosen terms by the index's postings.
    """
    chosen = []
    for features in _features_by_row(counts):
        usable = sorted((frequency.get(int(f), 0), int(f)) for f in features)
        picked, postings = [], 0
        for n, feature in usable:
            if n < 2 or n > INDEX_MAX_CLAIMS:
                continue  # held by this claim alone, or too common to be indexed
            if len(picked) == QUERY_TERMS or postings + n > QUERY_POSTINGS:
                break
            picked.append((feature, math.log((1 + total) / (1 + n)) + 1))
            postings += n
        chosen.append(picked)
    postings = _postings(feature for picked in chosen for feature, _ in picked)
    terms_at = {feature: column for column, feature in enumerate(postings)}
    others = sorted({other for found in postings.values() for other in found})
    if not others:
        return [[] for _ in claim_ids]
    others_at = {pk: column for column, pk in enumerate(others)}
    rows = [(row, terms_at[f], idf) for row, picked in enumerate(chosen) for f, idf in picked if f in terms_at]
    wanted = sp.csr_matrix(
        ([idf for _, _, idf in rows], ([r for r, _, _ in rows], [c for _, c, _ in rows])),
        shape=(len(claim_ids), len(terms_at)),
    )
    cells = [(terms_at[f], others_at[pk]) for f, found in postings.items() for pk in found]
    held = sp.csr_matrix(
        (np.ones(len(cells)), ([t for t, _ in cells], [o for _, o in cells])), shape=(len(terms_at), len(others))
    )
    weights = (wanted @ held).tocsr()
    result = []
    for row, claim_id in enumerate(claim_ids):
        columns = weights.indices[weights.indptr[row] : weights.indptr[row + 1]]
        values = weights.data[weights.indptr[row] : weights.indptr[row + 1]].copy()
        own = others_at.get(claim_id)
        if own is not None:
            values[columns == own] = -1.0
        if len(values) > MAX_CANDIDATES:
            best = np.argpartition(-values, MAX_CANDIDATES)[:MAX_CANDIDATES]
            columns, values = columns[best], values[best]
        result.append([others[c] for c, v in zip(columns.tolist(), values.tolist()) if v > 0])
    return result


def _neighbours(claim_ids: Sequence[int], texts: dict[int, ClaimText]) -> dict[int, list[tuple[int, float]]]:
    """Return ``{claim: [(other claim, similarity), ...]}`` for the pairs at ``THRESHOLD`` or more.

    ``texts`` holds the claims' texts; the candidates' are read and added to it.
    """
    counts = term_counts([texts[pk].text for pk in claim_ids])
    frequency = _stored_counts([*np.unique(counts.indices).tolist(), TermCount.ALL_CLAIMS])
    total = frequency.get(TermCount.ALL_CLAIMS, 0)
    candidates = _candidates(claim_ids, counts, frequency, total)
    texts.update(_claim_texts({c for found in candidates for c in found} - texts.keys()))
    candidates = [[c for c in found if c in texts] for found in candidates]  # (a claim deleted since)
    others = sorted({c for found in candidates for c in found})
    position = {pk: row for row, pk in enumerate(others)}
    other_counts = term_counts([texts[pk].text for pk in others])
    frequency.update(_stored_counts(set(np.unique(other_counts.indices).tolist()) - frequency.keys()))
    mine, theirs = weighted(counts, frequency, total), weighted(other_counts, frequency, total)
    left = [row for row, found in enumerate(candidates) for _ in found]
    right = [position[c] for found in candidates for c in found]
    scores = similarities(mine[left], theirs[right]) if left else np.zeros(0)
    result: dict[int, list[tuple[int, float]]] = {pk: [] for pk in claim_ids}
    for row, column, score in zip(left, right, scores.tolist()):
        if score >= THRESHOLD:
            result[claim_ids[row]].append((others[column], score))
    return result


def _occurrences(claim_ids: Iterable[int]) -> dict[int, list[tuple[int, int, int]]]:
    """Return ``{claim: [(document, start, end), ...]}``."""
    found = defaultdict(list)
    for chunk in _chunks(sorted(set(claim_ids)), _in_chunks()):
        rows = ClaimOccurrence.objects.filter(_among("claim_id", chunk))
        for claim_id, document_id, start, end in rows.values_list("claim_id", "document_id", "start", "end").order_by():
            found[claim_id].append((document_id, start, end))
    return found


_SUGGESTION_FIELDS = [
    "claim_id", "document_id", "start", "end", "passage_claim_id", "score", "stance", "reason", "created_at",
]


def _row(claim_id, texts, passage_claim_id, occurrence, score, now):
    claim, passage = texts[claim_id], texts[passage_claim_id]
    stance, reason = stance_for(
        claim.text, passage.text, score=score, claim_speaker=claim.speaker, passage_speaker=passage.speaker
    )
    document_id, start, end = occurrence
    return (claim_id, document_id, start, end, passage_claim_id, round(score, 4), stance, reason, now)


def _suggest(
    claim_ids: Sequence[int],
    texts: dict[int, ClaimText],
    new_documents: set[int] | None = None,
    recomputed: set[int] = frozenset(),
) -> int:
    """Recompute the suggestions of ``claim_ids``; with ``new_documents``, add the older claims' too.

    Older claims close to one of ``claim_ids`` get the passages of it in ``new_documents``, keeping
    their closest ``MAX_SUGGESTIONS``; those in ``recomputed`` are left out, as their suggestions are
    recomputed in full (in another chunk). Return how many suggestions were written.
    """
    neighbours = _neighbours(claim_ids, texts)
    mine = set(claim_ids)
    occurrences = _occurrences(mine | {other for found in neighbours.values() for other, _ in found})
    now = timezone.now()
    rows, offered = [], defaultdict(list)
    for claim_id in claim_ids:
        own_documents = {document for document, _, _ in occurrences[claim_id]}
        passages = [
            (score, other, occurrence)
            for other, score in neighbours[claim_id]
            for occurrence in occurrences[other]
            if occurrence[0] not in own_documents
        ]
        passages.sort(key=lambda item: (-item[0], item[2]))
        rows += [_row(claim_id, texts, other, occ, score, now) for score, other, occ in passages[:MAX_SUGGESTIONS]]
        if new_documents:
            fresh = [occurrence for occurrence in occurrences[claim_id] if occurrence[0] in new_documents]
            for other, score in neighbours[claim_id]:
                if other in mine or other in recomputed:
                    continue  # recomputed in full
                offered[other] += [(score, claim_id, occurrence) for occurrence in fresh]
    for chunk in _chunks(sorted(mine), _in_chunks()):
        Suggestion.objects.filter(_among("claim_id", chunk)).delete()
    # An older claim takes a new passage only if it is closer than its farthest when it has its fill.
    held = _held(offered)
    over = set()
    for other, passages in offered.items():
        count, farthest = held.get(other, (0, 0.0))
        passages.sort(key=lambda item: (-item[0], item[2]))
        taken = [p for p in passages[:MAX_SUGGESTIONS] if count < MAX_SUGGESTIONS or p[0] > farthest]
        rows += [_row(other, texts, claim_id, occurrence, score, now) for score, claim_id, occurrence in taken]
        if count + len(taken) > MAX_SUGGESTIONS:
            over.add(other)
    bulk.insert_rows(Suggestion, _SUGGESTION_FIELDS, rows)
    return len(rows) - _keep_closest(over)


def _held(claim_ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """Return ``{claim: (how many suggestions it has, the lowest score among them)}``."""
    found = {}
    for chunk in _chunks(sorted(claim_ids), _in_chunks()):
        rows = Suggestion.objects.filter(_among("claim_id", chunk)).values("claim_id")
        for row in rows.annotate(n=Count("id"), low=Min("score")).order_by():
            found[row["claim_id"]] = (row["n"], row["low"])
    return found


def _keep_closest(claim_ids: set[int]) -> int:
    """Delete all but the ``MAX_SUGGESTIONS`` closest suggestions of each claim; return how many went."""
    extra = []
    for chunk in _chunks(sorted(claim_ids), _in_chunks()):
        ranked = defaultdict(list)
        rows = Suggestion.objects.filter(_among("claim_id", chunk)).values_list("id", "claim_id", "score")
        for pk, claim_id, score in rows:
            ranked[claim_id].append((-score, pk))
        for found in ranked.values():
            extra += [pk for _, pk in sorted(found)[MAX_SUGGESTIONS:]]
    for chunk in _chunks(extra, _in_chunks()):
        Suggestion.objects.filter(_among("pk", chunk)).delete()
    return len(extra)


@transaction.atomic
def suggestions_after_load(*, document_ids: Sequence[int], new_claim_ids: Sequence[int]) -> int:
    """Index the new claims and refresh the suggestions that newly loaded documents change.

    Every claim occurring in the documents gets its suggestions recomputed from all the others;
    older claims get suggestions pointing into the new documents. Return how many were written.
    """
    if not document_ids:
        return 0
    touched = sorted(
        set(ClaimOccurrence.objects.filter(document_id__in=document_ids).values_list("claim_id", flat=True))
    )
    texts = _claim_texts(touched)
    new = sorted(set(new_claim_ids) & texts.keys())
    _index(new, term_counts([texts[pk].text for pk in new]))
    written = 0
    for chunk in _chunks(touched, CHUNK):
        written += _suggest(chunk, texts, new_documents=set(document_ids), recomputed=set(touched))
    return written


def suggestions_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the index and every claim's suggestions from scratch; return how many were written.

    The index is rebuilt in one transaction, then the suggestions a chunk of claims at a time.
    ``progress(done, total)`` is called after each chunk of the second step.
    """
    with transaction.atomic():
        Suggestion.objects.all().delete()
        TermPosting.objects.all().delete()
        TermCount.objects.all().delete()
        frequency, total = Counter(), 0
        for ids, counts in _all_claim_counts():
            for features in _features_by_row(counts):
                frequency.update(features.tolist())
            total += len(ids)
        frequency[TermCount.ALL_CLAIMS] = total
        bulk.insert_rows(TermCount, ["term", "claims"], sorted(frequency.items()))
        for ids, counts in _all_claim_counts():
            rows = [
                (int(feature), claim_id)
                for claim_id, features in zip(ids, _features_by_row(counts))
                for feature in features
                if frequency[int(feature)] <= INDEX_MAX_CLAIMS
            ]
            bulk.insert_rows(TermPosting, ["term", "claim_id"], rows)
    written, done = 0, 0
    last = 0
    while ids := list(Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        last = ids[-1]
        with transaction.atomic():
            written += _suggest(ids, _claim_texts(ids))
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return written


def _all_claim_counts():
    """Yield (claim ids, term counts) for every claim, ``CHUNK`` at a time, in id order."""
    last = 0
    while rows := list(Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "text")[:CHUNK]):
        last = rows[-1][0]
        yield [pk for pk, _ in rows], term_counts([text for _, text in rows])
