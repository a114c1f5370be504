"""Feeds: subscribing, the periodic check that loads new entries' pages, and the scheduler that queues it.

The feeds and their articles are served by a local server (``tests/local_site.py``).
"""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from annotations import workflow
from annotations.management.commands import schedule_feeds
from annotations.models import (
    DocumentEvent,
    Feed,
    FeedItem,
    Import,
    ImportItemStatus,
    ImportStatus,
    Origin,
    ReviewEvent,
    SourceDocument,
)
from annotations.tests.local_site import article_html, closed_port_address, serving
from annotations.workflow import feeds
from annotations.workflow.errors import Forbidden, InvalidInput, InvalidTransition, NotFound

pytestmark = pytest.mark.django_db

CHECK_JOB = "annotations.workflow.feeds.feed_check_job"
ARTICLES = {
    "/news/bridge": (
        "Bridge to close for repairs",
        ["The city council said the Old Mill bridge will close for six weeks from June 2 for repairs."],
    ),
    "/news/ferry": (
        "Ferry crossings cut",
        ["The ferry company said it would cut winter crossings to the island from six a day to four."],
    ),
    "/news/school": (
        "School to reopen",
        ["The primary school on Hill Street will reopen on Monday after a burst pipe flooded two classrooms."],
    ),
}
MONDAY, TUESDAY = "Mon, 11 May 2026 09:00:00 GMT", "Tue, 12 May 2026 16:30:00 GMT"


@pytest.fixture
def site():
    with serving() as site:
        yield site


@pytest.fixture(autouse=True)
def allow_private(settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    settings.FACTCHECK_FETCH_TIMEOUT = 5
    settings.FACTCHECK_FEED_MINUTES = 30


def entry(site, path, *, published=MONDAY, guid=None):
    return {"guid": guid or f"courier-{path.rsplit('/', 1)[-1]}", "link": site.url(path), "title": ARTICLES[path][0],
            "published": published}  # fmt: skip


def serve(site, paths, **dates):
    """Serve the articles at ``paths`` and a feed listing them; return the feed's address."""
    for path in paths:
        title, paragraphs = ARTICLES[path]
        site.article(path, title, paragraphs)
    return site.feed("/feed.xml", [entry(site, path, published=dates.get(path, MONDAY)) for path in paths])


@pytest.fixture
def subscribed(site, editor, run_jobs):
    """A feed of two articles, subscribed and checked once (its first check, as queued)."""
    address = serve(site, ["/news/bridge", "/news/ferry"])
    feed = workflow.feed_add(actor=editor, url=address)
    run_jobs()
    feed.refresh_from_db()
    return feed


def check_jobs():
    return list(DBTaskResult.objects.filter(task_path=CHECK_JOB).values_list("args_kwargs", flat=True))


def feed_state(feed):
    return Feed.objects.values().get(pk=feed.pk)


# --- Subscribing ----------------------------------------------------------------------------------


def test_subscribing_stores_the_feed_and_queues_its_first_check(editor):
    start = timezone.now()

    feed = workflow.feed_add(actor=editor, url="  https://Courier.example/feed.xml#top ")

    feed.refresh_from_db()
    assert (feed.url, feed.added_by, feed.active, feed.title) == ("https://courier.example/feed.xml", editor, True, "")
    assert (feed.last_checked_at, feed.items_loaded, feed.last_error) == (None, 0, "")
    minutes = datetime.timedelta(minutes=30)
    assert start + minutes <= feed.next_check_at <= timezone.now() + minutes
    assert check_jobs() == [{"args": [feed.pk], "kwargs": {}}]


def test_a_reviewer_may_subscribe(reviewer):
    assert workflow.feed_add(actor=reviewer, url="https://courier.example/feed.xml").added_by == reviewer


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_only_editors_and_reviewers_may_subscribe(cast, who):
    with pytest.raises(Forbidden) as refused:
        workflow.feed_add(actor=getattr(cast, who), url="https://courier.example/feed.xml")
    assert str(refused.value) == feeds.MSG_NOT_EDITOR
    assert not Feed.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    "url", ["", "courier.example/feed.xml", "file:///etc/passwd", "https://user:pw@courier.example/"]
)
def test_an_invalid_address_is_refused(editor, url):
    with pytest.raises(InvalidInput) as refused:
        workflow.feed_add(actor=editor, url=url)
    assert refused.value.field == "url"
    assert str(refused.value)
    assert not Feed.objects.exists() and not DBTaskResult.objects.exists()


