"""Read paths shared by the admin, the API and the exports: querysets with their joins."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Substr
from django.utils.text import smart_split, unescape_string_literal

from . import roles, vocabulary
from .models import (
    Action,
    Claim,
    ClaimOccurrence,
    ClaimStatus,
    DocumentEvent,
    DocumentVersion,
    Evidence,
    ReviewEvent,
    SourceDocument,
    Suggestion,
    Verdict,
)


def my_open_work(user) -> Q:
    """Return the condition "assigned to ``user`` and still needing their work"."""
    return Q(assignee_id=user.pk, status__in=vocabulary.OPEN_STATUSES)


def awaiting_review_by(reviewer) -> Q:
    """Return the condition "in review and not submitted by ``reviewer``"."""
    return Q(status=ClaimStatus.IN_REVIEW) & ~Q(submitted_by_id=reviewer.pk)


def claim_list(user):
    """Return the claims ``user`` may see, with what a list row shows, in a fixed number of queries."""
    if not roles.has_role(user):
        return Claim.objects.none()
    # Evidence is prefetched (ids only) rather than counted in SQL: a correlated count would be
    # evaluated for every claim in the table before the sort, not just for the rows on the page.
    return Claim.objects.select_related("assignee").prefetch_related(
        Prefetch(
            "occurrences",
            queryset=ClaimOccurrence.objects.select_related("document").only(
                "id", "claim_id", "position", "document__id", "document__title", "document__publisher"
            ),
        ),
        Prefetch("evidence", queryset=Evidence.objects.only("id", "claim_id")),
    )


def search_claims(queryset, query: str):
    """Return the claims of ``queryset`` whose text holds every term of ``query``, any case.

    Terms are split as the admin splits them (quoted phrases stay whole).
    """
    for term in smart_split(query or ""):
        term = unescape_string_literal(term) if term[:1] in "\"'" and term[-1:] == term[:1] else term
        term = term.strip()
        if term:
            queryset = queryset.filter(search_text__contains=term.lower())
    return queryset


# The columns of a claim an API list row shows (the detail shows these and more).
_ROW_FIELDS = (
    "text", "wording", "status", "verdict", "version", "has_number", "has_quote", "speaker", "checkworthiness",
    "dismissal_reason", "dismissal_note", "merged_into", "split_from", "source_changed_at", "created_at",
    "updated_at", "assignee__username",
)  # fmt: skip


def claim_rows():
    """Return claims with what an API list row shows, and nothing more.

    ``merged_into`` and ``split_from`` are their ids, read from the row: no join.
    """
    return Claim.objects.select_related("assignee").only(*_ROW_FIELDS)


def open_claims(queryset):
    """Return the claims of ``queryset`` still in the workflow: not dismissed, merged or split.

    The condition is the one of the partial index ``claim_worth_idx``, so that PostgreSQL can walk
    that index for the lists ordered by check-worthiness.
    """
    return queryset.exclude(status__in=vocabulary.CLOSED_STATUSES)


def claim_detail():
    """Return claims with what a claim's full view shows: people, publication, occurrences, evidence.

    Its corrections come from ``claim_corrections``, which reads them only for a claim that can have any;
    the claims merged into it and its parts from ``claim_triage_links``.
    """
    # Only the columns shown: a document's text and a user's other fields stay in the database.
    return (
        Claim.objects.select_related("assignee", "submitted_by", "approved_by")
        .only(
            *_ROW_FIELDS,
            "note",
            "checkworthiness_features",
            "approved_at",
            "published_at",
            "published_verdict",
            "published_note",
            "published_wording",
            "submitted_by__username",
            "approved_by__username",
        )
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=ClaimOccurrence.objects.select_related("document")
                .only("claim_id", "document__title", "start", "end", "position", "version", "removed_in")
                .order_by("document_id", "position"),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("added_by")
                .only(
                    "claim_id",
                    "stance",
                    "url",
                    "document_id",
                    "start",
                    "end",
                    "title",
                    "excerpt",
                    "added_at",
                    "added_by__username",
                )
                .order_by("id"),
            ),
        )
    )


def claim_corrections(claim: Claim):
    """Return the claim's corrections, oldest first, with their reviewers.

    A correction is made by an approval after the first one (``approved_at`` past ``published_at``):
    most claims never had one, and for them nothing is read.
    """
    from .models import Correction  # to join the model imports at the top of the module

    if claim.approved_at is None or claim.approved_at == claim.published_at:
        return Correction.objects.none()
    return claim.corrections.select_related("approved_by").order_by("id")


def claims_awaiting_review(reviewer):
    """Return claims in review that ``reviewer`` may approve (not their own), oldest first."""
    if not roles.is_reviewer(reviewer):
        return Claim.objects.none()
    return (
        Claim.objects.filter(awaiting_review_by(reviewer))
        .select_related("assignee", "submitted_by")
        .order_by("updated_at", "id")
    )


def open_work(user):
    """Return the claims assigned to ``user`` that still need their work."""
    return Claim.objects.filter(my_open_work(user))


def counts_by_status_and_verdict() -> dict:
    """Return claim counts per status and per verdict as (value, label, count), zeros included."""
    rows = Claim.objects.order_by().values("status", "verdict").annotate(n=Count("pk"))
    by_status = dict.fromkeys(ClaimStatus.values, 0)
    by_verdict = dict.fromkeys(Verdict.values, 0)
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["verdict"]:
            by_verdict[row["verdict"]] += row["n"]
    return {
        "status": [(value, ClaimStatus(value).label, n) for value, n in by_status.items()],
        "verdict": [(value, Verdict(value).label, n) for value, n in by_verdict.items()],
        "total": sum(by_status.values()),
    }


def recent_events(limit: int):
    """Return the latest review events across all claims, newest first."""
    return ReviewEvent.objects.select_related("claim", "actor").order_by("-id")[:limit]


def claim_history(claim):
    """Return the claim's review history, newest first, with the actors."""
    return ReviewEvent.objects.filter(claim=claim).select_related("actor").order_by("-id")


