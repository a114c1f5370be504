"""Claims as plain records, read in batches: a fixed number of queries per batch, flat memory.

Every format but the PostgreSQL CSV fast path is fed from here. A record holds the claim, its
occurrences (with their documents' titles and addresses), evidence, corrections and, on request,
its review history, as JSON-ready values.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice, pairwise

from django.db import connection
from django.db.models import CharField, DateTimeField, Func, Q

from annotations.models import Claim, ClaimOccurrence, Correction, Evidence, ReviewEvent, SourceDocument

BATCH = 2000
DOCUMENT_BATCH = 200  # documents carry their whole text

CLAIM_COLUMNS = (
    "id", "text", "text_hash", "status", "verdict", "note", "version", "assignee__username",
    "submitted_by__username", "approved_by__username", "approved_at", "published_at", "published_verdict",
    "published_note", "speaker", "has_number", "has_quote", "created_at", "updated_at",
)  # fmt: skip
CLAIM_KEYS = (
    "id", "text", "text_hash", "status", "verdict", "note", "version", "assignee", "submitted_by", "approved_by",
    "approved_at", "published_at", "published_verdict", "published_note", "speaker", "has_number", "has_quote",
    "created_at", "updated_at",
)  # fmt: skip
EVIDENCE_COLUMNS = (
    "claim_id", "id", "stance", "url", "document_id", "start", "end", "title", "excerpt", "added_by__username",
    "added_at",
)  # fmt: skip
EVIDENCE_KEYS = ("id", "stance", "url", "document", "start", "end", "title", "excerpt", "added_by", "added_at")
CORRECTION_COLUMNS = (
    "claim_id", "created_at", "old_verdict", "new_verdict", "old_note", "new_note", "note", "approved_by__username",
)  # fmt: skip
CORRECTION_KEYS = ("date", "old_verdict", "new_verdict", "old_note", "new_note", "note", "approved_by")
EVENT_COLUMNS = (
    "claim_id", "id", "action", "actor__username", "status_before", "status_after", "verdict_before",
    "verdict_after", "comment", "details", "claim_version", "created_at",
)  # fmt: skip
EVENT_KEYS = (
    "id", "action", "actor", "status_before", "status_after", "verdict_before", "verdict_after", "comment",
    "details", "claim_version", "created_at",
)  # fmt: skip
DOCUMENT_FIELDS = ("id", "title", "publisher", "url", "published_on", "file_name", "content_hash", "loaded_at")


def moment(value) -> str | None:
    """Return a date-time as ISO 8601 in UTC with a "Z", as every export writes it."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moments(row: dict, *names: str) -> dict:
    for name in names:
        row[name] = moment(row[name])
    return row


class _Moment(Func):
    """A date-time written by PostgreSQL as ``moment`` writes it.

    Reading a date-time into Python and formatting it again cost nearly a third of a JSON Lines export.
    """

    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    output_field = CharField()


def _columns(model, columns) -> tuple[list, bool]:
    """Return ``columns`` to read and whether their date-times come formatted already."""
    if connection.vendor != "postgresql":
        return list(columns), False
    fields = {field.name: field for field in model._meta.concrete_fields}
    return [_Moment(c) if isinstance(fields.get(c), DateTimeField) else c for c in columns], True


def _claim_ids(ids: list[int]) -> Q:
    """Return the condition "of one of the claims ``ids``" (ascending), as id ranges where they run on.

    A batch of all the claims is one run or a few: a range keeps the statement short, where
    thousands of parameters cost more to build and send than the rows they fetch.
    """
    runs, start = [], ids[0]
    for previous, pk in pairwise(ids):
        if pk != previous + 1:
            runs.append((start, previous))
            start = pk
    runs.append((start, ids[-1]))
    if len(runs) > 8:
        return Q(claim_id__in=ids)
    condition = Q()
    for first, last in runs:
        condition |= Q(claim_id__gte=first, claim_id__lte=last)
    return condition


class DocumentCatalogue:
    """Titles and addresses of the documents of recent batches, each read once while kept.

    Claims come by id, so mostly in the order of their documents: the latest few thousand
    documents serve nearly every batch. Keeping every document grew a million-claim export by 20 MB.
    """

    KEEP = 5000

    def __init__(self):
        self._known: dict[int, dict] = {}

    def get(self, ids) -> dict[int, dict]:
        """Return the title and address of each of the documents ``ids``, by id."""
        found = {pk: self._known[pk] for pk in ids if pk in self._known}
        missing = set(ids) - found.keys()
        if missing:
            for pk, title, url in SourceDocument.objects.filter(pk__in=missing).values_list("id", "title", "url"):
                found[pk] = self._known[pk] = {"title": title, "url": url}
            for pk in list(islice(self._known, max(0, len(self._known) - self.KEEP))):  # the oldest read
                del self._known[pk]
        return found