def test_a_feed_subscribed_already_is_refused(editor, editor2):
    feed = workflow.feed_add(actor=editor, url="https://courier.example/feed.xml")
    before = feed_state(feed), check_jobs()

    with pytest.raises(InvalidInput) as refused:
        workflow.feed_add(actor=editor2, url="https://courier.example/feed.xml#again")

    assert str(refused.value) == f"This feed is already subscribed (feed {feed.pk})."
    assert refused.value.field == "url"
    assert Feed.objects.count() == 1
    assert (feed_state(feed), check_jobs()) == before


# --- A check ----------------------------------------------------------------------------------------


def test_a_check_loads_the_pages_of_the_feeds_entries(subscribed, site):
    feed = subscribed

    batch = Import.objects.get()
    assert (batch.origin, batch.feed, batch.created_by, batch.status) == (Origin.FEED, feed, None, ImportStatus.DONE)
    items = list(batch.items.order_by("position"))
    assert [(item.name, item.guid, item.status) for item in items] == [
        (site.url("/news/bridge"), "courier-bridge", ImportItemStatus.LOADED),
        (site.url("/news/ferry"), "courier-ferry", ImportItemStatus.LOADED),
    ]
    assert [item.document.origin for item in items] == [Origin.FEED, Origin.FEED]
    assert [item.document.title for item in items] == ["Bridge to close for repairs", "Ferry crossings cut"]
    assert set(ReviewEvent.objects.values_list("actor", flat=True)) == {None}
    assert set(DocumentEvent.objects.values_list("actor", flat=True)) == {None}
    monday = datetime.datetime(2026, 5, 11, 9, tzinfo=datetime.UTC).isoformat()
    assert list(FeedItem.objects.order_by("id").values_list("guid", "link", "updated")) == [
        ("courier-bridge", site.url("/news/bridge"), monday), ("courier-ferry", site.url("/news/ferry"), monday),
    ]  # fmt: skip
    assert (feed.title, feed.items_loaded, feed.last_error) == ("The Courier: news", 2, "")
    assert feed.last_checked_at is not None


def test_a_later_check_takes_in_only_new_entries(subscribed, site):
    serve(site, ["/news/bridge", "/news/ferry", "/news/school"])

    batch = workflow.feed_check(feed_id=subscribed.pk)

    assert [item.name for item in batch.items.all()] == [site.url("/news/school")]
    assert [site.count(path) for path in ARTICLES] == [1, 1, 1]
    subscribed.refresh_from_db()
    assert (subscribed.items_loaded, SourceDocument.objects.count(), FeedItem.objects.count()) == (3, 3, 3)


def test_a_check_with_nothing_new_loads_nothing(subscribed, site):
    checked = subscribed.last_checked_at

    assert workflow.feed_check(feed_id=subscribed.pk) is None

    subscribed.refresh_from_db()
    assert Import.objects.count() == 1
    assert (subscribed.items_loaded, FeedItem.objects.count()) == (2, 2)
    assert subscribed.last_checked_at > checked
    assert site.count("/news/bridge") == 1


