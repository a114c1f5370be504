"""Triage: dismiss a claim not worth checking (and restore it), word it as it will be checked, merge
claims that state one fact, split one that holds several.

Each action locks every claim it changes (in id order, so two merges never wait on each other in
a circle), asks the action's guard in ``rules``, and writes one chained event per claim changed, in
the same transaction. A claim whose verdict is under review or approved is never closed here: it
is reopened first. Merged and split claims keep their history; the links go both ways
(``merged_into`` and the survivor's ``merged_from`` event; ``split_from`` and the ``split`` event).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ..ingest.normalise import normalise_claim_text
from ..ingest.sentence import text_hash
from ..ingest.signals import claim_signals
from ..models import Action, Claim, ClaimOccurrence, ClaimStatus, DismissalReason, Evidence, Suggestion
from . import rules
from .claims import MAX_NOTE
from .core import clean_text, lock_claim, record, refuse, require
from .errors import MSG_CLAIM_NOT_FOUND, InvalidInput, NotFound, WorkflowError
from .evidence import _snapshot
from .loading import created_event_row, insert_events
from .parts import part_occurrences

MAX_WORDING = 2000
MAX_MERGE = 50  # claims merged into one at a time
MAX_PARTS = 10
MAX_ID = 2**63 - 1  # the largest id the database holds

MSG_BAD_REASON = "Unknown reason {value!r}: choose " + ", ".join(DismissalReason.values) + "."
MSG_WORDING_SAME = "The wording is unchanged."
MSG_MERGE_NONE = "Name at least one other claim to merge into this one."
MSG_MERGE_TOO_MANY = "At most {limit} claims can be merged at once ({count} given)."
MSG_MERGE_ITSELF = "A claim cannot be merged into itself."
MSG_MERGE_BAD_ID = "{value!r} is not a claim id."
MSG_MERGE_VERDICTS_DIFFER = (
    "These claims have different verdicts ({verdicts}): settle on one verdict before merging them."
)
MSG_MERGE_INTO_UNRULED = (
    "Claim {other} has a verdict ({verdict}) and claim {survivor} has none: merge into claim {other} instead."
)
MSG_MERGE_FROZEN_EVIDENCE = (
    "Claim {survivor} is approved, so its evidence is frozen, and claim {other} has evidence of its own: "
    "reopen claim {survivor} first."
)
MSG_MERGE_SAME_SENTENCE = (
    "Claims {first} and {second} are parts of the same sentence of document {document} (split from one claim): "
    "they cannot be merged."
)
MSG_SPLIT_FEW = "Give at least two parts (one per line), each a piece of the claim's text."
MSG_SPLIT_TOO_MANY = "At most {limit} parts ({count} given)."
MSG_SPLIT_NOT_FOUND = (
    "Part {number} ({part!r}) is not in the claim's text{after}: each part must be a piece of the claim as "
    "written, in order."
)
MSG_SPLIT_WHOLE = "Part {number} is the whole claim: a split needs parts smaller than the claim."
MSG_SPLIT_SAME = "Parts {first} and {second} are the same text."
MSG_SPLIT_PART_IS_CLAIM = (
    "Part {number} is the text of a claim merged into this one: a part must be a claim other than this one."
)
MSG_SPLIT_PART_SPLIT = "Part {number} is claim {id}, which was split itself: give its parts instead."
MSG_SPLIT_SAME_CLAIM = "Parts {first} and {second} are both claim {id} (their claims were merged): give it once."
MSG_SPLIT_RULED = rules.MSG_SPLIT_RULED


def _prefixed(claim_id: int, refusal: WorkflowError | None) -> WorkflowError | None:
    """Return ``refusal`` with the claim it is about named first (for refusals about several claims)."""
    if refusal is None:
        return None
    return type(refusal)(f"Claim {claim_id}: {refusal}", field=refusal.field)


# --- Dismiss and restore ------------------------------------------------------------------------


@transaction.atomic
def claim_dismiss(*, claim_id: int, actor, reason: str, note: str = "", expected_version: int | None = None) -> Claim:
    """Close the claim as not worth checking, with a reason (``DismissalReason``) and an optional note.

    It leaves the queue and the default lists and loses its assignee; ``claim_restore`` brings it back.
    """
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.triage_refusal(claim, actor, Action.DISMISSED))
    require(reason in DismissalReason.values, InvalidInput(MSG_BAD_REASON.format(value=reason), field="reason"))
    note = clean_text(note, what="note", limit=MAX_NOTE)
    assignee = claim.assignee
    record(
        claim,
        actor=actor,
        action=Action.DISMISSED,
        comment=note,
        changes={"dismissal_reason": reason, "dismissal_note": note, "assignee": None, "submitted_by": None},
        details={"reason": reason, "assignee_before": assignee.get_username() if assignee else None},
    )
    return claim


@transaction.atomic
def claim_restore(*, claim_id: int, actor, expected_version: int | None = None) -> Claim:
    """Bring a dismissed claim back to the queue, pending."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.status_refusal(claim, actor, Action.RESTORED))
    details = {"reason_before": claim.dismissal_reason, "note_before": claim.dismissal_note}
    record(
        claim, actor=actor, action=Action.RESTORED, changes={"dismissal_reason": "", "dismissal_note": ""},
        details=details,
    )  # fmt: skip
    return claim


