"""Fetching a web address safely (``ingest.fetch``), against a local server each test starts and fills.

Nothing here leaves the machine: pages are served on 127.0.0.1, and every address that is not the
local server is refused before any connection (other names are answered by a resolver the test
passes in).
"""

import contextlib
import gzip
import ipaddress
import pickle
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from annotations.ingest import fetch as fetching
from annotations.ingest.fetch import USER_AGENT, Fetched, FetchError, address_refusal, fetch, normalise_url

PAGE = "<html><head><title>Café</title></head><body><p>Officials said 32 people died.</p></body></html>"
PAGE_BYTES = PAGE.encode()

# --- The local server ---------------------------------------------------------------------------


class Site:
    """A web server on 127.0.0.1 serving what the test puts in ``routes`` (path -> handler function)."""

    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, headers) of each request received
        self.sent = 0  # bytes of body written by streaming handlers
        self.closing = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None:
                    return send(self, 404, b"not here", {"Content-Type": "text/plain"})
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up
                    route(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def page(self, path, body=PAGE_BYTES, content_type="text/html; charset=utf-8", status=200, headers=None):
        fields = {"Content-Type": content_type, **(headers or {})} if content_type else dict(headers or {})
        self.routes[path] = lambda handler: send(handler, status, body, fields)

    def redirect(self, path, location, status=302):
        self.routes[path] = lambda handler: send(handler, status, b"", {"Location": location} if location else {})

    def wait(self, seconds):
        """Sleep ``seconds`` or until the test ends."""
        self.closing.wait(seconds)


def send(handler, status, body, headers):
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def site():
    site = Site()
    site.thread.start()
    yield site
    site.closing.set()
    site.server.shutdown()
    site.server.server_close()


def answers(table):
    """Return a resolver that answers each name in ``table`` with its addresses, as getaddrinfo does."""
    calls = []

    def resolve(host, port, type=0, **_):
        calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in table[host]
        ]

    resolve.calls = calls
    return resolve


@pytest.fixture
def loopback_is_public(monkeypatch):
    """Let 127.0.0.1 (the local server) pass as a public address, and nothing else that is not."""
    strict = fetching.address_refusal
    local = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(fetching, "address_refusal", lambda ip: None if ip == local else strict(ip))


# --- A good page --------------------------------------------------------------------------------


def test_a_page_is_fetched_with_its_type_and_charset(site):
    body = PAGE.encode("latin-1")
    site.page("/article", body, content_type="text/html; charset=ISO-8859-1")

    fetched = fetch(f"{site.base}/article", allow_private=True)

    assert fetched == Fetched(
        url=f"{site.base}/article",
        requested=f"{site.base}/article",
        status=200,
        content_type="text/html",
        charset="iso-8859-1",
        body=body,
        redirects=(),
    )


def test_the_request_says_who_is_asking_and_what_it_accepts(site):
    site.page("/a", b"Plain text.", content_type="text/plain")

    fetched = fetch(f"{site.base}/a?q=%C3%A9&x=1#part", allow_private=True)

    assert (fetched.content_type, fetched.charset, fetched.body) == ("text/plain", None, b"Plain text.")
    assert fetched.url == f"{site.base}/a?q=%C3%A9&x=1"
    assert fetched.requested == f"{site.base}/a?q=%C3%A9&x=1#part"
    [(path, headers)] = site.requests
    assert path == "/a?q=%C3%A9&x=1"
    assert headers["User-Agent"] == USER_AGENT == "factcheck-intake/1.0"
    assert headers["Host"] == f"127.0.0.1:{site.port}"
    assert headers["Accept"] == "text/html, application/xhtml+xml, text/plain"


def test_a_compressed_page_is_decompressed(site):
    site.page("/gz", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})

    assert fetch(f"{site.base}/gz", allow_private=True).body == PAGE.encode()


def test_a_page_of_exactly_the_limit_is_fetched(site):
    site.page("/full", b"x" * 1000, content_type="text/plain")

    assert len(fetch(f"{site.base}/full", allow_private=True, max_bytes=1000).body) == 1000


# --- Redirects ----------------------------------------------------------------------------------


