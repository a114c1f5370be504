"""Terms, their counts and TF-IDF vectors: pure text and number work."""

import numpy as np
import pytest

from annotations.corroboration.terms import (
    FEATURES,
    NAME_WEIGHT,
    NAMES_OFFSET,
    similarities,
    term_counts,
    terms,
    tokens,
    weighted,
)


def test_the_same_words_in_other_forms_give_the_same_terms():
    # Accents, a possessive 's, inflections and number words make no difference; stop words go.
    assert terms("Cuba's President Díaz-Canel declared two days of mourning.") == terms(
        "Cuba President Diaz-Canel declares 2 days of mourning"
    )
    assert terms("Cuba President Diaz-Canel declares 2 days of mourning") == (
        ["cuba", "declar", "2", "day", "mourn"], ["presid", "diaz-canel"],
    )  # fmt: skip


def test_words_capitalised_inside_a_sentence_are_names():
    words, names = terms("The CIA said thirty-two people were not killed")
    assert (words, names) == (["said", "32", "peopl", "kill"], ["cia"])


def test_tokens_give_spans_names_and_numbers():
    text = "The toll rose to 32 in Havana."
    found = tokens(text)
    assert [text[token.start : token.end] for token in found] == ["The", "toll", "rose", "to", "32", "in", "Havana"]
    assert [token.text for token in found if token.is_name] == ["havana"]
    assert [token.number for token in found if token.number is not None] == [32.0]


def test_term_counts_give_one_row_per_text_words_then_names():
    counts = term_counts(["Cuba declared mourning", "The toll rose, Maduro said."])
    assert counts.shape == (2, 2 * FEATURES)
    assert counts[0].nnz == 3 and (counts[0].indices < NAMES_OFFSET).all()
    assert sorted(counts[1].indices >= NAMES_OFFSET) == [False, False, False, True]
    assert term_counts([]).shape == (0, 2 * FEATURES)


def test_weights_are_unit_vectors_with_names_at_their_weight():
    counts = term_counts(["Mourning in Havana"])
    word, name = sorted(counts.indices)
    vectors = weighted(counts, {word: 3, name: 3, -1: 10}, 10)  # the same frequency: only the kind differs
    assert np.linalg.norm(vectors.toarray()) == pytest.approx(1.0)
    assert vectors[0, name] / vectors[0, word] == pytest.approx(NAME_WEIGHT)


def test_rarer_terms_weigh_more():
    counts = term_counts(["mourning heroism"])
    first, second = sorted(counts.indices)
    vectors = weighted(counts, {first: 1, second: 9}, 10)
    assert vectors[0, first] > vectors[0, second]


def test_similarity_is_the_cosine_of_paired_rows():
    counts = term_counts(["Cuba declared two days of mourning.", "Cuba announced 2 days of mourning.", "Brahms."])
    vectors = weighted(counts, {}, 3)
    same, close, apart = similarities(vectors[[0, 0, 0]], vectors[[0, 1, 2]]).tolist()
    assert same == pytest.approx(1.0)
    assert 0 < close < 1
    assert apart == 0
    assert similarities(vectors[[]], vectors[[]]).shape == (0,)
