"""Who may call what: every endpoint and action for each kind of user, with the exact status."""

import pytest

from annotations.models import ClaimStatus, ReviewEvent, Suggestion
from annotations.tests.conftest import SURVEY_CLAIM_TEXT

from .conftest import claim_url

pytestmark = pytest.mark.django_db

PENDING = ClaimStatus.PENDING
IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
APPROVED = ClaimStatus.APPROVED

USERS = ["anonymous", "outsider", "editor", "editor2", "reviewer", "admin"]


def evidence_url(claim, documents):
    return f"/api/evidence/{claim.evidence.get().pk}/"


def attach_url(claim, documents):
    """Return the address attaching a suggestion of the claim: the survey's sentence."""
    suggestion = Suggestion.objects.create(
        claim=claim, document=documents.survey, start=0, end=len(SURVEY_CLAIM_TEXT), score=0.5, stance="context"
    )
    return claim_url(claim, f"suggestions/{suggestion.pk}/attach")


# endpoint: (the claim's status, who brought it there, method, url, body)
ENDPOINTS = {
    "documents list": (None, None, "get", lambda c, d: "/api/documents/", None),
    "document detail": (None, None, "get", lambda c, d: f"/api/documents/{d.report.pk}/", None),
    "claims list": (None, None, "get", lambda c, d: "/api/claims/", None),
    "claim detail": (IN_PROGRESS, "editor", "get", lambda c, d: claim_url(c), None),
    "unknown claim": (None, None, "get", lambda c, d: "/api/claims/999999/", None),
    "evidence list": (IN_PROGRESS, "editor", "get", lambda c, d: claim_url(c, "evidence"), None),
    "evidence detail": (IN_PROGRESS, "editor", "get", evidence_url, None),
    "history": (IN_PROGRESS, "editor", "get", lambda c, d: claim_url(c, "history"), None),
    "history post": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "history"), {}),
    "claim put": (None, None, "put", lambda c, d: claim_url(c), {"status": "approved"}),
    "schema": (None, None, "get", lambda c, d: "/api/schema/", None),
    "docs": (None, None, "get", lambda c, d: "/api/docs/", None),
    "token get": (None, None, "get", lambda c, d: "/api/auth/token/", None),
    "assign pending": (PENDING, None, "post", lambda c, d: claim_url(c, "assign"), {}),
    "take over in progress": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "assign"), {}),
    "verdict": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "verdict"), {"verdict": "disputed"}),
    "add evidence": (
        IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "evidence"),
        {"stance": "refutes", "url": "https://example.org/refutation"},
    ),
    "remove evidence": (IN_PROGRESS, "editor", "delete", evidence_url, None),
    "suggestions": (IN_PROGRESS, "editor", "get", lambda c, d: claim_url(c, "suggestions"), None),
    "attach suggestion": (IN_PROGRESS, "editor", "post", attach_url, {}),
    "suggestions post": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "suggestions"), {}),
    "submit": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "submit"), {}),
    "approve": (IN_REVIEW, "editor", "post", lambda c, d: claim_url(c, "approve"), {}),
    "approve, submitted by admin": (IN_REVIEW, "admin", "post", lambda c, d: claim_url(c, "approve"), {}),
    "approve, submitted by reviewer": (IN_REVIEW, "reviewer", "post", lambda c, d: claim_url(c, "approve"), {}),
    "return": (IN_REVIEW, "editor", "post", lambda c, d: claim_url(c, "return"), {"comment": "Cite the survey."}),
    "reopen": (APPROVED, "editor", "post", lambda c, d: claim_url(c, "reopen"), {"reason": "A correction."}),
    "comment": (IN_REVIEW, "editor", "post", lambda c, d: claim_url(c, "comment"), {"comment": "Looks right."}),
    "report csv": (None, None, "get", lambda c, d: "/api/reports/claims.csv", None),
    "report json": (None, None, "get", lambda c, d: "/api/reports/claims.json", None),
    "report jsonl": (None, None, "get", lambda c, d: "/api/reports/claims.jsonl", None),
    "report claimreview": (None, None, "get", lambda c, d: "/api/reports/claimreview.jsonld", None),
    "report html": (None, None, "get", lambda c, d: "/api/reports/report.html", None),
    "report post": (None, None, "post", lambda c, d: "/api/reports/claims.csv", {}),
}  # fmt: skip


