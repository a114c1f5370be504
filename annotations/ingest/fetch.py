"""Fetch one web address for intake, refusing what the server must not be made to fetch.

A newsroom user gives an address and the server fetches it: without care, anyone could make the
server request its own admin pages, the cloud's metadata service (169.254.169.254) or other machines
of the private network (server-side request forgery). ``fetch`` therefore:

- checks the address strictly (``normalise_url``): http or https, RFC 3986 characters only (apart
  from non-ASCII letters, which are percent-encoded as UTF-8), no control or invisible formatting
  characters (bidirectional overrides, zero-width spaces), no user name or password, a host that is
  a valid IDNA name or an IP address; a host written as one number (``2130706433``, ``0x7f000001``,
  ``017700000001``, ``127.1``) is read as the IPv4 address it means, as browsers and resolvers do;
- looks the host up once per hop and refuses it if any of its addresses is not public
  (``address_refusal``: loopback, private, shared, link-local, multicast, reserved, unspecified; an
  IPv4 address inside an IPv6 one is judged as the IPv4 address), unless ``allow_private``;
- connects to the very address it checked, never looking the name up again, so that DNS rebinding
  (a public answer for the check, a private one for the connection) cannot get round it; the name
  still goes in the Host header and is what TLS checks the certificate against;
- follows redirects itself, checking each hop the same way, at most ``max_redirects``, refusing a
  loop;
- gives up at one deadline, ``timeout`` seconds for the whole fetch and its redirects: looking up,
  connecting, waiting for the answer and reading a body sent in drips; a watchdog shuts the socket
  down when the time is up, whatever the fetch is waiting for;
- refuses a body larger than ``max_bytes`` (from its Content-Length when given; otherwise it stops
  reading past the limit), a content type not in ``accept``, and an HTTP error status.

Every refusal is a ``FetchError`` saying what was wrong with which address.

The client is urllib3's connection class, one connection per hop, opened to the checked IP address
with the host's name for TLS (``server_hostname``). urllib3 is maintained, synchronous, already
installed for trafilatura, and ignores proxy settings in the environment (a proxy would resolve the
name itself). Not chosen: ``advocate`` (an SSRF guard for requests; last release 2020, needs urllib3
below 2), ``safehttpx`` (asynchronous only, on httpx; leaves redirects to the caller and asks
Google's DNS over HTTPS when the local answer is not public), ``requests`` (resolves names itself and
reads proxy settings from the environment). Addresses are split by the standard library's
``urlsplit`` only after every character has been checked, and hosts converted by ``idna`` (UTS 46, as
browsers do): ``rfc3986`` (last release 2022) and urllib3's ``parse_url`` repair a malformed address by
percent-encoding it, where an address typed by a user must be refused.
"""

from __future__ import annotations

import contextlib
import http
import http.client
import ipaddress
import re
import socket
import ssl
import string
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import idna
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.ssl_match_hostname import CertificateError

USER_AGENT = "factcheck-intake/1.0"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_URL_LENGTH = 2000  # the longest address the database stores
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_SHOWN_LENGTH = 200  # of an address in an error message

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Like ``socket.getaddrinfo``: called as ``resolve(host, port, type=socket.SOCK_STREAM)``.
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


class FetchError(Exception):
    """An address that cannot be fetched; ``str(error)`` is ``"ADDRESS: reason"`` on one line."""

    def __init__(self, url: str, reason: str):
        self.url = str(url)
        self.reason = reason
        super().__init__(f"{_shown(self.url)}: {reason}")

    def __reduce__(self):
        return (type(self), (self.url, self.reason))


def _shown(url: str) -> str:
    """Return ``url`` for a one-line message: control, format and space characters escaped, length cut."""
    shown = "".join(
        char if char == " " or unicodedata.category(char)[0] not in "CZ" else char.encode("unicode_escape").decode()
        for char in url[:_SHOWN_LENGTH]
    )
    return shown + "..." if len(url) > _SHOWN_LENGTH else shown


@dataclass(frozen=True)
class Fetched:
    """A fetched page: ``url`` is where it was found, after the ``redirects`` from ``requested``."""

    url: str
    requested: str
    status: int
    content_type: str  # the media type, lower-cased, without parameters: "text/html"
    charset: str | None  # the Content-Type header's charset, lower-cased, if it gave one
    body: bytes
    redirects: tuple[str, ...] = ()  # each address that answered with a redirect, in order


