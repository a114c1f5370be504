"""The workflow: transitions, guards, history, evidence rules, stale versions, buttons."""

import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from annotations import workflow
from annotations.models import Action, Claim, ClaimStatus, Correction, Evidence, ReviewEvent
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT
from annotations.workflow import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound

pytestmark = pytest.mark.django_db

PENDING = ClaimStatus.PENDING
IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
RETURNED = ClaimStatus.RETURNED
APPROVED = ClaimStatus.APPROVED
STATUSES = [PENDING, IN_PROGRESS, IN_REVIEW, RETURNED, APPROVED]

ASSIGN = Action.ASSIGNED
SET_VERDICT = Action.VERDICT_SET
ADD_EVIDENCE = Action.EVIDENCE_ADDED
REMOVE_EVIDENCE = Action.EVIDENCE_REMOVED
SUBMIT = Action.SUBMITTED
APPROVE = Action.APPROVED
RETURN = Action.RETURNED
REOPEN = Action.REOPENED
COMMENT = Action.COMMENTED
ACTIONS = [
    ASSIGN,
    SET_VERDICT,
    ADD_EVIDENCE,
    REMOVE_EVIDENCE,
    SUBMIT,
    APPROVE,
    RETURN,
    REOPEN,
    COMMENT,
]
VERSIONED = [a for a in ACTIONS if a != COMMENT]
EDITOR_ACTIONS = [SET_VERDICT, ADD_EVIDENCE, REMOVE_EVIDENCE, SUBMIT]
REVIEWER_ACTIONS = [APPROVE, RETURN, REOPEN]
ROLES = ["editor", "editor2", "reviewer", "reviewer2", "admin_user", "outsider"]

# The valid input each action is tried with (``act`` below).
NEW_VERDICT = "disputed"
NEW_NOTE = "The survey found 120 tonnes, not 300."
NEW_URL = "https://example.org/second-source"
APPROVE_COMMENT = "Well sourced."
RETURN_COMMENT = "Quote the survey directly."
REOPEN_REASON = "The ministry published a correction."
COMMENT_TEXT = "Worth a second look."
COMMENT_OF = {
    APPROVE: APPROVE_COMMENT,
    RETURN: RETURN_COMMENT,
    REOPEN: REOPEN_REASON,
    COMMENT: COMMENT_TEXT,
}

# What the assignee's and the reviewer's refusals say.
WHAT_EDITOR = {
    SET_VERDICT: "set the verdict",
    ADD_EVIDENCE: "add evidence",
    REMOVE_EVIDENCE: "remove evidence",
    SUBMIT: "submit the claim",
}
WHAT_REVIEWER = {APPROVE: "approve claims", RETURN: "return claims", REOPEN: "reopen claims"}
VERB = {
    ASSIGN: "assign",
    SET_VERDICT: "set the verdict of",
    ADD_EVIDENCE: "add evidence to",
    REMOVE_EVIDENCE: "remove evidence from",
    SUBMIT: "submit",
    APPROVE: "approve",
    RETURN: "return",
    REOPEN: "reopen",
}
SHOWN = {
    PENDING: "pending",
    IN_PROGRESS: "in progress",
    IN_REVIEW: "in review",
    RETURNED: "returned",
    APPROVED: "approved",
}


def ok(status_after):
    return ("ok", status_after)


def bad_transition(action, status):
    return (
        InvalidTransition,
        workflow.MSG_BAD_TRANSITION.format(what=VERB[action], status=SHOWN[status]),
    )


def frozen(status):
    return (InvalidTransition, workflow.MSG_FROZEN.format(status=SHOWN[status]))


def not_assignee(action):
    return (Forbidden, workflow.MSG_NOT_ASSIGNEE.format(what=WHAT_EDITOR[action]))


def act(action, claim, actor, *, expected_version=None):
    """Take ``action`` on ``claim`` as ``actor`` with valid input; an editor assigns themself."""
    common = {"claim_id": claim.pk, "actor": actor, "expected_version": expected_version}
    if action == ASSIGN:
        return workflow.claim_assign(**common)
    if action == SET_VERDICT:
        return workflow.claim_set_verdict(**common, verdict=NEW_VERDICT, note=NEW_NOTE)
    if action == ADD_EVIDENCE:
        return workflow.evidence_add(**common, stance="refutes", url=NEW_URL, title="Second source")
    if action == REMOVE_EVIDENCE:
        evidence = Evidence.objects.filter(claim_id=claim.pk).first()
        return workflow.evidence_remove(
            claim_id=claim.pk, evidence_id=evidence.pk, actor=actor, expected_version=expected_version
        )
    if action == SUBMIT:
        return workflow.claim_submit(**common)
    if action == APPROVE:
        return workflow.claim_approve(**common, comment=APPROVE_COMMENT)
    if action == RETURN:
        return workflow.claim_return(**common, comment=RETURN_COMMENT)
    if action == REOPEN:
        return workflow.claim_reopen(**common, reason=REOPEN_REASON)
    if action == COMMENT:
        return workflow.claim_comment(claim_id=claim.pk, actor=actor, comment=COMMENT_TEXT)
    raise AssertionError(f"unknown action {action}")


def stray_evidence(claim, user):
    """Attach evidence to a claim the workflow would not let anyone edit (to reach the guards)."""
    return Evidence.objects.create(
        claim=claim, url="https://example.org/stray", stance="context", added_by=user
    )


def event_fields(event):
    return {
        "action": event.action,
        "actor": event.actor,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "verdict_before": event.verdict_before,
        "verdict_after": event.verdict_after,
        "comment": event.comment,
        "claim_version": event.claim_version,
    }


def assert_took(action, claim, actor, before, event, status_after):
    """Assert that ``action`` moved the claim from ``before`` to ``status_after`` and logged it."""
    claim.refresh_from_db()
    verdict_after = NEW_VERDICT if action == SET_VERDICT else before["verdict"]
    version_after = before["version"] if action == COMMENT else before["version"] + 1
    assert event_fields(event) == {
        "action": action,
        "actor": actor,
        "status_before": before["status"],
        "status_after": status_after,
        "verdict_before": before["verdict"],
        "verdict_after": verdict_after,
        "comment": COMMENT_OF.get(action, ""),
        "claim_version": version_after,
    }
    assert (claim.status, claim.verdict, claim.version) == (
        status_after, verdict_after, version_after
    )


# --- Loading --------------------------------------------------------------------------------------


def test_loading_writes_one_created_event_per_new_claim(documents):
    claims = list(Claim.objects.order_by("id"))
    assert [c.text for c in claims] == documents.report_claims + documents.survey_claims
    events = list(ReviewEvent.objects.order_by("id"))
    assert [e.claim_id for e in events] == [c.pk for c in claims]
    for claim, event in zip(claims, events):
        assert (claim.status, claim.verdict, claim.note, claim.version, claim.assignee_id) == (
            PENDING, "", "", 1, None
        )
        document = documents.survey if claim.text in documents.survey_claims else documents.report
        assert event_fields(event) == {
            "action": Action.CREATED,
            "actor": None,
            "status_before": "",
            "status_after": PENDING,
            "verdict_before": "",
            "verdict_after": "",
            "comment": "",
            "claim_version": 1,
        }
        assert event.details == {"document_id": document.pk, "document": document.title}


