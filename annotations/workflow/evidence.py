"""Actions on a claim's evidence: add a source or passage, attach a suggested passage, remove one."""

from __future__ import annotations

from django.db import transaction

from ..ingest.fetch import FetchError, web_address
from ..models import Action, Claim, Evidence, SourceDocument, Stance, Suggestion
from . import rules
from .claims import MAX_NOTE
from .core import clean_text, lock_claim, record, refuse, require
from .errors import MSG_TOO_LONG, AlreadyDone, InvalidInput, NotFound

MAX_URL = 2000

MSG_EVIDENCE_NOT_FOUND = "Evidence {id} does not exist on this claim."
MSG_SUGGESTION_NOT_FOUND = "Suggestion {id} does not exist on this claim."
MSG_SUGGESTION_ATTACHED = "This passage is already attached to the claim as evidence (item {evidence})."
MSG_DOCUMENT_NOT_FOUND = "Document {id} does not exist."
MSG_BAD_STANCE = "Unknown stance {value!r}: choose " + ", ".join(Stance.values[:-1]) + f" or {Stance.values[-1]}."
MSG_BAD_OFFSET = "The passage offsets must be whole numbers."
MSG_EVIDENCE_NEEDS_SOURCE = "Evidence needs a web address or a passage of another document."
MSG_BAD_URL = "{value!r} is not a valid web address ({reason}): use a full http:// or https:// URL."
MSG_PASSAGE_RANGE = "The passage {start}-{end} is outside document {document} (its text is {length} characters)."
MSG_PASSAGE_INCOMPLETE = "A document passage needs both a start and an end offset."
MSG_PASSAGE_OWN_DOCUMENT = (
    "Document {document} is where the claim itself appears: a passage of it can only be cited as context; cite "
    "another document to support or refute the claim."
)


def validated_url(url: str) -> str:
    """Return ``url`` stripped, refusing anything but a full http(s) address of a sensible length."""
    url = (url or "").strip()
    if url:
        if len(url) > MAX_URL:
            raise InvalidInput(MSG_TOO_LONG.format(what="web address", length=len(url), limit=MAX_URL), field="url")
        try:
            url = web_address(url)
        except (FetchError, ValueError, UnicodeError) as error:
            raise InvalidInput(MSG_BAD_URL.format(value=url, reason=_reason(error)), field="url") from None
        if len(url) > MAX_URL:  # longer once percent-encoded
            raise InvalidInput(MSG_TOO_LONG.format(what="web address", length=len(url), limit=MAX_URL), field="url")
    return url


def _reason(error: Exception) -> str:
    return error.reason if isinstance(error, FetchError) else "it is not a valid web address"


def _snapshot(evidence: Evidence) -> dict:
    """Return what the history keeps of an evidence item: all of it."""
    return {
        "evidence_id": evidence.pk,
        "url": evidence.url,
        "document_id": evidence.document_id,
        "start": evidence.start,
        "end": evidence.end,
        "title": evidence.title,
        "excerpt": evidence.excerpt,
        "stance": evidence.stance,
    }


def _passage(claim: Claim, document, start, end, stance: str) -> tuple[SourceDocument, int, int]:
    """Return the cited document and the passage's offsets, checked against its text.

    A passage of an article the claim appears in may give context (what the article says around it),
    never support or refute it: an article does not corroborate itself.
    """
    try:
        cited = SourceDocument.objects.only("id", "text").get(pk=document)
    except (SourceDocument.DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_DOCUMENT_NOT_FOUND.format(id=document)) from None
    require(start is not None and end is not None, InvalidInput(MSG_PASSAGE_INCOMPLETE, field="end"))
    try:
        start, end = int(start), int(end)
    except (ValueError, TypeError):
        raise InvalidInput(MSG_BAD_OFFSET, field="start") from None
    length = len(cited.text)
    require(
        0 <= start < end <= length,
        InvalidInput(MSG_PASSAGE_RANGE.format(start=start, end=end, document=cited.pk, length=length), field="end"),
    )
    require(
        stance == Stance.CONTEXT or not claim.occurrences.filter(document=cited).exists(),
        InvalidInput(MSG_PASSAGE_OWN_DOCUMENT.format(document=cited.pk), field="document"),
    )
    return cited, start, end


