"""A saved web page to its article (``ingest.html``): text, metadata, refusals, and nothing fetched or written."""

import contextlib
import dataclasses
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from annotations.ingest.html import Article, NotAnArticle, article_from_html

PAGES = Path(__file__).with_name("pages")
HTML_PAGES = sorted(PAGES.glob("*.html"))

LOGIN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Sign in - The Courier</title></head>
<body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<main><h1>Sign in</h1><form><label>Email</label><input type=email>
<label>Password</label><input type=password><button>Sign in</button>
<a href="/forgot">Forgot your password?</a></form>
<p>Not a subscriber? <a href="/subscribe">Subscribe now</a></p></main>
<footer>© 2026 The Courier</footer></body></html>"""

BRIEF = """<html><head><title>Road closed</title></head><body><article><h1>Road closed</h1>
<p>Police closed Route 9 between Hollis Road and the river on Tuesday morning after a lorry shed its load of
timber across both lanes.</p></article></body></html>"""


@pytest.mark.parametrize("path", HTML_PAGES, ids=lambda path: path.name)
def test_a_saved_page_gives_its_article_and_metadata(path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["article"]

    article = article_from_html(path.read_text(encoding="utf-8"), url="https://pages.example/saved")

    assert {
        "title": article.title,
        "author": article.author,
        "publisher": article.publisher,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "url": article.url,
        "language": article.language,
    } == expected
    assert article.description
    assert "\n\n" not in article.text and article.text == article.text.strip()


def test_the_article_is_a_frozen_value():
    article = article_from_html(BRIEF)

    assert isinstance(article, Article)
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "changed"  # type: ignore[misc]


def test_the_address_given_is_kept_when_the_page_names_none():
    assert article_from_html(BRIEF, url="https://news.example/road").url == "https://news.example/road"
    assert article_from_html(BRIEF).url == ""


def test_what_the_page_does_not_say_is_left_empty():
    article = article_from_html(BRIEF)

    assert article.text.endswith("across both lanes.")
    assert (article.author, article.publisher, article.published_on, article.language) == ("", "", None, "")


@pytest.mark.parametrize(
    "head, language",
    [
        ('<html lang="en-GB">', "en"),
        ('<html lang="fr">', "fr"),
        ('<html><head><meta http-equiv="Content-Language" content="de-AT">', "de"),
        ('<html><head><meta property="og:locale" content="es_ES">', "es"),
        ('<html lang="">', ""),
    ],
)
def test_the_language_is_the_one_the_page_declares(head, language):
    html = BRIEF.replace("<html><head>", head + ("" if "<head>" in head else "<head>"), 1)

    assert article_from_html(html).language == language


def test_embedded_posts_are_not_article_text():
    text = article_from_html((PAGES / "wire_wildfire.html").read_text(encoding="utf-8")).text

    assert "Leave now" not in text and "@PineCoSheriff" not in text
    assert "shut off power to 8,500 customers" in text


def test_published_on_is_a_date():
    article = article_from_html((PAGES / "broadcaster_rail.html").read_text(encoding="utf-8"))

    assert article.published_on == date(2026, 4, 21)


@pytest.mark.parametrize(
    "html, reason",
    [
        ("", "is empty"),
        ("  \n\t ", "is empty"),
        (LOGIN_PAGE, "has no article text: the page holds 11 words outside navigation and forms"),
        ("<html><head><title>x</title></head><body></body></html>",
         "has no article text: the page holds 0 words outside navigation and forms"),
        ("%PDF-1.7\n%\ufffd\ufffd\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" * 20,
         "is not an HTML page: it begins '%PDF-1.7 %\ufffd\ufffd 1 0 obj << /Type /Catalog /'"),
        ("https://news.example/article", "is not an HTML page: it begins 'https://news.example/article'"),
        ("The council met on Monday. It voted 5-2.",
         "is not an HTML page: it begins 'The council met on Monday. It voted 5-2.'"),
    ],
)  # fmt: skip
def test_a_page_without_an_article_is_refused_saying_why(html, reason):
    with pytest.raises(NotAnArticle) as caught:
        article_from_html(html)

    assert caught.value.reason == str(caught.value) == reason


def test_a_refused_page_logs_nothing(caplog):
    caplog.set_level(logging.DEBUG)

    with pytest.raises(NotAnArticle):
        article_from_html(LOGIN_PAGE)
    article_from_html((PAGES / "aggregator_power.html").read_text(encoding="utf-8"))

    assert caplog.records == []


# --- Nothing fetched, nothing written --------------------------------------------------------------

_WATCHING = False
_SEEN: list[tuple[str, tuple]] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _audit(event, args):
    if not _WATCHING:
        return
    if event.startswith(("socket.", "urllib.", "http.", "subprocess.", "shutil.")) or event in (
        "os.mkdir", "os.remove", "os.rename", "os.rmdir", "os.unlink", "os.truncate", "os.system",
    ):  # fmt: skip
        _SEEN.append((event, args))
    elif event == "open":
        mode, flags = args[1], args[2]
        if (isinstance(mode, str) and any(char in mode for char in "wax+")) or (flags or 0) & _WRITE_FLAGS:
            _SEEN.append((event, args))


sys.addaudithook(_audit)


def test_reading_pages_fetches_nothing_and_writes_nothing():
    global _WATCHING
    pages = [path.read_text(encoding="utf-8") for path in HTML_PAGES]
    pages += ["https://news.example/article", LOGIN_PAGE, "<html><body><p>http://news.example/</p></body></html>"]

    def read_all():
        for html in pages:
            with contextlib.suppress(NotAnArticle):
                article_from_html(html, url="https://news.example/article")

    read_all()  # first, so that every lazy import (and its .pyc) is done before watching
    _SEEN.clear()
    _WATCHING = True
    try:
        read_all()
    finally:
        _WATCHING = False

    assert _SEEN == []