def test_loading_records_the_actor_who_loaded(load_document, admin_user):
    text = "The bridge opened in 1998 after four years of work."
    result = load_document(text, "Bridge", [text], actor=admin_user)
    event = ReviewEvent.objects.get(claim_id=result.new_claim_ids[0])
    assert (event.action, event.actor) == (Action.CREATED, admin_user)


def test_loading_the_same_text_again_writes_nothing(load_document, documents):
    before = (Claim.objects.count(), ReviewEvent.objects.count())
    again = load_document(documents.survey.text, "Copy", documents.survey_claims)
    assert (again.created, again.document, again.claims_new) == (False, documents.survey, 0)
    assert (Claim.objects.count(), ReviewEvent.objects.count()) == before


def test_a_known_sentence_becomes_one_more_occurrence_without_a_second_created_event(
    load_document, claim
):
    result = load_document(f"Reporters repeated it: {claim.text}", "Repeat", [claim.text])
    assert (result.created, result.claims_new, result.claims_existing, result.occurrences) == (
        True, 0, 1, 1
    )
    assert claim.occurrences.count() == 2
    assert list(claim.events.values_list("action", flat=True)) == [Action.CREATED]


def test_new_claims_are_stored_with_their_signals(load_document):
    quoted = "The mayor called the flood 'a warning to us all'."
    plain = "The river flooded the lower town overnight."
    load_document(f"{SECOND_CLAIM_TEXT} {quoted} {plain}", "Flood", [SECOND_CLAIM_TEXT, quoted, plain])
    rows = Claim.objects.values_list("text", "has_number", "has_quote", "speaker")
    stored = {text: signals for text, *signals in rows}
    assert stored == {
        SECOND_CLAIM_TEXT: [True, False, "Officials"],
        quoted: [False, True, ""],  # "The mayor called": not a reporting verb
        plain: [False, False, ""],
    }


def test_signals_are_computed_for_new_claims_only(load_document, claim, monkeypatch):
    computed = []
    real = workflow.claim_signals
    monkeypatch.setattr(workflow, "claim_signals", lambda text: computed.append(text) or real(text))
    new = "The bridge reopened in 1998, the council said."
    load_document(f"{claim.text} {new}", "Again", [claim.text, new])
    assert computed == [new]
    assert Claim.objects.values_list("has_number", "speaker").get(text=new) == (True, "the council")


# --- Assign ---------------------------------------------------------------------------------------


def test_editor_takes_a_pending_claim(claim, editor, one_new_event):
    with one_new_event() as recorded:
        workflow.claim_assign(claim_id=claim.pk, actor=editor, expected_version=1)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.version) == (IN_PROGRESS, editor, 2)
    assert event_fields(recorded.event) == {
        "action": ASSIGN,
        "actor": editor,
        "status_before": PENDING,
        "status_after": IN_PROGRESS,
        "verdict_before": "",
        "verdict_after": "",
        "comment": "",
        "claim_version": 2,
    }
    assert recorded.event.details == {"assignee_before": None, "assignee_after": "editor1"}


@pytest.mark.parametrize("by_id", [False, True], ids=["user", "user-id"])
def test_editor_assigns_a_claim_to_another_editor(claim, editor, editor2, one_new_event, by_id):
    with one_new_event() as recorded:
        workflow.claim_assign(
            claim_id=claim.pk, actor=editor, assignee=editor2.pk if by_id else editor2
        )
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.version) == (IN_PROGRESS, editor2, 2)
    assert (recorded.event.action, recorded.event.actor, recorded.event.status_after) == (
        ASSIGN, editor, IN_PROGRESS
    )
    assert recorded.event.details == {"assignee_before": None, "assignee_after": "editor2"}


def test_a_claim_may_be_assigned_to_a_reviewer(claim, editor, reviewer):
    workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    claim.refresh_from_db()
    assert claim.assignee == reviewer


def test_another_editor_takes_over_a_claim_in_progress(claim, advance, editor2, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    with one_new_event() as recorded:
        workflow.claim_assign(claim_id=claim.pk, actor=editor2, expected_version=claim.version)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.verdict) == (IN_PROGRESS, editor2, "verified")
    assert (recorded.event.status_before, recorded.event.status_after) == (IN_PROGRESS, IN_PROGRESS)
    assert recorded.event.details == {"assignee_before": "editor1", "assignee_after": "editor2"}


def test_the_assignee_takes_a_returned_claim_back_into_progress(
    claim, advance, editor, one_new_event
):
    claim = advance(claim, RETURNED)
    with one_new_event() as recorded:
        workflow.claim_assign(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (IN_PROGRESS, editor)
    assert (recorded.event.status_before, recorded.event.status_after) == (RETURNED, IN_PROGRESS)


def test_taking_a_claim_one_already_holds_is_refused(claim, advance, editor, refused):
    claim = advance(claim, IN_PROGRESS)
    with refused(claim, InvalidInput, workflow.MSG_ALREADY_ASSIGNED.format(user="editor1")):
        workflow.claim_assign(claim_id=claim.pk, actor=editor)


def test_a_claim_cannot_be_assigned_to_a_user_without_a_role(claim, editor, outsider, refused):
    with refused(claim, InvalidInput, workflow.MSG_ASSIGNEE_NOT_EDITOR.format(user=outsider)):
        workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=outsider)


def test_a_claim_cannot_be_assigned_to_an_inactive_editor(claim, editor, editor2, refused):
    editor2.is_active = False
    editor2.save()
    with refused(claim, InvalidInput, workflow.MSG_ASSIGNEE_NOT_EDITOR.format(user=editor2)):
        workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=editor2)


@pytest.mark.parametrize("user_id", [987654, "nobody"])
def test_a_claim_cannot_be_assigned_to_an_unknown_user(claim, editor, refused, user_id):
    with refused(claim, NotFound, workflow.MSG_USER_NOT_FOUND.format(id=user_id)):
        workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=user_id)


# --- Verdict --------------------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", ["verified", "disputed", "unverified"])
def test_the_assignee_rules_a_verdict_with_a_note(claim, editor, one_new_event, verdict):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    with one_new_event() as recorded:
        workflow.claim_set_verdict(
            claim_id=claim.pk,
            actor=editor,
            verdict=verdict,
            note="  Checked the survey.  ",
            expected_version=2,
        )
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.note, claim.version) == (
        IN_PROGRESS, verdict, "Checked the survey.", 3
    )
    assert event_fields(recorded.event) == {
        "action": SET_VERDICT,
        "actor": editor,
        "status_before": IN_PROGRESS,
        "status_after": IN_PROGRESS,
        "verdict_before": "",
        "verdict_after": verdict,
        "comment": "",
        "claim_version": 3,
    }
    assert recorded.event.details == {"note_before": "", "note_after": "Checked the survey."}


