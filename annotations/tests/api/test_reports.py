"""Reports over the API: streamed, filtered like the command, refused clearly on bad filters."""

import csv
import io
import json

import pytest

from annotations import workflow
from annotations.models import Claim, ClaimStatus
from annotations.tests.conftest import CLAIM_TEXT, SURVEY_CLAIM_TEXT
from annotations.tests.exports.conftest import exported_ids

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
    assert response["Export-Filters"] == "all claims but those closed in triage"  # none is closed here


def ids_in(name, response) -> list[int]:
    assert response.status_code == 200
    return exported_ids(name, b"".join(response.streaming_content))


@pytest.fixture
def dismissed(documents, editor, reviewer):
    """The survey's claim, dismissed; the report's first claim approved."""
    survey_claim = Claim.objects.get(text=SURVEY_CLAIM_TEXT)
    workflow.claim_dismiss(claim_id=survey_claim.pk, actor=editor, reason="out_of_scope", note="Not our beat.")
    approved = Claim.objects.get(text=CLAIM_TEXT)
    workflow.claim_assign(claim_id=approved.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=approved.pk, actor=editor, verdict="unverified", note="No data.")
    workflow.claim_submit(claim_id=approved.pk, actor=editor)
    workflow.claim_approve(claim_id=approved.pk, actor=reviewer)
    return survey_claim


@pytest.mark.parametrize("name", ["csv", "json", "jsonl"])
def test_closed_claims_are_in_a_report_only_when_asked_for(api, dismissed, name):
    everything = sorted(Claim.objects.values_list("pk", flat=True))
    others = [pk for pk in everything if pk != dismissed.pk]
    response = api.get(ADDRESSES[name])
    assert ids_in(name, response) == others
    assert response["Export-Filters"] == "all claims but those closed in triage"
    response = api.get(ADDRESSES[name], {"include_closed": "true"})
    assert ids_in(name, response) == everything
    assert response["Export-Filters"] == "all claims, those closed in triage too"
    assert ids_in(name, api.get(ADDRESSES[name], {"include_closed": "false"})) == others
    assert ids_in(name, api.get(ADDRESSES[name], {"status": "dismissed"})) == [dismissed.pk]


def test_the_published_reports_add_the_closed_claims_only_when_asked_for(api, dismissed):
    approved = list(Claim.objects.filter(status="approved").values_list("pk", flat=True))
    assert ids_in("html", api.get(ADDRESSES["html"])) == approved
    response = api.get(ADDRESSES["html"], {"include_closed": "true"})
    assert ids_in("html", response) == sorted([*approved, dismissed.pk])
    assert response["Export-Filters"] == "status approved or dismissed or merged or split"
    # ClaimReview publishes verdicts: a closed claim has none to publish.
    assert ids_in("claimreview", api.get(ADDRESSES["claimreview"], {"include_closed": "true"})) == approved


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
        ({"include_closed": "perhaps"}, "include_closed"),
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