def test_redirects_within_the_limit_are_followed_and_the_final_address_reported(site):
    site.redirect("/r3", f"{site.base}/r2", status=301)
    site.redirect("/r2", "/r1", status=307)  # an absolute path
    site.redirect("/r1", "sub/../r0?from=r1", status=308)  # relative to /r1
    site.redirect("/r0?from=r1", f"http://localhost:{site.port}/final", status=303)
    site.page("/final")

    fetched = fetch(f"{site.base}/r3", allow_private=True, max_redirects=4)

    assert fetched.url == f"http://localhost:{site.port}/final"
    assert fetched.requested == f"{site.base}/r3"
    assert fetched.redirects == (
        f"{site.base}/r3",
        f"{site.base}/r2",
        f"{site.base}/r1",
        f"{site.base}/r0?from=r1",
    )
    assert fetched.body == PAGE.encode()


def test_redirects_past_the_limit_are_refused(site):
    for hop in range(3):
        site.redirect(f"/r{hop}", f"/r{hop + 1}")
    site.page("/r3")
    url = f"{site.base}/r0"

    assert fetch(url, allow_private=True, max_redirects=3).url == f"{site.base}/r3"
    with pytest.raises(FetchError) as caught:
        fetch(url, allow_private=True, max_redirects=2)

    assert str(caught.value) == f"{url}: redirected more than 2 times"
    with pytest.raises(FetchError, match="redirected more than 0 times"):
        fetch(url, allow_private=True, max_redirects=0)


def test_a_redirect_loop_is_refused(site):
    site.redirect("/a", "/b")
    site.redirect("/b", f"{site.base}/a")

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/a", allow_private=True)

    assert caught.value.reason == f"redirects in a loop (back to {site.base}/a)"
    assert [path for path, _ in site.requests] == ["/a", "/b"]