def test_an_entry_whose_page_was_loaded_already_is_not_fetched_again(site, editor, run_jobs):
    serve(site, ["/news/bridge", "/news/ferry"])
    workflow.import_addresses(actor=editor, urls=[site.url("/news/bridge")])
    run_jobs()
    feed = Feed.objects.create(url=site.url("/feed.xml"), added_by=editor)

    batch = workflow.feed_check(feed_id=feed.pk)

    assert [item.name for item in batch.items.all()] == [site.url("/news/ferry")]
    assert site.count("/news/bridge") == 1
    assert FeedItem.objects.filter(feed=feed).count() == 2  # taken in, both of them
    feed.refresh_from_db()
    assert feed.items_loaded == 1


def test_an_entry_whose_date_changed_is_loaded_again_as_a_new_version(subscribed, site):
    bridge = SourceDocument.objects.get(title="Bridge to close for repairs")
    site.article(
        "/news/bridge", "Bridge to close for repairs",
        [*ARTICLES["/news/bridge"][1], "The closure was moved to June 9 after complaints from shop owners."],
    )  # fmt: skip
    site.feed("/feed.xml", [entry(site, "/news/bridge", published=TUESDAY), entry(site, "/news/ferry")])

    batch = workflow.feed_check(feed_id=subscribed.pk)

    [item] = batch.items.all()
    assert (item.name, item.status, item.document, item.version) == (
        site.url("/news/bridge"), ImportItemStatus.LOADED, bridge, 2,
    )  # fmt: skip
    assert (batch.documents_added, batch.documents_updated) == (0, 1)
    assert FeedItem.objects.get(guid="courier-bridge").updated.startswith("2026-05-12T16:30")
    assert site.count("/news/ferry") == 1
    subscribed.refresh_from_db()
    assert subscribed.items_loaded == 3


def test_an_entry_whose_date_changed_but_not_its_page_adds_no_version(subscribed, site):
    site.feed("/feed.xml", [entry(site, "/news/bridge", published=TUESDAY), entry(site, "/news/ferry")])

    batch = workflow.feed_check(feed_id=subscribed.pk)

    [item] = batch.items.all()
    assert (item.status, item.version) == (ImportItemStatus.UNCHANGED, 1)
    subscribed.refresh_from_db()
    assert subscribed.items_loaded == 2
    assert SourceDocument.objects.get(title="Bridge to close for repairs").version == 1


def test_an_entry_listed_twice_in_a_feed_is_taken_in_once(site, editor):
    serve(site, ["/news/bridge", "/news/ferry"])
    twice = [
        entry(site, "/news/bridge", guid="courier-1"),
        entry(site, "/news/ferry", guid="courier-1", published=TUESDAY),
    ]
    site.feed("/feed.xml", twice)  # a feed that repeats an id (its entry updated, the old copy still listed)
    feed = Feed.objects.create(url=site.url("/feed.xml"), added_by=editor)

    batch = workflow.feed_check(feed_id=feed.pk)

    assert [item.name for item in batch.items.all()] == [site.url("/news/bridge")]
    assert list(FeedItem.objects.values_list("guid", "link")) == [("courier-1", site.url("/news/bridge"))]
    feed.refresh_from_db()
    assert (feed.items_loaded, feed.last_error) == (1, "")


# --- A check that fails -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feed", "error"),
    [
        (lambda site: site.page("/feed.xml", b"hello, world", "application/xml"), "is not an RSS or Atom feed"),
        (lambda site: site.page("/feed.xml", article_html("Home", ["Welcome."])), "is text/html, not application/rss"),
        (lambda site: site.page("/feed.xml", b"<html><p>hi</p></html>", "text/xml"), "is an HTML page, not a feed"),
        (lambda site: site.url("/feed.xml"), "answered 404 Not Found"),
        (lambda site: closed_port_address("/feed.xml"), "refused the connection"),
    ],
    ids=["malformed", "a web page", "HTML as XML", "not found", "unreachable"],
)
def test_a_feed_that_cannot_be_read_records_why_and_loads_nothing(site, editor, feed, error):
    address = feed(site)
    subscription = Feed.objects.create(url=address, added_by=editor)

    assert workflow.feed_check(feed_id=subscription.pk) is None

    subscription.refresh_from_db()
    assert subscription.last_error.startswith(error)
    assert subscription.last_checked_at is not None
    assert (subscription.items_loaded, Import.objects.count(), FeedItem.objects.count()) == (0, 0, 0)
    assert not SourceDocument.objects.exists()


