"""Read a source document's text and its optional metadata file."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import charset_normalizer

from .fetch import FetchError, web_address


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
    """Return the file's text (``decode_text``), refusing unreadable, empty and binary files."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LoadError(path, f"cannot be read ({error.strerror or error})") from None
    return decode_text(path, data)


def decode_text(path, data: bytes) -> str:
    """Return the text of ``data`` as ``decode_bytes`` reads it."""
    return decode_bytes(path, data).text


# --- Decoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    """Text read from bytes, and how: ``detected`` is True when the encoding was guessed."""

    text: str
    encoding: str  # the Python codec that decoded it: "utf-8", "utf-16", "cp1252", "cp932", ...
    detected: bool


_PDF_MAGIC = b"%PDF-"
# Byte order marks that name their encoding: (mark, encoding, the codec for the bytes after it).
# UTF-32 first: its little-endian mark starts like UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
# The legacy encodings a browser knows (the WHATWG Encoding Standard), as Python codecs, most used on
# the web first: detection chooses among these only, and among equally good guesses takes the first.
# Without the list, charset-normalizer also offers EBCDIC and DOS code pages that no news text is in,
# and breaks ties alphabetically (Spanish "España" came back as Windows-1250 "Espańa").
LEGACY_ENCODINGS = (
    "cp1252", "cp1251", "cp1250", "gb18030", "cp932", "cp949", "big5hkscs", "euc_jp", "cp1256",
    "cp1253", "cp1254", "cp1255", "cp1257", "cp1258", "cp874", "iso8859_2", "iso8859_15", "koi8_r",
    "koi8_u", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_6", "iso8859_4", "iso8859_13",
    "iso8859_3", "iso8859_10", "iso8859_14", "iso8859_16", "mac_roman", "mac_cyrillic", "cp866",
)  # fmt: skip
# The share of "mess" (charset-normalizer's measure of implausible characters) above which a guess is
# dropped. Its default, 20%, accepts UTF-8 with a Latin-1 fragment read as Mac Roman ("D√≠az").
_MAX_MESS = 0.1
# Control characters other than tab, line ends and form feed: in a guessed decoding, a wrong guess.
_STRAY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode_bytes(name, data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode an uploaded text file's bytes; refuse empty and binary data with a ``LoadError``.

    UTF-8 is taken as it is; a byte order mark (UTF-8, UTF-16 or UTF-32) names the encoding and is
    dropped. The charset a web server ``declared`` comes next (a mark overrules it, as in browsers;
    one that does not decode the bytes is ignored). Anything else is decoded by detection
    (charset-normalizer) among ``LEGACY_ENCODINGS``, and the result says so (``detected``), for a
    reader to check. Line ends are then normalised:
    ``\\r\\n`` and a lone ``\\r`` (old Mac files) become ``\\n``, so that the stored text, which sentence
    offsets index, is the same whichever system wrote the file. Other separators (U+2028, NEL, form
    feed) are kept.
    """
    if not data:
        raise LoadError(name, "is empty")
    if data[:1024].lstrip().startswith(_PDF_MAGIC):
        raise LoadError(name, "looks like a PDF, not text")
    text, encoding, detected = _decode(name, bytes(data), declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(name, "is empty")
    return Decoded(text=text, encoding=encoding, detected=detected)


def _decode(name, data: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    for bom, encoding, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as error:
                reason = f"is not {encoding.upper()} though it starts with its byte order mark"
                raise LoadError(name, f"{reason} ({error.reason} at offset {len(bom) + error.start})") from None
            if "\0" in text:
                raise LoadError(name, "looks binary (NUL characters)")
            return text, encoding, False
    if b"\0" in data:
        raise LoadError(name, "looks binary (NUL bytes)")
    if declared:
        try:
            return data.decode(declared), declared, False
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown charset, or a wrong one: the bytes tell
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    guess = _detect(data)
    if guess is None:
        raise LoadError(name, "looks binary (not UTF-8, and no text encoding fits it)")
    return guess[0], guess[1], True


def _detect(data: bytes) -> tuple[str, str] | None:
    """Return ``(text, codec)`` for the likeliest legacy encoding of ``data``, or None if none fits."""
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), threshold=_MAX_MESS))
    if not matches:
        return None
    best = matches[0]
    # charset-normalizer's own test for a tie (mess within half a point, coherence within two), and its
    # habit of skipping a code page that decodes like one already tried: among the texts that tie, the
    # encoding most used on the web that gives one of them wins.
    tied = {
        m.encoding for m in matches if abs(m.chaos - best.chaos) < 0.005 and abs(m.coherence - best.coherence) <= 0.02
    }
    texts = {text for text in (_decoded_as(data, encoding) for encoding in tied) if text is not None}
    for encoding in LEGACY_ENCODINGS:
        text = _decoded_as(data, encoding)
        if text is not None and text in texts:
            return text, codecs.lookup(encoding).name
    for match in matches:
        text = _decoded_as(data, match.encoding)
        if text is not None:
            return text, codecs.lookup(match.encoding).name
    return None


def _decoded_as(data: bytes, encoding: str) -> str | None:
    """Return ``data`` decoded as ``encoding`` if it decodes to plausible text, else None."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if _STRAY_CONTROL.search(text) else text


# --- Metadata -----------------------------------------------------------------------------------

# Field in NAME.json -> the longest value the database column holds.
METADATA_FIELDS = {"title": 500, "publisher": 200, "author": 300, "url": 2000, "published": 10, "language": 35}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    publisher: str = ""
    url: str = ""
    published_on: date | None = None
    author: str = ""
    language: str = ""


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
            values["url"] = web_address(values["url"])
        except (FetchError, ValueError, UnicodeError) as error:
            reason = error.reason if isinstance(error, FetchError) else "is not a valid web address"
            raise LoadError(sidecar, f"field 'url' {reason}: {values['url']!r}") from None
    return Metadata(
        title=values.get("title", ""),
        publisher=values.get("publisher", ""),
        url=values.get("url", ""),
        published_on=published_on,
        author=values.get("author", ""),
        language=values.get("language", ""),
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
