"""Actions on a claim's evidence (``workflow.evidence``): web sources and passages added, checked, removed."""

import pytest

from annotations import workflow
from annotations.models import Claim, Evidence
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT
from annotations.workflow import InvalidInput, NotFound

from .conftest import (
    ADD_EVIDENCE,
    IN_PROGRESS,
    REMOVE_EVIDENCE,
    event_fields,
)

pytestmark = pytest.mark.django_db


# --- Evidence -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://example.org/report", "https://example.org/a/b?c=d#e"])
def test_web_evidence_is_added_and_logged_with_a_snapshot(taken, editor, one_new_event, url):
    with one_new_event() as recorded:
        evidence = workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="supports",
            url=f"  {url} ",
            title=" Report ",
            excerpt="300 tonnes",
            expected_version=2,
        )
    evidence.refresh_from_db()
    assert (evidence.claim, evidence.url, evidence.document, evidence.start, evidence.end) == (
        taken,
        url,
        None,
        None,
        None,
    )
    assert (evidence.title, evidence.excerpt, evidence.stance, evidence.added_by) == (
        "Report",
        "300 tonnes",
        "supports",
        editor,
    )
    assert event_fields(recorded.event) == {
        "action": ADD_EVIDENCE,
        "actor": editor,
        "status_before": IN_PROGRESS,
        "status_after": IN_PROGRESS,
        "verdict_before": "",
        "verdict_after": "",
        "comment": "",
        "claim_version": 3,
    }
    assert recorded.event.details == {
        "evidence_id": evidence.pk,
        "url": url,
        "document_id": None,
        "start": None,
        "end": None,
        "title": "Report",
        "excerpt": "300 tonnes",
        "stance": "supports",
    }


def test_a_passage_of_another_document_defaults_its_excerpt_to_the_passage(
    taken, editor, documents, other_document, one_new_event
):
    passage = documents.survey_claims[0]
    start, end = 0, len(passage)
    with one_new_event() as recorded:
        evidence = workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="refutes",
            document=other_document.pk,
            start=start,
            end=end,
        )
    evidence.refresh_from_db()
    assert (evidence.url, evidence.document, evidence.start, evidence.end) == ("", other_document, start, end)
    assert evidence.excerpt == other_document.text[start:end] == passage
    assert recorded.event.details["document_id"] == other_document.pk
    assert recorded.event.details["excerpt"] == passage


def test_a_passage_keeps_an_excerpt_given_by_the_editor(taken, editor, other_document):
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="refutes",
        document=other_document.pk,
        start=2,
        end=20,
        excerpt="120 tonnes",
        url="https://example.org/survey",
    )
    evidence.refresh_from_db()
    assert (evidence.excerpt, evidence.url, evidence.start, evidence.end) == (
        "120 tonnes",
        "https://example.org/survey",
        2,
        20,
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file.txt",
        "/relative/path",
        "example.org/page",
        "not a url",
        "http://",
        "mailto:desk@example.org",
        "data:text/html,hello",
        "https://exa mple.org/",
    ],
)
def test_evidence_with_a_web_address_other_than_http_or_https_is_refused(taken, editor, refused, url):
    with pytest.raises(InvalidInput) as refusal:
        workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url=url)
    assert str(refusal.value).startswith(f"{url!r} is not a valid web address (")
    assert str(refusal.value).endswith("): use a full http:// or https:// URL.")
    assert refusal.value.field == "url"
    assert not Evidence.objects.filter(claim=taken).exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ('https://example.org/"onmouseover="alert(1)', "contains '\"', which a web address cannot hold"),
        ("https://example.org/?q=%22%3E%3Cscript%3E", None),  # percent-encoded: a valid address
        ('https://example.org/?q="><script>', "contains '\"', which a web address cannot hold"),
        ("https://exam\u202eple.org/", "contains a bidirectional formatting character (U+202E)"),
        ("https://example.org/a\u200bb", "contains an invisible formatting character (U+200B)"),
        ("https://example.org/a\x07", "contains a control character (U+0007)"),
        ("https://example.org/<b>", "contains '<', which a web address cannot hold"),
        ("https://example.org/100%", "has a % that is not followed by two hex digits"),
        ("https://user:pw@example.org/", "has a user name or password in it"),
    ],
)
def test_evidence_addresses_are_checked_strictly(taken, editor, url, reason):
    if reason is None:
        evidence = workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url=url)
        assert evidence.url == url
        return
    with pytest.raises(InvalidInput) as refusal:
        workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url=url)
    assert str(refusal.value) == workflow.MSG_BAD_URL.format(value=url, reason=reason)


def test_an_address_with_other_characters_is_stored_in_its_normal_form(taken, editor):
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="supports",
        url="https://Bücher.example/Straße?q=ü#Abschnitt 2"[:-2] + "_2",
    )
    assert evidence.url == "https://xn--bcher-kva.example/Stra%C3%9Fe?q=%C3%BC#Abschnitt_2"


@pytest.mark.parametrize("url", ["", "   "])
def test_evidence_without_a_source_is_refused(taken, editor, refused, url):
    with refused(taken, InvalidInput, workflow.MSG_EVIDENCE_NEEDS_SOURCE):
        workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url=url, title="No source")


def test_evidence_with_an_unknown_stance_is_refused(taken, editor, refused):
    with refused(taken, InvalidInput, workflow.MSG_BAD_STANCE.format(value="agrees")):
        workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="agrees", url="https://example.org/")


