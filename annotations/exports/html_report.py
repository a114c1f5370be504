"""The HTML report a person reads: each document's text with its claims highlighted.

For each document, its publisher, author, date, address and version, the article (its current
version) with the exported claims marked in their verdict's colour, then each claim as it was
checked (its wording, and the sentence as it appears when they differ), its check-worthiness,
its triage (why it was dismissed; the claims merged into it or it into; split from or into),
verdict, note, evidence, reviewer and corrections; a claim whose sentence a later version dropped
is listed, said to be no longer in the article, and not marked in the text. Before them, a chart of
the verdict counts (inline SVG: no script, nothing fetched) and the report's date and filters.
Text is escaped by the templates: markup inside an article is shown, never run; only http(s)
addresses become links. Documents are rendered a few at a time, so the report streams at any size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from annotations.models import Claim, ClaimOccurrence, ClaimStatus, DismissalReason, SourceDocument, Verdict
from annotations.vocabulary import VERDICTS

from .filters import ExportFilters
from .records import claim_batches

DOCUMENTS_PER_CHUNK = 20
DOCUMENT_FIELDS = ("id", "title", "publisher", "author", "url", "published_on", "version", "text")
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
        batch = list(documents.filter(pk__gt=last).values(*DOCUMENT_FIELDS)[:DOCUMENTS_PER_CHUNK])
        if not batch:
            break
        last = batch[-1]["id"]
        yield _documents(batch, claims).encode()
        shown += len(batch)
        if progress:
            progress(len(batch))
    yield render_to_string("annotations/report/tail.html", {"documents": shown}).encode()


def _ids(ids: list[int]) -> str:
    return ("claim " if len(ids) == 1 else "claims ") + ", ".join(map(str, ids))


def _describe_triage(records: dict[int, dict]) -> None:
    """Give each record what the report shows of its triage: the text checked, and its links in words."""
    merged_in: dict[int, list[int]] = defaultdict(list)
    parts: dict[int, list[int]] = defaultdict(list)
    ids = list(records)
    linked = Claim.objects.filter(Q(merged_into__in=ids) | Q(split_from__in=ids)).order_by("pk")
    for pk, merged_into, split_from in linked.values_list("pk", "merged_into", "split_from"):
        if merged_into in records:
            merged_in[merged_into].append(pk)
        if split_from in records:
            parts[split_from].append(pk)
    for pk, record in records.items():
        record["checked_text"] = record["wording"] or record["text"]
        record["appears_as"] = record["text"] if record["wording"] else ""
        notes = []
        if record["status"] == ClaimStatus.DISMISSED:
            reason = DismissalReason(record["dismissal_reason"]).label.lower() if record["dismissal_reason"] else ""
            notes.append(
                f"Dismissed: {reason}" + (f" ({record['dismissal_note']})" if record["dismissal_note"] else "")
            )
        if record["merged_into"]:
            notes.append(f"Merged into claim {record['merged_into']}")
        if merged_in[pk]:
            notes.append(f"Took in {_ids(merged_in[pk])}, merged into it")
        if record["split_from"]:
            notes.append(f"Split from claim {record['split_from']}")
        if parts[pk]:
            notes.append(f"Split into {_ids(parts[pk])}")
        record["triage"] = ". ".join(notes)


def _documents(batch: list, claims) -> str:
    rows = list(
        ClaimOccurrence.objects.filter(document_id__in=[d["id"] for d in batch], claim__in=claims)
        .order_by("document_id", "position", "version")
        .values_list("document_id", "claim_id", "start", "end", "removed_in")
    )
    records: dict[int, dict] = {}
    for chunk in claim_batches(claims.filter(pk__in={row[1] for row in rows})):
        records.update((record["id"], record) for record in chunk)
    _describe_triage(records)
    current: dict[int, list] = defaultdict(list)
    removed: dict[int, dict[int, int]] = defaultdict(dict)  # the version from which it is no longer there
    for document_id, claim_id, start, end, removed_in in rows:
        if removed_in is None:
            current[document_id].append((start, end, records[claim_id]))
        else:
            removed[document_id][claim_id] = max(removed_in, removed[document_id].get(claim_id, 0))
    html = []
    for document in batch:
        occurrences = current[document["id"]]
        document["safe_url"] = document["url"] if document["url"].startswith(("http://", "https://")) else ""
        document["byline"] = ", ".join(
            part
            for part in (
                document["publisher"],
                f"by {document['author']}" if document["author"] else "",
                document["published_on"].isoformat() if document["published_on"] else "",
            )
            if part
        )
        # A claim that occurs twice in the document is listed once; one no longer there, after the others.
        listed = {claim["id"]: {"claim": claim, "removed_in": None} for _, _, claim in occurrences}
        for claim_id, removed_in in removed[document["id"]].items():
            listed.setdefault(claim_id, {"claim": records[claim_id], "removed_in": removed_in})
        html.append(
            render_to_string(
                "annotations/report/document.html",
                {
                    "document": document,
                    "segments": segments(document["text"], occurrences),
                    "claims": list(listed.values()),
                },
            )
        )
    return "".join(html)