def test_a_good_check_after_a_failed_one_clears_the_error(site, editor):
    feed = Feed.objects.create(url=site.url("/feed.xml"), added_by=editor)
    workflow.feed_check(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.last_error == "answered 404 Not Found"
    serve(site, ["/news/bridge"])

    workflow.feed_check(feed_id=feed.pk)

    feed.refresh_from_db()
    assert (feed.last_error, feed.items_loaded) == ("", 1)


def test_entries_whose_pages_cannot_be_loaded_record_the_first_failure(site, editor):
    site.feed("/feed.xml", [entry(site, "/news/bridge"), entry(site, "/news/ferry")])  # pages not served
    feed = Feed.objects.create(url=site.url("/feed.xml"), added_by=editor)

    batch = workflow.feed_check(feed_id=feed.pk)

    assert batch.status == ImportStatus.FAILED
    feed.refresh_from_db()
    assert feed.last_error == f"{site.url('/news/bridge')}: answered 404 Not Found"
    assert feed.items_loaded == 0
    assert FeedItem.objects.count() == 2  # taken in: the import can be retried


# --- Pausing --------------------------------------------------------------------------------------


def test_a_paused_feed_is_neither_checked_nor_queued(subscribed, site, editor):
    workflow.feed_set_active(actor=editor, feed_id=subscribed.pk, active=False)
    serve(site, ["/news/bridge", "/news/ferry", "/news/school"])
    Feed.objects.filter(pk=subscribed.pk).update(next_check_at=timezone.now() - datetime.timedelta(minutes=1))
    requests, before = len(site.requests), feed_state(subscribed)

    assert workflow.feed_check(feed_id=subscribed.pk) is None
    assert workflow.feeds_queue_due() == 0
    with pytest.raises(InvalidTransition, match=rf"^Feed {subscribed.pk} is paused: resume it to check it\.$"):
        workflow.feed_check_now(actor=editor, feed_id=subscribed.pk)

    assert len(site.requests) == requests
    assert feed_state(subscribed) == before
    assert len(check_jobs()) == 1  # the first check only


def test_resuming_a_feed_queues_a_check_and_pausing_twice_changes_nothing(editor):
    feed = workflow.feed_add(actor=editor, url="https://courier.example/feed.xml")
    workflow.feed_set_active(actor=editor, feed_id=feed.pk, active=False)
    workflow.feed_set_active(actor=editor, feed_id=feed.pk, active=False)
    assert len(check_jobs()) == 1

    resumed = workflow.feed_set_active(actor=editor, feed_id=feed.pk, active=True)

    assert resumed.active and Feed.objects.get().active
    assert check_jobs() == [{"args": [feed.pk], "kwargs": {}}] * 2


def test_checking_now_queues_a_check(editor, reviewer):
    feed = workflow.feed_add(actor=editor, url="https://courier.example/feed.xml")
    workflow.feed_check_now(actor=reviewer, feed_id=feed.pk)
    assert len(check_jobs()) == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda actor, pk: workflow.feed_set_active(actor=actor, feed_id=pk, active=False),
        lambda actor, pk: workflow.feed_check_now(actor=actor, feed_id=pk),
    ],
    ids=["pause", "check now"],
)
def test_managing_feeds_is_for_editors_and_known_feeds(cast, call):
    feed = workflow.feed_add(actor=cast.editor, url="https://courier.example/feed.xml")
    before = feed_state(feed), check_jobs()
    with pytest.raises(Forbidden, match=feeds.MSG_NOT_EDITOR):
        call(cast.outsider, feed.pk)
    with pytest.raises(NotFound, match=r"^Feed 999999 does not exist\.$"):
        call(cast.editor, 999999)
    assert (feed_state(feed), check_jobs()) == before