def claim_evidence(claim):
    return Evidence.objects.filter(claim=claim).select_related("document", "added_by").order_by("id")


_SUGGESTION_FIELDS = (
    "claim_id", "document__title", "start", "end", "passage_claim_id", "score", "stance", "reason", "created_at",
)  # fmt: skip


@dataclass
class TriageLinks:
    """The claims a claim is linked to by triage: merged into, merged in, split from, split into."""

    merged_claims: list
    split_parts: list


def claim_triage_links(claim: Claim) -> TriageLinks:
    """Return the claims merged into ``claim`` and, if it was split, its parts (in order)."""
    merged = list(Claim.objects.filter(merged_into=claim).only("id", "text", "wording").order_by("id"))
    parts: list = []
    if claim.status == ClaimStatus.SPLIT:
        details = (
            ReviewEvent.objects.filter(claim=claim, action=ReviewEvent.Action.SPLIT).order_by("-id")
            .values_list("details", flat=True).first()
        ) or {}  # fmt: skip
        ids = [part["claim_id"] for part in details.get("parts", [])]
        found = {part.pk: part for part in Claim.objects.filter(pk__in=ids).only("id", "text", "wording", "status")}
        parts = [found[pk] for pk in ids if pk in found]
    return TriageLinks(merged_claims=merged, split_parts=parts)


def claim_suggestions(claim_id):
    """Return the claim's suggested passages, closest first, in one query.

    Each has its document's title, the passage's text (cut from the document in the database, so
    that no whole article is read) and the id of the evidence it is attached as, if it is.
    """
    attached = Evidence.objects.filter(
        claim_id=OuterRef("claim_id"), document_id=OuterRef("document_id"), start=OuterRef("start"), end=OuterRef("end")
    ).values("id")[:1]
    return (
        Suggestion.objects.filter(claim_id=claim_id)
        .select_related("document")
        .only(*_SUGGESTION_FIELDS)
        .annotate(
            passage=Substr("document__text", F("start") + 1, F("end") - F("start")),
            attached_as=Subquery(attached),
            passage_claim_status=F("passage_claim__status"),
        )
        .order_by("-score", "id")
    )


