"""CSV: one row per claim, its articles of now joined and aligned, its triage, formulas neutralised, COPY = Python."""

import re

import pytest
from django.db import connection

from annotations.exports import ExportFilters, csv_format
from annotations.models import Claim

from .conftest import (
    COST_REWORDING,
    DAM_TITLE_NOW,
    DISMISSAL_NOTE,
    FORMULA_STARTS,
    QUOTED_TEXT,
    SAFE_CLAIMS,
    TOLL_WORDING,
    csv_table,
    exported,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "id", "text", "document_titles", "document_urls", "document_publishers", "document_dates", "status", "verdict",
    "note", "evidence", "evidence_stances", "editor", "reviewer", "approved_at", "wording", "checkworthiness",
    "dismissal_reason", "dismissal_note", "merged_into", "split_from",
]  # fmt: skip


def rows_by_id(filters=None) -> dict[int, dict]:
    header, rows = csv_table(exported("csv", filters))
    assert header == HEADER
    return {int(row["id"]): row for row in rows}


def raw_cells(claim: Claim) -> dict:
    """Return what each text cell of ``claim``'s row holds before neutralising, read from the models."""
    occurrences = (
        claim.occurrences.filter(removed_in__isnull=True).select_related("document").order_by("document_id", "position")
    )
    evidence = claim.evidence.order_by("id")
    editor = claim.submitted_by or claim.assignee
    return {
        "text": claim.text,
        "document_titles": " | ".join(o.document.title for o in occurrences),
        "document_urls": " | ".join(o.document.url for o in occurrences),
        "document_publishers": " | ".join(o.document.publisher for o in occurrences),
        "document_dates": " | ".join(
            o.document.published_on.isoformat() if o.document.published_on else "" for o in occurrences
        ),
        "note": claim.note,
        "evidence": " | ".join(e.url or f"document {e.document_id} chars {e.start}-{e.end}" for e in evidence),
        "evidence_stances": " | ".join(e.stance for e in evidence),
        "editor": editor.username if editor else "",
        "reviewer": claim.approved_by.username if claim.approved_by else "",
        "wording": claim.wording,
        "dismissal_note": claim.dismissal_note,
    }


def test_the_header_names_the_columns_and_each_claim_has_one_row_in_id_order(newsroom):
    header, rows = csv_table(exported("csv"))
    assert header == HEADER
    assert [int(row["id"]) for row in rows] == list(Claim.objects.order_by("id").values_list("id", flat=True))


def test_the_file_starts_with_a_byte_order_mark_and_quotes_every_cell(newsroom):
    data = exported("csv")
    assert data.startswith(b'\xef\xbb\xbf"id","text",')
    assert data.endswith(b'"\n') and b"\r\n" not in data


def test_an_approved_claim_has_its_documents_and_evidence_joined_in_the_same_order(newsroom):
    claims, docs = newsroom.claims, newsroom.docs
    row = rows_by_id()[claims.approved.pk]
    assert float(row.pop("checkworthiness")) == claims.approved.checkworthiness
    assert row == {
        "id": str(claims.approved.pk),
        "text": claims.approved.text,
        "document_titles": f"River report | River digest | {DAM_TITLE_NOW}",
        # the digest has no address, publisher or date: the cells still align
        "document_urls": "https://example.org/river |  | https://example.org/dam",
        "document_publishers": "River Times |  | Valley Herald",
        "document_dates": "2025-02-27 |  | 2025-02-20",
        "status": "approved",
        "verdict": "verified",
        "note": "Matches the survey.",
        "evidence": f"https://example.org/survey | document {docs.survey.pk} chars 0-64",
        "evidence_stances": "supports | context",
        "editor": "editor1",
        "reviewer": "reviewer1",
        "approved_at": "2025-03-02T10:11:12Z",  # to the second, not rounded up
        "wording": "",  # checked as it appears
        "dismissal_reason": "",
        "dismissal_note": "",
        "merged_into": "",
        "split_from": "",
    }


