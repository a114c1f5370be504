"""The workflow actions: each answers with the updated claim and writes exactly one ReviewEvent."""

import pytest
from django.utils.dateparse import parse_datetime

from annotations import workflow
from annotations.models import Claim, ClaimStatus, Correction, Evidence, ReviewEvent

from .conftest import claim_url, etag, refusal

pytestmark = pytest.mark.django_db

PENDING = ClaimStatus.PENDING
IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
RETURNED = ClaimStatus.RETURNED
APPROVED = ClaimStatus.APPROVED

# action: (the claim's status first, who acts, the body, the event expected, the claim expected)
ACTIONS = {
    "assign": (
        PENDING, "editor", {},
        {"action": "assigned", "status_before": "pending", "status_after": "in_progress",
         "verdict_before": "", "verdict_after": ""},
        {"status": "in_progress", "assignee": "editor1", "verdict": ""},
    ),
    "assign to someone else": (
        PENDING, "reviewer", {"assignee": "editor2"},
        {"action": "assigned", "status_before": "pending", "status_after": "in_progress"},
        {"status": "in_progress", "assignee": "editor2"},
    ),
    "take back a returned claim": (
        RETURNED, "editor", {},
        {"action": "assigned", "status_before": "returned", "status_after": "in_progress"},
        {"status": "in_progress", "assignee": "editor1"},
    ),
    "verdict": (
        IN_PROGRESS, "editor", {"verdict": "disputed", "note": "The survey found 120 tonnes."},
        {"action": "verdict_set", "status_before": "in_progress", "status_after": "in_progress",
         "verdict_before": "verified", "verdict_after": "disputed"},
        {"status": "in_progress", "verdict": "disputed", "note": "The survey found 120 tonnes."},
    ),
    "submit": (
        IN_PROGRESS, "editor", {},
        {"action": "submitted", "status_before": "in_progress", "status_after": "in_review",
         "verdict_before": "verified", "verdict_after": "verified"},
        {"status": "in_review", "submitted_by": "editor1"},
    ),
    "approve": (
        IN_REVIEW, "reviewer", {"comment": "Well sourced."},
        {"action": "approved", "status_before": "in_review", "status_after": "approved",
         "comment": "Well sourced."},
        {"status": "approved", "verdict": "verified"},
    ),
    "return": (
        IN_REVIEW, "reviewer", {"comment": "Quote the survey directly."},
        {"action": "returned", "status_before": "in_review", "status_after": "returned",
         "comment": "Quote the survey directly."},
        {"status": "returned", "assignee": "editor1"},
    ),
    "reopen": (
        APPROVED, "reviewer", {"reason": "The ministry published a correction."},
        {"action": "reopened", "status_before": "approved", "status_after": "in_progress",
         "comment": "The ministry published a correction."},
        {"status": "in_progress", "submitted_by": None},
    ),
    "comment": (
        IN_REVIEW, "editor2", {"comment": "Worth a second look."},
        {"action": "commented", "status_before": "in_review", "status_after": "in_review",
         "comment": "Worth a second look."},
        {"status": "in_review"},
    ),
}  # fmt: skip
PATHS = {
    "assign to someone else": "assign",
    "take back a returned claim": "assign",
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_action_answers_the_updated_claim_and_writes_one_event(
    name, claim, advance, cast, client_for, one_new_event
):
    status, who, body, expected_event, expected_claim = ACTIONS[name]
    claim = advance(claim, status)
    actor = getattr(cast, who)
    if body.get("assignee") == "editor2":
        body = {**body, "assignee": cast.editor2.pk}
    with one_new_event() as recorded:
        response = client_for(actor).post(claim_url(claim, PATHS.get(name, name)), body, format="json")
    assert response.status_code == 200, response.content
    event = recorded.event
    assert event.claim_id == claim.pk
    assert event.actor == actor
    assert {key: getattr(event, key) for key in expected_event} == expected_event

    stored = Claim.objects.get(pk=claim.pk)
    answered = response.json()
    assert {key: answered[key] for key in expected_claim} == expected_claim
    assert (answered["id"], answered["status"], answered["verdict"]) == (stored.pk, stored.status, stored.verdict)
    assert answered["version"] == stored.version == event.claim_version
    assert response["ETag"] == etag(stored)
    if name == "comment":  # a comment changes nothing, so the version stays
        assert stored.version == claim.version
    else:
        assert stored.version == claim.version + 1
        assert stored.updated_at > claim.updated_at


def test_an_assignment_records_who_had_the_claim_before(claim, advance, cast, client_for, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    with one_new_event() as recorded:
        response = client_for(cast.editor2).post(claim_url(claim, "assign"), format="json")
    assert response.status_code == 200
    assert recorded.event.details == {"assignee_before": "editor1", "assignee_after": "editor2"}


def test_a_verdict_records_the_notes_before_and_after(claim, advance, cast, client_for, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    with one_new_event() as recorded:
        client_for(cast.editor).post(claim_url(claim, "verdict"), {"verdict": "unverified", "note": "No source."})
    assert recorded.event.details == {"note_before": "Matches the survey.", "note_after": "No source."}


def test_actions_accept_form_encoded_bodies_too(claim, advance, cast, client_for):
    claim = advance(claim, IN_PROGRESS)
    body = {"verdict": "disputed", "version": claim.version}
    response = client_for(cast.editor).post(claim_url(claim, "verdict"), body)  # multipart, APIClient's default
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).verdict == "disputed"


# --- Evidence -----------------------------------------------------------------------------------


def test_adding_web_evidence_is_201_with_the_claim(claim, advance, cast, client_for, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    body = {"stance": "refutes", "url": "https://example.org/correction", "title": "Correction"}
    with one_new_event() as recorded:
        response = client_for(cast.editor).post(claim_url(claim, "evidence"), body, format="json")
    assert response.status_code == 201, response.content
    answered = response.json()
    assert answered["id"] == claim.pk
    assert [(e["stance"], e["url"], e["added_by"]) for e in answered["evidence"]] == [
        ("supports", "https://example.org/survey", "editor1"),
        ("refutes", "https://example.org/correction", "editor1"),
    ]
    added = Evidence.objects.get(url="https://example.org/correction")
    assert (added.claim_id, added.title, added.added_by) == (claim.pk, "Correction", cast.editor)
    event = recorded.event
    assert (event.action, event.actor, event.status_before, event.status_after) == (
        "evidence_added", cast.editor, "in_progress", "in_progress",
    )  # fmt: skip
    assert event.details["evidence_id"] == added.pk
    assert event.details["url"] == "https://example.org/correction"
    assert answered["version"] == claim.version + 1 == event.claim_version
    assert response["ETag"] == f'"claim-{claim.pk}-v{claim.version + 1}"'


def test_adding_a_passage_of_another_document_takes_its_text(claim, advance, cast, client_for, other_document):
    claim = advance(claim, IN_PROGRESS)
    body = {"stance": "refutes", "document": other_document.pk, "start": 2, "end": 25}
    response = client_for(cast.editor).post(claim_url(claim, "evidence"), body, format="json")
    assert response.status_code == 201, response.content
    passage = response.json()["evidence"][-1]
    assert (passage["document"], passage["start"], passage["end"]) == (other_document.pk, 2, 25)
    assert passage["excerpt"] == other_document.text[2:25]


def test_deleting_evidence_removes_it_through_the_workflow_and_answers_the_claim(
    claim, advance, cast, client_for, one_new_event
):
    claim = advance(claim, IN_PROGRESS)
    evidence = claim.evidence.get()
    with one_new_event() as recorded:
        response = client_for(cast.editor).delete(f"/api/evidence/{evidence.pk}/")
    assert response.status_code == 200, response.content
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    answered = response.json()
    assert (answered["id"], answered["evidence"]) == (claim.pk, [])
    event = recorded.event
    assert (event.action, event.actor, event.claim_id) == ("evidence_removed", cast.editor, claim.pk)
    assert event.details["evidence_id"] == evidence.pk
    assert event.details["url"] == "https://example.org/survey"
    assert answered["version"] == claim.version + 1 == event.claim_version
    assert response["ETag"] == f'"claim-{claim.pk}-v{claim.version + 1}"'


def test_deleting_evidence_twice_is_404_the_second_time(claim, advance, cast, client_for):
    claim = advance(claim, IN_PROGRESS)
    evidence = claim.evidence.get()
    as_editor = client_for(cast.editor)
    assert as_editor.delete(f"/api/evidence/{evidence.pk}/").status_code == 200
    before = ReviewEvent.objects.count()
    again = as_editor.delete(f"/api/evidence/{evidence.pk}/")
    assert again.status_code == 404
    assert again.json()["detail"]
    assert ReviewEvent.objects.count() == before


def test_the_events_written_by_the_api_show_in_the_history(claim, cast, client_for):
    as_editor = client_for(cast.editor)
    as_editor.post(claim_url(claim, "assign"), format="json")
    as_editor.post(claim_url(claim, "verdict"), {"verdict": "unverified", "note": "No source found."}, format="json")
    as_editor.post(claim_url(claim, "submit"), format="json")
    client_for(cast.reviewer).post(claim_url(claim, "approve"), format="json")
    history = client_for(cast.editor2).get(claim_url(claim, "history")).json()
    assert [(row["action"], row["actor"], row["claim_version"]) for row in history] == [
        ("created", None, 1),
        ("assigned", "editor1", 2),
        ("verdict_set", "editor1", 3),
        ("submitted", "editor1", 4),
        ("approved", "reviewer1", 5),
    ]


# --- Corrections --------------------------------------------------------------------------------

CORRECTION = "The survey measured 120 tonnes, not 300: the claim is disputed."


@pytest.fixture
def corrected_verdict_in_review(claim, advance, cast):
    """A claim the reviewer approved as verified, reopened and sent back to review as disputed."""
    claim = advance(claim, APPROVED)
    workflow.claim_reopen(claim_id=claim.pk, actor=cast.reviewer, reason="The survey was revised.")
    workflow.claim_set_verdict(claim_id=claim.pk, actor=cast.editor, verdict="disputed", note="The survey says 120.")
    workflow.claim_submit(claim_id=claim.pk, actor=cast.editor)
    claim.refresh_from_db()
    return claim


def test_a_claim_shows_what_it_published(claim, advance, cast, client_for):
    claim = advance(claim, APPROVED)
    answered = client_for(cast.editor2).get(claim_url(claim)).json()
    assert {key: answered[key] for key in ["approved_by", "published_verdict", "published_note", "corrections"]} == {
        "approved_by": "reviewer1", "published_verdict": "verified", "published_note": "Matches the survey.",
        "corrections": [],
    }  # fmt: skip
    assert answered["approved_at"] == answered["published_at"] is not None


def test_a_claim_never_approved_has_published_nothing(claim, cast, client_for):
    answered = client_for(cast.editor).get(claim_url(claim)).json()
    assert {key: answered[key] for key in ["approved_by", "approved_at", "published_at", "published_verdict"]} == {
        "approved_by": None, "approved_at": None, "published_at": None, "published_verdict": "",
    }  # fmt: skip


def test_approving_a_changed_verdict_with_a_correction_answers_the_claim_with_it(
    corrected_verdict_in_review, cast, client_for, one_new_event
):
    claim = corrected_verdict_in_review
    body = {"comment": "Checked the revision.", "correction": CORRECTION, "version": claim.version}
    with one_new_event() as recorded:
        response = client_for(cast.admin).post(claim_url(claim, "approve"), body, format="json")
    assert response.status_code == 200, response.content
    assert recorded.event.details == {"correction": CORRECTION}
    stored = Correction.objects.get()
    answered = response.json()
    assert {key: answered[key] for key in ["status", "approved_by", "published_verdict", "published_note"]} == {
        "status": "approved", "approved_by": "admin1", "published_verdict": "disputed",
        "published_note": "The survey says 120.",
    }  # fmt: skip
    assert parse_datetime(answered["approved_at"]) > parse_datetime(answered["published_at"])
    assert answered["corrections"] == [
        {
            "id": stored.pk,
            "created_at": answered["corrections"][0]["created_at"],
            "old_verdict": "verified",
            "new_verdict": "disputed",
            "old_note": "Matches the survey.",
            "new_note": "The survey says 120.",
            "old_wording": "",
            "new_wording": "",
            "note": CORRECTION,
            "approved_by": "admin1",
        }
    ]
    assert parse_datetime(answered["corrections"][0]["created_at"]) == stored.created_at == recorded.event.created_at
    assert client_for(cast.editor).get(claim_url(claim)).json()["corrections"] == answered["corrections"]


@pytest.mark.parametrize("body", [{}, {"correction": ""}, {"correction": "   "}], ids=["absent", "empty", "blank"])
def test_approving_a_changed_verdict_without_a_correction_is_400_naming_the_field(
    corrected_verdict_in_review, cast, client_for, nothing_changes, body
):
    claim = corrected_verdict_in_review
    with nothing_changes(claim):
        response = client_for(cast.admin).post(claim_url(claim, "approve"), body, format="json")
    message = workflow.MSG_CORRECTION_REQUIRED.format(old="verified", new="disputed")
    assert refusal(response, 400) == {"detail": message, "code": "invalid", "correction": [message]}
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.published_verdict, stored.approved_by) == ("verified", cast.reviewer)
    assert not Correction.objects.exists()


def test_a_correction_when_nothing_changed_is_400_naming_the_field(claim, advance, cast, client_for, nothing_changes):
    claim = advance(claim, IN_REVIEW)
    with nothing_changes(claim):
        response = client_for(cast.reviewer).post(
            claim_url(claim, "approve"), {"correction": CORRECTION}, format="json"
        )
    message = workflow.MSG_NOTHING_TO_CORRECT
    assert refusal(response, 400) == {"detail": message, "code": "invalid", "correction": [message]}
    assert Claim.objects.get(pk=claim.pk).published_at is None


def test_a_correction_over_the_limit_is_400(corrected_verdict_in_review, cast, client_for, nothing_changes):
    claim = corrected_verdict_in_review
    with nothing_changes(claim):
        response = client_for(cast.admin).post(claim_url(claim, "approve"), {"correction": "x" * 10_001}, format="json")
    assert list(refusal(response, 400)) == ["correction"]
