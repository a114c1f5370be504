"""The steps every claim action shares: lock the claim, refuse or change it, log one chained event.

Callers run inside ``transaction.atomic``: the lock, the change and the event commit together, and
a refusal raised anywhere in between leaves nothing behind.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .. import history
from ..models import Claim, ReviewEvent
from .errors import (
    MSG_BAD_VERSION,
    MSG_CLAIM_NOT_FOUND,
    MSG_STALE,
    MSG_TOO_LONG,
    MSG_USER_NOT_FOUND,
    Conflict,
    InvalidInput,
    NotFound,
    WorkflowError,
)
from .rules import next_status


def lock_claim(claim_id, expected_version: int | None) -> Claim:
    """Return the claim, its row locked until the transaction ends; refuse a stale ``expected_version``.

    ``expected_version`` is the claim version the caller's decision was based on (the version
    shown on the page or returned by the API): a change made meanwhile is never overwritten.
    """
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


def refuse(refusal: WorkflowError | None) -> None:
    """Raise the refusal a guard returned, if it returned one."""
    if refusal is not None:
        raise refusal


def require(check: bool, refusal: WorkflowError) -> None:
    """Raise ``refusal`` unless ``check`` holds."""
    if not check:
        raise refusal


def clean_text(value, *, what: str, limit: int, field: str | None = None) -> str:
    """Return ``value`` stripped, refusing one longer than ``limit``."""
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(MSG_TOO_LONG.format(what=what, length=len(text), limit=limit), field=field or what)
    return text


def find_user(user_id):
    """Return the user with id ``user_id``, or refuse."""
    user_model = get_user_model()
    try:
        return user_model.objects.get(pk=user_id)
    except (user_model.DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_USER_NOT_FOUND.format(id=user_id)) from None


def record(
    claim: Claim,
    *,
    actor,
    action: str,
    changes: dict[str, Any] | None = None,
    comment: str = "",
    details: dict[str, Any] | None = None,
    bump: bool = True,
) -> ReviewEvent:
    """Apply ``changes`` and the action's next status to the locked claim and write its event.

    The event holds the status and verdict before and after, and its hash is chained to the
    claim's previous event (``history``). ``bump`` moves the claim to its next version.
    """
    status_before, verdict_before = claim.status, claim.verdict
    fields = dict(changes or {})
    fields["status"] = next_status(claim, action)
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