@pytest.mark.parametrize(
    "location, reason",
    [
        ("ftp://example.com/file", "redirected to 'ftp://example.com/file', which uses ftp:, not http or https"),
        ("file:///etc/passwd", "redirected to 'file:///etc/passwd', which uses file:, not http or https"),
        ("http://exa mple.com/", "redirected to 'http://exa mple.com/', which contains a space (U+0020)"),
        (None, "redirected (302) without saying where to"),
    ],
)
def test_a_bad_redirect_is_refused(site, location, reason):
    site.redirect("/go", location)

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/go", allow_private=True)

    assert caught.value.reason == reason


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize(
    "location, reason",
    [
        ("http://169.254.169.254/latest/meta-data/", "is a link-local address (169.254.169.254)"),
        ("http://intranet.example:{port}/admin", "resolves to 10.0.0.7, a private address"),
        ("http://[::1]:{port}/", "is a loopback address (::1)"),
        ("http://2130706433:{port}/", None),  # 127.0.0.1 itself: the one address let through here
        ("http://0x7f000002:{port}/", "is a loopback address (127.0.0.2)"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused_though_the_first_host_was_public(site, location, reason):
    resolve = answers({"news.example": ["127.0.0.1"], "intranet.example": ["10.0.0.7"]})
    site.redirect("/story", location.format(port=site.port))
    site.page("/")
    url = f"http://news.example:{site.port}/story"

    if reason is None:
        assert fetch(url, resolve=resolve).url == f"{site.base}/"
        return
    with pytest.raises(FetchError) as caught:
        fetch(url, resolve=resolve)

    target = normalise_url(location.format(port=site.port))
    assert caught.value.reason == f"redirected to {target}, which {reason}; only public addresses are fetched"
    assert [path for path, _ in site.requests] == ["/story"]
    assert site.requests[0][1]["Host"] == f"news.example:{site.port}"


@pytest.mark.usefixtures("loopback_is_public")
def test_the_checked_address_is_the_one_connected_to_and_each_hop_is_checked_again(site):
    """DNS rebinding: the first answer is checked and used; a later, private answer is refused."""
    calls = []

    def rebinding():
        """Answer 127.0.0.1 the first time, then a private address."""
        replies = iter([["127.0.0.1"], ["10.0.0.9"]])

        def resolve(host, port, type=0, **_):
            calls.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in next(replies)]

        return resolve

    site.page("/one")
    site.redirect("/two", "/one")
    # rebind.test has no address but the resolver's: had the client looked it up again, it would fail.
    assert fetch(f"http://rebind.test:{site.port}/one", resolve=rebinding()).body == PAGE.encode()
    assert calls == ["rebind.test"]

    with pytest.raises(FetchError) as caught:
        fetch(f"http://rebind.test:{site.port}/two", resolve=rebinding())

    assert caught.value.reason == (
        f"redirected to http://rebind.test:{site.port}/one, which resolves to 10.0.0.9, a private address; "
        "only public addresses are fetched"
    )
    assert calls == ["rebind.test"] * 3


# --- Private addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1:{port}/", "is a loopback address (127.0.0.1)"),
        ("http://10.0.0.1/", "is a private address (10.0.0.1)"),
        ("http://169.254.169.254/latest/meta-data/", "is a link-local address (169.254.169.254)"),
        ("http://[::1]:{port}/", "is a loopback address (::1)"),
        ("http://[::ffff:127.0.0.1]:{port}/", "is a loopback address (::ffff:7f00:1)"),
        ("http://2130706433:{port}/", "is a loopback address (127.0.0.1)"),
        ("http://0x7f000001:{port}/", "is a loopback address (127.0.0.1)"),
        ("http://017700000001:{port}/", "is a loopback address (127.0.0.1)"),
        ("http://127.1:{port}/", "is a loopback address (127.0.0.1)"),
        ("http://１２７．０．０．１:{port}/", "is a loopback address (127.0.0.1)"),
        ("http://0.0.0.0:{port}/", "is an unspecified address (0.0.0.0)"),
        ("http://[::]:{port}/", "is an unspecified address (::)"),
        ("http://192.168.1.1/", "is a private address (192.168.1.1)"),
        ("http://172.16.5.4/", "is a private address (172.16.5.4)"),
        ("http://100.64.0.1/", "is a private address (100.64.0.1)"),
        ("http://224.0.0.251/", "is a multicast address (224.0.0.251)"),
        ("http://255.255.255.255/", "is a reserved address (255.255.255.255)"),
        ("http://[fe80::1]/", "is a link-local address (fe80::1)"),
        ("http://[fd12:3456::1]/", "is a private address (fd12:3456::1)"),
        ("http://[ff02::1]/", "is a multicast address (ff02::1)"),
        ("http://[64:ff9b::a9fe:a9fe]/", "is a link-local address (64:ff9b::a9fe:a9fe)"),  # NAT64 of 169.254.169.254
        ("http://[2002:7f00:1::]/", "is a loopback address (2002:7f00:1::)"),  # 6to4 of 127.0.0.1
        ("http://[::127.0.0.1]/", "is a reserved address (::7f00:1)"),
    ],
)
def test_private_addresses_are_refused_by_default_without_connecting(site, url, reason):
    url = url.format(port=site.port)

    with pytest.raises(FetchError) as caught:
        fetch(url, resolve=answers({}))

    assert str(caught.value) == f"{url}: {reason}; only public addresses are fetched"
    assert site.requests == []


def test_localhost_is_refused_by_its_resolved_address(site):
    with pytest.raises(FetchError) as caught:
        fetch(f"http://localhost:{site.port}/")

    assert caught.value.reason.startswith("resolves to ")
    assert caught.value.reason.endswith(", a loopback address; only public addresses are fetched")
    assert site.requests == []


@pytest.mark.parametrize(
    "addresses, reason",
    [
        (["10.1.2.3"], "resolves to 10.1.2.3, a private address"),
        (["93.184.215.14", "192.168.0.10"], "resolves to 192.168.0.10, a private address"),
        (["2606:2800:21f:cb07::1", "fe80::1%eth0"], "resolves to fe80::1, a link-local address"),
    ],
)
def test_a_name_with_any_private_address_is_refused_before_connecting(addresses, reason):
    resolve = answers({"news.example": addresses})

    with pytest.raises(FetchError) as caught:
        fetch("https://news.example/story", resolve=resolve)

    assert caught.value.reason == f"{reason}; only public addresses are fetched"


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:2800:21f:cb07::1", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_allow_private_lets_the_local_server_be_fetched(site):
    site.page("/")

    assert fetch(f"http://localhost:{site.port}/", allow_private=True).status == 200


# --- Addresses refused before anything is sent --------------------------------------------------


