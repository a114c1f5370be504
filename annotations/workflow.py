"""Every write to a claim goes through this module.

Each action follows the same steps in one transaction: lock the claim row, check the actor's role,
the transition (one table, ``TRANSITIONS``) and the action's own rules, refuse with a clear message
or change the claim, bump its version and write exactly one ReviewEvent. A refused action raises a
``WorkflowError`` subclass and writes nothing.

``expected_version`` is the claim version the caller's decision was based on (the version shown
on the page or returned by the API). When it no longer matches, the action is refused as a
``Conflict`` so that nobody overwrites a change they have not seen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone

from . import bulk, history, roles
from .ingest.signals import claim_signals
from .models import (
    Action,
    Claim,
    ClaimOccurrence,
    ClaimStatus,
    Correction,
    Evidence,
    ReviewEvent,
    SourceDocument,
    Stance,
    Suggestion,
    Verdict,
)

# --- Errors -------------------------------------------------------------------------------------


class WorkflowError(Exception):
    """A refused action; ``str(error)`` is the message to show the user."""

    code = "refused"


class NotFound(WorkflowError):
    code = "not_found"


class Forbidden(WorkflowError):
    code = "forbidden"


class InvalidTransition(WorkflowError):
    code = "invalid_transition"


class InvalidInput(WorkflowError):
    """Input the rules refuse; ``field`` names the input at fault, when there is one."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(WorkflowError):
    code = "conflict"


class AlreadyDone(WorkflowError):
    """The change asked for is already made (a suggested passage already attached)."""

    code = "already_done"


# --- Messages -----------------------------------------------------------------------------------

MSG_CLAIM_NOT_FOUND = "Claim {id} does not exist."
MSG_EVIDENCE_NOT_FOUND = "Evidence {id} does not exist on this claim."
MSG_SUGGESTION_NOT_FOUND = "Suggestion {id} does not exist on this claim."
MSG_SUGGESTION_ATTACHED = "This passage is already attached to the claim as evidence (item {evidence})."
MSG_DOCUMENT_NOT_FOUND = "Document {id} does not exist."
MSG_USER_NOT_FOUND = "User {id} does not exist."
MSG_STALE = (
    "This claim was changed by someone else since you loaded it (you had version {expected}, "
    "it is now at version {current}). Reload it to see their change, then try again."
)
MSG_BAD_VERSION = "{value!r} is not a claim version: expected a whole number."
MSG_ALREADY_ASSIGNED = "The claim is already assigned to {user}."
MSG_NOT_EDITOR = "Only editors can {what}."
MSG_NOT_REVIEWER = "Only reviewers can {what}."
MSG_NO_ROLE = "You need the editor or reviewer role to {what}."
MSG_NOT_ASSIGNEE = "Only the claim's assignee can {what}; take the claim first."
MSG_ASSIGNEE_NOT_EDITOR = "{user} cannot be assigned claims: they do not have the editor role."
MSG_BAD_TRANSITION = "Cannot {what} a claim that is {status}."
MSG_FROZEN = "The verdict and evidence are frozen while the claim is {status}."
MSG_BAD_VERDICT = "Unknown verdict {value!r}: choose verified, disputed or unverified."
MSG_BAD_STANCE = "Unknown stance {value!r}: choose supports, refutes or context."
MSG_NEEDS_VERDICT = "Set a verdict before submitting the claim for review."
MSG_NEEDS_EVIDENCE = "A {verdict} verdict needs at least one evidence item before it is submitted."
MSG_NEEDS_NOTE = "An unverified verdict needs a note saying what was tried before it is submitted."
MSG_FOUR_EYES = "You submitted this verdict, so someone else must approve it."
MSG_FOUR_EYES_AUTHOR = "You worked on this verdict or its evidence, so someone else must approve it."
MSG_BAD_OFFSET = "The passage offsets must be whole numbers."
MSG_CORRECTION_REQUIRED = (
    "This claim was published as {old}; approving it as {new}, or with another note, is a correction: "
    "write a public correction note saying what changed and why."
)
MSG_NOTHING_TO_CORRECT = (
    "Nothing to correct: the verdict and note are those already published (or none were); "
    "leave the correction note empty."
)
MSG_COMMENT_REQUIRED = "A comment saying what to change is required to return a claim."
MSG_REASON_REQUIRED = "A reason is required to reopen an approved claim."
MSG_TEXT_REQUIRED = "The comment is empty."
MSG_EVIDENCE_NEEDS_SOURCE = "Evidence needs a web address or a passage of another document."
MSG_BAD_URL = "{value!r} is not a valid web address: use a full http:// or https:// URL."
MSG_PASSAGE_RANGE = (
    "The passage {start}-{end} is outside document {document} (its text is {length} characters)."
)
MSG_PASSAGE_INCOMPLETE = "A document passage needs both a start and an end offset."
MSG_PASSAGE_OWN_DOCUMENT = (
    "Document {document} is where the claim itself appears: cite a passage of another document."
)
MSG_TOO_LONG = "The {what} is too long ({length} characters; at most {limit})."