def test_a_corrected_claim_shows_its_current_verdict_its_latest_reviewer_and_approval(newsroom):
    corrected = newsroom.claims.corrected
    row = rows_by_id()[corrected.pk]
    assert (row["status"], row["verdict"], row["note"]) == ("approved", "disputed", "The figure rose by a third.")
    assert row["evidence"] == "https://example.org/officials | https://example.org/new-figures"
    assert row["evidence_stances"] == "supports | refutes"
    assert (row["editor"], row["reviewer"]) == ("editor1", "reviewer2")
    assert row["approved_at"] == f"{corrected.approved_at:%Y-%m-%dT%H:%M:%S}Z"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("pending", ""),
        ("in_progress", "editor2"),  # only assigned: the assignee
        ("in_review", "editor2"),
        ("returned", "editor1"),
        ("taken_over", "editor1"),  # editor2 holds it now, but editor1 submitted the verdict
    ],
)
def test_the_editor_is_the_submitter_else_the_assignee_and_unapproved_claims_have_no_reviewer(newsroom, name, expected):
    claim = getattr(newsroom.claims, name)
    row = rows_by_id()[claim.pk]
    assert (row["status"], row["editor"], row["reviewer"], row["approved_at"]) == (claim.status, expected, "", "")


def test_approval_times_are_utc_to_the_second_for_every_approved_claim(newsroom):
    rows = rows_by_id()
    approved = Claim.objects.filter(status="approved")
    assert len(approved) == 12
    for claim in approved:
        assert rows[claim.pk]["approved_at"] == f"{claim.approved_at:%Y-%m-%dT%H:%M:%S}Z"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[claim.pk]["approved_at"])


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_every_text_cell_starting_like_a_formula_gets_an_apostrophe(newsroom, start):
    [formula] = [f for f in newsroom.formulas if f.start == start]
    row = rows_by_id()[formula.claim.pk]
    assert row["text"] == "'" + formula.claim.text
    assert row["document_titles"] == "'" + formula.document.title
    assert row["document_urls"] == "'" + formula.document.url
    assert row["document_publishers"] == "'" + formula.document.publisher
    assert row["editor"] == "'" + formula.editor.username
    assert row["reviewer"] == "'" + formula.reviewer.username
    assert row["text"].startswith("'" + start)
    # The workflow strips a note's leading whitespace, so only the other starts reach the note.
    assert row["note"] == ("'" if start not in "\t\r" else "") + formula.claim.note
    assert row["note"].lstrip("'").startswith("SUM(" if start in "\t\r" else start)


def neutralised_cells(rows: dict[int, dict]) -> int:
    """Check every text cell of every claim against the models; return how many were neutralised."""
    neutralised = 0
    for claim in Claim.objects.select_related("assignee", "submitted_by", "approved_by"):
        for column, raw in raw_cells(claim).items():
            dangerous = raw.startswith(FORMULA_STARTS)
            assert rows[claim.pk][column] == ("'" + raw if dangerous else raw), (claim.pk, column)
            neutralised += dangerous
    return neutralised


def test_every_cell_is_neutralised_exactly_when_it_starts_like_a_formula(newsroom):
    # text, title, address, publisher, editor, reviewer; four notes
    assert neutralised_cells(rows_by_id()) == 6 * 6 + 4


def test_with_triage_every_cell_is_still_neutralised_exactly_when_it_starts_like_a_formula(triaged):
    # and a wording and a dismissal note
    assert neutralised_cells(rows_by_id(ExportFilters(include_closed=True))) == 6 * 6 + 4 + 2


def test_safe_starts_and_formula_characters_inside_a_cell_are_left_alone(newsroom):
    rows = rows_by_id()
    texts = [rows[claim.pk]["text"] for claim in newsroom.claims.safe]
    assert texts == SAFE_CLAIMS  # "'Quoted'", "(Roughly)", "Prices = costs", "#1 river": unchanged
    assert {rows[claim.pk]["document_titles"] for claim in newsroom.claims.safe} == {"#1 safe title"}


