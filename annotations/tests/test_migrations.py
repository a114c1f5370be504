"""Data migrations, run on the current models (which hold the same fields the migration sees)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from annotations.ingest.signals import claim_signals
from annotations.models import Claim
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("annotations.migrations.0008_claim_signals_backfill")

QUOTED = "The mayor said the river was 'a disgrace' after the survey."
PLAIN = "The river runs past the old harbour wall."


def test_the_backfill_follows_the_schema_that_adds_the_signals():
    migration = MigrationLoader(connection).get_migration("annotations", "0008_claim_signals_backfill")
    assert migration.dependencies == [("annotations", "0007_claim_signals_and_suggestions")]
    assert [operation.code for operation in migration.operations] == [backfill.backfill_signals]


def test_the_backfill_computes_the_signals_of_stored_claims_batch_by_batch(documents, load_document, monkeypatch):
    load_document(f"{QUOTED} {PLAIN}", "More", [QUOTED, PLAIN])
    # As the claims were before 0008: the columns at their defaults.
    Claim.objects.update(has_number=False, has_quote=False, speaker="")
    before = dict(Claim.objects.values_list("id", "version"))
    updated = dict(Claim.objects.values_list("id", "updated_at"))
    monkeypatch.setattr(backfill, "BATCH_SIZE", 2)  # five claims: three batches

    backfill.backfill_signals(apps, SimpleNamespace(connection=connection))

    rows = Claim.objects.values_list("text", "has_number", "has_quote", "speaker")
    stored = {text: (has_number, has_quote, speaker) for text, has_number, has_quote, speaker in rows}
    assert stored == {
        text: (signals.has_number, signals.has_quote, signals.speaker)
        for text in [CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT, QUOTED, PLAIN]
        for signals in [claim_signals(text)]
    }
    assert stored[QUOTED] == (False, True, "the mayor") and stored[PLAIN] == (False, False, "")
    # Derived data, not an editor's change: no version bump, no new update time.
    assert dict(Claim.objects.values_list("id", "version")) == before
    assert dict(Claim.objects.values_list("id", "updated_at")) == updated


def test_the_backfill_of_an_empty_table_does_nothing(db):
    backfill.backfill_signals(apps, SimpleNamespace(connection=connection))
    assert not Claim.objects.exists()