@dataclass
class Paragraph:
    """A paragraph of an article: its text and where it starts in the article's text."""

    start: int
    text: str


@dataclass
class InContext:
    """A claim's sentence inside its paragraph (``before`` + ``sentence`` + ``after``, from ``start``),
    with the paragraphs before and after it.

    ``citable``: the text is the article's current one, so that a passage selected in it can be cited
    by its offsets (an occurrence no longer in the article shows an older version's text).
    """

    occurrence: ClaimOccurrence
    document: SourceDocument
    before: str
    sentence: str
    after: str
    start: int = 0
    previous: Paragraph | None = None
    following: Paragraph | None = None
    citable: bool = True


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span of the paragraph (between blank or line breaks) holding ``[start:end]``."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, len(text) if right == -1 else right


def neighbour_paragraphs(text: str, left: int, right: int) -> tuple[Paragraph | None, Paragraph | None]:
    """Return the paragraphs before and after the one at ``[left:right]`` (None at either end)."""
    previous = following = None
    before = len(text[:left].rstrip())
    if before:
        start, end = paragraph_bounds(text, before - 1, before)
        previous = Paragraph(start, text[start:end])
    after = right + (len(text[right:]) - len(text[right:].lstrip()))
    if after < len(text):
        start, end = paragraph_bounds(text, after, after + 1)
        following = Paragraph(start, text[start:end])
    return previous, following


def claim_in_context(claim) -> list[InContext]:
    """Return, for each occurrence of the claim, its paragraph with the sentence marked and those around it.

    An occurrence no longer in its article (``removed_in``) is shown in the version it was in.
    """
    result = []
    occurrences = list(
        ClaimOccurrence.objects.filter(claim=claim).select_related("document").order_by("document_id", "position")
    )
    old = {(o.document_id, o.version) for o in occurrences if o.removed_in is not None}
    old_texts = {}
    if old:
        versions = DocumentVersion.objects.filter(document_id__in={d for d, _ in old}).values_list(
            "document_id", "number", "text"
        )
        old_texts = {(d, n): text for d, n, text in versions if (d, n) in old}
    for occurrence in occurrences:
        text = occurrence.document.text
        if occurrence.removed_in is not None:
            text = old_texts.get((occurrence.document_id, occurrence.version), "")
        left, right = paragraph_bounds(text, occurrence.start, occurrence.end)
        previous, following = neighbour_paragraphs(text, left, right)
        result.append(
            InContext(
                occurrence=occurrence,
                document=occurrence.document,
                before=text[left : occurrence.start],
                sentence=text[occurrence.start : occurrence.end],
                after=text[occurrence.end : right],
                start=left,
                previous=previous,
                following=following,
                citable=occurrence.removed_in is None,
            )
        )
    return result


@dataclass
class Segment:
    text: str
    claim: Claim | None = None
    start: int = 0  # where it starts in the document's text: the claim page links to ``#at-<start>``


def document_segments(document) -> list[Segment]:
    """Split the document's text into plain segments and claim segments, in order.

    A split claim's sentence is drawn as its parts.
    """
    occurrences = (
        ClaimOccurrence.objects.filter(document=document, removed_in__isnull=True)
        .exclude(claim__status=ClaimStatus.SPLIT)
        .select_related("claim")
        .only("start", "end", "claim__id", "claim__status", "claim__verdict", "claim__text")
        .order_by("start")
    )
    segments, cursor, text = [], 0, document.text
    for occurrence in occurrences:
        if occurrence.start < cursor:  # overlapping spans cannot be drawn twice
            continue
        if occurrence.start > cursor:
            segments.append(Segment(text[cursor : occurrence.start], start=cursor))
        segments.append(Segment(text[occurrence.start : occurrence.end], occurrence.claim, occurrence.start))
        cursor = occurrence.end
    if cursor < len(text):
        segments.append(Segment(text[cursor:], start=cursor))
    return segments


