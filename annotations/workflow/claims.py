"""Actions on a claim's assignment, verdict and review.

Each runs in one transaction: lock the claim, ask the action's guard (``rules``), check the input,
change the claim and write exactly one ReviewEvent (``core.record``). A refusal writes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import vocabulary
from ..models import Action, Claim, Correction, ReviewEvent, Verdict
from . import rules
from .core import clean_text, find_user, lock_claim, record, refuse, require
from .errors import InvalidInput

MAX_NOTE = 10_000
MAX_COMMENT = 10_000

MSG_BAD_VERDICT = "Unknown verdict {value!r}: choose " + vocabulary.verdict_values_in_words() + "."
MSG_CORRECTION_REQUIRED = (
    "This claim was published as {old}; approving it as {new}, or with another note or wording, is a correction: "
    "write a public correction note saying what changed and why."
)
MSG_NOTHING_TO_CORRECT = (
    "Nothing to correct: the verdict, note and wording are those already published (or none were); "
    "leave the correction note empty."
)
MSG_COMMENT_REQUIRED = "A comment saying what to change is required to return a claim."
MSG_REASON_REQUIRED = "A reason is required to reopen an approved claim."
MSG_TEXT_REQUIRED = "The comment is empty."


@transaction.atomic
def claim_assign(*, claim_id: int, actor, assignee=None, expected_version: int | None = None) -> Claim:
    """Assign the claim to ``assignee`` (a user or user id; default: the actor)."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.role_refusal(actor, Action.ASSIGNED))  # before looking anyone up for them
    if assignee is not None and not hasattr(assignee, "pk"):
        assignee = find_user(assignee)
    refuse(rules.assign_refusal(claim, actor, assignee))
    assignee = assignee or actor
    previous = claim.assignee
    record(
        claim,
        actor=actor,
        action=Action.ASSIGNED,
        changes={"assignee": assignee},
        details={
            "assignee_before": previous.get_username() if previous else None,
            "assignee_after": assignee.get_username(),
        },
    )
    return claim


@transaction.atomic
def claim_set_verdict(
    *, claim_id: int, actor, verdict: str, note: str = "", expected_version: int | None = None
) -> Claim:
    """Rule a verdict with the editor's note."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.assignee_work_refusal(claim, actor, Action.VERDICT_SET))
    require(verdict in Verdict.values, InvalidInput(MSG_BAD_VERDICT.format(value=verdict), field="verdict"))
    note = clean_text(note, what="note", limit=MAX_NOTE)
    record(
        claim,
        actor=actor,
        action=Action.VERDICT_SET,
        changes={"verdict": verdict, "note": note, "source_changed_at": None},  # ruled again: seen the change
        details={"note_before": claim.note, "note_after": note},
    )
    return claim


@transaction.atomic
def claim_submit(*, claim_id: int, actor, expected_version: int | None = None) -> Claim:
    """Send the claim's verdict to review."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.submit_refusal(claim, actor))
    record(claim, actor=actor, action=Action.SUBMITTED, changes={"submitted_by": actor})
    return claim


@transaction.atomic
def claim_approve(
    *, claim_id: int, actor, comment: str = "", correction: str = "", expected_version: int | None = None
) -> Claim:
    """Approve the verdict under review (never one the actor submitted or worked on).

    Re-approving a published claim with another verdict or note is a correction: it needs a public
    ``correction`` note, and the claim keeps it in its list of corrections.
    """
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.approve_refusal(claim, actor))
    comment = clean_text(comment, what="comment", limit=MAX_COMMENT)
    correction = clean_text(correction, what="correction", limit=MAX_COMMENT)
    published = claim.published_verdict, claim.published_note, claim.published_wording
    corrects = claim.published_at is not None and published != (claim.verdict, claim.note, claim.wording)
    if corrects:
        old, new = Verdict(published[0]).label.lower(), Verdict(claim.verdict).label.lower()
        require(bool(correction), InvalidInput(MSG_CORRECTION_REQUIRED.format(old=old, new=new), field="correction"))
    else:
        require(not correction, InvalidInput(MSG_NOTHING_TO_CORRECT, field="correction"))
    now = timezone.now()
    changes = {
        "approved_by_id": actor.pk,
        "approved_at": now,
        "published_at": claim.published_at or now,
        "published_verdict": claim.verdict,
        "published_note": claim.note,
        "published_wording": claim.wording,
    }
    event = record(
        claim,
        actor=actor,
        action=Action.APPROVED,
        comment=comment,
        changes=changes,
        details={"correction": correction} if corrects else None,
    )
    if corrects:
        Correction.objects.create(
            claim=claim,
            event=event,
            old_verdict=published[0],
            new_verdict=claim.verdict,
            old_note=published[1],
            new_note=claim.note,
            old_wording=published[2],
            new_wording=claim.wording,
            note=correction,
            approved_by=actor,
            created_at=event.created_at,
        )
    return claim


@transaction.atomic
def claim_return(*, claim_id: int, actor, comment: str, expected_version: int | None = None) -> Claim:
    """Send the claim back to its editor with a comment saying what to change."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.status_refusal(claim, actor, Action.RETURNED))
    comment = clean_text(comment, what="comment", limit=MAX_COMMENT)
    require(bool(comment), InvalidInput(MSG_COMMENT_REQUIRED, field="comment"))
    record(claim, actor=actor, action=Action.RETURNED, comment=comment)
    return claim


@transaction.atomic
def claim_reopen(*, claim_id: int, actor, reason: str, expected_version: int | None = None) -> Claim:
    """Reopen an approved claim for more work."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.status_refusal(claim, actor, Action.REOPENED))
    reason = clean_text(reason, what="reason", limit=MAX_COMMENT)
    require(bool(reason), InvalidInput(MSG_REASON_REQUIRED, field="reason"))
    record(claim, actor=actor, action=Action.REOPENED, comment=reason, changes={"submitted_by": None})
    return claim


@transaction.atomic
def claim_comment(*, claim_id: int, actor, comment: str) -> ReviewEvent:
    """Add a comment to the claim's history (changes nothing else, so needs no version)."""
    claim = lock_claim(claim_id, None)
    refuse(rules.status_refusal(claim, actor, Action.COMMENTED))
    comment = clean_text(comment, what="comment", limit=MAX_COMMENT)
    require(bool(comment), InvalidInput(MSG_TEXT_REQUIRED, field="comment"))
    return record(claim, actor=actor, action=Action.COMMENTED, comment=comment, bump=False)
