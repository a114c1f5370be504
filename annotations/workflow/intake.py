"""Intake: articles in from where newsrooms find them, loaded by background jobs.

An ``Import`` holds what was given (pasted text, uploaded files, web addresses, a feed's new
entries) as items, and is queued as a job in the same transaction: a worker (``manage.py
db_worker``, any number on any machines sharing the database, each job taken by one) runs
``import_run``. Each item is read outside any transaction (decoding, fetching, extracting the
article), then stored whole in one transaction with the import's progress, so a worker killed
mid-job leaves no half-loaded document and a retry goes on from the items not yet done. An item
that cannot be loaded is refused with its reason and changes nothing; the others still load.

A page fetched again, or a feed entry whose page changed, becomes a new version of the document
at that address (``versions``), not a new document.
"""

from __future__ import annotations

import datetime
import multiprocessing
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .. import roles
from ..ingest.documents import DocumentInput
from ..ingest.fetch import FetchError, normalise_url
from ..ingest.reading import HTML_SUFFIXES, FetchOptions, Given, Read, read_or_refusal
from ..models import (
    DocumentVersion,
    Import,
    ImportItem,
    ImportItemStatus,
    ImportStatus,
    Origin,
    SourceDocument,
)
from .errors import Forbidden, InvalidInput, InvalidTransition, NotFound, WorkflowError
from .loading import documents_load
from .suggesting import queue_suggestions
from .versions import document_new_version

# A chunk of items is stored in one transaction when it holds this many items (or sentences).
BATCH_ITEMS = 50
BATCH_SENTENCES = 3000
# From this many items on, a second process reads (decodes, fetches, extracts) ahead while this one stores.
READER_PROCESS_FROM = 20
# While a chunk is being read, the import says it is alive this often (seconds); see FACTCHECK_JOB_STALE_MINUTES.
HEARTBEAT_SECONDS = 30
TEXT_SUFFIXES = (".txt", ".md")
MAX_PASTE = 1_000_000  # characters
MAX_FIELD = {"title": 500, "publisher": 200, "author": 300, "language": 35}

MSG_NOT_EDITOR = "Only editors and reviewers can add articles."
MSG_NOTHING_GIVEN = "Nothing to import: give {what}."
MSG_TEXT_EMPTY = "The pasted text is empty."
MSG_TEXT_TOO_LONG = "The pasted text is too long ({length:,} characters; at most {limit:,})."
MSG_FIELD_TOO_LONG = "The {field} is too long ({length} characters; at most {limit})."
MSG_BAD_DATE = "{value!r} is not a date: use YYYY-MM-DD."
MSG_SUFFIX = "{name}: is not a .txt, .md, .html or .htm file."
MSG_FILE_TOO_LARGE = "{name}: is too large ({size:,} bytes; at most {limit:,})."
MSG_FILE_EMPTY = "{name}: is empty."
MSG_TOO_MANY_FILES = "Too many files at once ({count}; at most {limit})."
MSG_BAD_ADDRESS = "{reason}"
MSG_IMPORT_NOT_FOUND = "Import {id} does not exist."
MSG_NOT_RETRYABLE = "Import {id} is {state}: only a failed import, or one whose worker stopped, can be retried."
MSG_ALL_FAILED = "Nothing could be loaded: {first}"
MSG_UNEXPECTED = "could not be loaded ({error})"
MSG_UNCHANGED = "already loaded, unchanged (document {document})"
MSG_SAME_TEXT = "already loaded as document {document}"


@dataclass(frozen=True)
class ItemInput:
    """One thing to load: a file's bytes, pasted text, or an address (with ``content`` None)."""

    name: str
    content: bytes | None = None
    metadata: dict | None = None
    guid: str = ""


# --- Creating imports -----------------------------------------------------------------------------


def _require_editor(actor) -> None:
    if not roles.is_editor(actor):
        raise Forbidden(MSG_NOT_EDITOR)