@transaction.atomic
def evidence_add(
    *,
    claim_id: int,
    actor,
    stance: str,
    url: str = "",
    document: int | None = None,
    start: int | None = None,
    end: int | None = None,
    title: str = "",
    excerpt: str = "",
    expected_version: int | None = None,
    suggestion: dict | None = None,
) -> Evidence:
    """Attach a web source and/or a passage (``document`` id, ``start``, ``end``) of another document.

    ``suggestion`` describes the corroboration suggestion the passage comes from, for the history.
    """
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.assignee_work_refusal(claim, actor, Action.EVIDENCE_ADDED))
    require(stance in Stance.values, InvalidInput(MSG_BAD_STANCE.format(value=stance), field="stance"))
    url = validated_url(url)
    title = clean_text(title, what="title", limit=500)
    excerpt = clean_text(excerpt, what="excerpt", limit=MAX_NOTE)
    cited = None
    if document not in (None, ""):
        cited, start, end = _passage(claim, document, start, end, stance)
        excerpt = excerpt or cited.text[start:end]
    else:
        start = end = None
        require(bool(url), InvalidInput(MSG_EVIDENCE_NEEDS_SOURCE, field="url"))
    evidence = Evidence.objects.create(
        claim=claim, url=url, document=cited, start=start, end=end, title=title, excerpt=excerpt, stance=stance,
        added_by=actor,
    )  # fmt: skip
    details = _snapshot(evidence)
    if suggestion:
        details["suggestion"] = suggestion
    record(claim, actor=actor, action=Action.EVIDENCE_ADDED, details=details)
    return evidence


@transaction.atomic
def suggestion_attach(
    *, claim_id: int, suggestion_id: int, actor, stance: str | None = None, expected_version: int | None = None
) -> Evidence:
    """Attach a suggested passage as evidence, with its suggested stance unless ``stance`` is given.

    The same rules as ``evidence_add``, which writes the evidence and its history event; a passage
    already attached to the claim is refused.
    """
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.assignee_work_refusal(claim, actor, Action.EVIDENCE_ADDED))
    try:
        suggestion = (
            Suggestion.objects.select_related("document").only("document__title", "start", "end", "stance", "score")
            .filter(pk=suggestion_id, claim_id=claim.pk).first()
        )  # fmt: skip
    except (ValueError, TypeError):
        suggestion = None
    if suggestion is None:
        raise NotFound(MSG_SUGGESTION_NOT_FOUND.format(id=suggestion_id))
    attached = (
        Evidence.objects.filter(
            claim_id=claim.pk, document_id=suggestion.document_id, start=suggestion.start, end=suggestion.end
        ).values_list("id", flat=True).first()
    )  # fmt: skip
    if attached is not None:
        raise AlreadyDone(MSG_SUGGESTION_ATTACHED.format(evidence=attached))
    return evidence_add(
        claim_id=claim.pk,
        actor=actor,
        stance=stance or suggestion.stance,
        document=suggestion.document_id,
        start=suggestion.start,
        end=suggestion.end,
        title=suggestion.document.title[:500],
        suggestion={"suggestion_id": suggestion.pk, "score": suggestion.score, "stance": suggestion.stance},
    )


@transaction.atomic
def evidence_remove(*, claim_id: int, evidence_id: int, actor, expected_version: int | None = None) -> Claim:
    """Detach an evidence item of the claim; the history keeps a full copy of it."""
    claim = lock_claim(claim_id, expected_version)
    refuse(rules.assignee_work_refusal(claim, actor, Action.EVIDENCE_REMOVED))
    try:
        evidence = Evidence.objects.filter(pk=evidence_id, claim_id=claim.pk).first()
    except (ValueError, TypeError):
        evidence = None
    if evidence is None:  # never there, another claim's, or removed while we waited for the lock
        raise NotFound(MSG_EVIDENCE_NOT_FOUND.format(id=evidence_id))
    snapshot = _snapshot(evidence)
    evidence.delete()
    record(claim, actor=actor, action=Action.EVIDENCE_REMOVED, details=snapshot)
    return claim