# --- Wording ------------------------------------------------------------------------------------


@transaction.atomic
def claim_set_wording(*, claim_id: int, actor, wording: str, expected_version: int | None = None) -> Claim:
    """Word the claim as it will be checked; an empty wording (or its text) goes back to the text.

    The claim's text and its occurrences stay as they appear in the articles.
    """
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.triage_refusal(claim, actor, Action.WORDING_SET))
    wording = " ".join(clean_text(wording, what="wording", limit=MAX_WORDING).split())
    if wording == claim.text:
        wording = ""
    require(wording != claim.wording, InvalidInput(MSG_WORDING_SAME, field="wording"))
    record(
        claim,
        actor=actor,
        action=Action.WORDING_SET,
        changes={"wording": wording},
        details={"wording_before": claim.wording, "wording_after": wording},
    )
    return claim


# --- Merge --------------------------------------------------------------------------------------


def _claim_ids(values) -> list[int]:
    """Return the claim ids in ``values`` (a list, or a text of ids separated by commas or spaces), once each."""
    if isinstance(values, str):  # iterated as is, "12" would name claims 1 and 2
        values = values.replace(",", " ").split()
    ids: list[int] = []
    for value in values or ():
        text = str(value).strip()
        # Only ASCII digits: int() also reads "١٢" (Arabic-Indic) and "１２" (full width).
        number = int(text) if text.isascii() and text.lstrip("+").isdigit() else None
        if number is None or not 1 <= number <= MAX_ID:
            raise InvalidInput(MSG_MERGE_BAD_ID.format(value=value), field="claims")
        if number not in ids:
            ids.append(number)
    return ids


