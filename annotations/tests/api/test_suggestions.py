"""A claim's suggested evidence through the API: the list, and attaching one."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from annotations import workflow
from annotations.models import Claim, Evidence, Suggestion
from annotations.tests.conftest import SURVEY_CLAIM_TEXT, SURVEY_TEXT, document_input

from .conftest import claim_url, etag, generated_sentences, refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestions(claim, documents):
    """Two suggestions of the claim: the survey's sentence (closest) and the survey's second one."""
    survey_claim = Claim.objects.get(text=SURVEY_CLAIM_TEXT)
    second = SURVEY_TEXT.index("The survey covered")
    return [
        Suggestion.objects.create(
            claim=claim, document=documents.survey, start=0, end=len(SURVEY_CLAIM_TEXT), passage_claim=survey_claim,
            score=0.61, stance="refutes", reason="number differs: 300 vs 120",
        ),
        Suggestion.objects.create(
            claim=claim, document=documents.survey, start=second, end=len(SURVEY_TEXT), score=0.2, stance="supports"
        ),
    ]  # fmt: skip


def attach_url(claim, suggestion):
    return claim_url(claim, f"suggestions/{suggestion.pk}/attach")


def test_the_list_gives_each_passage_closest_first(client_for, reviewer, claim, suggestions):
    body = client_for(reviewer).get(claim_url(claim, "suggestions")).json()
    assert [row["id"] for row in body] == [s.pk for s in suggestions]
    first = body[0]
    assert first["passage"] == SURVEY_CLAIM_TEXT
    assert (first["document_title"], first["score"], first["stance"]) == ("Plastic survey", 0.61, "refutes")
    assert first["reason"] == "number differs: 300 vs 120"
    assert first["attached_as"] is None and first["passage_claim"] == suggestions[0].passage_claim_id
    assert body[1]["passage"] == "The survey covered twelve months of samples."


def test_the_list_runs_the_same_queries_for_one_or_ten_suggestions(
    claim, documents, reviewer, django_assert_num_queries
):
    sentences = generated_sentences(10, topic="plastic")
    source = workflow.document_load(document=document_input(" ".join(sentences), "Ten reports", sentences)).document
    spans = [(source.text.index(s), source.text.index(s) + len(s)) for s in sentences]

    def count(n):
        Suggestion.objects.all().delete()
        for start, end in spans[:n]:
            Suggestion.objects.create(claim=claim, document=source, start=start, end=end, score=0.3, stance="supports")
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(pk=reviewer.pk))
        with django_assert_num_queries(3) as captured:  # roles, the claim (its id), the suggestions
            assert len(client.get(claim_url(claim, "suggestions")).json()) == n
        return len(captured)

    assert count(1) == count(10)


def test_attaching_answers_the_claim_with_the_new_evidence(client_for, editor, claim, suggestions, advance):
    claim = advance(claim, "in_progress")
    response = client_for(editor).post(attach_url(claim, suggestions[0]), {}, format="json", HTTP_IF_MATCH=etag(claim))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == claim.version + 1 and response["ETag"] == f'"claim-{claim.pk}-v{claim.version + 1}"'
    [added] = [item for item in body["evidence"] if item["document"]]
    assert (added["start"], added["end"], added["stance"]) == (0, len(SURVEY_CLAIM_TEXT), "refutes")
    assert added["excerpt"] == SURVEY_CLAIM_TEXT
    listed = client_for(editor).get(claim_url(claim, "suggestions")).json()
    assert listed[0]["attached_as"] == added["id"]


def test_attaching_takes_another_stance_and_the_version_field(client_for, editor, claim, suggestions, advance):
    claim = advance(claim, "in_progress")
    response = client_for(editor).post(
        attach_url(claim, suggestions[1]), {"stance": "context", "version": claim.version}, format="json"
    )
    assert response.status_code == 201
    assert Evidence.objects.get(claim=claim, document__isnull=False).stance == "context"


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("another claim's suggestion", 404, "not_found"),
        ("unknown suggestion", 404, "not_found"),
        ("stale If-Match", 412, "precondition_failed"),
        ("stale version", 409, "conflict"),
        ("already attached", 409, "already_done"),
        ("bad stance", 400, "invalid"),
    ],
)
def test_a_refused_attach_answers_why_and_changes_nothing(
    client_for, editor, claim, documents, suggestions, advance, nothing_changes, case, status, code
):
    claim = advance(claim, "in_progress")
    second = Claim.objects.exclude(pk=claim.pk).exclude(text=SURVEY_CLAIM_TEXT).first()
    theirs = Suggestion.objects.create(
        claim=second, document=documents.survey, start=0, end=len(SURVEY_CLAIM_TEXT), score=0.3, stance="supports"
    )
    url, body, headers = attach_url(claim, suggestions[0]), {}, {}
    if case == "another claim's suggestion":
        url = attach_url(claim, theirs)
    elif case == "unknown suggestion":
        url = claim_url(claim, "suggestions/999999/attach")
    elif case == "stale If-Match":
        headers = {"HTTP_IF_MATCH": f'"claim-{claim.pk}-v{claim.version - 1}"'}
    elif case == "stale version":
        body = {"version": claim.version - 1}
    elif case == "already attached":
        workflow.suggestion_attach(claim_id=claim.pk, suggestion_id=suggestions[0].pk, actor=editor)
        claim.refresh_from_db()
    elif case == "bad stance":
        body = {"stance": "maybe"}
    with nothing_changes(claim):
        answer = refusal(client_for(editor).post(url, body, format="json", **headers), status)
    if code == "invalid":
        assert answer["stance"]  # the field at fault
    else:
        assert answer["detail"] and answer["code"] == code
