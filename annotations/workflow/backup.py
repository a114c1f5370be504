"""Read a JSON export made with ``--history`` back and check every record, for ``restore`` to write.

A backup is restored whole or not at all, so the file is checked from end to end before anything is
written, and the first bad record is named in the refusal ("claims[12] (id 345): evidence[0].stance:
'maybe' is not a stance"). The whole file is read into memory. The records come out as model field
values: dates parsed, documents, claims and events by id, users by username.

Format versions 1 to 3 are read. A version 1 backup predates documents' versions: each document
comes out as its version 1 (its text) with a "loaded" event at its load time, as migration 0011
gave the documents stored then, and the fields added since at their defaults. A version 1 or 2
backup predates triage: its claims come out open as they were, without wording, dismissal or
links, their check-worthiness left for the restore to compute from the text (as migration 0012
did), their corrections without wording.

Triage (version 3) links claims to claims: ``merged_into`` and ``split_from`` must name claims of
the file, which an export leaving out the claims closed in triage may not hold. A sentence of a
merged claim is an occurrence of the claim it was merged into, and a split claim's sentence is
shared by its parts, so an occurrence may read the text of a claim merged into its own or of a
claim split into it (its whole sentence, when a part's share of it could not be told apart), and
so on through every merge and split: the parts of a claim that took in others share their
sentences too.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

import orjson
from django.contrib.auth import get_user_model
from django.db.models import CharField
from django.utils.dateparse import parse_date, parse_datetime

from ..exports.json_format import FORMAT, FORMAT_VERSION
from ..ingest.normalise import normalise_claim_text
from ..models import (
    Action,
    Claim,
    ClaimStatus,
    DismissalReason,
    DocumentAction,
    DocumentVersion,
    Evidence,
    Origin,
    SourceDocument,
    Stance,
    Verdict,
)

MAX_ID = 2**63 - 1  # bigint
MAX_NUMBER = 2**31 - 1  # PositiveIntegerField on PostgreSQL
READABLE_VERSIONS = (1, 2, FORMAT_VERSION)


class RestoreError(ValueError):
    """A file that is not a whole backup; the message (no final stop) names the first bad record."""


@dataclass
class Backup:
    """The checked content of a backup, as rows of model field values in the order to insert."""

    exported_at: datetime.datetime
    filters_described: str
    filtered: bool  # the export held only some of the claims
    version: int = FORMAT_VERSION  # of the file's format
    closed_left_out: bool = False  # the export left out the claims closed in triage
    documents: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    document_events: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    occurrences: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)

    @property
    def usernames(self) -> set[str]:
        """Return every username the backup refers to."""
        names: set[str] = set()
        for rows, keys in (
            (self.claims, ("assignee", "submitted_by", "approved_by")),
            (self.evidence, ("added_by",)),
            (self.events, ("actor",)),
            (self.corrections, ("approved_by",)),
            (self.document_events, ("actor",)),
        ):
            names.update(row[key] for row in rows for key in keys if row[key] is not None)
        return names


def read_backup(path: Path) -> Backup:
    """Return the checked backup in the file at ``path``, or raise RestoreError."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RestoreError(f"Cannot read {path}: {error.strerror}") from None
    if not data.strip():
        raise RestoreError(f"{path} is empty")
    try:
        content = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if _ends_early(data, error):
            raise RestoreError(
                f"{path} ends before its JSON does (line {error.lineno}, column {error.colno}): the file is truncated"
            ) from None
        raise RestoreError(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return parse_backup(content)


def _ends_early(data: bytes, error: orjson.JSONDecodeError) -> bool:
    """Return whether the JSON is refused only because the data stops, even inside a character."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return bad.end == len(data) and bad.reason == "unexpected end of data"
    return error.pos >= len(text.rstrip())  # orjson counts characters, not bytes


def parse_backup(content) -> Backup:
    """Return the checked backup in the decoded JSON ``content``, or raise RestoreError."""
    header = _Record(content, "file")
    fmt, version = header.get("format"), header.get("version")
    _require(header, "format", fmt == FORMAT, f"{_describe(fmt)} is not {FORMAT!r}: this is not an export of claims")
    _require(
        header,
        "version",
        isinstance(version, int) and not isinstance(version, bool) and version in READABLE_VERSIONS,
        f"{_describe(version)} is not supported (this tool reads versions "
        f"{', '.join(map(str, READABLE_VERSIONS[:-1]))} and {READABLE_VERSIONS[-1]})",
    )
    _require(
        header,
        "history",
        header.get("history") is True,
        "the file was exported without --history, so it holds no review history and cannot be restored: "
        "export again with --history",
    )
    filters = header.mapping("filters")
    narrowed = any(value for key, value in filters.items() if key != "include_closed")
    # Version 3 says whether it held the claims closed in triage; older ones were made before there were any.
    closed_left_out = version >= 3 and not (
        filters.get("include_closed") or filters.get("status") or filters.get("claims")
    )
    backup = Backup(
        exported_at=header.moment("exported_at"),
        filters_described=header.text("filters_described"),
        filtered=narrowed or closed_left_out,
        version=version,
        closed_left_out=closed_left_out,
    )
    texts = _read_documents(header.records("documents", label=True), backup)
    claims = header.records("claims", label=True)
    _read_claims(claims, texts, _Links.of(claims) if version >= 3 else None, backup)
    return backup


@dataclass
class _Texts:
    """A document's texts, by version number, to check the spans that index them."""

    document: int
    current: int
    by_version: dict[int, str]

    def place(self, version: int) -> str:
        """Return how a refusal names one version's text: the document alone when it has one version."""
        return f"document {self.document}" if self.current == 1 else f"version {version} of document {self.document}"


def _read_documents(records: list[_Record], backup: Backup) -> dict[int, _Texts]:
    texts: dict[int, _Texts] = {}
    seen_ids: dict = {}
    seen_hashes: dict = {}
    seen_events: dict = {}
    for record in records:
        pk = record.identity(seen_ids)
        text = record.text("text")
        content_hash = record.text("content_hash", model=SourceDocument)
        _require(record, "content_hash", content_hash == _sha256(text), "is not the SHA-256 of the document's text")
        _require_unique(record, "content_hash", content_hash, seen_hashes, "the same text")
        document = {
            "id": pk,
            "title": record.text("title", model=SourceDocument),
            "publisher": record.text("publisher", model=SourceDocument),
            "url": record.text("url", model=SourceDocument),
            "published_on": record.day("published_on", null=True),
            "file_name": record.text("file_name", model=SourceDocument),
            "text": text,
            "content_hash": content_hash,
            "loaded_at": record.moment("loaded_at"),
        }
        if backup.version == 1:
            texts[pk] = _first_version(document, backup)
        else:
            document.update(
                author=record.text("author", model=SourceDocument),
                language=record.text("language", model=SourceDocument),
                origin=record.choice("origin", Origin, "document origin"),
                version=record.number("version", minimum=1),
                revision=record.number("revision", minimum=1),
                updated_at=record.moment("updated_at"),
            )
            texts[pk] = _read_versions(record, document, backup)
            backup.document_events += [
                _document_event(event, document, seen_events) for event in record.records("history")
            ]
        backup.documents.append(document)
    return texts


def _first_version(document: dict, backup: Backup) -> _Texts:
    """Give a document of a version 1 backup what migration 0011 gave the documents stored before it."""
    document.update(author="", language="", origin=Origin.FILE, version=1, revision=1, updated_at=document["loaded_at"])
    backup.versions.append(
        {
            "document": document["id"],
            "number": 1,
            "text": document["text"],
            "content_hash": document["content_hash"],
            "html": "",
            "url": document["url"],
            "created_at": document["loaded_at"],
        }
    )
    backup.document_events.append(
        {
            "document": document["id"],
            "actor": None,
            "action": DocumentAction.LOADED,
            "version": 1,
            "details": {},
            "created_at": document["loaded_at"],
        }
    )
    return _Texts(document["id"], 1, {1: document["text"]})


def _read_versions(record: _Record, document: dict, backup: Backup) -> _Texts:
    current = document["version"]
    texts = _Texts(document["id"], current, {})
    seen_numbers: dict = {}
    for version in record.records("versions"):
        number = version.number("number", minimum=1)
        _require(version, "number", number <= current, f"{number} is after the document's current version {current}")
        _require_unique(version, "number", number, seen_numbers, f"version {number}")
        if number == current:
            _require(
                version,
                "text",
                version.get("text") is None,
                "expected null: the current version's text is the document's own",
            )
            text = document["text"]
        else:
            text = version.text("text")
        content_hash = version.text("content_hash", model=DocumentVersion)
        _require(version, "content_hash", content_hash == _sha256(text), "is not the SHA-256 of the version's text")
        backup.versions.append(
            {
                "document": document["id"],
                "number": number,
                "text": text,
                "content_hash": content_hash,
                "html": version.text("html"),
                "url": version.text("url", model=DocumentVersion),
                "created_at": version.moment("created_at"),
            }
        )
        texts.by_version[number] = text
    _require(record, "versions", current in texts.by_version, f"version {current}, the current one, is missing")
    return texts


def _document_event(record: _Record, document: dict, seen: dict) -> dict:
    event = {
        "id": record.identity(seen, key="id"),
        "document": document["id"],
        "actor": record.username("actor", null=True),
        "action": record.choice("action", DocumentAction, "document action"),
        "version": record.number("version", minimum=1),
        "details": record.mapping("details"),
        "created_at": record.moment("created_at"),
    }
    current = document["version"]
    _require(
        record,
        "version",
        event["version"] <= current,
        f"{event['version']} is after the document's current version {current}",
    )
    return event


class _Links:
    """The claims of a file and how triage linked them, read ahead of the checks (leniently: they say what is wrong).

    An occurrence of a claim may read the text of a claim merged into it or split into it (the whole
    sentence, when a part's share could not be told), and so on through every merge and split.
    """

    def __init__(self):
        self.texts: dict[int, str] = {}
        self.merged_from: dict[int, list[int]] = {}
        self.split_into: dict[int, list[int]] = {}  # part -> the claims split into it

    @classmethod
    def of(cls, records: list[_Record]) -> _Links:
        links = cls()
        for record in records:
            pk, text = record.get("id"), record.get("text")
            if not _is_id(pk):
                continue
            if isinstance(text, str):
                links.texts[pk] = text
            if _is_id(survivor := record.get("merged_into")):
                links.merged_from.setdefault(survivor, []).append(pk)
            if _is_id(origin := record.get("split_from")):
                links.split_into.setdefault(pk, []).append(origin)
            history = record.get("history")
            for event in history if isinstance(history, list) else ():
                details = event.get("details") if isinstance(event, dict) else None
                if not (event.get("action") == Action.SPLIT and isinstance(details, dict)):
                    continue
                parts = details.get("parts")
                for part in parts if isinstance(parts, list) else ():
                    if isinstance(part, dict) and _is_id(part.get("claim_id")):
                        links.split_into.setdefault(part["claim_id"], []).append(pk)
        return links

    def readable(self, claim_id: int) -> set[str]:
        """Return the texts an occurrence of the claim ``claim_id`` may read."""
        # Both ways, every step: a part of a claim that took in merged claims holds their sentences too
        # (whole, as its share of them cannot be told), and so does a part of a part.
        related, todo = {claim_id}, [claim_id]
        while todo:
            pk = todo.pop()
            for other in (*self.merged_from.get(pk, ()), *self.split_into.get(pk, ())):
                if other not in related:
                    related.add(other)
                    todo.append(other)
        return {self.texts[pk] for pk in related if pk in self.texts}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_claims(records: list[_Record], texts: dict[int, _Texts], links: _Links | None, backup: Backup) -> None:
    seen_ids: dict = {}
    seen_hashes: dict = {}
    seen_evidence: dict = {}
    seen_events: dict = {}
    positions: dict = {}
    for record in records:
        pk = record.identity(seen_ids)
        text = record.text("text", blank=False)
        text_hash = record.text("text_hash", model=Claim)
        _require(record, "text_hash", text_hash == _sha256(text), "is not the SHA-256 of the claim's text")
        _require_unique(record, "text_hash", text_hash, seen_hashes, "the same text")
        status = record.choice("status", ClaimStatus, "status")
        verdict = record.choice("verdict", Verdict, "verdict", blank=True)
        _require(
            record,
            "verdict",
            bool(verdict) or status not in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED),
            f"a claim that is {status} needs one",
        )
        claim = {
            "id": pk,
            "text": text,
            "text_hash": text_hash,
            "status": status,
            "verdict": verdict,
            "note": record.text("note"),
            "version": record.number("version", minimum=1),
            "assignee": record.username("assignee", null=True),
            "submitted_by": record.username("submitted_by", null=True),
            "approved_by": record.username("approved_by", null=True),
            "approved_at": record.moment("approved_at", null=True),
            "published_at": record.moment("published_at", null=True),
            "published_verdict": record.choice("published_verdict", Verdict, "verdict", blank=True),
            "published_note": record.text("published_note"),
            "created_at": record.moment("created_at"),
            "updated_at": record.moment("updated_at"),
            "source_changed_at": record.moment("source_changed_at", null=True) if backup.version > 1 else None,
        }
        if "speaker" in record.content:  # older backups lack the signals: the restore computes them
            claim["speaker"] = record.text("speaker", model=Claim)
            claim["has_number"] = record.flag("has_number")
            claim["has_quote"] = record.flag("has_quote")
        if links is not None:
            claim.update(_triage(record, pk, status, links, backup))
        else:  # made before triage: open claims as they were; the restore computes the score
            claim.update(
                wording="", published_wording="", dismissal_reason="", dismissal_note="", merged_into=None,
                split_from=None,
            )  # fmt: skip
        _require(
            record,
            "approved_at",
            claim["approved_at"] is None or (claim["published_at"] is not None and claim["approved_by"] is not None),
            "an approved claim needs published_at and approved_by too",
        )
        backup.claims.append(claim)
        for occurrence in record.records("occurrences"):
            backup.occurrences.append(_occurrence(occurrence, claim, texts, positions, links, backup))
        for evidence in record.records("evidence"):
            backup.evidence.append(_evidence(evidence, pk, texts, seen_evidence))
        corrections = record.records("corrections")
        correction_rows = [_correction(correction, pk, backup.version) for correction in corrections]
        events = [_event(event, pk, seen_events) for event in record.records("history")]
        backup.events += events
        _link_corrections(corrections, correction_rows, events)
        backup.corrections += correction_rows