@pytest.mark.parametrize(
    "url, reason",
    [
        ("ftp://example.com/", "uses ftp:, not http or https"),
        ("file:///etc/passwd", "uses file:, not http or https"),
        ("javascript:alert(1)", "uses javascript:, not http or https"),
        ("data:text/html,hi", "uses data:, not http or https"),
        ("example.com/news", "is not a full web address (it does not start with http:// or https://)"),
        ("//example.com/news", "is not a full web address (it does not start with http:// or https://)"),
        ("", "is empty"),
        ("http:example.com", "has no host (http: must be followed by //)"),
        ("http:///news", "has no host"),
        ("http://exa mple.com/", "contains a space (U+0020)"),
        (" http://example.com/", "contains a space (U+0020)"),
        ("http://example.com/\nHost: evil", "contains a control character (U+000A)"),
        ("http://example.com/\x00", "contains a control character (U+0000)"),
        ("http://example.com/\x7f", "contains a control character (U+007F)"),
        ("http://exam\u202eple.com/", "contains a bidirectional formatting character (U+202E)"),
        ("http://example.com/\u2066x\u2069", "contains a bidirectional formatting character (U+2066)"),
        ("http://example.com/\u200fx", "contains a bidirectional formatting character (U+200F)"),
        ("http://exa\u200bmple.com/", "contains an invisible formatting character (U+200B)"),
        ("http://example.com\\@evil.com/", "contains '\\\\', which a web address cannot hold"),
        ("http://example.com/<script>", "contains '<', which a web address cannot hold"),
        ("http://example.com/%zz", "has a % that is not followed by two hex digits"),
        ("http://user:secret@example.com/", "has a user name or password in it"),
        ("http://example.com@evil.com/", "has a user name or password in it"),
        ("http://example.com:99999/", "has an invalid port (99999)"),
        ("http://example.com:0/", "has an invalid port (0)"),
        ("http://example.com:8o/", "has an invalid port (8o)"),
        ("http://[::1/", "has an invalid host"),
        ("http://[fe80::1%25eth0]/", "has an IPv6 zone or an unknown address form ([fe80::1%25eth0])"),
        ("http://[12345::1]/", "has an invalid host"),
        ("http://ex%41mple.com/", "has an invalid host (ex%41mple.com)"),
        ("http://-news-.example/", "has an invalid host name (-news-.example: Label must not start or end with "
                                   "a hyphen)"),
        ("http://news..example/", "has an invalid host name (news..example: Empty Label)"),
        ("http://1.2.3.4.5/", "has an invalid IPv4 address (1.2.3.4.5)"),
        ("http://news.example.99/", "has an invalid IPv4 address (news.example.99)"),
        ("http://example.com/a[1]", "has [ or ] outside its host"),
        ("http://example.com/" + "a" * 2000, "is too long (2019 characters; at most 2000)"),
    ],
)  # fmt: skip
def test_invalid_addresses_are_refused_saying_why(url, reason):
    resolve = answers({})

    with pytest.raises(FetchError) as caught:
        fetch(url, resolve=resolve)

    assert caught.value.reason == reason
    assert caught.value.url == url
    assert "\n" not in str(caught.value) and "\u202e" not in str(caught.value)
    assert resolve.calls == []


def test_a_refused_address_is_shown_escaped_on_one_line():
    with pytest.raises(FetchError) as caught:
        fetch("http://exam\u202eple.com/\nHost: x")

    assert str(caught.value) == (
        "http://exam\\u202eple.com/\\nHost: x: contains a bidirectional formatting character (U+202E)"
    )


