"""Refusals and bad input: JSON with a reason and the right status, never a 500, nothing changed."""

import pytest

from annotations import workflow
from annotations.models import ClaimStatus

from .conftest import claim_url, refusal

pytestmark = pytest.mark.django_db

IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
APPROVED = ClaimStatus.APPROVED


# --- Refused transitions: 409 with the workflow's message ----------------------------------------

REFUSED = [
    ("approve", "pending", "reviewer", {}, workflow.MSG_BAD_TRANSITION.format(what="approve", status="pending")),
    ("return", "in_progress", "reviewer", {"comment": "Why?"},
     workflow.MSG_BAD_TRANSITION.format(what="return", status="in progress")),
    ("reopen", "in_review", "reviewer", {"reason": "A correction."},
     workflow.MSG_BAD_TRANSITION.format(what="reopen", status="in review")),
    ("submit", "approved", "editor", {}, workflow.MSG_BAD_TRANSITION.format(what="submit", status="approved")),
    ("assign", "in_review", "editor2", {}, workflow.MSG_BAD_TRANSITION.format(what="assign", status="in review")),
    ("verdict", "in_review", "editor", {"verdict": "disputed"}, workflow.MSG_FROZEN.format(status="in review")),
    ("evidence", "approved", "editor", {"stance": "supports", "url": "https://example.org/x"},
     workflow.MSG_FROZEN.format(status="approved")),
]  # fmt: skip


@pytest.mark.parametrize(("path", "status", "who", "body", "message"), REFUSED)
def test_a_refused_transition_is_409_with_the_workflow_message(
    claim, advance, cast, client_for, nothing_changes, path, status, who, body, message
):
    claim = advance(claim, status)
    with nothing_changes(claim):
        response = client_for(getattr(cast, who)).post(claim_url(claim, path), body, format="json")
    assert refusal(response, 409) == {"detail": message, "code": "invalid_transition"}


def test_removing_evidence_from_a_claim_under_review_is_409(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_REVIEW)
    with nothing_changes(claim):
        response = client_for(cast.editor).delete(f"/api/evidence/{claim.evidence.get().pk}/")
    assert refusal(response, 409)["detail"] == workflow.MSG_FROZEN.format(status="in review")


def test_submitting_without_evidence_is_400_with_the_reason(claim, cast, client_for, nothing_changes):
    workflow.claim_assign(claim_id=claim.pk, actor=cast.editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=cast.editor, verdict="disputed")
    with nothing_changes(claim):
        response = client_for(cast.editor).post(claim_url(claim, "submit"), format="json")
    assert refusal(response, 400)["detail"] == workflow.MSG_NEEDS_EVIDENCE.format(article="A", verdict="disputed")


def test_assigning_a_claim_to_its_assignee_again_is_400(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_PROGRESS)
    with nothing_changes(claim):
        response = client_for(cast.editor).post(claim_url(claim, "assign"), format="json")
    assert refusal(response, 400)["detail"] == workflow.MSG_ALREADY_ASSIGNED.format(user="editor1")


def test_assigning_to_a_user_without_the_editor_role_is_400(claim, cast, client_for, nothing_changes):
    body = {"assignee": cast.outsider.pk}
    with nothing_changes(claim):
        response = client_for(cast.reviewer).post(claim_url(claim, "assign"), body, format="json")
    assert refusal(response, 400)["detail"] == workflow.MSG_ASSIGNEE_NOT_EDITOR.format(user=cast.outsider)


@pytest.mark.parametrize("assignee", [987654, 10**30])
def test_assigning_to_an_unknown_user_is_404(claim, cast, client_for, nothing_changes, assignee):
    with nothing_changes(claim):
        response = client_for(cast.reviewer).post(claim_url(claim, "assign"), {"assignee": assignee}, format="json")
    assert refusal(response, 404)["code"] == "not_found"


def test_an_action_on_an_unknown_claim_is_404(documents, cast, client_for):
    response = client_for(cast.editor).post("/api/claims/999999/assign/", format="json")
    assert refusal(response, 404)["detail"]


# --- Invalid input: 400 with the field's errors --------------------------------------------------

FIELD_ERRORS = [
    ("verdict", IN_PROGRESS, "editor", {"verdict": "maybe"}, "verdict"),
    ("verdict", IN_PROGRESS, "editor", {}, "verdict"),
    ("verdict", IN_PROGRESS, "editor", {"verdict": "disputed", "version": "two"}, "version"),
    ("verdict", IN_PROGRESS, "editor", {"verdict": "disputed", "version": 0}, "version"),
    ("verdict", IN_PROGRESS, "editor", {"verdict": "disputed", "version": 2.5}, "version"),
    ("verdict", IN_PROGRESS, "editor", {"verdict": "disputed", "note": "x" * 10_001}, "note"),
    ("return", IN_REVIEW, "reviewer", {}, "comment"),
    ("return", IN_REVIEW, "reviewer", {"comment": "   "}, "comment"),
    ("reopen", APPROVED, "reviewer", {}, "reason"),
    ("comment", IN_REVIEW, "editor", {"comment": ""}, "comment"),
    ("assign", "pending", "reviewer", {"assignee": "editor2"}, "assignee"),
    ("evidence", IN_PROGRESS, "editor", {"url": "https://example.org/x"}, "stance"),
    ("evidence", IN_PROGRESS, "editor", {"stance": "agrees", "url": "https://example.org/x"}, "stance"),
    ("evidence", IN_PROGRESS, "editor", {"stance": "supports", "document": "first"}, "document"),
    ("evidence", IN_PROGRESS, "editor", {"stance": "supports", "url": "https://example.org/" + "x" * 2000}, "url"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "status", "who", "body", "field"), FIELD_ERRORS)
