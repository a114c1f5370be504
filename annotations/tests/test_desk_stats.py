"""The desk's figures (annotations/desk_stats.py) on a small history with known answers (desk_history.py)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations import desk_stats
from annotations.desk_stats import Decisions, DeskFilter, TimeToApproval
from annotations.models import ClaimStatus

from . import desk_history
from .desk_history import MARCH, STATUS_AT_END_OF, at, clock

pytestmark = pytest.mark.django_db

ALL = dict.fromkeys(ClaimStatus.values, 0)


@pytest.fixture
def history(load_document, editor, editor2, reviewer, reviewer2):
    return desk_history.build(load_document, editor, editor2, reviewer, reviewer2)


def march(first=1, last=5, document=None):
    return DeskFilter(
        start=date(2025, 3, first), end=date(2025, 3, last), document_id=document.pk if document else None
    )


def counts(**statuses):
    return {**ALL, **statuses}


# --- The filter -----------------------------------------------------------------------------------


def test_the_default_filter_is_the_last_30_days_today_included():
    desk = DeskFilter.last_days(today=date(2025, 3, 5))
    assert (desk.start, desk.end, desk.document_id) == (date(2025, 2, 4), date(2025, 3, 5), None)
    assert len(desk.days) == 30


def test_a_day_starts_at_midnight_in_the_current_time_zone(settings):
    assert desk_stats.start_of(date(2025, 3, 2)).isoformat() == "2025-03-02T00:00:00+00:00"
    assert desk_stats.start_of(date(2025, 3, 2), 1).isoformat() == "2025-03-03T00:00:00+00:00"


# --- Claims by status over time -------------------------------------------------------------------


def test_the_claims_in_each_status_at_the_end_of_each_day(history):
    assert desk_stats.status_by_day(march(1, 5)) == [(day, counts(**STATUS_AT_END_OF[day])) for day in MARCH]


def test_the_days_before_the_first_claim_count_none_and_a_range_ending_early_walks_back_from_now(history):
    series = desk_stats.status_by_day(DeskFilter(date(2025, 2, 27), date(2025, 3, 3)))
    assert series == [
        (date(2025, 2, 27), counts()),
        (date(2025, 2, 28), counts()),
        (date(2025, 3, 1), counts(pending=7)),
        (date(2025, 3, 2), counts(**STATUS_AT_END_OF[date(2025, 3, 2)])),
        (date(2025, 3, 3), counts(**STATUS_AT_END_OF[date(2025, 3, 3)])),
    ]


def test_a_range_inside_the_history_counts_what_came_before_it(history):
    assert desk_stats.status_by_day(march(4, 4)) == [(date(2025, 3, 4), counts(pending=3, in_review=2, approved=2))]


def test_the_last_day_counts_the_claims_as_they_stand(history):
    today = timezone.localdate()
    (day, now), *_ = desk_stats.status_by_day(DeskFilter(today, today))
    assert (day, now) == (today, counts(pending=2, in_review=2, approved=3))


def test_the_document_filter_counts_only_the_claims_occurring_in_it(history):
    series = desk_stats.status_by_day(march(document=history.report))  # A and B
    assert series == [
        (date(2025, 3, 1), counts(pending=2)),
        (date(2025, 3, 2), counts(pending=1, in_review=1)),
        (date(2025, 3, 3), counts(pending=1, approved=1)),
        (date(2025, 3, 4), counts(pending=1, approved=1)),
        (date(2025, 3, 5), counts(in_review=1, approved=1)),
    ]


def test_status_by_day_takes_two_queries_whatever_the_range(history):
    with CaptureQueriesContext(connection) as short:
        desk_stats.status_by_day(march(5, 5))
    with CaptureQueriesContext(connection) as long:
        desk_stats.status_by_day(DeskFilter(date(2024, 3, 6), date(2025, 3, 5)))
    assert len(short) == len(long) == 2


# --- Decisions, approvals per editor --------------------------------------------------------------


def test_decisions_per_day_and_the_return_rate(history):
    decisions = desk_stats.decisions_by_day(march(1, 5))
    assert decisions == [
        Decisions(date(2025, 3, 1), approved=0, returned=0),
        Decisions(date(2025, 3, 2), approved=0, returned=0),
        Decisions(date(2025, 3, 3), approved=1, returned=2),
        Decisions(date(2025, 3, 4), approved=1, returned=0),
        Decisions(date(2025, 3, 5), approved=1, returned=0),
    ]
    assert [d.return_rate for d in decisions] == [None, None, pytest.approx(2 / 3), 0.0, 0.0]


def test_decisions_outside_the_range_or_the_document_are_not_counted(history):
    assert desk_stats.decisions_by_day(march(4, 4)) == [Decisions(date(2025, 3, 4), approved=1, returned=0)]
    report = desk_stats.decisions_by_day(march(3, 4, document=history.report))
    assert report == [Decisions(date(2025, 3, 3), approved=1, returned=1), Decisions(date(2025, 3, 4), 0, 0)]


def test_approvals_per_editor_go_to_whoever_submitted_the_verdict(history):
    assert desk_stats.approvals_by_editor(march(1, 5)) == [("editor1", 2), ("editor2", 1)]
    assert desk_stats.approvals_by_editor(march(4, 4)) == [("editor2", 1)]
    assert desk_stats.approvals_by_editor(march(1, 5, document=history.survey)) == [("editor2", 1)]
    assert desk_stats.approvals_by_editor(march(1, 2)) == []


def test_an_approval_goes_to_the_editor_who_submitted_before_it_not_after(history, editor2, reviewer):
    from annotations import workflow

    a = history.claims.A  # submitted by editor1, approved on 3 March
    with clock(at(5, 13)):
        workflow.claim_reopen(claim_id=a.pk, actor=reviewer, reason="A new survey.")
        workflow.claim_assign(claim_id=a.pk, actor=editor2)
        workflow.claim_submit(claim_id=a.pk, actor=editor2)
    assert desk_stats.approvals_by_editor(march(3, 3)) == [("editor1", 1)]


@pytest.mark.parametrize(
    "figure, queries",
    [
        (desk_stats.decisions_by_day, 1),
        (desk_stats.approvals_by_editor, 2),  # the counts per editor's id, then their names
        (desk_stats.time_to_approval, 1),
        (lambda desk: desk_stats.oldest_waiting(desk, ClaimStatus.PENDING), 1),
    ],
)
def test_each_figure_takes_a_fixed_number_of_queries(history, django_assert_num_queries, figure, queries):
    for desk in (march(5, 5), march(1, 5), DeskFilter(date(2024, 3, 6), date(2025, 3, 5), history.report.pk)):
        with django_assert_num_queries(queries):
            figure(desk)


# --- Time from taken to approved ------------------------------------------------------------------


def test_the_median_time_from_taken_to_approved_per_day_and_over_the_range(history):
    days, overall = desk_stats.time_to_approval(march(1, 5))
    # A: taken 2 March 09:00, approved 3 March 15:00 (30 h, its return and resubmission included);
    # C: 2 March 10:00 to 4 March 16:00 (54 h); D: 4 March 09:00 to 5 March 10:00 (25 h).
    assert days == [
        TimeToApproval(date(2025, 3, 1), 0, None),
        TimeToApproval(date(2025, 3, 2), 0, None),
        TimeToApproval(date(2025, 3, 3), 1, 30.0),
        TimeToApproval(date(2025, 3, 4), 1, 54.0),
        TimeToApproval(date(2025, 3, 5), 1, 25.0),
    ]
    assert overall == 30.0  # the median of 25, 30 and 54 (their mean would be 36.3)


def test_the_median_of_a_day_with_two_approvals_is_their_middle(history, reviewer):
    from annotations import workflow

    with clock(at(5, 17)):  # B: taken 5 March 09:00
        workflow.claim_approve(claim_id=history.claims.B.pk, actor=reviewer)
    days, overall = desk_stats.time_to_approval(march(5, 5))
    assert days == [TimeToApproval(date(2025, 3, 5), 2, (25.0 + 8.0) / 2)]
    assert overall == (25.0 + 8.0) / 2


# --- The oldest claims waiting --------------------------------------------------------------------


def test_the_oldest_claims_waiting_since_they_entered_their_status(history):
    c = history.claims
    pending = desk_stats.oldest_waiting(march(), ClaimStatus.PENDING)
    # E since it was loaded; G since it was restored (not since it was loaded).
    assert [(w.claim_id, w.since) for w in pending] == [(c.E.pk, at(1, 9)), (c.G.pk, at(3, 8))]
    in_review = desk_stats.oldest_waiting(march(), ClaimStatus.IN_REVIEW)
    # F since its resubmission (not its first submission; the comment after changed nothing); then B.
    assert [(w.claim_id, w.since) for w in in_review] == [(c.F.pk, at(4, 14)), (c.B.pk, at(5, 12))]
    assert in_review[0].text == c.F.text
    assert in_review[0].age(at(5, 14)) == timedelta(days=1)


def test_the_oldest_claims_waiting_follow_the_document_and_the_limit(history):
    c = history.claims
    assert [w.claim_id for w in desk_stats.oldest_waiting(march(document=history.report), "in_review")] == [c.B.pk]
    assert desk_stats.oldest_waiting(march(document=history.report), "pending") == []
    assert [w.claim_id for w in desk_stats.oldest_waiting(march(), "pending", limit=1)] == [c.E.pk]


def test_a_reworded_claim_waits_under_its_wording(history, editor):
    from annotations import workflow

    workflow.claim_set_wording(claim_id=history.claims.E.pk, actor=editor, wording="The armed forces said so.")
    (first, _) = desk_stats.oldest_waiting(march(), ClaimStatus.PENDING)
    assert (first.claim_id, first.text, first.since) == (history.claims.E.pk, "The armed forces said so.", at(1, 9))
