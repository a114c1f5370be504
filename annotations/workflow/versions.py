"""Articles change after publication: a new text of a loaded document becomes its next version.

The document keeps its identity and its claims keep theirs. A sentence in both versions keeps its
occurrence, moved to where it now stands; a sentence no longer in the article keeps its occurrence
as it was, marked ``removed_in`` the new version (never deleted); a new sentence becomes an
occurrence of its claim, new or known. Each claim whose sentence went, and each claim with a
verdict whose article changed, gets a ``source_changed`` event in its history; those with a verdict
are flagged (``source_changed_at``) until their verdict is ruled again. The document's history
gets a ``versioned`` event saying what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .. import bulk
from ..ingest.documents import DocumentInput
from ..models import (
    Action,
    Claim,
    ClaimOccurrence,
    DocumentAction,
    DocumentEvent,
    DocumentVersion,
    ReviewEvent,
    SourceDocument,
    Suggestion,
)
from . import parts
from .core import record
from .errors import InvalidInput, NotFound
from .loading import _EVENT_FIELDS, _OCCURRENCE_FIELDS, created_event_row, store_claims
from .suggesting import queue_suggestions

MSG_DOCUMENT_NOT_FOUND = "Document {id} does not exist."
MSG_SAME_TEXT_ELSEWHERE = "Its text is that of document {other} already: it was not stored again."
# The metadata a new version may bring; an empty value keeps what the document has.
METADATA = ("title", "publisher", "author", "url", "published_on", "language")


@dataclass
class VersionResult:
    document: SourceDocument
    changed: bool  # False: the text was the same, nothing was stored
    version: int
    claims_new: int = 0
    claims_existing: int = 0
    claims_removed: int = 0
    new_claim_ids: list[int] = field(default_factory=list)


@transaction.atomic
def document_new_version(*, document_id: int, new: DocumentInput, actor=None) -> VersionResult:
    """Store ``new`` as the next version of the document, unless its text is the same as now."""
    try:
        document = SourceDocument.objects.select_for_update().get(pk=document_id)
    except SourceDocument.DoesNotExist:
        raise NotFound(MSG_DOCUMENT_NOT_FOUND.format(id=document_id)) from None
    if new.content_hash == document.content_hash:
        return VersionResult(document=document, changed=False, version=document.version)
    other = SourceDocument.objects.filter(content_hash=new.content_hash).values_list("pk", flat=True).first()
    if other is not None:
        raise InvalidInput(MSG_SAME_TEXT_ELSEWHERE.format(other=other))
    now = timezone.now()
    number = document.version + 1
    result = VersionResult(document=document, changed=True, version=number)

    claim_ids, known = store_claims({s.text_hash: s.text for s in new.sentences}, now, new.signals)
    current = list(
        ClaimOccurrence.objects.filter(document=document, removed_in__isnull=True)
        .select_related("claim")
        .only("id", "claim_id", "claim__text_hash", "start", "end", "position", "version")
        .order_by("position")
    )
    survivors, layouts = parts.followers({o.claim_id for o in current} | {claim_ids[h] for h in known})
    # Where a sentence was split, the parts' occurrences share its position and ride with the split
    # claim's occurrence: they move with it, or go with it.
    at: dict[int, list[ClaimOccurrence]] = {}
    for occurrence in current:
        at.setdefault(occurrence.position, []).append(occurrence)
    riders: dict[int, list[ClaimOccurrence]] = {}
    sentences: dict[int, ClaimOccurrence] = {}
    for position, held in at.items():
        widest = max(held, key=lambda o: (o.claim_id in layouts, o.end - o.start, -o.pk))
        sentences[position] = widest
        riders[position] = [occurrence for occurrence in held if occurrence is not widest]
    # Each sentence of the new text takes over an occurrence of its claim, if one is left.
    waiting: dict[int, list[ClaimOccurrence]] = {}
    for occurrence in sentences.values():
        waiting.setdefault(occurrence.claim_id, []).append(occurrence)
    moved, added = [], []
    for position, sentence in enumerate(new.sentences):
        found_id = claim_ids[sentence.text_hash]
        claim_id = survivors.get(found_id, found_id)
        raw = new.text[sentence.start : sentence.end]
        shares = []
        if claim_id in layouts:
            text, layout = layouts[claim_id]
            shares = parts.part_rows(
                layout, text, raw, document_id=document.pk, start=sentence.start, position=position, version=number
            )
        if waiting.get(claim_id):
            occurrence = waiting[claim_id].pop(0)
            # The parts' spans are found again in the sentence as now written (its quotes or spaces may differ).
            spans = {row[0]: (row[2], row[3]) for row in shares}
            delta = sentence.start - occurrence.start
            for rider in riders.pop(occurrence.position, []):
                start, end = spans.get(rider.claim_id, (rider.start + delta, rider.end + delta))
                rider.start, rider.end, rider.position, rider.version = start, end, position, number
                moved.append(rider)
            occurrence.start, occurrence.end, occurrence.position = sentence.start, sentence.end, position
            occurrence.version = number
            moved.append(occurrence)
        else:
            added.append((claim_id, document.pk, sentence.start, sentence.end, position, number))
            added += shares
    gone = [occurrence for left in waiting.values() for occurrence in left]
    gone += [rider for left in riders.values() for rider in left]
    for occurrence in gone:
        occurrence.removed_in = number
    ClaimOccurrence.objects.bulk_update(gone, ["removed_in"])
    ClaimOccurrence.objects.bulk_update(moved, ["start", "end", "position", "version"])
    bulk.insert_rows(ClaimOccurrence, _OCCURRENCE_FIELDS, added)

    # New claims get their created event; known ones are one more occurrence.
    details = {"document_id": document.pk, "document": new.title or document.title, "version": number}
    event_rows = []
    for text_hash in dict.fromkeys(s.text_hash for s in new.sentences):
        if text_hash in known:
            result.claims_existing += 1
        else:
            known.add(text_hash)
            result.claims_new += 1
            result.new_claim_ids.append(claim_ids[text_hash])
            event_rows.append(created_event_row(claim_ids[text_hash], text_hash, actor=actor, details=details, now=now))
    bulk.insert_rows(ReviewEvent, _EVENT_FIELDS, event_rows)

    before = {name: _shown(getattr(document, name)) for name in METADATA}
    for name in METADATA:
        value = getattr(new, name)
        if value:
            setattr(document, name, value[:500] if name == "title" else value)
    document.text, document.content_hash, document.version, document.updated_at = (
        new.text, new.content_hash, number, now
    )  # fmt: skip
    document.revision += 1
    document.save(update_fields=[*METADATA, "text", "content_hash", "version", "revision", "updated_at"])
    DocumentVersion.objects.create(
        document=document, number=number, text=new.text, content_hash=new.content_hash, html=new.html,
        url=new.fetched_from or new.url, created_at=now,
    )  # fmt: skip
    removed_claims = sorted({occurrence.claim_id for occurrence in gone} - {o.claim_id for o in moved})
    result.claims_removed = len(removed_claims)
    after = {name: _shown(getattr(document, name)) for name in METADATA}
    DocumentEvent.objects.create(
        document=document, actor=actor, action=DocumentAction.VERSIONED, version=number, created_at=now,
        details={
            "claims_added": sorted({row[0] for row in added} - {o.claim_id for o in current}),
            "claims_removed": removed_claims,
            "metadata": {name: [before[name], after[name]] for name in METADATA if before[name] != after[name]},
        },
    )  # fmt: skip
    _tell_claims(document, number, removed=set(removed_claims), kept={o.claim_id for o in moved}, actor=actor)

    # Passages suggested in the old text no longer index it: the new text's are found afresh.
    Suggestion.objects.filter(document=document).delete()
    queue_suggestions(document_ids=[document.pk], new_claim_ids=result.new_claim_ids)
    return result


def _shown(value) -> str:
    return "" if value is None else str(value)


def _tell_claims(document: SourceDocument, number: int, *, removed: set[int], kept: set[int], actor) -> None:
    """Write ``source_changed`` in the history of each claim that lost its sentence or has a verdict."""
    verdicts = set(Claim.objects.filter(pk__in=kept).exclude(verdict="").values_list("pk", flat=True))
    now = timezone.now()
    for claim_id in sorted(removed | verdicts):
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        details = {"document_id": document.pk, "document": document.title, "version": number}
        details["sentence"] = "removed" if claim_id in removed else "kept"
        changes = {"source_changed_at": now} if claim.verdict else {}
        record(claim, actor=actor, action=Action.SOURCE_CHANGED, changes=changes, details=details, bump=False)
