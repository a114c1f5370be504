"""A news feed's bytes (RSS or Atom) -> its title, its link and its entries, with feedparser.

feedparser is given bytes only, wrapped in a stream: given a string, it would fetch it as a web
address or open it as a file, and even bytes are tried as a file name first. Fetching is
``ingest.fetch``'s (with ``accept=FEED_TYPES``). feedparser removes a feed's entity declarations
but plain-text ones, and tells its XML parser not to load external entities or DTDs; expat bounds
entity expansion.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser  # type: ignore[import-untyped]  # it ships no type information

# The media types a feed is served as, for ``fetch(url, accept=FEED_TYPES)``.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


class FeedError(Exception):
    """A feed that cannot be read; ``str(error)`` is ``"ADDRESS: reason"`` on one line."""

    def __init__(self, url: str, reason: str):
        self.url = str(url)
        self.reason = reason
        super().__init__(f"{self.url}: {reason}")

    def __reduce__(self):
        return (type(self), (self.url, self.reason))


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed. Title and summary are plain text (markup dropped, spaces collapsed)."""

    guid: str  # the entry's id, or its link when it has none
    link: str  # absolute http(s) address, or "" when it gives none
    title: str
    published: datetime | None  # aware, UTC: the entry's published date, or its updated date
    summary: str


@dataclass(frozen=True)
class Feed:
    title: str
    link: str  # the site's address, absolute http(s), or ""
    entries: tuple[FeedEntry, ...]


def parse_feed(data: bytes, *, url: str) -> Feed:
    """Parse the RSS or Atom feed in ``data``, fetched from ``url``; refuse a malformed one with ``FeedError``.

    Relative links are resolved against ``url`` (or the feed's own ``xml:base``). A feed with minor
    errors is read if its entries can be; an entry with neither an id nor an http(s) link is left out.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_feed reads bytes, not {type(data).__name__}")
    if not bytes(data).strip():
        raise FeedError(url, "is empty")
    try:
        parsed = feedparser.parse(
            io.BytesIO(bytes(data)),
            # The address for relative links; a type that lets the XML declaration name the encoding.
            response_headers={"content-location": url, "content-type": "application/xml"},
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except Exception as error:  # feedparser is lenient; anything it still trips on is the feed's fault
        raise FeedError(url, f"could not be parsed ({type(error).__name__}: {error})") from None
    if not parsed.get("version"):
        if _looks_like_html(bytes(data)):
            raise FeedError(url, "is an HTML page, not a feed")
        problem = _problem(parsed)
        raise FeedError(url, "is not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    if parsed.bozo and not parsed.entries:
        raise FeedError(url, f"is not a well-formed feed ({_problem(parsed)}) and has no entries")
    entries = (_entry(raw, url) for raw in parsed.entries)
    return Feed(
        title=_text(parsed.feed, "title"),
        link=_web_link(parsed.feed.get("link"), url),
        entries=tuple(entry for entry in entries if entry is not None),
    )


def _entry(raw: Any, url: str) -> FeedEntry | None:
    link = _web_link(raw.get("link"), url)
    guid = (raw.get("id") or "").strip() or link
    if not guid:
        return None
    # An Atom entry without a summary has its content as one, without the content's type.
    detail = raw.get("summary_detail") or (raw.get("content") or [{}])[0]
    summary = _plain(detail.get("value") or "", detail.get("type", ""))
    return FeedEntry(guid=guid, link=link, title=_text(raw, "title"), published=_when(raw), summary=summary)


def _web_link(link: str | None, url: str) -> str:
    """Return ``link`` made absolute against ``url`` if it is an http(s) address, else ""."""
    if not link:
        return ""
    absolute = urljoin(url, link.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else ""


def _when(raw: Any) -> datetime | None:
    """Return the entry's date as feedparser read it (in UTC), or None if it has none it can read."""
    # dict.get: feedparser's own get maps a missing date to the other one, with a deprecation warning.
    parsed: time.struct_time | None = dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:5], min(parsed.tm_sec, 59), tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _text(item: Any, field: str) -> str:
    """Return ``item``'s ``field`` as plain text, reading it as HTML when the feed says it is."""
    detail = item.get(f"{field}_detail") or {}
    return _plain(item.get(field) or "", detail.get("type", ""))


def _plain(value: str, media_type: str) -> str:
    if media_type in ("text/html", "application/xhtml+xml"):
        reader = _TextReader()
        reader.feed(value)
        reader.close()
        value = "".join(reader.parts)
    return " ".join(value.split())


class _TextReader(HTMLParser):
    """Collect an HTML fragment's text, a space for each tag so that words in separate blocks stay apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")


# Tags inside a line of text: no space is added for them ("<b>Gov</b>ernment" stays one word).
_INLINE = frozenset("a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup u".split())


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head


def _problem(parsed: Any) -> str:
    """Return what was wrong with the feed's XML, as a phrase, or "" if feedparser found nothing wrong."""
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(error, SAXParseException):
        # No line number: feedparser re-encodes the feed first, adding a line of its own.
        return f"not well-formed XML: {error.getMessage()}"
    return str(error or "")
