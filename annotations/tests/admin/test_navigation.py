"""The claim's place in its list (admin/navigation.py): the keyset neighbours and the scan that backs them up."""

import pytest
from django.db.models import F
from django.test import RequestFactory

from annotations import workflow
from annotations.admin import navigation
from annotations.models import Claim

pytestmark = pytest.mark.django_db


def in_order(queryset, ordering):
    """Return the ids of ``queryset`` as the database orders them by ``ordering``."""
    return list(queryset.order_by(*ordering).values_list("pk", flat=True))


def around(ids, claim_id):
    """Return the ids before and after ``claim_id`` in ``ids``."""
    at = ids.index(claim_id)
    return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)


def ids(claims):
    return [claim.pk for claim in claims]


@pytest.mark.parametrize(
    "ordering, positions",
    [
        (["-checkworthiness", "id"], [0, 1, 2, 3, 4]),  # the tie at 0.8 by id
        (["-checkworthiness", "-id"], [0, 2, 1, 3, 4]),
        (["checkworthiness", "id"], [4, 3, 1, 2, 0]),
        (["checkworthiness", "-pk"], [4, 3, 2, 1, 0]),
        (["-checkworthiness"], [0, 1, 2, 3, 4]),  # no id: ties broken by it, ascending
    ],
)
def test_each_claim_gets_the_claims_next_to_it(ranked, ordering, positions):
    """``queryset`` comes ordered, as the list is; the keyset orders its own queries."""
    expected = [ranked[at].pk for at in positions]
    listed = Claim.objects.order_by(*ordering)
    for claim in ranked:
        assert navigation._neighbours(listed, ordering, claim.pk, Claim.objects.all()) == around(expected, claim.pk), (
            claim.text
        )


def test_the_keyset_finds_the_next_claim_in_a_descending_order(ranked):
    terms = [("checkworthiness", True), ("id", False)]
    tied = {"checkworthiness": 0.8, "id": ranked[1].pk}
    assert navigation._beyond(Claim.objects.all(), terms, tied, forward=True) == ranked[2].pk
    assert navigation._beyond(Claim.objects.all(), terms, tied, forward=False) == ranked[0].pk
    first = {"checkworthiness": 0.9, "id": ranked[0].pk}
    assert navigation._beyond(Claim.objects.all(), terms, first, forward=False) is None


def test_the_keyset_finds_the_next_claim_in_an_ascending_order(ranked):
    terms = [("checkworthiness", False), ("id", False)]
    tied = {"checkworthiness": 0.8, "id": ranked[2].pk}
    assert navigation._beyond(Claim.objects.all(), terms, tied, forward=False) == ranked[1].pk
    assert navigation._beyond(Claim.objects.all(), terms, tied, forward=True) == ranked[0].pk
    last = {"checkworthiness": 0.9, "id": ranked[0].pk}
    assert navigation._beyond(Claim.objects.all(), terms, last, forward=True) is None


def test_values_between_rows_lead_to_the_rows_on_either_side(ranked):
    """A claim that left the list (acted on) still has the claims on either side of where it stood."""
    terms = [("checkworthiness", True), ("id", False)]
    gone = {"checkworthiness": 0.6, "id": 0}
    assert navigation._beyond(Claim.objects.all(), terms, gone, forward=True) == ranked[3].pk
    assert navigation._beyond(Claim.objects.all(), terms, gone, forward=False) == ranked[2].pk


def test_a_claim_filtered_out_of_the_list_is_placed_by_its_values(ranked):
    listed = Claim.objects.exclude(pk=ranked[1].pk)
    assert navigation._neighbours(listed, ["-checkworthiness", "id"], ranked[1].pk, Claim.objects.all()) == (
        ranked[0].pk,
        ranked[2].pk,
    )


def test_an_unknown_claim_has_no_neighbours(ranked):
    assert navigation._neighbours(Claim.objects.all(), ["-checkworthiness"], 987654, Claim.objects.all()) == (
        None,
        None,
    )


# --- Columns that may be empty (NULL), and orderings the keyset cannot compare --------------------


@pytest.fixture
def assigned(ranked, editor, editor2):
    """The ranked claims, two taken by the second editor and one by the first: the other two have none."""
    for claim, who in [(ranked[0], editor2), (ranked[2], editor), (ranked[3], editor2)]:
        workflow.claim_assign(claim_id=claim.pk, actor=who)
    for claim in ranked:
        claim.refresh_from_db()
    return ranked


@pytest.fixture
def scans(monkeypatch):
    """Record the claims placed by scanning the list."""
    scanned = []
    scan = navigation._scanned

    def recorded(queryset, claim_id):
        scanned.append(claim_id)
        return scan(queryset, claim_id)

    monkeypatch.setattr(navigation, "_scanned", recorded)
    return scanned


