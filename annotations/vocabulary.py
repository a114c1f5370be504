"""What each claim status and each verdict means, in one place.

The enums in ``models`` name the values (and their labels); this module holds every other fact
about a value: its colours on the admin's badges and in the HTML report, whether the assignee
still has work to do in a status, a verdict's ClaimReview rating and what it needs before it is
submitted. The workflow's rules, the admin, the templates and the exports read it, so adding a
value means the enum, its entry here and a migration (the database's constraints list the values).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ClaimStatus, Verdict


@dataclass(frozen=True)
class StatusTerms:
    colour: str  # the admin badge
    open: bool  # the assignee still has work to do: the verdict and evidence can be edited
    frozen: bool = False  # the verdict is under review or published: it cannot be edited
    closed: bool = False  # closed in triage: out of the queue and the default lists, in exports only when asked


@dataclass(frozen=True)
class VerdictTerms:
    colour: str  # the admin badge and the document page's underline
    rating: int  # ClaimReview's reviewRating, from the worst to the best
    needs_evidence: bool  # submitted only with at least one evidence item
    needs_note: bool  # submitted only with a note saying what was tried
    report_background: str  # the HTML report's highlight and badge
    report_text: str
    report_accent: str  # the HTML report's border and chart bar


STATUSES: dict[str, StatusTerms] = {
    ClaimStatus.PENDING: StatusTerms(colour="#6b7280", open=False),
    ClaimStatus.IN_PROGRESS: StatusTerms(colour="#2563eb", open=True),
    ClaimStatus.IN_REVIEW: StatusTerms(colour="#b45309", open=False, frozen=True),
    ClaimStatus.RETURNED: StatusTerms(colour="#be123c", open=True),
    ClaimStatus.APPROVED: StatusTerms(colour="#15803d", open=False, frozen=True),
    ClaimStatus.DISMISSED: StatusTerms(colour="#57534e", open=False, closed=True),
    ClaimStatus.MERGED: StatusTerms(colour="#7c3aed", open=False, closed=True),
    ClaimStatus.SPLIT: StatusTerms(colour="#0e7490", open=False, closed=True),
}

VERDICTS: dict[str, VerdictTerms] = {
    Verdict.VERIFIED: VerdictTerms(
        colour="#15803d", rating=3, needs_evidence=True, needs_note=False,
        report_background="#d9f2e0", report_text="#0f5125", report_accent="#1b7f3b",
    ),
    Verdict.DISPUTED: VerdictTerms(
        colour="#b91c1c", rating=1, needs_evidence=True, needs_note=False,
        report_background="#fbe0dd", report_text="#7d1a14", report_accent="#b3261e",
    ),
    Verdict.UNVERIFIED: VerdictTerms(
        colour="#a16207", rating=2, needs_evidence=False, needs_note=True,
        report_background="#fff0c2", report_text="#5c3d00", report_accent="#b07a00",
    ),
}  # fmt: skip

NO_VERDICT_COLOUR = "#6b7280"  # white text on it: 4.8:1

# The statuses in which a claim is its assignee's open work.
OPEN_STATUSES: tuple[str, ...] = tuple(status for status, terms in STATUSES.items() if terms.open)
# The statuses of claims closed in triage (dismissed, merged, split): the default lists leave them out.
CLOSED_STATUSES: tuple[str, ...] = tuple(status for status, terms in STATUSES.items() if terms.closed)

# Check-worthiness bands, for the filters: (value, label, lowest score, highest score (excluded)).
CHECKWORTHINESS_BANDS: tuple[tuple[str, str, float, float], ...] = (
    ("high", "High (0.7 and over)", 0.7, 1.01),
    ("medium", "Medium (0.4 to 0.7)", 0.4, 0.7),
    ("low", "Low (under 0.4)", 0.0, 0.4),
)
BAND_VALUES: tuple[str, ...] = tuple(band[0] for band in CHECKWORTHINESS_BANDS)


def band_of(score: float) -> str:
    """Return the name of the band ``score`` falls in ("high", "medium", "low")."""
    for name, _label, low, high in CHECKWORTHINESS_BANDS:
        if low <= score < high:
            return name
    return CHECKWORTHINESS_BANDS[-1][0]


def band_range(value: str) -> tuple[float, float] | None:
    """Return the scores ``[low, high)`` of the band named ``value``, or None for an unknown band."""
    for name, _label, low, high in CHECKWORTHINESS_BANDS:
        if name == value:
            return low, high
    return None


def status_colour(status: str) -> str:
    return STATUSES[status].colour


def verdict_colour(verdict: str) -> str:
    """Return the badge colour of ``verdict``; an empty verdict (none yet) has its own."""
    return VERDICTS[verdict].colour if verdict else NO_VERDICT_COLOUR


def with_article(word: str) -> str:
    """Return ``word`` after "a" or "an" ("an unverified", "a disputed")."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def verdict_values_in_words() -> str:
    """Return the verdicts as a choice in prose: "verified, disputed or unverified"."""
    values = list(Verdict.values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def missing_terms() -> list[str]:
    """Return the enum values that have no entry here (there should be none)."""
    missing = [f"status {value!r}" for value in ClaimStatus.values if value not in STATUSES]
    missing += [f"verdict {value!r}" for value in Verdict.values if value not in VERDICTS]
    return missing


if missing_terms():  # a value without its facts would fail later, in the middle of a page or an export
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"annotations.vocabulary has no entry for {', '.join(missing_terms())}.")
