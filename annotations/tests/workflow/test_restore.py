"""Restoring a checked backup (``workflow.restore``): written as it was, into an empty database only.

The backup is the hand-written one of ``conftest.valid_backup``; ``tests/commands/test_import_claims.py``
restores real exports of a database built through the workflow, through the command.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model

from annotations import workflow
from annotations.ingest.signals import claim_signals
from annotations.models import Claim, ClaimOccurrence, Correction, ReviewEvent, SourceDocument
from annotations.tests.conftest import SURVEY_CLAIM_TEXT, SURVEY_TEXT
from annotations.workflow import read_backup

from .conftest import CORRECTION, SECOND, import_file, valid_backup, write_backup

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


def test_the_workflow_refuses_too_inside_its_transaction(tmp_path, load_document):
    backup = read_backup(write_backup(tmp_path, valid_backup()))
    load_document(SURVEY_TEXT, "Plastic survey", [SURVEY_CLAIM_TEXT])
    with pytest.raises(workflow.WorkflowError, match="already holds documents, claims and review events"):
        workflow.claims_restore(backup=backup)
    assert Claim.objects.count() == 1
