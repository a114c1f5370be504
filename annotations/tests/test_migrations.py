"""Data migrations, run on the current models (which hold the same fields the migration sees)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from annotations.ingest.sentence import text_hash
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


# --- 0012: triage, and the check-worthiness score of the claims stored before --------------------

triage = importlib.import_module("annotations.migrations.0012_triage")

WORTHY = "The ministry says 32 of its nationals were killed in the strike on Tuesday."


def test_the_score_backfill_runs_after_its_columns_and_before_the_index_that_sorts_by_it():
    migration = MigrationLoader(connection).get_migration("annotations", "0012_triage")
    names = [type(operation).__name__ for operation in migration.operations]
    backfill_at = next(i for i, op in enumerate(migration.operations) if getattr(op, "code", None) is not None)
    assert migration.operations[backfill_at].code == triage.backfill_checkworthiness
    added = {op.name for op in migration.operations[:backfill_at] if type(op).__name__ == "AddField"}
    assert {"checkworthiness", "checkworthiness_features"} <= added
    assert "AddIndex" in names[backfill_at:]


def test_the_backfill_scores_stored_claims_batch_by_batch_without_touching_their_history(
    documents, load_document, monkeypatch
):
    load_document(f"{WORTHY} {PLAIN}", "More", [WORTHY, PLAIN])
    # As the claims were before 0012: the columns at their defaults.
    Claim.objects.update(checkworthiness=0.0, checkworthiness_features=[])
    before = list(Claim.objects.order_by("id").values_list("id", "version", "updated_at"))
    monkeypatch.setattr(triage, "BATCH_SIZE", 2)  # five claims: three batches

    triage.backfill_checkworthiness(apps, SimpleNamespace(connection=connection))

    texts = [CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT, WORTHY, PLAIN]
    stored = {text: (score, features) for text, score, features in Claim.objects.values_list(
        "text", "checkworthiness", "checkworthiness_features"
    )}  # fmt: skip
    expected = {
        text: (signals.checkworthiness, [list(feature) for feature in signals.features])
        for text in texts
        for signals in [claim_signals(text)]
    }
    assert stored == expected
    assert stored[WORTHY][0] > 0 and stored[WORTHY][1]  # a real score, with what made it
    assert list(Claim.objects.order_by("id").values_list("id", "version", "updated_at")) == before
    assert history_breaks() == []


def test_the_score_backfill_of_an_empty_table_does_nothing(db):
    triage.backfill_checkworthiness(apps, SimpleNamespace(connection=connection))
    assert not Claim.objects.exists()


def history_breaks():
    from annotations import history

    return [str(found) for found in history.verify()]


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_with_claims_to_0012_scores_them():
    """The migration itself, run on claims stored at 0011 (PostgreSQL: in one transaction with its DDL)."""
    from django.db.migrations.executor import MigrationExecutor

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    executor = MigrationExecutor(connection)
    executor.migrate([("annotations", "0011_intake_and_versions")])
    try:
        old_apps = executor.loader.project_state([("annotations", "0011_intake_and_versions")]).apps
        OldClaim = old_apps.get_model("annotations", "Claim")
        for text in (WORTHY, PLAIN):
            OldClaim.objects.create(text=text, text_hash=text_hash(text))
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    rows = dict(Claim.objects.values_list("text", "checkworthiness"))
    assert rows == {text: claim_signals(text).checkworthiness for text in (WORTHY, PLAIN)}
    assert rows[WORTHY] > rows[PLAIN]
