"""The read endpoints: documents, claims (filters, ordering, cursor pages), detail, evidence, history."""

import base64
from urllib.parse import urlencode, urlsplit

import pytest

from annotations import workflow
from annotations.models import Claim, ClaimStatus, ReviewEvent
from annotations.tests.conftest import (
    BOTH,
    CLAIM_TEXT,
    COUNTED,
    PLAIN,
    QUOTED,
    SECOND_CLAIM_TEXT,
    SIGNAL_CLAIMS,
    SURVEY_CLAIM_TEXT,
)

from .conftest import claim_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client_for, editor):
    return client_for(editor)


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def follow(client, url):
    """Return every page of a cursor-paginated list, following the ``next`` links."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = response.json()["next"]
    return pages


# --- Documents ----------------------------------------------------------------------------------


def test_the_document_list_shows_each_document_without_its_text(reader, documents):
    response = reader.get("/api/documents/")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    rows = body["results"]
    assert [row["id"] for row in rows] == [documents.report.pk, documents.survey.pk]
    assert rows[0]["title"] == "River report"
    assert rows[0]["content_hash"] == documents.report.content_hash
    assert "text" not in rows[0]
    assert "claims" not in rows[0]


def test_a_document_detail_lists_its_claims_in_order_with_their_spans(reader, documents, claim, advance):
    advance(claim, ClaimStatus.IN_PROGRESS)
    response = reader.get(f"/api/documents/{documents.report.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == documents.report.text
    assert [c["text"] for c in body["claims"]] == [CLAIM_TEXT, SECOND_CLAIM_TEXT]
    assert [c["position"] for c in body["claims"]] == [0, 1]
    first = body["claims"][0]
    assert first["id"] == claim.pk
    assert (first["status"], first["verdict"]) == ("in_progress", "verified")
    assert body["text"][first["start"] : first["end"]] == CLAIM_TEXT


def test_an_unknown_document_is_404_with_a_json_detail(reader, documents):
    response = reader.get("/api/documents/999999/")
    assert response.status_code == 404
    assert response.json()["detail"]


# --- Claim list: filters --------------------------------------------------------------------------


def claim_id(text):
    return Claim.objects.get(text=text).pk


def test_the_claim_list_shows_every_claim_most_worth_checking_first(reader, documents):
    response = reader.get("/api/claims/")
    assert response.status_code == 200
    body = response.json()
    by_worth = Claim.objects.order_by("-checkworthiness", "id").values_list("id", flat=True)
    assert len(set(Claim.objects.values_list("checkworthiness", flat=True))) == 3  # the order is the scores'
    assert ids(response) == list(by_worth)
    assert body["next"] is None and body["previous"] is None
    row = body["results"][0]
    assert set(row) == {
        "id", "text", "wording", "checked_text", "status", "verdict", "assignee", "version", "has_number",
        "has_quote", "speaker", "checkworthiness", "dismissal_reason", "dismissal_note", "merged_into", "split_from",
        "created_at", "updated_at",
    }  # fmt: skip


def test_the_claim_list_filters_by_status_and_verdict(reader, documents, claim, advance):
    advance(claim, ClaimStatus.IN_REVIEW)
    assert ids(reader.get("/api/claims/?status=in_review")) == [claim.pk]
    assert ids(reader.get("/api/claims/?status=pending&ordering=id")) == [
        claim_id(SECOND_CLAIM_TEXT), claim_id(SURVEY_CLAIM_TEXT),
    ]  # fmt: skip
    assert ids(reader.get("/api/claims/?verdict=verified")) == [claim.pk]
    assert ids(reader.get("/api/claims/?verdict=disputed")) == []
    assert ids(reader.get("/api/claims/?status=pending&verdict=verified")) == []


def test_the_claim_list_filters_by_document(reader, documents):
    assert ids(reader.get(f"/api/claims/?document={documents.survey.pk}")) == [claim_id(SURVEY_CLAIM_TEXT)]
    assert ids(reader.get(f"/api/claims/?document={documents.report.pk}&ordering=id")) == [
        claim_id(CLAIM_TEXT),
        claim_id(SECOND_CLAIM_TEXT),
    ]


def test_a_claim_in_two_documents_is_listed_once_per_filter(reader, documents, load_document):
    load_document(f"Repeated: {CLAIM_TEXT}", "Repeat", [CLAIM_TEXT])
    assert ids(reader.get("/api/claims/")).count(claim_id(CLAIM_TEXT)) == 1
    assert ids(reader.get(f"/api/claims/?document={documents.report.pk}")).count(claim_id(CLAIM_TEXT)) == 1


def test_the_claim_list_filters_by_assignee_id_me_and_none(client_for, documents, editor, editor2):
    first, second, survey = claim_id(CLAIM_TEXT), claim_id(SECOND_CLAIM_TEXT), claim_id(SURVEY_CLAIM_TEXT)
    workflow.claim_assign(claim_id=first, actor=editor)
    workflow.claim_assign(claim_id=second, actor=editor2)
    as_editor, as_editor2 = client_for(editor), client_for(editor2)
    assert ids(as_editor.get(f"/api/claims/?assignee={editor2.pk}")) == [second]
    assert ids(as_editor.get("/api/claims/?assignee=me")) == [first]
    assert ids(as_editor2.get("/api/claims/?assignee=me")) == [second]
    assert ids(as_editor.get("/api/claims/?assignee=none")) == [survey]
    assert as_editor.get("/api/claims/?assignee=me").json()["results"][0]["assignee"] == "editor1"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("doubled", [SECOND_CLAIM_TEXT]),
        ("TONNES", [CLAIM_TEXT, SURVEY_CLAIM_TEXT]),
        ("plastic river tonnes", [CLAIM_TEXT, SURVEY_CLAIM_TEXT]),
        ("survey 120", [SURVEY_CLAIM_TEXT]),
        ('"river carries"', [CLAIM_TEXT]),
        ("unicorns", []),
    ],
)
def test_the_claim_list_searches_the_text(reader, documents, query, expected):
    response = reader.get("/api/claims/", {"q": query, "ordering": "id"})
    assert response.status_code == 200
    assert ids(response) == [claim_id(text) for text in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("verdict=maybe", "verdict"),
        ("assignee=someone", "assignee"),
        ("assignee=-1", "assignee"),
        ("document=abc", "document"),
        ("document=0", "document"),
        ("document=1.5", "document"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_field(reader, documents, query, field):
    response = reader.get(f"/api/claims/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_huge_numeric_filter_finds_nothing_rather_than_failing(reader, documents):
    for query in ("document=99999999999999999999999", "assignee=999999999999999999"):
        response = reader.get(f"/api/claims/?{query}")
        assert response.status_code in (200, 400), (query, response.status_code)
        if response.status_code == 200:
            assert ids(response) == []


# --- Claim list: ordering and cursor pages ------------------------------------------------------


def test_the_claim_list_orders_by_the_ordering_parameter(reader, many_claims, editor):
    claims = many_claims(6)
    assert ids(reader.get("/api/claims/?ordering=-id")) == claims[::-1]
    workflow.claim_assign(claim_id=claims[2], actor=editor)
    workflow.claim_assign(claim_id=claims[4], actor=editor)
    newest_first = ids(reader.get("/api/claims/?ordering=-updated_at"))
    assert newest_first[:2] == [claims[4], claims[2]]
    assert sorted(newest_first) == claims
    assert ids(reader.get("/api/claims/?ordering=updated_at"))[-2:] == [claims[2], claims[4]]


def test_an_unknown_ordering_field_is_ignored(reader, signal_claims):
    default = ids(reader.get("/api/claims/"))
    assert default != sorted(default)  # the default order is not the ids'
    assert ids(reader.get("/api/claims/?ordering=text")) == default


def test_page_size_sets_the_page_and_next_links_walk_every_claim_once(reader, many_claims):
    claims = many_claims(12)
    first = reader.get("/api/claims/?page_size=5")
    assert ids(first) == claims[:5]
    assert urlsplit(first.json()["next"]).path == "/api/claims/"
    pages = follow(reader, "/api/claims/?page_size=5")
    assert [len(page["results"]) for page in pages] == [5, 5, 2]
    assert [row["id"] for page in pages for row in page["results"]] == claims


def test_the_previous_link_goes_back_a_page(reader, many_claims):
    claims = many_claims(12)
    second = reader.get(reader.get("/api/claims/?page_size=5").json()["next"])
    assert ids(second) == claims[5:10]
    back = reader.get(second.json()["previous"])
    assert ids(back) == claims[:5]


def test_cursor_pages_keep_the_filters_and_the_ordering(reader, many_claims, editor):
    claims = many_claims(9)
    for pk in claims[:7]:
        workflow.claim_assign(claim_id=pk, actor=editor)
    pages = follow(reader, "/api/claims/?status=in_progress&ordering=-id&page_size=3")
    assert [row["id"] for page in pages for row in page["results"]] == claims[:7][::-1]


def test_cursor_pages_by_update_time_visit_every_claim_once_even_when_times_tie(reader, many_claims):
    """Claims loaded together share their update time: the pages must still not skip or repeat."""
    claims = many_claims(23)
    pages = follow(reader, "/api/claims/?ordering=-updated_at&page_size=4")
    seen = [row["id"] for page in pages for row in page["results"]]
    assert sorted(seen) == claims
    assert len(seen) == len(set(seen))


def test_an_invalid_cursor_is_404_with_a_json_detail(reader, documents):
    response = reader.get("/api/claims/?cursor=not-a-cursor")
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"


def test_a_non_numeric_page_size_falls_back_to_the_default(reader, many_claims):
    claims = many_claims(3)
    response = reader.get("/api/claims/?page_size=lots")
    assert response.status_code == 200
    assert ids(response) == claims


# --- Claim detail, evidence, history ------------------------------------------------------------


def test_the_claim_detail_has_occurrences_evidence_and_version(reader, documents, claim, advance, load_document):
    load_document(f"Again: {CLAIM_TEXT}", "Repeat", [CLAIM_TEXT])
    claim = advance(claim, ClaimStatus.IN_REVIEW)
    response = reader.get(claim_url(claim))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["text"]) == (claim.pk, CLAIM_TEXT)
    assert (body["status"], body["verdict"]) == ("in_review", "verified")
    assert (body["version"], body["assignee"], body["submitted_by"]) == (claim.version, "editor1", "editor1")
    assert body["note"] == "Matches the survey."
    assert [(o["document_title"], o["position"]) for o in body["occurrences"]] == [("River report", 0), ("Repeat", 0)]
    assert body["occurrences"][0]["document"] == documents.report.pk
    [evidence] = body["evidence"]
    assert (evidence["url"], evidence["stance"], evidence["added_by"]) == (
        "https://example.org/survey",
        "supports",
        "editor1",
    )
    assert response["ETag"] == f'"claim-{claim.pk}-v{claim.version}"'


def test_an_unknown_claim_is_404_with_a_json_detail(reader, documents):
    response = reader.get("/api/claims/999999/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_evidence_list_shows_the_claims_evidence_in_order(reader, claim, advance, editor, other_document):
    advance(claim, ClaimStatus.IN_PROGRESS)
    workflow.evidence_add(
        claim_id=claim.pk, actor=editor, stance="refutes", document=other_document.pk, start=0, end=10
    )
    response = reader.get(claim_url(claim, "evidence"))
    assert response.status_code == 200
    rows = response.json()
    assert [(row["stance"], row["url"], row["document"]) for row in rows] == [
        ("supports", "https://example.org/survey", None),
        ("refutes", "", other_document.pk),
    ]
    assert rows[1]["excerpt"] == other_document.text[0:10]
    assert all(row["claim"] == claim.pk for row in rows)


def test_an_evidence_item_can_be_read_on_its_own(reader, claim, advance):
    advance(claim, ClaimStatus.IN_PROGRESS)
    evidence = claim.evidence.get()
    response = reader.get(f"/api/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["claim"]) == (evidence.pk, claim.pk)


def test_the_history_lists_every_event_oldest_first(reader, claim, advance):
    advance(claim, ClaimStatus.APPROVED)
    response = reader.get(claim_url(claim, "history"))
    assert response.status_code == 200
    rows = response.json()
    assert [row["action"] for row in rows] == [
        "created", "assigned", "verdict_set", "evidence_added", "submitted", "approved",
    ]  # fmt: skip
    assert [row["id"] for row in rows] == list(
        ReviewEvent.objects.filter(claim=claim).order_by("id").values_list("id", flat=True)
    )
    approved = rows[-1]
    assert (approved["actor"], approved["status_before"], approved["status_after"]) == (
        "reviewer1",
        "in_review",
        "approved",
    )
    assert approved["claim_version"] == claim.version
    assert rows[0]["actor"] is None


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_history_is_read_only(reader, claim, method):
    before = ReviewEvent.objects.count()
    response = getattr(reader, method)(claim_url(claim, "history"), {"action": "approved"}, format="json")
    assert response.status_code == 405
    assert response.json()["detail"]
    assert ReviewEvent.objects.count() == before


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/claims/"),
        ("put", "claim"),
        ("patch", "claim"),
        ("delete", "claim"),
    ],
)
def test_claims_are_not_written_directly(reader, claim, method, url):
    """(Documents come in through imports: POST /api/documents/ queues one, tests/api/test_intake.py.)"""
    url = claim_url(claim) if url == "claim" else url
    before = Claim.objects.values().get(pk=claim.pk)
    response = getattr(reader, method)(url, {"status": "approved", "text": "x"}, format="json")
    assert response.status_code == 405
    assert Claim.objects.values().get(pk=claim.pk) == before


def test_a_claims_address_ignores_list_filters(reader, claim):
    response = reader.get(f"/api/claims/{claim.pk}/?status=approved&q=nothing-matches")
    assert response.status_code == 200
    assert response.json()["id"] == claim.pk


# --- Claim list: check-worthiness signals -------------------------------------------------------


def test_the_list_and_the_detail_show_the_signals(reader, signal_claims):
    rows = {row["id"]: row for row in reader.get("/api/claims/").json()["results"]}
    signals = {key: rows[signal_claims[COUNTED]][key] for key in ("has_number", "has_quote", "speaker")}
    assert signals == {"has_number": True, "has_quote": False, "speaker": "the ministry"}
    detail = reader.get(f"/api/claims/{signal_claims[BOTH]}/").json()
    assert (detail["has_number"], detail["has_quote"], detail["speaker"]) == (True, True, "")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has_number=true", [COUNTED, BOTH]),
        ("has_number=false", [QUOTED, PLAIN]),
        ("has_quote=1", [QUOTED, BOTH]),
        ("has_quote=False", [COUNTED, PLAIN]),
        ("attributed=true", [COUNTED, QUOTED]),
        ("attributed=false", [PLAIN, BOTH]),
        ("speaker=MINIstry", [COUNTED]),
        ("speaker=forces&has_quote=true", [QUOTED]),
        ("attributed=true&has_number=true&has_quote=true", []),
        ("has_number=&speaker=", SIGNAL_CLAIMS),  # empty values filter nothing
    ],
)
def test_the_claim_list_filters_by_signals(reader, signal_claims, query, expected):
    assert ids(reader.get(f"/api/claims/?{query}&ordering=id")) == [signal_claims[text] for text in expected]


@pytest.mark.parametrize("query", ["has_number=maybe", "attributed=yes", "has_quote=2"])
def test_a_signal_filter_that_is_not_a_boolean_is_refused_naming_it(reader, signal_claims, query):
    response = reader.get(f"/api/claims/?{query}")
    assert response.status_code == 400
    assert response.json() == {query.split("=")[0]: ["Enter true or false."]}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("has_number", [QUOTED, PLAIN, COUNTED, BOTH]),  # ties by id
        ("-has_number", [BOTH, COUNTED, PLAIN, QUOTED]),  # ties by id, descending too
        ("has_quote,-id", [PLAIN, COUNTED, BOTH, QUOTED]),
        ("speaker", [PLAIN, BOTH, QUOTED, COUNTED]),  # the unattributed first
        ("-speaker", [COUNTED, QUOTED, BOTH, PLAIN]),
    ],
)
def test_the_claim_list_orders_by_signals_with_the_id_breaking_ties(reader, signal_claims, ordering, expected):
    assert ids(reader.get(f"/api/claims/?ordering={ordering}")) == [signal_claims[text] for text in expected]


@pytest.mark.parametrize("ordering", ["has_number", "-has_quote", "speaker", "-speaker,has_number"])
def test_cursor_pages_by_a_signal_walk_every_claim_once_and_back(reader, signal_claims, many_claims, ordering):
    many_claims(9)
    expected = ids(reader.get(f"/api/claims/?ordering={ordering}&page_size=100"))
    pages = follow(reader, f"/api/claims/?ordering={ordering}&page_size=3")
    assert [row["id"] for page in pages for row in page["results"]] == expected
    back = reader.get(pages[-1]["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[-2]["results"]]


def test_cursor_pages_walk_more_tied_claims_than_an_offset_reaches(reader, many_claims):
    """1,150 claims tie on has_number: DRF's offset cursor (capped at 1,000) serves rows 1,000-1,099 forever."""
    claims = many_claims(1_150)
    pages = follow(reader, "/api/claims/?ordering=-has_number&page_size=100")
    assert [row["id"] for page in pages for row in page["results"]] == claims[::-1]


@pytest.mark.parametrize("position", ['["x", "1"]', '["True"]', "[1, 2, 3]", "not json", '{"id": 1}'])
def test_a_cursor_with_a_position_that_does_not_fit_the_ordering_is_404(reader, signal_claims, position):
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = reader.get("/api/claims/?ordering=has_number", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"