# --- The transition table -----------------------------------------------------------------------
# action -> {status before: status after}. An action whose status is missing is refused.

_EDITABLE = {
    ClaimStatus.IN_PROGRESS: ClaimStatus.IN_PROGRESS,
    ClaimStatus.RETURNED: ClaimStatus.IN_PROGRESS,
}
TRANSITIONS: dict[str, dict[str, str]] = {
    Action.ASSIGNED: {
        ClaimStatus.PENDING: ClaimStatus.IN_PROGRESS,
        **_EDITABLE,
    },
    Action.VERDICT_SET: _EDITABLE,
    Action.EVIDENCE_ADDED: _EDITABLE,
    Action.EVIDENCE_REMOVED: _EDITABLE,
    Action.SUBMITTED: {
        ClaimStatus.IN_PROGRESS: ClaimStatus.IN_REVIEW,
        ClaimStatus.RETURNED: ClaimStatus.IN_REVIEW,
    },
    Action.APPROVED: {ClaimStatus.IN_REVIEW: ClaimStatus.APPROVED},
    Action.RETURNED: {ClaimStatus.IN_REVIEW: ClaimStatus.RETURNED},
    Action.REOPENED: {ClaimStatus.APPROVED: ClaimStatus.IN_PROGRESS},
    Action.COMMENTED: {status: status for status in ClaimStatus.values},
}

# The wording used in refusals ("Cannot submit a claim that is approved.").
_VERBS = {
    Action.ASSIGNED: "assign",
    Action.VERDICT_SET: "set the verdict of",
    Action.EVIDENCE_ADDED: "add evidence to",
    Action.EVIDENCE_REMOVED: "remove evidence from",
    Action.SUBMITTED: "submit",
    Action.APPROVED: "approve",
    Action.RETURNED: "return",
    Action.REOPENED: "reopen",
    Action.COMMENTED: "comment on",
}

MAX_NOTE = 10_000
MAX_COMMENT = 10_000


def allowed_actions(claim: Claim, user) -> list[str]:
    """Return the actions ``user`` may take on ``claim`` now (for buttons; the actions re-check)."""
    actions = []
    status = claim.status
    if roles.is_editor(user):
        if status in TRANSITIONS[Action.ASSIGNED] and (
            claim.assignee_id != user.pk or status == ClaimStatus.RETURNED
        ):
            actions.append(Action.ASSIGNED)
        if claim.assignee_id == user.pk and status in _EDITABLE:
            actions += [Action.VERDICT_SET, Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED]
            if _submit_refusal(claim) is None:
                actions.append(Action.SUBMITTED)
    if roles.is_reviewer(user):
        if status == ClaimStatus.IN_REVIEW:
            if claim.submitted_by_id != user.pk and not _worked_on_verdict(claim, user):
                actions.append(Action.APPROVED)
            actions.append(Action.RETURNED)
        if status == ClaimStatus.APPROVED:
            actions.append(Action.REOPENED)
    if roles.has_role(user):
        actions.append(Action.COMMENTED)
    return actions


# --- Shared steps -------------------------------------------------------------------------------


def _lock_claim(claim_id, expected_version: int | None) -> Claim:
    try:
        claim = Claim.objects.select_for_update().get(pk=claim_id)
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_CLAIM_NOT_FOUND.format(id=claim_id)) from None
    if expected_version is not None:
        try:
            expected = int(expected_version)
        except (ValueError, TypeError):
            raise InvalidInput(MSG_BAD_VERSION.format(value=expected_version), field="version") from None
        if expected != claim.version:
            raise Conflict(MSG_STALE.format(expected=expected, current=claim.version))
    return claim