def test_changing_a_verdict_records_both_verdicts_and_notes(claim, advance, editor, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    with one_new_event() as recorded:
        workflow.claim_set_verdict(
            claim_id=claim.pk, actor=editor, verdict="disputed", note="Figures differ."
        )
    assert (recorded.event.verdict_before, recorded.event.verdict_after) == ("verified", "disputed")
    assert recorded.event.details == {
        "note_before": "Matches the survey.",
        "note_after": "Figures differ.",
    }


@pytest.mark.parametrize("verdict", ["maybe", "", "Verified", None])
def test_an_unknown_verdict_is_refused(claim, editor, refused, verdict):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    with refused(claim, InvalidInput, workflow.MSG_BAD_VERDICT.format(value=verdict)):
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict=verdict, note="x")


def test_a_note_over_the_limit_is_refused(claim, editor, refused):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    note = "n" * (workflow.MAX_NOTE + 1)
    message = workflow.MSG_TOO_LONG.format(what="note", length=len(note), limit=workflow.MAX_NOTE)
    with refused(claim, InvalidInput, message):
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note=note)


# --- Evidence -------------------------------------------------------------------------------------


@pytest.fixture
def taken(claim, editor):
    """The claim, taken by the editor (in progress, no verdict, no evidence)."""
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    return claim


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
        taken, url, None, None, None
    )
    assert (evidence.title, evidence.excerpt, evidence.stance, evidence.added_by) == (
        "Report", "300 tonnes", "supports", editor
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
            document_id=other_document.pk,
            start=start,
            end=end,
        )
    evidence.refresh_from_db()
    assert (evidence.url, evidence.document, evidence.start, evidence.end) == (
        "", other_document, start, end
    )
    assert evidence.excerpt == other_document.text[start:end] == passage
    assert recorded.event.details["document_id"] == other_document.pk
    assert recorded.event.details["excerpt"] == passage


def test_a_passage_keeps_an_excerpt_given_by_the_editor(taken, editor, other_document):
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="refutes",
        document_id=other_document.pk,
        start=2,
        end=20,
        excerpt="120 tonnes",
        url="https://example.org/survey",
    )
    evidence.refresh_from_db()
    assert (evidence.excerpt, evidence.url, evidence.start, evidence.end) == (
        "120 tonnes", "https://example.org/survey", 2, 20
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
def test_evidence_with_a_web_address_other_than_http_or_https_is_refused(
    taken, editor, refused, url
):
    with refused(taken, InvalidInput, workflow.MSG_BAD_URL.format(value=url)):
        workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url=url)


@pytest.mark.parametrize("url", ["", "   "])
def test_evidence_without_a_source_is_refused(taken, editor, refused, url):
    with refused(taken, InvalidInput, workflow.MSG_EVIDENCE_NEEDS_SOURCE):
        workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance="supports", url=url, title="No source"
        )


def test_evidence_with_an_unknown_stance_is_refused(taken, editor, refused):
    with refused(taken, InvalidInput, workflow.MSG_BAD_STANCE.format(value="agrees")):
        workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance="agrees", url="https://example.org/"
        )


@pytest.mark.parametrize("start, end", [(-1, 5), (0, 10_000), (5, 5), (10, 3)])
def test_a_passage_outside_the_document_is_refused(
    taken, editor, other_document, refused, start, end
):
    message = workflow.MSG_PASSAGE_RANGE.format(
        start=start, end=end, document=other_document.pk, length=len(other_document.text)
    )
    with refused(taken, InvalidInput, message):
        workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="supports",
            document_id=other_document.pk,
            start=start,
            end=end,
        )


def test_a_passage_ending_exactly_at_the_end_of_the_document_is_accepted(
    taken, editor, other_document
):
    length = len(other_document.text)
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="context",
        document_id=other_document.pk,
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
            document_id=other_document.pk,
            start=start,
            end=end,
        )


def test_a_passage_of_the_claims_own_document_is_refused(taken, editor, documents, refused):
    report = documents.report
    with refused(taken, InvalidInput, workflow.MSG_PASSAGE_OWN_DOCUMENT.format(document=report.pk)):
        workflow.evidence_add(
            claim_id=taken.pk,
            actor=editor,
            stance="supports",
            document_id=report.pk,
            start=0,
            end=10,
        )


def test_a_passage_of_an_unknown_document_is_refused(taken, editor, refused):
    with refused(taken, NotFound, workflow.MSG_DOCUMENT_NOT_FOUND.format(id=987654)):
        workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance="supports", document_id=987654, start=0, end=5
        )


def test_removing_evidence_keeps_a_full_snapshot_in_the_history(
    taken, editor, other_document, one_new_event
):
    evidence = workflow.evidence_add(
        claim_id=taken.pk,
        actor=editor,
        stance="refutes",
        url="https://example.org/survey",
        document_id=other_document.pk,
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


# --- Submit ---------------------------------------------------------------------------------------


def test_submitting_sends_the_claim_to_review(claim, advance, editor, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    with one_new_event() as recorded:
        workflow.claim_submit(claim_id=claim.pk, actor=editor, expected_version=claim.version)
    version = claim.version + 1
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by, claim.version) == (IN_REVIEW, editor, version)
    assert event_fields(recorded.event) == {
        "action": SUBMIT,
        "actor": editor,
        "status_before": IN_PROGRESS,
        "status_after": IN_REVIEW,
        "verdict_before": "verified",
        "verdict_after": "verified",
        "comment": "",
        "claim_version": version,
    }


def test_submitting_without_a_verdict_is_refused(taken, editor, refused):
    workflow.evidence_add(
        claim_id=taken.pk, actor=editor, stance="supports", url="https://example.org/"
    )
    with refused(taken, InvalidInput, workflow.MSG_NEEDS_VERDICT):
        workflow.claim_submit(claim_id=taken.pk, actor=editor)


@pytest.mark.parametrize("verdict", ["verified", "disputed"])
def test_a_verified_or_disputed_verdict_needs_evidence(taken, editor, refused, verdict):
    workflow.claim_set_verdict(
        claim_id=taken.pk, actor=editor, verdict=verdict, note="A thorough note."
    )
    with refused(taken, InvalidInput, workflow.MSG_NEEDS_EVIDENCE.format(verdict=verdict)):
        workflow.claim_submit(claim_id=taken.pk, actor=editor)


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_unverified_verdict_needs_a_note(taken, editor, refused, note):
    workflow.claim_set_verdict(claim_id=taken.pk, actor=editor, verdict="unverified", note=note)
    workflow.evidence_add(
        claim_id=taken.pk, actor=editor, stance="context", url="https://example.org/"
    )
    with refused(taken, InvalidInput, workflow.MSG_NEEDS_NOTE):
        workflow.claim_submit(claim_id=taken.pk, actor=editor)


def test_an_unverified_verdict_with_a_note_is_submitted_without_evidence(taken, editor):
    workflow.claim_set_verdict(
        claim_id=taken.pk, actor=editor, verdict="unverified", note="Asked the ministry; no answer."
    )
    workflow.claim_submit(claim_id=taken.pk, actor=editor)
    taken.refresh_from_db()
    assert (taken.status, taken.evidence.count()) == (IN_REVIEW, 0)


def test_a_returned_claim_goes_straight_back_to_review(claim, advance, editor, one_new_event):
    claim = advance(claim, RETURNED)
    with one_new_event() as recorded:
        workflow.claim_submit(claim_id=claim.pk, actor=editor, expected_version=claim.version)
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by) == (IN_REVIEW, editor)
    assert (recorded.event.action, recorded.event.status_before, recorded.event.status_after) == (
        SUBMIT, RETURNED, IN_REVIEW
    )


