"""JSON and JSON Lines: every claim in full, the documents and versions its occurrences index, the filters used."""

import datetime
import json

import pytest
from django.utils import timezone

from annotations.exports import ExportFilters, records
from annotations.models import Claim, ClaimOccurrence, Correction, DocumentEvent, DocumentVersion, Evidence, ReviewEvent

from .conftest import (
    APPROVAL,
    CORRECTION_NOTE,
    COST_REWORDING,
    COST_WORDING,
    DAM_FIRST_TEXT,
    DAM_PUBLISHED_ON,
    DAM_TEXT_NOW,
    DAM_TITLE_NOW,
    DISMISSAL_NOTE,
    FIRST_APPROVAL,
    REWORDING_NOTE,
    TOLL_WORDING,
    exported,
    json_lines,
    sha256,
    utc,
)

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
    assert (export["format"], export["version"], export["history"]) == ("factcheck-export", 3, False)
    assert before - datetime.timedelta(seconds=1) <= utc(export["exported_at"]) <= timezone.now()
    assert export["filters"] == {
        "status": ["approved", "in_review"],
        "verdict": ["verified"],
        "document": [],
        "since": "2025-01-01T00:00:00+00:00",
        "claims": [],
        "include_closed": False,
    }
    assert export["filters_described"] == (
        "status approved or in review; verdict verified; changed since 2025-01-01 00:00 UTC"
    )


def test_without_filters_the_header_says_any_and_every_claim_is_there(newsroom):
    export = read_json()
    assert export["filters"] == {
        "status": [], "verdict": [], "document": [], "since": None, "claims": [], "include_closed": False,
    }  # fmt: skip
    assert export["filters_described"] == "all claims but those closed in triage"  # the newsroom has none
    assert [c["id"] for c in export["claims"]] == list(Claim.objects.order_by("id").values_list("id", flat=True))


def version_text(document: dict, number: int) -> str:
    """Return the text of a version of an exported document: the current one's is the document's own."""
    [version] = [v for v in document["versions"] if v["number"] == number]
    return document["text"] if number == document["version"] else version["text"]


def test_each_occurrence_gives_the_claim_text_back_from_its_version_of_its_document(newsroom):
    export = read_json()
    documents = {document["id"]: document for document in export["documents"]}
    checked = removed = 0
    for claim in export["claims"]:
        stored = list(
            ClaimOccurrence.objects.filter(claim_id=claim["id"])
            .order_by("document_id", "position", "version")
            .values_list("document_id", "start", "end", "position", "version", "removed_in")
        )
        assert [
            (o["document"], o["start"], o["end"], o["position"], o["version"], o["removed_in"])
            for o in claim["occurrences"]
        ] == stored
        for occurrence in claim["occurrences"]:
            document = documents[occurrence["document"]]
            text = version_text(document, occurrence["version"])
            assert text[occurrence["start"] : occurrence["end"]] == claim["text"]
            assert (occurrence["removed_in"] is None) == (occurrence["version"] == document["version"])
            assert {key: occurrence[f"document_{key}"] for key in ("title", "url", "publisher", "published_on")} == {
                key: document[key] for key in ("title", "url", "publisher", "published_on")
            }
            checked += 1
            removed += occurrence["removed_in"] is not None
    assert checked == Claim.objects.count() + 2  # the first claim occurs in three documents
    assert removed == 1  # the dam's cost, gone from the article's second version


def test_the_documents_are_those_the_claims_occur_in_or_cite_with_their_details(newsroom):
    docs = newsroom.docs
    export = read_json(ExportFilters(claim_ids=(newsroom.claims.approved.pk,)))
    # It occurs in the report, the digest and the dam article and cites a passage of the survey.
    assert [d["id"] for d in export["documents"]] == sorted(
        [docs.report.pk, docs.digest.pk, docs.dam.pk, docs.survey.pk]
    )
    report = export["documents"][0]
    assert report == {
        "id": docs.report.pk,
        "title": "River report",
        "publisher": "River Times",
        "author": "",
        "url": "https://example.org/river",
        "published_on": "2025-02-27",
        "language": "",
        "file_name": "",
        "origin": "file",
        "content_hash": docs.report.content_hash,
        "version": 1,
        "revision": 1,
        "loaded_at": report["loaded_at"],
        "updated_at": report["loaded_at"],
        "text": docs.report.text,
        "versions": [
            {
                "number": 1, "content_hash": docs.report.content_hash, "url": "https://example.org/river", "html": "",
                "created_at": report["loaded_at"], "text": None,  # the current version's text is the document's
            }
        ],
    }  # fmt: skip
    assert utc(report["loaded_at"]) == docs.report.loaded_at


