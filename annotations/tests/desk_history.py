"""A small history for the desk's figures, built through the workflow at set times (tests only).

History rows cannot be edited (the models and, on PostgreSQL, a trigger refuse it), so each
action runs under ``clock``, which sets the time the workflow reads (``timezone.now``); the events
and the claims' dates are written as they would have been at that time.

Seven claims, loaded on 1 March 2025 at 09:00 UTC: A and B (the report), C (the survey), D, E, F and
G (a third article). What happens to each, and the counts at the end of each day, are in
``STATUS_AT_END_OF`` and the comments of ``build``.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime
from types import SimpleNamespace
from unittest import mock

from annotations import workflow
from annotations.models import Claim
from annotations.tests.conftest import (
    CLAIM_TEXT,
    REPORT_TEXT,
    SECOND_CLAIM_TEXT,
    SIGNAL_CLAIMS,
    SURVEY_CLAIM_TEXT,
    SURVEY_TEXT,
)

MARCH = [date(2025, 3, day) for day in range(1, 6)]  # the days of the history, 1 to 5 March
EXTRAS_TITLE = "Desk extras"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


@contextmanager
def clock(when: datetime):
    """Run the block as if it were ``when`` for the workflow (and anything else asking the time)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


# pending, in_progress, in_review, returned, approved, dismissed (others 0), at the end of each day.
STATUS_AT_END_OF = {
    date(2025, 3, 1): {"pending": 7},
    date(2025, 3, 2): {"pending": 3, "in_progress": 1, "in_review": 2, "dismissed": 1},
    date(2025, 3, 3): {"pending": 4, "in_progress": 1, "returned": 1, "approved": 1},
    date(2025, 3, 4): {"pending": 3, "in_review": 2, "approved": 2},
    date(2025, 3, 5): {"pending": 2, "in_review": 2, "approved": 3},
}


def rule(claim, actor, day, hour):
    """Set a verdict and add a web source, at ``hour``:10 and ``hour``:20."""
    with clock(at(day, hour, 10)):
        workflow.claim_set_verdict(claim_id=claim.pk, actor=actor, verdict="verified", note="Matches the survey.")
    with clock(at(day, hour, 20)):
        workflow.evidence_add(
            claim_id=claim.pk, actor=actor, stance="supports", url="https://example.org/survey", title="Survey"
        )


def build(load_document, editor, editor2, reviewer, reviewer2, *, extras_title: str = EXTRAS_TITLE):
    """Write the history; return the claims by letter and the three documents."""
    with clock(at(1, 9)):
        report = load_document(REPORT_TEXT, "River report", [CLAIM_TEXT, SECOND_CLAIM_TEXT]).document
        survey = load_document(SURVEY_TEXT, "Plastic survey", [SURVEY_CLAIM_TEXT]).document
        extras = load_document(" ".join(SIGNAL_CLAIMS), extras_title, SIGNAL_CLAIMS).document
    texts = [CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT, *SIGNAL_CLAIMS]
    c = SimpleNamespace(**{letter: Claim.objects.get(text=text) for letter, text in zip("ABCDEFG", texts, strict=True)})

    def do(when, action, claim, actor, **kwargs):
        with clock(when):
            action(claim_id=claim.pk, actor=actor, **kwargs)

    # 2 March: A taken, ruled, submitted; C taken; G dismissed; F taken, ruled, submitted.
    do(at(2, 9), workflow.claim_assign, c.A, editor)
    rule(c.A, editor, 2, 9)
    do(at(2, 11), workflow.claim_submit, c.A, editor)
    do(at(2, 10), workflow.claim_assign, c.C, editor2)
    do(at(2, 10, 30), workflow.claim_dismiss, c.G, editor, reason="opinion")
    do(at(2, 13), workflow.claim_assign, c.F, editor2)
    rule(c.F, editor2, 2, 13)
    do(at(2, 15), workflow.claim_submit, c.F, editor2)
    # 3 March: G restored; A and F returned; A resubmitted as is and approved.
    do(at(3, 8), workflow.claim_restore, c.G, editor)
    do(at(3, 9), workflow.claim_return, c.A, reviewer, comment="Quote the survey.")
    do(at(3, 10), workflow.claim_return, c.F, reviewer, comment="Which survey?")
    do(at(3, 12), workflow.claim_submit, c.A, editor)
    do(at(3, 15), workflow.claim_approve, c.A, reviewer)
    # 4 March: D taken, ruled, submitted; C ruled, submitted, approved; F resubmitted.
    do(at(4, 9), workflow.claim_assign, c.D, editor)
    rule(c.D, editor, 4, 9)
    do(at(4, 12), workflow.claim_submit, c.D, editor)
    rule(c.C, editor2, 4, 10)
    do(at(4, 10, 30), workflow.claim_submit, c.C, editor2)
    do(at(4, 14), workflow.claim_submit, c.F, editor2)
    do(at(4, 16), workflow.claim_approve, c.C, reviewer)
    # 5 March: B taken, ruled, submitted; D approved by the second reviewer; a comment on F.
    do(at(5, 9), workflow.claim_assign, c.B, editor)
    rule(c.B, editor, 5, 9)
    do(at(5, 12), workflow.claim_submit, c.B, editor)
    do(at(5, 10), workflow.claim_approve, c.D, reviewer2)
    with clock(at(5, 11)):
        workflow.claim_comment(claim_id=c.F.pk, actor=reviewer, comment="Still waiting on the survey's authors.")
    for claim in vars(c).values():
        claim.refresh_from_db()
    return SimpleNamespace(claims=c, report=report, survey=survey, extras=extras)