def _metadata(*, title="", publisher="", author="", url="", published_on=None, language="") -> dict:
    """Return the metadata given with pasted text, checked; refuse what the document cannot hold."""
    values = {"title": title, "publisher": publisher, "author": author, "language": language}
    metadata = {}
    for name, value in values.items():
        value = (value or "").strip()
        if len(value) > MAX_FIELD[name]:
            raise InvalidInput(
                MSG_FIELD_TOO_LONG.format(field=name, length=len(value), limit=MAX_FIELD[name]), field=name
            )
        if value:
            metadata[name] = value
    if url and url.strip():
        metadata["url"] = checked_address(url, field="url")
    if published_on:
        if isinstance(published_on, str):
            try:
                published_on = datetime.date.fromisoformat(published_on.strip())
            except ValueError:
                raise InvalidInput(MSG_BAD_DATE.format(value=published_on), field="published_on") from None
        metadata["published_on"] = published_on.isoformat()
    return metadata


def checked_address(url: str, *, field: str) -> str:
    """Return the address as it will be fetched, refusing one that is not a full http(s) address."""
    try:
        return normalise_url((url or "").strip())
    except FetchError as error:
        raise InvalidInput(MSG_BAD_ADDRESS.format(reason=str(error)), field=field) from None


@transaction.atomic
def import_create(*, actor, origin: str, items: Sequence[ItemInput], feed=None, queue: bool = True) -> Import:
    """Store an import of ``items`` and queue its job, in one transaction."""
    batch = Import.objects.create(origin=origin, created_by=actor, feed=feed, total=len(items))
    ImportItem.objects.bulk_create(
        ImportItem(
            batch=batch, position=position, name=item.name[:2000], content=item.content,
            metadata=item.metadata or {}, guid=item.guid[:2000],
        )
        for position, item in enumerate(items)
    )  # fmt: skip
    if queue:
        _queue(batch)
    return batch


def _queue(batch: Import) -> None:
    # The job row is written in this transaction: the import and its job commit together or not at all.
    result = import_job.enqueue(batch.pk)
    batch.task_id = str(result.id)
    batch.save(update_fields=["task_id"])


def import_paste(
    *, actor, text: str, title="", publisher="", author="", url="", published_on=None, language=""
) -> Import:
    """Queue the import of pasted text, with the metadata given."""
    _require_editor(actor)
    text = text or ""
    if not text.strip():
        raise InvalidInput(MSG_TEXT_EMPTY, field="text")
    if len(text) > MAX_PASTE:
        raise InvalidInput(MSG_TEXT_TOO_LONG.format(length=len(text), limit=MAX_PASTE), field="text")
    metadata = _metadata(
        title=title, publisher=publisher, author=author, url=url, published_on=published_on, language=language
    )
    name = metadata.get("title") or _first_line(text)
    item = ItemInput(name=name, content=text.encode("utf-8"), metadata=metadata)
    return import_create(actor=actor, origin=Origin.PASTE, items=[item])


def import_upload(*, actor, files: Sequence[tuple[str, bytes]]) -> Import:
    """Queue the import of uploaded files (``(name, content)``): .txt, .md, .html or .htm."""
    _require_editor(actor)
    if not files:
        raise InvalidInput(MSG_NOTHING_GIVEN.format(what="at least one file"), field="file")
    limit = settings.FACTCHECK_UPLOAD_MAX_FILES
    if len(files) > limit:
        raise InvalidInput(MSG_TOO_MANY_FILES.format(count=len(files), limit=limit), field="file")
    items = []
    for name, content in files:
        name = PurePath(str(name or "unnamed")).name or "unnamed"
        if not name.lower().endswith(TEXT_SUFFIXES + HTML_SUFFIXES):
            raise InvalidInput(MSG_SUFFIX.format(name=name), field="file")
        if not content:
            raise InvalidInput(MSG_FILE_EMPTY.format(name=name), field="file")
        if len(content) > settings.FACTCHECK_UPLOAD_MAX_BYTES:
            size, most = len(content), settings.FACTCHECK_UPLOAD_MAX_BYTES
            raise InvalidInput(MSG_FILE_TOO_LARGE.format(name=name, size=size, limit=most), field="file")
        items.append(ItemInput(name=name, content=bytes(content)))
    return import_create(actor=actor, origin=Origin.UPLOAD, items=items)


