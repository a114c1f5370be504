"""Tamper evidence for the review history: each event's hash is chained to the claim's previous one.

An event's ``hash`` is the SHA-256 of the previous event's hash (for a claim's first event, the
claim's ``text_hash``) and of the event's own content: action, actor, statuses and verdicts before
and after, comment, details, the claim's version and the time. Changing any of these in the
database, removing an event, or moving one to another claim breaks the chain from there on;
``verify_history`` recomputes every chain and names each break.

The application never changes an event (the model refuses; on PostgreSQL a trigger refuses too,
migration 0010). The chain is for what goes around both: someone with the database's owner
rights editing rows by hand.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from .models import Claim, ReviewEvent

# The event's fields that its hash covers, in this order.
HASHED_FIELDS = (
    "action", "actor_id", "status_before", "status_after", "verdict_before", "verdict_after", "comment", "details",
    "claim_version", "created_at",
)  # fmt: skip


def event_hash(previous: str, event: dict) -> str:
    """Return the hash of ``event`` (its ``HASHED_FIELDS`` by name) chained to ``previous``."""
    created_at = event["created_at"].astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = [event[name] for name in HASHED_FIELDS[:-1]] + [created_at]
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{encoded}".encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """A place where a claim's stored history is not what was written."""

    claim_id: int
    event_id: int | None
    problem: str

    def __str__(self):
        where = f"claim {self.claim_id}" + (f", event {self.event_id}" if self.event_id else "")
        return f"{where}: {self.problem}"


MSG_CHANGED = "does not match its hash: it was changed after it was written, or an event before it was removed"
MSG_NO_HISTORY = "has no history: its events were removed"
MSG_STATE = (
    "the claim is {claim} but its last event leaves it {event}: its history does not lead to it "
    "(an event was removed, or the claim changed outside the workflow)"
)

BATCH = 2000


def verify(*, progress=None) -> Iterator[Break]:
    """Yield every break in the stored history chains, claim by claim; call ``progress(n)`` per batch."""
    last = 0
    while True:
        claims = list(
            Claim.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "text_hash", "status", "verdict", "version")[:BATCH]
        )
        if not claims:
            return
        last = claims[-1][0]
        events: dict[int, list[dict]] = {}
        rows = (
            ReviewEvent.objects.filter(claim_id__gte=claims[0][0], claim_id__lte=last)
            .order_by("claim_id", "id")
            .values("id", "claim_id", "hash", *HASHED_FIELDS)
        )
        for row in rows:
            events.setdefault(row["claim_id"], []).append(row)
        for pk, text_hash, status, verdict, version in claims:
            yield from _verify_claim(pk, text_hash, (status, verdict, version), events.get(pk, []))
        if progress:
            progress(len(claims))


def _verify_claim(pk: int, text_hash: str, state: tuple, events: list[dict]) -> Iterator[Break]:
    if not events:
        yield Break(pk, None, MSG_NO_HISTORY)
        return
    previous = text_hash
    for event in events:
        if event_hash(previous, event) != event["hash"]:
            yield Break(pk, event["id"], MSG_CHANGED)
        previous = event["hash"]  # the stored one: a break is reported once, where it is
    last = events[-1]
    if (last["status_after"], last["verdict_after"], last["claim_version"]) != state:
        claim = _describe(*state)
        yield Break(pk, None, MSG_STATE.format(claim=claim, event=_describe(*_after(last))))


def _after(event: dict) -> tuple:
    return event["status_after"], event["verdict_after"], event["claim_version"]


def _describe(status: str, verdict: str, version: int) -> str:
    return f"{status}" + (f" ({verdict})" if verdict else "") + f" at version {version}"
