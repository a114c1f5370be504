"""A saved web page -> its article: the main text and what the page says about itself.

trafilatura finds the main text (dropping navigation, headers, footers, asides, scripts, forms,
comments and tables) and reads the metadata (title, author, site name, date, canonical address,
description). Before it runs, embedded social posts (the blockquotes of X, Instagram, TikTok and
Threads embeds) are removed: the text of a post is the poster's, not the article's.

Nothing here fetches or writes anything: the page is parsed here and handed to trafilatura as a
tree (so no text that looks like an address is ever downloaded), and the date is read from the
page's markup only (htmldate's "extensive search", which guesses dates from free text, is off).
trafilatura's own logging is silenced: a page that is not an article is reported once, by
``NotAnArticle``. Pure: no database, no Django.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from trafilatura import bare_extraction
from trafilatura.settings import Document
from trafilatura.utils import load_html

# trafilatura and the packages it calls log every page they discard as a warning or an error.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

MSG_EMPTY = "is empty"
MSG_NOT_HTML = "is not an HTML page: it begins {start!r}"
MSG_NO_TEXT = "has no article text: the page holds {words} words outside navigation and forms"

# Markup that makes a text an HTML page (a PDF's or an image's bytes decoded as text have none).
_HTML_MARKUP = re.compile(r"<(?:!doctype\s+html|html|head|body|article|main|div|p|h1|title)\b", re.IGNORECASE)
# Embedded posts: the post's own text is not the article's.
_EMBEDS = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'twitter-video')"
    " or contains(@class, 'instagram-media') or contains(@class, 'tiktok-embed')"
    " or contains(@class, 'text-post-media')]"
)
# What a reader of the page sees outside its navigation and forms (counted when there is no article).
_NOT_READ = "//comment() | //head | //script | //style | //noscript | //template | //nav | //form | //select | //button"
# An article has at least this many words in lines of MIN_LINE_WORDS words or more: what a login
# page or an error page has left after trafilatura ("Sign in", "Forgot your password?", "Not a
# subscriber? Subscribe now") is labels and buttons, not prose.
MIN_PROSE_WORDS = 15
MIN_LINE_WORDS = 5
_CONTENT_LANGUAGE = (
    "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language') = 'content-language']/@content"
)
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?=$|[-_])")


@dataclass(frozen=True)
class Article:
    """A web page's article: its main text and what the page says about it ("" where it says nothing)."""

    text: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    published_on: date | None = None
    url: str = ""
    language: str = ""
    description: str = ""


class NotAnArticle(ValueError):
    """The page has no article to read: ``reason`` says why ("is empty", "has no article text: ...")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def article_from_html(html: str, *, url: str = "") -> Article:
    """Return the article of the page ``html`` (saved from ``url``, if known), or raise ``NotAnArticle``."""
    if not html.strip():
        raise NotAnArticle(MSG_EMPTY)
    if not _HTML_MARKUP.search(html):
        raise NotAnArticle(MSG_NOT_HTML.format(start=_start_of(html)))
    tree = load_html(html)
    if tree is None:
        raise NotAnArticle(MSG_NOT_HTML.format(start=_start_of(html)))
    for element in tree.xpath(_EMBEDS):
        element.drop_tree()
    document = bare_extraction(
        tree,
        url=url or None,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        # The date as the page's markup gives it, never one guessed from the text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (document.text or "").strip() if isinstance(document, Document) else ""
    if not isinstance(document, Document) or _prose_words(text) < MIN_PROSE_WORDS:
        raise NotAnArticle(MSG_NO_TEXT.format(words=_words_read(html)))
    publisher = document.sitename or ""
    return Article(
        text=text,
        title=document.title or "",
        author=_author(document.author or "", publisher),
        publisher=publisher,
        published_on=_date(document.date),
        url=document.url or url,
        language=_language(tree),
        description=document.description or "",
    )


def _start_of(text: str) -> str:
    start = " ".join(text[:40].split())
    return "".join(char if char.isprintable() else "?" for char in start)


def _prose_words(text: str) -> int:
    counts = (len(line.split()) for line in text.splitlines())
    return sum(count for count in counts if count >= MIN_LINE_WORDS)


def _words_read(html: str) -> int:
    """Return how many words the page shows outside its navigation, forms and scripts."""
    tree = load_html(html)
    if tree is None:
        return 0
    for element in tree.xpath(_NOT_READ):
        element.drop_tree()
    return len(" ".join(tree.itertext()).split())


def _author(author: str, publisher: str) -> str:
    """Return trafilatura's author less the parts that name the publisher ("Jane Doe; The Courier")."""
    publisher_words = set(publisher.casefold().split()) - {"the"}
    names = [
        name
        for name in author.split("; ")
        if not publisher_words or not set(name.casefold().split()) - {"the"} <= publisher_words
    ]
    return "; ".join(names)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _language(tree: Any) -> str:
    """Return the language the page declares (``<html lang>``, then its meta tags), as "en"; or ""."""
    root = tree.getroottree().getroot()
    declared = [root.get("lang", ""), root.get("xml:lang", "")]
    declared += tree.xpath(_CONTENT_LANGUAGE)
    declared += tree.xpath("//meta[@property='og:locale']/@content")
    for value in declared:
        match = _LANGUAGE.match(value.strip())
        if match:
            return match.group().lower()
    return ""
