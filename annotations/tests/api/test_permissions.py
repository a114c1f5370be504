"""Who may call what: every endpoint and action for each kind of user, with the exact status."""

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult

from annotations import workflow
from annotations.models import (
    Claim,
    ClaimStatus,
    DocumentEvent,
    Feed,
    Import,
    ImportStatus,
    Origin,
    ReviewEvent,
    Suggestion,
)
from annotations.tests.conftest import SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT

from .conftest import claim_url

pytestmark = pytest.mark.django_db

PENDING = ClaimStatus.PENDING
IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
APPROVED = ClaimStatus.APPROVED
DISMISSED = ClaimStatus.DISMISSED

USERS = ["anonymous", "outsider", "editor", "editor2", "reviewer", "admin"]


def evidence_url(claim, documents):
    return f"/api/evidence/{claim.evidence.get().pk}/"


def attach_url(claim, documents):
    """Return the address attaching a suggestion of the claim: the survey's sentence."""
    suggestion = Suggestion.objects.create(
        claim=claim, document=documents.survey, start=0, end=len(SURVEY_CLAIM_TEXT), score=0.5, stance="context"
    )
    return claim_url(claim, f"suggestions/{suggestion.pk}/attach")


def import_url(status, action=""):
    """Return the address of a new import in ``status`` (a failed one may be retried, a done one not)."""

    def url(claim, documents):
        batch = Import.objects.create(origin=Origin.PASTE, status=status, total=0)
        return f"/api/imports/{batch.pk}/" + (f"{action}/" if action else "")

    return url


def feed_url(action=""):
    def url(claim, documents):
        feed = Feed.objects.create(url="https://courier.example/feed.xml", added_by=get_user_model().objects.first())
        return f"/api/feeds/{feed.pk}/" + (f"{action}/" if action else "")

    return url


def merge_body(claim, documents):
    """Merge the report's second claim (pending) into the claim."""
    return {"claims": [Claim.objects.get(text=SECOND_CLAIM_TEXT).pk]}


# Two pieces of the claim's text (CLAIM_TEXT), in order.
SPLIT_BODY = {"parts": ["The river carries 300 tonnes of plastic", "to the sea every year."]}

# endpoint: (the claim's status, who brought it there, method, url, body: a dict or a function of the claim
# and the documents)
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
    # Triage: a pending claim is anyone's to triage, one in progress its assignee's.
    "dismiss pending": (PENDING, None, "post", lambda c, d: claim_url(c, "dismiss"), {"reason": "opinion"}),
    "dismiss in progress": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "dismiss"), {"reason": "opinion"}),
    "dismiss in review": (IN_REVIEW, "editor", "post", lambda c, d: claim_url(c, "dismiss"), {"reason": "opinion"}),
    "restore": (DISMISSED, "editor", "post", lambda c, d: claim_url(c, "restore"), {}),
    "wording pending": (
        PENDING, None, "post", lambda c, d: claim_url(c, "wording"), {"wording": "The Thames carries 300 tonnes."},
    ),
    "wording in progress": (
        IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "wording"), {"wording": "The Thames carries 300 t."},
    ),
    "merge pending": (PENDING, None, "post", lambda c, d: claim_url(c, "merge"), merge_body),
    "merge into in progress": (IN_PROGRESS, "editor", "post", lambda c, d: claim_url(c, "merge"), merge_body),
    "split pending": (PENDING, None, "post", lambda c, d: claim_url(c, "split"), SPLIT_BODY),
    "split get": (PENDING, None, "get", lambda c, d: claim_url(c, "split"), None),
    "report csv": (None, None, "get", lambda c, d: "/api/reports/claims.csv", None),
    "report json": (None, None, "get", lambda c, d: "/api/reports/claims.json", None),
    "report jsonl": (None, None, "get", lambda c, d: "/api/reports/claims.jsonl", None),
    "report claimreview": (None, None, "get", lambda c, d: "/api/reports/claimreview.jsonld", None),
    "report html": (None, None, "get", lambda c, d: "/api/reports/report.html", None),
    "report post": (None, None, "post", lambda c, d: "/api/reports/claims.csv", {}),
    # Intake: importing articles, a document's details and versions, imports, feeds.
    "import text": (
        None, None, "post", lambda c, d: "/api/documents/",
        {"text": "The port handled 300 ships a week in 2025, the harbour authority said.", "title": "Port"},
    ),
    "document edit": (None, None, "patch", lambda c, d: f"/api/documents/{d.report.pk}/", {"author": "Jane Doe"}),
    "document put": (None, None, "put", lambda c, d: f"/api/documents/{d.report.pk}/", {"title": "x"}),
    "document delete": (None, None, "delete", lambda c, d: f"/api/documents/{d.report.pk}/", None),
    "document versions": (None, None, "get", lambda c, d: f"/api/documents/{d.report.pk}/versions/", None),
    "imports list": (None, None, "get", lambda c, d: "/api/imports/", None),
    "import detail": (None, None, "get", import_url(ImportStatus.DONE), None),
    "import retry": (None, None, "post", import_url(ImportStatus.FAILED, "retry"), {}),
    "import retry, nothing to retry": (None, None, "post", import_url(ImportStatus.DONE, "retry"), {}),
    "import post": (None, None, "post", lambda c, d: "/api/imports/", {}),
    "feeds list": (None, None, "get", lambda c, d: "/api/feeds/", None),
    "feed subscribe": (None, None, "post", lambda c, d: "/api/feeds/", {"url": "https://courier.example/sport.xml"}),
    "feed detail": (None, None, "get", feed_url(), None),
    "feed pause": (None, None, "patch", feed_url(), {"active": False}),
    "feed check": (None, None, "post", feed_url("check"), {}),
    "feed delete": (None, None, "delete", feed_url(), None),
}  # fmt: skip

