import pytest

from annotations import selectors, workflow
from annotations.models import Claim
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT, document_input

pytestmark = pytest.mark.django_db


def texts(queryset):
    return set(queryset.values_list("text", flat=True))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("tonnes", {CLAIM_TEXT, SURVEY_CLAIM_TEXT}),
        ("TONNES", {CLAIM_TEXT, SURVEY_CLAIM_TEXT}),
        ("tonnes river", {CLAIM_TEXT, SURVEY_CLAIM_TEXT}),
        ("tonnes sea", {CLAIM_TEXT}),
        ('"to the sea"', {CLAIM_TEXT}),
        ('"sea to the"', set()),
        ("", {CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT}),
        ("100%", set()),
        ("2010.", {SECOND_CLAIM_TEXT}),
    ],
)
def test_search_claims_matches_every_term_in_any_case(documents, query, expected):
    assert texts(selectors.search_claims(Claim.objects.all(), query)) == expected


def test_search_text_is_the_lower_cased_text(documents):
    claim = Claim.objects.get(text=CLAIM_TEXT)
    assert claim.search_text == CLAIM_TEXT.lower()


def test_search_handles_accents_and_wildcard_characters(db):
    sentences = [
        "President Díaz-Canel said 50% of the grid failed on Sunday.",
        "A_B test results were not published today.",
    ]
    workflow.document_load(document=document_input(" ".join(sentences), "Accents", sentences))
    assert texts(selectors.search_claims(Claim.objects.all(), "DÍAZ")) == {sentences[0]}
    assert texts(selectors.search_claims(Claim.objects.all(), "50%")) == {sentences[0]}
    assert texts(selectors.search_claims(Claim.objects.all(), "a_b")) == {sentences[1]}
    assert texts(selectors.search_claims(Claim.objects.all(), "0%")) == {sentences[0]}
    assert texts(selectors.search_claims(Claim.objects.all(), "a%b")) == set()


def test_paragraph_bounds_stop_at_line_breaks():
    text = "First paragraph.\nSecond one here. Still second.\n\nThird."
    start = text.index("Still")
    assert text[slice(*selectors.paragraph_bounds(text, start, start + 5))] == "Second one here. Still second."
    assert selectors.paragraph_bounds(text, 0, 5) == (0, 16)
    end = len(text)
    assert text[slice(*selectors.paragraph_bounds(text, end - 6, end))] == "Third."


def test_claim_in_context_gives_each_occurrence_with_its_paragraph(documents):
    claim = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    [item] = selectors.claim_in_context(claim)
    assert item.sentence == SECOND_CLAIM_TEXT
    assert item.before + item.sentence + item.after == documents.report.text
    assert item.document == documents.report


def test_document_segments_rebuild_the_text_and_mark_claims(documents):
    segments = selectors.document_segments(documents.report)
    assert "".join(segment.text for segment in segments) == documents.report.text
    assert [segment.claim.text for segment in segments if segment.claim] == [CLAIM_TEXT, SECOND_CLAIM_TEXT]


def test_counts_include_every_status_and_verdict(claim, advance):
    advance(claim, "in_review")
    counts = selectors.counts_by_status_and_verdict()
    assert counts["total"] == 3
    assert {value: n for value, _, n in counts["status"]} == {
        "pending": 2,
        "in_progress": 0,
        "in_review": 1,
        "returned": 0,
        "approved": 0,
        "dismissed": 0,
        "merged": 0,
        "split": 0,
    }
    assert {value: n for value, _, n in counts["verdict"]} == {"verified": 1, "disputed": 0, "unverified": 0}


def test_claims_awaiting_review_excludes_own_submissions_and_non_reviewers(claim, advance, reviewer, editor, reviewer2):
    advance(claim, "in_review", by=reviewer)
    assert list(selectors.claims_awaiting_review(reviewer)) == []
    assert list(selectors.claims_awaiting_review(reviewer2)) == [claim]
    assert list(selectors.claims_awaiting_review(editor)) == []


def test_claim_list_is_empty_for_users_without_a_role(documents, outsider, editor):
    assert selectors.claim_list(outsider).count() == 0
    assert selectors.claim_list(editor).count() == 3
