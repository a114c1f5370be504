"""Reports over the API: streamed, filtered like the command, refused clearly on bad filters."""

import csv
import io
import json

import pytest

from annotations.models import Claim, ClaimStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client_for, editor):
    """An editor's API client."""
    return client_for(editor)


ADDRESSES = {
    "csv": "/api/reports/claims.csv",
    "json": "/api/reports/claims.json",
    "jsonl": "/api/reports/claims.jsonl",
    "claimreview": "/api/reports/claimreview.jsonld",
    "html": "/api/reports/report.html",
}


def body(response) -> str:
    assert response.streaming, "an export must be streamed"
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    ("name", "content_type", "file_name"),
    [
        ("csv", "text/csv; charset=utf-8", "claims.csv"),
        ("json", "application/json", "claims.json"),
        ("jsonl", "application/jsonl", "claims.jsonl"),
        ("claimreview", "application/ld+json", "claimreview.jsonld"),
        ("html", "text/html; charset=utf-8", "report.html"),
    ],
)
def test_each_report_streams_its_format_as_an_attachment(api, documents, name, content_type, file_name):
    response = api.get(ADDRESSES[name], HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{file_name}"'
    assert body(response)


def test_the_csv_report_holds_every_claim_by_default(api, documents):
    response = api.get(ADDRESSES["csv"], HTTP_ACCEPT="text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == Claim.objects.count() == 3
    assert response["Export-Filters"] == "all claims"


def test_published_reports_default_to_approved_claims(api, documents):
    response = api.get(ADDRESSES["html"])
    assert response["Export-Filters"] == "status approved"
    assert "status approved" in body(response)


def test_the_filters_narrow_the_report_and_are_shown(api, documents):
    response = api.get(ADDRESSES["jsonl"], {"status": "pending", "document": str(documents.report.pk)})
    records = [json.loads(line) for line in body(response).splitlines()]
    assert records and all(r["status"] == ClaimStatus.PENDING for r in records)
    assert all(any(o["document"] == documents.report.pk for o in r["occurrences"]) for r in records)
    assert len(records) == len(documents.report_claims)
    assert response["Export-Filters"] == f"status pending; document {documents.report.pk}"


def test_the_json_report_carries_the_history_on_request(api, documents):
    without = json.loads(body(api.get(ADDRESSES["json"])))
    with_history = json.loads(body(api.get(ADDRESSES["json"], {"history": "true"})))
    assert "history" not in without["claims"][0]
    assert with_history["claims"][0]["history"][0]["action"] == "created"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"verdict": "true"}, "verdict"),
        ({"document": "abc"}, "document"),
        ({"document": "999999"}, "document"),
        ({"since": "yesterday"}, "since"),
        ({"history": "perhaps"}, "history"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(api, documents, query, field):
    response = api.get(ADDRESSES["jsonl"], query)
    assert response.status_code == 400
    assert field in response.json()


def test_history_is_refused_for_a_report_without_it(api, documents):
    response = api.get(ADDRESSES["csv"], {"history": "true"})
    assert response.status_code == 400
    assert "history" in response.json()
