"""Restoring a checked backup (``workflow.restore``): written as it was, into an empty database only.

The backups are the hand-written ones of ``conftest.valid_backup`` (format version 1) and
``test_backup.valid_backup_v2``; ``tests/commands/test_import_claims.py`` restores real exports of a database
built through the workflow, through the command.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model

from annotations import workflow
from annotations.ingest.documents import DocumentInput
from annotations.ingest.sentence import Sentence
from annotations.ingest.signals import claim_signals
from annotations.models import (
    Claim,
    ClaimOccurrence,
    Correction,
    DocumentEvent,
    DocumentVersion,
    ReviewEvent,
    SourceDocument,
)
from annotations.tests.conftest import SURVEY_CLAIM_TEXT, SURVEY_TEXT
from annotations.workflow import read_backup

from .conftest import CORRECTION, REPORT, SECOND, SURVEY, import_file, sha, valid_backup, write_backup
from .test_backup import FEATURES, FIRST_REPORT, GONE, WORDING, valid_backup_v2, valid_backup_v3

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_the_hand_written_backup_restores(tmp_path):
    import_file(tmp_path, valid_backup())

    claim = Claim.objects.get(pk=10)
    assert (claim.status, claim.verdict, claim.version, claim.approved_by.username) == (
        "approved",
        "disputed",
        9,
        "reviewer2",
    )
    assert claim.approved_at == datetime.datetime(2025, 3, 6, 9, tzinfo=UTC)
    assert list(claim.evidence.values_list("id", "stance", "document_id")) == [
        (20, "supports", None),
        (21, "refutes", 5),
    ]
    assert list(ReviewEvent.objects.filter(claim=claim).values_list("id", flat=True)) == [
        30,
        31,
        32,
        33,
        34,
        35,
        40,
        41,
        42,
        43,
        44,
    ]
    [correction] = Correction.objects.all()
    assert (correction.event_id, correction.claim_id, correction.note) == (44, 10, CORRECTION)
    assert SourceDocument.objects.get(pk=3).published_on == datetime.date(2025, 2, 27)
    assert list(ClaimOccurrence.objects.values_list("claim_id", "document_id", "position")) == [(10, 3, 0), (11, 3, 1)]
    users = get_user_model().objects.filter(username__in=["editor1", "reviewer1", "reviewer2"])
    assert users.count() == 3 and not any(user.is_active or user.has_usable_password() for user in users)


def test_a_version_1_backup_gives_each_document_its_version_1_and_a_loaded_event(tmp_path):
    import_file(tmp_path, valid_backup())
    loaded = datetime.datetime(2025, 3, 1, 9, tzinfo=UTC)
    assert list(
        SourceDocument.objects.order_by("id").values_list(
            "id", "author", "language", "origin", "version", "revision", "loaded_at", "updated_at"
        )
    ) == [(3, "", "", "file", 1, 1, loaded, loaded), (5, "", "", "file", 1, 1, loaded, loaded)]
    assert list(
        DocumentVersion.objects.order_by("document_id").values_list(
            "document_id", "number", "text", "content_hash", "html", "url", "created_at"
        )
    ) == [
        (3, 1, REPORT, sha(REPORT), "", "https://example.org/river", loaded),
        (5, 1, SURVEY, sha(SURVEY), "", "", loaded),
    ]
    assert list(
        DocumentEvent.objects.order_by("id").values_list("document_id", "actor", "action", "version", "details")
    ) == [(3, None, "loaded", 1, {}), (5, None, "loaded", 1, {})]
    assert set(ClaimOccurrence.objects.values_list("version", "removed_in")) == {(1, None)}
    assert set(Claim.objects.values_list("source_changed_at", flat=True)) == {None}


def test_a_version_2_backup_restores_versions_history_and_removed_occurrences_as_they_were(tmp_path):
    import_file(tmp_path, valid_backup_v2())

    report = SourceDocument.objects.get(pk=3)
    assert (report.text, report.version, report.revision, report.author, report.language, report.origin) == (
        REPORT, 2, 3, "Ana Ruiz", "en", "web",
    )  # fmt: skip
    assert report.updated_at == datetime.datetime(2025, 3, 8, 9, tzinfo=UTC)
    assert list(
        DocumentVersion.objects.order_by("document_id", "number").values_list(
            "document_id", "number", "text", "content_hash", "html", "url"
        )
    ) == [
        (3, 1, FIRST_REPORT, sha(FIRST_REPORT), "<p>First</p>", "https://example.org/river"),
        (3, 2, REPORT, sha(REPORT), "", "https://example.org/river?page=1"),
        (5, 1, SURVEY, sha(SURVEY), "", ""),
    ]
    events = DocumentEvent.objects.order_by("id")
    assert [(e.pk, e.document_id, e.action, e.actor and e.actor.username, e.version) for e in events] == [
        (50, 3, "loaded", None, 1), (51, 3, "versioned", "editor1", 2), (52, 3, "edited", "reviewer1", 2),
        (53, 5, "loaded", None, 1),
    ]  # fmt: skip
    assert events.get(pk=52).details == {"language": ["", "en"]}
    assert events.get(pk=52).created_at == datetime.datetime(2025, 3, 8, 9, tzinfo=UTC)
    assert list(
        ClaimOccurrence.objects.order_by("claim_id").values_list("claim_id", "position", "version", "removed_in")
    ) == [(10, 0, 2, None), (11, 1, 2, None), (12, 1, 1, 2)]
    assert Claim.objects.get(pk=10).source_changed_at == datetime.datetime(2025, 3, 7, 9, tzinfo=UTC)
    assert list(ReviewEvent.objects.filter(claim_id=12).values_list("action", flat=True)) == [
        "created",
        "source_changed",
    ]


def test_after_a_restore_new_versions_and_document_events_take_new_ids(tmp_path, editor):
    import_file(tmp_path, valid_backup_v2())
    text = f"{SURVEY} A second sentence came later."
    new = DocumentInput(text=text, title="Plastic survey", sentences=[Sentence(start=0, end=len(SURVEY), text=SURVEY)])
    workflow.document_new_version(document_id=5, new=new, actor=editor)
    workflow.document_edit(document_id=3, actor=editor, language="en-GB")
    assert DocumentVersion.objects.get(document_id=5, number=2).pk > max(
        DocumentVersion.objects.filter(document_id=3).values_list("pk", flat=True)
    )
    assert list(DocumentEvent.objects.filter(pk__gt=53).order_by("id").values_list("document_id", "action")) == [
        (5, "versioned"),
        (3, "edited"),
    ]


def test_signals_in_the_backup_are_restored_and_older_backups_get_them_computed(tmp_path):
    data = valid_backup()
    data["claims"][0].update(speaker="the river authority", has_number=False, has_quote=True)  # as the file says
    import_file(tmp_path, data)
    kept = Claim.objects.get(pk=10)
    assert (kept.speaker, kept.has_number, kept.has_quote) == ("the river authority", False, True)
    computed, expected = Claim.objects.get(pk=11), claim_signals(SECOND)  # this record has none
    assert (computed.speaker, computed.has_number, computed.has_quote) == (
        expected.speaker,
        expected.has_number,
        expected.has_quote,
    )
    assert computed.has_number  # "since 2010"


TRIAGE_FIELDS = (
    "status", "wording", "published_wording", "checkworthiness", "checkworthiness_features", "dismissal_reason",
    "dismissal_note", "merged_into_id", "split_from_id",
)  # fmt: skip


def test_a_version_3_backup_restores_each_claims_triage(tmp_path):
    import_file(tmp_path, valid_backup_v3())
    assert list(Claim.objects.order_by("id").values_list("id", *TRIAGE_FIELDS)) == [
        (10, "approved", WORDING, WORDING, 0.9, FEATURES, "", "", None, None),
        (11, "pending", "", "", 0.25, [], "", "", None, None),
        (12, "merged", "", "", 0.25, [], "", "", 11, None),
    ]
    assert list(Correction.objects.values_list("old_wording", "new_wording")) == [("", WORDING)]
    # The claim merged into the second one left it its sentence.
    second = Claim.objects.get(pk=11)
    assert list(second.occurrences.order_by("version").values_list("version", "removed_in")) == [(1, 2), (2, None)]
    assert list(Claim.objects.get(pk=12).occurrences.all()) == []
    assert list(second.merged_claims.values_list("pk", flat=True)) == [12]
    assert FIRST_REPORT[slice(*second.occurrences.values_list("start", "end").get(version=1))] == GONE


def test_a_version_2_backup_gets_each_claims_score_computed_from_its_text(tmp_path):
    import_file(tmp_path, valid_backup_v2())
    claims = list(Claim.objects.order_by("id"))
    assert [claim.pk for claim in claims] == [10, 11, 12]
    for claim in claims:
        expected = claim_signals(claim.text)
        assert (claim.checkworthiness, claim.checkworthiness_features) == (
            expected.checkworthiness,
            [list(feature) for feature in expected.features],
        )
        assert (claim.wording, claim.published_wording, claim.dismissal_reason, claim.merged_into_id) == (
            "",
            "",
            "",
            None,
        )
    assert len({claim.checkworthiness for claim in claims}) > 1  # each its own
    assert list(Correction.objects.values_list("old_wording", "new_wording")) == [("", "")]


def test_the_workflow_refuses_too_inside_its_transaction(tmp_path, load_document):
    backup = read_backup(write_backup(tmp_path, valid_backup()))
    load_document(SURVEY_TEXT, "Plastic survey", [SURVEY_CLAIM_TEXT])
    with pytest.raises(
        workflow.WorkflowError,
        match="already holds documents, document versions, document events, claims and review events",
    ):
        workflow.claims_restore(backup=backup)
    assert Claim.objects.count() == 1