def import_addresses(*, actor, urls: Sequence[str]) -> Import:
    """Queue the import of web pages, fetched by the job."""
    _require_editor(actor)
    addresses = [checked_address(url, field="url") for url in urls if (url or "").strip()]
    if not addresses:
        raise InvalidInput(MSG_NOTHING_GIVEN.format(what="a web address"), field="url")
    return import_create(actor=actor, origin=Origin.WEB, items=[ItemInput(name=url) for url in addresses])


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "Pasted text")
    return line if len(line) <= 120 else line[:119] + "…"


# --- Retrying -------------------------------------------------------------------------------------


def retry_refusal(batch: Import, now=None) -> WorkflowError | None:
    """Refuse retrying an import that is not failed or stopped (queued or running with no progress)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.FACTCHECK_JOB_STALE_MINUTES)
    failed_items = batch.status == ImportStatus.DONE and batch.items.filter(status=ImportItemStatus.FAILED).exists()
    if batch.status == ImportStatus.FAILED or failed_items:
        return None
    if batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and (batch.heartbeat_at or batch.created_at) < stale:
        return None
    state = "done" if batch.status == ImportStatus.DONE else f"{batch.get_status_display().lower()} and alive"
    return InvalidTransition(MSG_NOT_RETRYABLE.format(id=batch.pk, state=state))


@transaction.atomic
def import_retry(*, import_id: int, actor) -> Import:
    """Queue an import again: its failed items and those not done yet are tried again."""
    _require_editor(actor)
    batch = _lock(import_id)
    refusal = retry_refusal(batch)
    if refusal:
        raise refusal
    failed = batch.items.filter(status=ImportItemStatus.FAILED)
    batch.done -= failed.count()
    failed.update(status=ImportItemStatus.QUEUED, error="")
    # Queued afresh: not taken for stale (and retried a second time) before a worker could take it.
    batch.status, batch.error, batch.finished_at, batch.heartbeat_at = ImportStatus.QUEUED, "", None, timezone.now()
    batch.save(update_fields=["status", "error", "finished_at", "done", "heartbeat_at"])
    _queue(batch)
    return batch


def _lock(import_id) -> Import:
    try:
        return Import.objects.select_for_update().get(pk=import_id)
    except (Import.DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_IMPORT_NOT_FOUND.format(id=import_id)) from None


# --- Running --------------------------------------------------------------------------------------


@task()
def import_job(import_id: int) -> None:
    """The job of an import: load its items (a worker runs it)."""
    import_run(import_id=import_id)


def import_run(*, import_id: int) -> Import:
    """Load the import's items not done yet, a batch at a time; return the import as it ends."""
    with transaction.atomic():
        batch = _lock(import_id)
        if batch.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return batch  # finished already: a second delivery of the job changes nothing
        now = timezone.now()
        batch.status, batch.attempts, batch.heartbeat_at = ImportStatus.RUNNING, batch.attempts + 1, now
        batch.started_at = batch.started_at or now
        batch.save(update_fields=["status", "attempts", "heartbeat_at", "started_at"])
    pending = list(batch.items.filter(status=ImportItemStatus.QUEUED).order_by("position"))
    chunk: list[tuple[ImportItem, Read | str]] = []
    sentences, beat = 0, time.monotonic()
    for item, read in _reads(batch, pending):
        if time.monotonic() - beat > HEARTBEAT_SECONDS:  # still reading (slow pages): still alive
            Import.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
            beat = time.monotonic()
        chunk.append((item, read))
        sentences += len(read.document.sentences) if isinstance(read, Read) else 0
        if len(chunk) >= BATCH_ITEMS or sentences >= BATCH_SENTENCES:
            _store_chunk(batch, chunk)
            chunk, sentences = [], 0
    _store_chunk(batch, chunk)
    with transaction.atomic():
        batch = _lock(import_id)
        items = batch.items.all()
        if not items.exclude(status=ImportItemStatus.FAILED).exists():
            first = items.filter(status=ImportItemStatus.FAILED).order_by("position").first()
            batch.status = ImportStatus.FAILED
            batch.error = MSG_ALL_FAILED.format(first=f"{first.name}: {first.error}" if first else "no items")
        else:
            batch.status = ImportStatus.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "error", "finished_at"])
    return batch