def _require(check: bool, error: type[WorkflowError], message: str, *, field: str | None = None) -> None:
    if not check:
        raise error(message, field=field) if field else error(message)


def _next_status(claim: Claim, action: str) -> str:
    try:
        return TRANSITIONS[action][claim.status]
    except KeyError:
        if action in (Action.VERDICT_SET, Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED) and (
            claim.status in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED)
        ):
            raise InvalidTransition(MSG_FROZEN.format(status=claim.get_status_display().lower()))
        raise InvalidTransition(
            MSG_BAD_TRANSITION.format(
                what=_VERBS[action], status=claim.get_status_display().lower()
            )
        ) from None


def _require_assignee(claim: Claim, actor, what: str) -> None:
    _require(roles.is_editor(actor), Forbidden, MSG_NOT_EDITOR.format(what=what))
    _require(claim.assignee_id == actor.pk, Forbidden, MSG_NOT_ASSIGNEE.format(what=what))


def _clean_text(value, *, what: str, limit: int, field: str | None = None) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(MSG_TOO_LONG.format(what=what, length=len(text), limit=limit), field=field or what)
    return text


def _apply(
    claim: Claim,
    *,
    actor,
    action: str,
    changes: dict | None = None,
    comment: str = "",
    details: dict | None = None,
    bump: bool = True,
) -> ReviewEvent:
    """Apply ``changes`` and the action's status to the locked claim and record the event."""
    status_before, verdict_before = claim.status, claim.verdict
    fields = dict(changes or {})
    fields["status"] = _next_status(claim, action)
    changed = [name for name, value in fields.items() if getattr(claim, name) != value]
    for name, value in fields.items():
        setattr(claim, name, value)
    if bump:
        claim.version += 1
        claim.updated_at = timezone.now()
        changed += ["version", "updated_at"]
    if changed:
        claim.save(update_fields=sorted(set(changed)))
    event = {
        "action": action,
        "actor_id": getattr(actor, "pk", None),
        "status_before": status_before,
        "status_after": claim.status,
        "verdict_before": verdict_before,
        "verdict_after": claim.verdict,
        "comment": comment,
        "details": details or {},
        "claim_version": claim.version,
        "created_at": timezone.now(),
    }
    # The claim is locked: no other event of it can come between the one read here and this one.
    previous = ReviewEvent.objects.filter(claim_id=claim.pk).order_by("-id").values_list("hash", flat=True).first()
    return ReviewEvent.objects.create(claim=claim, hash=history.event_hash(previous or claim.text_hash, event), **event)


def _user(user_id):
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(pk=user_id)
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_USER_NOT_FOUND.format(id=user_id)) from None


# --- Actions ------------------------------------------------------------------------------------


