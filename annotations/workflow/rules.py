"""The rules: which status each action moves a claim to, and who may take it when.

Each action has one guard here, a function of the claim and the actor that returns the refusal
(a ``WorkflowError``, not raised) or None. The actions raise what their guard returns, and
``allowed_actions`` (the buttons a page shows) and ``refusals`` (why the others are not offered)
are computed from the same guards, so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import roles, vocabulary
from ..models import Action, Claim, ClaimStatus, ReviewEvent
from .errors import Forbidden, InvalidInput, InvalidTransition, WorkflowError

MSG_NOT_EDITOR = "Only editors can {what}."
MSG_NOT_REVIEWER = "Only reviewers can {what}."
MSG_NO_ROLE = "You need the editor or reviewer role to {what}."
MSG_NOT_ASSIGNEE = "Only the claim's assignee can {what}; take the claim first."
MSG_ASSIGNEE_NOT_EDITOR = "{user} cannot be assigned claims: they do not have the editor role."
MSG_ALREADY_ASSIGNED = "The claim is already assigned to {user}."
MSG_BAD_TRANSITION = "Cannot {what} a claim that is {status}."
MSG_FROZEN = "The verdict and evidence are frozen while the claim is {status}."
MSG_NEEDS_VERDICT = "Set a verdict before submitting the claim for review."
MSG_NEEDS_EVIDENCE = "{article} {verdict} verdict needs at least one evidence item before it is submitted."
MSG_NEEDS_NOTE = "{article} {verdict} verdict needs a note saying what was tried before it is submitted."
MSG_FOUR_EYES = "You submitted this verdict, so someone else must approve it."
MSG_FOUR_EYES_AUTHOR = "You worked on this verdict or its evidence, so someone else must approve it."
MSG_TRIAGE_FROZEN = "Cannot {what} a claim that is {status}: reopen it first."
MSG_NOT_TRIAGE_ASSIGNEE = "The claim is {user}'s work in progress: only they can {what}."
MSG_SPLIT_RULED = (
    "Claim {id} already has a verdict or evidence: splitting would leave them with no claim. Remove its "
    "evidence and split it before ruling."
)

# --- The transition table -----------------------------------------------------------------------
# action -> {status before: status after}. An action whose status is missing is refused.

# Working on the verdict keeps the claim in progress (and takes a returned one back into it).
_EDITABLE: dict[str, str] = dict.fromkeys(vocabulary.OPEN_STATUSES, ClaimStatus.IN_PROGRESS)
# The statuses a claim can be triaged in: pending, or its assignee's open work.
_TRIAGE: tuple[str, ...] = (ClaimStatus.PENDING, *vocabulary.OPEN_STATUSES)
TRANSITIONS: dict[str, dict[str, str]] = {
    Action.ASSIGNED: {ClaimStatus.PENDING: ClaimStatus.IN_PROGRESS, **_EDITABLE},
    Action.VERDICT_SET: _EDITABLE,
    Action.EVIDENCE_ADDED: _EDITABLE,
    Action.EVIDENCE_REMOVED: _EDITABLE,
    Action.SUBMITTED: dict.fromkeys(_EDITABLE, ClaimStatus.IN_REVIEW.value),
    Action.APPROVED: {ClaimStatus.IN_REVIEW: ClaimStatus.APPROVED},
    Action.RETURNED: {ClaimStatus.IN_REVIEW: ClaimStatus.RETURNED},
    Action.REOPENED: {ClaimStatus.APPROVED: ClaimStatus.IN_PROGRESS},
    Action.COMMENTED: {status: status for status in ClaimStatus.values},
    # Written by the loader when an article the claim appears in changes (``versions``).
    Action.SOURCE_CHANGED: {status: status for status in ClaimStatus.values},
    # Triage (``triage``): before a verdict is under review, a claim can be closed or reworded.
    Action.DISMISSED: dict.fromkeys(_TRIAGE, ClaimStatus.DISMISSED.value),
    Action.RESTORED: {ClaimStatus.DISMISSED: ClaimStatus.PENDING},
    Action.WORDING_SET: {ClaimStatus.PENDING: ClaimStatus.PENDING, **_EDITABLE},
    Action.MERGED_INTO: dict.fromkeys(_TRIAGE, ClaimStatus.MERGED.value),
    # The claim that stays keeps its status; a published one may take in its duplicates.
    Action.MERGED_FROM: {status: status for status in (*_TRIAGE, ClaimStatus.APPROVED)},
    Action.SPLIT: dict.fromkeys(_TRIAGE, ClaimStatus.SPLIT.value),
}

# The wording of refusals: "Cannot submit a claim that is approved.", "Only editors can assign claims."
_VERBS: dict[str, str] = {
    Action.ASSIGNED: "assign",
    Action.VERDICT_SET: "set the verdict of",
    Action.EVIDENCE_ADDED: "add evidence to",
    Action.EVIDENCE_REMOVED: "remove evidence from",
    Action.SUBMITTED: "submit",
    Action.APPROVED: "approve",
    Action.RETURNED: "return",
    Action.REOPENED: "reopen",
    Action.COMMENTED: "comment on",
    Action.SOURCE_CHANGED: "record a change of source of",
    Action.DISMISSED: "dismiss",
    Action.RESTORED: "restore",
    Action.WORDING_SET: "edit the wording of",
    Action.MERGED_INTO: "merge",
    Action.MERGED_FROM: "merge claims into",
    Action.SPLIT: "split",
}
# Who may take each action (None: anyone holding a role), and its wording in a refusal
# ("Only reviewers can approve claims.", "Only the claim's assignee can add evidence; ...").
ROLE_OF: dict[str, str | None] = {
    Action.ASSIGNED: roles.EDITOR,
    Action.VERDICT_SET: roles.EDITOR,
    Action.EVIDENCE_ADDED: roles.EDITOR,
    Action.EVIDENCE_REMOVED: roles.EDITOR,
    Action.SUBMITTED: roles.EDITOR,
    Action.APPROVED: roles.REVIEWER,
    Action.RETURNED: roles.REVIEWER,
    Action.REOPENED: roles.REVIEWER,
    Action.COMMENTED: None,
    Action.DISMISSED: roles.EDITOR,
    Action.RESTORED: roles.EDITOR,
    Action.WORDING_SET: roles.EDITOR,
    Action.MERGED_INTO: roles.EDITOR,
    Action.MERGED_FROM: roles.EDITOR,
    Action.SPLIT: roles.EDITOR,
}
_ROLE_WORK: dict[str, str] = {
    Action.ASSIGNED: "assign claims",
    Action.VERDICT_SET: "set the verdict",
    Action.EVIDENCE_ADDED: "add evidence",
    Action.EVIDENCE_REMOVED: "remove evidence",
    Action.SUBMITTED: "submit the claim",
    Action.APPROVED: "approve claims",
    Action.RETURNED: "return claims",
    Action.REOPENED: "reopen claims",
    Action.COMMENTED: "comment",
    Action.DISMISSED: "dismiss claims",
    Action.RESTORED: "restore claims",
    Action.WORDING_SET: "edit a claim's wording",
    Action.MERGED_INTO: "merge claims",
    Action.MERGED_FROM: "merge claims",
    Action.SPLIT: "split claims",
}
_VERDICT_WORK = (Action.VERDICT_SET, Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED)
_TRIAGE_WORK = (Action.DISMISSED, Action.WORDING_SET, Action.MERGED_INTO, Action.SPLIT)
# The events that shape a verdict: whoever wrote one may not approve it (four eyes).
_AUTHORING = (Action.VERDICT_SET, Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED, Action.SUBMITTED)


def next_status(claim: Claim, action: str) -> str:
    """Return the status ``action`` moves the claim to; the action's guard has allowed it."""
    return TRANSITIONS[action][claim.status]


