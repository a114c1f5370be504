"""Signing in (token and session), refusing anonymous and role-less callers, and throttling."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from annotations.api.permissions import HasFactcheckRole
from annotations.models import ReviewEvent

from .conftest import claim_url

pytestmark = pytest.mark.django_db


# --- Tokens -------------------------------------------------------------------------------------


def test_a_token_obtained_with_username_and_password_authenticates_requests(api, editor, documents):
    response = api.post("/api/auth/token/", {"username": "editor1", "password": "pw-editor1"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=editor).key

    caller = APIClient()
    assert caller.get("/api/claims/").status_code == 401
    caller.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = caller.get("/api/claims/")
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 3


def test_the_same_token_comes_back_on_the_next_sign_in(api, editor):
    first = api.post("/api/auth/token/", {"username": "editor1", "password": "pw-editor1"}).json()["token"]
    second = api.post("/api/auth/token/", {"username": "editor1", "password": "pw-editor1"}).json()["token"]
    assert first == second


def test_a_token_request_acts_as_its_user(api, editor, claim):
    token = Token.objects.create(user=editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(claim_url(claim, "assign"), format="json")
    assert response.status_code == 200
    assert response.json()["assignee"] == "editor1"
    assert ReviewEvent.objects.filter(claim=claim).latest("id").actor == editor


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "editor1", "password": "wrong"},
        {"username": "nobody", "password": "pw-editor1"},
        {"username": "editor1"},
        {},
    ],
)
def test_a_wrong_or_missing_password_is_400_json(api, editor, credentials):
    response = api.post("/api/auth/token/", credentials, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_a_wrong_password_names_the_reason(api, editor):
    response = api.post("/api/auth/token/", {"username": "editor1", "password": "wrong"}, format="json")
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_an_inactive_user_gets_no_token(api, editor):
    editor.is_active = False
    editor.save()
    response = api.post("/api/auth/token/", {"username": "editor1", "password": "pw-editor1"}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Token", "Token a b", "Bearer abc"])
def test_a_bad_token_is_401_with_a_json_detail(api, editor, documents, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/claims/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_token_of_a_deactivated_user_is_refused(api, editor, documents):
    token = Token.objects.create(user=editor)
    editor.is_active = False
    editor.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/claims/")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


# --- Sessions -----------------------------------------------------------------------------------


def test_a_session_login_authenticates_reads_and_writes(api, editor, claim):
    # Through the admin's login form: django-axes needs the request, which the test client's login() does not pass.
    assert api.post("/admin/login/", {"username": "editor1", "password": "pw-editor1"}).status_code == 302
    assert api.get("/api/claims/").status_code == 200
    response = api.post(claim_url(claim, "assign"), format="json")
    assert response.status_code == 200
    assert response.json()["assignee"] == "editor1"


def test_force_login_works_as_a_session(api, reviewer, claim):
    api.force_login(reviewer)
    response = api.get(claim_url(claim))
    assert response.status_code == 200


def test_a_session_write_without_the_csrf_token_is_refused(editor, claim, claim_state):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(editor)
    before = claim_state(claim)
    response = browser.post(claim_url(claim, "assign"), format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert claim_state(claim) == before


def test_a_token_write_needs_no_csrf_token(editor, claim):
    caller = APIClient(enforce_csrf_checks=True)
    caller.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    assert caller.post(claim_url(claim, "assign"), format="json").status_code == 200


def test_after_logout_the_session_no_longer_authenticates(api, editor, documents):
    api.force_login(editor)
    api.logout()
    assert api.get("/api/claims/").status_code == 401


# --- Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/claims/", "/api/documents/", "/api/claims/CLAIM/history/"])
def test_an_anonymous_caller_is_401_with_a_json_detail(api, claim, url):
    response = api.get(url.replace("CLAIM", str(claim.pk)))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/claims/"), ("get", "/api/documents/"), ("get", "CLAIM/"), ("post", "CLAIM/comment/")],
)
def test_a_user_without_a_role_is_403_with_a_detail_naming_the_reason(client_for, outsider, claim, method, path):
    path = path.replace("CLAIM", f"/api/claims/{claim.pk}")
    response = getattr(client_for(outsider), method)(path, {"comment": "Hello."}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == HasFactcheckRole.message
    assert response.json()["code"] == "permission_denied"


def test_a_staff_user_without_a_role_is_still_refused(client_for, outsider, documents):
    outsider.is_staff = True
    outsider.save()
    assert client_for(outsider).get("/api/claims/").status_code == 403


# --- Throttling -----------------------------------------------------------------------------------


@pytest.fixture
def low_rates(settings, monkeypatch):
    """Lower the throttle rates to 2 a minute for anonymous callers and for each user."""
    rates = {"anon": "2/minute", "user": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    # The throttles read the rates once, when DRF is imported.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


def assert_throttled(response):
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_the_third_anonymous_request_in_a_minute_is_429(api, low_rates):
    assert api.get("/api/schema/?format=json").status_code == 200
    assert api.get("/api/docs/").status_code == 200
    assert_throttled(api.get("/api/schema/?format=json"))


def test_the_third_request_of_a_user_in_a_minute_is_429_and_others_are_unaffected(
    client_for, cast, documents, low_rates
):
    as_editor = client_for(cast.editor)
    assert as_editor.get("/api/claims/").status_code == 200
    assert as_editor.get("/api/documents/").status_code == 200
    assert_throttled(as_editor.get("/api/claims/"))
    assert client_for(cast.editor2).get("/api/claims/").status_code == 200


def test_password_guessing_for_a_token_is_throttled(api, editor, low_rates):
    for guess in ("first", "second"):
        assert api.post("/api/auth/token/", {"username": "editor1", "password": guess}).status_code == 400
    response = api.post("/api/auth/token/", {"username": "editor1", "password": "pw-editor1"})
    assert_throttled(response)
    assert not Token.objects.exists()


# --- Throttles keyed on the client's address ------------------------------------------------------


def test_a_new_forwarded_for_header_on_each_request_does_not_dodge_the_throttle(api, low_rates, settings):
    settings.PROXY_COUNT = 0  # no proxy: the peer's address is the client's
    assert api.get("/api/schema/?format=json", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 200
    assert api.get("/api/schema/?format=json", HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 200
    assert_throttled(api.get("/api/schema/?format=json", HTTP_X_FORWARDED_FOR="10.0.0.3"))


def test_behind_a_proxy_the_throttle_counts_the_address_the_proxy_saw(api, low_rates, settings):
    settings.PROXY_COUNT = 1  # the proxy appends the address it received the request from
    for forged in ("1.1.1.1", "2.2.2.2"):
        assert api.get("/api/schema/?format=json", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7").status_code == 200
    assert_throttled(api.get("/api/schema/?format=json", HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.7"))
    # Another client behind the same proxy is counted on its own.
    assert api.get("/api/schema/?format=json", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_token_endpoint_is_throttled_by_address_whatever_the_header_says(api, low_rates, settings):
    settings.PROXY_COUNT = 0
    for n in range(2):
        api.post("/api/auth/token/", {"username": f"nobody{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
    assert_throttled(
        api.post("/api/auth/token/", {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="9.9.9.9")
    )