def _triage(record: _Record, pk: int, status: str, links: _Links, backup: Backup) -> dict:
    """Return the triage fields of a claim of a version 3 file, checked as the database holds them."""
    score = record.score("checkworthiness")
    reason = record.choice("dismissal_reason", DismissalReason, "dismissal reason", blank=True)
    _require(record, "dismissal_reason", bool(reason) or status != ClaimStatus.DISMISSED, "a dismissed claim needs one")
    merged_into = _claim_link(record, "merged_into", pk, links, backup)
    _require(
        record,
        "merged_into",
        (merged_into is not None) == (status == ClaimStatus.MERGED),
        "a merged claim needs one" if status == ClaimStatus.MERGED else f"a claim that is {status} has none",
    )
    return {
        "wording": record.text("wording"),
        "published_wording": record.text("published_wording"),
        "checkworthiness": score,
        "checkworthiness_features": _features(record),
        "dismissal_reason": reason,
        "dismissal_note": record.text("dismissal_note"),
        "merged_into": merged_into,
        "split_from": _claim_link(record, "split_from", pk, links, backup),
    }


def _claim_link(record: _Record, key: str, pk: int, links: _Links, backup: Backup) -> int | None:
    other = record.number(key, minimum=1, maximum=MAX_ID, null=True)
    if other is not None:
        _require(record, key, other != pk, "is the claim itself")
        _require(record, key, other in links.texts, f"claim {other} is not among the file's claims{_left_out(backup)}")
    return other


