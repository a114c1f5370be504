"""Exports from the admin: the claim list's actions and the document page's buttons."""

import csv
import io
import json

import pytest
from django.urls import reverse

from annotations.models import Claim, ReviewEvent
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:annotations_claim_changelist"


def export(client, action, claims):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [str(c.pk) for c in claims]})


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_csv_action_exports_exactly_the_selection(client, editor, documents):
    client.force_login(editor)
    picked = Claim.objects.filter(text__in=[CLAIM_TEXT, SECOND_CLAIM_TEXT])
    events = ReviewEvent.objects.count()
    response = export(client, "export_csv", picked)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="claims.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert sorted(row["text"] for row in rows) == sorted([CLAIM_TEXT, SECOND_CLAIM_TEXT])
    assert response["Export-Filters"] == "2 selected claims"
    assert ReviewEvent.objects.count() == events  # exporting changes nothing


def test_the_json_action_exports_the_selection_with_its_documents(client, editor, claim):
    client.force_login(editor)
    data = json.loads(body(export(client, "export_json", [claim])))
    assert [c["id"] for c in data["claims"]] == [claim.pk]
    assert data["documents"][0]["title"] == "River report"


def test_the_claimreview_action_holds_only_the_approved_claims_of_the_selection(
    client, editor, claim, advance, documents
):
    advance(claim, "approved")
    other = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    client.force_login(editor)
    reviews = json.loads(body(export(client, "export_claimreview", [claim, other])))
    assert [r["claimReviewed"] for r in reviews] == [CLAIM_TEXT]


def test_the_html_action_reports_the_selection(client, editor, claim):
    client.force_login(editor)
    html = body(export(client, "export_html", [claim]))
    assert CLAIM_TEXT in html and "1 selected claim" in html


def test_a_user_without_a_role_cannot_export(client, outsider, claim):
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    response = export(client, "export_csv", [claim])
    assert response.status_code in (302, 403)
    assert not getattr(response, "streaming", False)


def test_the_document_page_offers_its_report_and_csv(client, editor, documents):
    client.force_login(editor)
    html = client.get(reverse("admin:annotations_sourcedocument_change", args=[documents.report.pk])).content.decode()
    report = reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "html"])
    table = reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "csv"])
    assert f'href="{report}"' in html and f'href="{table}"' in html


def test_the_document_csv_holds_its_claims_and_the_report_its_approved_ones(client, editor, documents, claim, advance):
    advance(claim, "approved")
    client.force_login(editor)
    response = client.get(reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "csv"]))
    assert response["Content-Disposition"] == f'attachment; filename="document-{documents.report.pk}-claims.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert sorted(r["text"] for r in rows) == sorted(documents.report_claims)
    html = body(client.get(reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "html"])))
    second = Claim.objects.get(text=SECOND_CLAIM_TEXT)  # in the article's text, but not reported
    assert f'id="claim-{documents.report.pk}-{claim.pk}"' in html
    assert f'id="claim-{documents.report.pk}-{second.pk}"' not in html


@pytest.mark.parametrize("address", ["{pk}/export/pdf/", "nope/export/csv/", "999999/export/csv/"])
def test_an_unknown_document_export_is_not_found(client, editor, documents, address):
    client.force_login(editor)
    url = reverse("admin:annotations_sourcedocument_changelist") + address.format(pk=documents.report.pk)
    assert client.get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, documents):
    response = client.get(reverse("admin:annotations_sourcedocument_export", args=[documents.report.pk, "csv"]))
    assert response.status_code == 302 and "/login/" in response["Location"]