def document_status_counts(document) -> dict:
    """Return how many of the claims in the document's current version are in each status."""
    rows = (
        Claim.objects.filter(occurrences__document=document, occurrences__removed_in__isnull=True)
        .order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = dict.fromkeys(ClaimStatus.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def documents_to_open(query: str, limit: int = 20):
    """Return the documents whose title, publisher or address holds ``query``, newest first (the picker)."""
    documents = SourceDocument.objects.only("id", "title", "publisher", "published_on").order_by("-id")
    query = query.replace("\x00", "").strip()  # PostgreSQL refuses a NUL in a text value
    if query:
        documents = documents.filter(
            Q(title__icontains=query) | Q(publisher__icontains=query) | Q(url__icontains=query)
        )
    return documents[:limit]


def document_versions(document):
    """Return the document's versions, newest first, without their texts."""
    return DocumentVersion.objects.filter(document=document).defer("text", "html").order_by("-number")


def document_history(document):
    """Return the document's own history (loaded, new versions, edits), newest first, with the actors."""
    return DocumentEvent.objects.filter(document=document).select_related("actor").order_by("-id")


def claims_gone_from(document):
    """Return the occurrences of claims whose sentence is no longer in the article, with their claims."""
    return (
        ClaimOccurrence.objects.filter(document=document, removed_in__isnull=False)
        .select_related("claim")
        .only("claim__text", "claim__status", "claim__verdict", "removed_in", "version", "position")
        .order_by("removed_in", "position")
    )


@dataclass
class SinceReturn:
    """The claim's last return by a reviewer, and what its editor changed since.

    ``resubmitted``: the editor submitted it again. The verdict and note are as they were when it
    was returned (``verdict_then``, ``note_then``) and as they are now; evidence items added and
    removed since are the history's snapshots of them.
    """

    event: ReviewEvent
    resubmitted: bool
    verdict_then: str
    note_then: str
    verdict_now: str
    note_now: str
    added: list[dict]
    removed: list[dict]

    @property
    def verdict_changed(self) -> bool:
        return self.verdict_then != self.verdict_now

    @property
    def note_changed(self) -> bool:
        return self.note_then != self.note_now

    @property
    def changed(self) -> bool:
        return self.verdict_changed or self.note_changed or bool(self.added or self.removed)


def since_return(claim, history: list[ReviewEvent]) -> SinceReturn | None:
    """Return the claim's last return and the changes since (None if it was never returned).

    ``history`` is the claim's whole history, newest first (``claim_history``): read once for the page.
    """
    returned = next((event for event in history if event.action == Action.RETURNED), None)
    if returned is None:
        return None
    later = [event for event in reversed(history) if event.id > returned.id]
    note_then = next(
        (
            (event.details or {}).get("note_after", "")
            for event in history
            if event.id < returned.id and event.action == Action.VERDICT_SET
        ),
        "",
    )
    added: dict[int | None, dict] = {}
    removed: dict[int | None, dict] = {}
    for event in later:
        snapshot = event.details or {}
        evidence_id = snapshot.get("evidence_id")
        if event.action == Action.EVIDENCE_ADDED:
            added[evidence_id] = snapshot
        elif event.action == Action.EVIDENCE_REMOVED and added.pop(evidence_id, None) is None:
            removed[evidence_id] = snapshot
    return SinceReturn(
        event=returned,
        resubmitted=any(event.action == Action.SUBMITTED for event in later),
        verdict_then=returned.verdict_after,
        note_then=note_then,
        verdict_now=claim.verdict,
        note_now=claim.note,
        added=list(added.values()),
        removed=list(removed.values()),
    )
