"""Files -> parsed documents: the text, its metadata and its check-worthy sentences, ready to store.

Pure: nothing here touches the database or needs Django set up, so a reader process can parse
documents while another stores them (``workflow.loading``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .extract import extract_sentences
from .files import LoadError, read_metadata, read_text, title_from_file_name
from .sentence import Sentence
from .signals import Signals, claim_signals

MSG_NO_SENTENCES = "has no sentences to check once boilerplate is dropped"
MSG_NOT_SPLIT = "could not be split into sentences ({error})"


@dataclass
class DocumentInput:
    """A document to store: its text exactly as read, its metadata and its sentences."""

    text: str
    title: str
    sentences: list[Sentence]
    file_name: str = ""
    publisher: str = ""
    url: str = ""
    published_on: date | None = None
    author: str = ""
    language: str = ""
    origin: str = "file"  # models.Origin: how it came in
    html: str = ""  # the page as fetched, kept for provenance
    fetched_from: str = ""  # the address it was fetched from, when it was
    # Each sentence's check-worthiness signals by text hash, when worked out ahead (by a reader process).
    signals: dict[str, Signals] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def with_signals(self) -> DocumentInput:
        """Work out each sentence's signals now (they are otherwise worked out as its claim is stored)."""
        self.signals = {s.text_hash: claim_signals(s.text) for s in self.sentences}
        return self


@dataclass
class ParsedDocument:
    document: DocumentInput
    dropped: Counter


def document_from_path(path: Path) -> ParsedDocument:
    """Read the document at ``path`` (and its ``NAME.json``) into a ``DocumentInput``."""
    path = Path(path)
    text = read_text(path)
    metadata = read_metadata(path)
    extraction = extract_sentences(text, title=metadata.title)
    if not extraction.sentences:
        raise LoadError(path, MSG_NO_SENTENCES)
    document = DocumentInput(
        text=text,
        title=metadata.title or title_from_file_name(path.name),
        sentences=extraction.sentences,
        file_name=path.name,
        publisher=metadata.publisher,
        url=metadata.url,
        published_on=metadata.published_on,
        author=metadata.author,
        language=metadata.language,
    )
    return ParsedDocument(document=document, dropped=extraction.dropped)


def parse_path(path: Path) -> tuple[Path, ParsedDocument | LoadError]:
    """Return ``(path, its parsed document)``, or ``(path, why it cannot be loaded)``."""
    try:
        return path, document_from_path(path)
    except LoadError as error:
        return path, error
    except Exception as error:
        return path, LoadError(path, MSG_NOT_SPLIT.format(error=f"{type(error).__name__}: {error}"))


def expand_paths(paths) -> list[Path]:
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
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())