def test_invalid_input_is_400_naming_the_field(
    claim, advance, cast, client_for, nothing_changes, path, status, who, body, field
):
    claim = advance(claim, status)
    with nothing_changes(claim):
        response = client_for(getattr(cast, who)).post(claim_url(claim, path), body, format="json")
    answer = refusal(response, 400)
    assert field in answer, answer
    assert isinstance(answer[field], list) and answer[field][0]


# Placeholders filled in by the test: DOC a document the claim may cite, OWN the claim's own one.
EVIDENCE_REFUSALS = [
    ({"stance": "supports", "url": "javascript:alert(1)"},
     workflow.MSG_BAD_URL.format(value="javascript:alert(1)", reason="uses javascript:, not http or https"), "url"),
    ({"stance": "supports", "url": "ftp://example.org/f"},
     workflow.MSG_BAD_URL.format(value="ftp://example.org/f", reason="uses ftp:, not http or https"), "url"),
    ({"stance": "supports"}, workflow.MSG_EVIDENCE_NEEDS_SOURCE, "url"),
    ({"stance": "supports", "document": "DOC", "start": 5}, workflow.MSG_PASSAGE_INCOMPLETE, "end"),
    ({"stance": "supports", "document": "DOC", "start": 5, "end": 100_000},
     "The passage 5-100000 is outside document DOC (its text is LENGTH characters).", "end"),
    ({"stance": "supports", "document": "OWN", "start": 0, "end": 5},
     workflow.MSG_PASSAGE_OWN_DOCUMENT.format(document="OWN"), "document"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message", "field"), EVIDENCE_REFUSALS)
def test_evidence_the_workflow_refuses_is_400_with_its_message(
    claim, advance, cast, client_for, nothing_changes, documents, other_document, body, message, field
):
    claim = advance(claim, IN_PROGRESS)
    names = {"DOC": other_document.pk, "OWN": documents.report.pk}
    body = {key: names.get(value, value) for key, value in body.items()}
    message = message.replace("DOC", str(other_document.pk)).replace("OWN", str(documents.report.pk))
    message = message.replace("LENGTH", str(len(other_document.text)))
    with nothing_changes(claim):
        response = client_for(cast.editor).post(claim_url(claim, "evidence"), body, format="json")
    assert refusal(response, 400) == {"detail": message, "code": "invalid", field: [message]}


def test_evidence_citing_an_unknown_document_is_404(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_PROGRESS)
    body = {"stance": "supports", "document": 987654, "start": 0, "end": 5}
    with nothing_changes(claim):
        response = client_for(cast.editor).post(claim_url(claim, "evidence"), body, format="json")
    assert refusal(response, 404)["detail"] == workflow.MSG_DOCUMENT_NOT_FOUND.format(id=987654)


# --- Bodies that are not what the API reads ------------------------------------------------------


def test_a_malformed_json_body_is_400(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_PROGRESS)
    with nothing_changes(claim):
        response = client_for(cast.editor).post(
            claim_url(claim, "verdict"), '{"verdict": "disputed",', content_type="application/json"
        )
    assert refusal(response, 400)["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("payload", ["[]", '"disputed"', "null", "42"])
def test_a_json_body_that_is_not_an_object_is_400(claim, advance, cast, client_for, nothing_changes, payload):
    claim = advance(claim, IN_PROGRESS)
    with nothing_changes(claim):
        response = client_for(cast.editor).post(claim_url(claim, "verdict"), payload, content_type="application/json")
    assert refusal(response, 400)


def test_a_body_of_an_unsupported_content_type_is_415_with_a_reason(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_PROGRESS)
    with nothing_changes(claim):
        response = client_for(cast.editor).post(
            claim_url(claim, "verdict"), "verdict=disputed", content_type="text/plain"
        )
    assert refusal(response, 415)["detail"] == 'Unsupported media type "text/plain" in request.'


def test_a_huge_version_number_is_a_conflict_not_a_crash(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_PROGRESS)
    with nothing_changes(claim):
        response = client_for(cast.editor).post(
            claim_url(claim, "verdict"), {"verdict": "disputed", "version": 10**30}, format="json"
        )
    assert refusal(response, 409)["code"] == "conflict"


def test_a_malformed_version_on_evidence_removal_is_400(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_PROGRESS)
    with nothing_changes(claim):
        response = client_for(cast.editor).delete(f"/api/evidence/{claim.evidence.get().pk}/?version=latest")
    assert "version" in refusal(response, 400)


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("evidence/", {"stance": "supports", "url": "javascript:alert(1)"}, "url"),
        ("evidence/", {"stance": "supports"}, "url"),
    ],
)
def test_input_the_workflow_refuses_comes_back_as_a_field_error(client_for, cast, claim, advance, path, body, field):
    status_for = {"evidence/": "in_progress", "return/": "in_review"}[path]
    advance(claim, status_for, by=cast.editor)
    client = client_for(cast.reviewer if path == "return/" else cast.editor)
    response = client.post(f"/api/claims/{claim.pk}/{path}", body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert data[field] == [data["detail"]]


@pytest.mark.parametrize("path", ["/api/claims/1.5/comment/", "/api/nowhere/", "/api/claims/1/unknown-action/"])
def test_unknown_api_addresses_answer_json_404(client_for, cast, path):
    response = client_for(cast.editor).post(path, {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such API address.", "code": "not_found"}
