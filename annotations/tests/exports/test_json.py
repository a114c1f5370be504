"""JSON and JSON Lines: every claim in full, the documents to read its occurrences in, the filters used."""

import datetime
import json

import pytest
from django.utils import timezone

from annotations.exports import ExportFilters
from annotations.models import Claim, ClaimOccurrence, Correction, Evidence, ReviewEvent

from .conftest import APPROVAL, CORRECTION_NOTE, FIRST_APPROVAL, exported, json_lines, utc

pytestmark = pytest.mark.django_db


def read_json(filters=None, **options) -> dict:
    return json.loads(exported("json", filters, **options))


def claims_by_id(export: dict) -> dict[int, dict]:
    return {claim["id"]: claim for claim in export["claims"]}


def test_the_header_gives_the_format_the_time_and_the_filters(newsroom):
    filters = ExportFilters.parse(status="approved,in_review", verdict="verified", since="2025-01-01")
    before = timezone.now()
    export = read_json(filters)
    assert list(export) == [
        "format", "version", "exported_at", "filters", "filters_described", "history", "documents", "claims",
    ]  # fmt: skip
    assert (export["format"], export["version"], export["history"]) == ("factcheck-export", 1, False)
    assert before - datetime.timedelta(seconds=1) <= utc(export["exported_at"]) <= timezone.now()
    assert export["filters"] == {
        "status": ["approved", "in_review"],
        "verdict": ["verified"],
        "document": [],
        "since": "2025-01-01T00:00:00+00:00",
        "claims": [],
    }
    assert export["filters_described"] == (
        "status approved or in review; verdict verified; changed since 2025-01-01 00:00 UTC"
    )


def test_without_filters_the_header_says_any_and_every_claim_is_there(newsroom):
    export = read_json()
    assert export["filters"] == {"status": [], "verdict": [], "document": [], "since": None, "claims": []}
    assert export["filters_described"] == "all claims"
    assert [c["id"] for c in export["claims"]] == list(Claim.objects.order_by("id").values_list("id", flat=True))


def test_each_occurrence_gives_the_claim_text_back_from_its_document(newsroom):
    export = read_json()
    documents = {document["id"]: document for document in export["documents"]}
    checked = 0
    for claim in export["claims"]:
        stored = list(
            ClaimOccurrence.objects.filter(claim_id=claim["id"])
            .order_by("document_id", "position")
            .values_list("document_id", "start", "end", "position")
        )
        assert [(o["document"], o["start"], o["end"], o["position"]) for o in claim["occurrences"]] == stored
        for occurrence in claim["occurrences"]:
            document = documents[occurrence["document"]]
            assert document["text"][occurrence["start"] : occurrence["end"]] == claim["text"]
            assert (occurrence["document_title"], occurrence["document_url"]) == (document["title"], document["url"])
            checked += 1
    assert checked == Claim.objects.count() + 1  # the first claim occurs in two documents


def test_the_documents_are_those_the_claims_occur_in_or_cite_with_their_details(newsroom):
    docs = newsroom.docs
    export = read_json(ExportFilters(claim_ids=(newsroom.claims.approved.pk,)))
    # It occurs in the report and the digest and cites a passage of the survey.
    assert [d["id"] for d in export["documents"]] == sorted([docs.report.pk, docs.digest.pk, docs.survey.pk])
    report = export["documents"][0]
    assert report == {
        "id": docs.report.pk,
        "title": "River report",
        "publisher": "River Times",
        "url": "https://example.org/river",
        "published_on": "2025-02-27",
        "file_name": "",
        "content_hash": docs.report.content_hash,
        "loaded_at": report["loaded_at"],
        "text": docs.report.text,
    }
    assert utc(report["loaded_at"]) == docs.report.loaded_at


def test_an_approved_claim_keeps_its_verdict_people_dates_and_evidence(newsroom):
    claim, survey = newsroom.claims.approved, newsroom.docs.survey
    record = claims_by_id(read_json())[claim.pk]
    assert {key: record[key] for key in ("status", "verdict", "note", "published_verdict", "published_note")} == {
        "status": "approved",
        "verdict": "verified",
        "note": "Matches the survey.",
        "published_verdict": "verified",
        "published_note": "Matches the survey.",
    }
    assert (record["assignee"], record["submitted_by"], record["approved_by"]) == ("editor1", "editor1", "reviewer1")
    assert record["approved_at"] == record["published_at"] == "2025-03-02T10:11:12.987654Z"
    assert utc(record["approved_at"]) == APPROVAL
    assert (record["version"], record["text_hash"]) == (claim.version, claim.text_hash)
    web, passage = Evidence.objects.filter(claim=claim).order_by("id")
    assert record["evidence"] == [
        {
            "id": web.pk, "stance": "supports", "url": "https://example.org/survey", "document": None,
            "start": None, "end": None, "title": "Survey page", "excerpt": "", "added_by": "editor1",
            "added_at": record["evidence"][0]["added_at"],
        },
        {
            "id": passage.pk, "stance": "context", "url": "", "document": survey.pk, "start": 0, "end": 64,
            "title": "", "excerpt": survey.text[0:64], "added_by": "editor1",
            "added_at": record["evidence"][1]["added_at"],
        },
    ]  # fmt: skip
    assert [utc(e["added_at"]) for e in record["evidence"]] == [web.added_at, passage.added_at]
    assert record["corrections"] == []


