"""The review history's hash chain: written with every event, recomputed by ``history.verify``.

Edits "behind the app's back" are raw SQL: on PostgreSQL the append-only trigger refuses them, so
those tests switch triggers off for their session first, as only the database's owner could.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from annotations import history, workflow
from annotations.models import Claim, Correction, ReviewEvent
from annotations.tests.conftest import triggers_off

pytestmark = pytest.mark.django_db


def behind_the_apps_back(sql, params=()):
    """Run ``sql`` as someone with the database's owner rights would, triggers off."""
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def breaks():
    return [str(found) for found in history.verify()]


@pytest.fixture
def worked(claim, advance, reviewer):
    """The claim approved, reopened and commented: a chain of many kinds of events."""
    advance(claim, "approved")
    workflow.claim_reopen(claim_id=claim.pk, actor=reviewer, reason="New figures.")
    workflow.claim_comment(claim_id=claim.pk, actor=reviewer, comment="Ask the ministry.")
    claim.refresh_from_db()
    return claim


def test_every_event_is_chained_to_the_one_before_starting_from_the_claims_text(worked):
    events = list(ReviewEvent.objects.filter(claim=worked).order_by("id").values("id", "hash", *history.HASHED_FIELDS))
    assert [event["action"] for event in events] == [
        "created", "assigned", "verdict_set", "evidence_added", "submitted", "approved", "reopened", "commented",
    ]  # fmt: skip
    previous = worked.text_hash
    for event in events:
        assert len(event["hash"]) == 64
        assert event["hash"] == history.event_hash(previous, event)
        previous = event["hash"]
    assert len({event["hash"] for event in events}) == len(events)


def test_loaded_claims_get_their_first_link_from_the_loader(documents):
    for claim in Claim.objects.all():
        created = ReviewEvent.objects.values("hash", *history.HASHED_FIELDS).get(claim=claim)
        assert created["hash"] == history.event_hash(claim.text_hash, created)
    assert breaks() == []


def test_the_hash_covers_every_field_of_the_event():
    event = {
        "action": "commented", "actor_id": 3, "status_before": "pending", "status_after": "pending",
        "verdict_before": "", "verdict_after": "", "comment": "Fine.", "details": {"a": [1, "b"]},
        "claim_version": 2, "created_at": datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC),
    }  # fmt: skip
    digest = history.event_hash("start", event)
    assert history.event_hash("start", dict(event)) == digest  # deterministic
    assert history.event_hash("other start", event) != digest
    for name, value in [
        ("action", "returned"), ("actor_id", 4), ("actor_id", None), ("status_after", "in_review"),
        ("verdict_after", "verified"), ("comment", "Fine"), ("details", {"a": [1, "c"]}), ("claim_version", 3),
        ("created_at", event["created_at"] + datetime.timedelta(microseconds=1)),
    ]:  # fmt: skip
        assert history.event_hash("start", {**event, name: value}) != digest, name
    # The same moment in another time zone is the same event.
    paris = event["created_at"].astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert history.event_hash("start", {**event, "created_at": paris}) == digest


def test_an_intact_history_has_no_breaks_and_the_command_says_so(worked, capsys):
    assert breaks() == []
    call_command("verify_history")
    assert capsys.readouterr().out.strip() == f"The review history of all {Claim.objects.count()} claims is intact."


def test_an_edited_comment_is_found_and_the_command_fails(worked, capsys):
    event = ReviewEvent.objects.get(claim=worked, action="commented")
    behind_the_apps_back("UPDATE annotations_reviewevent SET comment = %s WHERE id = %s", ["All fine.", event.pk])
    expected = f"claim {worked.pk}, event {event.pk}: {history.MSG_CHANGED}"
    assert breaks() == [expected]
    with pytest.raises(CommandError, match=r"^The review history has 1 break\.$"):
        call_command("verify_history")
    assert capsys.readouterr().out.strip() == expected


def test_a_rewritten_verdict_is_found_where_it_was_made(worked):
    event = ReviewEvent.objects.get(claim=worked, action="verdict_set")
    behind_the_apps_back("UPDATE annotations_reviewevent SET verdict_after = 'disputed' WHERE id = %s", [event.pk])
    assert breaks() == [f"claim {worked.pk}, event {event.pk}: {history.MSG_CHANGED}"]


def test_a_removed_event_breaks_the_chain_at_the_next_one(worked):
    events = list(ReviewEvent.objects.filter(claim=worked).order_by("id"))
    behind_the_apps_back("DELETE FROM annotations_reviewevent WHERE id = %s", [events[2].pk])
    assert breaks() == [f"claim {worked.pk}, event {events[3].pk}: {history.MSG_CHANGED}"]