def _left_out(backup: Backup) -> str:
    """Return why a file may lack a claim its claims refer to, and what to do."""
    if backup.closed_left_out:
        return " (the export left out the claims closed in triage: export again with --include-closed)"
    if backup.filtered:
        return " (the export was filtered: export every claim, with --include-closed)"
    return ""


def _features(record: _Record) -> list:
    """Return the check-worthiness features: ``[name, weight, words found]`` each."""
    features = record.get("checkworthiness_features", _MISSING)
    if features is _MISSING:
        raise record.error("checkworthiness_features", "missing")
    _require(
        record, "checkworthiness_features", isinstance(features, list), f"expected a list, got {_describe(features)}"
    )
    for index, feature in enumerate(features):
        _require(
            record,
            f"checkworthiness_features[{index}]",
            isinstance(feature, list)
            and len(feature) == 3
            and isinstance(feature[0], str)
            and isinstance(feature[1], int | float)
            and not isinstance(feature[1], bool)
            and isinstance(feature[2], str),
            f"expected [name, weight, words found], got {_describe(feature)}",
        )
    return features


def _occurrence(
    record: _Record, claim: dict, texts: dict[int, _Texts], positions: dict, links: _Links | None, backup: Backup
) -> dict:
    document = record.reference("document", texts)
    known = texts[document]
    version, removed_in = 1, None
    if backup.version > 1:
        version = record.number("version", minimum=1)
        _require(
            record,
            "version",
            version <= known.current,
            f"{version} is after document {document}'s current version {known.current}",
        )
        _require(
            record,
            "version",
            version in known.by_version,
            f"version {version} of document {document} is not in the file",
        )
        removed_in = record.number("removed_in", minimum=1, null=True)
        if removed_in is not None:
            _require(record, "removed_in", removed_in > version, f"{removed_in} is not after its version {version}")
            _require(
                record,
                "removed_in",
                removed_in <= known.current,
                f"{removed_in} is after document {document}'s current version {known.current}",
            )
    text, place = known.by_version[version], known.place(version)
    start, end = _span(record, text, place)
    passage = normalise_claim_text(text[start:end])
    if passage != claim["text"]:
        readable = links.readable(claim["id"]) if links is not None else set()
        others = " nor that of a claim merged or split into it" if len(readable) > 1 else ""
        _require(
            record,
            "end",
            passage in readable,
            f"{start}-{end} of {place} reads {_shorten(text[start:end])!r}, not the claim's text{others}"
            + (_left_out(backup) if links is not None else ""),
        )
    position = record.number("position")
    # The parts of a split sentence share its place (version 3); before, a place held one claim.
    place_key = (document, version, position, claim["id"]) if links is not None else (document, version, position)
    _require_unique(record, "position", place_key, positions, f"position {position} in {place}")
    return {
        "claim": claim["id"],
        "document": document,
        "start": start,
        "end": end,
        "position": position,
        "version": version,
        "removed_in": removed_in,
    }