@pytest.mark.parametrize("start, end", [(-1, 5), (0, 10_000), (5, 5), (10, 3)])
def test_a_passage_outside_the_document_is_refused(taken, editor, other_document, refused, start, end):
    message = workflow.MSG_PASSAGE_RANGE.format(
        start=start, end=end, document=other_document.pk, length=len(other_document.text)
    )
    with refused(taken, InvalidInput, message):
        workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="supports",
            document=other_document.pk,
            start=start,
            end=end,
        )


def test_a_passage_ending_exactly_at_the_end_of_the_document_is_accepted(taken, editor, other_document):
    length = len(other_document.text)
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="context",
        document=other_document.pk,
        start=0,
        end=length,
    )
    assert evidence.excerpt == other_document.text


@pytest.mark.parametrize("start, end", [(None, 5), (0, None), (None, None)])
def test_a_passage_needs_both_offsets(taken, editor, other_document, refused, start, end):
    with refused(taken, InvalidInput, workflow.MSG_PASSAGE_INCOMPLETE):
        workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="supports",
            document=other_document.pk,
            start=start,
            end=end,
        )


@pytest.mark.parametrize("start, end", [("a", 5), (0, "x"), (None, 5)])
def test_passage_offsets_that_are_not_numbers_are_refused(taken, editor, other_document, refused, start, end):
    message = workflow.MSG_PASSAGE_INCOMPLETE if start is None else workflow.MSG_BAD_OFFSET
    with refused(taken, InvalidInput, message):
        workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance="context", document=other_document.pk, start=start, end=end
        )


def test_a_passage_of_the_claims_own_document_is_refused(taken, editor, documents, refused):
    report = documents.report
    with refused(taken, InvalidInput, workflow.MSG_PASSAGE_OWN_DOCUMENT.format(document=report.pk)):
        workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="supports",
            document=report.pk,
            start=0,
            end=10,
        )


@pytest.mark.parametrize("stance", ["supports", "refutes"])
def test_a_passage_of_the_claims_own_document_neither_supports_nor_refutes_it(
    taken, editor, documents, refused, stance
):
    report = documents.report
    with refused(taken, InvalidInput, workflow.MSG_PASSAGE_OWN_DOCUMENT.format(document=report.pk)) as raised:
        workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance=stance, document=report.pk, start=0, end=len(CLAIM_TEXT)
        )
    assert raised.value.field == "document"


def test_a_passage_of_the_claims_own_document_is_accepted_as_context(taken, editor, documents, one_new_event):
    report = documents.report
    start = report.text.index(SECOND_CLAIM_TEXT)
    with one_new_event() as recorded:
        evidence = workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance="context", document=report.pk, start=start,
            end=start + len(SECOND_CLAIM_TEXT), expected_version=2,
        )  # fmt: skip
    evidence.refresh_from_db()
    assert (evidence.claim, evidence.document, evidence.stance, evidence.excerpt) == (
        taken, report, "context", SECOND_CLAIM_TEXT,
    )  # fmt: skip
    assert event_fields(recorded.event)["action"] == ADD_EVIDENCE
    assert (recorded.event.details["document_id"], recorded.event.details["stance"]) == (report.pk, "context")


def test_a_passage_of_an_unknown_document_is_refused(taken, editor, refused):
    with refused(taken, NotFound, workflow.MSG_DOCUMENT_NOT_FOUND.format(id=987654)):
        workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", document=987654, start=0, end=5)


def test_removing_evidence_keeps_a_full_snapshot_in_the_history(taken, editor, other_document, one_new_event):
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="refutes",
        url="https://example.org/survey",
        document=other_document.pk,
        start=2,
        end=20,
        title="Survey",
    )
    snapshot = {
        "evidence_id": evidence.pk,
        "url": "https://example.org/survey",
        "document_id": other_document.pk,
        "start": 2,
        "end": 20,
        "title": "Survey",
        "excerpt": other_document.text[2:20],
        "stance": "refutes",
    }
    with one_new_event() as recorded:
        workflow.evidence_remove(claim_id=taken.pk, evidence_id=evidence.pk, actor=editor, expected_version=3)
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert event_fields(recorded.event) == {
        "action": REMOVE_EVIDENCE,
        "actor": editor,
        "status_before": IN_PROGRESS,
        "status_after": IN_PROGRESS,
        "verdict_before": "",
        "verdict_after": "",
        "comment": "",
        "claim_version": 4,
    }
    assert recorded.event.details == snapshot


def test_removing_unknown_evidence_is_refused(taken, editor, refused):
    with refused(taken, NotFound, workflow.MSG_EVIDENCE_NOT_FOUND.format(id=987654)):
        workflow.evidence_remove(claim_id=taken.pk, evidence_id=987654, actor=editor)


def test_evidence_of_another_claim_cannot_be_removed_through_this_one(documents, editor, refused):
    first = Claim.objects.get(text=CLAIM_TEXT)
    second = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    for claim in (first, second):
        workflow.claim_assign(claim_id=claim.pk, actor=editor)
        workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="supports", url="https://example.org/a")
    other = second.evidence.get()
    first.refresh_from_db()
    with refused(first, NotFound, workflow.MSG_EVIDENCE_NOT_FOUND.format(id=other.pk)):
        workflow.evidence_remove(claim_id=first.pk, evidence_id=other.pk, actor=editor, expected_version=first.version)
    assert Evidence.objects.filter(pk=other.pk).exists()
