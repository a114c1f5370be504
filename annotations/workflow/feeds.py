"""Feeds: subscribe to an RSS or Atom feed; a periodic job loads its new items.

``feeds_queue_due`` (run every minute by ``manage.py schedule_feeds``, on any number of machines)
queues a check of each feed that is due, taking each due feed once. The check (``feed_check``, a
job) fetches the feed, keeps the entries not taken in before (by their id, or their address
already loaded) and those whose date changed (a page updated after publication becomes a new
version of its document), and loads their pages as one import. Each feed keeps its last check,
the items it loaded and the last error.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .. import roles
from ..ingest.feeds import FEED_TYPES, FeedError, parse_feed
from ..ingest.fetch import FetchError, fetch
from ..models import DocumentVersion, Feed, FeedItem, Import, ImportItemStatus, Origin, SourceDocument
from .errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from .intake import ItemInput, checked_address, import_create, import_run

MSG_NOT_EDITOR = "Only editors and reviewers can manage feeds."
MSG_FEED_EXISTS = "This feed is already subscribed (feed {id})."
MSG_FEED_NOT_FOUND = "Feed {id} does not exist."
MSG_INACTIVE = "Feed {id} is paused: resume it to check it."


def _require_editor(actor) -> None:
    if not roles.is_editor(actor):
        raise Forbidden(MSG_NOT_EDITOR)


def _lock(feed_id) -> Feed:
    try:
        return Feed.objects.select_for_update().get(pk=feed_id)
    except (Feed.DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_FEED_NOT_FOUND.format(id=feed_id)) from None


@transaction.atomic
def feed_add(*, actor, url: str) -> Feed:
    """Subscribe to the feed at ``url``; its first check is queued at once."""
    _require_editor(actor)
    address = checked_address(url, field="url")
    existing = Feed.objects.filter(url=address).values_list("pk", flat=True).first()
    if existing is not None:
        raise InvalidInput(MSG_FEED_EXISTS.format(id=existing), field="url")
    try:
        with transaction.atomic():
            feed = Feed.objects.create(url=address, added_by=actor, next_check_at=_next_check())
    except IntegrityError:  # subscribed meanwhile, by someone else
        existing = Feed.objects.filter(url=address).values_list("pk", flat=True).first()
        raise InvalidInput(MSG_FEED_EXISTS.format(id=existing), field="url") from None
    feed_check_job.enqueue(feed.pk)
    return feed


@transaction.atomic
def feed_set_active(*, actor, feed_id: int, active: bool) -> Feed:
    """Pause a feed's checks, or resume them (the next one queued at once)."""
    _require_editor(actor)
    feed = _lock(feed_id)
    if feed.active != active:
        feed.active = active
        feed.save(update_fields=["active"])
        if active:
            feed_check_job.enqueue(feed.pk)
    return feed


@transaction.atomic
def feed_check_now(*, actor, feed_id: int) -> Feed:
    """Queue a check of the feed now, whatever its schedule."""
    _require_editor(actor)
    feed = _lock(feed_id)
    if not feed.active:
        raise InvalidTransition(MSG_INACTIVE.format(id=feed.pk))
    feed_check_job.enqueue(feed.pk)
    return feed


def _next_check(now=None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(minutes=settings.FACTCHECK_FEED_MINUTES)


@transaction.atomic
def feeds_queue_due(*, now=None) -> int:
    """Queue a check of every active feed that is due, and move its next check on; return how many.

    A feed another scheduler is queueing at the same moment is skipped (its row is locked), so
    that running the scheduler on several machines queues each check once.
    """
    now = now or timezone.now()
    due = list(
        Feed.objects.select_for_update(skip_locked=True).filter(active=True, next_check_at__lte=now).order_by("pk")
    )
    for feed in due:
        feed.next_check_at = _next_check(now)
        feed.save(update_fields=["next_check_at"])
        feed_check_job.enqueue(feed.pk)
    return len(due)


@task()
def feed_check_job(feed_id: int) -> None:
    """The job of a feed's check (a worker runs it)."""
    feed_check(feed_id=feed_id)


def feed_check(*, feed_id: int) -> Import | None:
    """Fetch the feed and load its new and changed entries' pages; return the import, if any."""
    feed = Feed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return None  # removed or paused since the check was queued
    now = timezone.now()
    try:
        fetched = fetch(
            feed.url,
            timeout=settings.FACTCHECK_FETCH_TIMEOUT,
            max_bytes=settings.FACTCHECK_FETCH_MAX_BYTES,
            max_redirects=settings.FACTCHECK_FETCH_MAX_REDIRECTS,
            allow_private=settings.FACTCHECK_FETCH_ALLOW_PRIVATE,
            accept=FEED_TYPES,
        )
        parsed = parse_feed(fetched.body, url=fetched.url)
    except (FetchError, FeedError) as error:
        Feed.objects.filter(pk=feed.pk).update(last_checked_at=now, last_error=error.reason[:2000])
        return None
    with transaction.atomic():
        feed = _lock(feed_id)
        seen = {item.guid: item for item in FeedItem.objects.filter(feed=feed)}
        links = [entry.link for entry in parsed.entries if entry.link]
        loaded = set(SourceDocument.objects.filter(url__in=links).values_list("url", flat=True))
        loaded |= set(DocumentVersion.objects.filter(url__in=links).values_list("url", flat=True))
        wanted, new_items, taken = [], [], set()
        for entry in parsed.entries:
            if entry.guid in taken:
                continue  # listed twice in the feed: its first listing is taken in
            taken.add(entry.guid)
            updated = entry.published.isoformat() if entry.published else ""
            item = seen.get(entry.guid)
            if item is None:
                new_items.append(FeedItem(feed=feed, guid=entry.guid[:2000], link=entry.link, updated=updated))
                if entry.link and entry.link not in loaded:
                    wanted.append(entry)
            elif entry.link and updated and item.updated != updated:
                item.updated = updated
                item.save(update_fields=["updated"])
                wanted.append(entry)  # the page changed: its next version
        FeedItem.objects.bulk_create(new_items)
        feed.last_checked_at, feed.last_error = now, ""
        feed.title = feed.title or parsed.title[:500]
        feed.save(update_fields=["last_checked_at", "last_error", "title"])
        if not wanted:
            return None
        items = [
            ItemInput(name=entry.link, guid=entry.guid, metadata={"title": entry.title[:500]} if entry.title else {})
            for entry in wanted
        ]
        batch = import_create(actor=None, origin=Origin.FEED, items=items, feed=feed, queue=False)
    batch = import_run(import_id=batch.pk)  # already on a worker: loaded here, not queued again
    loaded_now = batch.items.filter(status=ImportItemStatus.LOADED).count()
    Feed.objects.filter(pk=feed.pk).update(items_loaded=F("items_loaded") + loaded_now)
    failed = batch.items.filter(~Q(error="")).order_by("position").first()
    if failed is not None and loaded_now == 0:
        Feed.objects.filter(pk=feed.pk).update(last_error=f"{failed.name}: {failed.error}"[:2000])
    return batch
