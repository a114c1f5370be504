"""The editor's desk: charts of how claims move through the workflow, on a report page and the index.

Thin: the numbers come from ``desk_stats`` (reads only), the SVG from ``charts``. The report page
(``/admin/desk/``) filters by a date range and a document; a bad filter is a message on the page,
and the charts then show the default range. The index shows a compact version: the reviewers'
decisions of the last 14 days (one query) and the claim counts it already has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views import View

from .. import desk_stats, roles, vocabulary
from ..desk_stats import DeskFilter
from ..models import ClaimStatus, SourceDocument
from . import charts
from .charts import Series, status_colour
from .common import as_id

INDEX_DAYS = 14
INDEX_WIDTH = 560  # the index's cards are about this wide on a 1400-pixel screen
MAX_CANDIDATES = 10  # documents listed when several titles match the search

MSG_BAD_DATE = "Enter a valid date, as YYYY-MM-DD."
MSG_END_BEFORE_START = "The to-date ({end}) is before the from-date ({start})."
MSG_START_AFTER_TODAY = "The from-date ({start}) is after today."
MSG_TOO_LONG = "Choose at most {most} days: {start} to {end} is {days} days."
MSG_NO_DOCUMENT = "No document has the id {id}."
MSG_NO_TITLE = "No document's title contains “{words}”."
MSG_SEVERAL_TITLES = "{count} documents' titles contain “{words}”: choose one below, or type more of its title."
MSG_DEFAULT_SHOWN = "The charts show the default instead: the last {days} days, every document."


class DeskFilterForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, error_messages={"invalid": MSG_BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    end = forms.DateField(
        label="To", required=False, error_messages={"invalid": MSG_BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    document = forms.CharField(
        label="Document", required=False, max_length=500, help_text="Its id, or words of its title.",
        widget=forms.TextInput(attrs={"size": 30}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.chosen_document: SourceDocument | None = None
        self.candidates: list[SourceDocument] = []

    def clean_document(self) -> str:
        value = self.cleaned_data["document"].strip()
        if not value:
            return value
        document_id = as_id(value)
        if document_id is not None:
            self.chosen_document = SourceDocument.objects.only("id", "title").filter(pk=document_id).first()
            if self.chosen_document is None:
                raise forms.ValidationError(MSG_NO_DOCUMENT.format(id=document_id))
            return value
        titled = SourceDocument.objects.only("id", "title").filter(title__icontains=value).order_by("title", "id")
        matches = list(titled[: MAX_CANDIDATES + 1])
        if not matches:
            raise forms.ValidationError(MSG_NO_TITLE.format(words=value))
        if len(matches) > 1:
            self.candidates = matches[:MAX_CANDIDATES]
            count = titled.count() if len(matches) > MAX_CANDIDATES else len(matches)
            raise forms.ValidationError(MSG_SEVERAL_TITLES.format(count=count, words=value))
        self.chosen_document = matches[0]
        return value

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        end = min(cleaned.get("end") or self.today, self.today)  # the days to come have no history yet
        start = cleaned.get("start") or end - timedelta(days=desk_stats.DEFAULT_DAYS - 1)
        if start > self.today:
            raise forms.ValidationError(MSG_START_AFTER_TODAY.format(start=start))
        if end < start:
            raise forms.ValidationError(MSG_END_BEFORE_START.format(start=start, end=end))
        days = (end - start).days + 1
        if days > desk_stats.MAX_DAYS:
            raise forms.ValidationError(MSG_TOO_LONG.format(most=desk_stats.MAX_DAYS, start=start, end=end, days=days))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def desk_filter(self) -> DeskFilter:
        """Return the filter chosen (the form must be valid)."""
        document = self.chosen_document
        return DeskFilter(
            start=self.cleaned_data["start"],
            end=self.cleaned_data["end"],
            document_id=document.pk if document else None,
        )

    def problems(self) -> list[str]:
        """Return the form's errors, each as one line naming its field."""
        lines: list[str] = []
        for name, errors in self.errors.items():
            prefix = f"{self.fields[name].label}: " if name in self.fields else ""
            lines.extend(prefix + str(error) for error in errors)
        return lines


# --- What the page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class Figure:
    """One chart, with its numbers as a table: the first column heads each row."""

    key: str
    title: str
    summary: str
    svg: SafeString
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    table_open: bool = False  # the table is what the reader came for (links to claims): shown, not folded


