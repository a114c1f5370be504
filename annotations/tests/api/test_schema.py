"""The OpenAPI schema and its documentation page, whose assets are served from this site."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve
from django.core.management import call_command
from django.urls import include, path, re_path

pytestmark = pytest.mark.django_db

# The site's URLs plus static files served by the test client, as `runserver` (or the web server
# in front of the site, after collectstatic) serves them.
urlpatterns = [
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
    path("", include("factcheck.urls")),
]

CLAIM_PATHS = [
    "/api/claims/",
    "/api/claims/{id}/",
    "/api/claims/{id}/assign/",
    "/api/claims/{id}/verdict/",
    "/api/claims/{id}/submit/",
    "/api/claims/{id}/approve/",
    "/api/claims/{id}/return/",
    "/api/claims/{id}/reopen/",
    "/api/claims/{id}/comment/",
    "/api/claims/{id}/dismiss/",
    "/api/claims/{id}/restore/",
    "/api/claims/{id}/wording/",
    "/api/claims/{id}/merge/",
    "/api/claims/{id}/split/",
    "/api/claims/{id}/evidence/",
    "/api/claims/{id}/history/",
    "/api/claims/{id}/suggestions/",
    "/api/claims/{id}/suggestions/{suggestion_id}/attach/",
    "/api/evidence/{id}/",
    "/api/documents/",
    "/api/documents/{id}/",
]
# Intake: each path with its methods.
INTAKE_PATHS = {
    "/api/documents/": {"get", "post"},
    "/api/documents/{id}/": {"get", "patch"},
    "/api/documents/{id}/versions/": {"get"},
    "/api/imports/": {"get"},
    "/api/imports/{id}/": {"get"},
    "/api/imports/{id}/retry/": {"post"},
    "/api/feeds/": {"get", "post"},
    "/api/feeds/{id}/": {"get", "patch"},
    "/api/feeds/{id}/check/": {"post"},
}


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_openapi_3_json(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "factcheck API"


def test_the_schema_describes_every_claim_path(schema):
    assert set(CLAIM_PATHS) <= set(schema["paths"])
    assert set(schema["paths"]["/api/claims/{id}/verdict/"]) == {"post"}
    assert set(schema["paths"]["/api/claims/{id}/history/"]) == {"get"}
    assert set(schema["paths"]["/api/claims/{id}/evidence/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/evidence/{id}/"]) == {"get", "delete"}


def test_the_schema_describes_every_intake_path_and_method(schema):
    for address, methods in INTAKE_PATHS.items():
        assert set(schema["paths"].get(address, {})) - {"parameters"} == methods, address


def test_the_schema_describes_an_import_by_text_or_by_files(schema):
    operation = schema["paths"]["/api/documents/"]["post"]
    assert set(operation["responses"]) >= {"202", "400", "403"}
    body = operation["requestBody"]["content"]
    paste = schema["components"]["schemas"][body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert {"text", "url", "title", "publisher", "author", "published_on", "language"} == set(paste["properties"])
    upload = body["multipart/form-data"]["schema"]
    assert upload["properties"]["file"]["items"] == {"type": "string", "format": "binary"}  # files, not addresses
    assert upload["required"] == ["file"]


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/api/imports/{id}/retry/", "post", "202"),
        ("/api/feeds/", "post", "201"),
        ("/api/feeds/{id}/check/", "post", "202"),
        ("/api/documents/{id}/", "patch", "200"),
    ],
)
def test_intake_writes_declare_their_answer(schema, path, method, status):
    assert status in schema["paths"][path][method]["responses"]


def test_a_documents_edit_takes_its_revision_as_if_match(schema):
    operation = schema["paths"]["/api/documents/{id}/"]["patch"]
    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "If-Match"
    assert re.search(header["schema"]["pattern"], '"document-3-r2"')
    assert not re.search(header["schema"]["pattern"], '"claim-3-v2"')


def test_the_schema_documents_the_list_filters_and_action_inputs(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/claims/"]["get"]["parameters"]}
    assert {"status", "verdict", "document", "assignee", "q", "ordering", "cursor", "page_size"} <= parameters
    body = schema["paths"]["/api/claims/{id}/verdict/"]["post"]["requestBody"]["content"]["application/json"]
    verdict_input = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert {"verdict", "note", "version"} <= set(verdict_input["properties"])
    assert "verdict" in verdict_input["required"]


def test_the_list_filters_declare_what_they_accept(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/claims/"]["get"]["parameters"]}
    assert parameters["document"]["schema"]["type"] == "integer"
    pattern = re.compile(parameters["assignee"]["schema"]["pattern"])
    assert all(pattern.search(value) for value in ("me", "none", "12"))
    assert not any(pattern.search(value) for value in ("someone", "-1", "1.5", ""))


def component(schema, operation):
    """Return the component schema of ``operation``'s JSON request body."""
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    return schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]


def test_the_triage_endpoints_are_posts_declaring_their_inputs_and_errors(schema):
    for action in ("dismiss", "restore", "wording", "merge", "split"):
        path = schema["paths"][f"/api/claims/{{id}}/{action}/"]
        assert set(path) - {"parameters"} == {"post"}, action
        assert {"200", "400", "403", "404", "409", "412"} <= set(path["post"]["responses"]), action
        assert path["post"]["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ClaimDetail"
        }
    merge = component(schema, schema["paths"]["/api/claims/{id}/merge/"]["post"])
    assert merge["required"] == ["claims"]
    claims = merge["properties"]["claims"]
    assert (claims["type"], claims["items"]["type"], claims["minItems"]) == ("array", "integer", 1)
    split = component(schema, schema["paths"]["/api/claims/{id}/split/"]["post"])
    parts = split["properties"]["parts"]
    assert split["required"] == ["parts"]
    assert (parts["type"], parts["items"]["type"], parts["minItems"], parts["maxItems"]) == ("array", "string", 2, 10)
    dismiss = component(schema, schema["paths"]["/api/claims/{id}/dismiss/"]["post"])
    assert dismiss["required"] == ["reason"]
    reason = schema["components"]["schemas"][dismiss["properties"]["reason"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]]
    assert reason["enum"] == ["opinion", "not_factual", "furniture", "duplicate", "out_of_scope"]
    wording = component(schema, schema["paths"]["/api/claims/{id}/wording/"]["post"])
    assert set(wording["properties"]) == {"wording", "version"}


