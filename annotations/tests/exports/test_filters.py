"""Export filters: each one narrows the claims, they combine, and a bad value is refused by name."""

import datetime

import pytest

from annotations import workflow
from annotations.exports import FORMATS, ExportFilters, FilterError
from annotations.models import Claim
from annotations.vocabulary import CLOSED_STATUSES

from .conftest import UTC, exported, exported_ids

pytestmark = pytest.mark.django_db


def ids(filters) -> set[int]:
    return set(filters.claims().values_list("id", flat=True))


def where(**lookups) -> set[int]:
    return set(Claim.objects.filter(**lookups).values_list("id", flat=True))


def test_no_filter_gives_every_claim(newsroom):
    assert ids(ExportFilters.parse()) == where() and len(where()) == 22


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("approved", ["approved"]),
        ("in_review, returned", ["in_review", "returned"]),
        (["pending", "in_progress,approved"], ["pending", "in_progress", "approved"]),
        ("approved,approved,", ["approved"]),
    ],
)
def test_status_narrows_to_those_statuses(newsroom, raw, expected):
    filters = ExportFilters.parse(status=raw)
    assert filters.status == tuple(expected)
    assert ids(filters) == where(status__in=expected)


def test_each_status_holds_the_claims_put_there(newsroom):
    claims = newsroom.claims
    assert ids(ExportFilters.parse(status="in_review")) == {claims.in_review.pk}
    assert ids(ExportFilters.parse(status="returned")) == {claims.returned.pk}
    assert ids(ExportFilters.parse(status="in_progress")) == {claims.in_progress.pk, claims.taken_over.pk}
    assert ids(ExportFilters.parse(status="pending")) == {
        claims.pending.pk,
        claims.dam_delay.pk,
        *(c.pk for c in claims.safe),
    }


def test_verdict_narrows_to_those_verdicts(newsroom):
    claims = newsroom.claims
    assert ids(ExportFilters.parse(verdict="disputed")) == {
        claims.corrected.pk,
        claims.returned.pk,
        claims.disputed.pk,
        claims.dam_cost.pk,
    }
    assert ids(ExportFilters.parse(verdict="unverified,disputed")) == where(verdict__in=["unverified", "disputed"])


def test_document_narrows_to_the_claims_occurring_there(newsroom):
    docs, claims = newsroom.docs, newsroom.claims
    assert ids(ExportFilters.parse(document=str(docs.report.pk))) == {claims.approved.pk, claims.corrected.pk}
    both = ExportFilters.parse(document=f"{docs.survey.pk},{docs.report.pk}")
    assert both.document == tuple(sorted([docs.survey.pk, docs.report.pk]))
    assert ids(both) == {claims.approved.pk, claims.corrected.pk, claims.pending.pk}
    # The survey is only cited by the first claim: citing is not occurring.
    assert claims.approved.pk not in ids(ExportFilters.parse(document=[docs.survey.pk]))
    # A claim whose sentence a later version of the article dropped was checked there: it stays one of its claims.
    dam = {claims.approved.pk, claims.dam_cost.pk, claims.dam_delay.pk}
    assert ids(ExportFilters.parse(document=[docs.dam.pk])) == dam


def test_since_narrows_to_the_claims_changed_at_or_after_it(newsroom, reviewer):
    claims = newsroom.claims
    # The first claim was last changed at its approval, 2025-03-02 10:11:12.98; every other one later.
    assert ids(ExportFilters.parse(since="2025-03-02T10:11")) == where()
    assert ids(ExportFilters.parse(since="2025-03-02T10:12")) == where() - {claims.approved.pk}
    assert ids(ExportFilters.parse(since="2025-06-01")) == where() - {claims.approved.pk}
    workflow.claim_comment(claim_id=claims.pending.pk, actor=reviewer, comment="Worth a look.")
    later = ExportFilters.parse(since=datetime.datetime.now(UTC) + datetime.timedelta(minutes=1))
    assert ids(later) == set()  # a comment is not a change of the claim


def test_claim_ids_narrow_to_that_selection(newsroom):
    claims = newsroom.claims
    filters = ExportFilters.parse(claim_ids=[claims.pending.pk, str(claims.disputed.pk), claims.pending.pk])
    assert filters.claim_ids == tuple(sorted([claims.pending.pk, claims.disputed.pk]))
    assert ids(filters) == {claims.pending.pk, claims.disputed.pk}