def test_a_document_that_changed_has_every_version_and_with_the_history_its_events(newsroom):
    dam = newsroom.docs.dam
    export = read_json(ExportFilters(document=(dam.pk,)), history=True)
    [document] = [d for d in export["documents"] if d["id"] == dam.pk]
    first, second = DocumentVersion.objects.filter(document=dam).order_by("number")
    assert {key: document[key] for key in ("title", "author", "language", "origin", "version", "revision")} == {
        "title": DAM_TITLE_NOW, "author": "Jo Reyes", "language": "en-GB", "origin": "web", "version": 2,
        "revision": 3,  # loaded, a new version, an edit
    }  # fmt: skip
    assert (document["published_on"], document["text"]) == (DAM_PUBLISHED_ON.isoformat(), DAM_TEXT_NOW)
    assert utc(document["updated_at"]) == dam.updated_at > dam.loaded_at
    assert document["versions"] == [
        {"number": 1, "content_hash": sha256(DAM_FIRST_TEXT), "url": "https://example.org/dam", "html": "",
         "created_at": document["versions"][0]["created_at"], "text": DAM_FIRST_TEXT},
        {"number": 2, "content_hash": sha256(DAM_TEXT_NOW), "url": "https://example.org/dam?page=1", "html": "",
         "created_at": document["versions"][1]["created_at"], "text": None},
    ]  # fmt: skip
    assert [utc(v["created_at"]) for v in document["versions"]] == [first.created_at, second.created_at]
    events = DocumentEvent.objects.filter(document=dam).order_by("id")
    assert document["history"] == [
        {"id": e.pk, "action": e.action, "actor": e.actor.username if e.actor else None, "version": e.version,
         "details": e.details, "created_at": document["history"][i]["created_at"]}
        for i, e in enumerate(events)
    ]  # fmt: skip
    assert [(h["action"], h["actor"], h["version"]) for h in document["history"]] == [
        ("loaded", None, 1), ("versioned", "editor1", 2), ("edited", "editor2", 2),
    ]  # fmt: skip
    assert document["history"][2]["details"] == {"language": ["en", "en-GB"]}
    assert [utc(h["created_at"]) for h in document["history"]] == [e.created_at for e in events]
    # Without the history, no document has one.
    assert all("history" not in d for d in read_json()["documents"])


def test_documents_read_a_few_at_a_time_keep_their_own_versions_and_history(newsroom, monkeypatch):
    whole = read_json(history=True)
    monkeypatch.setattr(records, "DOCUMENT_BATCH", 2)
    assert read_json(history=True)["documents"] == whole["documents"]
    assert len(whole["documents"]) == DocumentVersion.objects.count() - 1  # the dam article has two


def test_a_claim_whose_article_changed_after_its_ruling_says_when(newsroom):
    records = claims_by_id(read_json())
    kept, gone = newsroom.claims.approved, newsroom.claims.dam_cost
    for claim in (kept, gone):  # both had a verdict when the article changed
        assert records[claim.pk]["source_changed_at"] is not None
        assert utc(records[claim.pk]["source_changed_at"]) == claim.source_changed_at
    assert records[newsroom.claims.pending.pk]["source_changed_at"] is None
    [removed] = records[gone.pk]["occurrences"]
    assert (removed["document"], removed["version"], removed["removed_in"]) == (newsroom.docs.dam.pk, 1, 2)
    assert removed["document_title"] == DAM_TITLE_NOW  # the document's details are those of now


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
            "old_wording": "",  # checked as it appears, before and after
            "new_wording": "",
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
    assert record["source_changed_at"] is None
    [occurrence] = record["occurrences"]
    assert occurrence["document_publisher"] == occurrence["document_author"] == ""
    assert occurrence["document_published_on"] is occurrence["removed_in"] is None
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
    claims = newsroom.claims
    expected = sorted([claims.corrected.pk, claims.returned.pk, claims.disputed.pk, claims.dam_cost.pk])
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


