"""What every action shares (``workflow.core``): the claim found and locked, a stale version refused,
the change and its event in one transaction."""

import threading

import pytest
from django.db import connection

from annotations import workflow
from annotations.models import Claim, ReviewEvent
from annotations.workflow import Conflict, InvalidInput, NotFound

from .conftest import (
    ACTIONS,
    ADD_EVIDENCE,
    APPROVE,
    APPROVED,
    ASSIGN,
    IN_PROGRESS,
    IN_REVIEW,
    PENDING,
    REMOVE_EVIDENCE,
    REOPEN,
    RETURN,
    RETURNED,
    ROLE_SETUP,
    SET_VERDICT,
    STATUS_ACTOR,
    SUBMIT,
    VERSIONED,
    act,
)

pytestmark = pytest.mark.django_db


# --- Unknown claims -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != REMOVE_EVIDENCE])
@pytest.mark.parametrize("claim_id", [987654, "x"])
def test_an_action_on_an_unknown_claim_is_refused(claim, admin_user, refused, action, claim_id):
    missing = Claim(pk=claim_id)
    with refused(claim, NotFound, workflow.MSG_CLAIM_NOT_FOUND.format(id=claim_id)):
        act(action, missing, admin_user)


# --- Stale versions -------------------------------------------------------------------------------


def _others_change(action, claim, cast):
    """Make the change someone else makes after the stale caller loaded the claim."""
    if action == ASSIGN:
        workflow.claim_assign(claim_id=claim.pk, actor=cast.editor2)
    elif action in (SET_VERDICT, SUBMIT):
        workflow.claim_set_verdict(claim_id=claim.pk, actor=cast.editor, verdict="unverified", note="Other tab.")
    elif action == ADD_EVIDENCE:
        workflow.evidence_remove(claim_id=claim.pk, evidence_id=claim.evidence.get().pk, actor=cast.editor)
    elif action == REMOVE_EVIDENCE:
        workflow.evidence_add(claim_id=claim.pk, actor=cast.editor, stance="context", url="https://example.org/b")
    elif action == APPROVE:
        workflow.claim_return(claim_id=claim.pk, actor=cast.reviewer2, comment="Not yet.")
    elif action == RETURN:
        workflow.claim_approve(claim_id=claim.pk, actor=cast.reviewer2)
    elif action == REOPEN:
        workflow.claim_reopen(claim_id=claim.pk, actor=cast.reviewer2, reason="Other reason.")


def _assert_others_change_intact(action, claim, cast, evidence_before):
    claim.refresh_from_db()
    if action == ASSIGN:
        assert (claim.status, claim.assignee) == (IN_PROGRESS, cast.editor2)
    elif action in (SET_VERDICT, SUBMIT):
        assert (claim.status, claim.verdict, claim.note) == (IN_PROGRESS, "unverified", "Other tab.")
    elif action == ADD_EVIDENCE:
        assert not claim.evidence.exists()
    elif action == REMOVE_EVIDENCE:
        assert list(claim.evidence.values_list("url", flat=True)) == [
            evidence_before[0].url,
            "https://example.org/b",
        ]
    elif action == APPROVE:
        assert claim.status == RETURNED
    elif action == RETURN:
        assert claim.status == APPROVED
    elif action == REOPEN:
        assert claim.status == IN_PROGRESS
        assert claim.events.filter(action=REOPEN).get().comment == "Other reason."


STALE_SETUP = {
    ASSIGN: (PENDING, "editor"),
    SET_VERDICT: (IN_PROGRESS, "editor"),
    ADD_EVIDENCE: (IN_PROGRESS, "editor"),
    REMOVE_EVIDENCE: (IN_PROGRESS, "editor"),
    SUBMIT: (IN_PROGRESS, "editor"),
    APPROVE: (IN_REVIEW, "reviewer"),
    RETURN: (IN_REVIEW, "reviewer"),
    REOPEN: (APPROVED, "reviewer"),
}


@pytest.mark.parametrize("action", VERSIONED)
def test_a_write_based_on_a_stale_version_is_refused_and_loses_nothing(claim, advance, cast, refused, action):
    status, stale_role = STALE_SETUP[action]
    claim = advance(claim, status)
    seen = claim.version
    evidence_before = list(claim.evidence.all())
    _others_change(action, claim, cast)
    message = workflow.MSG_STALE.format(expected=seen, current=seen + 1)
    with refused(claim, Conflict, message):
        act(action, claim, getattr(cast, stale_role), expected_version=seen)
    _assert_others_change_intact(action, claim, cast, evidence_before)
    assert claim.events.filter(claim_version__gt=seen).count() == 1


@pytest.mark.parametrize("action", VERSIONED)
def test_a_version_that_is_not_a_number_is_refused(claim, advance, cast, refused, action):
    status, role = STALE_SETUP[action]
    claim = advance(claim, status)
    with refused(claim, InvalidInput, workflow.MSG_BAD_VERSION.format(value="latest")):
        act(action, claim, getattr(cast, role), expected_version="latest")


# --- One transaction ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_the_change_is_undone_when_its_event_cannot_be_written(claim, advance, cast, refused, monkeypatch, action):
    claim = advance(claim, ROLE_SETUP[action])
    actor = getattr(cast, STATUS_ACTOR[action])

    def fail(self, *args, **kwargs):
        raise RuntimeError("The history table is unavailable.")

    monkeypatch.setattr(ReviewEvent, "save", fail)
    with refused(claim, RuntimeError, "The history table is unavailable."):
        act(action, claim, actor)


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE) to contend on",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_verdicts_on_the_same_version_let_exactly_one_through(claim, editor):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    seen = claim.version
    verdicts = ["verified", "disputed", "unverified", "verified", "disputed", "unverified"]
    start = threading.Barrier(len(verdicts))
    results = [None] * len(verdicts)

    def rule(index, verdict):
        try:
            start.wait(timeout=10)
            workflow.claim_set_verdict(
                claim_id=claim.pk,
                actor=editor,
                verdict=verdict,
                note=f"Tab {index}.",
                expected_version=seen,
            )
            results[index] = "ok"
        except Conflict as error:
            results[index] = str(error)
        except Exception as error:  # reported by the assertion below
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rule, args=(i, v)) for i, v in enumerate(verdicts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    stale = workflow.MSG_STALE.format(expected=seen, current=seen + 1)
    assert results.count("ok") == 1, results
    assert sorted(r for r in results if r != "ok") == [stale] * (len(verdicts) - 1)
    winner = results.index("ok")
    claim.refresh_from_db()
    assert (claim.verdict, claim.note, claim.version) == (verdicts[winner], f"Tab {winner}.", seen + 1)
    event = claim.events.get(action=SET_VERDICT)
    assert (event.verdict_after, event.comment, event.claim_version) == (verdicts[winner], "", seen + 1)
    assert event.details["note_after"] == f"Tab {winner}."


# --- SQLite ---------------------------------------------------------------------------------------


def test_sqlite_transactions_take_the_write_lock_at_once():
    """SQLite has no row locks: IMMEDIATE transactions serialise workflow actions instead."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL locks the claim row (see the concurrency test)")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
