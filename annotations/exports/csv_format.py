"""CSV: one row per claim, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so that a spreadsheet shows it as text instead of running it as a formula. Several
values in one cell (documents, evidence) are joined with `` | ``, in the same order in the cells
that go together (titles, addresses, publishers and dates; evidence and stances). The documents
are those the claim appears in now: an occurrence whose sentence left the article
(``removed_in``) is not listed. The triage columns follow: the wording the claim is checked in
(empty: its text), its check-worthiness score, why it was dismissed, and the claims it was merged
into or split from (ids). Every cell is quoted, lines end with ``\\n``, and the file starts with a
byte-order mark so that spreadsheets read it as UTF-8.

On PostgreSQL the rows come from the database's own ``COPY ... TO STDOUT`` (the same columns and
the same neutralising, in SQL); elsewhere from the claim records. Both give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from annotations.models import Claim, ClaimOccurrence, Evidence, SourceDocument
from annotations.vocabulary import CLOSED_STATUSES

from .filters import ExportFilters
from .records import claim_batches

COLUMNS = [
    "id", "text", "document_titles", "document_urls", "document_publishers", "document_dates", "status", "verdict",
    "note", "evidence", "evidence_stances", "editor", "reviewer", "approved_at", "wording", "checkworthiness",
    "dismissal_reason", "dismissal_note", "merged_into", "split_from",
]  # fmt: skip
SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
FORMULA_CODES = ", ".join(str(ord(start)) for start in FORMULA_STARTS)


def neutralise(value: str) -> str:
    """Return ``value`` so that no spreadsheet reads it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def score_text(score: float) -> str:
    """Return a check-worthiness score as PostgreSQL writes a float: its shortest digits ("0.73", "0", "1")."""
    text = repr(abs(score))  # abs: a stored -0.0 is written 0
    return text.removesuffix(".0")


def evidence_reference(url: str, document_id, start, end) -> str:
    """Return a web address, or where in which document a cited passage lies."""
    return url or f"document {document_id} chars {start}-{end}"


