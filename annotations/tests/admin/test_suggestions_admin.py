"""The claim page's suggested evidence: listed with their reasons, attached in one click."""

import re

import pytest

from annotations import workflow
from annotations.models import Action, Claim, Evidence, ReviewEvent, Suggestion
from annotations.tests.conftest import CLAIM_TEXT, SURVEY_CLAIM_TEXT

from .conftest import claim_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(claim, documents):
    """A suggestion of the report's claim: the survey's sentence, which gives another figure."""
    return Suggestion.objects.create(
        claim=claim, document=documents.survey, start=0, end=len(SURVEY_CLAIM_TEXT),
        passage_claim=Claim.objects.get(text=SURVEY_CLAIM_TEXT), score=0.42, stance="context",
        reason="number differs: 300 vs 120",
    )  # fmt: skip


def rows(html):
    return re.findall(r'<tr class="fc-suggestion".*?</tr>', html, re.S)


def test_the_page_lists_each_suggestion_with_its_passage_score_stance_and_reason(client, editor, suggestion):
    client.force_login(editor)
    html = client.get(claim_url(suggestion.claim)).content.decode()
    assert "Suggested evidence" in html
    [row] = rows(html)
    assert "Plastic survey" in row and "0.42" in row and "Context" in row and "number differs: 300 vs 120" in row
    # The words the passage shares with the claim are marked.
    assert re.findall(r"<mark>(.*?)</mark>", row) == ["tonnes", "plastic", "river"]
    assert 'value="Attach"' not in row  # the claim is not the editor's yet


def test_the_assignee_attaches_a_suggestion_in_one_click(client, editor, suggestion, advance):
    claim = advance(suggestion.claim, "in_progress")
    client.force_login(editor)
    html = client.get(claim_url(claim)).content.decode()
    [row] = rows(html)
    form = re.search(r"<form method=\"post\">(.*?)</form>", row, re.S).group(1)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert fields["_action"] == "attach_suggestion" and fields["version"] == str(claim.version)
    assert fields["suggestion_id"] == str(suggestion.pk) and "csrfmiddlewaretoken" in fields

    response = client.post(claim_url(claim), fields)
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim, document=suggestion.document)
    assert (evidence.start, evidence.end, evidence.stance) == (0, len(SURVEY_CLAIM_TEXT), "context")
    event = ReviewEvent.objects.filter(claim=claim).latest("id")
    assert (event.action, event.actor, event.details["suggestion"]["suggestion_id"]) == (
        Action.EVIDENCE_ADDED, editor, suggestion.pk,
    )  # fmt: skip
    html = client.get(claim_url(claim)).content.decode()
    assert "Suggested passage attached as evidence." in html
    [row] = rows(html)
    assert "Attached" in row and 'value="Attach"' not in row


def test_a_stale_attach_shows_the_workflow_message_and_changes_nothing(client, editor, suggestion, advance):
    claim = advance(suggestion.claim, "in_progress")
    stale = claim.version
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="Meanwhile.")
    client.force_login(editor)
    before = ReviewEvent.objects.count()
    response = client.post(
        claim_url(claim), {"_action": "attach_suggestion", "version": stale, "suggestion_id": suggestion.pk}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert ReviewEvent.objects.count() == before
    assert not Evidence.objects.filter(claim=claim, document=suggestion.document).exists()


@pytest.mark.parametrize(
    ("who", "suggestion_id", "status", "message"),
    [
        ("editor2", None, 403, "assignee can add evidence; take the claim first."),
        ("editor", 999999, 404, "Suggestion 999999 does not exist on this claim."),
        ("editor", "abc", 400, "Nothing was changed: suggestion_id"),
    ],
)
def test_a_refused_attach_shows_the_reason(client, cast, suggestion, advance, who, suggestion_id, status, message):
    claim = advance(suggestion.claim, "in_progress")
    client.force_login(getattr(cast, who))
    before = ReviewEvent.objects.count()
    response = client.post(
        claim_url(claim),
        {"_action": "attach_suggestion", "version": claim.version, "suggestion_id": suggestion_id or suggestion.pk},
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert ReviewEvent.objects.count() == before


def test_a_claim_without_suggestions_says_so(client, editor, claim):
    client.force_login(editor)
    html = client.get(claim_url(claim)).content.decode()
    assert "No other document states anything close to this claim." in html
    assert CLAIM_TEXT in html
