"""An article as given (a file, pasted text, an address) -> the document to store, or why not.

Pure, like the rest of ``ingest``: an import's job may read its items in a second process while
the first stores them (``workflow.intake``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .documents import MSG_NO_SENTENCES, DocumentInput
from .extract import extract_sentences
from .fetch import FetchError, fetch, web_address
from .files import LoadError, decode_bytes, title_from_file_name
from .html import NotAnArticle, article_from_html

HTML_SUFFIXES = (".html", ".htm")
MSG_UNEXPECTED = "could not be loaded ({error})"


@dataclass(frozen=True)
class Given:
    """What was given: a file's bytes or pasted text (``content``), or an address to fetch (``content`` None)."""

    name: str
    content: bytes | None = None
    metadata: dict = field(default_factory=dict)
    upload: bool = False  # an uploaded file: its name is a file name


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 15
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private: bool = False


@dataclass
class Read:
    """A document to store, the lines dropped by reason, and what was assumed in reading it."""

    document: DocumentInput
    dropped: Counter
    note: str = ""


def read_given(given: Given, options: FetchOptions) -> Read:
    """Return ``given`` read into a document; raise ``LoadError``, ``FetchError`` or ``NotAnArticle``."""
    metadata = dict(given.metadata)
    html, note, fetched_from = "", "", ""
    if given.content is None:  # an address: fetch the page
        fetched = fetch(
            given.name, timeout=options.timeout, max_bytes=options.max_bytes, max_redirects=options.max_redirects,
            allow_private=options.allow_private,
        )  # fmt: skip
        fetched_from = fetched.url
        decoded = decode_bytes(given.name, fetched.body, declared=fetched.charset)
        is_html = fetched.content_type != "text/plain"
    else:
        decoded = decode_bytes(given.name, given.content)
        is_html = given.name.lower().endswith(HTML_SUFFIXES)
    if decoded.detected:
        note = f"decoded as {decoded.encoding} (detected)"
    text = decoded.text
    summary = metadata.pop("summary", "")  # given with pasted text, or the page's description below
    if is_html:
        html = text
        article = article_from_html(html, url=fetched_from)
        text, summary = article.text, summary or article.description
        found = {
            "title": article.title, "publisher": article.publisher, "author": article.author,
            "url": _canonical(article.url, fetched_from), "language": article.language,
            "published_on": article.published_on.isoformat() if article.published_on else "",
        }  # fmt: skip
        metadata = {**{key: value for key, value in found.items() if value}, **metadata}
    headline = metadata.get("title", "")  # given, or the page's own: a line repeating it is furniture
    title = headline or (title_from_file_name(given.name) if given.upload else given.name)
    # A line repeating the headline or the page's summary is furniture (docs/INGEST.md, "Known limits").
    extraction = extract_sentences(text, title=headline, summary=summary)
    if not extraction.sentences:
        raise LoadError(given.name, MSG_NO_SENTENCES)
    published = metadata.get("published_on")
    document = DocumentInput(
        text=text,
        title=title[:500],
        sentences=extraction.sentences,
        file_name=given.name[:255] if given.upload else "",
        publisher=metadata.get("publisher", "")[:200],
        url=metadata.get("url", "") or fetched_from,
        published_on=datetime.date.fromisoformat(published) if published else None,
        author=metadata.get("author", "")[:300],
        language=metadata.get("language", "")[:35],
        html=html,
        fetched_from=fetched_from,
    )
    return Read(document=document.with_signals(), dropped=extraction.dropped, note=note)


def _canonical(canonical: str, fetched_from: str) -> str:
    """Return the page's canonical address, unless it names another site than the one it came from.

    A page may name any address as canonical: taken as it is, a page of one site could make itself
    the next version of another site's article (versions are matched by address).
    """
    if canonical:
        try:  # a saved page's or a fetched one's own words: an address only if a valid one
            canonical = web_address(canonical)
        except (FetchError, ValueError, UnicodeError):
            canonical = ""
    if not fetched_from or not canonical:
        return canonical or fetched_from
    return canonical if _site(canonical) == _site(fetched_from) else fetched_from


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def read_or_refusal(given: Given, options: FetchOptions) -> Read | str:
    """Return ``given`` read, or the reason it cannot be loaded (never an exception)."""
    try:
        return read_given(given, options)
    except (LoadError, FetchError, NotAnArticle) as error:
        return error.reason
    except Exception as error:  # one odd file or page must not stop the others
        return MSG_UNEXPECTED.format(error=f"{type(error).__name__}: {error}")
