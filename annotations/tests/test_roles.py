"""Roles: the Django groups editor and reviewer; superusers hold both."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from annotations import roles

pytestmark = pytest.mark.django_db

ROLES_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "roles.json"


@pytest.mark.parametrize(
    "who, edits, reviews",
    [
        ("editor", True, False),
        ("editor2", True, False),
        ("reviewer", True, True),  # a reviewer may also edit
        ("reviewer2", True, True),
        ("admin_user", True, True),
        ("outsider", False, False),
    ],
)
def test_each_user_holds_the_roles_of_their_groups(request, who, edits, reviews):
    user = request.getfixturevalue(who)
    assert (roles.is_editor(user), roles.is_reviewer(user), roles.has_role(user)) == (edits, reviews, edits or reviews)


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_nobody_and_anonymous_visitors_hold_no_role(user):
    assert (roles.is_editor(user), roles.is_reviewer(user), roles.has_role(user)) == (False, False, False)


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_an_inactive_user_holds_no_role(request, who):
    user = request.getfixturevalue(who)
    user.is_active = False
    assert (roles.is_editor(user), roles.is_reviewer(user), roles.has_role(user)) == (False, False, False)


def test_a_user_in_both_groups_is_an_editor_and_a_reviewer(editor, django_user_model):
    editor.groups.add(Group.objects.get(name=roles.REVIEWER))
    user = django_user_model.objects.get(pk=editor.pk)  # a fresh object, as each request has
    assert (roles.is_editor(user), roles.is_reviewer(user)) == (True, True)


def test_an_unsaved_user_holds_no_role_and_costs_no_query(django_user_model, django_assert_num_queries):
    user = django_user_model(username="draft")
    with django_assert_num_queries(0):
        assert (roles.is_editor(user), roles.is_reviewer(user), roles.has_role(user)) == (False, False, False)


def test_the_groups_are_read_once_per_user_object(reviewer, django_user_model, django_assert_num_queries):
    user = django_user_model.objects.get(pk=reviewer.pk)
    with django_assert_num_queries(1):
        for _ in range(3):
            assert roles.is_editor(user)
            assert roles.is_reviewer(user)
            assert roles.has_role(user)


def test_a_superuser_needs_no_group_and_no_query(admin_user, django_assert_num_queries):
    assert not admin_user.groups.exists()
    with django_assert_num_queries(0):
        assert (roles.is_editor(admin_user), roles.is_reviewer(admin_user)) == (True, True)


def test_the_role_names_are_the_groups_the_roles_fixture_loads():
    names = {entry["fields"]["name"] for entry in json.loads(ROLES_FIXTURE.read_text())}
    assert names == {roles.EDITOR, roles.REVIEWER}
    assert set(Group.objects.filter(name__in=names).values_list("name", flat=True)) == names


@pytest.mark.parametrize("name", [roles.EDITOR, roles.REVIEWER])
def test_no_role_may_add_change_or_delete_history_or_claims_directly(name):
    codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
    assert {
        "view_claim",
        "change_claim",
        "view_reviewevent",
        "add_evidence",
        "delete_evidence",
    } <= codenames
    forbidden = {
        "add_reviewevent",
        "change_reviewevent",
        "delete_reviewevent",
        "add_claim",
        "delete_claim",
    }
    assert not codenames & forbidden