def count_of(n: int, noun: str) -> str:
    """Return "1 approval", "3 approvals"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "–"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def percent_text(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


def status_figure(desk: DeskFilter) -> Figure:
    series = desk_stats.status_by_day(desk)
    labels = dict(ClaimStatus.choices)
    shown = [status for status in ClaimStatus.values if any(counts[status] for _, counts in series)]
    shown = shown or [ClaimStatus.PENDING]
    last_day, last = series[-1]
    summary = f"At the end of {last_day:%Y-%m-%d}: " + ", ".join(f"{last[s]} {labels[s].lower()}" for s in shown) + "."
    title = "Claims by status at the end of each day"
    svg = charts.line(
        f"{title}. {summary}",
        [day_label(day) for day, _ in series],
        [Series(labels[s], [counts[s] for _, counts in series], status_colour(s)) for s in shown],
        counts=True,
        width=charts.FULL_WIDTH,
        height=380,
    )
    rows: list[list[object]] = [[day.isoformat(), *(counts[s] for s in shown)] for day, counts in series]
    return Figure("by-status", title, summary, svg, ["Day", *(labels[s] for s in shown)], rows)


def decision_figures(desk: DeskFilter) -> list[Figure]:
    decisions = desk_stats.decisions_by_day(desk)
    days = [day_label(d.day) for d in decisions]
    approved = sum(d.approved for d in decisions)
    returned = sum(d.returned for d in decisions)
    busiest = max(decisions, key=lambda d: (d.approved, -d.day.toordinal()))
    summary = f"{count_of(approved, 'approval')} from {desk.start} to {desk.end}" + (
        f"; the most on {busiest.day} ({busiest.approved})." if approved else "."
    )
    title = "Claims approved per day"
    svg = charts.bars(
        f"{title}. {summary}",
        days,
        [Series("Approved", [d.approved for d in decisions], status_colour(ClaimStatus.APPROVED))],
        counts=True,
    )
    per_day = Figure(
        "approved-per-day",
        title,
        summary,
        svg,
        ["Day", "Approved"],
        [[d.day.isoformat(), d.approved] for d in decisions],
    )
    decided = approved + returned
    overall = returned / decided if decided else None
    summary = (
        f"{returned} of {count_of(decided, 'reviewer decision')} returned the claim ({percent_text(overall)})."
        if decided
        else "No reviewer decision in the range."
    )
    title = "Return rate per day: returned / (approved + returned)"
    rates = [None if d.return_rate is None else d.return_rate * 100 for d in decisions]
    svg = charts.line(
        f"{title}. {summary}", days, [Series("Returned", rates, status_colour(ClaimStatus.RETURNED))], percent=True
    )
    rate = Figure(
        "return-rate",
        title,
        summary,
        svg,
        ["Day", "Approved", "Returned", "Return rate"],
        [[d.day.isoformat(), d.approved, d.returned, percent_text(d.return_rate)] for d in decisions],
    )
    return [per_day, rate]


def editor_figure(desk: DeskFilter) -> Figure:
    rows = desk_stats.approvals_by_editor(desk)
    names = [name or "(unknown)" for name, _ in rows]
    total = sum(n for _, n in rows)
    summary = (
        f"{count_of(total, 'approval')} of verdicts submitted by {count_of(len(rows), 'editor')}; "
        f"the most: {names[0]} ({rows[0][1]})."
        if rows
        else "No approval in the range."
    )
    title = "Claims approved per editor (who submitted the verdict)"
    svg = charts.horizontal_bars(
        f"{title}. {summary}",
        names,
        [Series("Approved", [n for _, n in rows], status_colour(ClaimStatus.APPROVED))],
        counts=True,
        height=max(140, 50 + 34 * len(rows)),
    )
    table: list[list[object]] = [[name, n] for name, (_, n) in zip(names, rows, strict=True)]
    return Figure("approved-per-editor", title, summary, svg, ["Editor", "Approved"], table)


def time_figure(desk: DeskFilter) -> Figure:
    days, overall = desk_stats.time_to_approval(desk)
    approvals = sum(d.approvals for d in days)
    summary = (
        f"Over the range: {hours_text(overall)} (the median of {count_of(approvals, 'approval')})."
        if overall is not None
        else "No approval in the range."
    )
    title = "Median time from taken to approved, per day of approval"
    svg = charts.bars(
        f"{title}. {summary}",
        [day_label(d.day) for d in days],
        [Series("Median hours", [d.median_hours for d in days], status_colour(ClaimStatus.IN_PROGRESS))],
        y_title="hours",
        value_formatter=lambda value: f"{charts.number_text(value)} h",
    )
    rows: list[list[object]] = [[d.day.isoformat(), d.approvals, hours_text(d.median_hours)] for d in days]
    return Figure("time-to-approval", title, summary, svg, ["Day", "Approvals", "Median time"], rows)


def waiting_figures(desk: DeskFilter) -> list[Figure]:
    now = timezone.now()
    labels = dict(ClaimStatus.choices)
    figures = []
    for status in desk_stats.WAITING_STATUSES:
        claims = desk_stats.oldest_waiting(desk, status)
        days = [round(claim.age(now).total_seconds() / 86400, 1) for claim in claims]
        name = labels[status].lower()
        title = f"Oldest claims waiting: {name}"
        summary = (
            f"The {count_of(len(claims), 'claim')} {name} longest; the oldest since "
            f"{claims[0].since:%Y-%m-%d %H:%M} ({days[0]} days)."
            if claims
            else f"No claim is {name}."
        )
        svg = charts.horizontal_bars(
            f"{title}. {summary}",
            [f"Claim {claim.claim_id}" for claim in claims],
            [Series("Days waiting", days, status_colour(status))],
            height=max(140, 50 + 30 * len(claims)),
            value_formatter=lambda value: f"{charts.number_text(value)} days",
        )
        rows: list[list[object]] = [
            [
                Link(f"Claim {claim.claim_id}", reverse("admin:annotations_claim_change", args=[claim.claim_id])),
                Truncator(claim.text).chars(120),
                f"{claim.since:%Y-%m-%d %H:%M}",
                age,
            ]
            for claim, age in zip(claims, days, strict=True)
        ]
        figures.append(
            Figure(
                f"waiting-{status}",
                title,
                summary,
                svg,
                ["Claim", "Text", "Waiting since", "Days"],
                rows,
                table_open=True,
            )
        )
    return figures


def report_figures(desk: DeskFilter) -> list[Figure]:
    """Return every figure of the report page, in the page's order."""
    per_day, rate = decision_figures(desk)
    return [status_figure(desk), per_day, editor_figure(desk), time_figure(desk), rate, *waiting_figures(desk)]


