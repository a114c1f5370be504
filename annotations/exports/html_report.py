"""The HTML report a person reads: each document's text with its claims highlighted.

For each document, the article with the exported claims marked in their verdict's colour, then
each claim's verdict, note, evidence, reviewer and corrections; before them, a chart of the
verdict counts (inline SVG: no script, nothing fetched) and the report's date and filters. Text
is escaped by the templates: markup inside an article is shown, never run. Documents are
rendered a few at a time, so the report streams at any size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from annotations.models import ClaimOccurrence, SourceDocument, Verdict
from annotations.vocabulary import VERDICTS

from .filters import ExportFilters
from .records import claim_batches

DOCUMENTS_PER_CHUNK = 20
CHART_WIDTH = 320


@dataclass
class Segment:
    text: str
    claim: dict | None = None


def summary(claims) -> dict:
    """Return the verdict counts of ``claims`` with the bar lengths of the chart."""
    counts = dict.fromkeys([*Verdict.values, ""], 0)
    for row in claims.order_by().values("verdict").annotate(n=Count("pk")):
        counts[row["verdict"]] += row["n"]
    total = sum(counts.values())
    widest = max(counts.values()) or 1
    bars = []
    for index, (value, n) in enumerate(counts.items()):
        label = Verdict(value).label if value else "No verdict yet"
        bars.append(
            {"value": value or "none", "label": label, "count": n, "y": index * 28,
             "width": round(CHART_WIDTH * n / widest), "text_x": round(CHART_WIDTH * n / widest) + 6}
        )  # fmt: skip
    return {"total": total, "bars": bars, "height": len(bars) * 28}


def segments(text: str, occurrences: list[tuple[int, int, dict]]) -> list[Segment]:
    """Split ``text`` into plain and claim segments; overlapping spans are drawn once."""
    result, cursor = [], 0
    for start, end, claim in sorted(occurrences, key=lambda o: (o[0], o[1])):
        if start < cursor:
            continue
        if start > cursor:
            result.append(Segment(text[cursor:start]))
        result.append(Segment(text[start:end], claim))
        cursor = end
    if cursor < len(text):
        result.append(Segment(text[cursor:]))
    return result


def stream(filters: ExportFilters, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Yield the HTML report of the filtered claims, a few documents at a time."""
    claims = filters.claims()
    yield render_to_string(
        "annotations/report/head.html",
        {
            "generated_at": timezone.now(),
            "filters": filters.describe(),
            "summary": summary(claims),
            "verdict_terms": VERDICTS.items(),
        },
    ).encode()
    documents = SourceDocument.objects.filter(
        pk__in=ClaimOccurrence.objects.filter(claim__in=claims).values("document_id")
    ).order_by("pk")
    last, shown = 0, 0
    while True:
        batch = list(
            documents.filter(pk__gt=last).values("id", "title", "publisher", "url", "published_on", "text")[
                :DOCUMENTS_PER_CHUNK
            ]
        )
        if not batch:
            break
        last = batch[-1]["id"]
        yield _documents(batch, claims).encode()
        shown += len(batch)
        if progress:
            progress(len(batch))
    yield render_to_string("annotations/report/tail.html", {"documents": shown}).encode()


def _documents(batch: list, claims) -> str:
    rows = list(
        ClaimOccurrence.objects.filter(document_id__in=[d["id"] for d in batch], claim__in=claims)
        .order_by("document_id", "position")
        .values_list("document_id", "claim_id", "start", "end")
    )
    records: dict[int, dict] = {}
    for chunk in claim_batches(claims.filter(pk__in={row[1] for row in rows})):
        records.update((record["id"], record) for record in chunk)
    by_document = defaultdict(list)
    for document_id, claim_id, start, end in rows:
        by_document[document_id].append((start, end, records[claim_id]))
    html = []
    for document in batch:
        occurrences = by_document[document["id"]]
        document["safe_url"] = document["url"] if document["url"].startswith(("http://", "https://")) else ""
        html.append(
            render_to_string(
                "annotations/report/document.html",
                {
                    "document": document,
                    "segments": segments(document["text"], occurrences),
                    # a claim that occurs twice in the document is listed once
                    "claims": list({claim["id"]: claim for _, _, claim in occurrences}.values()),
                },
            )
        )
    return "".join(html)
