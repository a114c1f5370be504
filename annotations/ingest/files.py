"""Read a source document's text and its optional metadata file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator


class LoadError(Exception):
    """A file that cannot be loaded; ``str(error)`` is ``"PATH: reason"`` on one line."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):
        # Picklable, so that a reader process can hand it back.
        return (type(self), (self.path, self.reason))


def read_text(path: Path) -> str:
    """Return the file's text, refusing empty, binary and non-UTF-8 files."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LoadError(path, f"cannot be read ({error.strerror or error})") from None
    return decode_text(path, data)


def decode_text(path, data: bytes) -> str:
    """Decode UTF-8 ``data`` without changing it, except for dropping a byte order mark.

    The text is stored as it is, so that sentence offsets index exactly what the reader sees.
    """
    if b"\0" in data:
        raise LoadError(path, "looks binary (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LoadError(
            path,
            f"is not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start})",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise LoadError(path, "is empty")
    return text


# --- Metadata -----------------------------------------------------------------------------------

# Field in NAME.json -> the longest value the database column holds.
METADATA_FIELDS = {"title": 500, "publisher": 200, "url": 2000, "published": 10}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    publisher: str = ""
    url: str = ""
    published_on: date | None = None


def metadata_path(path: Path) -> Path:
    """Return where the metadata of the document at ``path`` lives: ``NAME.json`` beside it."""
    return Path(path).with_suffix(".json")


def read_metadata(path: Path) -> Metadata:
    """Return the metadata in the document's ``NAME.json``, or empty metadata if there is none."""
    sidecar = metadata_path(path)
    if not sidecar.is_file():
        return Metadata()
    return parse_metadata(sidecar, read_text(sidecar))


def parse_metadata(sidecar, raw: str) -> Metadata:
    """Validate the JSON object in ``raw``: any of title, publisher, url, published (YYYY-MM-DD)."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise LoadError(
            sidecar, f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    expected = ", ".join(METADATA_FIELDS)
    if not isinstance(data, dict):
        raise LoadError(sidecar, f"must hold a JSON object with any of {expected}")
    values = {}
    for name, value in data.items():
        if name not in METADATA_FIELDS:
            raise LoadError(sidecar, f"has an unknown field {name!r} (expected any of {expected})")
        if value is None:
            continue
        if not isinstance(value, str):
            raise LoadError(sidecar, f"field {name!r} must be a string, not {json.dumps(value)}")
        value = value.strip()
        limit = METADATA_FIELDS[name]
        if len(value) > limit:
            raise LoadError(sidecar, f"field {name!r} is too long ({len(value)} characters; at most {limit})")
        values[name] = value
    published_on = None
    if values.get("published"):
        published_on = _parse_date(sidecar, values["published"])
    if values.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(values["url"])
        except ValidationError:
            raise LoadError(sidecar, f"field 'url' is not a full http(s) web address: {values['url']!r}") from None
    return Metadata(
        title=values.get("title", ""),
        publisher=values.get("publisher", ""),
        url=values.get("url", ""),
        published_on=published_on,
    )


def _parse_date(sidecar, value: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise LoadError(sidecar, f"field 'published' must be a date as YYYY-MM-DD, not {value!r}") from None


# --- Titles -------------------------------------------------------------------------------------

# A part of a file name that identifies rather than describes: a number, a date, a hex digest.
_IDENTIFIER = re.compile(r"\d[\d-]*|(?=[a-f]*\d)[0-9a-f]{8,}", re.IGNORECASE)


def title_from_file_name(name: str) -> str:
    """Return a readable title for a document that has no metadata.

    The stem is split on underscores and spaces. Words keep their order, hyphens become spaces
    and the first letter is capitalised; identifiers (numbers, dates, hex digests) follow them.
    A name made of identifiers only is titled "Document ...":
    ``000_cc4867dd70f73411.txt`` -> "Document 000 cc4867dd70f73411",
    ``cuba-death-toll_2026-01-04.txt`` -> "Cuba death toll 2026-01-04".
    """
    words, identifiers = [], []
    for part in re.split(r"[_\s]+", Path(name).stem):
        if not part:
            continue
        if _IDENTIFIER.fullmatch(part):
            identifiers.append(part)
        else:
            words.append(" ".join(part.replace("-", " ").split()))
    phrase = " ".join(word for word in words if word)
    phrase = phrase[:1].upper() + phrase[1:] if phrase else "Document"
    return " ".join([phrase, *identifiers])[:500]