@pytest.mark.parametrize("value", ["=1+2", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx"], ids=repr)
def test_neutralise_prefixes_each_formula_start(value):
    assert csv_format.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["", "a", "'quoted", "#1", "%", "(x)", "1=1", " =1", "\n=1", "Ünïcode"], ids=repr)
def test_neutralise_leaves_other_values(value):
    assert csv_format.neutralise(value) == value


def test_quotes_and_line_breaks_inside_cells_survive_a_round_trip(newsroom):
    rows = rows_by_id()
    row = rows[newsroom.claims.in_review.pk]
    assert row["text"] == QUOTED_TEXT
    assert row["note"] == 'Transcript: "no plans".\nSee minute 4.'
    carriage = next(f for f in newsroom.formulas if f.start == "\r")
    assert rows[carriage.claim.pk]["text"] == "'\rClaim 5 says 10 dollars."


def test_the_documents_are_those_the_claim_is_in_now_with_their_dates(newsroom):
    rows, docs = rows_by_id(), newsroom.docs
    # Its sentence left the dam article in the article's second version: the claim is in no article now.
    gone = rows[newsroom.claims.dam_cost.pk]
    assert newsroom.claims.dam_cost.occurrences.get().removed_in == 2
    assert [gone[c] for c in ("document_titles", "document_urls", "document_publishers", "document_dates")] == [""] * 4
    assert (gone["status"], gone["verdict"], gone["evidence"]) == ("approved", "disputed", "https://example.org/budget")
    # The sentence the second version brought lists the article by its title of now.
    new = rows[newsroom.claims.dam_delay.pk]
    assert (new["document_titles"], new["document_publishers"], new["document_dates"]) == (
        DAM_TITLE_NOW,
        "Valley Herald",
        "2025-02-20",
    )
    dates = {int(row["id"]): row["document_dates"] for row in rows.values()}
    assert dates[newsroom.claims.corrected.pk] == f"{docs.report.published_on:%Y-%m-%d}"
    assert dates[newsroom.claims.pending.pk] == ""  # the survey has no date


def test_a_filter_that_matches_nothing_gives_the_header_alone(newsroom):
    header, rows = csv_table(exported("csv", ExportFilters(claim_ids=(999_999,))))
    assert (header, rows) == (HEADER, [])


# --- Triage -------------------------------------------------------------------------------------------

TRIAGE_COLUMNS = ("status", "wording", "dismissal_reason", "dismissal_note", "merged_into", "split_from")


def test_the_triage_cells_give_the_wording_the_dismissal_and_the_links(triaged):
    rows = rows_by_id(ExportFilters(include_closed=True))

    def triage(claim) -> tuple:
        return tuple(rows[claim.pk][column] for column in TRIAGE_COLUMNS)

    survivor, split = str(triaged.survivor.pk), str(triaged.split.pk)
    assert triage(triaged.dismissed) == ("dismissed", "", "opinion", "'" + DISMISSAL_NOTE, "", "")
    assert triage(triaged.survivor) == ("pending", "'" + TOLL_WORDING, "", "", "", "")  # the wording starts with "="
    assert [triage(claim) for claim in triaged.merged] == [("merged", "", "", "", survivor, "")] * 2
    assert triage(triaged.split) == ("split", "", "", "", "", "")
    assert [triage(part) for part in triaged.parts] == [("pending", "", "", "", "", split)] * 2
    assert triage(triaged.worded) == ("approved", COST_REWORDING, "", "", "", "")
    assert rows[triaged.worded.pk]["text"] == triaged.worded.text  # the sentence as it appears stays the text
    # The merged claims' sentences are the survivor's now: they are in no article of their own.
    assert [rows[claim.pk]["document_titles"] for claim in triaged.merged] == ["", ""]
    assert rows[triaged.survivor.pk]["document_titles"] == " | ".join(["Council briefing"] * 3)


def test_the_score_is_each_claims_check_worthiness_in_its_shortest_digits(triaged):
    rows = rows_by_id(ExportFilters(include_closed=True))
    scores = dict(Claim.objects.values_list("pk", "checkworthiness"))
    assert {pk: float(row["checkworthiness"]) for pk, row in rows.items()} == scores
    assert len(set(scores.values())) > 3
    for row in rows.values():
        assert re.fullmatch(r"0|1|0\.\d*[1-9]", row["checkworthiness"]), row["checkworthiness"]


@pytest.mark.parametrize(
    "score, text",
    [
        (0.73, "0.73"),
        (0.0, "0"),
        (-0.0, "0"),  # a stored negative zero
        (1.0, "1"),
        (0.1 + 0.2, "0.30000000000000004"),  # every digit needed to read it back, no more
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),  # as PostgreSQL writes it too
    ],
)
def test_score_text_writes_a_score_as_postgresql_does(score, text):
    assert csv_format.score_text(score) == text
    assert float(text) == score


# --- The PostgreSQL COPY path ---------------------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the COPY fast path only exists there (SQLite always takes the Python path)",
)