# The intake writes: what each changes (compared before and after), and who it records as having done it.
INTAKE_WRITES = {
    "import text": (lambda: (Import.objects.count(), DBTaskResult.objects.count()),
                    lambda: Import.objects.latest("id").created_by),
    "document edit": (lambda: DocumentEvent.objects.count(), lambda: DocumentEvent.objects.latest("id").actor),
    "import retry": (lambda: (list(Import.objects.values_list("status", flat=True)), DBTaskResult.objects.count()),
                     None),
    "feed subscribe": (lambda: Feed.objects.count(), lambda: Feed.objects.latest("id").added_by),
    "feed pause": (lambda: list(Feed.objects.values_list("active", flat=True)), None),
    "feed check": (lambda: DBTaskResult.objects.count(), None),
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
    "dismiss pending": everyone_with_a_role(200),
    "dismiss in progress": ONLY_THE_ASSIGNEE,
    "dismiss in review": everyone_with_a_role(409),
    "restore": everyone_with_a_role(200),
    "wording pending": everyone_with_a_role(200),
    "wording in progress": ONLY_THE_ASSIGNEE,
    "merge pending": everyone_with_a_role(200),
    "merge into in progress": ONLY_THE_ASSIGNEE,
    "split pending": everyone_with_a_role(200),
    "split get": everyone_with_a_role(405),
    # Importing and managing feeds are for everyone with a role (reviewers hold the editor role's rights).
    "import text": everyone_with_a_role(202),
    "document edit": everyone_with_a_role(200),
    "document put": everyone_with_a_role(405),
    "document delete": everyone_with_a_role(405),
    "document versions": everyone_with_a_role(200),
    "imports list": everyone_with_a_role(200),
    "import detail": everyone_with_a_role(200),
    "import retry": everyone_with_a_role(202),
    "import retry, nothing to retry": everyone_with_a_role(409),
    "import post": everyone_with_a_role(405),
    "feeds list": everyone_with_a_role(200),
    "feed subscribe": everyone_with_a_role(201),
    "feed detail": everyone_with_a_role(200),
    "feed pause": everyone_with_a_role(200),
    "feed check": everyone_with_a_role(202),
    "feed delete": everyone_with_a_role(405),
}

# The events a successful write adds, where it is not one: a merge closes the other claim (its event)
# and records the merge on the claim that stays; a split creates its two parts, then records itself.
EVENTS = {"merge pending": 2, "merge into in progress": 2, "split pending": 3}

CASES = [(endpoint, who) for endpoint in ENDPOINTS for who in USERS]


def test_the_table_covers_every_endpoint_for_every_user():
    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(set(row) == set(USERS) for row in EXPECTED.values())


@pytest.mark.parametrize(("endpoint", "who"), CASES, ids=[f"{e} as {w}" for e, w in CASES])
def test_each_user_gets_exactly_the_expected_status(endpoint, who, claim, documents, advance, cast, client_for):
    status, brought_by, method, url, body = ENDPOINTS[endpoint]
    if status == DISMISSED:
        workflow.claim_dismiss(claim_id=claim.pk, actor=getattr(cast, brought_by), reason="furniture")
    elif status is not None:
        claim = advance(claim, status, by=getattr(cast, brought_by) if brought_by else None)
    url = url(claim, documents)
    body = body(claim, documents) if callable(body) else body
    before = set(ReviewEvent.objects.values_list("id", flat=True))
    changes, recorded_actor = INTAKE_WRITES.get(endpoint, (lambda: None, None))
    state_before = changes()

    client = client_for(getattr(cast, who))
    if method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body, format="json")

    expected = EXPECTED[endpoint][who]
    assert response.status_code == expected, response.content[:300]
    new_events = ReviewEvent.objects.exclude(id__in=before)
    if endpoint in INTAKE_WRITES:  # intake writes no claim history: its own rows change, or nothing does
        assert (changes() != state_before) == (expected < 300)
        if recorded_actor is not None and expected < 300:
            assert recorded_actor() == getattr(cast, who)
        assert not new_events.exists()
    elif method != "get" and expected in (200, 201):
        assert new_events.count() == EVENTS.get(endpoint, 1)
        assert {event.actor for event in new_events} == {getattr(cast, who)}
    else:
        assert not new_events.exists()
    if expected >= 400:
        answer = response.json()
        assert answer["detail"], answer
    if expected == 401:
        assert answer["detail"] == "Authentication credentials were not provided."
        assert response["WWW-Authenticate"] == "Token"