def _lock_claims(ids) -> dict[int, Claim]:
    """Lock the claims ``ids`` in id order, so that two actions on the same claims never wait in a circle."""
    return {claim.pk: claim for claim in Claim.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk")}


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def claims_merge(*, claim_id: int, actor, claims, expected_version: int | None = None) -> Claim:
    """Merge ``claims`` (ids) into the claim ``claim_id``, which stays: they state the same fact.

    The claim that stays takes every occurrence, every evidence item (an item with the same web
    address or the same passage as one it already has is collapsed into it) and every suggestion
    of the others, which are closed as merged into it. Claims with different verdicts are refused;
    so is a merge into a claim without a verdict when another has one.
    """
    others = _claim_ids(claims)
    require(bool(others), InvalidInput(MSG_MERGE_NONE, field="claims"))
    require(_as_id(claim_id) not in others, InvalidInput(MSG_MERGE_ITSELF, field="claims"))
    require(
        len(others) <= MAX_MERGE,
        InvalidInput(MSG_MERGE_TOO_MANY.format(limit=MAX_MERGE, count=len(others)), field="claims"),
    )
    # Every claim of the group locked at once, in id order: two merges of the same pair in
    # opposite directions never deadlock; the second one sees what the first did.
    locked = _lock_claims({*others, _as_id(claim_id)} - {None})
    survivor = lock_claim(claim_id, expected_version)
    missing = [pk for pk in others if pk not in locked]
    if missing:
        raise NotFound(MSG_CLAIM_NOT_FOUND.format(id=missing[0]))
    merged = [locked[pk] for pk in others]
    refuse(rules.triage_refusal(survivor, actor, Action.MERGED_FROM))
    for other in merged:
        refuse(_prefixed(other.pk, rules.triage_refusal(other, actor, Action.MERGED_INTO)))
    verdicts = {claim.verdict for claim in [survivor, *merged] if claim.verdict}
    if len(verdicts) > 1:
        raise InvalidInput(MSG_MERGE_VERDICTS_DIFFER.format(verdicts=", ".join(sorted(verdicts))), field="claims")
    ruled = next((claim for claim in merged if claim.verdict), None)
    if ruled is not None and not survivor.verdict:
        raise InvalidInput(
            MSG_MERGE_INTO_UNRULED.format(other=ruled.pk, verdict=ruled.verdict, survivor=survivor.pk), field="claims"
        )
    group = [survivor.pk, *others]
    shared = _shared_place(group)
    if shared is not None:
        raise InvalidInput(MSG_MERGE_SAME_SENTENCE.format(**shared), field="claims")
    kept = _EvidenceKeys(Evidence.objects.filter(claim=survivor).order_by("id"))
    incoming = list(Evidence.objects.filter(claim_id__in=others).order_by("id"))
    fresh = next((item for item in incoming if kept.find(item) is None), None)
    if survivor.status == ClaimStatus.APPROVED and fresh is not None:
        raise InvalidInput(MSG_MERGE_FROZEN_EVIDENCE.format(survivor=survivor.pk, other=fresh.claim_id), field="claims")

    moved, collapsed = [], []
    for item in incoming:
        duplicate_of = kept.find(item)
        if duplicate_of is not None:
            collapsed.append({**_snapshot(item), "claim_id": item.claim_id, "kept": duplicate_of})
            item.delete()
        else:
            kept.add(item)
            moved.append(item.pk)
    Evidence.objects.filter(pk__in=moved).update(claim=survivor)
    occurrences = ClaimOccurrence.objects.filter(claim_id__in=others).update(claim=survivor)
    suggestions = _merge_suggestions(survivor.pk, others)
    for other in merged:
        record(
            other, actor=actor, action=Action.MERGED_INTO, changes={"merged_into": survivor, "assignee": None},
            details={"merged_into": survivor.pk, "claims": group},
        )  # fmt: skip
    record(
        survivor,
        actor=actor,
        action=Action.MERGED_FROM,
        details={
            "claims": others, "occurrences_moved": occurrences, "evidence_moved": moved,
            "evidence_collapsed": collapsed, "suggestions_moved": suggestions,
        },
    )  # fmt: skip
    return survivor


class _EvidenceKeys:
    """The evidence a claim holds, by web address and by passage: an item sharing either is a duplicate."""

    def __init__(self, items):
        self.urls: dict[str, int] = {}
        self.passages: dict[tuple, int] = {}
        for item in items:
            self.add(item)

    def find(self, item: Evidence) -> int | None:
        """Return the id of the item held that ``item`` duplicates, or None."""
        if item.url and item.url in self.urls:
            return self.urls[item.url]
        if item.document_id is not None:
            return self.passages.get((item.document_id, item.start, item.end))
        return None

    def add(self, item: Evidence) -> None:
        if item.url:
            self.urls.setdefault(item.url, item.pk)
        if item.document_id is not None:
            self.passages.setdefault((item.document_id, item.start, item.end), item.pk)


def _shared_place(group: list[int]) -> dict | None:
    """Return a place (document, version, position) where two claims of ``group`` both occur, if any.

    Only the parts of one split sentence share a place; merged, they would be one claim twice there.
    """
    rows = (
        ClaimOccurrence.objects.filter(claim_id__in=group)
        .values("document_id", "version", "position")
        .annotate(claims=Count("claim_id", distinct=True))
        .filter(claims__gt=1)
        .order_by("document_id", "version", "position")[:1]
    )
    for row in rows:
        first, second = (
            ClaimOccurrence.objects.filter(claim_id__in=group, document_id=row["document_id"], version=row["version"],
                                           position=row["position"])
            .order_by("claim_id").values_list("claim_id", flat=True)[:2]
        )  # fmt: skip
        return {"first": first, "second": second, "document": row["document_id"]}
    return None


def _merge_suggestions(survivor_id: int, others: list[int]) -> int:
    """Move the merged claims' suggestions to the survivor (once each, none of the group's own claims)."""
    group = [survivor_id, *others]
    Suggestion.objects.filter(claim_id__in=group, passage_claim_id__in=group).delete()
    held = set(Suggestion.objects.filter(claim_id=survivor_id).values_list("document_id", "start", "end"))
    move: list[int] = []
    drop: list[int] = []
    for pk, document_id, start, end in (
        Suggestion.objects.filter(claim_id__in=others).order_by("-score", "id")
        .values_list("pk", "document_id", "start", "end")
    ):  # fmt: skip
        key = (document_id, start, end)
        (drop if key in held else move).append(pk)
        held.add(key)
    Suggestion.objects.filter(pk__in=drop).delete()
    Suggestion.objects.filter(pk__in=move).update(claim_id=survivor_id)
    # Passages that stated a merged claim now state the survivor.
    Suggestion.objects.filter(passage_claim_id__in=others).update(passage_claim_id=survivor_id)
    return len(move)


# --- Split --------------------------------------------------------------------------------------


@transaction.atomic
def claim_split(*, claim_id: int, actor, parts, expected_version: int | None = None) -> list[Claim]:
    """Split the claim into claims over pieces of its text (``parts``: one per line, or a list).

    Each part becomes a claim (or is the claim that already has its text, or the claim that one
    was merged into) with its share of every place the claim appears; the claim is closed as
    split. Returns the parts' claims, in order.
    """
    lines = parts.splitlines() if isinstance(parts, str) else list(parts or ())
    texts = [normalise_claim_text(str(line)) for line in lines]
    texts = [text for text in texts if text]
    require(len(texts) >= 2, InvalidInput(MSG_SPLIT_FEW, field="parts"))
    too_many = InvalidInput(MSG_SPLIT_TOO_MANY.format(limit=MAX_PARTS, count=len(texts)), field="parts")
    require(len(texts) <= MAX_PARTS, too_many)
    hashes = [text_hash(text) for text in texts]
    # The claim and the parts that are claims already, locked together in id order (as merges lock).
    own_id = _as_id(claim_id)
    known_ids = Claim.objects.filter(text_hash__in=hashes).values_list("pk", flat=True)
    locked = _lock_claims({*known_ids, own_id} - {None})
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.split_refusal(claim, actor))
    spans = _part_spans(claim.text, texts)
    existing = {c.text_hash: c for c in locked.values() if c.text_hash in hashes}
    # A part that is a claim already is that claim, or the claim it was merged into.
    known: dict[int, Claim] = {}
    for number, digest in enumerate(hashes, start=1):
        if digest in existing:
            known[number] = _survivor(existing[digest])
            _check_part(claim, known[number], number, [(n, c) for n, c in known.items() if n != number])
    now = timezone.now()
    result: list[Claim] = []
    created_events = []
    for number, (text, digest) in enumerate(zip(texts, hashes, strict=True), start=1):
        part = known.get(number)
        if part is None:
            found = claim_signals(text)
            part = Claim.objects.create(
                text=text, text_hash=digest, split_from=claim, has_number=found.has_number, has_quote=found.has_quote,
                speaker=found.speaker, checkworthiness=found.checkworthiness,
                checkworthiness_features=[list(row) for row in found.features], created_at=now, updated_at=now,
            )  # fmt: skip
            details = {"split_from": claim.pk}
            created_events.append(created_event_row(part.pk, digest, actor=actor, details=details, now=now))
        result.append(part)
    insert_events(created_events)
    layout = [(part.pk, start, end) for part, (start, end) in zip(result, spans, strict=True)]
    ClaimOccurrence.objects.bulk_create(part_occurrences(claim, layout))
    record(
        claim,
        actor=actor,
        action=Action.SPLIT,
        changes={"assignee": None},
        details={"parts": [{"claim_id": pk, "start": start, "end": end} for pk, start, end in layout]},
    )
    return result