@transaction.atomic
def claim_assign(*, claim_id: int, actor, assignee=None, expected_version: int | None = None) -> Claim:
    """Assign the claim to ``assignee`` (a user or user id; default: the actor)."""
    claim = _lock_claim(claim_id, expected_version)
    _require(roles.is_editor(actor), Forbidden, MSG_NOT_EDITOR.format(what="assign claims"))
    if assignee is None:
        assignee = actor
    elif not hasattr(assignee, "pk"):
        assignee = _user(assignee)
    _require(roles.is_editor(assignee), InvalidInput, MSG_ASSIGNEE_NOT_EDITOR.format(user=assignee), field="assignee")
    previous = claim.assignee
    _require(
        previous != assignee or claim.status == ClaimStatus.RETURNED,
        InvalidInput,
        MSG_ALREADY_ASSIGNED.format(user=assignee.get_username()),
    )
    _apply(
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
    claim = _lock_claim(claim_id, expected_version)
    _require_assignee(claim, actor, "set the verdict")
    _require(verdict in Verdict.values, InvalidInput, MSG_BAD_VERDICT.format(value=verdict), field="verdict")
    note = _clean_text(note, what="note", limit=MAX_NOTE)
    _apply(
        claim,
        actor=actor,
        action=Action.VERDICT_SET,
        changes={"verdict": verdict, "note": note},
        details={"note_before": claim.note, "note_after": note},
    )
    return claim


def _validated_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise InvalidInput(MSG_BAD_URL.format(value=url), field="url") from None
        if len(url) > 2000:
            raise InvalidInput(MSG_TOO_LONG.format(what="web address", length=len(url), limit=2000), field="url")
    return url


def _evidence_snapshot(evidence: Evidence) -> dict:
    return {
        "evidence_id": evidence.pk,
        "url": evidence.url,
        "document_id": evidence.document_id,
        "start": evidence.start,
        "end": evidence.end,
        "title": evidence.title,
        "excerpt": evidence.excerpt,
        "stance": evidence.stance,
    }


@transaction.atomic
def evidence_add(
    *,
    claim_id: int,
    actor,
    stance: str,
    url: str = "",
    document_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
    title: str = "",
    excerpt: str = "",
    expected_version: int | None = None,
    suggestion: dict | None = None,
) -> Evidence:
    """Attach a web source and/or a passage of another loaded document to the claim.

    ``suggestion`` describes the corroboration suggestion the passage comes from, for the history.
    """
    claim = _lock_claim(claim_id, expected_version)
    _require_assignee(claim, actor, "add evidence")
    _next_status(claim, Action.EVIDENCE_ADDED)  # refuse frozen claims before validating input
    _require(stance in Stance.values, InvalidInput, MSG_BAD_STANCE.format(value=stance), field="stance")
    url = _validated_url(url)
    title = _clean_text(title, what="title", limit=500)
    excerpt = _clean_text(excerpt, what="excerpt", limit=MAX_NOTE)
    document = None
    if document_id not in (None, ""):
        try:
            document = SourceDocument.objects.only("id", "text").get(pk=document_id)
        except (SourceDocument.DoesNotExist, ValueError, TypeError):
            raise NotFound(MSG_DOCUMENT_NOT_FOUND.format(id=document_id)) from None
        _require(start is not None and end is not None, InvalidInput, MSG_PASSAGE_INCOMPLETE, field="end")
        try:
            start, end = int(start), int(end)
        except (ValueError, TypeError):
            raise InvalidInput(MSG_BAD_OFFSET, field="start") from None
        _require(
            0 <= start < end <= len(document.text),
            InvalidInput,
            MSG_PASSAGE_RANGE.format(start=start, end=end, document=document.pk, length=len(document.text)),
            field="end",
        )
        _require(
            not claim.occurrences.filter(document=document).exists(),
            InvalidInput,
            MSG_PASSAGE_OWN_DOCUMENT.format(document=document.pk),
            field="document",
        )
        excerpt = excerpt or document.text[start:end]
    else:
        start = end = None
        _require(bool(url), InvalidInput, MSG_EVIDENCE_NEEDS_SOURCE, field="url")
    evidence = Evidence.objects.create(
        claim=claim,
        url=url,
        document=document,
        start=start,
        end=end,
        title=title,
        excerpt=excerpt,
        stance=stance,
        added_by=actor,
    )
    details = _evidence_snapshot(evidence)
    if suggestion:
        details["suggestion"] = suggestion
    _apply(claim, actor=actor, action=Action.EVIDENCE_ADDED, details=details)
    return evidence


@transaction.atomic
def suggestion_attach(
    *, claim_id: int, suggestion_id: int, actor, stance: str | None = None, expected_version: int | None = None
) -> Evidence:
    """Attach a suggested passage as evidence, with its suggested stance unless ``stance`` is given.

    The same rules as ``evidence_add``, which writes the evidence and its history event; a passage
    already attached to the claim is refused.
    """
    claim = _lock_claim(claim_id, expected_version)
    _require_assignee(claim, actor, "add evidence")
    _next_status(claim, Action.EVIDENCE_ADDED)
    try:
        suggestion = (
            Suggestion.objects.select_related("document").only("document__title", "start", "end", "stance", "score")
            .filter(pk=suggestion_id, claim_id=claim.pk).first()
        )  # fmt: skip
    except (ValueError, TypeError):
        suggestion = None
    if suggestion is None:
        raise NotFound(MSG_SUGGESTION_NOT_FOUND.format(id=suggestion_id))
    attached = (
        Evidence.objects.filter(
            claim_id=claim.pk, document_id=suggestion.document_id, start=suggestion.start, end=suggestion.end
        ).values_list("id", flat=True).first()
    )  # fmt: skip
    if attached is not None:
        raise AlreadyDone(MSG_SUGGESTION_ATTACHED.format(evidence=attached))
    return evidence_add(
        claim_id=claim.pk,
        actor=actor,
        stance=stance or suggestion.stance,
        document_id=suggestion.document_id,
        start=suggestion.start,
        end=suggestion.end,
        title=suggestion.document.title[:500],
        suggestion={"suggestion_id": suggestion.pk, "score": suggestion.score, "stance": suggestion.stance},
    )


@transaction.atomic
def evidence_remove(
    *, claim_id: int, evidence_id: int, actor, expected_version: int | None = None
) -> Claim:
    """Detach an evidence item of the claim; the history keeps a full copy of it."""
    claim = _lock_claim(claim_id, expected_version)
    _require_assignee(claim, actor, "remove evidence")
    _next_status(claim, Action.EVIDENCE_REMOVED)
    try:
        evidence = Evidence.objects.filter(pk=evidence_id, claim_id=claim.pk).first()
    except (ValueError, TypeError):
        evidence = None
    if evidence is None:  # never there, another claim's, or removed while we waited for the lock
        raise NotFound(MSG_EVIDENCE_NOT_FOUND.format(id=evidence_id))
    snapshot = _evidence_snapshot(evidence)
    evidence.delete()
    _apply(claim, actor=actor, action=Action.EVIDENCE_REMOVED, details=snapshot)
    return claim


_AUTHORING = (Action.VERDICT_SET, Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED, Action.SUBMITTED)


def _worked_on_verdict(claim: Claim, user) -> bool:
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
    return ReviewEvent.objects.filter(
        claim=claim, actor=user, action__in=_AUTHORING, id__gt=since
    ).exists()


def _submit_refusal(claim: Claim) -> str | None:
    """Return why the claim's verdict cannot be submitted yet, or None if it can."""
    if not claim.verdict:
        return MSG_NEEDS_VERDICT
    if claim.verdict in (Verdict.VERIFIED, Verdict.DISPUTED):
        if not claim.evidence.exists():
            return MSG_NEEDS_EVIDENCE.format(verdict=claim.verdict)
    elif not claim.note.strip():
        return MSG_NEEDS_NOTE
    return None


@transaction.atomic
def claim_submit(*, claim_id: int, actor, expected_version: int | None = None) -> Claim:
    """Send the claim's verdict to review."""
    claim = _lock_claim(claim_id, expected_version)
    _require_assignee(claim, actor, "submit the claim")
    _next_status(claim, Action.SUBMITTED)
    refusal = _submit_refusal(claim)
    _require(refusal is None, InvalidInput, refusal)
    _apply(claim, actor=actor, action=Action.SUBMITTED, changes={"submitted_by": actor})
    return claim


@transaction.atomic
def claim_approve(
    *, claim_id: int, actor, comment: str = "", correction: str = "", expected_version: int | None = None
) -> Claim:
    """Approve the verdict under review (never one the actor submitted).

    Re-approving a published claim with another verdict or note is a correction: it needs a public
    ``correction`` note, and the claim keeps it in its list of corrections.
    """
    claim = _lock_claim(claim_id, expected_version)
    _require(roles.is_reviewer(actor), Forbidden, MSG_NOT_REVIEWER.format(what="approve claims"))
    _next_status(claim, Action.APPROVED)
    _require(claim.submitted_by_id != actor.pk, Forbidden, MSG_FOUR_EYES)
    _require(not _worked_on_verdict(claim, actor), Forbidden, MSG_FOUR_EYES_AUTHOR)
    comment = _clean_text(comment, what="comment", limit=MAX_COMMENT)
    correction = _clean_text(correction, what="correction", limit=MAX_COMMENT)
    published = claim.published_verdict, claim.published_note
    corrects = claim.published_at is not None and published != (claim.verdict, claim.note)
    if corrects:
        _require(bool(correction), InvalidInput, MSG_CORRECTION_REQUIRED.format(
            old=Verdict(published[0]).label.lower(), new=Verdict(claim.verdict).label.lower()), field="correction")
    else:
        _require(not correction, InvalidInput, MSG_NOTHING_TO_CORRECT, field="correction")
    now = timezone.now()
    changes = {
        "approved_by_id": actor.pk,
        "approved_at": now,
        "published_at": claim.published_at or now,
        "published_verdict": claim.verdict,
        "published_note": claim.note,
    }
    event = _apply(
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
            note=correction,
            approved_by=actor,
            created_at=event.created_at,
        )
    return claim


@transaction.atomic
def claim_return(*, claim_id: int, actor, comment: str, expected_version: int | None = None) -> Claim:
    """Send the claim back to its editor with a comment saying what to change."""
    claim = _lock_claim(claim_id, expected_version)
    _require(roles.is_reviewer(actor), Forbidden, MSG_NOT_REVIEWER.format(what="return claims"))
    _next_status(claim, Action.RETURNED)
    comment = _clean_text(comment, what="comment", limit=MAX_COMMENT)
    _require(bool(comment), InvalidInput, MSG_COMMENT_REQUIRED, field="comment")
    _apply(claim, actor=actor, action=Action.RETURNED, comment=comment)
    return claim


@transaction.atomic
def claim_reopen(*, claim_id: int, actor, reason: str, expected_version: int | None = None) -> Claim:
    """Reopen an approved claim for more work."""
    claim = _lock_claim(claim_id, expected_version)
    _require(roles.is_reviewer(actor), Forbidden, MSG_NOT_REVIEWER.format(what="reopen claims"))
    _next_status(claim, Action.REOPENED)
    reason = _clean_text(reason, what="reason", limit=MAX_COMMENT)
    _require(bool(reason), InvalidInput, MSG_REASON_REQUIRED, field="reason")
    _apply(claim, actor=actor, action=Action.REOPENED, comment=reason, changes={"submitted_by": None})
    return claim


@transaction.atomic
def claim_comment(*, claim_id: int, actor, comment: str) -> ReviewEvent:
    """Add a comment to the claim's history (changes nothing else, so needs no version)."""
    claim = _lock_claim(claim_id, None)
    _require(roles.has_role(actor), Forbidden, MSG_NO_ROLE.format(what="comment"))
    comment = _clean_text(comment, what="comment", limit=MAX_COMMENT)
    _require(bool(comment), InvalidInput, MSG_TEXT_REQUIRED, field="comment")
    return _apply(claim, actor=actor, action=Action.COMMENTED, comment=comment, bump=False)


# --- Loading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """A check-worthy sentence: its span in the document and its normalised text."""

    start: int
    end: int
    text: str

    @cached_property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class DocumentInput:
    text: str
    title: str
    sentences: list[Sentence]
    file_name: str = ""
    publisher: str = ""
    url: str = ""
    published_on: date | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class LoadResult:
    document: SourceDocument
    created: bool
    claims_new: int = 0
    claims_existing: int = 0
    occurrences: int = 0
    new_claim_ids: list[int] = field(default_factory=list)


def document_load(*, document: DocumentInput, actor=None) -> LoadResult:
    """Store one document with its claims, occurrences and each new claim's ``created`` event.

    A document already loaded (same text) is left alone. A sentence whose normalised text is
    already a claim becomes one more occurrence of that claim.
    """
    return documents_load(documents=[document], actor=actor)[0]


_DOCUMENT_FIELDS = [
    "title", "publisher", "url", "published_on", "file_name", "text", "content_hash", "loaded_at",
]
# Every column without a null: PostgreSQL's COPY leaves the others NULL, not at their default.
_CLAIM_FIELDS = [
    "text", "text_hash", "status", "verdict", "note", "published_verdict", "published_note", "version",
    "has_number", "has_quote", "speaker", "created_at", "updated_at",
]
_EVENT_FIELDS = [
    "claim_id", "actor_id", "action", "status_before", "status_after", "verdict_before",
    "verdict_after", "comment", "details", "claim_version", "created_at", "hash",
]


@transaction.atomic
def documents_load(*, documents: list[DocumentInput], actor=None) -> list[LoadResult]:
    """Store several documents as ``document_load`` does, in one transaction, one result each.

    Each table gets one multi-row statement for the whole batch, which is what makes bulk
    loading fast; every document is still stored whole or not at all.
    """
    now = timezone.now()
    hashes = [document.content_hash for document in documents]
    known = {doc.content_hash: doc for doc in SourceDocument.objects.filter(content_hash__in=set(hashes))}
    fresh: dict[str, int] = {}  # content hash -> index of the first new document with it
    for index, content_hash in enumerate(hashes):
        if content_hash not in known:
            fresh.setdefault(content_hash, index)
    rows = {}
    for content_hash, index in fresh.items():
        document = documents[index]
        rows[content_hash] = (
            document.title[:500], document.publisher, document.url, document.published_on,
            document.file_name[:255], document.text, content_hash, now,
        )  # fmt: skip
    inserted = bulk.insert_rows(SourceDocument, _DOCUMENT_FIELDS, list(rows.values()), returning="content_hash")
    for pk, content_hash in inserted:
        known[content_hash] = SourceDocument.from_db(
            connection.alias, ["id", *_DOCUMENT_FIELDS], [pk, *rows[content_hash]]
        )

    # Claims: one per distinct normalised text, the first sentence seen giving its text.
    claim_text: dict[str, str] = {}
    for content_hash, index in fresh.items():
        for sentence in documents[index].sentences:
            claim_text.setdefault(sentence.text_hash, sentence.text)
    # A known text is one more occurrence of its claim; a new one is stored with its signals.
    claim_ids = bulk.stored_values(Claim, "text_hash", list(claim_text))
    preexisting = list(claim_ids)
    claim_rows = []
    for text_hash, text in claim_text.items():
        if text_hash not in claim_ids:
            signals = claim_signals(text)
            claim_rows.append((
                text, text_hash, ClaimStatus.PENDING, "", "", "", "", 1,
                signals.has_number, signals.has_quote, signals.speaker, now, now,
            ))  # fmt: skip
    # (A claim stored meanwhile by a concurrent load makes the insert fail on the unique constraint.)
    created = bulk.insert_rows(Claim, _CLAIM_FIELDS, claim_rows, returning="text_hash")
    claim_ids.update((text_hash, pk) for pk, text_hash in created)

    results: list[LoadResult] = []
    occurrence_rows, event_rows, claimed = [], [], set(preexisting)
    for index, document in enumerate(documents):
        doc = known[hashes[index]]
        if fresh.get(hashes[index]) != index:
            results.append(LoadResult(document=doc, created=False))
            continue
        result = LoadResult(document=doc, created=True, occurrences=len(document.sentences))
        details = {"document_id": doc.pk, "document": doc.title}
        for position, sentence in enumerate(document.sentences):
            text_hash = sentence.text_hash
            occurrence_rows.append((claim_ids[text_hash], doc.pk, sentence.start, sentence.end, position))
        for text_hash in dict.fromkeys(s.text_hash for s in document.sentences):
            if text_hash in claimed:
                result.claims_existing += 1
                continue
            claimed.add(text_hash)
            result.claims_new += 1
            result.new_claim_ids.append(claim_ids[text_hash])
            event = {
                "action": Action.CREATED, "actor_id": getattr(actor, "pk", None), "status_before": "",
                "status_after": ClaimStatus.PENDING, "verdict_before": "", "verdict_after": "", "comment": "",
                "details": details, "claim_version": 1, "created_at": now,
            }  # fmt: skip
            event_rows.append((
                claim_ids[text_hash], *(event[name] for name in _EVENT_FIELDS[1:-1]),
                history.event_hash(text_hash, event),  # a claim's first event: no previous one
            ))  # fmt: skip
        results.append(result)
    bulk.insert_rows(ClaimOccurrence, ["claim_id", "document_id", "start", "end", "position"], occurrence_rows)
    bulk.insert_rows(ReviewEvent, _EVENT_FIELDS, event_rows)
    return results


# --- Restore ------------------------------------------------------------------------------------

from typing import TYPE_CHECKING  # noqa: E402 (kept beside its only use)

if TYPE_CHECKING:
    from .exports.restore import Backup

MSG_RESTORE_NOT_EMPTY = (
    "The database already holds {what}: a backup is restored into an empty database only "
    "(no documents, claims or review history). Nothing was imported."
)


@dataclass
class RestoreResult:
    documents: int
    claims: int
    occurrences: int
    evidence: int
    corrections: int
    events: int
    users_created: list[str]


def restore_refusal() -> str | None:
    """Return why a backup cannot be restored into this database (it holds data), or None."""
    held = [
        noun
        for model, noun in ((SourceDocument, "documents"), (Claim, "claims"), (ReviewEvent, "review events"))
        if model.objects.exists()
    ]
    if not held:
        return None
    what = held[0] if len(held) == 1 else ", ".join(held[:-1]) + " and " + held[-1]
    return MSG_RESTORE_NOT_EMPTY.format(what=what)


@transaction.atomic
def claims_restore(*, backup: Backup) -> RestoreResult:
    """Write a checked backup (``exports.restore``) into the empty database, ids and history as they were.

    Users are matched by username; those missing are created inactive, with no usable password.
    The history is inserted as it was, not replayed: the backup records what the rules allowed
    then. Afterwards the id sequences are moved past the restored ids, so new rows do not collide.
    """
    from django.core.management.color import no_style

    refusal = restore_refusal()
    if refusal:
        raise WorkflowError(refusal)
    for claim in backup.claims:
        _restore_signals(claim)
    user_ids, created = _restore_users(backup.usernames)
    _restore_chains(backup, user_ids)
    tables = [
        (SourceDocument, backup.documents),
        (Claim, backup.claims),
        (ClaimOccurrence, backup.occurrences),
        (Evidence, backup.evidence),
        (ReviewEvent, backup.events),
        (Correction, backup.corrections),
    ]
    for model, rows in tables:
        _restore_rows(model, rows, user_ids)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in tables]):
            cursor.execute(statement)
    return RestoreResult(
        documents=len(backup.documents),
        claims=len(backup.claims),
        occurrences=len(backup.occurrences),
        evidence=len(backup.evidence),
        corrections=len(backup.corrections),
        events=len(backup.events),
        users_created=created,
    )


