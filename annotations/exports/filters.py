"""Which claims an export holds: the filters shared by the command, the admin and the API.

Claims closed in triage (``vocabulary.CLOSED_STATUSES``: dismissed, merged, split) are left out
unless asked for: by ``include_closed``, by a status filter naming them, or by selecting them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from annotations.models import Claim, ClaimOccurrence, ClaimStatus, SourceDocument, Verdict
from annotations.vocabulary import CLOSED_STATUSES


class FilterError(ValueError):
    """A filter value that names no status, verdict, document or date; says which and why."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class ExportFilters:
    """The claims to export: every given filter must hold (each one lists alternatives)."""

    status: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    document: tuple[int, ...] = ()
    since: datetime.datetime | None = None  # changed at or after
    claim_ids: tuple[int, ...] = field(default=(), compare=True)  # an admin selection
    include_closed: bool = False  # the claims closed in triage too

    @classmethod
    def parse(
        cls, *, status=(), verdict=(), document=(), since=None, claim_ids=(), include_closed=False, published=False
    ):
        """Return filters from text values (comma-separated or repeated), or raise FilterError.

        ``published`` formats (ClaimReview, the HTML report) default to approved claims, and with
        ``include_closed`` to approved claims and those closed in triage (which ClaimReview, holding
        only approved claims, leaves out all the same).
        ``include_closed`` is a flag or its text ("true", "false", "1", "0", "yes", "no", "").
        """
        statuses = _choices(status, ClaimStatus, "status")
        include_closed = _flag(include_closed, "include_closed")
        if published and not statuses:
            # A status filter would otherwise keep out the closed claims that include_closed asks for.
            statuses = (ClaimStatus.APPROVED.value, *(CLOSED_STATUSES if include_closed else ()))
        return cls(
            status=statuses,
            verdict=_choices(verdict, Verdict, "verdict"),
            document=_document_ids(document),
            since=_moment(since),
            claim_ids=tuple(sorted(set(_ids(claim_ids, "claim_ids", "claim")))),
            include_closed=include_closed,
        )

    @property
    def leaves_closed_out(self) -> bool:
        """Whether the claims closed in triage are left out: no status filter or selection names them."""
        return not (self.include_closed or self.status or self.claim_ids)

    @property
    def narrows(self) -> bool:
        """Whether a filter other than leaving the closed claims out narrows the claims."""
        return bool(self.status or self.verdict or self.document or self.since or self.claim_ids)

    def claims(self):
        """Return the matching claims (no joins, no order): the exports add what they read."""
        queryset = Claim.objects.all()
        if self.leaves_closed_out:
            queryset = queryset.exclude(status__in=CLOSED_STATUSES)
        if self.status:
            queryset = queryset.filter(status__in=self.status)
        if self.verdict:
            queryset = queryset.filter(verdict__in=self.verdict)
        if self.document:
            occurring = ClaimOccurrence.objects.filter(document_id__in=self.document).values("claim_id")
            queryset = queryset.filter(pk__in=occurring)
        if self.since:
            queryset = queryset.filter(updated_at__gte=self.since)
        if self.claim_ids:
            queryset = queryset.filter(pk__in=self.claim_ids)
        return queryset

    def as_dict(self) -> dict:
        """Return the filters as shown in an export (empty lists mean "any")."""
        return {
            "status": list(self.status),
            "verdict": list(self.verdict),
            "document": list(self.document),
            "since": self.since.isoformat() if self.since else None,
            "claims": list(self.claim_ids),
            "include_closed": self.include_closed,
        }

    def describe(self) -> str:
        """Return the filters in words, e.g. "status approved; documents 3, 4"."""
        parts = []
        if self.status:
            parts.append("status " + " or ".join(ClaimStatus(s).label.lower() for s in self.status))
        if self.verdict:
            parts.append("verdict " + " or ".join(Verdict(v).label.lower() for v in self.verdict))
        if self.document:
            parts.append(("documents " if len(self.document) > 1 else "document ") + ", ".join(map(str, self.document)))
        if self.since:
            parts.append(f"changed since {self.since:%Y-%m-%d %H:%M} UTC")
        if self.claim_ids:
            parts.append(f"{len(self.claim_ids)} selected claim{'s' if len(self.claim_ids) != 1 else ''}")
        if self.leaves_closed_out:
            parts.append("claims closed in triage left out" if parts else "all claims but those closed in triage")
        elif self.include_closed and not (self.status or self.claim_ids):
            parts.append("claims closed in triage included" if parts else "all claims, those closed in triage too")
        return "; ".join(parts)


def _values(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [part.strip() for item in raw for part in str(item).split(",") if part.strip()]


def _choices(raw, choices, name: str) -> tuple[str, ...]:
    values = _values(raw)
    for value in values:
        if value not in choices.values:
            raise FilterError(name, f"Unknown {name} {value!r}: choose from {', '.join(choices.values)}.")
    return tuple(dict.fromkeys(values))


FLAGS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}


def _flag(raw, name: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = "" if raw is None else str(raw).strip().lower()
    if text == "":
        return False
    if text not in FLAGS:
        raise FilterError(name, f"{raw!r} is not true or false.")
    return FLAGS[text]


def _ids(raw, name: str, what: str) -> list[int]:
    ids = []
    for value in _values(raw):
        # isdigit() alone lets through digits int() refuses ("²") or reads as others ("١٢").
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 2**63 - 1:
            raise FilterError(name, f"{value!r} is not a {what} id: expected a whole number.")
        ids.append(int(value))
    return ids


def _document_ids(raw) -> tuple[int, ...]:
    ids = _ids(raw, "document", "document")
    missing = set(ids) - set(SourceDocument.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing:
        raise FilterError("document", f"Document {min(missing)} does not exist.")
    return tuple(sorted(set(ids)))


def _moment(raw) -> datetime.datetime | None:
    if raw in (None, ""):
        return None
    moment: datetime.datetime | None
    if isinstance(raw, datetime.datetime):
        moment = raw
    elif isinstance(raw, datetime.date):
        moment = datetime.datetime.combine(raw, datetime.time.min)
    else:
        text = str(raw).strip()
        try:
            moment = parse_datetime(text)
            if moment is None and (day := parse_date(text)) is not None:
                moment = datetime.datetime.combine(day, datetime.time.min)
        except ValueError:
            moment = None
        if moment is None:
            raise FilterError("since", f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
    assert moment is not None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment.astimezone(datetime.UTC)  # describe() says "UTC"