def test_a_corrected_claim_lists_its_correction_and_keeps_its_first_publication_date(newsroom):
    claim = newsroom.claims.corrected
    record = claims_by_id(read_json())[claim.pk]
    correction = Correction.objects.get(claim=claim)
    assert record["corrections"] == [
        {
            "date": record["corrections"][0]["date"],
            "old_verdict": "verified",
            "new_verdict": "disputed",
            "old_note": "Officials' own figures.",
            "new_note": "The figure rose by a third.",
            "note": CORRECTION_NOTE,
            "approved_by": "reviewer2",
        }
    ]
    assert utc(record["corrections"][0]["date"]) == correction.created_at
    assert utc(record["published_at"]) == FIRST_APPROVAL
    assert utc(record["approved_at"]) == claim.approved_at > FIRST_APPROVAL
    assert (record["verdict"], record["published_verdict"]) == ("disputed", "disputed")
    assert record["approved_by"] == "reviewer2"


def test_a_pending_claim_has_empty_values_not_missing_ones(newsroom):
    record = claims_by_id(read_json())[newsroom.claims.pending.pk]
    assert record["verdict"] == record["note"] == record["published_verdict"] == ""
    assert record["assignee"] is record["submitted_by"] is record["approved_by"] is record["approved_at"] is None
    assert record["evidence"] == record["corrections"] == []


def test_each_claim_carries_its_check_worthiness_signals(newsroom):
    records = claims_by_id(read_json())
    mayor = records[newsroom.claims.mayor.pk]  # "The mayor said the <b>bridge</b> is 100 years old."
    assert (mayor["speaker"], mayor["has_number"], mayor["has_quote"]) == ("the mayor", True, False)
    quoted = records[newsroom.claims.in_review.pk]  # 'The minister said "we have no plans"...'
    assert (quoted["speaker"], quoted["has_quote"]) == ("the minister", True)
    plain = records[newsroom.claims.disputed.pk]  # "The river is the longest in the country."
    assert (plain["speaker"], plain["has_number"], plain["has_quote"]) == ("", False, False)
    for claim in Claim.objects.all():
        assert (records[claim.pk]["speaker"], records[claim.pk]["has_number"], records[claim.pk]["has_quote"]) == (
            claim.speaker,
            claim.has_number,
            claim.has_quote,
        )


def test_the_history_is_there_only_when_asked_for(newsroom):
    assert all("history" not in claim for claim in read_json()["claims"])
    assert all("history" not in claim for claim in json_lines(exported("jsonl")))
    export = read_json(history=True)
    assert export["history"] is True
    assert all("history" in claim for claim in export["claims"])


@pytest.mark.parametrize("name", ["json", "jsonl"])
def test_the_history_matches_the_review_events(newsroom, name):
    data = exported(name, history=True)
    claims = json.loads(data)["claims"] if name == "json" else json_lines(data)
    assert len(claims) == Claim.objects.count()
    for claim in claims:
        events = ReviewEvent.objects.filter(claim_id=claim["id"]).select_related("actor").order_by("id")
        assert [
            (h["id"], h["action"], h["actor"], h["status_before"], h["status_after"], h["verdict_before"],
             h["verdict_after"], h["comment"], h["details"], h["claim_version"], utc(h["created_at"]))
            for h in claim["history"]
        ] == [
            (e.pk, e.action, e.actor.username if e.actor else None, e.status_before, e.status_after, e.verdict_before,
             e.verdict_after, e.comment, e.details, e.claim_version, e.created_at)
            for e in events
        ]  # fmt: skip
    corrected = next(c for c in claims if c["id"] == newsroom.claims.corrected.pk)
    assert [h["action"] for h in corrected["history"]] == [
        "created", "assigned", "verdict_set", "evidence_added", "submitted", "approved",
        "reopened", "verdict_set", "evidence_added", "submitted", "approved",
    ]  # fmt: skip
    assert corrected["history"][-1]["details"] == {"correction": CORRECTION_NOTE}
    assert corrected["history"][6]["comment"] == "New figures were released."


@pytest.mark.parametrize("history", [False, True])
def test_json_lines_hold_one_claim_a_line_the_same_records_as_json(newsroom, history):
    data = exported("jsonl", history=history)
    lines = json_lines(data)
    assert len(data.splitlines()) == len(lines) == Claim.objects.count()
    assert lines == read_json(history=history)["claims"]


def test_filters_narrow_both_json_and_json_lines(newsroom):
    filters = ExportFilters(verdict=("disputed",))
    expected = sorted([newsroom.claims.corrected.pk, newsroom.claims.returned.pk, newsroom.claims.disputed.pk])
    assert [c["id"] for c in read_json(filters)["claims"]] == expected
    assert [c["id"] for c in json_lines(exported("jsonl", filters))] == expected


def test_an_export_of_nothing_is_still_valid(newsroom):
    filters = ExportFilters(claim_ids=(999_999,))
    export = read_json(filters)
    assert (export["documents"], export["claims"]) == ([], [])
    assert exported("jsonl", filters) == b""


def test_text_with_quotes_line_breaks_markup_and_formulas_comes_back_unchanged(newsroom):
    records = claims_by_id(read_json())
    for claim in Claim.objects.all():
        assert (records[claim.pk]["text"], records[claim.pk]["note"]) == (claim.text, claim.note)