def test_a_removed_last_event_shows_as_a_claim_its_history_does_not_lead_to(worked):
    last = ReviewEvent.objects.filter(claim=worked, action="reopened").get()
    behind_the_apps_back("DELETE FROM annotations_reviewevent WHERE id >= %s AND claim_id = %s", [last.pk, worked.pk])
    assert breaks() == [
        f"claim {worked.pk}: the claim is in_progress (verified) at version 7 but its last event leaves it "
        "approved (verified) at version 6: its history does not lead to it (an event was removed, or the claim "
        "changed outside the workflow)"
    ]


def test_a_claim_changed_outside_the_workflow_is_found(worked):
    behind_the_apps_back("UPDATE annotations_claim SET verdict = 'disputed' WHERE id = %s", [worked.pk])
    (found,) = breaks()
    assert found.startswith(f"claim {worked.pk}: the claim is in_progress (disputed) at version 7")


def test_a_claim_without_events_is_found(documents):
    claim = Claim.objects.order_by("id").first()
    behind_the_apps_back("DELETE FROM annotations_reviewevent WHERE claim_id = %s", [claim.pk])
    assert breaks() == [f"claim {claim.pk}: {history.MSG_NO_HISTORY}"]


def test_an_event_moved_to_another_claim_breaks_both_chains(worked, documents):
    other = Claim.objects.exclude(pk=worked.pk).order_by("id").first()
    comment = ReviewEvent.objects.get(claim=worked, action="commented")
    behind_the_apps_back("UPDATE annotations_reviewevent SET claim_id = %s WHERE id = %s", [other.pk, comment.pk])
    found = breaks()
    assert f"claim {other.pk}, event {comment.pk}: {history.MSG_CHANGED}" in found
    assert len(found) == 2  # the other claim's history also no longer leads to it


def test_many_breaks_are_counted_and_the_first_fifty_listed(documents, capsys, monkeypatch):
    from annotations.management.commands import verify_history

    monkeypatch.setattr(verify_history, "MAX_LISTED", 1)
    behind_the_apps_back("UPDATE annotations_reviewevent SET comment = 'x'")
    claims = Claim.objects.count()
    with pytest.raises(CommandError, match=rf"^The review history has {claims} breaks \(the first 1 listed\)\.$"):
        call_command("verify_history")
    assert len(capsys.readouterr().out.strip().splitlines()) == 1


def test_verify_reads_in_batches_with_a_fixed_number_of_queries(documents, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(history, "BATCH", 1)
    claims = Claim.objects.count()
    assert claims >= 3
    with django_assert_num_queries(2 * claims + 1):  # claims and their events per batch, then the empty batch
        assert breaks() == []


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: its trigger (SQLite has the model layer's refusal)"
)
@pytest.mark.parametrize("model", [ReviewEvent, Correction])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET created_at = now()", "DELETE FROM {table}"])
def test_postgresql_refuses_to_change_the_history_whoever_asks(worked, advance, reviewer2, model, statement):
    if model is Correction:  # make one: approve again with another note
        workflow.claim_set_verdict(claim_id=worked.pk, actor=worked.assignee, verdict="verified", note="Other.")
        workflow.claim_submit(claim_id=worked.pk, actor=worked.assignee)
        workflow.claim_approve(claim_id=worked.pk, actor=reviewer2, correction="Note reworded.")
    rows = model.objects.count()
    assert rows
    with pytest.raises(DatabaseError, match="cannot be"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=model._meta.db_table))
    assert model.objects.count() == rows
    assert breaks() == []


def test_triage_events_are_chained_like_the_others_and_their_details_are_covered(claim, documents, editor):
    from annotations.tests.conftest import SECOND_CLAIM_TEXT

    second = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="opinion", note="A column.")
    workflow.claim_restore(claim_id=claim.pk, actor=editor)
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording="The Mekong carries 300 tonnes a year.")
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    parts = workflow.claim_split(
        claim_id=claim.pk, actor=editor, parts=["The river carries 300 tonnes of plastic", "to the sea every year."]
    )
    actions = list(ReviewEvent.objects.filter(claim=claim).order_by("id").values_list("action", flat=True))
    assert actions == ["created", "dismissed", "restored", "wording_set", "merged_from", "split"]
    assert breaks() == []
    assert all(ReviewEvent.objects.filter(claim=part, action="created").exists() for part in parts)

    merged = ReviewEvent.objects.get(claim=second, action="merged_into")
    behind_the_apps_back(
        "UPDATE annotations_reviewevent SET details = %s WHERE id = %s", ['{"merged_into": 1, "claims": []}', merged.pk]
    )
    assert breaks() == [f"claim {second.pk}, event {merged.pk}: {history.MSG_CHANGED}"]