# --- The schedule -----------------------------------------------------------------------------------


@pytest.fixture
def feeds_due(editor):
    """Two feeds due, one due later, one paused: return them by name."""
    now = timezone.now()

    def make(name, minutes, active=True):
        return Feed.objects.create(
            url=f"https://courier.example/{name}.xml", added_by=editor, active=active,
            next_check_at=now + datetime.timedelta(minutes=minutes),
        )  # fmt: skip

    return {"due": make("due", -5), "just due": make("just-due", 0), "later": make("later", 5),
            "paused": make("paused", -60, active=False)}  # fmt: skip


def test_due_feeds_are_queued_once_and_their_next_check_moved_on(feeds_due):
    now = timezone.now()
    later = feeds_due["later"].next_check_at

    assert workflow.feeds_queue_due(now=now) == 2
    assert workflow.feeds_queue_due(now=now) == 0  # a second round at once: nothing is due any more

    due = [feeds_due["due"].pk, feeds_due["just due"].pk]
    assert sorted(job["args"][0] for job in check_jobs()) == due
    for name in ("due", "just due"):
        assert Feed.objects.get(pk=feeds_due[name].pk).next_check_at == now + datetime.timedelta(minutes=30)
    assert Feed.objects.get(pk=feeds_due["later"].pk).next_check_at == later


def test_the_schedule_command_queues_due_checks(feeds_due):
    out = StringIO()
    call_command("schedule_feeds", stdout=out)
    call_command("schedule_feeds", stdout=out)
    assert out.getvalue() == "Queued 2 feed checks.\nQueued 0 feed checks.\n"
    assert len(check_jobs()) == 2
    quiet = StringIO()
    Feed.objects.filter(pk=feeds_due["later"].pk).update(next_check_at=timezone.now())
    call_command("schedule_feeds", stdout=quiet, verbosity=0)
    assert quiet.getvalue() == ""
    assert len(check_jobs()) == 3


def test_the_schedule_command_loops_until_stopped(feeds_due, monkeypatch):
    class Stopped(Exception):
        pass

    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise Stopped

    monkeypatch.setattr(schedule_feeds.time, "sleep", sleep)
    out = StringIO()
    with pytest.raises(Stopped):
        call_command("schedule_feeds", "--loop", "--every", "5", stdout=out, verbosity=2)
    assert naps == [5.0, 5.0]
    assert out.getvalue() == "Queued 2 feed checks.\nQueued 0 feed checks.\n"


def test_the_schedule_command_refuses_a_pause_that_is_not_positive():
    with pytest.raises(CommandError, match=r"^--every must be a positive number of seconds\.$"):
        call_command("schedule_feeds", "--every", "0")
    assert not DBTaskResult.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks for two schedulers to contend on",
)
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_each_due_feed_once(feeds_due, monkeypatch):
    """The first scheduler holds the due feeds while the second looks: it must skip them, not queue them again."""
    took, other_done = threading.Event(), threading.Event()
    real_next_check = feeds._next_check

    def next_check(now=None):
        if not took.is_set():  # the first scheduler, its feeds locked: wait for the other to look
            took.set()
            other_done.wait(timeout=10)
        return real_next_check(now)

    monkeypatch.setattr(feeds, "_next_check", next_check)
    queued, errors = {}, []

    def scheduler(name, wait_for=None, then=None):
        try:
            if wait_for is not None:
                assert wait_for.wait(timeout=10)
            queued[name] = workflow.feeds_queue_due()
        except Exception as error:  # reported by the assertions below
            errors.append(repr(error))
        finally:
            if then is not None:
                then.set()
            connection.close()

    threads = [
        threading.Thread(target=scheduler, args=("first",)),
        threading.Thread(target=scheduler, args=("second", took, other_done)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert queued == {"first": 2, "second": 0}
    due = sorted([feeds_due["due"].pk, feeds_due["just due"].pk])
    assert sorted(job["args"][0] for job in check_jobs()) == due
