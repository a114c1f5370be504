"""Suggested evidence: the ``Suggestion`` rows, written when documents load and when all are rebuilt.

Suggestions are derived data, written only here: by ``suggestions_after_load`` (the loader, after
each stored batch) and ``suggestions_rebuild`` (the ``refresh_suggestions`` command). The passages
and their scores come from the candidate index, their stances from ``stance``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .. import bulk
from ..models import Claim, ClaimOccurrence, Suggestion
from ._queries import among, chunks, ids_per_query
from .index import CandidateIndex, ClaimTexts, candidate_index
from .stance import stance_for

# --- Settings, measured on the seeds and the benchmark (docs/CORROBORATION.md) -----------------

MAX_SUGGESTIONS = 10  # passages kept per claim, the closest first
CHUNK = 2_000  # claims read and scored at a time

Occurrence = tuple[int, int, int]  # (document, start, end)

_SUGGESTION_FIELDS = [
    "claim_id", "document_id", "start", "end", "passage_claim_id", "score", "stance", "reason", "created_at",
]  # fmt: skip


def _occurrences(claim_ids: Iterable[int]) -> dict[int, list[Occurrence]]:
    """Return ``{claim: [(document, start, end), ...]}``."""
    found = defaultdict(list)
    for chunk in chunks(sorted(set(claim_ids)), ids_per_query()):
        # Passages are cut from the current texts: an occurrence gone from its article indexes an old one.
        rows = ClaimOccurrence.objects.filter(among("claim_id", chunk), removed_in__isnull=True)
        for claim_id, document_id, start, end in rows.values_list("claim_id", "document_id", "start", "end").order_by():
            found[claim_id].append((document_id, start, end))
    return found


def _row(
    claim_id: int, texts: ClaimTexts, passage_claim_id: int, occurrence: Occurrence, score: float, now: datetime
) -> tuple:
    claim, passage = texts[claim_id], texts[passage_claim_id]
    stance, reason = stance_for(
        claim.text, passage.text, score=score, claim_speaker=claim.speaker, passage_speaker=passage.speaker
    )
    document_id, start, end = occurrence
    return (claim_id, document_id, start, end, passage_claim_id, round(score, 4), stance, reason, now)


def _suggest(
    index: CandidateIndex,
    claim_ids: Sequence[int],
    texts: ClaimTexts,
    new_documents: set[int] | None = None,
    recomputed: Collection[int] = frozenset(),
) -> int:
    """Recompute the suggestions of ``claim_ids``; with ``new_documents``, add the older claims' too.

    Older claims close to one of ``claim_ids`` get the passages of it in ``new_documents``, keeping
    their closest ``MAX_SUGGESTIONS``; those in ``recomputed`` are left out, as their suggestions are
    recomputed in full (in another chunk). Return how many suggestions were written.
    """
    neighbours = index.candidates(claim_ids, texts)
    # The stances need the passages' texts; the term index has read them already (no query then).
    texts.read(other for found in neighbours.values() for other, _ in found)
    mine = set(claim_ids)
    occurrences = _occurrences(mine | {other for found in neighbours.values() for other, _ in found})
    now = timezone.now()
    rows: list[tuple] = []
    offered: defaultdict[int, list[tuple[float, int, Occurrence]]] = defaultdict(list)
    for claim_id in claim_ids:
        own_documents = {document for document, _, _ in occurrences[claim_id]}
        passages = [
            (score, other, occurrence)
            for other, score in neighbours[claim_id]
            for occurrence in occurrences[other]
            if occurrence[0] not in own_documents
        ]
        passages.sort(key=lambda item: (-item[0], item[2]))
        rows += [_row(claim_id, texts, other, occ, score, now) for score, other, occ in passages[:MAX_SUGGESTIONS]]
        if new_documents:
            fresh = [occurrence for occurrence in occurrences[claim_id] if occurrence[0] in new_documents]
            for other, score in neighbours[claim_id]:
                if other in mine or other in recomputed:
                    continue  # recomputed in full
                offered[other] += [(score, claim_id, occurrence) for occurrence in fresh]
    for chunk in chunks(sorted(mine), ids_per_query()):
        Suggestion.objects.filter(among("claim_id", chunk)).delete()
    # An older claim takes a new passage only if it is closer than its farthest when it has its fill.
    held = _held(offered)
    over = set()
    for other, offers in offered.items():
        count, farthest = held.get(other, (0, 0.0))
        offers.sort(key=lambda item: (-item[0], item[2]))
        taken = [p for p in offers[:MAX_SUGGESTIONS] if count < MAX_SUGGESTIONS or p[0] > farthest]
        rows += [_row(other, texts, claim_id, occurrence, score, now) for score, claim_id, occurrence in taken]
        if count + len(taken) > MAX_SUGGESTIONS:
            over.add(other)
    bulk.insert_rows(Suggestion, _SUGGESTION_FIELDS, rows)
    return len(rows) - _keep_closest(over)


def _held(claim_ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """Return ``{claim: (how many suggestions it has, the lowest score among them)}``."""
    found = {}
    for chunk in chunks(sorted(claim_ids), ids_per_query()):
        rows = Suggestion.objects.filter(among("claim_id", chunk)).values("claim_id")
        for row in rows.annotate(n=Count("id"), low=Min("score")).order_by():
            found[row["claim_id"]] = (row["n"], row["low"])
    return found


def _keep_closest(claim_ids: set[int]) -> int:
    """Delete all but the ``MAX_SUGGESTIONS`` closest suggestions of each claim; return how many went."""
    extra = []
    for chunk in chunks(sorted(claim_ids), ids_per_query()):
        ranked = defaultdict(list)
        rows = Suggestion.objects.filter(among("claim_id", chunk)).values_list("id", "claim_id", "score")
        for pk, claim_id, score in rows:
            ranked[claim_id].append((-score, pk))
        for found in ranked.values():
            extra += [pk for _, pk in sorted(found)[MAX_SUGGESTIONS:]]
    for chunk in chunks(extra, ids_per_query()):
        Suggestion.objects.filter(among("pk", chunk)).delete()
    return len(extra)


@transaction.atomic
def suggestions_after_load(*, document_ids: Sequence[int], new_claim_ids: Sequence[int]) -> int:
    """Index the new claims and refresh the suggestions that newly loaded documents change.

    Every claim occurring in the documents gets its suggestions recomputed from all the others;
    older claims get suggestions pointing into the new documents. Return how many were written.
    """
    if not document_ids:
        return 0
    touched = sorted(
        set(
            ClaimOccurrence.objects.filter(document_id__in=document_ids, removed_in__isnull=True).values_list(
                "claim_id", flat=True
            )
        )
    )
    texts = ClaimTexts()
    texts.read(touched)
    index = candidate_index()
    index.add(sorted(set(new_claim_ids) & texts.keys()), texts)
    written = 0
    for chunk in chunks(touched, CHUNK):
        written += _suggest(index, chunk, texts, new_documents=set(document_ids), recomputed=set(touched))
    return written


def suggestions_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the index and every claim's suggestions from scratch; return how many were written.

    The index is rebuilt in one transaction, then the suggestions a chunk of claims at a time.
    ``progress(done, total)`` is called after each chunk of the second step.
    """
    index = candidate_index()
    with transaction.atomic():
        Suggestion.objects.all().delete()
        total = index.rebuild()
    written, done, last = 0, 0, 0
    while ids := list(Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]):
        last = ids[-1]
        with transaction.atomic():
            texts = ClaimTexts()
            texts.read(ids)
            written += _suggest(index, ids, texts)
        done += len(ids)
        if progress is not None:
            progress(done, total)
    return written