def _evidence(record: _Record, claim_id: int, texts: dict[int, _Texts], seen: dict) -> dict:
    pk = record.identity(seen, key="id")
    stance = record.choice("stance", Stance, "stance")
    url = record.text("url", model=Evidence)
    _require(record, "url", not url or url.startswith(("http://", "https://")), "is not an http:// or https:// address")
    document = record.reference("document", texts, null=True)
    if document is None:
        _require(record, "url", bool(url), "evidence needs a web address or a passage of a document")
        for key in ("start", "end"):
            _require(record, key, record.get(key) is None, "is given without a document")
        start = end = None
    else:
        # A passage indexes the text the document had when it was cited, which a later version may have cut short.
        known = texts[document]
        longest = max(known.by_version.values(), key=len)
        start, end = _span(record, longest, f"document {document}", "its longest version" if known.current > 1 else "")
    return {
        "id": pk,
        "claim": claim_id,
        "url": url,
        "document": document,
        "start": start,
        "end": end,
        "title": record.text("title", model=Evidence),
        "excerpt": record.text("excerpt"),
        "stance": stance,
        "added_by": record.username("added_by"),
        "added_at": record.moment("added_at"),
    }


def _correction(record: _Record, claim_id: int, file_version: int) -> dict:
    return {
        "claim": claim_id,
        "created_at": record.moment("date"),
        "old_verdict": record.choice("old_verdict", Verdict, "verdict"),
        "new_verdict": record.choice("new_verdict", Verdict, "verdict"),
        "old_note": record.text("old_note"),
        "new_note": record.text("new_note"),
        "old_wording": record.text("old_wording") if file_version >= 3 else "",
        "new_wording": record.text("new_wording") if file_version >= 3 else "",
        "note": record.text("note", blank=False),
        "approved_by": record.username("approved_by"),
    }


