import pytest
from django.db.models import Case, IntegerField, Q, Value, When

from annotations import workflow
from annotations.models import Claim
from annotations.pagination import FirstGroupPaginator, IdFirstPaginator
from annotations.tests.conftest import document_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(db):
    sentences = [f"Report number {i} says {i * 3} houses were damaged in the storm." for i in range(40)]
    workflow.document_load(document=document_input(" ".join(sentences), "Storm", sentences))
    return list(Claim.objects.order_by("id").values_list("id", flat=True))


def annotated(first):
    return Claim.objects.annotate(
        group=Case(When(first, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("group", "id")


@pytest.mark.parametrize("mine", [[], [3], [0, 5, 17, 39], list(range(0, 40, 3))])
@pytest.mark.parametrize("per_page", [1, 7, 10, 50])
def test_first_group_pages_equal_the_plain_ordering(claims, editor, mine, per_page):
    for index in mine:
        workflow.claim_assign(claim_id=claims[index], actor=editor)
    first = Q(assignee_id=editor.pk, status__in=["in_progress", "returned"])
    expected = list(annotated(first).values_list("id", flat=True))
    fast = FirstGroupPaginator(annotated(first), per_page, first=first, ordering=("group", "id"))
    plain = IdFirstPaginator(annotated(first), per_page)
    got = [row.pk for number in fast.page_range for row in fast.page(number).object_list]
    assert got == expected
    assert [row.pk for number in plain.page_range for row in plain.page(number).object_list] == expected
    if mine:
        assert got[: len(mine)] == [claims[i] for i in mine]


def test_first_group_falls_back_for_other_orderings(claims, editor):
    workflow.claim_assign(claim_id=claims[5], actor=editor)
    first = Q(assignee_id=editor.pk)
    queryset = annotated(first).order_by("-id")
    paginator = FirstGroupPaginator(queryset, 10, first=first, ordering=("group", "id"))
    assert [row.pk for row in paginator.page(1).object_list] == claims[::-1][:10]


def test_first_group_page_queries_do_not_grow_with_the_page(claims, editor, django_assert_max_num_queries):
    workflow.claim_assign(claim_id=claims[1], actor=editor)
    first = Q(assignee_id=editor.pk, status__in=["in_progress"])
    paginator = FirstGroupPaginator(annotated(first), 10, first=first, ordering=("group", "id"))
    with django_assert_max_num_queries(5):
        assert len(paginator.page(1).object_list) == 10
    with django_assert_max_num_queries(5):
        assert len(paginator.page(4).object_list) == 10


# --- The claim list's order: my open work, then the most worth checking, then id --------------------


def by_worth(first):
    return Claim.objects.annotate(
        group=Case(When(first, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("group", "-checkworthiness", "id")


@pytest.fixture
def scored(claims):
    """Give the claims scores with many ties (five values) in an order unrelated to their ids."""
    for index, pk in enumerate(claims):
        Claim.objects.filter(pk=pk).update(checkworthiness=[0.5, 0.9, 0.1, 0.5, 0.75][(index * 7) % 5])
    return claims


@pytest.mark.parametrize("mine", [[], [3], [0, 5, 17, 39], list(range(0, 40, 3)), list(range(40))])
@pytest.mark.parametrize("per_page", [1, 7, 10, 50])
def test_first_group_pages_by_worth_equal_the_plain_ordering(scored, editor, mine, per_page):
    for index in mine:
        workflow.claim_assign(claim_id=scored[index], actor=editor)
    first = Q(assignee_id=editor.pk, status__in=["in_progress", "returned"])
    ordering = ("group", "-checkworthiness", "id")
    expected = list(by_worth(first).values_list("id", flat=True))
    worth = dict(Claim.objects.values_list("id", "checkworthiness"))
    assert expected == sorted(worth, key=lambda pk: (pk not in {scored[i] for i in mine}, -worth[pk], pk))
    fast = FirstGroupPaginator(by_worth(first), per_page, first=first, ordering=ordering)
    plain = IdFirstPaginator(by_worth(first), per_page)
    for number in fast.page_range:
        got = [row.pk for row in fast.page(number).object_list]
        assert got == [row.pk for row in plain.page(number).object_list], f"page {number}"
        assert got == expected[(number - 1) * per_page : number * per_page], f"page {number}"


def test_first_group_by_worth_serves_a_filtered_list(scored, editor):
    for index in (2, 4, 9):
        workflow.claim_assign(claim_id=scored[index], actor=editor)
    first = Q(assignee_id=editor.pk, status__in=["in_progress", "returned"])
    filtered = by_worth(first).filter(checkworthiness__gte=0.5)
    expected = list(filtered.values_list("id", flat=True))
    fast = FirstGroupPaginator(filtered, 4, first=first, ordering=("group", "-checkworthiness", "id"))
    assert [row.pk for number in fast.page_range for row in fast.page(number).object_list] == expected
    assert len(expected) == fast.count < len(scored)