@pytest.mark.parametrize("ordering", [["assignee", "id"], ["-assignee", "id"], ["assignee", "-checkworthiness", "-id"]])
def test_a_column_that_may_be_empty_places_every_claim_where_the_database_sorts_it(assigned, scans, ordering):
    expected = in_order(Claim.objects.all(), ordering)
    listed = Claim.objects.order_by(*ordering)
    for claim in assigned:
        got = navigation._neighbours(listed, ordering, claim.pk, Claim.objects.all())
        assert got == around(expected, claim.pk), (claim.pk, claim.assignee_id, expected)
    # Only the claims with no assignee are placed by scanning; the others by the keyset, NULLs included.
    assert sorted(scans) == sorted(ids(claim for claim in assigned if claim.assignee_id is None))


def test_the_keyset_counts_the_empty_values_on_the_side_the_database_sorts_them(assigned):
    """NULLs sort last in PostgreSQL, first in SQLite: the claims next to them are found on both."""
    terms = [("assignee", False), ("id", False)]
    ordered = in_order(Claim.objects.all(), ["assignee", "id"])
    for claim in assigned:
        if claim.assignee_id is None:
            continue
        own = {"assignee": claim.assignee_id, "id": claim.pk}
        found = tuple(
            navigation._beyond(Claim.objects.all(), terms, own, forward=forward, nullable={"assignee"})
            for forward in (False, True)
        )
        assert found == around(ordered, claim.pk), (claim.pk, ordered)


@pytest.mark.parametrize(
    "name, empty",
    [("assignee", True), ("checkworthiness", False), ("id", False), ("updated_at", False), ("text", False)],
)
def test_which_columns_may_be_empty(name, empty):
    assert navigation._may_be_empty(Claim.objects.all(), name) is empty


def test_an_annotation_is_compared_as_never_empty(editor):
    queryset = Claim.objects.annotate(doubled=F("checkworthiness") * 2)
    assert navigation._may_be_empty(queryset, "doubled") is False


@pytest.mark.parametrize("name", ["evidence", "occurrences", "merged_claims", "nonsense", "assignee__username"])
def test_relations_that_repeat_a_claim_or_unknown_names_cannot_be_compared(name):
    with pytest.raises(ValueError):
        navigation._may_be_empty(Claim.objects.all(), name)


def test_an_ordering_by_an_expression_is_placed_by_scanning(ranked, scans):
    ordering = [F("text").desc(), "id"]
    expected = in_order(Claim.objects.all(), ordering)
    listed = Claim.objects.order_by(*ordering)
    for claim in ranked:
        assert navigation._neighbours(listed, ordering, claim.pk, Claim.objects.all()) == around(expected, claim.pk)
    assert sorted(scans) == sorted(ids(ranked))


def test_an_ordering_by_a_relation_that_repeats_claims_is_placed_by_scanning(ranked, scans, editor):
    ordering = ["evidence", "-pk"]
    navigation._neighbours(Claim.objects.order_by(*ordering), ordering, ranked[1].pk, Claim.objects.all())
    assert scans == [ranked[1].pk]


def test_the_scan_reads_the_list_in_order(ranked):
    listed = Claim.objects.order_by("-checkworthiness", "id")
    assert navigation._scanned(listed, ranked[0].pk) == (None, ranked[1].pk)
    assert navigation._scanned(listed, ranked[2].pk) == (ranked[1].pk, ranked[3].pk)
    assert navigation._scanned(listed, ranked[4].pk) == (ranked[3].pk, None)
    assert navigation._scanned(listed.exclude(pk=ranked[2].pk), ranked[2].pk) == (None, None)


def test_the_scan_stops_after_its_limit(ranked, monkeypatch):
    monkeypatch.setattr(navigation, "MAX_SCAN", 3)
    listed = Claim.objects.order_by("-checkworthiness", "id")
    assert navigation._scanned(listed, ranked[1].pk) == (ranked[0].pk, ranked[2].pk)
    assert navigation._scanned(listed, ranked[3].pk) == (None, None)  # beyond what was read


# --- Which list a page was opened from ------------------------------------------------------------


@pytest.mark.parametrize(
    "query, source",
    [
        ("from=queue", "from=queue"),
        ("_changelist_filters=worth%3Dhigh%26o%3D2", "_changelist_filters=worth%3Dhigh%26o%3D2"),
        ("_changelist_filters=", "_changelist_filters="),
        ("beside=3&_changelist_filters=p%3D1", "_changelist_filters=p%3D1"),
        ("", ""),
        ("beside=3", ""),
    ],
)
def test_the_source_query_names_the_list_and_nothing_else(query, source):
    assert navigation.source_query(RequestFactory().get(f"/claim/1/change/?{query}")) == source


def test_a_place_leads_to_claim_pages_of_the_same_list():
    place = navigation.Place(1, 3, "/admin/annotations/claim/?worth=high", "the claim list", "from=queue")
    assert place.claim_url(3) == "/admin/annotations/claim/3/change/?from=queue"
    assert place.claim_url(None) is None
    assert navigation.Place(None, None, "", "", "").claim_url(7) == "/admin/annotations/claim/7/change/"