def transition_refusal(claim: Claim, action: str) -> WorkflowError | None:
    """Refuse ``action`` if the claim's status does not allow it."""
    if claim.status in TRANSITIONS[action]:
        return None
    status = claim.get_status_display().lower()
    if action in _VERDICT_WORK and vocabulary.STATUSES[claim.status].frozen:
        return InvalidTransition(MSG_FROZEN.format(status=status))
    if action in _TRIAGE_WORK and vocabulary.STATUSES[claim.status].frozen:
        return InvalidTransition(MSG_TRIAGE_FROZEN.format(what=_VERBS[action], status=status))
    return InvalidTransition(MSG_BAD_TRANSITION.format(what=_VERBS[action], status=status))


# --- Guards, one per action ---------------------------------------------------------------------


def role_refusal(actor, action: str) -> WorkflowError | None:
    """Refuse ``action`` to an actor without the role it needs (``ROLE_OF``)."""
    role, what = ROLE_OF[action], _ROLE_WORK[action]
    if role == roles.EDITOR and not roles.is_editor(actor):
        return Forbidden(MSG_NOT_EDITOR.format(what=what))
    if role == roles.REVIEWER and not roles.is_reviewer(actor):
        return Forbidden(MSG_NOT_REVIEWER.format(what=what))
    if role is None and not roles.has_role(actor):
        return Forbidden(MSG_NO_ROLE.format(what=what))
    return None