def test_the_claims_declare_the_triage_fields(schema):
    components = schema["components"]["schemas"]
    row, detail = components["Claim"]["properties"], components["ClaimDetail"]["properties"]
    for name in ("wording", "checked_text", "dismissal_note"):
        assert row[name]["type"] == "string", name
    assert row["checkworthiness"]["type"] == "number"
    for name in ("merged_into", "split_from"):
        assert (row[name]["type"], row[name]["nullable"]) == ("integer", True), name
    pattern = re.compile(row["dismissal_reason"]["pattern"])
    assert all(pattern.search(value) for value in ("", "opinion", "out_of_scope"))
    assert not any(pattern.search(value) for value in ("boring", "opinions", " opinion"))
    for name in ("merged_claims", "split_parts"):
        assert detail[name] == {**detail[name], "type": "array", "items": {"type": "integer"}}, name
    feature = components[detail["checkworthiness_features"]["items"]["$ref"].rsplit("/", 1)[-1]]
    assert {name: value["type"] for name, value in feature["properties"].items()} == {
        "feature": "string", "weight": "number", "found": "string",
    }  # fmt: skip
    assert "checkworthiness_features" not in row and "published_wording" in detail


def test_the_list_declares_the_triage_filters(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/claims/"]["get"]["parameters"]}
    assert parameters["include_closed"]["schema"]["type"] == "boolean"
    assert set(parameters["checkworthiness_band"]["schema"]["enum"]) == {"high", "medium", "low"}
    for name in ("checkworthiness_min", "checkworthiness_max"):
        assert parameters[name]["schema"]["type"] == "number", name
    assert {"dismissed", "merged", "split"} <= set(parameters["status"]["schema"]["enum"])
    assert "checkworthiness" in parameters["ordering"]["description"]


WRITES_WITH_VERSION = [
    ("/api/claims/{id}/assign/", "post"),
    ("/api/claims/{id}/verdict/", "post"),
    ("/api/claims/{id}/submit/", "post"),
    ("/api/claims/{id}/approve/", "post"),
    ("/api/claims/{id}/return/", "post"),
    ("/api/claims/{id}/reopen/", "post"),
    ("/api/claims/{id}/evidence/", "post"),
    ("/api/claims/{id}/suggestions/{suggestion_id}/attach/", "post"),
    ("/api/evidence/{id}/", "delete"),
    ("/api/claims/{id}/dismiss/", "post"),
    ("/api/claims/{id}/restore/", "post"),
    ("/api/claims/{id}/wording/", "post"),
    ("/api/claims/{id}/merge/", "post"),
    ("/api/claims/{id}/split/", "post"),
]


@pytest.mark.parametrize("path, method", WRITES_WITH_VERSION)
def test_writes_declare_if_match_and_answer_an_etag(schema, path, method):
    operation = schema["paths"][path][method]
    headers = [p for p in operation["parameters"] if p["in"] == "header"]
    assert [p["name"] for p in headers] == ["If-Match"]
    assert re.search(headers[0]["schema"]["pattern"], '"claim-12-v3"')
    success = next(r for code, r in operation["responses"].items() if code.startswith("2"))
    assert re.fullmatch(success["headers"]["ETag"]["schema"]["pattern"], '"claim-12-v3"')


def test_reads_answer_an_etag_and_take_no_if_match(schema):
    operation = schema["paths"]["/api/claims/{id}/"]["get"]
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert not [p for p in operation.get("parameters", []) if p["in"] == "header"]
    comment = schema["paths"]["/api/claims/{id}/comment/"]["post"]  # a comment does not change the claim
    assert not [p for p in comment.get("parameters", []) if p["in"] == "header"]


def test_the_schema_is_generated_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


SET_UP_SCRIPT = "/api/docs/?script="  # Swagger UI's set-up, served by the docs view: no inline script (CSP)


def test_the_docs_page_is_html_pointing_at_the_schema(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert f'<script src="{SET_UP_SCRIPT}"></script>'.encode() in response.content
    set_up = api.get(SET_UP_SCRIPT)
    assert set_up["Content-Type"].startswith("application/javascript")
    assert b'url: "/api/schema/"' in set_up.content


def test_the_docs_page_loads_nothing_from_another_site(api):
    page = api.get("/api/docs/").content.decode()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "cdn" not in page.lower()
    assert not re.search(r"https?://", page)


@pytest.mark.urls(__name__)
def test_the_docs_page_assets_are_served_from_static_files(api):
    page = api.get("/api/docs/").content.decode()
    assets = [a for a in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page) if a != SET_UP_SCRIPT]
    assert [a for a in assets if a.endswith(".js")] and [a for a in assets if a.endswith(".css")]
    static = "/" + settings.STATIC_URL.strip("/") + "/"
    for asset in assets:
        assert asset.startswith(static), asset
        assert finders.find(asset[len(static) :]), f"{asset} is not in any static files directory"
        response = api.get(asset)
        assert response.status_code == 200, asset
        assert b"".join(response.streaming_content)
