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
