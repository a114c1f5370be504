"""The editor's desk in figures, read from the review history: how claims move through the workflow.

Pure reads, shared by the desk's report page and the admin index. Each figure takes a fixed number
of queries whatever the number of claims: the database groups and counts; only the medians are
computed here, over one duration per approval in the range. Days are calendar days in the current
time zone (``TIME_ZONE``). The figures follow the history's chain: each event's status before is
its claim's status after the event before it, and a claim's status is that of its last event
(``manage.py verify_history`` checks both).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Action, Claim, ClaimOccurrence, ClaimStatus, ReviewEvent

DEFAULT_DAYS = 30  # the range shown when none is chosen: the last 30 days, today included
MAX_DAYS = 366  # the longest range: the charts have one point per day
WAITING_STATUSES = (ClaimStatus.PENDING, ClaimStatus.IN_REVIEW)
WAITING_LIMIT = 10


@dataclass(frozen=True)
class DeskFilter:
    """The days ``start`` to ``end`` (both included) and, if given, the claims occurring in one document."""

    start: date
    end: date
    document_id: int | None = None

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, *, today: date | None = None, document_id: int | None = None):
        """Return the filter of the last ``days`` days, today included."""
        end = today or timezone.localdate()
        return cls(start=end - timedelta(days=days - 1), end=end, document_id=document_id)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def claims(self) -> QuerySet[Claim]:
        """Return the claims the filter covers (every claim, or those occurring in the document)."""
        if self.document_id is None:
            return Claim.objects.all()
        return Claim.objects.filter(pk__in=self._document_claims())

    def events(self) -> QuerySet[ReviewEvent]:
        """Return the events of the claims the filter covers, at any date, in no particular order."""
        events = ReviewEvent.objects.order_by()  # no default ordering: it would join the GROUP BYs
        if self.document_id is None:
            return events
        return events.filter(claim_id__in=self._document_claims())

    def events_in_range(self) -> QuerySet[ReviewEvent]:
        """Return the events of the claims covered, written during the filter's days."""
        return self.events().filter(created_at__gte=start_of(self.start), created_at__lt=start_of(self.end, 1))

    def _document_claims(self):
        # Claims that occur or occurred in the document (a sentence removed by a later version included).
        return ClaimOccurrence.objects.filter(document_id=self.document_id).values("claim_id")


def start_of(day: date, plus_days: int = 0) -> datetime:
    """Return the first instant of ``day`` (plus ``plus_days``) in the current time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=plus_days), time.min))


# --- Claims by status over time ------------------------------------------------------------------


def status_by_day(desk: DeskFilter) -> list[tuple[date, dict[str, int]]]:
    """Return, for each day of the filter, the number of claims in each status at its end (today: now).

    Two queries, neither reading history older than the range: the claims' statuses now, and the
    status changes since the range's start, counted per day and per move (before, after). Walking
    back from now, the counts at the end of a day are those at the end of the next day less the
    next day's moves. A claim's first event has no status before: the claim did not exist before it.
    """
    counts: Counter[str] = Counter(dict.fromkeys(ClaimStatus.values, 0))
    for row in desk.claims().order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] += row["n"]
    moves = (
        desk.events()
        .filter(created_at__gte=start_of(desk.start))
        .exclude(status_before=F("status_after"))
        .annotate(day=TruncDate("created_at"))
        .values("day", "status_before", "status_after")
        .annotate(n=Count("id"))
    )
    changes: defaultdict[date, Counter[str]] = defaultdict(Counter)
    for move in moves:
        changes[move["day"]][move["status_after"]] += move["n"]
        if move["status_before"]:
            changes[move["day"]][move["status_before"]] -= move["n"]
    for day in changes:
        if day > desk.end:  # after the range (or "tomorrow", by a clock ahead)
            counts.subtract(changes[day])
    series = []
    for day in reversed(desk.days):  # the days of the range only, however old it is
        series.append((day, dict(counts)))
        counts.subtract(changes.get(day, Counter()))
    series.reverse()
    return series


# --- Reviewers' decisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decisions:
    """One day's reviewer decisions: approvals and returns, and the share of decisions that returned."""

    day: date
    approved: int
    returned: int

    @property
    def return_rate(self) -> float | None:
        """Return returned / (approved + returned), or None on a day without a decision."""
        decided = self.approved + self.returned
        return self.returned / decided if decided else None