def fetch(
    url: str,
    *,
    timeout: float = 10,
    max_bytes: int = 5_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
    accept: tuple[str, ...] = PAGE_TYPES,
    resolve: Resolver = socket.getaddrinfo,
) -> Fetched:
    """Fetch ``url`` with GET, following redirects; refuse anything unsafe or unwanted with ``FetchError``.

    ``timeout`` is the deadline in seconds for the whole fetch. ``allow_private`` lets it reach
    private and loopback addresses (tests, a newsroom's own intranet). ``resolve`` looks host names up.
    """
    if timeout <= 0 or max_bytes <= 0 or max_redirects < 0:
        raise ValueError("timeout and max_bytes must be positive, max_redirects not negative")
    accept = tuple(media.lower() for media in accept)
    deadline = _Deadline(timeout)
    target = _parse(url)
    redirects: list[str] = []
    while True:
        try:
            answer = _get(target, deadline, accept, max_bytes, allow_private, resolve)
        except _Refused as refusal:
            reason = refusal.reason if not redirects else f"redirected to {target.url}, which {refusal.reason}"
            raise FetchError(url, reason) from None
        if answer.location is None:
            return Fetched(
                url=target.url,
                requested=url,
                status=answer.status,
                content_type=answer.content_type,
                charset=answer.charset,
                body=answer.body,
                redirects=tuple(redirects),
            )
        redirects.append(target.url)
        try:
            target = _parse(urljoin(target.url, answer.location))
        except FetchError as error:
            raise FetchError(url, f"redirected to '{_shown(answer.location)}', which {error.reason}") from None
        if target.url in redirects:
            raise FetchError(url, f"redirects in a loop (back to {target.url})")
        if len(redirects) > max_redirects:
            raise FetchError(url, f"redirected more than {max_redirects} times")


def normalise_url(url: str) -> str:
    """Return ``url`` in the form ``fetch`` requests it; refuse an invalid or non-http(s) one with ``FetchError``.

    The host is lower-cased ASCII (IDNA), a number host becomes its IPv4 address, non-ASCII characters of
    the path and query are percent-encoded as UTF-8, a default port and the fragment are dropped.
    """
    return _parse(url).url


def web_address(url: str) -> str:
    """Return ``url`` checked as ``normalise_url`` checks it, as an address to store and link to.

    RFC 3986 characters only (no quote, angle bracket, space, control or bidirectional formatting
    character), http or https, a valid (IDNA) host. An address of ASCII characters is kept as it was
    written, fragment included; one with other characters is given in its normal form (IDNA host,
    percent-encoded path and query) with its fragment percent-encoded too. Raises ``FetchError``.
    """
    target = _parse(url)
    if url.isascii():
        return url
    fragment = urlsplit(url).fragment
    return target.url + ("#" + quote(fragment, safe=_KEEP_IN_PATH) if fragment else "")


# --- Addresses ----------------------------------------------------------------------------------

