"""Actions on a document itself: its metadata, edited by editors, each edit in its history."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from .. import roles
from ..models import DocumentAction, DocumentEvent, SourceDocument
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .intake import MAX_FIELD, checked_address

EDITABLE = ("title", "publisher", "author", "url", "published_on", "language")

MSG_DOCUMENT_NOT_FOUND = "Document {id} does not exist."
MSG_NOT_EDITOR = "Only editors and reviewers can edit a document's details."
MSG_STALE = (
    "This document was changed since you loaded it (you had revision {expected}, it is now at revision "
    "{current}). Reload it to see the change, then try again."
)
MSG_BAD_REVISION = "{value!r} is not a document revision: expected a whole number."
MSG_NO_CHANGE = "Nothing to change: give at least one of " + ", ".join(EDITABLE) + "."
MSG_TITLE_REQUIRED = "A document needs a title."
MSG_BAD_DATE = "{value!r} is not a date: use YYYY-MM-DD."
MSG_TOO_LONG = "The {field} is too long ({length} characters; at most {limit})."


@transaction.atomic
def document_edit(*, document_id: int, actor, expected_revision: int | None = None, **changes) -> SourceDocument:
    """Change the document's metadata (``EDITABLE``); the history keeps what each field was."""
    if not roles.is_editor(actor):
        raise Forbidden(MSG_NOT_EDITOR)
    try:
        document = SourceDocument.objects.select_for_update().get(pk=document_id)
    except (SourceDocument.DoesNotExist, ValueError, TypeError):
        raise NotFound(MSG_DOCUMENT_NOT_FOUND.format(id=document_id)) from None
    if expected_revision is not None:
        try:
            expected = int(expected_revision)
        except (TypeError, ValueError):
            raise InvalidInput(MSG_BAD_REVISION.format(value=expected_revision), field="revision") from None
        if expected != document.revision:
            raise Conflict(MSG_STALE.format(expected=expected, current=document.revision))
    values = {name: _clean(name, value) for name, value in changes.items() if name in EDITABLE}
    if set(changes) - set(EDITABLE) or not values:
        raise InvalidInput(MSG_NO_CHANGE)
    changed = {name: value for name, value in values.items() if getattr(document, name) != value}
    if not changed:
        return document
    before = {name: _shown(getattr(document, name)) for name in changed}
    for name, value in changed.items():
        setattr(document, name, value)
    document.revision += 1
    document.updated_at = timezone.now()
    document.save(update_fields=[*changed, "revision", "updated_at"])
    details = {name: [before[name], _shown(value)] for name, value in changed.items()}
    DocumentEvent.objects.create(
        document=document, actor=actor, action=DocumentAction.EDITED, version=document.version, details=details,
        created_at=document.updated_at,
    )  # fmt: skip
    return document


def _clean(name: str, value):
    """Return the value of ``name`` as the document stores it, refusing what it cannot hold."""
    if name == "published_on":
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(MSG_BAD_DATE.format(value=value), field=name) from None
    text = str(value or "").strip()
    if name == "url":
        return checked_address(text, field="url") if text else ""
    if name == "title" and not text:
        raise InvalidInput(MSG_TITLE_REQUIRED, field="title")
    if len(text) > MAX_FIELD[name]:
        raise InvalidInput(MSG_TOO_LONG.format(field=name, length=len(text), limit=MAX_FIELD[name]), field=name)
    return text


def _shown(value) -> str:
    return "" if value is None else str(value)