@pytest.mark.parametrize(
    "url, normal",
    [
        ("HTTPS://News.Example.COM:443/a/b?x=1&y=%C3%A9#top", "https://news.example.com/a/b?x=1&y=%C3%A9"),
        ("http://Bücher.de/Straße?q=ü", "http://xn--bcher-kva.de/Stra%C3%9Fe?q=%C3%BC"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com.:8080/", "http://example.com:8080/"),
        ("http://[2606:2800:21F:CB07:0:0:0:1]:80/", "http://[2606:2800:21f:cb07::1]/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://example.com/😀", "http://example.com/%F0%9F%98%80"),
    ],
)
def test_addresses_are_normalised(url, normal):
    assert normalise_url(url) == normal


def test_a_long_address_is_shortened_in_the_message():
    url = "http://example.com/" + "a" * 2000

    with pytest.raises(FetchError) as caught:
        fetch(url)

    assert caught.value.url == url
    assert str(caught.value) == f"{url[:200]}...: is too long (2019 characters; at most 2000)"


def test_fetch_error_reads_as_address_and_reason_and_pickles():
    error = FetchError("http://example.com/", "answered 404 Not Found")

    assert str(error) == "http://example.com/: answered 404 Not Found"
    assert (error.url, error.reason) == ("http://example.com/", "answered 404 Not Found")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


# --- What the server answers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, reason", [(404, "answered 404 Not Found"), (500, "answered 500 Internal Server Error"),
                       (403, "answered 403 Forbidden"), (304, "answered 304 Not Modified")],
)  # fmt: skip
def test_an_http_error_status_is_refused_saying_which(site, status, reason):
    site.page("/x", b"error page", status=status)

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/x", allow_private=True)

    assert str(caught.value) == f"{site.base}/x: {reason}"


@pytest.mark.parametrize(
    "content_type, accept, reason",
    [
        ("application/pdf", fetching.PAGE_TYPES, "is application/pdf, not a web page"),
        ("image/png", fetching.PAGE_TYPES, "is image/png, not a web page"),
        (None, fetching.PAGE_TYPES, "is of no stated type, not a web page"),
        ("text/html", ("application/rss+xml", "application/atom+xml"),
         "is text/html, not application/rss+xml or application/atom+xml"),
    ],
)  # fmt: skip
def test_a_content_type_not_accepted_is_refused_saying_what_it_was(site, content_type, accept, reason):
    site.page("/doc", b"%PDF-1.7", content_type=content_type)

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/doc", allow_private=True, accept=accept)

    assert caught.value.reason == reason


def test_a_feed_type_is_fetched_when_accepted(site):
    site.page("/feed", b"<rss/>", content_type="Application/RSS+XML; Charset=UTF-8")

    fetched = fetch(f"{site.base}/feed", allow_private=True, accept=("application/rss+xml",))

    assert (fetched.content_type, fetched.charset) == ("application/rss+xml", "utf-8")


def test_a_body_declared_too_large_is_refused_before_it_is_read(site):
    def declared(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "10000000")
        handler.end_headers()
        while not site.closing.is_set():
            handler.wfile.write(b"x" * 65536)
            site.sent += 65536

    site.routes["/big"] = declared

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/big", allow_private=True, max_bytes=1_000_000)

    assert caught.value.reason == "is too large (10,000,000 bytes; at most 1,000,000)"


def test_a_huge_body_is_cut_at_the_limit(site):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()  # no Content-Length: the body ends when the connection closes
        while site.sent < 100_000_000 and not site.closing.is_set():
            handler.wfile.write(b"y" * 65536)
            site.sent += 65536

    site.routes["/huge"] = endless
    started = time.monotonic()

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/huge", allow_private=True, max_bytes=300_000)

    assert caught.value.reason == "is too large (more than 300,000 bytes)"
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert site.sent < 30_000_000  # what the socket buffers took before the client hung up


def test_a_compression_bomb_is_cut_at_the_limit_of_the_decompressed_body(site):
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    site.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/bomb", allow_private=True, max_bytes=1_000_000)

    assert caught.value.reason == "is too large (more than 1,000,000 bytes)"


# --- Time ---------------------------------------------------------------------------------------


def test_a_server_that_does_not_answer_times_out(site):
    site.routes["/silent"] = lambda handler: site.wait(10)
    started = time.monotonic()

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/silent", allow_private=True, timeout=0.5)

    assert caught.value.reason == "timed out after 0.5 seconds (waiting for the answer)"
    assert time.monotonic() - started < 2


def test_a_body_sent_in_drips_hits_the_total_deadline(site):
    """Each byte comes well within a socket timeout; the whole never arrives within the deadline."""

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            if site.closing.wait(0.05):
                return

    site.routes["/drip"] = drip
    started = time.monotonic()

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/drip", allow_private=True, timeout=0.8)

    assert caught.value.reason == "timed out after 0.8 seconds (reading the page)"
    assert time.monotonic() - started < 2