# The ASCII characters RFC 3986 lets an address hold: unreserved, reserved, and "%" for escapes.
_URI_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_KEEP_IN_PATH = "".join(sorted(_URI_CHARACTERS))  # what ``quote`` leaves: all but non-ASCII is checked
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_PORT = re.compile(r"[0-9]{1,5}")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"0x[0-9a-f]*|[0-9]+")  # a label that makes a host an IPv4 address (WHATWG URL)
_BIDI_FORMATTING = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class _Target:
    https: bool
    host: str  # ASCII: an IDNA name, or the IP address's text
    ip: IPAddress | None  # when the host is an IP address
    port: int
    path: str  # the path and query, as the request line asks for them

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if isinstance(self.ip, ipaddress.IPv6Address) else self.host
        return host if self.port == (443 if self.https else 80) else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The address in its normal form, without the fragment."""
        return f"{'https' if self.https else 'http'}://{self.host_header}{self.path}"


def _parse(url: str) -> _Target:
    """Check ``url`` strictly and split it; raise ``FetchError`` saying what is wrong."""
    if not isinstance(url, str):
        raise TypeError(f"a web address is a str, not {type(url).__name__}")
    if not url:
        raise FetchError(url, "is empty")
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(url, f"is too long ({len(url)} characters; at most {MAX_URL_LENGTH})")
    for char in url:
        if char not in _URI_CHARACTERS and (reason := _character_refusal(char)):
            raise FetchError(url, reason)
    if _STRAY_PERCENT.search(url):
        raise FetchError(url, "has a % that is not followed by two hex digits")
    scheme_match = _SCHEME.match(url)
    if not scheme_match:
        raise FetchError(url, "is not a full web address (it does not start with http:// or https://)")
    scheme = scheme_match[1].lower()
    if scheme not in ("http", "https"):
        raise FetchError(url, f"uses {scheme}:, not http or https")
    if not url[scheme_match.end() :].startswith("//"):
        raise FetchError(url, f"has no host ({scheme}: must be followed by //)")
    try:
        parts = urlsplit(url)
    except ValueError:  # unbalanced brackets
        raise FetchError(url, "has an invalid host") from None
    if "@" in parts.netloc:
        raise FetchError(url, "has a user name or password in it")
    if "[" in parts.path + parts.query + parts.fragment or "]" in parts.path + parts.query + parts.fragment:
        raise FetchError(url, "has [ or ] outside its host")
    host, ip, port_text = _split_host(url, parts.netloc)
    https = scheme == "https"
    port = 443 if https else 80
    if port_text:
        if not _PORT.fullmatch(port_text) or not 0 < int(port_text) < 65536:
            raise FetchError(url, f"has an invalid port ({port_text})")
        port = int(port_text)
    path = quote(parts.path or "/", safe=_KEEP_IN_PATH)
    if parts.query:
        path += "?" + quote(parts.query, safe=_KEEP_IN_PATH)
    return _Target(https=https, host=host, ip=ip, port=port, path=path)


def _character_refusal(char: str) -> str | None:
    """Return why ``char`` (not an RFC 3986 ASCII character) cannot be in an address, or None if it can."""
    category = unicodedata.category(char)
    code = f"U+{ord(char):04X}"
    if category == "Cc":
        return f"contains a control character ({code})"
    if char in _BIDI_FORMATTING:
        return f"contains a bidirectional formatting character ({code})"
    if category == "Cf":
        return f"contains an invisible formatting character ({code})"
    if category.startswith("Z"):
        return f"contains a space ({code})"
    if category in ("Cs", "Co", "Cn"):
        return f"contains a character that is not allowed ({code})"
    if char.isascii():
        return f"contains {char!r}, which a web address cannot hold"
    return None  # another non-ASCII character: percent-encoded, or IDNA in the host


def _split_host(url: str, netloc: str) -> tuple[str, IPAddress | None, str]:
    """Return the host (ASCII), its IP address if it is one, and the port as written."""
    if netloc.startswith("["):
        end = netloc.find("]")
        literal, rest = netloc[1:end], netloc[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            raise FetchError(url, "has an invalid host")
        if "%" in literal or literal[:1].lower() == "v":
            raise FetchError(url, f"has an IPv6 zone or an unknown address form ([{literal}])")
        try:
            ip6 = ipaddress.IPv6Address(literal)
        except ValueError:
            raise FetchError(url, f"has an invalid IPv6 address ([{literal}])") from None
        return str(ip6), ip6, rest[1:]
    name, _, port_text = netloc.partition(":")
    if not name:
        raise FetchError(url, "has no host")
    if "%" in name or "]" in name or ":" in port_text:
        raise FetchError(url, f"has an invalid host ({netloc})")
    try:
        host = idna.encode(name, uts46=True).decode("ascii").rstrip(".")
    except (idna.IDNAError, UnicodeError) as error:
        raise FetchError(url, f"has an invalid host name ({name}: {error})") from None
    if not _NUMBER.fullmatch(host.rsplit(".", 1)[-1]):
        return host, None, port_text
    # A host ending in a number is an IPv4 address, in any form the C library reads.
    try:
        ip4 = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        raise FetchError(url, f"has an invalid IPv4 address ({name})") from None
    return str(ip4), ip4, port_text


# IANA's special-purpose IPv4 ranges; anything else is public.
_IPV4_SPECIAL = [
    (ipaddress.IPv4Network(network), kind)
    for network, kind in [
        ("0.0.0.0/8", "an unspecified address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a private address"),  # shared address space (carrier-grade NAT)
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),  # cloud metadata services live here
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "a reserved address"),
        ("192.0.2.0/24", "a reserved address"),  # documentation
        ("192.88.99.0/24", "a reserved address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a reserved address"),  # benchmarking
        ("198.51.100.0/24", "a reserved address"),
        ("203.0.113.0/24", "a reserved address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),  # and the broadcast address
    ]
]
_IPV6_SPECIAL = [
    (ipaddress.IPv6Network(network), kind)
    for network, kind in [
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        ("fe80::/10", "a link-local address"),
        ("fc00::/7", "a private address"),  # unique local
        ("fec0::/10", "a private address"),  # site-local (deprecated)
        ("ff00::/8", "a multicast address"),
        ("2001::/23", "a reserved address"),  # IETF protocol assignments, Teredo among them
        ("2001:db8::/32", "a reserved address"),  # documentation
        ("3fff::/20", "a reserved address"),  # documentation
    ]
]
_IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def address_refusal(ip: IPAddress) -> str | None:
    """Return what ``ip`` is if it is not a public address ("a loopback address", ...), else None.

    The ranges are written out rather than read from ``ipaddress``'s flags, whose answers changed
    between Python patch releases.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded)
        for network6, kind in _IPV6_SPECIAL:
            if ip in network6:
                return kind
        return None if ip in _IPV6_GLOBAL_UNICAST else "a reserved address"
    for network4, kind in _IPV4_SPECIAL:
        if ip in network4:
            return kind
    return None


