"""Where merged and split claims send their sentences: to the claim that stays, or to the parts.

A sentence whose claim was merged is an occurrence of the claim it was merged into; a sentence
whose claim was split is also an occurrence of each part, over the part's share of its span. The
loader and new versions ask ``followers`` for the claims they met, and ``part_rows`` for the parts'
spans in a sentence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ..ingest.normalise import BULLETS, LEADING_BULLET, QUOTES
from ..models import Action, Claim, ClaimOccurrence, ClaimStatus, ReviewEvent

# A split claim's parts: (part claim id, start, end) over the claim's text.
Layout = list[tuple[int, int, int]]


def aligned_offsets(raw: str, text: str) -> list[int] | None:
    """Return, for each character of ``text`` (the normalised ``raw``), its offset in ``raw``.

    None when ``raw`` does not normalise to ``text`` character by character (a rare Unicode
    composition): the caller then gives each part the whole span.
    """
    if not unicodedata.is_normalized("NFC", raw):
        if len(unicodedata.normalize("NFC", raw)) != len(raw):
            return None
        raw = unicodedata.normalize("NFC", raw)
    chars: list[str] = []
    offsets: list[int] = []
    space = False
    for index, char in enumerate(raw):
        if char.isspace():
            space = bool(chars)
            continue
        if space:
            chars.append(" ")
            offsets.append(index - 1)
            space = False
        chars.append(QUOTES.get(char, char))
        offsets.append(index)
    joined = "".join(chars)
    # As ``normalise_claim_text`` drops a leading bullet.
    bullet = None
    if joined[:1] in BULLETS or joined[:1].isdigit() or joined[1:2] in ".)":
        bullet = LEADING_BULLET.match(joined)
    if bullet:
        joined, offsets = joined[bullet.end() :], offsets[bullet.end() :]
    return offsets if joined == text else None


def part_span(raw: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span in ``raw`` (a sentence as written) of ``text[start:end]`` (its normalised text)."""
    offsets = aligned_offsets(raw, text)
    if offsets is None or not 0 <= start < end <= len(offsets):
        return 0, len(raw)
    return offsets[start], offsets[end - 1] + 1


def part_rows(layout: Layout, text: str, raw: str, *, document_id: int, start: int, position: int, version: int):
    """Return the occurrence rows ``(claim_id, document_id, start, end, position, version)`` of the parts."""
    rows = []
    for claim_id, part_start, part_end in layout:
        begin, finish = part_span(raw, text, part_start, part_end)
        rows.append((claim_id, document_id, start + begin, start + finish, position, version))
    return rows


def part_occurrences(claim: Claim, layout: Layout) -> list[ClaimOccurrence]:
    """Return the parts' occurrences in every place the claim's sentence is now (none a part holds already)."""
    held = set(
        ClaimOccurrence.objects.filter(claim_id__in=[pk for pk, _, _ in layout])
        .values_list("claim_id", "document_id", "version", "position")
    )  # fmt: skip
    occurrences = []
    for occurrence in (
        ClaimOccurrence.objects.filter(claim=claim, removed_in__isnull=True).select_related("document")
        .only("document_id", "document__text", "start", "end", "position", "version")
        .order_by("document_id", "position")
    ):  # fmt: skip
        raw = occurrence.document.text[occurrence.start : occurrence.end]
        for claim_id, document_id, start, end, position, version in part_rows(
            layout, claim.text, raw, document_id=occurrence.document_id, start=occurrence.start,
            position=occurrence.position, version=occurrence.version,
        ):  # fmt: skip
            if (claim_id, document_id, version, position) not in held:
                held.add((claim_id, document_id, version, position))
                occurrences.append(
                    ClaimOccurrence(claim_id=claim_id, document_id=document_id, start=start, end=end, position=position,
                                    version=version)
                )  # fmt: skip
    return occurrences


def followers(claim_ids: Iterable[int]) -> tuple[dict[int, int], dict[int, tuple[str, Layout]]]:
    """Return, among ``claim_ids``, the merged ones' survivors and the split ones' (text, parts).

    The survivors are followed through every merge, and so are the parts: a part merged since is
    its survivor. The layouts are those of the split claims among ``claim_ids`` and their survivors.
    """
    ids = set(claim_ids)
    if not ids:
        return {}, {}
    survivors = survivors_of(ids)
    split_texts = dict(
        Claim.objects.filter(pk__in=ids | set(survivors.values()), status=ClaimStatus.SPLIT).values_list("pk", "text")
    )
    if not split_texts:
        return survivors, {}
    written: dict[int, Layout] = {}
    for claim_id, details in (
        ReviewEvent.objects.filter(claim_id__in=split_texts, action=Action.SPLIT).order_by("id")
        .values_list("claim_id", "details")
    ):  # fmt: skip
        written[claim_id] = [(part["claim_id"], part["start"], part["end"]) for part in details.get("parts", [])]
    moved = survivors_of({pk for layout in written.values() for pk, _, _ in layout})
    layouts: dict[int, tuple[str, Layout]] = {}
    for claim_id, layout in written.items():
        parts: Layout = []
        for pk, start, end in layout:
            pk = moved.get(pk, pk)
            # Two parts merged into one claim: it takes the sentence once, over the first one's span.
            if pk != claim_id and all(pk != other for other, _, _ in parts):
                parts.append((pk, start, end))
        layouts[claim_id] = (split_texts[claim_id], parts)
    return survivors, layouts


def survivors_of(claim_ids: Iterable[int]) -> dict[int, int]:
    """Return, for each merged claim among ``claim_ids``, the claim it ends in through every merge."""
    ids = set(claim_ids)
    into: dict[int, int] = {}
    frontier = set(ids)
    while frontier:
        found = dict(
            Claim.objects.filter(pk__in=frontier, merged_into__isnull=False).values_list("pk", "merged_into_id")
        )
        into.update(found)
        frontier = set(found.values()) - set(into)
    result = {}
    for claim_id in ids:
        final, seen = claim_id, {claim_id}
        while final in into and into[final] not in seen:
            final = into[final]
            seen.add(final)
        if final != claim_id:
            result[claim_id] = final
    return result