def _given(batch: Import, item: ImportItem) -> Given:
    content = None if item.content is None else bytes(item.content)
    return Given(
        name=item.name, content=content, metadata=dict(item.metadata or {}), upload=batch.origin == Origin.UPLOAD
    )


def _fetch_options() -> FetchOptions:
    return FetchOptions(
        timeout=settings.FACTCHECK_FETCH_TIMEOUT,
        max_bytes=settings.FACTCHECK_FETCH_MAX_BYTES,
        max_redirects=settings.FACTCHECK_FETCH_MAX_REDIRECTS,
        allow_private=settings.FACTCHECK_FETCH_ALLOW_PRIVATE,
    )


def _reads(batch: Import, items: list[ImportItem]):
    """Yield ``(item, Read or reason)`` in order, reading ahead in a second process for a large import."""
    options = _fetch_options()
    givens = [_given(batch, item) for item in items]
    if len(items) < READER_PROCESS_FROM:
        yield from zip(items, (read_or_refusal(given, options) for given in givens), strict=True)
        return
    # "spawn": a forked child would share this process's database connection. Reading is pure (ingest).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as reader:
        reads = reader.map(read_or_refusal, givens, [options] * len(givens), chunksize=8)
        yield from zip(items, reads, strict=True)


def _store_chunk(batch: Import, chunk: list[tuple[ImportItem, Read | str]]) -> None:
    """Store a chunk of read items in one transaction with the import's progress.

    Documents at new addresses are stored together (``documents_load``: one statement per table);
    the others (a new version, an address twice in the chunk) one by one. If the database refuses
    the chunk, each item is stored alone, so that only the culprit is refused.
    """
    if not chunk:
        return
    try:
        with transaction.atomic():
            _store_items(batch, chunk, together=True)
    except (DatabaseError, WorkflowError):
        for one in chunk:
            try:
                with transaction.atomic():
                    _store_items(batch, [one], together=False)
            except (DatabaseError, WorkflowError) as error:
                # The workflow's refusals say what is wrong; a database error is unexpected.
                reason = (
                    str(error)
                    if isinstance(error, WorkflowError)
                    else MSG_UNEXPECTED.format(error=str(error).strip().splitlines()[0])
                )
                with transaction.atomic():
                    _store_items(batch, [(one[0], reason)], together=False)