def stream(filters: ExportFilters, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Yield the CSV export of the filtered claims in chunks of bytes."""
    header = io.StringIO()
    _writer(header).writerow(COLUMNS)
    yield (BOM + header.getvalue()).encode()
    if connection.vendor == "postgresql":
        yield from _copy_rows(filters, progress)
    else:
        yield from _python_rows(filters, progress)


def _writer(buffer):
    return csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")


def _python_rows(filters, progress) -> Iterator[bytes]:
    for records in claim_batches(filters.claims()):
        buffer = io.StringIO()
        writer = _writer(buffer)
        for record in records:
            occurrences = [o for o in record["occurrences"] if o["removed_in"] is None]
            evidence, approved_at = record["evidence"], record["approved_at"]
            cells = [
                str(record["id"]),
                record["text"],
                SEPARATOR.join(o["document_title"] for o in occurrences),
                SEPARATOR.join(o["document_url"] for o in occurrences),
                SEPARATOR.join(o["document_publisher"] for o in occurrences),
                SEPARATOR.join(o["document_published_on"] or "" for o in occurrences),
                record["status"],
                record["verdict"],
                record["note"],
                SEPARATOR.join(evidence_reference(e["url"], e["document"], e["start"], e["end"]) for e in evidence),
                SEPARATOR.join(e["stance"] for e in evidence),
                record["submitted_by"] or record["assignee"] or "",
                record["approved_by"] or "",
                approved_at[:19] + "Z" if approved_at else "",  # to the second
                record["wording"],
                score_text(record["checkworthiness"]),
                record["dismissal_reason"],
                record["dismissal_note"],
                str(record["merged_into"] or ""),
                str(record["split_from"] or ""),
            ]
            writer.writerow([neutralise(cell) for cell in cells])
        yield buffer.getvalue().encode()
        if progress:
            progress(len(records))


def _neutralised(expression: str) -> str:
    # ascii() reads the first character's code where left() makes a new text and compares it six
    # times under a collation: a tenth of the statement's time over ten cells of a million rows.
    return f"(CASE WHEN ascii({expression}) IN ({FORMULA_CODES}) THEN '''' || {expression} ELSE {expression} END)"


def copy_statement(filters: ExportFilters) -> tuple[str, list]:
    """Return the PostgreSQL ``COPY`` statement giving the CSV rows, and its parameters.

    Run it with parallel query off (``_copy_rows`` does): the joined cells are aggregated from
    sorted input, which keeps its order only in a single process.
    """
    claim, occurrence = Claim._meta.db_table, ClaimOccurrence._meta.db_table
    document, evidence = SourceDocument._meta.db_table, Evidence._meta.db_table
    user = get_user_model()._meta.db_table
    params: list = []
    with_picked = ""

    def only(column: str, *conditions: str) -> str:
        if with_picked:
            conditions = (*conditions, f"{column} IN (SELECT id FROM picked)")
        return f"WHERE {' AND '.join(conditions)}" if conditions else ""

    claim_conditions: list[str] = []
    if filters.narrows:
        picked_sql, picked_params = filters.claims().values("id").query.sql_with_params()
        with_picked, params = f"WITH picked AS MATERIALIZED ({picked_sql})", list(picked_params)
    elif filters.leaves_closed_out:
        # On the claims alone: the aggregates below then cover a few closed claims for nothing,
        # cheaper than restricting their scans to a list of the others.
        claim_conditions.append(f"c.status NOT IN ({', '.join(['%s'] * len(CLOSED_STATUSES))})")
        params = list(CLOSED_STATUSES)
    reference = (
        "CASE WHEN ev.url <> '' THEN ev.url "
        "ELSE 'document ' || ev.document_id || ' chars ' || ev.start || '-' || ev.\"end\" END"
    )
    cells = [
        "c.id::text",
        _neutralised("c.text"),
        _neutralised("coalesce(o.titles, '')"),
        _neutralised("coalesce(o.urls, '')"),
        _neutralised("coalesce(o.publishers, '')"),
        "coalesce(o.dates, '')",  # a date, a status, a verdict or an id never starts like a formula
        "c.status",
        "c.verdict",
        _neutralised("c.note"),
        _neutralised("coalesce(e.refs, '')"),
        _neutralised("coalesce(e.stances, '')"),
        _neutralised("coalesce(ed.username, '')"),
        _neutralised("coalesce(ap.username, '')"),
        """coalesce(to_char(c.approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '')""",
        _neutralised("c.wording"),
        "abs(c.checkworthiness)::text",  # a score, a reason or an id never starts like one either
        "c.dismissal_reason",
        _neutralised("c.dismissal_note"),
        "coalesce(c.merged_into_id::text, '')",
        "coalesce(c.split_from_id::text, '')",
    ]
    # string_agg(... ORDER BY ...) sorts each claim's few values on its own, at several times the
    # cost of one sort of all the rows; the subqueries hand the aggregates their rows in order.
    statement = f"""
        COPY (
            {with_picked}
            SELECT {", ".join(cells)}
            FROM {claim} c
            LEFT JOIN (
                SELECT claim_id, string_agg(title, ' | ') AS titles, string_agg(url, ' | ') AS urls,
                    string_agg(publisher, ' | ') AS publishers, string_agg(published, ' | ') AS dates
                FROM (
                    SELECT oc.claim_id, d.title, d.url, d.publisher, d.published
                    FROM {occurrence} oc CROSS JOIN LATERAL (
                        -- Kept whole (OFFSET 0), so that Memoize keeps each document's cells, its date
                        -- formatted once, instead of formatting it again for each of its claims.
                        SELECT title, url, publisher, coalesce(to_char(published_on, 'YYYY-MM-DD'), '') AS published
                        FROM {document} WHERE id = oc.document_id OFFSET 0
                    ) d
                    {only("oc.claim_id", "oc.removed_in IS NULL")}
                    ORDER BY oc.claim_id, oc.document_id, oc.position
                ) ordered
                GROUP BY claim_id
            ) o ON o.claim_id = c.id
            LEFT JOIN (
                SELECT claim_id, string_agg(ref, ' | ') AS refs, string_agg(stance, ' | ') AS stances
                FROM (
                    SELECT ev.claim_id, {reference} AS ref, ev.stance
                    FROM {evidence} ev
                    {only("ev.claim_id")}
                    ORDER BY ev.claim_id, ev.id
                ) ordered
                GROUP BY claim_id
            ) e ON e.claim_id = c.id
            -- The editor is who submitted the verdict, else the assignee: one user looked up, not two.
            LEFT JOIN {user} ed ON ed.id = coalesce(c.submitted_by_id, c.assignee_id)
            LEFT JOIN {user} ap ON ap.id = c.approved_by_id
            {only("c.id", *claim_conditions)}
            ORDER BY c.id
        ) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)
    """
    return statement, params


CHUNK = 256 * 1024  # the database sends a row at a time; the response gets larger pieces


def _copy_rows(filters, progress) -> Iterator[bytes]:
    statement, params = copy_statement(filters)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL extra_float_digits = 1")  # the shortest digits, as ``score_text`` writes them
        with cursor.cursor.copy(statement, params or None) as copy:
            parts, size = [], 0
            for data in copy:
                parts.append(bytes(data))
                size += len(data)
                if size >= CHUNK:
                    yield b"".join(parts)
                    if progress:
                        progress(len(parts))
                    parts, size = [], 0
            if parts:
                yield b"".join(parts)
                if progress:
                    progress(len(parts))
