"""Input that once gave a server error under /api/: each is now a 4xx with a JSON body, and changes nothing.

Deeply nested JSON (the decoder's ``RecursionError``), tampered list cursors (a null or a NUL
character in the position), and Django's own 400s (a body over the size limit, too many fields)
and 500s, which came back as HTML pages.
"""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from annotations.api import parsers, views

from .conftest import claim_url, refusal

pytestmark = pytest.mark.django_db

NESTED = "[" * 1000 + "]" * 1000  # 2 KB: past the decoder's recursion limit


@pytest.fixture
def reader(client_for, editor):
    return client_for(editor)


def test_deeply_nested_json_is_a_400_on_the_anonymous_token_endpoint(api):
    body = refusal(api.post("/api/auth/token/", NESTED, content_type="application/json"), 400)
    assert body["detail"] == parsers.MSG_TOO_DEEP


@pytest.mark.parametrize("action", ["assign", "verdict", "evidence", "comment", "dismiss", "merge", "split"])
def test_deeply_nested_json_is_a_400_on_every_claim_action(client_for, editor, claim, nothing_changes, action):
    with nothing_changes(claim):
        response = client_for(editor).post(claim_url(claim, action), NESTED, content_type="application/json")
        assert refusal(response, 400)["detail"] == parsers.MSG_TOO_DEEP


def test_deeply_nested_json_is_a_400_when_adding_a_document(client_for, editor):
    response = client_for(editor).post("/api/documents/", NESTED, content_type="application/json")
    assert refusal(response, 400)["detail"] == parsers.MSG_TOO_DEEP


def cursor(position: str) -> str:
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


@pytest.mark.parametrize(
    "position",
    [
        json.dumps([None, None]),
        json.dumps([None]),
        json.dumps(["0.5", None]),
        json.dumps(["0.5\x00", "1"]),
        json.dumps(["\x00", "\x00"]),
        json.dumps([["0.5"], "1"]),
        "[" * 2000 + "]" * 2000,
    ],
    ids=["nulls", "one-null", "null-id", "nul-score", "nuls", "nested-list", "deep"],
)
def test_a_tampered_cursor_is_a_404_naming_the_cursor(reader, signal_claims, position):
    body = refusal(reader.get("/api/claims/", {"cursor": cursor(position)}), 404)
    assert body["detail"] == "Invalid cursor"


def test_a_cursor_written_by_the_api_still_walks_the_list(reader, signal_claims):
    first = reader.get("/api/claims/", {"page_size": 2}).json()
    second = reader.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == min(4, len(signal_claims))


def test_a_body_over_the_size_limit_is_a_json_400(client_for, editor, claim, settings, nothing_changes):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    with nothing_changes(claim):
        response = client_for(editor).post(claim_url(claim, "comment"), {"comment": "x" * 5000}, format="json")
        body = refusal(response, 400)
    assert body["code"] == "bad_request"
    assert "exceeded" in body["detail"]


def test_too_many_form_fields_is_a_json_400(client_for, editor, claim, settings, nothing_changes):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = urlencode([(f"f{n}", "1") for n in range(50)] + [("comment", "hello")])
    with nothing_changes(claim):
        response = client_for(editor).post(
            claim_url(claim, "comment"), fields, content_type="application/x-www-form-urlencoded"
        )
        body = refusal(response, 400)
    assert body["code"] == "bad_request"


def test_an_unexpected_error_under_the_api_is_a_json_500(editor, claim, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.ClaimViewSet, "retrieve", broken)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    response = client.get(f"/api/claims/{claim.pk}/")
    body = refusal(response, 500)
    assert body == {"detail": views.MSG_SERVER_ERROR, "code": "server_error"}


def test_outside_the_api_the_error_pages_stay_html(editor, monkeypatch, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = Client()
    client.force_login(editor)
    fields = urlencode([(f"f{n}", "1") for n in range(50)])
    response = client.post("/admin/login/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("written", ["１", "١", "𝟏", "1٠", " 1", "+1", "1.0", "0x1"])
def test_an_id_in_an_address_is_ascii_digits_only(reader, claim, documents, written):
    """``int()`` reads fullwidth and Arabic-Indic digits: ``/api/claims/１/`` answered claim 1."""
    from urllib.parse import quote

    for collection in ("claims", "documents", "evidence", "imports", "feeds"):
        response = reader.get(f"/api/{collection}/{quote(written)}/")
        body = refusal(response, 404)
        assert body["code"] == "not_found", (collection, written)


def test_an_ascii_id_still_finds_its_claim(reader, claim):
    assert reader.get(f"/api/claims/{claim.pk}/").json()["id"] == claim.pk