def test_editing_a_returned_claim_puts_it_back_in_progress(claim, advance, editor, one_new_event):
    claim = advance(claim, RETURNED)
    with one_new_event() as recorded:
        workflow.claim_set_verdict(
            claim_id=claim.pk, actor=editor, verdict="disputed", note="Reworked."
        )
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == (IN_PROGRESS, "disputed")
    assert (recorded.event.status_before, recorded.event.status_after) == (RETURNED, IN_PROGRESS)


# --- Review ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "  Solid sourcing.  "])
def test_a_reviewer_approves_with_an_optional_comment(
    claim, advance, reviewer2, one_new_event, comment
):
    claim = advance(claim, IN_REVIEW)
    with one_new_event() as recorded:
        workflow.claim_approve(
            claim_id=claim.pk, actor=reviewer2, comment=comment, expected_version=claim.version
        )
    version = claim.version + 1
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.version) == (APPROVED, "verified", version)
    assert event_fields(recorded.event) == {
        "action": APPROVE,
        "actor": reviewer2,
        "status_before": IN_REVIEW,
        "status_after": APPROVED,
        "verdict_before": "verified",
        "verdict_after": "verified",
        "comment": comment.strip(),
        "claim_version": version,
    }


def test_a_reviewer_returns_a_claim_with_a_comment(claim, advance, reviewer2, one_new_event):
    claim = advance(claim, IN_REVIEW)
    with one_new_event() as recorded:
        workflow.claim_return(
            claim_id=claim.pk,
            actor=reviewer2,
            comment=" Cite the page. ",
            expected_version=claim.version,
        )
    version = claim.version + 1
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.version) == (RETURNED, "verified", version)
    assert event_fields(recorded.event) == {
        "action": RETURN,
        "actor": reviewer2,
        "status_before": IN_REVIEW,
        "status_after": RETURNED,
        "verdict_before": "verified",
        "verdict_after": "verified",
        "comment": "Cite the page.",
        "claim_version": version,
    }


@pytest.mark.parametrize("comment", ["", "  \n"])
def test_returning_needs_a_comment(claim, advance, reviewer2, refused, comment):
    claim = advance(claim, IN_REVIEW)
    with refused(claim, InvalidInput, workflow.MSG_COMMENT_REQUIRED):
        workflow.claim_return(claim_id=claim.pk, actor=reviewer2, comment=comment)


def test_a_reviewer_reopens_an_approved_claim_with_a_reason(
    claim, advance, editor, reviewer2, one_new_event
):
    claim = advance(claim, APPROVED)
    with one_new_event() as recorded:
        workflow.claim_reopen(
            claim_id=claim.pk,
            actor=reviewer2,
            reason="A correction.",
            expected_version=claim.version,
        )
    version = claim.version + 1
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.assignee, claim.submitted_by, claim.version) == (
        IN_PROGRESS, "verified", editor, None, version
    )
    assert event_fields(recorded.event) == {
        "action": REOPEN,
        "actor": reviewer2,
        "status_before": APPROVED,
        "status_after": IN_PROGRESS,
        "verdict_before": "verified",
        "verdict_after": "verified",
        "comment": "A correction.",
        "claim_version": version,
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(claim, advance, reviewer2, refused, reason):
    claim = advance(claim, APPROVED)
    with refused(claim, InvalidInput, workflow.MSG_REASON_REQUIRED):
        workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason=reason)


# --- Corrections ----------------------------------------------------------------------------------

PUBLISHED_FIELDS = ["approved_by", "approved_at", "published_at", "published_verdict", "published_note"]
FIRST_NOTE = "Matches the survey."  # what ``advance`` rules and so what the first approval publishes
CORRECTION_NOTE = "The survey measured 120 tonnes, not 300: the claim is disputed."


def published(claim):
    """Return what the claim has published, from the database, with its corrections."""
    row = Claim.objects.values(*PUBLISHED_FIELDS).get(pk=claim.pk)
    row["corrections"] = list(Correction.objects.filter(claim_id=claim.pk).values())
    return row


@pytest.fixture
def republish(advance, editor, reviewer2):
    """Return a function bringing a claim back to review after it was approved (and so published).

    The reviewer approves what ``advance`` rules (verified, ``FIRST_NOTE``); the second reviewer
    reopens it and the editor rules ``verdict`` and ``note`` and submits it again.
    """

    def bring(claim, *, verdict="verified", note=FIRST_NOTE):
        advance(claim, APPROVED)
        workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason=REOPEN_REASON)
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict=verdict, note=note)
        workflow.claim_submit(claim_id=claim.pk, actor=editor)
        claim.refresh_from_db()
        assert (claim.status, claim.published_verdict, claim.published_note) == (IN_REVIEW, "verified", FIRST_NOTE)
        return claim

    return bring


def test_a_first_approval_publishes_the_verdict_and_note_without_a_correction(
    claim, advance, reviewer2, one_new_event
):
    claim = advance(claim, IN_REVIEW)
    assert published(claim) == {
        "approved_by": None, "approved_at": None, "published_at": None, "published_verdict": "",
        "published_note": "", "corrections": [],
    }  # fmt: skip
    started = timezone.now()
    with one_new_event() as recorded:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    claim.refresh_from_db()
    assert (claim.approved_by, claim.published_verdict, claim.published_note) == (reviewer2, "verified", FIRST_NOTE)
    assert claim.approved_at == claim.published_at
    assert started <= claim.approved_at <= recorded.event.created_at
    assert recorded.event.details == {}
    assert not Correction.objects.exists()


def test_reopening_keeps_what_was_published(claim, advance, reviewer2):
    claim = advance(claim, APPROVED)
    before = published(claim)
    assert before["approved_at"] is not None
    workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason=REOPEN_REASON)
    claim.refresh_from_db()
    assert claim.status == IN_PROGRESS
    assert published(claim) == before


@pytest.mark.parametrize("correction", ["", "  \n "])
def test_re_approving_the_published_verdict_and_note_needs_no_correction_note(
    claim, republish, reviewer, reviewer2, one_new_event, correction
):
    claim = republish(claim)
    first_approval = claim.approved_at
    assert claim.approved_by == reviewer
    with one_new_event() as recorded:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=correction)
    claim.refresh_from_db()
    assert (claim.status, claim.published_verdict, claim.published_note) == (APPROVED, "verified", FIRST_NOTE)
    assert (claim.approved_by, claim.published_at) == (reviewer2, first_approval)
    assert claim.approved_at > first_approval
    assert recorded.event.details == {}
    assert not Correction.objects.exists()


