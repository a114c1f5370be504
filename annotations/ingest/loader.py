"""Paths -> stored documents: read, split and store the files.

Parsed documents are stored in batches (``workflow.documents_load``), each batch in one
transaction with its corroboration suggestions, each document whole. If a batch fails in the
database, its documents are retried one by one so that a single bad document cannot stop the
others. A large load reads and splits its files in a second process while this one writes to the
database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import django
from django.db import DatabaseError, transaction

from .. import corroboration, workflow
from .extract import extract_sentences
from .files import LoadError, read_metadata, read_text, title_from_file_name

MSG_NO_SENTENCES = "has no sentences to check once boilerplate is dropped"
MSG_NOT_STORED = "could not be stored: {error}"

# A batch is flushed when it holds this many sentences (or documents).
BATCH_SENTENCES = 3000
BATCH_DOCUMENTS = 200
# From this many files on, a reader process parses ahead while this one writes.
READER_PROCESS_FROM = 50


@dataclass
class ParsedDocument:
    document: workflow.DocumentInput
    dropped: Counter


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


def document_from_path(path: Path) -> ParsedDocument:
    """Read the document at ``path`` (and its ``NAME.json``) into the workflow's input."""
    path = Path(path)
    text = read_text(path)
    metadata = read_metadata(path)
    extraction = extract_sentences(text)
    if not extraction.sentences:
        raise LoadError(path, MSG_NO_SENTENCES)
    document = workflow.DocumentInput(
        text=text,
        title=metadata.title or title_from_file_name(path.name),
        sentences=extraction.sentences,
        file_name=path.name,
        publisher=metadata.publisher,
        url=metadata.url,
        published_on=metadata.published_on,
    )
    return ParsedDocument(document=document, dropped=extraction.dropped)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Return the files to load: each file given, and the ``*.txt`` files of each folder, sorted.

    A ``NAME.json`` given beside its ``NAME.txt`` is skipped: it is read with the text.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(child for child in path.glob("*.txt") if child.is_file())
        elif path.is_file():
            if path.suffix == ".json" and path.with_suffix(".txt").is_file():
                continue
            files.append(path)
        else:
            raise LoadError(path, "does not exist")
    unique = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


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


MSG_NOT_SPLIT = "could not be split into sentences ({error})"


def _parse(path: Path) -> tuple[Path, ParsedDocument | LoadError]:
    try:
        return path, document_from_path(path)
    except LoadError as error:
        return path, error
    except Exception as error:  # noqa: BLE001 - one odd file must not stop the others
        return path, LoadError(path, MSG_NOT_SPLIT.format(error=f"{type(error).__name__}: {error}"))


def _parsed(files: list[Path]):
    """Yield ``(path, ParsedDocument or LoadError)`` in order, parsing ahead in a process if many."""
    if len(files) < READER_PROCESS_FROM:
        yield from map(_parse, files)
        return
    # "spawn": a forked child would share this process's open database connection.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=django.setup) as reader:
        yield from reader.map(_parse, files, chunksize=32)


def _store(batch, actor):
    """Store a batch; yield (path, parsed, LoadResult or LoadError) for each document."""
    if not batch:
        return
    try:
        results = workflow.documents_load(documents=[parsed.document for _, parsed in batch], actor=actor)
    except DatabaseError:
        # Find the culprit: each document alone, in its own transaction.
        for path, parsed in batch:
            try:
                yield path, parsed, workflow.document_load(document=parsed.document, actor=actor)
            except DatabaseError as error:
                yield path, parsed, LoadError(path, MSG_NOT_STORED.format(error=str(error).strip().splitlines()[0]))
        return
    for (path, parsed), result in zip(batch, results):
        yield path, parsed, result
