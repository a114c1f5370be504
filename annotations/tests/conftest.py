import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the roles once into the test database, as `make run` does."""
    with django_db_blocker.unblock():
        call_command("loaddata", "fixtures/roles.json", verbosity=0)


def ensure_roles():
    """Reload the roles if a transactional test flushed them away."""
    if not Group.objects.filter(name__in=["editor", "reviewer"]).count() == 2:
        call_command("loaddata", "fixtures/roles.json", verbosity=0)


def _user(django_user_model, username, *groups, **extra):
    ensure_roles()
    user = django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _user(django_user_model, "editor1", "editor")


@pytest.fixture
def editor2(db, django_user_model):
    return _user(django_user_model, "editor2", "editor")


@pytest.fixture
def reviewer(db, django_user_model):
    return _user(django_user_model, "reviewer1", "reviewer")


@pytest.fixture
def reviewer2(db, django_user_model):
    return _user(django_user_model, "reviewer2", "reviewer")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin1", "admin1@example.org", "pw-admin1")


@pytest.fixture
def outsider(db, django_user_model):
    """An authenticated user with no fact-check role."""
    return _user(django_user_model, "outsider")