def test_a_correction_note_when_nothing_changed_is_refused(claim, republish, reviewer2, refused):
    claim = republish(claim)
    before = published(claim)
    with refused(claim, InvalidInput, workflow.MSG_NOTHING_TO_CORRECT) as raised:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=CORRECTION_NOTE)
    assert raised.value.field == "correction"
    assert published(claim) == before


def test_a_correction_note_on_a_first_approval_is_refused(claim, advance, reviewer2, refused):
    claim = advance(claim, IN_REVIEW)
    with refused(claim, InvalidInput, workflow.MSG_NOTHING_TO_CORRECT) as raised:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=CORRECTION_NOTE)
    assert raised.value.field == "correction"
    assert published(claim)["published_at"] is None


@pytest.mark.parametrize("correction", ["", "   "])
def test_re_approving_another_verdict_without_a_correction_note_is_refused(
    claim, republish, reviewer2, refused, correction
):
    claim = republish(claim, verdict=NEW_VERDICT, note=NEW_NOTE)
    before = published(claim)
    message = workflow.MSG_CORRECTION_REQUIRED.format(old="verified", new="disputed")
    with refused(claim, InvalidInput, message) as raised:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=correction)
    assert raised.value.field == "correction"
    assert published(claim) == before


def test_re_approving_another_verdict_with_a_correction_note_keeps_the_correction(
    claim, republish, reviewer2, one_new_event
):
    claim = republish(claim, verdict=NEW_VERDICT, note=NEW_NOTE)
    with one_new_event() as recorded:
        workflow.claim_approve(
            claim_id=claim.pk, actor=reviewer2, comment=APPROVE_COMMENT, correction=f"  {CORRECTION_NOTE}\n"
        )
    event = recorded.event
    assert event_fields(event) == {
        "action": APPROVE,
        "actor": reviewer2,
        "status_before": IN_REVIEW,
        "status_after": APPROVED,
        "verdict_before": NEW_VERDICT,
        "verdict_after": NEW_VERDICT,
        "comment": APPROVE_COMMENT,
        "claim_version": claim.version + 1,
    }
    assert event.details == {"correction": CORRECTION_NOTE}
    correction = Correction.objects.get()
    assert (correction.claim_id, correction.event, correction.approved_by) == (claim.pk, event, reviewer2)
    assert (correction.old_verdict, correction.new_verdict) == ("verified", NEW_VERDICT)
    assert (correction.old_note, correction.new_note, correction.note) == (FIRST_NOTE, NEW_NOTE, CORRECTION_NOTE)
    assert correction.created_at == event.created_at
    claim.refresh_from_db()
    assert (claim.status, claim.published_verdict, claim.published_note) == (APPROVED, NEW_VERDICT, NEW_NOTE)
    assert list(claim.corrections.all()) == [correction]


def test_another_note_alone_is_a_correction(claim, republish, reviewer2, refused):
    note = "Matches the survey's 2023 figures."
    claim = republish(claim, note=note)
    message = workflow.MSG_CORRECTION_REQUIRED.format(old="verified", new="verified")
    with refused(claim, InvalidInput, message):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction="The note now names the survey's year.")
    correction = Correction.objects.get()
    assert (correction.old_verdict, correction.new_verdict) == ("verified", "verified")
    assert (correction.old_note, correction.new_note) == (FIRST_NOTE, note)
    claim.refresh_from_db()
    assert (claim.published_verdict, claim.published_note) == ("verified", note)


def test_a_correction_keeps_the_first_publication_date_and_moves_the_approval(
    claim, republish, reviewer, reviewer2
):
    claim = republish(claim, verdict=NEW_VERDICT, note=NEW_NOTE)
    first_approval = claim.approved_at
    assert (claim.published_at, claim.approved_by) == (first_approval, reviewer)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=CORRECTION_NOTE)
    claim.refresh_from_db()
    assert claim.published_at == first_approval
    assert claim.approved_at > first_approval
    assert claim.approved_at <= claim.corrections.get().created_at  # the correction is dated by its event
    assert claim.approved_by == reviewer2


def test_two_corrections_in_turn_are_both_kept_in_order(claim, republish, editor, reviewer, reviewer2):
    claim = republish(claim, verdict=NEW_VERDICT, note=NEW_NOTE)
    first_approval = claim.published_at
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=CORRECTION_NOTE)
    workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason="The ministry withdrew its figure.")
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="No figure stands.")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer, correction="Both figures are now withdrawn.")
    claim.refresh_from_db()
    corrections = list(claim.corrections.all())
    assert [(c.old_verdict, c.new_verdict, c.old_note, c.new_note, c.note, c.approved_by) for c in corrections] == [
        ("verified", NEW_VERDICT, FIRST_NOTE, NEW_NOTE, CORRECTION_NOTE, reviewer2),
        (NEW_VERDICT, "unverified", NEW_NOTE, "No figure stands.", "Both figures are now withdrawn.", reviewer),
    ]
    approvals = list(claim.events.filter(action=APPROVE).order_by("id"))
    assert [c.event for c in corrections] == approvals[1:]
    assert [c.created_at for c in corrections] == [e.created_at for e in approvals[1:]]
    assert corrections[0].created_at < corrections[1].created_at
    assert (claim.published_verdict, claim.published_note, claim.published_at) == (
        "unverified", "No figure stands.", first_approval
    )


def test_a_correction_that_cannot_be_written_undoes_the_approval(claim, republish, reviewer2, refused, monkeypatch):
    claim = republish(claim, verdict=NEW_VERDICT, note=NEW_NOTE)
    before = published(claim)

    def fail(self, *args, **kwargs):
        raise RuntimeError("The corrections table is unavailable.")

    monkeypatch.setattr(Correction, "save", fail)
    with refused(claim, RuntimeError, "The corrections table is unavailable."):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction=CORRECTION_NOTE)
    assert published(claim) == before


# --- Four eyes ------------------------------------------------------------------------------------


def test_a_reviewer_may_edit_but_not_approve_their_own_verdict(
    claim, advance, reviewer, reviewer2, refused
):
    claim = advance(claim, IN_REVIEW, by=reviewer)
    assert (claim.assignee, claim.submitted_by) == (reviewer, reviewer)
    assert [e.actor for e in claim.events.exclude(action=Action.CREATED)] == [reviewer] * 4
    with refused(claim, Forbidden, workflow.MSG_FOUR_EYES):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    claim.refresh_from_db()
    assert claim.status == APPROVED
    assert claim.events.last().actor == reviewer2


def test_a_superuser_who_submitted_cannot_approve(claim, advance, admin_user, reviewer, refused):
    claim = advance(claim, IN_REVIEW, by=admin_user)
    assert claim.submitted_by == admin_user
    with refused(claim, Forbidden, workflow.MSG_FOUR_EYES):
        workflow.claim_approve(claim_id=claim.pk, actor=admin_user)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    claim.refresh_from_db()
    assert claim.status == APPROVED


