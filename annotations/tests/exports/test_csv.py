"""CSV: one row per claim, its articles of now joined and aligned, formula starts neutralised, COPY = Python."""

import re

import pytest
from django.db import connection

from annotations.exports import ExportFilters, csv_format
from annotations.models import Claim

from .conftest import DAM_TITLE_NOW, FORMULA_STARTS, QUOTED_TEXT, SAFE_CLAIMS, csv_table, exported

pytestmark = pytest.mark.django_db

HEADER = [
    "id", "text", "document_titles", "document_urls", "document_publishers", "document_dates", "status", "verdict",
    "note", "evidence", "evidence_stances", "editor", "reviewer", "approved_at",
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


def test_every_cell_is_neutralised_exactly_when_it_starts_like_a_formula(newsroom):
    rows = rows_by_id()
    neutralised = 0
    for claim in Claim.objects.select_related("assignee", "submitted_by", "approved_by"):
        for column, raw in raw_cells(claim).items():
            dangerous = raw.startswith(FORMULA_STARTS)
            assert rows[claim.pk][column] == ("'" + raw if dangerous else raw), (claim.pk, column)
            neutralised += dangerous
    assert neutralised == 6 * 6 + 4  # text, title, address, publisher, editor, reviewer; four notes


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
