"""The candidate index: the term index counts and posts terms, and finds scored candidates."""

from collections import Counter

import pytest

from annotations import workflow
from annotations.corroboration import index
from annotations.corroboration.index import THRESHOLD, ClaimTexts, TermIndex, candidate_index
from annotations.corroboration.terms import term_counts
from annotations.models import Claim, TermCount, TermPosting
from annotations.tests.conftest import document_input

pytestmark = pytest.mark.django_db

CLAIM = "The flood on Monday destroyed 240 houses in Riverton, the mayor said."
LATER = "In Riverton the Monday flood destroyed 240 houses, according to officials."
UNRELATED = "The orchestra played Brahms to a full hall."


def stored(title, *sentences):
    """Store a document whose claims are ``sentences``, not indexed; return the claims' ids in order."""
    workflow.documents_load(documents=[document_input(" ".join(sentences), title, list(sentences))])
    return [Claim.objects.get(text=sentence).pk for sentence in sentences]


def added(term_index, claim_ids):
    """Index ``claim_ids`` as suggestions do; return their texts."""
    texts = ClaimTexts()
    texts.read(claim_ids)
    term_index.add(claim_ids, texts)
    return texts


def snapshot():
    """Return the index's rows: (counts, postings)."""
    counts = set(TermCount.objects.values_list("term", "claims"))
    return counts, set(TermPosting.objects.values_list("term", "claim_id"))


def test_suggestions_use_the_term_index():
    assert isinstance(candidate_index(), TermIndex)


def test_claim_texts_read_each_claim_once(django_assert_num_queries):
    first, second = stored("Report", CLAIM, UNRELATED)
    texts = ClaimTexts()
    with django_assert_num_queries(1):
        texts.read([first, 999_999])
    with django_assert_num_queries(0):
        texts.read([first])
    assert (texts[first].text, list(texts)) == (CLAIM, [first])  # a claim that is not there stays missing
    with django_assert_num_queries(1):
        texts.read([first, second])
    assert texts[second].text == UNRELATED


def test_adding_claims_counts_their_terms_and_posts_each_claims_terms():
    ids = stored("Report", CLAIM, UNRELATED)
    added(TermIndex(), ids)
    counts, postings = snapshot()
    features = {pk: set(term_counts([text]).indices.tolist()) for pk, text in zip(ids, [CLAIM, UNRELATED], strict=True)}
    expected = Counter(feature for held in features.values() for feature in held)
    assert counts == {*expected.items(), (TermCount.ALL_CLAIMS, 2)}
    assert postings == {(feature, pk) for pk, held in features.items() for feature in held}  # all rare so far


def test_candidates_are_other_claims_with_their_similarity_at_the_threshold_or_more():
    term_index = TermIndex()
    claim, unrelated = stored("First report", CLAIM, UNRELATED)
    (later,) = stored("Second report", LATER)
    added(term_index, [claim, unrelated, later])
    texts = ClaimTexts()
    texts.read([claim, unrelated])
    found = term_index.candidates([claim, unrelated], texts)
    assert list(found) == [claim, unrelated]
    assert [other for other, _ in found[claim]] == [later]
    assert THRESHOLD <= found[claim][0][1] <= 1
    assert found[unrelated] == []
    assert texts[later].text == LATER  # the candidates' texts were read for the caller


def test_a_rebuild_indexes_what_adding_batch_by_batch_did():
    term_index = TermIndex()
    added(term_index, stored("First report", CLAIM, UNRELATED))
    added(term_index, stored("Second report", LATER))
    incremental = snapshot()
    assert term_index.rebuild() == 3
    assert snapshot() == incremental


def test_a_term_grown_too_common_is_no_longer_posted(monkeypatch):
    monkeypatch.setattr(index, "INDEX_MAX_CLAIMS", 2)
    term_index = TermIndex()
    (riverton,) = set(term_counts(["In Riverton"]).indices.tolist())  # a name the three claims hold
    added(term_index, stored("First report", CLAIM, UNRELATED))
    added(term_index, stored("Second report", LATER))
    assert TermPosting.objects.filter(term=riverton).count() == 2
    added(term_index, stored("Third report", "Officials in Riverton counted the damage on Tuesday."))
    assert not TermPosting.objects.filter(term=riverton).exists()
    assert TermCount.objects.get(term=riverton).claims == 3
    incremental = snapshot()
    term_index.rebuild()
    assert snapshot() == incremental