def test_the_submitter_may_still_return_their_own_claim(claim, advance, reviewer, one_new_event):
    claim = advance(claim, IN_REVIEW, by=reviewer)
    with one_new_event() as recorded:
        workflow.claim_return(claim_id=claim.pk, actor=reviewer, comment="I spotted a mistake.")
    assert (recorded.event.action, recorded.event.status_after) == (RETURN, RETURNED)


# --- Comment --------------------------------------------------------------------------------------


def test_a_comment_is_recorded_and_changes_nothing_else(
    claim, advance, reviewer2, one_new_event, claim_state
):
    claim = advance(claim, IN_REVIEW)
    before = claim_state(claim)
    with one_new_event() as recorded:
        event = workflow.claim_comment(
            claim_id=claim.pk, actor=reviewer2, comment="  Looks fine.  "
        )
    assert event == recorded.event
    assert event_fields(event) == {
        "action": COMMENT,
        "actor": reviewer2,
        "status_before": IN_REVIEW,
        "status_after": IN_REVIEW,
        "verdict_before": "verified",
        "verdict_after": "verified",
        "comment": "Looks fine.",
        "claim_version": before["version"],
    }
    after = claim_state(claim)
    assert after["events"] == before["events"] + [event.pk]
    assert {k: v for k, v in after.items() if k != "events"} == {
        k: v for k, v in before.items() if k != "events"
    }


@pytest.mark.parametrize("comment", ["", "   "])
def test_an_empty_comment_is_refused(claim, editor, refused, comment):
    with refused(claim, InvalidInput, workflow.MSG_TEXT_REQUIRED):
        workflow.claim_comment(claim_id=claim.pk, actor=editor, comment=comment)


def test_a_comment_over_the_limit_is_refused(claim, editor, refused):
    comment = "c" * (workflow.MAX_COMMENT + 1)
    message = workflow.MSG_TOO_LONG.format(
        what="comment", length=len(comment), limit=workflow.MAX_COMMENT
    )
    with refused(claim, InvalidInput, message):
        workflow.claim_comment(claim_id=claim.pk, actor=editor, comment=comment)


# --- Unknown claims -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != REMOVE_EVIDENCE])
@pytest.mark.parametrize("claim_id", [987654, "x"])
def test_an_action_on_an_unknown_claim_is_refused(claim, admin_user, refused, action, claim_id):
    missing = Claim(pk=claim_id)
    with refused(claim, NotFound, workflow.MSG_CLAIM_NOT_FOUND.format(id=claim_id)):
        act(action, missing, admin_user)


# --- Role x action --------------------------------------------------------------------------------

# The status each action is tried from (one where the status allows it) and who may take it there.
ROLE_SETUP = {
    ASSIGN: PENDING,
    SET_VERDICT: IN_PROGRESS,
    ADD_EVIDENCE: IN_PROGRESS,
    REMOVE_EVIDENCE: IN_PROGRESS,
    SUBMIT: IN_PROGRESS,
    APPROVE: IN_REVIEW,
    RETURN: IN_REVIEW,
    REOPEN: APPROVED,
    COMMENT: IN_REVIEW,
}
ROLE_AFTER = {
    ASSIGN: IN_PROGRESS,
    SET_VERDICT: IN_PROGRESS,
    ADD_EVIDENCE: IN_PROGRESS,
    REMOVE_EVIDENCE: IN_PROGRESS,
    SUBMIT: IN_REVIEW,
    APPROVE: APPROVED,
    RETURN: RETURNED,
    REOPEN: IN_PROGRESS,
    COMMENT: IN_REVIEW,
}


def role_outcome(action, role):
    """Return None if ``role`` may take ``action`` (the editor holds the claim), else why not."""
    if action == ASSIGN:
        if role == "outsider":
            return (Forbidden, workflow.MSG_NOT_EDITOR.format(what="assign claims"))
        return None
    if action in EDITOR_ACTIONS:
        if role == "outsider":
            return (Forbidden, workflow.MSG_NOT_EDITOR.format(what=WHAT_EDITOR[action]))
        return None if role == "editor" else not_assignee(action)
    if action in REVIEWER_ACTIONS:
        if role in ("reviewer", "reviewer2", "admin_user"):
            return None
        return (Forbidden, workflow.MSG_NOT_REVIEWER.format(what=WHAT_REVIEWER[action]))
    if action == COMMENT:
        return (
            (Forbidden, workflow.MSG_NO_ROLE.format(what="comment")) if role == "outsider" else None
        )
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_x_action(request, claim, advance, refused, one_new_event, claim_state, action, role):
    actor = request.getfixturevalue(role)
    claim = advance(claim, ROLE_SETUP[action])
    refusal = role_outcome(action, role)
    if refusal is None:
        before = claim_state(claim)
        with one_new_event() as recorded:
            act(action, claim, actor)
        assert_took(action, claim, actor, before, recorded.event, ROLE_AFTER[action])
    else:
        with refused(claim, *refusal):
            act(action, claim, actor)


# --- Status x action ------------------------------------------------------------------------------

