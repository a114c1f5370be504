"""Claims as plain records, read in batches: a fixed number of queries per batch, flat memory.

Every format but the PostgreSQL CSV fast path is fed from here. A record holds the claim (with its
triage: wording, check-worthiness score and features, dismissal, and the ids of the claims it was
merged into or split from), its occurrences (with their documents' titles, addresses, publishers,
authors and dates; those no longer in the article too, marked ``removed_in``), evidence,
corrections and, on request, its review history, as JSON-ready values: JSON columns (the features,
an event's details) as ``orjson.Fragment`` of their stored text, for orjson to write as they are.
``documents_of`` gives the documents, with their versions and, on request, their history.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice, pairwise

import orjson
from django.db import connection
from django.db.models import Case, CharField, DateTimeField, F, Func, JSONField, Q, TextField, Value, When
from django.db.models.functions import Cast

from annotations.models import (
    Claim,
    ClaimOccurrence,
    Correction,
    DocumentEvent,
    DocumentVersion,
    Evidence,
    ReviewEvent,
    SourceDocument,
)

BATCH = 2000
DOCUMENT_BATCH = 50  # documents carry their whole text, and their versions the pages they were fetched from

CLAIM_COLUMNS = (
    "id", "text", "text_hash", "wording", "status", "dismissal_reason", "dismissal_note", "merged_into_id",
    "split_from_id", "verdict", "note", "version", "assignee__username", "submitted_by__username",
    "approved_by__username", "approved_at", "published_at", "published_verdict", "published_note", "published_wording",
    "speaker", "has_number", "has_quote", "checkworthiness", "checkworthiness_features", "created_at", "updated_at",
    "source_changed_at",
)  # fmt: skip
CLAIM_KEYS = (
    "id", "text", "text_hash", "wording", "status", "dismissal_reason", "dismissal_note", "merged_into", "split_from",
    "verdict", "note", "version", "assignee", "submitted_by", "approved_by", "approved_at", "published_at",
    "published_verdict", "published_note", "published_wording", "speaker", "has_number", "has_quote",
    "checkworthiness", "checkworthiness_features", "created_at", "updated_at", "source_changed_at",
)  # fmt: skip
CLAIM_MOMENTS = ("approved_at", "published_at", "created_at", "updated_at", "source_changed_at")
EVIDENCE_COLUMNS = (
    "claim_id", "id", "stance", "url", "document_id", "start", "end", "title", "excerpt", "added_by__username",
    "added_at",
)  # fmt: skip
EVIDENCE_KEYS = ("id", "stance", "url", "document", "start", "end", "title", "excerpt", "added_by", "added_at")
CORRECTION_COLUMNS = (
    "claim_id", "created_at", "old_verdict", "new_verdict", "old_note", "new_note", "old_wording", "new_wording",
    "note", "approved_by__username",
)  # fmt: skip
CORRECTION_KEYS = (
    "date", "old_verdict", "new_verdict", "old_note", "new_note", "old_wording", "new_wording", "note", "approved_by",
)  # fmt: skip
EVENT_COLUMNS = (
    "claim_id", "id", "action", "actor__username", "status_before", "status_after", "verdict_before",
    "verdict_after", "comment", "details", "claim_version", "created_at",
)  # fmt: skip
EVENT_KEYS = (
    "id", "action", "actor", "status_before", "status_after", "verdict_before", "verdict_after", "comment",
    "details", "claim_version", "created_at",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "id", "title", "publisher", "author", "url", "published_on", "language", "file_name", "origin", "content_hash",
    "version", "revision", "loaded_at", "updated_at",
)  # fmt: skip
VERSION_KEYS = ("number", "content_hash", "url", "html", "created_at", "text")
DOCUMENT_EVENT_COLUMNS = ("document_id", "id", "action", "actor__username", "version", "details", "created_at")
DOCUMENT_EVENT_KEYS = ("id", "action", "actor", "version", "details", "created_at")


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


def _columns(model, columns) -> tuple[list, bool, tuple[int, ...]]:
    """Return ``columns`` to read, whether their date-times come formatted already, and where JSON comes as text.

    A JSON column is read as its text and written back as it is (``orjson.Fragment``): decoding the
    features of a million claims and encoding them again cost more than the rest of their records.
    """
    fields = {field.name: field for field in model._meta.concrete_fields}
    json_at = tuple(i for i, c in enumerate(columns) if isinstance(fields.get(c), JSONField))
    read = [Cast(c, output_field=TextField()) if i in json_at else c for i, c in enumerate(columns)]
    if connection.vendor != "postgresql":
        return read, False, json_at
    return [_Moment(c) if isinstance(fields.get(c), DateTimeField) else c for c in read], True, json_at


def _as_json(row: tuple, json_at: tuple[int, ...]) -> tuple:
    """Return ``row`` with its JSON texts (at ``json_at``) ready to be written as they are."""
    if not json_at:
        return row
    values = list(row)
    for i in json_at:
        values[i] = orjson.Fragment(values[i])
    return tuple(values)


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
    """Titles, addresses, publishers, authors and dates of the documents of recent batches, each read once while kept.

    Claims come by id, so mostly in the order of their documents: the latest few thousand
    documents serve nearly every batch. Keeping every document grew a million-claim export by 20 MB.
    """

    KEEP = 5000

    def __init__(self):
        self._known: dict[int, dict] = {}

    def get(self, ids) -> dict[int, dict]:
        """Return the title, address, publisher, author and date (ISO, or None) of the documents ``ids``, by id."""
        found = {pk: self._known[pk] for pk in ids if pk in self._known}
        missing = set(ids) - found.keys()
        if missing:
            rows = SourceDocument.objects.filter(pk__in=missing).values_list(
                "id", "title", "url", "publisher", "author", "published_on"
            )
            for pk, title, url, publisher, author, published_on in rows:
                found[pk] = self._known[pk] = {
                    "title": title,
                    "url": url,
                    "publisher": publisher,
                    "author": author,
                    "published_on": published_on.isoformat() if published_on else None,
                }
            for pk in list(islice(self._known, max(0, len(self._known) - self.KEEP))):  # the oldest read
                del self._known[pk]
        return found


def claim_batches(claims, *, history: bool = False) -> Iterator[list[dict]]:
    """Yield the records of ``claims`` by increasing id, ``BATCH`` at a time."""
    batch = BATCH  # read now, not when defined, so that it can be set (tests, benchmarks)
    catalogue = DocumentCatalogue()
    columns, formatted, json_at = _columns(Claim, CLAIM_COLUMNS)
    moments = () if formatted else CLAIM_MOMENTS
    last = 0
    while True:
        with _collector_paused():
            rows = list(claims.filter(pk__gt=last).order_by("pk").values_list(*columns)[:batch])
            if not rows:
                return
            records = _records(rows, catalogue, moments, json_at, history=history)
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


def _records(rows, catalogue: DocumentCatalogue, moments, json_at, *, history: bool) -> list[dict]:
    ids = _claim_ids([row[0] for row in rows])
    occurrences = defaultdict(list)
    occurrence_rows = list(
        ClaimOccurrence.objects.filter(ids)
        .order_by("claim_id", "document_id", "position", "version")
        .values_list("claim_id", "document_id", "start", "end", "position", "version", "removed_in")
    )
    documents = catalogue.get({row[1] for row in occurrence_rows})
    for claim_id, document_id, start, end, position, version, removed_in in occurrence_rows:
        document = documents[document_id]
        occurrences[claim_id].append(
            {
                "document": document_id,
                "document_title": document["title"],
                "document_url": document["url"],
                "document_publisher": document["publisher"],
                "document_author": document["author"],
                "document_published_on": document["published_on"],
                "start": start,
                "end": end,
                "position": position,
                "version": version,
                "removed_in": removed_in,
            }
        )
    evidence = _grouped(Evidence, EVIDENCE_COLUMNS, EVIDENCE_KEYS, ids, "added_at")
    corrections = _grouped(Correction, CORRECTION_COLUMNS, CORRECTION_KEYS, ids, "date")
    events = _grouped(ReviewEvent, EVENT_COLUMNS, EVENT_KEYS, ids, "created_at") if history else None
    records = []
    for row in rows:
        record = _moments(dict(zip(CLAIM_KEYS, _as_json(row, json_at), strict=True)), *moments)
        pk = record["id"]
        record["occurrences"] = occurrences.get(pk, [])
        record["evidence"] = evidence.get(pk, [])
        record["corrections"] = corrections.get(pk, [])
        if events is not None:
            record["history"] = events.get(pk, [])
        records.append(record)
    return records


def _grouped(model, columns, keys, ids: Q, *moments) -> dict[int, list[dict]]:
    columns, formatted, json_at = _columns(model, columns)
    moments = () if formatted else moments
    grouped = defaultdict(list)
    for row in model.objects.filter(ids).order_by("claim_id", "id").values_list(*columns):
        row = _as_json(row, json_at)
        grouped[row[0]].append(_moments(dict(zip(keys, row[1:], strict=True)), *moments))
    return grouped


def documents_of(claims, *, history: bool = False) -> Iterator[dict]:
    """Yield, by id, every document where one of ``claims`` occurs or that one cites, with its text and versions.

    Each version (oldest first) comes with its text, but for the current one, whose text is the
    document's own. With ``history``, each document's events too.
    """
    occurring = ClaimOccurrence.objects.filter(claim__in=claims).values("document_id")
    cited = Evidence.objects.filter(claim__in=claims, document__isnull=False).values("document_id")
    documents = SourceDocument.objects.filter(pk__in=occurring) | SourceDocument.objects.filter(pk__in=cited)
    last = 0
    while True:
        rows = list(documents.filter(pk__gt=last).order_by("pk").values(*DOCUMENT_FIELDS, "text")[:DOCUMENT_BATCH])
        if not rows:
            return
        last = rows[-1]["id"]
        ids = [row["id"] for row in rows]
        versions = _versions(ids)
        events = _document_events(ids) if history else None
        for row in rows:
            row["published_on"] = row["published_on"].isoformat() if row["published_on"] else None
            row["loaded_at"] = moment(row["loaded_at"])
            row["updated_at"] = moment(row["updated_at"])
            row["versions"] = versions.get(row["id"], [])
            if events is not None:
                row["history"] = events.get(row["id"], [])
            yield row
        if len(rows) < DOCUMENT_BATCH:
            return


def _versions(document_ids: list[int]) -> dict[int, list[dict]]:
    """Return the versions of the documents, oldest first; the current one's text is None (the document's own)."""
    # Not the current version's text again: the document's row brought it already, and it may be long.
    text = Case(When(number=F("document__version"), then=Value(None)), default=F("text"), output_field=TextField())
    versions = defaultdict(list)
    rows = (
        DocumentVersion.objects.filter(document_id__in=document_ids)
        .annotate(older_text=text)
        .order_by("document_id", "number")
        .values_list("document_id", "number", "content_hash", "url", "html", "created_at", "older_text")
    )
    for document_id, *values in rows:
        version = dict(zip(VERSION_KEYS, values, strict=True))
        version["created_at"] = moment(version["created_at"])
        versions[document_id].append(version)
    return versions


def _document_events(document_ids: list[int]) -> dict[int, list[dict]]:
    """Return the history of the documents, each document's events in order."""
    events = defaultdict(list)
    rows = (
        DocumentEvent.objects.filter(document_id__in=document_ids)
        .order_by("document_id", "id")
        .values_list(*DOCUMENT_EVENT_COLUMNS)
    )
    for document_id, *values in rows:
        events[document_id].append(_moments(dict(zip(DOCUMENT_EVENT_KEYS, values, strict=True)), "created_at"))
    return events