def _store_items(batch: Import, chunk: list[tuple[ImportItem, Read | str]], *, together: bool) -> None:
    locked = _lock(batch.pk)
    # Under the import's lock: an item another run of the job stored meanwhile is not stored twice.
    queued = set(
        ImportItem.objects.filter(pk__in=[item.pk for item, _ in chunk], status=ImportItemStatus.QUEUED).values_list(
            "pk", flat=True
        )
    )
    chunk = [(item, what) for item, what in chunk if item.pk in queued]
    if not chunk:
        return
    outcomes: dict[int, Outcome] = {}
    reads = [(item, read) for item, read in chunk if isinstance(read, Read)]
    for _, read in reads:
        read.document.origin = batch.origin
    if together:
        stored = set(_stored_addresses([address for _, read in reads for address in _addresses(read.document)]))
        seen: set[str] = set()
        fresh = []
        for item, read in reads:
            addresses = _addresses(read.document)
            if not (addresses & stored or addresses & seen):
                fresh.append((item, read))
            seen |= addresses
        if fresh:
            results = documents_load(documents=[read.document for _, read in fresh], actor=batch.created_by)
            for (item, _), result in zip(fresh, results, strict=True):
                outcomes[item.pk] = _outcome(result)
            created = [result for result in results if result.created]
            queue_suggestions(
                document_ids=[result.document.pk for result in created],
                new_claim_ids=[pk for result in created for pk in result.new_claim_ids],
            )
    for item, read in reads:
        if item.pk not in outcomes:
            outcomes[item.pk] = _store(read.document, actor=batch.created_by)
    dropped = Counter(locked.dropped)
    for item, what in chunk:
        if isinstance(what, str):
            item.status, item.error = ImportItemStatus.FAILED, what[:2000]
            continue
        outcome = outcomes[item.pk]
        item.status, item.document, item.version = outcome.status, outcome.document, outcome.version
        item.claims_added, item.note = outcome.claims_new, "; ".join(filter(None, (what.note, outcome.note)))[:500]
        locked.documents_added += outcome.created
        locked.documents_updated += outcome.updated
        locked.claims_added += outcome.claims_new
        locked.claims_existing += outcome.claims_existing
        dropped.update(what.dropped)
    ImportItem.objects.bulk_update(
        [item for item, _ in chunk], ["status", "error", "document", "version", "claims_added", "note"]
    )
    locked.done += len(chunk)
    locked.dropped, locked.heartbeat_at = dict(dropped), timezone.now()
    locked.save(
        update_fields=[
            "done", "documents_added", "documents_updated", "claims_added", "claims_existing", "dropped",
            "heartbeat_at",
        ]
    )  # fmt: skip


# --- Storing an item ------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    document: SourceDocument
    version: int
    created: int = 0
    updated: int = 0
    claims_new: int = 0
    claims_existing: int = 0
    note: str = ""


def _store(document: DocumentInput, *, actor) -> Outcome:
    """Store the document: a new one, the next version of the one at its address, or nothing new."""
    addresses = _addresses(document)
    known = None
    if addresses:
        known = (
            SourceDocument.objects.filter(Q(url__in=addresses) | Q(versions__url__in=addresses))
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    if known is not None:
        versioned = document_new_version(document_id=known, new=document, actor=actor)
        if not versioned.changed:
            note = MSG_UNCHANGED.format(document=known)
            return Outcome(ImportItemStatus.UNCHANGED, versioned.document, versioned.version, note=note)
        return Outcome(
            ImportItemStatus.LOADED, versioned.document, versioned.version, updated=1,
            claims_new=versioned.claims_new, claims_existing=versioned.claims_existing,
        )  # fmt: skip
    [result] = documents_load(documents=[document], actor=actor)
    if result.created:
        queue_suggestions(document_ids=[result.document.pk], new_claim_ids=result.new_claim_ids)
    return _outcome(result)


def _outcome(result) -> Outcome:
    """Return the outcome of an item whose document ``documents_load`` stored (or found stored)."""
    if not result.created:
        note = MSG_SAME_TEXT.format(document=result.document.pk)
        return Outcome(ImportItemStatus.UNCHANGED, result.document, result.document.version, note=note)
    return Outcome(
        ImportItemStatus.LOADED, result.document, 1, created=1, claims_new=result.claims_new,
        claims_existing=result.claims_existing,
    )  # fmt: skip


def _addresses(document: DocumentInput) -> set[str]:
    return {address for address in (document.url, document.fetched_from) if address}


def _stored_addresses(addresses) -> list[str]:
    """Return those of ``addresses`` that a stored document has (as its address or a version's)."""
    addresses = list(set(addresses))
    if not addresses:
        return []
    found = list(SourceDocument.objects.filter(url__in=addresses).values_list("url", flat=True))
    return found + list(DocumentVersion.objects.filter(url__in=addresses).values_list("url", flat=True))