# --- One hop ------------------------------------------------------------------------------------


class _Refused(Exception):
    """Why one hop failed, as a phrase that follows the address: "answered 404 Not Found"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self, doing: str) -> float:
        """Return the seconds left, or refuse if none are."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.passed(doing)
        return left

    def passed(self, doing: str) -> _Refused:
        return _Refused(f"timed out after {self.seconds:g} seconds ({doing})")


class _Watchdog:
    """Shut the connection's socket down at the deadline, whatever it is waiting for.

    A socket's own timeout bounds each wait, not their sum: a server that sends a byte every few
    seconds would keep it reading for ever.
    """

    def __init__(self, seconds: float):
        self.connection: HTTPConnection | None = None  # while connecting
        self.sock: socket.socket | None = None  # once connected: the connection drops it after the headers
        self.fired = threading.Event()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired.set()
        sock = self.sock or (self.connection.sock if self.connection is not None else None)
        if sock is not None:
            with contextlib.suppress(OSError):  # closed meanwhile
                # The plain socket's shutdown, under TLS too: it only stops the traffic.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None = None  # where a redirect points, as sent
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""


def _get(
    target: _Target,
    deadline: _Deadline,
    accept: tuple[str, ...],
    max_bytes: int,
    allow_private: bool,
    resolve: Resolver,
) -> _Answer:
    addresses = _addresses(target, deadline, allow_private, resolve)
    watchdog = _Watchdog(deadline.left("connecting"))
    try:
        connection = _connect(target, addresses, deadline, watchdog)
        try:
            return _exchange(connection, target, deadline, accept, max_bytes, watchdog)
        finally:
            connection.close()
    finally:
        watchdog.cancel()


def _addresses(target: _Target, deadline: _Deadline, allow_private: bool, resolve: Resolver) -> list[IPAddress]:
    """Return the addresses to connect to, each checked; refuse if any is not public."""
    if target.ip is not None:
        addresses: list[IPAddress] = [target.ip]
    else:
        addresses = list(dict.fromkeys(_look_up(target, deadline, resolve)))
        if not addresses:
            raise _Refused(f"could not be found (looking up {target.host} gave no address)")
    if not allow_private:
        for ip in addresses:
            if kind := address_refusal(ip):
                where = f"is {kind} ({ip})" if target.ip is not None else f"resolves to {ip}, {kind}"
                raise _Refused(f"{where}; only public addresses are fetched")
    return addresses


