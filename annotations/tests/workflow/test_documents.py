"""A document's own details: ``document_edit``, its revision, and the document's append-only history."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from annotations import workflow
from annotations.models import DocumentAction, DocumentEvent, SourceDocument
from annotations.workflow import documents as document_actions
from annotations.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(documents):
    """The river report, with some details known: publisher, author, address, date, language."""
    SourceDocument.objects.filter(pk=documents.report.pk).update(
        publisher="River Times", author="Jane Doe", url="https://rivertimes.example/report",
        published_on=datetime.date(2026, 3, 2), language="en",
    )  # fmt: skip
    return SourceDocument.objects.get(pk=documents.report.pk)


def state(document):
    """Everything an edit could change: the document's row and the whole documents' history."""
    return SourceDocument.objects.values().get(pk=document.pk), list(DocumentEvent.objects.values())


# field: (the value given, the value stored, the value the history shows)
EDITS = {
    "title": ("  River report, corrected  ", "River report, corrected", "River report, corrected"),
    "publisher": ("The River Times", "The River Times", "The River Times"),
    "author": ("John Roe", "John Roe", "John Roe"),
    "url": ("https://rivertimes.example/report-2#top", "https://rivertimes.example/report-2", None),
    "published_on": ("2026-03-03", datetime.date(2026, 3, 3), "2026-03-03"),
    "language": ("fr", "fr", "fr"),
}
BEFORE = {
    "title": "River report", "publisher": "River Times", "author": "Jane Doe",
    "url": "https://rivertimes.example/report", "published_on": "2026-03-02", "language": "en",
}  # fmt: skip


@pytest.mark.parametrize("field", EDITS)
def test_each_detail_is_edited_with_its_before_and_after_in_the_history(report, editor, field):
    given, stored, shown = EDITS[field]
    updated_before = report.updated_at

    edited = workflow.document_edit(document_id=report.pk, actor=editor, expected_revision=1, **{field: given})

    report.refresh_from_db()
    assert getattr(report, field) == stored == getattr(edited, field)
    assert (report.revision, report.version) == (2, 1)
    assert report.updated_at > updated_before
    event = DocumentEvent.objects.get(action=DocumentAction.EDITED)
    assert (event.document, event.actor, event.version, event.created_at) == (report, editor, 1, report.updated_at)
    assert event.details == {field: [BEFORE[field], shown if shown is not None else stored]}


def test_several_details_at_once_are_one_edit(report, reviewer):
    workflow.document_edit(document_id=report.pk, actor=reviewer, author="", published_on=None, language="de")

    report.refresh_from_db()
    assert (report.author, report.published_on, report.language, report.revision) == ("", None, "de", 2)
    event = DocumentEvent.objects.get(action=DocumentAction.EDITED)
    assert event.actor == reviewer
    assert event.details == {"author": ["Jane Doe", ""], "published_on": ["2026-03-02", ""], "language": ["en", "de"]}


def test_edits_in_turn_each_need_the_revision_they_saw(report, editor, editor2):
    workflow.document_edit(document_id=report.pk, actor=editor, expected_revision=1, author="John Roe")
    workflow.document_edit(document_id=report.pk, actor=editor2, expected_revision=2, author="Ann Poe")
    report.refresh_from_db()
    assert (report.author, report.revision) == ("Ann Poe", 3)
    edits = DocumentEvent.objects.filter(action=DocumentAction.EDITED).order_by("id")
    assert [(e.actor, e.details) for e in edits] == [
        (editor, {"author": ["Jane Doe", "John Roe"]}), (editor2, {"author": ["John Roe", "Ann Poe"]}),
    ]  # fmt: skip


def test_values_already_held_change_nothing(report, editor):
    before = state(report)
    edited = workflow.document_edit(
        document_id=report.pk, actor=editor, expected_revision=1, title="River report", author=" Jane Doe ",
        published_on="2026-03-02",
    )  # fmt: skip
    assert edited.revision == 1
    assert state(report) == before


def test_a_stale_revision_is_refused_and_nothing_changes(report, editor, editor2):
    workflow.document_edit(document_id=report.pk, actor=editor2, author="John Roe")
    before = state(report)

    with pytest.raises(Conflict) as refused:
        workflow.document_edit(document_id=report.pk, actor=editor, expected_revision=1, author="Ann Poe")

    assert str(refused.value) == document_actions.MSG_STALE.format(expected=1, current=2)
    assert refused.value.status == 409
    assert state(report) == before


# case: (the change, the field at fault, the message)
INVALID = {
    "empty title": ({"title": "  "}, "title", "A document needs a title."),
    "title too long": ({"title": "T" * 501}, "title", "The title is too long (501 characters; at most 500)."),
    "publisher too long": (
        {"publisher": "P" * 201},
        "publisher",
        "The publisher is too long (201 characters; at most 200).",
    ),
    "author too long": ({"author": "A" * 301}, "author", "The author is too long (301 characters; at most 300)."),
    "language too long": ({"language": "x" * 36}, "language", "The language is too long (36 characters; at most 35)."),
    "not a date": ({"published_on": "March 3"}, "published_on", "'March 3' is not a date: use YYYY-MM-DD."),
    "no such day": ({"published_on": "2026-02-30"}, "published_on", "'2026-02-30' is not a date: use YYYY-MM-DD."),
    "not an address": ({"url": "rivertimes.example/report"}, "url", None),
    "not http": ({"url": "javascript:alert(1)"}, "url", None),
    "one bad among good": ({"author": "John Roe", "title": ""}, "title", "A document needs a title."),
    "nothing given": ({}, None, document_actions.MSG_NO_CHANGE),
    "not a detail": ({"text": "Another text."}, None, document_actions.MSG_NO_CHANGE),
    "a detail and not one": ({"author": "John Roe", "version": 7}, None, document_actions.MSG_NO_CHANGE),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_values_are_refused_naming_the_field_and_nothing_changes(report, editor, case):
    changes, field, message = INVALID[case]
    before = state(report)

    with pytest.raises(InvalidInput) as refused:
        workflow.document_edit(document_id=report.pk, actor=editor, expected_revision=1, **changes)

    assert refused.value.field == field
    if message is None:  # the address checker's reason, naming the address
        assert str(refused.value).startswith(changes["url"])
    else:
        assert str(refused.value) == message
    assert state(report) == before


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_only_editors_and_reviewers_may_edit_a_document(report, cast, who):
    before = state(report)
    with pytest.raises(Forbidden) as refused:
        workflow.document_edit(document_id=report.pk, actor=getattr(cast, who), author="John Roe")
    assert str(refused.value) == document_actions.MSG_NOT_EDITOR
    assert state(report) == before


def test_an_unknown_document_is_not_found(editor):
    with pytest.raises(NotFound, match=r"^Document 999999 does not exist\.$"):
        workflow.document_edit(document_id=999999, actor=editor, author="John Roe")


# --- The documents' history is append-only ----------------------------------------------------------


@pytest.fixture
def edited(report, editor):
    workflow.document_edit(document_id=report.pk, actor=editor, author="John Roe")
    return DocumentEvent.objects.get(action=DocumentAction.EDITED)


def rows():
    return list(DocumentEvent.objects.order_by("id").values())


def test_a_document_event_cannot_be_changed_or_deleted_one_by_one(edited):
    before = rows()
    edited.details = {"author": ["Jane Doe", "Someone"]}
    with pytest.raises(PermissionError, match="append-only: events cannot be changed"):
        edited.save()
    with pytest.raises(PermissionError, match="append-only: events cannot be deleted"):
        edited.delete()
    assert rows() == before


def test_document_events_cannot_be_changed_or_deleted_in_bulk(edited):
    before = rows()
    with pytest.raises(PermissionError, match="cannot be changed"):
        DocumentEvent.objects.filter(pk=edited.pk).update(actor=None)
    with pytest.raises(PermissionError, match="cannot be deleted"):
        DocumentEvent.objects.all().delete()
    with pytest.raises(PermissionError, match="cannot be deleted"):
        edited.document.events.all().delete()
    clone = DocumentEvent(pk=edited.pk, document=edited.document, action="edited", version=1)
    with pytest.raises(PermissionError, match="cannot be changed"):
        DocumentEvent.objects.bulk_create(
            [clone], update_conflicts=True, unique_fields=["id"], update_fields=["action"]
        )
    assert rows() == before


def test_a_document_event_with_an_existing_id_is_never_written_over(edited):
    before = rows()
    clone = DocumentEvent(pk=edited.pk, document=edited.document, action="loaded", version=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        clone.save()  # an insert, never an update: the id is taken
    assert rows() == before


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: its trigger (SQLite has the model layer's refusal)"
)
@pytest.mark.parametrize(
    "statement",
    ["UPDATE annotations_documentevent SET details = '{}'", "DELETE FROM annotations_documentevent"],
)
def test_postgresql_refuses_to_change_the_documents_history_whoever_asks(edited, statement):
    before = rows()
    with (
        pytest.raises(DatabaseError, match="A document's history is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert rows() == before