def claim_batches(claims, *, history: bool = False) -> Iterator[list[dict]]:
    """Yield the records of ``claims`` by increasing id, ``BATCH`` at a time."""
    batch = BATCH  # read now, not when defined, so that it can be set (tests, benchmarks)
    catalogue = DocumentCatalogue()
    columns, formatted = _columns(Claim, CLAIM_COLUMNS)
    moments = () if formatted else ("approved_at", "published_at", "created_at", "updated_at")
    last = 0
    while True:
        with _collector_paused():
            rows = list(claims.filter(pk__gt=last).order_by("pk").values_list(*columns)[:batch])
            if not rows:
                return
            records = _records(rows, catalogue, moments, history=history)
        last = rows[-1][0]
        yield records
        if len(rows) < batch:
            return


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector while a batch is read.

    The batch's thousands of rows, dicts and lists outlive every collection they trigger (and,
    every few batches, a full one over all of Django's objects), which then finds nothing to free:
    a sixth to a fifth of a JSON Lines export. Records hold no cycles; they are freed when done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _records(rows, catalogue: DocumentCatalogue, moments, *, history: bool) -> list[dict]:
    ids = _claim_ids([row[0] for row in rows])
    occurrences = defaultdict(list)
    occurrence_rows = list(
        ClaimOccurrence.objects.filter(ids)
        .order_by("claim_id", "document_id", "position")
        .values_list("claim_id", "document_id", "start", "end", "position")
    )
    documents = catalogue.get({row[1] for row in occurrence_rows})
    for claim_id, document_id, start, end, position in occurrence_rows:
        document = documents[document_id]
        occurrences[claim_id].append(
            {
                "document": document_id,
                "document_title": document["title"],
                "document_url": document["url"],
                "start": start,
                "end": end,
                "position": position,
            }
        )
    evidence = _grouped(Evidence, EVIDENCE_COLUMNS, EVIDENCE_KEYS, ids, "added_at")
    corrections = _grouped(Correction, CORRECTION_COLUMNS, CORRECTION_KEYS, ids, "date")
    events = _grouped(ReviewEvent, EVENT_COLUMNS, EVENT_KEYS, ids, "created_at") if history else None
    records = []
    for row in rows:
        record = _moments(dict(zip(CLAIM_KEYS, row, strict=True)), *moments)
        pk = record["id"]
        record["occurrences"] = occurrences.get(pk, [])
        record["evidence"] = evidence.get(pk, [])
        record["corrections"] = corrections.get(pk, [])
        if events is not None:
            record["history"] = events.get(pk, [])
        records.append(record)
    return records


def _grouped(model, columns, keys, ids: Q, *moments) -> dict[int, list[dict]]:
    columns, formatted = _columns(model, columns)
    moments = () if formatted else moments
    grouped = defaultdict(list)
    for row in model.objects.filter(ids).order_by("claim_id", "id").values_list(*columns):
        grouped[row[0]].append(_moments(dict(zip(keys, row[1:], strict=True)), *moments))
    return grouped


def documents_of(claims) -> Iterator[dict]:
    """Yield, by id, every document where one of ``claims`` occurs or that one cites, with its text."""
    occurring = ClaimOccurrence.objects.filter(claim__in=claims).values("document_id")
    cited = Evidence.objects.filter(claim__in=claims, document__isnull=False).values("document_id")
    documents = SourceDocument.objects.filter(pk__in=occurring) | SourceDocument.objects.filter(pk__in=cited)
    last = 0
    while True:
        rows = list(documents.filter(pk__gt=last).order_by("pk").values(*DOCUMENT_FIELDS, "text")[:DOCUMENT_BATCH])
        if not rows:
            return
        last = rows[-1]["id"]
        for row in rows:
            row["published_on"] = row["published_on"].isoformat() if row["published_on"] else None
            row["loaded_at"] = moment(row["loaded_at"])
            yield row
        if len(rows) < DOCUMENT_BATCH:
            return