# --- Triage (format version 3) ------------------------------------------------------------------------

TRIAGE_KEYS = ("status", "wording", "dismissal_reason", "dismissal_note", "merged_into", "split_from")


def test_each_claim_carries_its_triage(triaged):
    records = claims_by_id(read_json(ExportFilters(include_closed=True)))

    def triage(claim) -> tuple:
        return tuple(records[claim.pk][key] for key in TRIAGE_KEYS)

    assert triage(triaged.dismissed) == ("dismissed", "", "opinion", DISMISSAL_NOTE, None, None)
    assert triage(triaged.survivor) == ("pending", TOLL_WORDING, "", "", None, None)
    assert [triage(claim) for claim in triaged.merged] == [("merged", "", "", "", triaged.survivor.pk, None)] * 2
    assert triage(triaged.split) == ("split", "", "", "", None, None)
    assert [triage(part) for part in triaged.parts] == [("pending", "", "", "", None, triaged.split.pk)] * 2
    assert triage(triaged.worded) == ("approved", COST_REWORDING, "", "", None, None)
    assert records[triaged.worded.pk]["published_wording"] == COST_REWORDING
    assert records[triaged.survivor.pk]["published_wording"] == ""  # never approved
    # The survivor took the merged claims' sentences; the split claim shares its sentence with its parts.
    assert [o["start"] for o in records[triaged.survivor.pk]["occurrences"]] == [
        o.start for o in triaged.survivor.occurrences.order_by("position")
    ]
    assert len(records[triaged.survivor.pk]["occurrences"]) == 3
    assert [records[claim.pk]["occurrences"] for claim in triaged.merged] == [[], []]
    [whole] = records[triaged.split.pk]["occurrences"]
    assert {o["position"] for part in triaged.parts for o in records[part.pk]["occurrences"]} == {whole["position"]}


def test_each_claim_carries_its_check_worthiness_and_what_it_rests_on(triaged):
    records = claims_by_id(read_json(ExportFilters(include_closed=True)))
    assert len(records) == Claim.objects.count()
    for pk, score, features in Claim.objects.values_list("pk", "checkworthiness", "checkworthiness_features"):
        assert (records[pk]["checkworthiness"], records[pk]["checkworthiness_features"]) == (score, features)
    assert all(records[pk]["checkworthiness_features"] for pk in records)  # lists of [name, weight, words found]


def test_a_correction_after_a_new_wording_carries_the_old_and_the_new_wording(triaged):
    claim = triaged.worded
    record = claims_by_id(read_json())[claim.pk]
    correction = Correction.objects.get(claim=claim)
    assert record["corrections"] == [
        {
            "date": record["corrections"][0]["date"],
            "old_verdict": "verified",
            "new_verdict": "verified",
            "old_note": "The council's accounts.",
            "new_note": "The council's accounts.",
            "old_wording": COST_WORDING,
            "new_wording": COST_REWORDING,
            "note": REWORDING_NOTE,
            "approved_by": "reviewer2",
        }
    ]
    assert utc(record["corrections"][0]["date"]) == correction.created_at


def test_the_header_says_whether_the_closed_claims_are_in(triaged):
    closed = {claim.pk for claim in triaged.closed}
    left_out, included = read_json(), read_json(ExportFilters(include_closed=True))
    assert (left_out["filters"]["include_closed"], included["filters"]["include_closed"]) == (False, True)
    assert included["filters_described"] == "all claims, those closed in triage too"
    assert not closed & set(claims_by_id(left_out)) and closed <= set(claims_by_id(included))
    assert [c["id"] for c in json_lines(exported("jsonl", ExportFilters(include_closed=True)))] == [
        c["id"] for c in included["claims"]
    ]
    assert not closed & {c["id"] for c in json_lines(exported("jsonl"))}