def _event(record: _Record, claim_id: int, seen: dict) -> dict:
    return {
        "id": record.identity(seen, key="id"),
        "claim": claim_id,
        "action": record.choice("action", Action, "review action"),
        "actor": record.username("actor", null=True),
        "status_before": record.choice("status_before", ClaimStatus, "status", blank=True),
        "status_after": record.choice("status_after", ClaimStatus, "status"),
        "verdict_before": record.choice("verdict_before", Verdict, "verdict", blank=True),
        "verdict_after": record.choice("verdict_after", Verdict, "verdict", blank=True),
        "comment": record.text("comment"),
        "details": record.mapping("details"),
        "claim_version": record.number("claim_version"),
        "created_at": record.moment("created_at"),
    }


def _link_corrections(records: list[_Record], corrections: list[dict], events: list[dict]) -> None:
    """Give each correction the approval that made it: at its date, holding its note."""
    taken = set()
    for record, correction in zip(records, corrections, strict=True):
        event = next(
            (
                event
                for event in events
                if event["id"] not in taken
                and event["action"] == Action.APPROVED
                and event["created_at"] == correction["created_at"]
                and event["details"].get("correction") == correction["note"]
            ),
            None,
        )
        if event is None:
            raise record.error(None, "no approval in the claim's history made this correction")
        taken.add(event["id"])
        correction["event"] = event["id"]