# --- The pages -----------------------------------------------------------------------------------


class DeskReportView(View):
    """The report page: every chart, filtered by dates and a document."""

    admin_site: Any = None  # given by the site's URLs: ``as_view(admin_site=...)``
    template_name = "admin/annotations/desk/report.html"

    def get(self, request):
        if not roles.has_role(request.user):
            raise PermissionDenied
        form = DeskFilterForm(request.GET or None)
        desk = DeskFilter.last_days()
        if form.is_bound and form.is_valid():
            desk = form.desk_filter()
        elif form.is_bound:
            for problem in form.problems():
                messages.error(request, problem)
            messages.info(request, MSG_DEFAULT_SHOWN.format(days=desk_stats.DEFAULT_DAYS))
        document = form.chosen_document if form.is_bound and form.is_valid() else None
        context = {
            **self.admin_site.each_context(request),
            "title": "The editor's desk",
            "form": form,
            "desk": desk,
            "document": document,
            "candidates": form.candidates,
            "figures": report_figures(desk),
            "palette": charts.palette(),
            "default_days": desk_stats.DEFAULT_DAYS,
            "time_zone": timezone.get_current_timezone_name(),
        }
        return TemplateResponse(request, self.template_name, context)


def index_panel(counts: dict) -> dict:
    """Return what the index's desk card shows: the last 14 days' decisions (one query) and ``counts``.

    ``counts`` is the index's ``selectors.counts_by_status_and_verdict()``: no query of its own.
    """
    desk = DeskFilter.last_days(INDEX_DAYS)
    decisions = desk_stats.decisions_by_day(desk)
    approved = sum(d.approved for d in decisions)
    returned = sum(d.returned for d in decisions)
    rate = returned / (approved + returned) if approved + returned else None
    summary = f"Last {INDEX_DAYS} days: {approved} approved, {returned} returned"
    summary += f" ({percent_text(rate)} of decisions returned)." if rate is not None else "."
    decisions_svg = charts.bars(
        f"Approved and returned per day, last {INDEX_DAYS} days. {summary}",
        [day_label(d.day) for d in decisions],
        [
            Series("Approved", [d.approved for d in decisions], status_colour(ClaimStatus.APPROVED)),
            Series("Returned", [d.returned for d in decisions], status_colour(ClaimStatus.RETURNED)),
        ],
        counts=True, width=INDEX_WIDTH, height=200,
    )  # fmt: skip
    open_statuses = [row for row in counts["status"] if row[0] not in vocabulary.CLOSED_STATUSES]
    now_summary = "Claims now: " + ", ".join(f"{n} {label.lower()}" for _, label, n in open_statuses) + "."
    status_svg = charts.horizontal_bars(
        f"Claims by status now. {now_summary}",
        [label for _, label, _ in open_statuses],
        [Series("Claims", [n for _, _, n in open_statuses], colours=[status_colour(v) for v, _, _ in open_statuses])],
        counts=True, width=INDEX_WIDTH, height=190,
    )  # fmt: skip
    return {
        "summary": summary,
        "now_summary": now_summary,
        "decisions_svg": decisions_svg,
        "status_svg": status_svg,
        "palette": charts.palette(),
    }