def _look_up(target: _Target, deadline: _Deadline, resolve: Resolver) -> list[IPAddress]:
    """Resolve the host in a thread, so that a slow resolver cannot outlast the deadline."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(resolve(target.host, target.port, type=socket.SOCK_STREAM))
        except Exception as error:
            outcome.append(error)

    looking_up = threading.Thread(target=run, name="fetch-resolve", daemon=True)
    looking_up.start()
    looking_up.join(deadline.left("looking up the host"))
    if not outcome:
        raise deadline.passed("looking up the host")
    if isinstance(outcome[0], socket.gaierror):
        raise _Refused(f"could not be found (looking up {target.host}: {outcome[0].strerror})")
    if isinstance(outcome[0], Exception):
        raise _Refused(f"could not be found (looking up {target.host}: {outcome[0]})")
    addresses: list[IPAddress] = []
    for info in outcome[0]:
        address = str(info[4][0]).split("%", 1)[0]  # an IPv6 answer may carry a zone
        addresses.append(ipaddress.ip_address(address))
    return addresses


def _connect(target: _Target, addresses: list[IPAddress], deadline: _Deadline, watchdog: _Watchdog) -> HTTPConnection:
    """Open a connection to the first of ``addresses`` that answers."""
    failure = ""
    for ip in addresses:
        timeout = deadline.left("connecting")
        connection: HTTPConnection
        if target.https:
            connection = HTTPSConnection(str(ip), target.port, timeout=timeout, server_hostname=target.host)
        else:
            connection = HTTPConnection(str(ip), target.port, timeout=timeout)
        watchdog.connection = connection
        try:
            connection.connect()
            watchdog.sock = connection.sock
            return connection
        except NewConnectionError as error:
            cause = error.__cause__
            if isinstance(cause, ConnectionRefusedError):
                failure = "refused the connection"
            else:
                failure = f"could not be reached ({getattr(cause, 'strerror', None) or cause or error})"
        except (ConnectTimeoutError, TimeoutError):
            failure = deadline.passed("connecting").reason
        except (ssl.SSLCertVerificationError, CertificateError) as error:
            detail = getattr(error, "verify_message", None) or str(error)
            raise _Refused(f"has a TLS certificate that could not be verified ({detail})") from None
        except ssl.SSLError as error:
            if watchdog.fired.is_set():
                raise deadline.passed("connecting") from None
            raise _Refused(f"failed the TLS handshake ({error.reason or error})") from None
        except OSError as error:
            failure = f"could not be reached ({error.strerror or error})"
        connection.close()
        if watchdog.fired.is_set():
            raise deadline.passed("connecting")
    raise _Refused(failure)


def _exchange(
    connection: HTTPConnection,
    target: _Target,
    deadline: _Deadline,
    accept: tuple[str, ...],
    max_bytes: int,
    watchdog: _Watchdog,
) -> _Answer:
    """Send the request and read the answer: a redirect, or an accepted page within the size limit."""
    headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(accept),
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    doing = "waiting for the answer"
    try:
        connection.request("GET", target.path, headers=headers, preload_content=False)
        response = connection.getresponse()
        if watchdog.fired.is_set():  # the watchdog's shutdown reads as the end of the headers
            raise deadline.passed(doing)
        if response.status in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            if not location:
                raise _Refused(f"redirected ({response.status}) without saying where to")
            return _Answer(status=response.status, location=_header_text(location))
        if not 200 <= response.status < 300:
            raise _Refused(f"answered {response.status} {_phrase(response.status, response.reason)}")
        content_type, charset = _content_type(response.headers.get("Content-Type"))
        if content_type not in accept:
            wanted = "a web page" if accept == PAGE_TYPES else " or ".join(accept)
            raise _Refused(f"is {content_type or 'of no stated type'}, not {wanted}")
        length = response.headers.get("Content-Length", "")
        if _DIGITS.fullmatch(length) and int(length) > max_bytes:
            raise _Refused(f"is too large ({int(length):,} bytes; at most {max_bytes:,})")
        doing = "reading the page"
        body = bytearray()
        while chunk := response.read(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise _Refused(f"is too large (more than {max_bytes:,} bytes)")
        if watchdog.fired.is_set():  # the watchdog's shutdown reads as the end of the body
            raise deadline.passed(doing)
        return _Answer(status=response.status, content_type=content_type, charset=charset, body=bytes(body))
    except _Refused:
        raise
    except DecodeError as error:
        raise _Refused(f"sent a compressed body that could not be decoded ({error})") from None
    except (ReadTimeoutError, TimeoutError):
        raise deadline.passed(doing) from None
    except (HTTPError, http.client.HTTPException, OSError) as error:
        if watchdog.fired.is_set():
            raise deadline.passed(doing) from None
        raise _Refused(f"broke off its answer ({type(error).__name__}: {error})") from None


def _header_text(value: str) -> str:
    """Return a header's text: http.client reads it as Latin-1, servers often send UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _phrase(status: int, reason: str | None) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return reason or "(an unknown status)"


def _content_type(value: str | None) -> tuple[str, str | None]:
    """Return the media type without its parameters, and the charset parameter, both lower-cased."""
    if not value:
        return "", None
    header = Message()
    header["Content-Type"] = value
    return value.split(";", 1)[0].strip().lower(), header.get_content_charset()
