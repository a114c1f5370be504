"""Actions on a claim (``workflow.claims``): assign, verdict, submit, approve (with corrections), return,
reopen and comment; each writes its event, each refusal changes nothing."""

import pytest
from django.utils import timezone

from annotations import workflow
from annotations.models import Claim, Correction
from annotations.workflow import InvalidInput, NotFound

from .conftest import (
    APPROVE,
    APPROVE_COMMENT,
    APPROVED,
    ASSIGN,
    COMMENT,
    IN_PROGRESS,
    IN_REVIEW,
    NEW_NOTE,
    NEW_VERDICT,
    PENDING,
    REOPEN,
    REOPEN_REASON,
    RETURN,
    RETURNED,
    SET_VERDICT,
    SUBMIT,
    event_fields,
)

pytestmark = pytest.mark.django_db


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
        workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=editor2.pk if by_id else editor2)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.version) == (IN_PROGRESS, editor2, 2)
    assert (recorded.event.action, recorded.event.actor, recorded.event.status_after) == (ASSIGN, editor, IN_PROGRESS)
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


def test_the_assignee_takes_a_returned_claim_back_into_progress(claim, advance, editor, one_new_event):
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
    assert (claim.status, claim.verdict, claim.note, claim.version) == (IN_PROGRESS, verdict, "Checked the survey.", 3)
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
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="Figures differ.")
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
    workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url="https://example.org/")
    with refused(taken, InvalidInput, workflow.MSG_NEEDS_VERDICT):
        workflow.claim_submit(claim_id=taken.pk, actor=editor)


@pytest.mark.parametrize("verdict", ["verified", "disputed"])
def test_a_verified_or_disputed_verdict_needs_evidence(taken, editor, refused, verdict):
    workflow.claim_set_verdict(claim_id=taken.pk, actor=editor, verdict=verdict, note="A thorough note.")
    with refused(taken, InvalidInput, workflow.MSG_NEEDS_EVIDENCE.format(article="A", verdict=verdict)):
        workflow.claim_submit(claim_id=taken.pk, actor=editor)


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_unverified_verdict_needs_a_note(taken, editor, refused, note):
    workflow.claim_set_verdict(claim_id=taken.pk, actor=editor, verdict="unverified", note=note)
    workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="context", url="https://example.org/")
    with refused(taken, InvalidInput, workflow.MSG_NEEDS_NOTE.format(article="An", verdict="unverified")):
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
        SUBMIT,
        RETURNED,
        IN_REVIEW,
    )


def test_editing_a_returned_claim_puts_it_back_in_progress(claim, advance, editor, one_new_event):
    claim = advance(claim, RETURNED)
    with one_new_event() as recorded:
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="Reworked.")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == (IN_PROGRESS, "disputed")
    assert (recorded.event.status_before, recorded.event.status_after) == (RETURNED, IN_PROGRESS)


# --- Review ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "  Solid sourcing.  "])
def test_a_reviewer_approves_with_an_optional_comment(claim, advance, reviewer2, one_new_event, comment):
    claim = advance(claim, IN_REVIEW)
    with one_new_event() as recorded:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, comment=comment, expected_version=claim.version)
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


def test_a_reviewer_reopens_an_approved_claim_with_a_reason(claim, advance, editor, reviewer2, one_new_event):
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
        IN_PROGRESS,
        "verified",
        editor,
        None,
        version,
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


def test_a_first_approval_publishes_the_verdict_and_note_without_a_correction(claim, advance, reviewer2, one_new_event):
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


def test_a_correction_keeps_the_first_publication_date_and_moves_the_approval(claim, republish, reviewer, reviewer2):
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
        "unverified",
        "No figure stands.",
        first_approval,
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


# --- Comment --------------------------------------------------------------------------------------


def test_a_comment_is_recorded_and_changes_nothing_else(claim, advance, reviewer2, one_new_event, claim_state):
    claim = advance(claim, IN_REVIEW)
    before = claim_state(claim)
    with one_new_event() as recorded:
        event = workflow.claim_comment(claim_id=claim.pk, actor=reviewer2, comment="  Looks fine.  ")
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
    assert {k: v for k, v in after.items() if k != "events"} == {k: v for k, v in before.items() if k != "events"}


@pytest.mark.parametrize("comment", ["", "   "])
def test_an_empty_comment_is_refused(claim, editor, refused, comment):
    with refused(claim, InvalidInput, workflow.MSG_TEXT_REQUIRED):
        workflow.claim_comment(claim_id=claim.pk, actor=editor, comment=comment)


def test_a_comment_over_the_limit_is_refused(claim, editor, refused):
    comment = "c" * (workflow.MAX_COMMENT + 1)
    message = workflow.MSG_TOO_LONG.format(what="comment", length=len(comment), limit=workflow.MAX_COMMENT)
    with refused(claim, InvalidInput, message):
        workflow.claim_comment(claim_id=claim.pk, actor=editor, comment=comment)