FILTERS = {
    "none": lambda n: ExportFilters(),
    "status": lambda n: ExportFilters(status=("approved",)),
    "statuses": lambda n: ExportFilters(status=("in_review", "returned", "pending")),
    "verdict": lambda n: ExportFilters(verdict=("disputed", "unverified")),
    "document": lambda n: ExportFilters(document=(n.docs.digest.pk,)),
    "documents": lambda n: ExportFilters(document=(n.docs.report.pk, n.docs.markup.pk)),
    "changed_document": lambda n: ExportFilters(document=(n.docs.dam.pk,)),
    "since": lambda n: ExportFilters.parse(since="2025-03-02T10:11"),
    "since_later": lambda n: ExportFilters.parse(since="2025-06-01"),
    "claim_ids": lambda n: ExportFilters(claim_ids=(n.claims.approved.pk, n.formulas[5].claim.pk)),
    "combined": lambda n: ExportFilters(status=("approved",), verdict=("verified",), document=(n.docs.digest.pk,)),
    "nothing": lambda n: ExportFilters(claim_ids=(999_999,)),
}


@pytest.mark.postgres_only
@needs_postgres
@pytest.mark.parametrize("name", FILTERS)
def test_copy_gives_the_same_bytes_as_the_python_path(newsroom, name):
    filters = FILTERS[name](newsroom)
    copied = b"".join(csv_format._copy_rows(filters, None))
    written = b"".join(csv_format._python_rows(filters, None))
    assert copied == written
    assert (copied == b"") == (name == "nothing")


@pytest.mark.postgres_only
@needs_postgres
def test_on_postgresql_the_export_takes_the_copy_path(newsroom, monkeypatch):
    expected = exported("csv")

    def refuse(filters, progress):
        raise AssertionError("the Python path was taken")

    monkeypatch.setattr(csv_format, "_python_rows", refuse)
    assert exported("csv") == expected


TRIAGE_FILTERS = {
    "none": lambda t: ExportFilters(),
    "include_closed": lambda t: ExportFilters(include_closed=True),
    "dismissed": lambda t: ExportFilters(status=("dismissed",)),
    "merged_and_split": lambda t: ExportFilters(status=("merged", "split", "pending")),
    "selected_closed": lambda t: ExportFilters(claim_ids=tuple(sorted(c.pk for c in t.closed))),
    "document": lambda t: ExportFilters(document=(t.briefing.pk,)),
    "document_include_closed": lambda t: ExportFilters(document=(t.briefing.pk,), include_closed=True),
    "verdict_include_closed": lambda t: ExportFilters(verdict=("verified",), include_closed=True),  # none closed
}
HOLD_CLOSED_CLAIMS = {"include_closed", "dismissed", "merged_and_split", "selected_closed", "document_include_closed"}


@pytest.mark.postgres_only
@needs_postgres
@pytest.mark.parametrize("name", TRIAGE_FILTERS)
def test_copy_gives_the_same_bytes_as_the_python_path_with_triaged_claims(triaged, name):
    filters = TRIAGE_FILTERS[name](triaged)
    copied = b"".join(csv_format._copy_rows(filters, None))
    written = b"".join(csv_format._python_rows(filters, None))
    assert copied == written
    header = "\ufeff" + ",".join(f'"{column}"' for column in HEADER) + "\n"
    _, rows = csv_table(header.encode() + copied)
    assert [int(row["id"]) for row in rows] == list(filters.claims().order_by("id").values_list("id", flat=True))
    closed = {claim.pk for claim in triaged.closed}
    assert bool(closed & {int(row["id"]) for row in rows}) == (name in HOLD_CLOSED_CLAIMS)


@pytest.mark.postgres_only
@needs_postgres
def test_copy_writes_every_score_as_the_python_path_does(triaged):
    # Scores the loader does not give, put straight in the rows to see how each path writes them.
    ids = list(Claim.objects.order_by("id").values_list("id", flat=True))
    scores = [0.0, -0.0, 1.0, 0.1 + 0.2, 0.0001, 0.00001, 1 / 3, 2**-40]
    for pk, score in zip(ids, scores, strict=False):
        Claim.objects.filter(pk=pk).update(checkworthiness=score)
    filters = ExportFilters(include_closed=True)
    copied = b"".join(csv_format._copy_rows(filters, None))
    assert copied == b"".join(csv_format._python_rows(filters, None))
    assert b'"1e-05"' in copied and b'"0.30000000000000004"' in copied
