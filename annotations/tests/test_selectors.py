import pytest

from annotations import selectors, workflow
from annotations.ingest.files import decode_bytes
from annotations.models import Claim, SourceDocument
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


# --- The paragraphs around a claim's ----------------------------------------------------------------


def paragraph_at(text, words):
    """Return the bounds of the paragraph of ``text`` holding ``words``."""
    start = text.index(words)
    return selectors.paragraph_bounds(text, start, start + len(words))


def neighbours_of(text, words):
    return selectors.neighbour_paragraphs(text, *paragraph_at(text, words))


def test_the_paragraphs_before_and_after_are_found_across_blank_lines():
    text = "First one.\n\nSecond one. Still second.\n\n\nThird one.\n"
    previous, following = neighbours_of(text, "Still second.")
    assert previous == selectors.Paragraph(0, "First one.")
    assert following == selectors.Paragraph(text.index("Third"), "Third one.")


def test_lines_of_spaces_between_paragraphs_are_blank():
    text = "First one.\n  \n\t\nSecond one.\n \nThird one."
    previous, following = neighbours_of(text, "Second one.")
    assert (previous.text, following.text) == ("First one.", "Third one.")


def test_paragraphs_one_line_each_are_neighbours():
    text = "First one.\nSecond one.\nThird one."
    assert neighbours_of(text, "Second one.") == (
        selectors.Paragraph(0, "First one."),
        selectors.Paragraph(text.index("Third"), "Third one."),
    )


@pytest.mark.parametrize("text", ["Only one.", "\n\nOnly one.\n\n", "  Only one.  "])
def test_a_lone_paragraph_has_no_neighbours(text):
    assert neighbours_of(text, "Only one.") == (None, None)


def test_the_first_paragraph_has_none_before_and_the_last_none_after():
    text = "First one.\n\nSecond one.\n\nThird one.\n\n"
    assert neighbours_of(text, "First one.")[0] is None
    assert neighbours_of(text, "First one.")[1].text == "Second one."
    assert neighbours_of(text, "Third one.")[0].text == "Second one."
    assert neighbours_of(text, "Third one.")[1] is None


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r"])
def test_line_ends_of_other_systems_come_normalised_and_leave_no_stray_character(line_end):
    data = line_end.join([b"First one.", b"", b"Second one.", b"", b"Third one.", b""])
    text = decode_bytes("article.txt", data).text
    previous, following = neighbours_of(text, "Second one.")
    assert (previous.text, following.text) == ("First one.", "Third one.")
    for paragraph in (previous, following):
        assert text[paragraph.start : paragraph.start + len(paragraph.text)] == paragraph.text


def test_the_paragraphs_start_where_their_text_is(load_document):
    sentences = ["The dam holds 40 million cubic metres of water.", "Engineers will inspect it in June."]
    text = f"  The valley flooded twice.\n\n{sentences[0]} It was built in 1970.\n\n  {sentences[1]}  \n"
    document = load_document(text, "Dam", sentences).document
    [item] = selectors.claim_in_context(Claim.objects.get(text=sentences[0]))
    assert document.text[item.start :].startswith(item.before + item.sentence + item.after)
    assert item.previous.text == "  The valley flooded twice."
    assert item.following.text == f"  {sentences[1]}  "
    for paragraph in (item.previous, item.following):
        assert document.text[paragraph.start : paragraph.start + len(paragraph.text)] == paragraph.text
    assert item.citable is True


def test_document_segments_know_where_they_start(documents):
    text = documents.report.text
    segments = selectors.document_segments(documents.report)
    for segment in segments:
        assert text[segment.start : segment.start + len(segment.text)] == segment.text
    claimed = [segment for segment in segments if segment.claim]
    assert [segment.start for segment in claimed] == [text.index(CLAIM_TEXT), text.index(SECOND_CLAIM_TEXT)]


# --- The article picker -----------------------------------------------------------------------------


