"""List endpoints run a fixed number of queries, however many rows a page holds."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations import workflow
from annotations.models import Claim, SourceDocument
from annotations.tests.conftest import document_input

from .conftest import generated_sentences

pytestmark = pytest.mark.django_db

# Each budget counts one query for the caller's roles.
LIST = 2  # roles, the page's rows with their assignees
DOCUMENT_DETAIL = 3  # roles, the document, its occurrences with their claims
HISTORY = 3  # roles, the claim (its id), its events with their actors
# roles, the claim with its people, its occurrences, its evidence, the claims merged into it (and its
# parts, in the same query), its corrections
CLAIM_DETAIL = 6
CLAIM_DETAIL_NEVER_CORRECTED = 5  # the same but the corrections: never approved twice, it can have none


@pytest.fixture
def sixty_claims(cast):
    """Twelve documents of five claims each, a third of the claims assigned to various editors."""
    inputs = []
    for number in range(12):
        sentences = generated_sentences(5, topic=f"flood{number}")
        inputs.append(document_input(" ".join(sentences), f"Flood report {number}", sentences))
    results = workflow.documents_load(documents=inputs)
    claim_ids = [pk for result in results for pk in result.new_claim_ids]
    assignees = [cast.editor, cast.editor2, cast.reviewer, cast.admin]
    for index, pk in enumerate(claim_ids[::3]):
        workflow.claim_assign(claim_id=pk, actor=assignees[index % len(assignees)])
    assert len(claim_ids) == 60
    return claim_ids


@pytest.fixture
def queries(django_assert_max_num_queries):
    """Return a function making one request as ``user`` within ``budget`` queries; gives the body and count.

    The user is read afresh so that the role lookup (cached per user object) is counted every time.
    """

    def get(user, url, budget):
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content
        return response.json(), len(captured)

    return get


def rows(body):
    return body["results"] if isinstance(body, dict) else body


@pytest.mark.parametrize(
    ("query", "matching"),
    [
        ("", 60),
        ("&status=in_progress", 20),
        ("&assignee=none", 40),
        ("&ordering=-updated_at", 60),
        ("&q=flood", 60),
        ("&has_number=true&attributed=true&speaker=report", 60),
        ("&ordering=speaker", 60),
        ("&ordering=-has_quote", 60),
        ("&ordering=checkworthiness", 60),
        ("&checkworthiness_min=0&checkworthiness_max=1", 60),
        ("&include_closed=true", 60),
    ],
)
def test_the_claim_list_runs_the_same_queries_for_5_or_50_rows(queries, cast, sixty_claims, query, matching):
    small, small_count = queries(cast.reviewer, f"/api/claims/?page_size=5{query}", LIST)
    large, large_count = queries(cast.reviewer, f"/api/claims/?page_size=50{query}", LIST)
    assert (len(rows(small)), len(rows(large))) == (5, min(50, matching))
    assert small_count == large_count
    if "assignee=none" not in query:  # the assignees' names come with the rows, not a query each
        assert {"editor1", "editor2", "reviewer1", "admin1"} <= {row["assignee"] for row in rows(large)}


def test_closed_claims_and_their_links_come_with_the_rows(queries, cast, sixty_claims):
    """Merged, split and dismissed claims (and the parts) name their links from their own row: no query each."""
    pending = [pk for pk in sixty_claims if pk not in sixty_claims[::3]]
    for survivor, merged in zip(pending[0:10], pending[10:20], strict=True):
        workflow.claims_merge(claim_id=survivor, actor=cast.editor, claims=[merged])
    for pk in pending[20:25]:
        workflow.claim_dismiss(claim_id=pk, actor=cast.editor, reason="opinion", note="Not a fact.")
    for claim in Claim.objects.filter(pk__in=pending[25:30]):  # "Report flood3 2 | says 13 houses were ..."
        words = claim.text.split(" ")
        workflow.claim_split(claim_id=claim.pk, actor=cast.editor, parts=[" ".join(words[:3]), " ".join(words[3:])])
    _, small_count = queries(cast.reviewer, "/api/claims/?page_size=5&include_closed=true", LIST)
    every, every_count = queries(cast.reviewer, "/api/claims/?page_size=100&include_closed=true", LIST)
    assert small_count == every_count
    assert len(rows(every)) == 70  # the sixty and ten parts
    links = [(row["status"], row["merged_into"], row["split_from"], row["dismissal_reason"]) for row in rows(every)]
    assert sorted(link[1] for link in links if link[0] == "merged") == pending[0:10]
    assert sorted({link[2] for link in links if link[2] is not None}) == pending[25:30]
    assert [link[3] for link in links if link[0] == "dismissed"] == ["opinion"] * 5


def test_the_next_page_of_claims_runs_the_same_queries(queries, cast, sixty_claims):
    first, first_count = queries(cast.editor, "/api/claims/?page_size=50", LIST)
    second, second_count = queries(cast.editor, first["next"], LIST)
    assert len(rows(second)) == 10
    assert first_count == second_count


def test_the_document_list_runs_the_same_queries_for_12_or_50_documents(queries, cast, sixty_claims, many_claims):
    few, few_count = queries(cast.editor, "/api/documents/?page_size=5", LIST)
    for number in range(38):
        many_claims(1, topic=f"drought{number}")
    many, many_count = queries(cast.editor, "/api/documents/?page_size=50", LIST)
    assert (len(rows(few)), len(rows(many))) == (5, 50)
    assert few_count == many_count


def test_a_document_detail_runs_the_same_queries_for_5_or_60_claims(queries, cast, many_claims):
    many_claims(5, topic="hail")
    many_claims(60, topic="wildfire")
    small, large = SourceDocument.objects.order_by("id").values_list("id", flat=True)
    few, few_count = queries(cast.editor, f"/api/documents/{small}/", DOCUMENT_DETAIL)
    many, many_count = queries(cast.editor, f"/api/documents/{large}/", DOCUMENT_DETAIL)
    assert (len(few["claims"]), len(many["claims"])) == (5, 60)
    assert few_count == many_count


def test_the_history_runs_the_same_queries_for_5_or_50_events(queries, cast, sixty_claims):
    quiet, busy = sixty_claims[1], sixty_claims[2]
    actors = [cast.editor, cast.editor2, cast.reviewer, cast.admin]
    for number in range(4):
        workflow.claim_comment(claim_id=quiet, actor=actors[number], comment=f"Note {number}.")
    for number in range(49):
        workflow.claim_comment(claim_id=busy, actor=actors[number % 4], comment=f"Note {number}.")
    few, few_count = queries(cast.reviewer, f"/api/claims/{quiet}/history/", HISTORY)
    many, many_count = queries(cast.reviewer, f"/api/claims/{busy}/history/", HISTORY)
    assert (len(few), len(many)) == (5, 50)
    assert {row["actor"] for row in many[1:]} == {"editor1", "editor2", "reviewer1", "admin1"}
    assert few_count == many_count


def test_the_claim_detail_runs_the_same_queries_whatever_its_evidence(queries, cast, sixty_claims):
    taken = sixty_claims[0]  # assigned to the editor by the fixture
    for number in range(20):
        workflow.evidence_add(claim_id=taken, actor=cast.editor, stance="supports", url=f"https://example.org/{number}")
    bare, bare_count = queries(cast.editor, f"/api/claims/{sixty_claims[1]}/", CLAIM_DETAIL)
    rich, rich_count = queries(cast.editor, f"/api/claims/{taken}/", CLAIM_DETAIL)
    assert (len(bare["evidence"]), len(rich["evidence"])) == (0, 20)
    assert bare_count == rich_count


def test_the_claim_detail_runs_the_same_queries_whatever_its_corrections(queries, cast, sixty_claims):
    plain, corrected = sixty_claims[0], sixty_claims[1]
    workflow.claim_assign(claim_id=corrected, actor=cast.editor)
    for verdict, approver in [("verified", cast.reviewer), ("disputed", cast.admin), ("unverified", cast.reviewer)]:
        workflow.claim_set_verdict(claim_id=corrected, actor=cast.editor, verdict=verdict, note=f"Now {verdict}.")
        workflow.evidence_add(claim_id=corrected, actor=cast.editor, stance="supports", url="https://example.org/")
        workflow.claim_submit(claim_id=corrected, actor=cast.editor)
        correction = "" if verdict == "verified" else f"Corrected to {verdict}."
        workflow.claim_approve(claim_id=corrected, actor=approver, correction=correction)
        if verdict != "unverified":
            workflow.claim_reopen(claim_id=corrected, actor=cast.reviewer, reason="New figures.")
    once = sixty_claims[2]  # approved once: no correction possible either
    workflow.claim_assign(claim_id=once, actor=cast.editor)
    workflow.claim_set_verdict(claim_id=once, actor=cast.editor, verdict="unverified", note="Asked; no answer.")
    workflow.claim_submit(claim_id=once, actor=cast.editor)
    workflow.claim_approve(claim_id=once, actor=cast.reviewer)
    bare, bare_count = queries(cast.editor, f"/api/claims/{plain}/", CLAIM_DETAIL_NEVER_CORRECTED)
    approved, approved_count = queries(cast.editor, f"/api/claims/{once}/", CLAIM_DETAIL_NEVER_CORRECTED)
    rich, rich_count = queries(cast.editor, f"/api/claims/{corrected}/", CLAIM_DETAIL)
    assert (len(bare["corrections"]), len(approved["corrections"])) == (0, 0)
    assert [c["approved_by"] for c in rich["corrections"]] == ["admin1", "reviewer1"]
    assert rich["approved_by"] == "reviewer1"
    assert bare_count == approved_count == rich_count - 1 == CLAIM_DETAIL_NEVER_CORRECTED


# A write: roles, the claim's id, the workflow's transaction (a savepoint pair inside the test's
# transaction) holding the locked read, the update, the previous event's hash and the history row,
# then the claim with its occurrences, evidence and merged claims for the answer, read once (never
# approved, it has no corrections to read).
WRITE = 12


def test_a_write_action_reads_the_claim_once_for_its_answer(cast, sixty_claims, django_assert_max_num_queries):
    taken = sixty_claims[0]
    for number in range(20):
        workflow.evidence_add(claim_id=taken, actor=cast.editor, stance="supports", url=f"https://example.org/{number}")
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=cast.editor.pk))
    with django_assert_max_num_queries(WRITE) as captured:
        response = client.post(f"/api/claims/{taken}/verdict/", {"verdict": "verified"}, format="json")
    assert response.status_code == 200, response.content
    assert len(response.json()["evidence"]) == 20
    evidence_reads = [q["sql"] for q in captured if 'FROM "annotations_evidence"' in q["sql"]]
    assert len(evidence_reads) == 1, evidence_reads


# --- The check-worthiness order is served by its index (PostgreSQL) ---------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plans are PostgreSQL's")
@pytest.mark.parametrize(
    "query",
    ["", "ordering=checkworthiness", "checkworthiness_band=medium", "checkworthiness_min=0.2", "status=pending"],
)
@pytest.mark.parametrize("page", ["first", "next", "previous"])
def test_the_list_by_check_worthiness_walks_its_partial_index(cast, sixty_claims, query, page):
    """With sorting and full scans priced out, the plan must walk claim_worth_idx: the query implies its
    condition (no closed claim) and asks for its order (or its exact reverse), from the cursor's place."""
    client = APIClient()
    client.force_authenticate(cast.editor)
    url = f"/api/claims/?page_size=10&{query}"
    if page != "first":
        url = client.get(url).json()["next"]
    if page == "previous":
        url = client.get(url).json()["previous"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    [sql] = [q["sql"] for q in captured if 'FROM "annotations_claim"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan" in plan and "claim_worth_idx" in plan, plan
    assert "Sort" not in plan, plan
    if page != "first":  # the walk starts at the cursor's score, not at the top of the index
        assert re.search(r"Index Cond: .*checkworthiness [<>]= ", plan), plan
