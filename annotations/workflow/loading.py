"""Loading: parsed documents into the database, and files into parsed documents on the way.

``documents_load`` stores a batch of parsed documents with their claims, occurrences and each new
claim's ``created`` event, one multi-row statement per table, in one transaction. ``load_paths``
reads files (``ingest``), stores them in batches, each batch in one transaction with its
corroboration suggestions, each document whole; if a batch fails in the database, its documents
are retried one by one so that a single bad document cannot stop the others. A large load reads
and splits its files in a second process while this one writes to the database.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .. import bulk, corroboration, history
from ..ingest.documents import DocumentInput, ParsedDocument, expand_paths, parse_path
from ..ingest.files import LoadError
from ..ingest.signals import claim_signals
from ..models import (
    Action,
    Claim,
    ClaimOccurrence,
    ClaimStatus,
    DocumentAction,
    DocumentEvent,
    DocumentVersion,
    ReviewEvent,
    SourceDocument,
)
from . import parts

MSG_NOT_STORED = "could not be stored: {error}"

# A batch is flushed when it holds this many sentences (or documents).
BATCH_SENTENCES = 3000
BATCH_DOCUMENTS = 200
# From this many files on, a reader process parses ahead while this one writes.
READER_PROCESS_FROM = 50


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
    "title", "publisher", "author", "url", "published_on", "language", "file_name", "origin", "text",
    "content_hash", "version", "revision", "loaded_at", "updated_at",
]  # fmt: skip
_VERSION_FIELDS = ["document_id", "number", "text", "content_hash", "html", "url", "created_at"]
_DOCUMENT_EVENT_FIELDS = ["document_id", "actor_id", "action", "version", "details", "created_at"]
# Every column without a null: PostgreSQL's COPY leaves the others NULL, not at their default.
_CLAIM_FIELDS = [
    "text", "text_hash", "status", "verdict", "note", "published_verdict", "published_note", "version",
    "has_number", "has_quote", "speaker", "checkworthiness", "checkworthiness_features", "wording",
    "published_wording", "dismissal_reason", "dismissal_note", "created_at", "updated_at",
]  # fmt: skip
_OCCURRENCE_FIELDS = ["claim_id", "document_id", "start", "end", "position", "version"]
_EVENT_FIELDS = [
    "claim_id", "actor_id", "action", "status_before", "status_after", "verdict_before", "verdict_after",
    "comment", "details", "claim_version", "created_at", "hash",
]  # fmt: skip


def store_claims(texts: dict[str, str], now, signals=None) -> tuple[dict[str, int], set[str]]:
    """Return ``{text hash: claim id}`` for ``texts`` (text hash -> text), storing the new ones.

    A new claim is stored with its check-worthiness signals; the second value holds the hashes
    that were claims already. ``signals`` (text hash -> ``Signals``) holds those worked out ahead.
    (A claim stored meanwhile by a concurrent load makes the insert fail on the unique constraint.)
    """
    signals = signals or {}
    claim_ids = bulk.stored_values(Claim, "text_hash", list(texts))
    known = set(claim_ids)
    rows = []
    for text_hash, text in texts.items():
        if text_hash not in known:
            found = signals.get(text_hash) or claim_signals(text)
            rows.append((
                text, text_hash, ClaimStatus.PENDING, "", "", "", "", 1,
                found.has_number, found.has_quote, found.speaker, found.checkworthiness,
                [list(feature) for feature in found.features], "", "", "", "", now, now,
            ))  # fmt: skip
    created = bulk.insert_rows(Claim, _CLAIM_FIELDS, rows, returning="text_hash")
    claim_ids.update((text_hash, pk) for pk, text_hash in created)
    return claim_ids, known


def insert_events(rows: list[tuple]) -> None:
    """Insert ``ReviewEvent`` rows built by ``created_event_row``."""
    bulk.insert_rows(ReviewEvent, _EVENT_FIELDS, rows)


def created_event_row(claim_id: int, text_hash: str, *, actor, details: dict, now) -> tuple:
    """Return the row of a new claim's ``created`` event, its hash its chain's first."""
    event = {
        "action": Action.CREATED, "actor_id": getattr(actor, "pk", None), "status_before": "",
        "status_after": ClaimStatus.PENDING, "verdict_before": "", "verdict_after": "", "comment": "",
        "details": details, "claim_version": 1, "created_at": now,
    }  # fmt: skip
    return (claim_id, *(event[name] for name in _EVENT_FIELDS[1:-1]), history.event_hash(text_hash, event))


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
            document.title[:500], document.publisher, document.author, document.url, document.published_on,
            document.language, document.file_name[:255], document.origin, document.text, content_hash, 1, 1, now, now,
        )  # fmt: skip
    inserted = bulk.insert_rows(SourceDocument, _DOCUMENT_FIELDS, list(rows.values()), returning="content_hash")
    version_rows: list[tuple] = []
    document_event_rows: list[tuple] = []
    for pk, content_hash in inserted:
        known[content_hash] = SourceDocument.from_db(
            connection.alias, ["id", *_DOCUMENT_FIELDS], [pk, *rows[content_hash]]
        )
        document = documents[fresh[content_hash]]
        address = document.fetched_from or document.url
        version_rows.append((pk, 1, document.text, content_hash, document.html, address, now))
        document_event_rows.append((pk, getattr(actor, "pk", None), DocumentAction.LOADED, 1, {}, now))
    bulk.insert_rows(DocumentVersion, _VERSION_FIELDS, version_rows)
    bulk.insert_rows(DocumentEvent, _DOCUMENT_EVENT_FIELDS, document_event_rows)

    # Claims: one per distinct normalised text, the first sentence seen giving its text.
    claim_text: dict[str, str] = {}
    signals = {}
    for index in fresh.values():
        for sentence in documents[index].sentences:
            claim_text.setdefault(sentence.text_hash, sentence.text)
        signals.update(documents[index].signals)
    claim_ids, claimed = store_claims(claim_text, now, signals)
    # Sentences of claims merged since go to the claim that stayed; of split ones, to the parts too.
    survivors, layouts = parts.followers(claim_ids[text_hash] for text_hash in claimed)

    results: list[LoadResult] = []
    occurrence_rows, event_rows = [], []
    for index, document in enumerate(documents):
        doc = known[hashes[index]]
        if fresh.get(hashes[index]) != index:
            results.append(LoadResult(document=doc, created=False))
            continue
        result = LoadResult(document=doc, created=True, occurrences=len(document.sentences))
        details = {"document_id": doc.pk, "document": doc.title}
        for position, sentence in enumerate(document.sentences):
            claim_id = claim_ids[sentence.text_hash]
            claim_id = survivors.get(claim_id, claim_id)
            occurrence_rows.append((claim_id, doc.pk, sentence.start, sentence.end, position, 1))
            if claim_id in layouts:
                text, layout = layouts[claim_id]
                raw = document.text[sentence.start : sentence.end]
                occurrence_rows += parts.part_rows(
                    layout, text, raw, document_id=doc.pk, start=sentence.start, position=position, version=1
                )
        for text_hash in dict.fromkeys(s.text_hash for s in document.sentences):
            if text_hash in claimed:
                result.claims_existing += 1
                continue
            claimed.add(text_hash)
            result.claims_new += 1
            result.new_claim_ids.append(claim_ids[text_hash])
            event_rows.append(created_event_row(claim_ids[text_hash], text_hash, actor=actor, details=details, now=now))
        results.append(result)
    bulk.insert_rows(ClaimOccurrence, _OCCURRENCE_FIELDS, occurrence_rows)
    bulk.insert_rows(ReviewEvent, _EVENT_FIELDS, event_rows)
    return results


# --- Files ----------------------------------------------------------------------------------------


@dataclass
class LoadSummary:
    documents_new: int = 0
    documents_existing: int = 0
    claims_new: int = 0
    claims_existing: int = 0
    occurrences: int = 0
    suggestions: int = 0
    dropped: Counter = field(default_factory=Counter)
    errors: list[LoadError] = field(default_factory=list)

    @property
    def files(self) -> int:
        return self.documents_new + self.documents_existing + len(self.errors)


def load_paths(
    paths: Iterable[Path],
    *,
    actor=None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> LoadSummary:
    """Load every document under ``paths`` and return what was added.

    A file that cannot be read is recorded in ``summary.errors`` and the others still load; a
    missing path raises ``LoadError`` before anything is loaded. ``progress(done, total, path)``
    is called after each file is stored (or refused).
    """
    files = expand_paths(paths)
    summary = LoadSummary()
    batch: list[tuple[Path, ParsedDocument]] = []
    done = 0

    def flush():
        nonlocal done
        # The batch and its derived data commit together: a process killed between the two would
        # leave documents whose suggestions no re-run computes, since it finds them loaded.
        with transaction.atomic():
            outcomes = list(_store(batch, actor))
            stored = [result for _, _, result in outcomes if not isinstance(result, LoadError) and result.created]
            if stored:
                summary.suggestions += corroboration.suggestions_after_load(
                    document_ids=[result.document.pk for result in stored],
                    new_claim_ids=[pk for result in stored for pk in result.new_claim_ids],
                )
        batch.clear()
        for path, parsed, outcome in outcomes:
            if isinstance(outcome, LoadError):
                summary.errors.append(outcome)
            elif outcome.created:
                summary.documents_new += 1
                summary.claims_new += outcome.claims_new
                summary.claims_existing += outcome.claims_existing
                summary.occurrences += outcome.occurrences
                summary.dropped.update(parsed.dropped)
            else:
                summary.documents_existing += 1
            done += 1
            if progress is not None:
                progress(done, len(files), path)

    sentences = 0
    for path, parsed in _parsed(files):
        if isinstance(parsed, LoadError):
            summary.errors.append(parsed)
            done += 1
            if progress is not None:
                progress(done, len(files), path)
            continue
        batch.append((path, parsed))
        sentences += len(parsed.document.sentences)
        if sentences >= BATCH_SENTENCES or len(batch) >= BATCH_DOCUMENTS:
            flush()
            sentences = 0
    flush()
    return summary


def _parsed(files: list[Path]):
    """Yield ``(path, ParsedDocument or LoadError)`` in order, parsing ahead in a process if many."""
    if len(files) < READER_PROCESS_FROM:
        yield from map(parse_path, files)
        return
    # "spawn": a forked child would share this process's open database connection. The reader
    # runs pure text processing (``ingest``), which needs no Django set-up.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as reader:
        yield from reader.map(parse_path, files, chunksize=32)


def _store(batch, actor):
    """Store a batch; yield (path, parsed, LoadResult or LoadError) for each document."""
    if not batch:
        return
    try:
        results = documents_load(documents=[parsed.document for _, parsed in batch], actor=actor)
    except DatabaseError:
        # Find the culprit: each document alone, in its own transaction.
        for path, parsed in batch:
            try:
                yield path, parsed, document_load(document=parsed.document, actor=actor)
            except DatabaseError as error:
                yield path, parsed, LoadError(path, MSG_NOT_STORED.format(error=str(error).strip().splitlines()[0]))
        return
    for (path, parsed), result in zip(batch, results, strict=True):
        yield path, parsed, result