# Who tries each action: another editor takes the claim over; the assignee edits and submits;
# a reviewer who did not submit reviews; the assignee comments.
STATUS_ACTOR = {
    ASSIGN: "editor2",
    SET_VERDICT: "editor",
    ADD_EVIDENCE: "editor",
    REMOVE_EVIDENCE: "editor",
    SUBMIT: "editor",
    APPROVE: "reviewer2",
    RETURN: "reviewer2",
    REOPEN: "reviewer2",
    COMMENT: "editor",
}
STATUS_OUTCOME = {
    PENDING: {
        ASSIGN: ok(IN_PROGRESS),
        # Nobody holds a pending claim, so the assignee check answers first.
        SET_VERDICT: not_assignee(SET_VERDICT),
        ADD_EVIDENCE: not_assignee(ADD_EVIDENCE),
        REMOVE_EVIDENCE: not_assignee(REMOVE_EVIDENCE),
        SUBMIT: not_assignee(SUBMIT),
        APPROVE: bad_transition(APPROVE, PENDING),
        RETURN: bad_transition(RETURN, PENDING),
        REOPEN: bad_transition(REOPEN, PENDING),
        COMMENT: ok(PENDING),
    },
    IN_PROGRESS: {
        ASSIGN: ok(IN_PROGRESS),
        SET_VERDICT: ok(IN_PROGRESS),
        ADD_EVIDENCE: ok(IN_PROGRESS),
        REMOVE_EVIDENCE: ok(IN_PROGRESS),
        SUBMIT: ok(IN_REVIEW),
        APPROVE: bad_transition(APPROVE, IN_PROGRESS),
        RETURN: bad_transition(RETURN, IN_PROGRESS),
        REOPEN: bad_transition(REOPEN, IN_PROGRESS),
        COMMENT: ok(IN_PROGRESS),
    },
    IN_REVIEW: {
        ASSIGN: bad_transition(ASSIGN, IN_REVIEW),
        SET_VERDICT: frozen(IN_REVIEW),
        ADD_EVIDENCE: frozen(IN_REVIEW),
        REMOVE_EVIDENCE: frozen(IN_REVIEW),
        SUBMIT: bad_transition(SUBMIT, IN_REVIEW),
        APPROVE: ok(APPROVED),
        RETURN: ok(RETURNED),
        REOPEN: bad_transition(REOPEN, IN_REVIEW),
        COMMENT: ok(IN_REVIEW),
    },
    RETURNED: {
        ASSIGN: ok(IN_PROGRESS),
        SET_VERDICT: ok(IN_PROGRESS),
        ADD_EVIDENCE: ok(IN_PROGRESS),
        REMOVE_EVIDENCE: ok(IN_PROGRESS),
        SUBMIT: ok(IN_REVIEW),
        APPROVE: bad_transition(APPROVE, RETURNED),
        RETURN: bad_transition(RETURN, RETURNED),
        REOPEN: bad_transition(REOPEN, RETURNED),
        COMMENT: ok(RETURNED),
    },
    APPROVED: {
        ASSIGN: bad_transition(ASSIGN, APPROVED),
        SET_VERDICT: frozen(APPROVED),
        ADD_EVIDENCE: frozen(APPROVED),
        REMOVE_EVIDENCE: frozen(APPROVED),
        SUBMIT: bad_transition(SUBMIT, APPROVED),
        APPROVE: bad_transition(APPROVE, APPROVED),
        RETURN: bad_transition(RETURN, APPROVED),
        REOPEN: ok(IN_PROGRESS),
        COMMENT: ok(APPROVED),
    },
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_status_x_action(
    request, claim, advance, editor, refused, one_new_event, claim_state, status, action
):
    actor = request.getfixturevalue(STATUS_ACTOR[action])
    claim = advance(claim, status)
    if status == PENDING and action == REMOVE_EVIDENCE:
        stray_evidence(claim, editor)
    expected = STATUS_OUTCOME[status][action]
    version = claim.version if action in VERSIONED else None
    if expected[0] == "ok":
        before = claim_state(claim)
        with one_new_event() as recorded:
            act(action, claim, actor, expected_version=version)
        assert_took(action, claim, actor, before, recorded.event, expected[1])
    else:
        with refused(claim, *expected):
            act(action, claim, actor, expected_version=version)


def test_every_transition_in_the_table_is_covered_by_the_matrix():
    allowed = {
        (status, action)
        for status, outcomes in STATUS_OUTCOME.items()
        for action, outcome in outcomes.items()
        if outcome[0] == "ok"
    }
    table = {(status, action) for action, moves in workflow.TRANSITIONS.items() for status in moves}
    assert allowed == table
    for status, outcomes in STATUS_OUTCOME.items():
        for action, outcome in outcomes.items():
            if outcome[0] == "ok":
                assert workflow.TRANSITIONS[action][status] == outcome[1]


@pytest.mark.parametrize("action", EDITOR_ACTIONS)
def test_the_transition_table_alone_keeps_a_pending_claim_from_being_edited(
    claim, editor, refused, action
):
    # Not reachable through the workflow (taking a claim moves it on); proves the table holds.
    Claim.objects.filter(pk=claim.pk).update(assignee=editor)
    if action == REMOVE_EVIDENCE:
        stray_evidence(claim, editor)
    with refused(claim, *bad_transition(action, PENDING)):
        act(action, claim, editor)


# --- Stale versions -------------------------------------------------------------------------------


def _others_change(action, claim, cast):
    """Make the change someone else makes after the stale caller loaded the claim."""
    if action == ASSIGN:
        workflow.claim_assign(claim_id=claim.pk, actor=cast.editor2)
    elif action in (SET_VERDICT, SUBMIT):
        workflow.claim_set_verdict(
            claim_id=claim.pk, actor=cast.editor, verdict="unverified", note="Other tab."
        )
    elif action == ADD_EVIDENCE:
        workflow.evidence_remove(claim_id=claim.pk, evidence_id=claim.evidence.get().pk, actor=cast.editor)
    elif action == REMOVE_EVIDENCE:
        workflow.evidence_add(
            claim_id=claim.pk, actor=cast.editor, stance="context", url="https://example.org/b"
        )
    elif action == APPROVE:
        workflow.claim_return(claim_id=claim.pk, actor=cast.reviewer2, comment="Not yet.")
    elif action == RETURN:
        workflow.claim_approve(claim_id=claim.pk, actor=cast.reviewer2)
    elif action == REOPEN:
        workflow.claim_reopen(claim_id=claim.pk, actor=cast.reviewer2, reason="Other reason.")


def _assert_others_change_intact(action, claim, cast, evidence_before):
    claim.refresh_from_db()
    if action == ASSIGN:
        assert (claim.status, claim.assignee) == (IN_PROGRESS, cast.editor2)
    elif action in (SET_VERDICT, SUBMIT):
        assert (claim.status, claim.verdict, claim.note) == (
            IN_PROGRESS, "unverified", "Other tab."
        )
    elif action == ADD_EVIDENCE:
        assert not claim.evidence.exists()
    elif action == REMOVE_EVIDENCE:
        assert list(claim.evidence.values_list("url", flat=True)) == [
            evidence_before[0].url,
            "https://example.org/b",
        ]
    elif action == APPROVE:
        assert claim.status == RETURNED
    elif action == RETURN:
        assert claim.status == APPROVED
    elif action == REOPEN:
        assert claim.status == IN_PROGRESS
        assert claim.events.filter(action=REOPEN).get().comment == "Other reason."


STALE_SETUP = {
    ASSIGN: (PENDING, "editor"),
    SET_VERDICT: (IN_PROGRESS, "editor"),
    ADD_EVIDENCE: (IN_PROGRESS, "editor"),
    REMOVE_EVIDENCE: (IN_PROGRESS, "editor"),
    SUBMIT: (IN_PROGRESS, "editor"),
    APPROVE: (IN_REVIEW, "reviewer"),
    RETURN: (IN_REVIEW, "reviewer"),
    REOPEN: (APPROVED, "reviewer"),
}


@pytest.fixture
def cast(editor, editor2, reviewer, reviewer2, admin_user, outsider):
    """The six users by role name, for tables that name them."""
    return SimpleNamespace(
        editor=editor,
        editor2=editor2,
        reviewer=reviewer,
        reviewer2=reviewer2,
        admin_user=admin_user,
        outsider=outsider,
    )


@pytest.mark.parametrize("action", VERSIONED)
def test_a_write_based_on_a_stale_version_is_refused_and_loses_nothing(
    claim, advance, cast, refused, action
):
    status, stale_role = STALE_SETUP[action]
    claim = advance(claim, status)
    seen = claim.version
    evidence_before = list(claim.evidence.all())
    _others_change(action, claim, cast)
    message = workflow.MSG_STALE.format(expected=seen, current=seen + 1)
    with refused(claim, Conflict, message):
        act(action, claim, getattr(cast, stale_role), expected_version=seen)
    _assert_others_change_intact(action, claim, cast, evidence_before)
    assert claim.events.filter(claim_version__gt=seen).count() == 1


@pytest.mark.parametrize("action", VERSIONED)
def test_a_version_that_is_not_a_number_is_refused(claim, advance, cast, refused, action):
    status, role = STALE_SETUP[action]
    claim = advance(claim, status)
    with refused(claim, InvalidInput, workflow.MSG_BAD_VERSION.format(value="latest")):
        act(action, claim, getattr(cast, role), expected_version="latest")


# --- One transaction ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_the_change_is_undone_when_its_event_cannot_be_written(
    claim, advance, cast, refused, monkeypatch, action
):
    claim = advance(claim, ROLE_SETUP[action])
    actor = getattr(cast, STATUS_ACTOR[action])

    def fail(self, *args, **kwargs):
        raise RuntimeError("The history table is unavailable.")

    monkeypatch.setattr(ReviewEvent, "save", fail)
    with refused(claim, RuntimeError, "The history table is unavailable."):
        act(action, claim, actor)