def _survivor(claim: Claim) -> Claim:
    """Return the claim that ``claim`` (locked) was merged into, through every merge, locked; or itself."""
    while claim.merged_into_id is not None:
        claim = Claim.objects.select_for_update().get(pk=claim.merged_into_id)
    return claim


def _check_part(claim: Claim, part: Claim, number: int, earlier: list[tuple[int, Claim]]) -> None:
    """Refuse an existing claim as part ``number`` of ``claim`` if it cannot take the part's places."""
    require(part.pk != claim.pk, InvalidInput(MSG_SPLIT_PART_IS_CLAIM.format(number=number), field="parts"))
    require(
        part.status != ClaimStatus.SPLIT,
        InvalidInput(MSG_SPLIT_PART_SPLIT.format(number=number, id=part.pk), field="parts"),
    )
    same = next((index for index, other in earlier if other.pk == part.pk), None)
    require(
        same is None, InvalidInput(MSG_SPLIT_SAME_CLAIM.format(first=same, second=number, id=part.pk), field="parts")
    )


def _part_spans(text: str, parts_texts: list[str]) -> list[tuple[int, int]]:
    """Return where each part is in the claim's ``text``, in order; refuse a part that is not there."""
    spans, at = [], 0
    for number, part in enumerate(parts_texts, start=1):
        require(part != text, InvalidInput(MSG_SPLIT_WHOLE.format(number=number), field="parts"))
        for earlier, other in enumerate(parts_texts[: number - 1], start=1):
            require(other != part, InvalidInput(MSG_SPLIT_SAME.format(first=earlier, second=number), field="parts"))
        start = text.find(part, at)
        after = f" after part {number - 1}" if number > 1 else ""
        require(
            start >= 0, InvalidInput(MSG_SPLIT_NOT_FOUND.format(number=number, part=part, after=after), field="parts")
        )
        spans.append((start, start + len(part)))
        at = start + len(part)
    return spans
