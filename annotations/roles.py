"""Roles are Django groups (see ``fixtures/roles.json``); superusers hold every role."""

EDITOR = "editor"
REVIEWER = "reviewer"


def _group_names(user) -> set[str]:
    # Cached on the user object: role checks run several times per request.
    cached = getattr(user, "_factcheck_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.pk else set()
        user._factcheck_groups = cached
    return cached


def is_reviewer(user) -> bool:
    """Return whether the user may approve, return and reopen claims."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or REVIEWER in _group_names(user)


def is_editor(user) -> bool:
    """Return whether the user may take claims and rule verdicts (reviewers may too)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool({EDITOR, REVIEWER} & _group_names(user))


def has_role(user) -> bool:
    """Return whether the user holds any fact-check role."""
    return is_editor(user) or is_reviewer(user)


def editors():
    """Return the active users who may be assigned claims (as ``is_editor`` decides), by name."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[EDITOR, REVIEWER]), is_active=True)
        .distinct()
        .order_by("username")
    )
