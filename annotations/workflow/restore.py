"""Restore a checked backup (``backup.read_backup``) into an empty database, as it was.

Claims come back with their triage (wording, score and features, dismissal, and the claims they
were merged into or split from, by id); a backup made before triage gets each claim's score
computed from its text, as loading does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from .. import bulk, history
from ..ingest.signals import claim_signals
from ..models import (
    Claim,
    ClaimOccurrence,
    Correction,
    DocumentEvent,
    DocumentVersion,
    Evidence,
    ReviewEvent,
    SourceDocument,
)
from .backup import Backup
from .errors import WorkflowError

MSG_RESTORE_NOT_EMPTY = (
    "The database already holds {what}: a backup is restored into an empty database only "
    "(no documents or their history, no claims or review history). Nothing was imported."
)
# What a database must not hold for a restore, as the refusal names it.
HELD = (
    (SourceDocument, "documents"),
    (DocumentVersion, "document versions"),
    (DocumentEvent, "document events"),
    (Claim, "claims"),
    (ReviewEvent, "review events"),
)


@dataclass
class RestoreResult:
    documents: int
    versions: int
    document_events: int
    claims: int
    occurrences: int
    evidence: int
    corrections: int
    events: int
    users_created: list[str]


def restore_refusal() -> str | None:
    """Return why a backup cannot be restored into this database (it holds data), or None."""
    held = [noun for model, noun in HELD if model.objects.exists()]
    if not held:
        return None
    what = held[0] if len(held) == 1 else ", ".join(held[:-1]) + " and " + held[-1]
    return MSG_RESTORE_NOT_EMPTY.format(what=what)


@transaction.atomic
def claims_restore(*, backup: Backup) -> RestoreResult:
    """Write a checked backup (``backup.read_backup``) into the empty database, ids and history as they were.

    Users are matched by username; those missing are created inactive, with no usable password.
    The histories (the claims' and the documents') are inserted as they were, not replayed: the
    backup records what the rules allowed then. Afterwards every table's id sequence is moved past
    the restored ids, so new rows do not collide.
    """
    refusal = restore_refusal()
    if refusal:
        raise WorkflowError(refusal)
    for claim in backup.claims:
        _restore_signals(claim)
    user_ids, created = _restore_users(backup.usernames)
    _restore_chains(backup, user_ids)
    tables = [
        (SourceDocument, backup.documents),
        (DocumentVersion, backup.versions),
        (DocumentEvent, backup.document_events),
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
        versions=len(backup.versions),
        document_events=len(backup.document_events),
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
    """Give a backed-up claim the signals and the score the loader computes, unless the backup carries them."""
    # Backups made before the signals (or the score) existed lack them; COPY would leave the columns NULL.
    if not {"has_number", "has_quote", "speaker", "checkworthiness", "checkworthiness_features"} <= claim.keys():
        signals = claim_signals(claim["text"])
        claim.setdefault("has_number", signals.has_number)
        claim.setdefault("has_quote", signals.has_quote)
        claim.setdefault("speaker", signals.speaker)
        claim.setdefault("checkworthiness", signals.checkworthiness)
        claim.setdefault("checkworthiness_features", [list(feature) for feature in signals.features])


def _restore_users(usernames: set[str]) -> tuple[dict[str, int], list[str]]:
    """Return ``{username: id}`` for ``usernames``, creating those missing inactive; and their names."""
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