def decisions_by_day(desk: DeskFilter) -> list[Decisions]:
    """Return the approvals and returns of each day of the filter (one query)."""
    rows = (
        desk.events_in_range()
        .filter(action__in=[Action.APPROVED, Action.RETURNED])
        .annotate(day=TruncDate("created_at"))
        .values("day", "action")
        .annotate(n=Count("id"))
    )
    found = {(row["day"], row["action"]): row["n"] for row in rows}
    return [
        Decisions(day=day, approved=found.get((day, Action.APPROVED), 0), returned=found.get((day, Action.RETURNED), 0))
        for day in desk.days
    ]


def approvals_by_editor(desk: DeskFilter) -> list[tuple[str, int]]:
    """Return (editor, approvals) for the approvals of the range, most first (two queries).

    The editor is whoever submitted the verdict approved: the actor of the claim's last
    ``submitted`` event before the approval ("" if the history has none). The approvals are
    counted per editor's id, then the editors' names read.
    """
    submitter = (
        ReviewEvent.objects.filter(claim_id=OuterRef("claim_id"), action=Action.SUBMITTED, id__lt=OuterRef("id"))
        .order_by("-id")
        .values("actor_id")[:1]
    )
    rows = (
        desk.events_in_range()
        .filter(action=Action.APPROVED)
        .annotate(editor_id=Subquery(submitter))
        .values("editor_id")
        .annotate(n=Count("id"))
    )
    by_id = {row["editor_id"]: row["n"] for row in rows}
    names = dict(get_user_model().objects.filter(pk__in=[pk for pk in by_id if pk]).values_list("pk", "username"))
    counted = [(names.get(pk, "") if pk else "", n) for pk, n in by_id.items()]
    return sorted(counted, key=lambda pair: (-pair[1], pair[0]))


# --- Time from taken to approved -----------------------------------------------------------------


@dataclass(frozen=True)
class TimeToApproval:
    """The median time from taken to approved of the approvals of one day (None: no approval)."""

    day: date
    approvals: int
    median_hours: float | None


def time_to_approval(desk: DeskFilter) -> tuple[list[TimeToApproval], float | None]:
    """Return, per day of the filter, the median hours from taken to approved; and the range's median.

    Each approval of the range counts once, from its claim's first ``assigned`` event (taken) to
    the approval. Approvals of claims never taken (a history restored without it) are left out.
    One query, one row per approval in the range.
    """
    taken = (
        ReviewEvent.objects.filter(claim_id=OuterRef("claim_id"), action=Action.ASSIGNED)
        .order_by("id")
        .values("created_at")[:1]
    )
    rows = (
        desk.events_in_range()
        .filter(action=Action.APPROVED)
        .annotate(
            day=TruncDate("created_at"),
            took=ExpressionWrapper(F("created_at") - Subquery(taken), output_field=DurationField()),
        )
        .values_list("day", "took")
    )
    by_day: defaultdict[date, list[float]] = defaultdict(list)
    for day, took in rows:
        if took is not None:  # never taken
            by_day[day].append(took.total_seconds() / 3600)
    days = [TimeToApproval(day=day, approvals=len(by_day[day]), median_hours=median(by_day[day])) for day in desk.days]
    return days, median([hours for durations in by_day.values() for hours in durations])


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- The oldest claims waiting -------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    claim_id: int
    text: str
    since: datetime

    def age(self, now: datetime) -> timedelta:
        return now - self.since


def oldest_waiting(desk: DeskFilter, status: str, limit: int = WAITING_LIMIT) -> list[Waiting]:
    """Return the claims in ``status`` now that have waited longest in it, the longest first (one query).

    A claim entered its status with its last event that changed its status. The filter's document
    applies, its days do not: this is the desk as it stands.
    """
    entered = (
        ReviewEvent.objects.filter(claim_id=OuterRef("pk"))
        .exclude(status_before=F("status_after"))
        .order_by("-id")
        .values("created_at")[:1]
    )
    claims = (
        desk.claims()
        .filter(status=status)
        .annotate(since=Subquery(entered))
        .filter(since__isnull=False)
        .order_by("since", "id")
        .values_list("pk", "wording", "text", "since")[:limit]
    )
    return [Waiting(claim_id=pk, text=wording or text, since=since) for pk, wording, text, since in claims]