def _restore_chains(backup: Backup, user_ids: dict[str, int]) -> None:
    """Hash the restored history afresh: its actors' ids are this database's."""
    text_hashes = {claim["id"]: claim["text_hash"] for claim in backup.claims}
    previous: dict[int, str] = {}
    for event in sorted(backup.events, key=lambda event: (event["claim"], event["id"])):
        content = {**event, "actor_id": None if event["actor"] is None else user_ids[event["actor"]]}
        event["hash"] = history.event_hash(previous.get(event["claim"], text_hashes[event["claim"]]), content)
        previous[event["claim"]] = event["hash"]


def _restore_signals(claim: dict) -> None:
    """Give a backed-up claim the signals the loader computes, unless the backup carries them."""
    # Backups made before the signals existed lack them; COPY would leave the columns NULL.
    if not {"has_number", "has_quote", "speaker"} <= claim.keys():
        signals = claim_signals(claim["text"])
        claim.setdefault("has_number", signals.has_number)
        claim.setdefault("has_quote", signals.has_quote)
        claim.setdefault("speaker", signals.speaker)


def _restore_users(usernames: set[str]) -> tuple[dict[str, int], list[str]]:
    """Return ``{username: id}`` for ``usernames``, creating those missing inactive; and their names."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    name_field = user_model.USERNAME_FIELD
    known = bulk.stored_values(user_model, name_field, sorted(usernames))
    missing = sorted(usernames - set(known))
    new = []
    for name in missing:
        user = user_model(**{name_field: name, "is_active": False})
        user.set_unusable_password()
        new.append(user)
    user_model.objects.bulk_create(new)
    known.update(bulk.stored_values(user_model, name_field, missing))
    return known, missing


def _restore_rows(model, rows: list[dict], user_ids: dict[str, int]) -> None:
    """Insert ``rows`` (dicts of field values, all with the same keys; users as usernames) as given."""
    from django.contrib.auth import get_user_model

    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    users = [i for i, f in enumerate(fields) if f.is_relation and f.related_model is get_user_model()]
    values = []
    for row in rows:
        value = [row[name] for name in names]  # by name: keys added later may differ in order
        for i in users:
            value[i] = None if value[i] is None else user_ids[value[i]]
        values.append(tuple(value))
    bulk.insert_rows(model, [f.attname for f in fields], values)