def _span(record: _Record, text: str, place: str, which: str = "") -> tuple[int, int]:
    start, end = record.number("start"), record.number("end")
    _require(
        record,
        "end",
        start < end <= len(text),
        f"{start}-{end} is not a passage of {place} ({which or 'its text'} is {len(text)} characters)",
    )
    return start, end


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _require(record: _Record, key: str | None, check: bool, problem: str) -> None:
    if not check:
        raise record.error(key, problem)


def _require_unique(record: _Record, key: str, value, seen: dict, what: str | None = None) -> None:
    if value in seen:
        raise record.error(key, f"{what or _describe(value)} is used twice (first by {seen[value]})")
    seen[value] = " ".join(part for part in (record.label, record.path) if part)


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(_shorten(value))
    return repr(value)


_MISSING = object()


class _Record:
    """One JSON object of the file, named in every refusal by where it is ("claims[3] (id 7)")."""

    def __init__(self, content, label: str, path: str = ""):
        self.label, self.path = label, path
        if not isinstance(content, dict):
            raise self.error(None, f"expected an object, got {_describe(content)}")
        self.content = content

    def where(self, key: str | None = None) -> str:
        path = ".".join(part for part in (self.path, key) if part)
        return f"{self.label}: {path}" if path else self.label

    def error(self, key: str | None, problem: str) -> RestoreError:
        return RestoreError(f"{self.where(key)}: {problem}")

    def get(self, key: str, default=None):
        return self.content.get(key, default)

    def _value(self, key: str, null: bool):
        value = self.content.get(key, _MISSING)
        if value is _MISSING:
            raise self.error(key, "missing")
        if value is None and not null:
            raise self.error(key, "expected a value, got null")
        return value

    def _expected(self, key: str, what: str, value) -> RestoreError:
        return self.error(key, f"expected {what}, got {_describe(value)}")

    def text(self, key: str, *, blank: bool = True, model=None) -> str:
        value = self._value(key, null=False)
        if not isinstance(value, str):
            raise self._expected(key, "text", value)
        if not blank and not value.strip():
            raise self.error(key, "is empty")
        limit = model._meta.get_field(key).max_length if model else None
        if limit and len(value) > limit:
            raise self.error(key, f"is too long ({len(value)} characters; at most {limit})")
        return value

    def flag(self, key: str) -> bool:
        value = self._value(key, null=False)
        if not isinstance(value, bool):
            raise self._expected(key, "true or false", value)
        return value

    @overload
    def number(self, key: str, *, minimum: int = 0, maximum: int = MAX_NUMBER, null: Literal[False] = False) -> int: ...
    @overload
    def number(self, key: str, *, minimum: int = 0, maximum: int = MAX_NUMBER, null: bool) -> int | None: ...

    def number(self, key: str, *, minimum: int = 0, maximum: int = MAX_NUMBER, null: bool = False) -> int | None:
        value = self._value(key, null)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._expected(key, "a whole number", value)
        if not minimum <= value <= maximum:
            raise self.error(key, f"{value} is out of range ({minimum} to {maximum})")
        return value

    def score(self, key: str) -> float:
        value = self._value(key, null=False)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self._expected(key, "a score from 0 to 1", value)
        return float(value)

    def identity(self, seen: dict, key: str = "id") -> int:
        pk = self.number(key, minimum=1, maximum=MAX_ID)
        _require_unique(self, key, pk, seen, f"id {pk}")
        return pk

    @overload
    def reference(self, key: str, documents: dict, *, null: Literal[False] = False) -> int: ...
    @overload
    def reference(self, key: str, documents: dict, *, null: bool) -> int | None: ...

    def reference(self, key: str, documents: dict, *, null: bool = False) -> int | None:
        pk = self.number(key, minimum=1, maximum=MAX_ID, null=null)
        if pk is not None and pk not in documents:
            raise self.error(key, f"document {pk} is not among the file's documents")
        return pk

    def choice(self, key: str, choices, noun: str, *, blank: bool = False) -> str:
        value = self._value(key, null=False)
        if not (value in choices.values or (blank and value == "")):
            raise self.error(key, f"{_describe(value)} is not a {noun}")
        return value

    def username(self, key: str, *, null: bool = False) -> str | None:
        value = self._value(key, null)
        if value is None:
            return None
        user_model = get_user_model()
        name_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
        assert isinstance(name_field, CharField)  # a user model's username is text
        limit = name_field.max_length or 150
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise self._expected(key, f"a username (at most {limit} characters)", value)
        return value

    @overload
    def moment(self, key: str, *, null: Literal[False] = False) -> datetime.datetime: ...
    @overload
    def moment(self, key: str, *, null: bool) -> datetime.datetime | None: ...

    def moment(self, key: str, *, null: bool = False) -> datetime.datetime | None:
        parsed = self._parsed(key, null, parse_datetime, "a date-time with its time zone (ISO 8601)")
        if parsed is not None and parsed.tzinfo is None:
            raise self._expected(key, "a date-time with its time zone (ISO 8601)", self._value(key, null))
        return parsed

    def day(self, key: str, *, null: bool = False) -> datetime.date | None:
        return self._parsed(key, null, parse_date, "a date (YYYY-MM-DD)")

    def _parsed(self, key: str, null: bool, parse, expected: str):
        value = self._value(key, null)
        if value is None:
            return None
        try:
            parsed = parse(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise self._expected(key, expected, value)
        return parsed

    def mapping(self, key: str) -> dict:
        value = self._value(key, null=False)
        if not isinstance(value, dict):
            raise self._expected(key, "an object", value)
        return value

    def records(self, key: str, *, label: bool = False) -> list[_Record]:
        """Return the objects of the list under ``key``: labelled on their own when ``label``."""
        value = self._value(key, null=False)
        if not isinstance(value, list):
            raise self._expected(key, "a list", value)
        found = []
        for index, item in enumerate(value):
            if label:
                pk = item.get("id") if isinstance(item, dict) else None
                known = isinstance(pk, int) and not isinstance(pk, bool)
                found.append(_Record(item, f"{key}[{index}]" + (f" (id {pk})" if known else "")))
            else:
                found.append(_Record(item, self.label, ".".join(p for p in (self.path, f"{key}[{index}]") if p)))
        return found


__all__ = ["Backup", "RestoreError", "parse_backup", "read_backup"]