def test_filters_combine_every_one_must_hold(newsroom):
    docs, claims = newsroom.docs, newsroom.claims
    filters = ExportFilters.parse(status="approved", verdict="verified,disputed", document=[docs.report.pk])
    assert ids(filters) == {claims.approved.pk, claims.corrected.pk}
    filters = ExportFilters.parse(status="approved", verdict="disputed", document=[docs.report.pk], since="2025-06-01")
    assert ids(filters) == {claims.corrected.pk}
    assert ids(ExportFilters.parse(status="pending", verdict="verified")) == set()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_published_formats_default_to_approved_claims(newsroom, name):
    published = FORMATS[name].published
    assert published == (name in {"claimreview", "html"})
    filters = ExportFilters.parse(published=published)
    assert filters.status == (("approved",) if published else ())
    assert ids(filters) == (where(status="approved") if published else where())


def test_a_status_given_to_a_published_format_is_kept(newsroom):
    filters = ExportFilters.parse(status="in_review", published=True)
    assert filters.status == ("in_review",)


# --- Claims closed in triage -------------------------------------------------------------------------


def test_closed_claims_are_left_out_unless_a_filter_asks_for_them(triaged):
    closed = {claim.pk for claim in triaged.closed}
    assert len(closed) == 4 and where(status__in=CLOSED_STATUSES) == closed
    assert ids(ExportFilters()) == where() - closed
    assert ids(ExportFilters.parse(verdict="verified")) == where(verdict="verified")  # none closed has a verdict
    open_in_briefing = {triaged.survivor.pk, triaged.worded.pk, *(part.pk for part in triaged.parts)}
    assert ids(ExportFilters.parse(document=[triaged.briefing.pk])) == open_in_briefing
    # Asked for: all of them, by status, by selection. (The merged claims' sentences are their survivor's now.)
    assert ids(ExportFilters(include_closed=True)) == where()
    assert ids(ExportFilters.parse(document=[triaged.briefing.pk], include_closed="true")) == open_in_briefing | {
        triaged.dismissed.pk,
        triaged.split.pk,
    }
    assert ids(ExportFilters.parse(status="dismissed")) == {triaged.dismissed.pk}
    assert ids(ExportFilters.parse(status="merged,pending")) == where(status__in=["merged", "pending"])
    assert ids(ExportFilters.parse(claim_ids=[triaged.split.pk, triaged.parts[0].pk])) == {
        triaged.split.pk,
        triaged.parts[0].pk,
    }


@pytest.mark.parametrize(
    "raw, expected",
    [(True, True), (False, False), ("true", True), ("1", True), (" Yes", True), ("on", True), ("false", False),
     ("0", False), ("no", False), ("off", False), ("", False), (None, False)],
)  # fmt: skip
def test_include_closed_reads_a_flag_or_its_text(db, raw, expected):
    assert ExportFilters.parse(include_closed=raw).include_closed is expected


def test_published_formats_with_include_closed_default_to_approved_and_closed_claims(triaged):
    filters = ExportFilters.parse(include_closed=True, published=True)
    assert filters.status == ("approved", "dismissed", "merged", "split")
    assert ids(filters) == where(status__in=["approved", *CLOSED_STATUSES])
    # A status given is kept as it is.
    assert ExportFilters.parse(status="in_review", include_closed=True, published=True).status == ("in_review",)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_leaves_the_closed_claims_out_unless_asked_for(triaged, name):
    published = FORMATS[name].published
    closed = {claim.pk for claim in triaged.closed}
    # The HTML report lists claims by the articles they occur in: a merged claim's sentence is its survivor's.
    listed = closed - ({claim.pk for claim in triaged.merged} if name == "html" else set())

    def claims(**options) -> set[int]:
        return set(exported_ids(name, exported(name, ExportFilters.parse(published=published, **options))))

    assert not claims() & closed
    if name == "claimreview":  # it publishes approved claims, and a closed claim never is
        assert claims(include_closed=True) == claims() == where(status="approved")
        assert claims(status="dismissed,merged,split") == set()
        assert set(exported_ids(name, exported(name, ExportFilters(claim_ids=tuple(closed))))) == set()
        return
    assert claims(include_closed=True) & closed == listed
    assert claims(status="dismissed") == {triaged.dismissed.pk}
    assert claims(status="merged,split") == listed - {triaged.dismissed.pk}
    assert set(exported_ids(name, exported(name, ExportFilters(claim_ids=tuple(closed))))) == listed


