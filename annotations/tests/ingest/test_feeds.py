"""Reading RSS and Atom feeds (``ingest.feeds``): entries, links, dates, and what is refused."""

import pickle
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from annotations.ingest.feeds import FEED_TYPES, Feed, FeedEntry, FeedError, parse_feed

URL = "https://news.example/feeds/world.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>World &amp; Politics</title>
    <link>/world/</link>
    <description>The latest.</description>
    <item>
      <title>Cuba says 32 of its citizens died</title>
      <link>https://news.example/world/cuba-32</link>
      <guid isPermaLink="false">news-example-1001</guid>
      <pubDate>Mon, 05 Jan 2026 09:30:00 -0500</pubDate>
      <description>&lt;p&gt;Officials in &lt;b&gt;Hava&lt;/b&gt;na said&lt;/p&gt;&lt;p&gt;32 died</description>
    </item>
    <item>
      <title>No guid, a relative link</title>
      <link>../world/relative-story?id=7</link>
      <pubDate>Tue, 06 Jan 2026 08:00:00 GMT</pubDate>
    </item>
    <item>
      <title>A guid that is the link</title>
      <guid>https://news.example/world/permalink</guid>
    </item>
    <item>
      <title>Neither a guid nor a link</title>
      <description>Left out.</description>
    </item>
    <item>
      <title>A script link and no guid</title>
      <link>javascript:alert(1)</link>
    </item>
  </channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/posts/">
  <title type="html">Fact &lt;i&gt;checks&lt;/i&gt;</title>
  <link rel="alternate" href="https://blog.example/"/>
  <link rel="self" href="https://blog.example/atom.xml"/>
  <id>tag:blog.example,2026:feed</id>
  <updated>2026-02-01T00:00:00Z</updated>
  <entry>
    <id>tag:blog.example,2026:1</id>
    <title>Only updated, content but no summary</title>
    <link href="first-post"/>
    <updated>2026-01-05T16:30:00+02:00</updated>
    <content type="html">&lt;h1&gt;Heading&lt;/h1&gt;&lt;p&gt;Body &amp;amp; more.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>tag:blog.example,2026:2</id>
    <title type="text">x &lt; y, said the &lt;b&gt; tag</title>
    <link rel="alternate" href="https://blog.example/2"/>
    <published>2026-01-05</published>
    <updated>2026-02-01T00:00:00Z</updated>
    <summary>Plain summary.</summary>
  </entry>