def test_documents_to_open_match_title_publisher_or_address_newest_first(load_document):
    loaded = []
    for title, publisher, url in [
        ("Dam report", "Valley News", "https://valley.example/dam"),
        ("River survey", "Dam Watch", "https://survey.example/"),
        ("Town budget", "Courier", "https://courier.example/dam-costs"),
        ("Weather", "Courier", ""),
    ]:
        sentence = f"{title} says 12 things about the valley."
        document = load_document(sentence, title, [sentence]).document
        SourceDocument.objects.filter(pk=document.pk).update(publisher=publisher, url=url)
        loaded.append(document.pk)
    found = selectors.documents_to_open("DAM")
    assert [document.pk for document in found] == [loaded[2], loaded[1], loaded[0]]
    assert [document.pk for document in selectors.documents_to_open("  ")] == loaded[::-1]
    assert [document.pk for document in selectors.documents_to_open("", limit=2)] == loaded[:1:-1]
    assert list(selectors.documents_to_open("100%")) == []
    assert list(selectors.documents_to_open("dam\x00")) == list(found)


# --- Since the last return ----------------------------------------------------------------------------


def since(claim):
    claim.refresh_from_db()
    return selectors.since_return(claim, list(selectors.claim_history(claim)))


def test_a_claim_never_returned_has_nothing_since(claim, advance):
    assert since(claim) is None
    assert since(advance(claim, "in_review")) is None


def test_right_after_the_return_nothing_has_changed(claim, advance):
    advance(claim, "returned")
    found = since(claim)
    assert found.event == claim.events.get(action="returned")
    assert (found.resubmitted, found.verdict_then, found.note_then) == (False, "verified", "Matches the survey.")
    assert (found.verdict_changed, found.note_changed, found.added, found.removed) == (False, False, [], [])
    assert found.changed is False


def test_evidence_added_then_removed_after_the_return_counts_as_neither(claim, advance, editor):
    advance(claim, "returned")
    evidence = workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="supports", url="https://example.org/b")
    workflow.evidence_remove(claim_id=claim.pk, actor=editor, evidence_id=evidence.pk)
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    found = since(claim)
    assert (found.added, found.removed, found.changed, found.resubmitted) == ([], [], False, True)


def test_evidence_from_before_the_return_removed_since_counts_as_removed(claim, advance, editor):
    advance(claim, "returned")
    old = claim.evidence.get()
    new = workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="context", url="https://example.org/c")
    workflow.evidence_remove(claim_id=claim.pk, actor=editor, evidence_id=old.pk)
    found = since(claim)
    assert [(item["evidence_id"], item["url"], item["stance"]) for item in found.removed] == [
        (old.pk, "https://example.org/survey", "supports")
    ]
    assert [(item["evidence_id"], item["url"], item["stance"]) for item in found.added] == [
        (new.pk, "https://example.org/c", "context")
    ]
    assert found.changed is True


def test_the_note_then_is_the_last_one_ruled_before_the_return(claim, advance, editor, reviewer):
    advance(claim, "in_progress")  # rules "Matches the survey."
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="The survey says 120.")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    workflow.claim_return(claim_id=claim.pk, actor=reviewer, comment="Quote the survey.")
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="The survey: 120 tonnes.")
    found = since(claim)
    assert (found.verdict_then, found.note_then) == ("disputed", "The survey says 120.")
    assert (found.verdict_now, found.note_now) == ("disputed", "The survey: 120 tonnes.")
    assert (found.verdict_changed, found.note_changed) == (False, True)


def test_only_what_changed_since_the_last_return_counts(claim, advance, editor, reviewer):
    advance(claim, "returned")
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="The survey says 120.")
    workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="refutes", url="https://example.org/d")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    workflow.claim_return(claim_id=claim.pk, actor=reviewer, comment="Still not the survey's page.")
    found = since(claim)
    assert found.event.comment == "Still not the survey's page."
    assert (found.verdict_then, found.note_then) == ("disputed", "The survey says 120.")
    assert (found.changed, found.resubmitted) == (False, False)
