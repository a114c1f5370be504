"""Signing in: who may, the lock-out after repeated failures (admin and API token), the passwords allowed.

django-axes counts failures per username and client address in the database; past
``AXES_FAILURE_LIMIT`` that pair is locked out for ``AXES_COOLOFF_TIME``, or until ``axes_reset``.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from factcheck.security import client_ip

pytestmark = pytest.mark.django_db

LIMIT = 3
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/auth/token/"


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def admin_sign_in(client, username, password, address="203.0.113.7"):
    """Post the admin's login form as a browser does (``next`` is a hidden field of the form)."""
    form = {"username": username, "password": password, "next": "/admin/"}
    return client.post(ADMIN_LOGIN, form, REMOTE_ADDR=address)


def token_sign_in(username, password, address="203.0.113.7"):
    # A fresh client each time: the anonymous throttle (per address) is not what is tested here.
    from django.core.cache import cache

    cache.clear()
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def signed_in_to_admin(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def assert_admin_locked_out(response):
    assert response.status_code == 429
    assert "Too many failed sign-ins for this username from your address" in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60


def assert_api_locked_out(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "locked_out"
    assert body["detail"].startswith("Too many failed sign-ins for this username from your address")
    assert int(response["Retry-After"]) == 15 * 60


def age_attempts(minutes):
    """Move every recorded failure ``minutes`` into the past, as if that time had gone by."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


# --- Who may sign in to the admin -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_role_holders_sign_in_to_the_admin_with_the_form_without_staff_status(client, request, who):
    user = request.getfixturevalue(who)
    assert not user.is_staff or user.is_superuser
    assert signed_in_to_admin(admin_sign_in(client, user.username, f"pw-{user.username}"))
    assert client.get("/admin/").status_code == 200


def test_a_user_without_a_role_or_staff_status_is_refused_by_the_form(client, outsider):
    response = admin_sign_in(client, "outsider", "pw-outsider")
    assert response.status_code == 200
    assert "an account with a fact-check role" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still anonymous


def test_an_inactive_role_holder_is_refused_by_the_form(client, editor):
    editor.is_active = False
    editor.save()
    assert admin_sign_in(client, "editor1", "pw-editor1").status_code == 200
    assert client.get("/admin/").status_code == 302


# --- Lock-out on the admin's login form -----------------------------------------------------------


def test_the_admin_locks_out_a_username_and_address_after_repeated_failures(client, editor):
    for _ in range(LIMIT - 1):
        response = admin_sign_in(client, "editor1", "wrong")
        assert response.status_code == 200  # the form again, with its error
    assert_admin_locked_out(admin_sign_in(client, "editor1", "wrong"))
    # Locked out: even the right password is refused, and no session is opened.
    assert_admin_locked_out(admin_sign_in(client, "editor1", "pw-editor1"))
    assert client.get("/admin/").status_code == 302


def test_an_admin_lock_out_spares_other_addresses_and_other_users(client, editor, reviewer):
    for _ in range(LIMIT):
        admin_sign_in(client, "editor1", "wrong")
    assert signed_in_to_admin(admin_sign_in(client, "editor1", "pw-editor1", address="198.51.100.20"))
    client.logout()
    assert signed_in_to_admin(admin_sign_in(client, "reviewer1", "pw-reviewer1"))


def test_an_admin_lock_out_ends_after_the_cool_off_time(client, editor):
    for _ in range(LIMIT):
        admin_sign_in(client, "editor1", "wrong")
    age_attempts(14)
    assert_admin_locked_out(admin_sign_in(client, "editor1", "pw-editor1"))
    age_attempts(16)
    assert signed_in_to_admin(admin_sign_in(client, "editor1", "pw-editor1"))


def test_axes_reset_unlocks_at_once(client, editor):
    for _ in range(LIMIT):
        admin_sign_in(client, "editor1", "wrong")
    call_command("axes_reset_username", "editor1", stdout=None)
    assert signed_in_to_admin(admin_sign_in(client, "editor1", "pw-editor1"))


def test_a_successful_sign_in_clears_the_earlier_failures(client, editor):
    for _ in range(LIMIT - 1):
        admin_sign_in(client, "editor1", "wrong")
    assert signed_in_to_admin(admin_sign_in(client, "editor1", "pw-editor1"))
    client.logout()
    for _ in range(LIMIT - 1):
        assert admin_sign_in(client, "editor1", "wrong").status_code == 200
    assert signed_in_to_admin(admin_sign_in(client, "editor1", "pw-editor1"))


def test_the_failure_log_keeps_no_password(client, editor):
    admin_sign_in(client, "editor1", "my-secret-guess")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("editor1", "203.0.113.7", 1)
    assert "my-secret-guess" not in attempt.post_data


# --- Lock-out on the API's token endpoint ---------------------------------------------------------


def test_the_token_endpoint_locks_out_a_username_and_address_after_repeated_failures(editor):
    for _ in range(LIMIT - 1):
        assert token_sign_in("editor1", "wrong").status_code == 400
    assert_api_locked_out(token_sign_in("editor1", "wrong"))
    assert_api_locked_out(token_sign_in("editor1", "pw-editor1"))
    assert not Token.objects.exists()
    # The same username from elsewhere, and another user from here, still get their tokens.
    assert token_sign_in("editor1", "pw-editor1", address="198.51.100.20").status_code == 200


def test_failures_on_the_admin_and_the_api_add_up(client, editor):
    for _ in range(LIMIT - 1):
        admin_sign_in(client, "editor1", "wrong")
    assert_api_locked_out(token_sign_in("editor1", "wrong"))


def test_an_api_lock_out_ends_after_the_cool_off_time_or_with_axes_reset(editor):
    for _ in range(LIMIT):
        token_sign_in("editor1", "wrong")
    age_attempts(16)
    assert token_sign_in("editor1", "pw-editor1").status_code == 200
    for _ in range(LIMIT):
        token_sign_in("editor1", "wrong")
    assert_api_locked_out(token_sign_in("editor1", "pw-editor1"))
    call_command("axes_reset", stdout=None)
    response = token_sign_in("editor1", "pw-editor1")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=editor).key


def test_a_token_sign_in_is_recorded_and_clears_the_earlier_failures(editor):
    for _ in range(LIMIT - 1):
        token_sign_in("editor1", "wrong")
    assert token_sign_in("editor1", "pw-editor1").status_code == 200
    editor.refresh_from_db()
    assert editor.last_login is not None
    assert not AccessAttempt.objects.exists()


def test_an_overlong_username_is_refused_as_invalid_input(editor):
    response = token_sign_in("e" * 151, "wrong")
    assert response.status_code == 400
    assert "username" in response.json()
    assert not AccessAttempt.objects.exists()


# --- The client's address -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.5"),  # no proxy configured: the header is the client's own claim
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # the client wrote 1.2.3.4 itself
        (2, "1.2.3.4, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.5"),  # fewer hops than proxies: not through them
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
    ],
)
def test_the_client_address_counts_proxies_from_the_right(settings, proxies, forwarded_for, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_behind_a_proxy_the_lock_out_follows_the_forwarded_address(client, editor, settings):
    settings.PROXY_COUNT = 1

    def through_proxy(client_address, password):
        return client.post(
            ADMIN_LOGIN, {"username": "editor1", "password": password, "next": "/admin/"},
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address,
        )  # fmt: skip

    for _ in range(LIMIT):
        through_proxy("203.0.113.7", "wrong")
    assert_admin_locked_out(through_proxy("203.0.113.7", "pw-editor1"))
    assert signed_in_to_admin(through_proxy("198.51.100.20", "pw-editor1"))


# --- Passwords ------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short-pw", "password1234", "123456789012345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    assert validate_password("correct-horse-battery-staple") is None  # a refusal raises ValidationError


def test_the_admin_password_change_form_applies_the_validators(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/password_change/",
        {"old_password": "pw-editor1", "new_password1": "short-pw", "new_password2": "short-pw"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password("pw-editor1")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "", "javascript:alert(1)"])
def test_signing_in_with_an_unsafe_or_no_next_lands_on_the_admin(client, editor, next_url):
    """Django's default landing page (/accounts/profile/) does not exist on this site."""
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    response = client.post(
        f"/admin/login/?next={next_url}", {"username": "editor1", "password": "pw-editor1", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