</feed>"""


def rss_with(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f'{head}<rss version="2.0"><channel><title>T</title><link>https://news.example/</link>{items}</channel></rss>'.encode()


# --- Reading ------------------------------------------------------------------------------------


def test_an_rss_feed():
    feed = parse_feed(RSS, url=URL)

    assert (feed.title, feed.link) == ("World & Politics", "https://news.example/world/")
    assert feed.entries == (
        FeedEntry(
            guid="news-example-1001",
            link="https://news.example/world/cuba-32",
            title="Cuba says 32 of its citizens died",
            published=datetime(2026, 1, 5, 14, 30, tzinfo=UTC),
            summary="Officials in Havana said 32 died",  # an inline tag joins, a paragraph parts
        ),
        FeedEntry(
            guid="https://news.example/world/relative-story?id=7",
            link="https://news.example/world/relative-story?id=7",
            title="No guid, a relative link",
            published=datetime(2026, 1, 6, 8, 0, tzinfo=UTC),
            summary="",
        ),
        FeedEntry(
            guid="https://news.example/world/permalink",
            link="https://news.example/world/permalink",
            title="A guid that is the link",
            published=None,
            summary="",
        ),
    )


def test_an_atom_feed():
    feed = parse_feed(ATOM, url="https://blog.example/atom.xml")

    assert feed == Feed(
        title="Fact checks",
        link="https://blog.example/",
        entries=(
            FeedEntry(
                guid="tag:blog.example,2026:1",
                link="https://blog.example/posts/first-post",  # against the feed's xml:base
                title="Only updated, content but no summary",
                published=datetime(2026, 1, 5, 14, 30, tzinfo=UTC),  # its updated date, in UTC
                summary="Heading Body & more.",
            ),
            FeedEntry(
                guid="tag:blog.example,2026:2",
                link="https://blog.example/2",
                title="x < y, said the <b> tag",  # text, not HTML: nothing is dropped
                published=datetime(2026, 1, 5, tzinfo=UTC),
                summary="Plain summary.",
            ),
        ),
    )


def test_an_rss_1_feed():
    rdf = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
             xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://news.example/"><title>RDF news</title><link>https://news.example/</link></channel>
      <item rdf:about="https://news.example/a"><title>A</title><link>https://news.example/a</link>
        <dc:date>2026-01-05T10:00:00+01:00</dc:date></item>
    </rdf:RDF>"""

    feed = parse_feed(rdf, url="https://news.example/index.rdf")

    assert feed.title == "RDF news"
    assert [(e.guid, e.published) for e in feed.entries] == [
        ("https://news.example/a", datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    "link, resolved",
    [
        ("/world/a", "https://news.example/world/a"),
        ("b", "https://news.example/feeds/b"),
        ("../c?x=1", "https://news.example/c?x=1"),
        ("//cdn.example/d", "https://cdn.example/d"),
        ("http://other.example/e", "http://other.example/e"),
        ("  https://news.example/padded  ", "https://news.example/padded"),
    ],
)
def test_relative_links_are_resolved_against_the_feeds_address(link, resolved):
    feed = parse_feed(rss_with(f"<item><title>x</title><link>{link}</link></item>"), url=URL)

    assert [(entry.guid, entry.link) for entry in feed.entries] == [(resolved, resolved)]


@pytest.mark.parametrize(
    "date, published",
    [
        ("Mon, 05 Jan 2026 14:30:00 GMT", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("Mon, 05 Jan 2026 14:30:00 +0000", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("Mon, 05 Jan 2026 09:30:00 -0500", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("Mon, 5 Jan 2026 09:30 EST", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("05 Jan 2026 20:00:00 +0530", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("2026-01-05T14:30:00Z", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("2026-01-05T16:30:00+02:00", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("2026-01-05T14:30:00.123Z", datetime(2026, 1, 5, 14, 30, tzinfo=UTC)),
        ("2026-01-05", datetime(2026, 1, 5, tzinfo=UTC)),
        ("yesterday afternoon", None),
        ("", None),
    ],
)
def test_dates_in_several_formats_become_aware_utc(date, published):
    item = f"<item><title>x</title><link>https://news.example/x</link><pubDate>{date}</pubDate></item>"

    [entry] = parse_feed(rss_with(item), url=URL).entries

    assert entry.published == published


def test_a_feed_in_another_encoding_is_read_by_its_declaration():
    text = rss_with(
        "<item><title>“Café” owners</title><link>https://news.example/cafe</link></item>",
        head='<?xml version="1.0" encoding="windows-1252"?>',
    ).decode()
    data = text.encode("cp1252")

    assert [entry.title for entry in parse_feed(data, url=URL).entries] == ["“Café” owners"]


def test_a_feed_with_minor_errors_is_read_if_its_entries_can_be():
    data = rss_with("<item><title>Fine</title><link>https://news.example/1</link></item>")[:-10]  # cut short

    assert [entry.title for entry in parse_feed(data, url=URL).entries] == ["Fine"]


def test_a_feed_with_no_entries_is_empty_not_an_error():
    assert parse_feed(rss_with(""), url=URL) == Feed(title="T", link="https://news.example/", entries=())


def test_feed_types_are_what_feeds_are_served_as():
    assert "application/rss+xml" in FEED_TYPES and "application/atom+xml" in FEED_TYPES
    assert "text/html" not in FEED_TYPES


# --- Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, reason",
    [
        pytest.param(b"", "is empty", id="empty"),
        pytest.param(b"  \n ", "is empty", id="blank"),
        pytest.param(b"not xml at all", "is not an RSS or Atom feed (not well-formed XML: syntax error)",
                     id="text"),
        pytest.param(b'{"items": []}', "is not an RSS or Atom feed (not well-formed XML: not well-formed (invalid "
                     "token))", id="json"),
        pytest.param(b"<!DOCTYPE html>\n<html><head><title>News</title></head><body><p>Hi</p></body></html>",
                     "is an HTML page, not a feed", id="html"),
        pytest.param(b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
                     "is an HTML page, not a feed", id="xhtml"),
        pytest.param(b"<?xml version='1.0'?><note><to>Tove</to></note>", "is not an RSS or Atom feed", id="other xml"),
        pytest.param(b"<rss version='2.0'><channel><title>x</title></chann",
                     "is not a well-formed feed (not well-formed XML: unclosed token) and has no entries",
                     id="broken, no entries"),
    ],
)  # fmt: skip
def test_a_malformed_feed_is_refused_saying_what_was_wrong(data, reason):
    with pytest.raises(FeedError) as caught:
        parse_feed(data, url=URL)

    assert str(caught.value) == f"{URL}: {reason}"


def test_a_string_is_refused_so_that_feedparser_never_fetches_or_opens_it(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)

    for value in (str(secret), "https://news.example/feed.xml"):
        with pytest.raises(TypeError):
            parse_feed(value, url=URL)  # type: ignore[arg-type]


def test_bytes_that_name_a_file_are_read_as_the_feed_not_as_a_file_name(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)

    with pytest.raises(FeedError, match="is not an RSS or Atom feed"):
        parse_feed(str(secret).encode(), url=URL)


def test_external_entities_are_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY % p SYSTEM '
        f'"file://{secret}"> %p;]><rss version="2.0"><channel><title>T &xxe;</title><item><title>A &xxe;</title>'
        "<link>https://news.example/a</link><description>&xxe;</description></item></channel></rss>"
    ).encode()

    feed = parse_feed(data, url=URL)

    assert "SECRET" not in repr(feed)
    assert [entry.link for entry in feed.entries] == ["https://news.example/a"]


def test_nothing_is_fetched_for_a_feed():
    """An external DTD, entity or stylesheet on a local server: it must see no request."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml-dtd")
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "FETCHED">')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        data = (
            f'<?xml version="1.0"?><?xml-stylesheet href="{base}/style.xsl"?>'
            f'<!DOCTYPE rss SYSTEM "{base}/rss.dtd" [<!ENTITY % ext SYSTEM "{base}/ext.dtd"> %ext;'
            f'<!ENTITY remote SYSTEM "{base}/entity">]>'
            '<rss version="2.0"><channel><title>T &remote;</title><item><title>A</title>'
            "<link>https://news.example/a</link></item></channel></rss>"
        ).encode()

        feed = parse_feed(data, url=URL)
    finally:
        server.shutdown()
        server.server_close()

    assert "FETCHED" not in repr(feed)
    assert requests == []


def test_entity_expansion_is_bounded():
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {name} "{("&" + previous + ";") * 10}">'
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>&i;</title>'
        "<item><title>A</title><link>https://news.example/a</link></item></channel></rss>"
    ).encode()
    started = time.monotonic()

    feed = parse_feed(data, url=URL)

    assert time.monotonic() - started < 10
    assert len(feed.title) < 1000
    assert [entry.title for entry in feed.entries] == ["A"]


def test_feed_error_reads_as_address_and_reason_and_pickles():
    error = FeedError(URL, "is an HTML page, not a feed")

    assert str(error) == f"{URL}: is an HTML page, not a feed"
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