def assign_refusal(claim: Claim, actor, assignee=None) -> WorkflowError | None:
    """Refuse assigning the claim to ``assignee`` (a user; default: the actor)."""
    refusal = role_refusal(actor, Action.ASSIGNED)
    if refusal:
        return refusal
    assignee = actor if assignee is None else assignee
    if not roles.is_editor(assignee):
        return InvalidInput(MSG_ASSIGNEE_NOT_EDITOR.format(user=assignee), field="assignee")
    if claim.assignee_id == assignee.pk and claim.status != ClaimStatus.RETURNED:
        return InvalidInput(MSG_ALREADY_ASSIGNED.format(user=assignee.get_username()))
    return transition_refusal(claim, Action.ASSIGNED)


def assignee_work_refusal(claim: Claim, actor, action: str) -> WorkflowError | None:
    """Refuse the assignee's work on the verdict (``action``) to anyone else, or in the wrong status."""
    refusal = role_refusal(actor, action)
    if refusal:
        return refusal
    if claim.assignee_id != actor.pk:
        return Forbidden(MSG_NOT_ASSIGNEE.format(what=_ROLE_WORK[action]))
    return transition_refusal(claim, action)


def readiness_refusal(claim: Claim) -> WorkflowError | None:
    """Refuse submitting a verdict that lacks what it needs (``vocabulary.VERDICTS``)."""
    if not claim.verdict:
        return InvalidInput(MSG_NEEDS_VERDICT)
    terms = vocabulary.VERDICTS[claim.verdict]
    article, verdict = vocabulary.with_article(claim.verdict).split(" ", 1)
    if terms.needs_evidence and not claim.evidence.exists():
        return InvalidInput(MSG_NEEDS_EVIDENCE.format(article=article.capitalize(), verdict=verdict))
    if terms.needs_note and not claim.note.strip():
        return InvalidInput(MSG_NEEDS_NOTE.format(article=article.capitalize(), verdict=verdict))
    return None


def submit_refusal(claim: Claim, actor) -> WorkflowError | None:
    return assignee_work_refusal(claim, actor, Action.SUBMITTED) or readiness_refusal(claim)


def worked_on_verdict(claim: Claim, user) -> bool:
    """Return whether ``user`` ruled, changed evidence or submitted since the claim was (re)opened.

    Four eyes is about the verdict, not only the last submission: whoever shaped the verdict under
    review may not approve it, even if someone else pressed "submit".
    """
    since = (
        ReviewEvent.objects.filter(claim=claim, action__in=[Action.CREATED, Action.REOPENED])
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    ) or 0
    return ReviewEvent.objects.filter(claim=claim, actor=user, action__in=_AUTHORING, id__gt=since).exists()