@pytest.mark.parametrize(
    "field, kwargs, message",
    [
        ("status", {"status": "aproved"}, "Unknown status 'aproved': choose from pending, in_progress, in_review, "
                                          "returned, approved, dismissed, merged, split."),
        ("include_closed", {"include_closed": "maybe"}, "'maybe' is not true or false."),
        ("status", {"status": "approved,Approved"}, "Unknown status 'Approved'"),
        ("verdict", {"verdict": "true"}, "Unknown verdict 'true': choose from verified, disputed, unverified."),
        ("document", {"document": "abc"}, "'abc' is not a document id: expected a whole number."),
        ("document", {"document": "0"}, "'0' is not a document id"),
        ("document", {"document": "-3"}, "'-3' is not a document id"),
        ("document", {"document": "1.5"}, "'1.5' is not a document id"),
        ("document", {"document": "²"}, "'²' is not a document id"),
        ("document", {"document": "١"}, "'١' is not a document id"),
        ("document", {"document": str(2**63)}, f"'{2**63}' is not a document id"),
        ("document", {"document": "999999"}, "Document 999999 does not exist."),
        ("since", {"since": "yesterday"}, "'yesterday' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM."),
        ("since", {"since": "2025-13-01"}, "'2025-13-01' is not a date"),
        ("since", {"since": "2025-02-30T10:00"}, "'2025-02-30T10:00' is not a date"),
        ("claim_ids", {"claim_ids": ["7", "x"]}, "'x' is not a claim id: expected a whole number."),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_naming_its_filter(db, field, kwargs, message):
    with pytest.raises(FilterError) as raised:
        ExportFilters.parse(**kwargs)
    assert raised.value.field == field
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-06-01", datetime.datetime(2025, 6, 1, tzinfo=UTC)),
        ("2025-06-01T12:30", datetime.datetime(2025, 6, 1, 12, 30, tzinfo=UTC)),
        (" 2025-06-01T12:30:15Z ", datetime.datetime(2025, 6, 1, 12, 30, 15, tzinfo=UTC)),
        ("2025-06-01T12:30+02:00", datetime.datetime(2025, 6, 1, 10, 30, tzinfo=UTC)),
        (datetime.date(2025, 6, 1), datetime.datetime(2025, 6, 1, tzinfo=UTC)),
        (datetime.datetime(2025, 6, 1, 8), datetime.datetime(2025, 6, 1, 8, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_since_reads_dates_and_times_as_utc(raw, expected):
    since = ExportFilters.parse(since=raw).since
    assert since == expected
    if since is not None:
        assert since.utcoffset() == datetime.timedelta(0)


def test_describe_and_as_dict_show_the_filters(newsroom):
    docs, claims = newsroom.docs, newsroom.claims
    filters = ExportFilters.parse(
        status="approved,in_review", verdict="disputed", document=f"{docs.report.pk},{docs.digest.pk}",
        since="2025-06-01T12:30+02:00", claim_ids=[claims.corrected.pk, claims.disputed.pk],
    )  # fmt: skip
    assert filters.describe() == (
        f"status approved or in review; verdict disputed; documents {docs.report.pk}, {docs.digest.pk}; "
        "changed since 2025-06-01 10:30 UTC; 2 selected claims"
    )
    assert filters.as_dict() == {
        "status": ["approved", "in_review"],
        "verdict": ["disputed"],
        "document": [docs.report.pk, docs.digest.pk],
        "since": "2025-06-01T10:30:00+00:00",
        "claims": sorted([claims.corrected.pk, claims.disputed.pk]),
        "include_closed": False,
    }
    assert ids(filters) == {claims.corrected.pk, claims.disputed.pk}


def test_describe_says_which_claims_and_counts_one_selected_claim(newsroom):
    assert ExportFilters().describe() == "all claims but those closed in triage"
    assert ExportFilters(include_closed=True).describe() == "all claims, those closed in triage too"
    one = ExportFilters.parse(document=[newsroom.docs.report.pk], claim_ids=[newsroom.claims.approved.pk])
    assert one.describe() == f"document {newsroom.docs.report.pk}; 1 selected claim"


def test_describe_and_as_dict_say_whether_the_closed_claims_are_in(newsroom):
    report = newsroom.docs.report.pk
    left_out = ExportFilters.parse(verdict="disputed")
    assert left_out.describe() == "verdict disputed; claims closed in triage left out"
    assert left_out.as_dict()["include_closed"] is False
    included = ExportFilters.parse(document=[report], include_closed=True)
    assert included.describe() == f"document {report}; claims closed in triage included"
    assert included.as_dict() == {
        "status": [], "verdict": [], "document": [report], "since": None, "claims": [], "include_closed": True,
    }  # fmt: skip
    # A status or a selection says which claims are in already.
    assert ExportFilters.parse(status="dismissed").describe() == "status dismissed"
    assert ExportFilters.parse(status="approved", include_closed=True).describe() == "status approved"
    assert ExportFilters.parse(claim_ids=[7, 8], include_closed=True).describe() == "2 selected claims"