def test_headers_sent_in_drips_hit_the_total_deadline(site):
    def drip(handler):
        handler.wfile.write(b"HTTP/1.0 200 OK\r\n")
        for _ in range(1000):
            handler.wfile.write(b"X-Slow: a\r\n")
            handler.wfile.flush()
            if site.closing.wait(0.05):
                return

    site.routes["/drip"] = drip
    started = time.monotonic()

    with pytest.raises(FetchError) as caught:
        fetch(f"{site.base}/drip", allow_private=True, timeout=0.8)

    assert caught.value.reason == "timed out after 0.8 seconds (waiting for the answer)"
    assert time.monotonic() - started < 2


def test_a_slow_name_lookup_hits_the_deadline():
    def slow(host, port, **_):
        time.sleep(1.5)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    started = time.monotonic()

    with pytest.raises(FetchError) as caught:
        fetch("http://slow.example/", resolve=slow, timeout=0.3)

    assert caught.value.reason == "timed out after 0.3 seconds (looking up the host)"
    assert time.monotonic() - started < 1


def test_a_connection_that_is_never_accepted_times_out():
    """A listening socket whose queue is full leaves the next connection waiting for its handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    queued = []
    try:
        for _ in range(8):  # fill the accept queue (its length varies a little by kernel)
            waiting = socket.socket()
            waiting.setblocking(False)
            waiting.connect_ex(("127.0.0.1", port))
            queued.append(waiting)
        time.sleep(0.1)

        with pytest.raises(FetchError) as caught:
            fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=0.5)

        assert caught.value.reason == "timed out after 0.5 seconds (connecting)"
    finally:
        for waiting in queued:
            waiting.close()
        listener.close()


# --- Failures to connect ------------------------------------------------------------------------


def test_a_refused_connection_is_said_plainly():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed at once: nothing listens there

    with pytest.raises(FetchError) as caught:
        fetch(f"http://127.0.0.1:{port}/", allow_private=True)

    assert str(caught.value) == f"http://127.0.0.1:{port}/: refused the connection"


def test_a_host_that_does_not_exist_is_said_plainly():
    with pytest.raises(FetchError) as caught:
        fetch("https://nowhere.example/news", resolve=answers({}))

    assert str(caught.value) == (
        "https://nowhere.example/news: could not be found (looking up nowhere.example: Name or service not known)"
    )


def test_tls_to_a_server_that_does_not_speak_it_is_refused(site):
    with pytest.raises(FetchError) as caught:
        fetch(f"https://127.0.0.1:{site.port}/", allow_private=True, timeout=3)

    assert caught.value.reason.startswith("failed the TLS handshake (")


@pytest.mark.parametrize("options", [{"timeout": 0}, {"max_bytes": 0}, {"max_redirects": -1}])
def test_nonsense_limits_are_a_programming_error(options):
    with pytest.raises(ValueError):
        fetch("http://example.com/", **options)


# --- Addresses stored and linked to (evidence, metadata, a page's own canonical address) -------------


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://example.org/a?b=c#d", "https://example.org/a?b=c#d"),  # ASCII: kept as written
        ("https://Example.org", "https://Example.org"),
        ("https://bücher.example/ö?q=ü#ä", "https://xn--bcher-kva.example/%C3%B6?q=%C3%BC#%C3%A4"),
    ],
)
def test_a_web_address_is_kept_or_given_in_its_normal_form(url, stored):
    assert fetching.web_address(url) == stored


@pytest.mark.parametrize(
    "url",
    [
        'https://example.org/"onmouseover="alert(1)',
        'https://example.org/?q="><script>',
        "https://exa\u202emple.org/",
        "https://example.org/#\u202egpj.exe",
        "https://example.org/\x00",
        "javascript:alert(1)",
    ],
)
def test_a_web_address_that_is_not_a_valid_uri_is_refused(url):
    with pytest.raises(FetchError):
        fetching.web_address(url)


def test_a_pages_canonical_address_is_taken_only_when_valid():
    from annotations.ingest.reading import _canonical

    page = "https://example.org/story"
    assert _canonical("https://example.org/story-canonical", page) == "https://example.org/story-canonical"
    assert _canonical('https://example.org/"onmouseover="x', page) == page
    assert _canonical("https://exa\u202emple.org/", "") == ""