# --- Buttons --------------------------------------------------------------------------------------


class _Undo(Exception):
    pass


def outcome_of(action, claim, actor):
    """Return whether ``action`` succeeds for ``actor`` now, leaving the database as it was."""
    try:
        with transaction.atomic():
            act(action, claim, actor)
            raise _Undo
    except _Undo:
        return True
    except workflow.WorkflowError:
        return False


# The states a claim page can be drawn in, each reached through the workflow (``_bring_to``).
BUTTON_STATES = {
    "pending": PENDING,
    "in_progress": IN_PROGRESS,
    "in_progress_without_verdict": IN_PROGRESS,
    "in_review": IN_REVIEW,
    "in_review_submitted_by_reviewer": IN_REVIEW,
    "returned": RETURNED,
    "approved": APPROVED,
}


def _bring_to(state, claim, advance, cast):
    if state == "in_progress_without_verdict":
        workflow.claim_assign(claim_id=claim.pk, actor=cast.editor)
        workflow.evidence_add(
            claim_id=claim.pk, actor=cast.editor, stance="supports", url="https://example.org/"
        )
        claim.refresh_from_db()
        return claim
    by = cast.reviewer if state == "in_review_submitted_by_reviewer" else None
    claim = advance(claim, BUTTON_STATES[state], by=by, reviewed_by=cast.reviewer2 if by else None)
    if state == "pending":
        stray_evidence(claim, cast.editor)
    return claim


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(BUTTON_STATES))
def test_allowed_actions_match_what_the_workflow_accepts(claim, advance, cast, state, role):
    claim = _bring_to(state, claim, advance, cast)
    actor = getattr(cast, role)
    offered = set(workflow.allowed_actions(claim, actor))
    accepted = {action for action in ACTIONS if outcome_of(action, claim, actor)}
    assert offered == accepted


@pytest.mark.parametrize(
    "verdict, note",
    [("verified", "Checked."), ("disputed", "Checked."), ("unverified", "")],
    ids=["verified-without-evidence", "disputed-without-evidence", "unverified-without-note"],
)
def test_submit_is_not_offered_when_submitting_would_be_refused(taken, editor, verdict, note):
    workflow.claim_set_verdict(claim_id=taken.pk, actor=editor, verdict=verdict, note=note)
    taken.refresh_from_db()
    assert not outcome_of(SUBMIT, taken, editor)
    assert SUBMIT not in workflow.allowed_actions(taken, editor)


@pytest.mark.parametrize("state", list(BUTTON_STATES))
def test_a_user_without_a_role_is_offered_nothing(claim, advance, cast, state):
    claim = _bring_to(state, claim, advance, cast)
    assert workflow.allowed_actions(claim, cast.outsider) == []


def test_an_anonymous_visitor_is_offered_nothing(claim):
    assert workflow.allowed_actions(claim, AnonymousUser()) == []


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE) to contend on",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_verdicts_on_the_same_version_let_exactly_one_through(claim, editor):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    seen = claim.version
    verdicts = ["verified", "disputed", "unverified", "verified", "disputed", "unverified"]
    start = threading.Barrier(len(verdicts))
    results = [None] * len(verdicts)

    def rule(index, verdict):
        try:
            start.wait(timeout=10)
            workflow.claim_set_verdict(
                claim_id=claim.pk,
                actor=editor,
                verdict=verdict,
                note=f"Tab {index}.",
                expected_version=seen,
            )
            results[index] = "ok"
        except Conflict as error:
            results[index] = str(error)
        except Exception as error:  # reported by the assertion below
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rule, args=(i, v)) for i, v in enumerate(verdicts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    stale = workflow.MSG_STALE.format(expected=seen, current=seen + 1)
    assert results.count("ok") == 1, results
    assert sorted(r for r in results if r != "ok") == [stale] * (len(verdicts) - 1)
    winner = results.index("ok")
    claim.refresh_from_db()
    assert (claim.verdict, claim.note, claim.version) == (
        verdicts[winner], f"Tab {winner}.", seen + 1
    )
    event = claim.events.get(action=SET_VERDICT)
    assert (event.verdict_after, event.comment, event.claim_version) == (
        verdicts[winner], "", seen + 1
    )
    assert event.details["note_after"] == f"Tab {winner}."


# --- Findings from review -------------------------------------------------------------------------


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


def test_whoever_shaped_the_verdict_cannot_approve_it_even_if_someone_else_submitted(
    claim, reviewer, reviewer2, editor2, refused
):
    workflow.claim_assign(claim_id=claim.pk, actor=reviewer)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=reviewer, verdict="unverified", note="No answer yet.")
    workflow.claim_assign(claim_id=claim.pk, actor=reviewer, assignee=editor2)
    workflow.claim_submit(claim_id=claim.pk, actor=editor2)
    claim.refresh_from_db()
    assert workflow.Action.APPROVED not in workflow.allowed_actions(claim, reviewer)
    with refused(claim, Forbidden, workflow.MSG_FOUR_EYES_AUTHOR):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    assert workflow.Action.APPROVED in workflow.allowed_actions(claim, reviewer2)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_work_before_a_reopening_does_not_count_against_the_approver(claim, advance, editor, reviewer, reviewer2):
    advance(claim, "approved", by=reviewer, reviewed_by=reviewer2)
    workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason="New figures came out.")
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)  # reviewer's own work predates the reopening
    claim.refresh_from_db()
    assert claim.status == "approved"


@pytest.mark.parametrize("start, end", [("a", 5), (0, "x"), (None, 5)])
def test_passage_offsets_that_are_not_numbers_are_refused(taken, editor, other_document, refused, start, end):
    message = workflow.MSG_PASSAGE_INCOMPLETE if start is None else workflow.MSG_BAD_OFFSET
    with refused(taken, InvalidInput, message):
        workflow.evidence_add(
            claim_id=taken.pk, actor=editor, stance="context", document_id=other_document.pk, start=start, end=end
        )


def test_sqlite_transactions_take_the_write_lock_at_once():
    """SQLite has no row locks: IMMEDIATE transactions serialise workflow actions instead."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL locks the claim row (see the concurrency test)")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