def everyone_with_a_role(status):
    return {"anonymous": 401, "outsider": 403, "editor": status, "editor2": status, "reviewer": status, "admin": status}


ONLY_THE_ASSIGNEE = {"anonymous": 401, "outsider": 403, "editor": 200, "editor2": 403, "reviewer": 403, "admin": 403}
ONLY_REVIEWERS = {"anonymous": 401, "outsider": 403, "editor": 403, "editor2": 403, "reviewer": 200, "admin": 200}

EXPECTED = {
    "documents list": everyone_with_a_role(200),
    "document detail": everyone_with_a_role(200),
    "report csv": everyone_with_a_role(200),
    "report json": everyone_with_a_role(200),
    "report jsonl": everyone_with_a_role(200),
    "report claimreview": everyone_with_a_role(200),
    "report html": everyone_with_a_role(200),
    "report post": everyone_with_a_role(405),
    "claims list": everyone_with_a_role(200),
    "claim detail": everyone_with_a_role(200),
    "unknown claim": everyone_with_a_role(404),
    "evidence list": everyone_with_a_role(200),
    "evidence detail": everyone_with_a_role(200),
    "history": everyone_with_a_role(200),
    "history post": everyone_with_a_role(405),
    "claim put": everyone_with_a_role(405),
    # The schema and its page describe the API to anyone; they hold no data.
    "schema": dict.fromkeys(USERS, 200),
    "docs": dict.fromkeys(USERS, 200),
    "token get": dict.fromkeys(USERS, 405),
    # Reviewers (and superusers) hold the editor role's rights as well.
    "assign pending": everyone_with_a_role(200),
    "take over in progress": {**everyone_with_a_role(200), "editor": 400},  # already theirs
    "verdict": ONLY_THE_ASSIGNEE,
    "add evidence": {**ONLY_THE_ASSIGNEE, "editor": 201},
    "remove evidence": ONLY_THE_ASSIGNEE,
    "suggestions": everyone_with_a_role(200),
    "attach suggestion": {**ONLY_THE_ASSIGNEE, "editor": 201},
    "suggestions post": everyone_with_a_role(405),
    "submit": ONLY_THE_ASSIGNEE,
    "approve": ONLY_REVIEWERS,
    # Four eyes: nobody approves a verdict they submitted, superusers included.
    "approve, submitted by admin": {**ONLY_REVIEWERS, "admin": 403},
    "approve, submitted by reviewer": {**ONLY_REVIEWERS, "reviewer": 403},
    "return": ONLY_REVIEWERS,
    "reopen": ONLY_REVIEWERS,
    "comment": everyone_with_a_role(200),
}

CASES = [(endpoint, who) for endpoint in ENDPOINTS for who in USERS]


def test_the_table_covers_every_endpoint_for_every_user():
    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(set(row) == set(USERS) for row in EXPECTED.values())


@pytest.mark.parametrize(("endpoint", "who"), CASES, ids=[f"{e} as {w}" for e, w in CASES])
def test_each_user_gets_exactly_the_expected_status(endpoint, who, claim, documents, advance, cast, client_for):
    status, brought_by, method, url, body = ENDPOINTS[endpoint]
    if status is not None:
        claim = advance(claim, status, by=getattr(cast, brought_by) if brought_by else None)
    url = url(claim, documents)
    before = set(ReviewEvent.objects.values_list("id", flat=True))

    client = client_for(getattr(cast, who))
    if method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body, format="json")

    expected = EXPECTED[endpoint][who]
    assert response.status_code == expected, response.content[:300]
    new_events = ReviewEvent.objects.exclude(id__in=before)
    if method != "get" and expected in (200, 201):
        assert new_events.count() == 1
        assert new_events.get().actor == getattr(cast, who)
    else:
        assert not new_events.exists()
    if expected >= 400:
        answer = response.json()
        assert answer["detail"], answer
    if expected == 401:
        assert answer["detail"] == "Authentication credentials were not provided."
        assert response["WWW-Authenticate"] == "Token"
