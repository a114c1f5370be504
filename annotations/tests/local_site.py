"""A web server on 127.0.0.1 that the intake tests fill with articles, feeds and misbehaving pages.

These machines reach no site on the internet: every page and feed an intake test fetches is served
here, on a port the system picks. Fetching from it needs ``FACTCHECK_FETCH_ALLOW_PRIVATE`` on
(the address is loopback); ``allow_private`` fixtures in the test modules turn it on.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOGIN_PAGE = (
    "<!doctype html><html lang='en'><head><title>Sign in</title></head><body><nav><a href='/'>Home</a></nav>"
    "<form action='/login' method='post'><label>Email <input name='email'></label>"
    "<label>Password <input type='password' name='password'></label><button>Sign in</button></form>"
    "<p>Forgot your password?</p><p>Not a subscriber? Subscribe now</p></body></html>"
)
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    canonical: str = "",
    author: str = "",
    publisher: str = "",
    published: str = "",
    lang: str = "en",
) -> str:
    """Return a news page: navigation, the article (its headline and paragraphs), a footer."""
    head = f"<title>{escape(title)}</title>"
    if canonical:
        head += f'<link rel="canonical" href="{escape(canonical)}">'
    if author:
        head += f'<meta name="author" content="{escape(author)}">'
    if publisher:
        head += f'<meta property="og:site_name" content="{escape(publisher)}">'
    if published:
        head += f'<meta property="article:published_time" content="{escape(published)}">'
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright 2026 The Courier. All rights reserved.</footer></body></html>"
    )


def rss(entries: list[dict], *, title: str = "The Courier: news") -> bytes:
    """Return an RSS 2.0 feed of ``entries`` (each: guid, link, title, and optionally published)."""
    items = "".join(
        "<item>"
        f"<title>{escape(entry['title'])}</title><link>{escape(entry['link'])}</link>"
        f'<guid isPermaLink="false">{escape(entry["guid"])}</guid>'
        + (f"<pubDate>{entry['published']}</pubDate>" if entry.get("published") else "")
        + "</item>"
        for entry in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://courier.example/</link><description>News</description>"
        f"{items}</channel></rss>"
    ).encode()


class Site:
    """A web server on 127.0.0.1 serving what the test puts in ``routes`` (path -> handler function)."""

    def __init__(self):
        self.routes = {}
        self.requests: list[str] = []  # the path of each request received, in order
        self.closing = threading.Event()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with site._lock:
                    site.requests.append(self.path)
                route = site.routes.get(self.path)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up
                    if route is None:
                        send(self, 404, b"not here", {"Content-Type": "text/plain"})
                    else:
                        route(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path, body, content_type="text/html; charset=utf-8", status=200, headers=None) -> str:
        """Serve ``body`` at ``path``; return its address."""
        body = body.encode() if isinstance(body, str) else body
        fields = {"Content-Type": content_type, **(headers or {})} if content_type else dict(headers or {})
        self.routes[path] = lambda handler: send(handler, status, body, fields)
        return self.url(path)

    def article(self, path, title, paragraphs, **metadata) -> str:
        """Serve a news page at ``path`` (``article_html``); return its address."""
        return self.page(path, article_html(title, paragraphs, **metadata))

    def feed(self, path, entries, **options) -> str:
        return self.page(path, rss(entries, **options), content_type="application/rss+xml; charset=utf-8")

    def redirect(self, path, location, status=302) -> str:
        self.routes[path] = lambda handler: send(handler, status, b"", {"Location": location})
        return self.url(path)

    def slow(self, path, body, *, seconds: float) -> str:
        """Serve ``body`` at ``path`` only after ``seconds`` (or when the test ends)."""

        def answer(handler):
            self.closing.wait(seconds)
            send(handler, 200, body.encode(), {"Content-Type": "text/html; charset=utf-8"})

        self.routes[path] = answer
        return self.url(path)

    def held(self, path, body, *, arrived: threading.Event, release: threading.Event) -> str:
        """Serve ``body`` at ``path`` once ``release`` is set, setting ``arrived`` when asked for it."""

        def answer(handler):
            arrived.set()
            while not (release.is_set() or self.closing.is_set()):
                release.wait(0.05)
            send(handler, 200, body.encode(), {"Content-Type": "text/html; charset=utf-8"})

        self.routes[path] = answer
        return self.url(path)

    def count(self, path: str) -> int:
        """Return how many times ``path`` was asked for."""
        with self._lock:
            return self.requests.count(path)


def send(handler, status, body: bytes, headers: dict) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextlib.contextmanager
def serving() -> Iterator[Site]:
    """Run a ``Site`` for the block; stop it (and release whatever it holds back) afterwards."""
    site = Site()
    site.thread.start()
    try:
        yield site
    finally:
        site.closing.set()
        site.server.shutdown()
        site.server.server_close()


def closed_port_address(path: str = "/") -> str:
    """Return an address on 127.0.0.1 where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