def approve_refusal(claim: Claim, actor) -> WorkflowError | None:
    """Refuse approving to anyone but a reviewer who had no hand in the verdict."""
    refusal = role_refusal(actor, Action.APPROVED) or transition_refusal(claim, Action.APPROVED)
    if refusal:
        return refusal
    if claim.submitted_by_id == actor.pk:
        return Forbidden(MSG_FOUR_EYES)
    if worked_on_verdict(claim, actor):
        return Forbidden(MSG_FOUR_EYES_AUTHOR)
    return None


def triage_refusal(claim: Claim, actor, action: str) -> WorkflowError | None:
    """Refuse a triage ``action`` to a non-editor, in a status that does not allow it, or on another's work.

    A pending claim is anyone's to triage; a claim in progress or returned is its assignee's.
    """
    refusal = role_refusal(actor, action) or transition_refusal(claim, action)
    if refusal:
        return refusal
    if claim.status in vocabulary.OPEN_STATUSES and claim.assignee_id not in (None, actor.pk):
        user = claim.assignee.get_username() if claim.assignee else "someone else"
        return Forbidden(MSG_NOT_TRIAGE_ASSIGNEE.format(user=user, what=_ROLE_WORK[action]))
    return None


def split_refusal(claim: Claim, actor) -> WorkflowError | None:
    """Refuse splitting a claim as ``triage_refusal`` does, and one whose verdict or evidence would be orphaned."""
    refusal = triage_refusal(claim, actor, Action.SPLIT)
    if refusal:
        return refusal
    if claim.verdict or claim.evidence.exists():
        return InvalidInput(MSG_SPLIT_RULED.format(id=claim.pk))
    return None


def status_refusal(claim: Claim, actor, action: str) -> WorkflowError | None:
    """Refuse ``action`` to an actor without its role, or in a status that does not allow it."""
    return role_refusal(actor, action) or transition_refusal(claim, action)


Guard = Callable[[Claim, Any], "WorkflowError | None"]

# Each action's guard as the buttons ask it: may ``actor`` take it on the claim now?
GUARDS: dict[str, Guard] = {
    Action.ASSIGNED: assign_refusal,
    Action.VERDICT_SET: lambda claim, actor: assignee_work_refusal(claim, actor, Action.VERDICT_SET),
    Action.EVIDENCE_ADDED: lambda claim, actor: assignee_work_refusal(claim, actor, Action.EVIDENCE_ADDED),
    Action.EVIDENCE_REMOVED: lambda claim, actor: assignee_work_refusal(claim, actor, Action.EVIDENCE_REMOVED),
    Action.SUBMITTED: submit_refusal,
    Action.APPROVED: approve_refusal,
    Action.RETURNED: lambda claim, actor: status_refusal(claim, actor, Action.RETURNED),
    Action.REOPENED: lambda claim, actor: status_refusal(claim, actor, Action.REOPENED),
    Action.COMMENTED: lambda claim, actor: status_refusal(claim, actor, Action.COMMENTED),
    Action.DISMISSED: lambda claim, actor: triage_refusal(claim, actor, Action.DISMISSED),
    Action.RESTORED: lambda claim, actor: status_refusal(claim, actor, Action.RESTORED),
    Action.WORDING_SET: lambda claim, actor: triage_refusal(claim, actor, Action.WORDING_SET),
    Action.MERGED_FROM: lambda claim, actor: triage_refusal(claim, actor, Action.MERGED_FROM),
    Action.SPLIT: split_refusal,
}


def refusals(claim: Claim, user) -> dict[str, WorkflowError | None]:
    """Return, for every action, why ``user`` may not take it on ``claim`` now (None: they may)."""
    return {action: guard(claim, user) for action, guard in GUARDS.items()}


def allowed_actions(claim: Claim, user) -> list[str]:
    """Return the actions ``user`` may take on ``claim`` now (for buttons; the actions re-check)."""
    return [action for action, refusal in refusals(claim, user).items() if refusal is None]
