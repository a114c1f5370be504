"""Triage (``workflow.triage``): dismiss and restore, the checked wording, merge, split.

Each action's success is checked with the claims it changed (fields, status, version) and the one
chained event each of them got; each refusal with the database exactly as before. The sentences
of merged and split claims in later loads and versions are ``test_parts``.
"""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from annotations import history, workflow
from annotations.ingest.signals import claim_signals
from annotations.models import (
    Action,
    Claim,
    ClaimOccurrence,
    Correction,
    Evidence,
    ReviewEvent,
    Suggestion,
)
from annotations.tests.conftest import CLAIM_TEXT, REPORT_TEXT
from annotations.workflow import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound, rules, triage

from .conftest import (
    APPROVED,
    DISMISSED,
    IN_PROGRESS,
    IN_REVIEW,
    MERGED,
    PARTS,
    PENDING,
    RETURNED,
    SPLIT,
    event_fields,
    second_claim,
)

pytestmark = pytest.mark.django_db

MINISTRY_TEXT = "The ministry said the river was cleaner than in 2010. Its own survey found 90 tonnes."
MINISTRY_CLAIMS = ["The ministry said the river was cleaner than in 2010.", "Its own survey found 90 tonnes."]


def chain_intact():
    """Assert that every claim's history chain verifies and leads to the claim as it stands."""
    assert [str(found) for found in history.verify()] == []


def everything():
    """Return every row an action could write: claims, occurrences, evidence, suggestions, history."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Claim, ClaimOccurrence, Evidence, Suggestion, ReviewEvent, Correction)
    }


@contextmanager
def refused_all(error, message):
    """Assert that the block raises ``error`` with ``message`` and leaves every table as it was."""
    before = everything()
    with pytest.raises(error) as raised:
        yield raised
    assert str(raised.value) == message
    assert everything() == before


def new_events(before_ids):
    return list(ReviewEvent.objects.exclude(id__in=before_ids).order_by("id"))


def event_ids():
    return set(ReviewEvent.objects.values_list("id", flat=True))


@pytest.fixture
def ministry(load_document, documents):
    """A third document, cited as evidence by the claims of the other two."""
    return load_document(MINISTRY_TEXT, "Ministry statement", MINISTRY_CLAIMS).document


def take(claim, editor):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    return claim


# --- Dismiss ------------------------------------------------------------------------------------


def test_dismissing_a_pending_claim_closes_it_with_its_reason(claim, editor):
    before = event_ids()
    workflow.claim_dismiss(
        claim_id=claim.pk, actor=editor, reason="opinion", note="  A column.  ", expected_version=claim.version
    )
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason, claim.dismissal_note, claim.assignee, claim.version) == (
        DISMISSED, "opinion", "A column.", None, 2,
    )  # fmt: skip
    (event,) = new_events(before)
    assert event_fields(event) == {
        "action": Action.DISMISSED, "actor": editor, "status_before": PENDING, "status_after": DISMISSED,
        "verdict_before": "", "verdict_after": "", "comment": "A column.", "claim_version": 2,
    }  # fmt: skip
    assert event.details == {"reason": "opinion", "assignee_before": None}
    chain_intact()


def test_the_assignee_may_dismiss_their_returned_claim_which_loses_its_assignee(claim, advance, editor):
    claim = advance(claim, RETURNED)
    assert (claim.assignee, claim.submitted_by) == (editor, editor)
    before = event_ids()
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="out_of_scope")
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.submitted_by, claim.verdict) == (DISMISSED, None, None, "verified")
    (event,) = new_events(before)
    assert (event.status_before, event.verdict_after, event.comment) == (RETURNED, "verified", "")
    assert event.details == {"reason": "out_of_scope", "assignee_before": "editor1"}
    chain_intact()


def test_a_reviewer_holds_the_editors_rights_and_may_dismiss(claim, reviewer):
    # roles.is_editor: reviewers may do an editor's work, triage included.
    workflow.claim_dismiss(claim_id=claim.pk, actor=reviewer, reason="furniture")
    claim.refresh_from_db()
    assert claim.status == DISMISSED
    assert claim.events.last().actor == reviewer


@pytest.mark.parametrize("role", ["outsider", "no_role_staff"])
def test_a_user_without_a_role_cannot_dismiss(claim, cast, refused, role):
    with refused(claim, Forbidden, rules.MSG_NOT_EDITOR.format(what="dismiss claims")):
        workflow.claim_dismiss(claim_id=claim.pk, actor=getattr(cast, role), reason="opinion")


def test_another_editors_claim_in_progress_cannot_be_dismissed(claim, editor, editor2, refused):
    take(claim, editor)
    message = rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor1", what="dismiss claims")
    with refused(claim, Forbidden, message):
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor2, reason="opinion")


@pytest.mark.parametrize("status, shown", [(IN_REVIEW, "in review"), (APPROVED, "approved")])
def test_a_claim_under_review_or_approved_cannot_be_dismissed(claim, advance, editor, refused, status, shown):
    claim = advance(claim, status)
    message = f"Cannot dismiss a claim that is {shown}: reopen it first."
    with refused(claim, InvalidTransition, message):
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="opinion")


@pytest.mark.parametrize("reason", ["boring", "", "Opinion"])
def test_an_unknown_dismissal_reason_is_refused(claim, editor, refused, reason):
    with refused(claim, InvalidInput, triage.MSG_BAD_REASON.format(value=reason)) as raised:
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason=reason)
    assert raised.value.field == "reason"


def test_a_dismissal_note_too_long_is_refused(claim, editor, refused):
    note = "x" * (workflow.MAX_NOTE + 1)
    message = workflow.MSG_TOO_LONG.format(what="note", length=len(note), limit=workflow.MAX_NOTE)
    with refused(claim, InvalidInput, message):
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="opinion", note=note)


# --- Restore ------------------------------------------------------------------------------------


def test_restoring_a_dismissed_claim_brings_it_back_pending(claim, editor, editor2):
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="duplicate", note="See claim 9.")
    claim.refresh_from_db()
    before = event_ids()
    workflow.claim_restore(claim_id=claim.pk, actor=editor2, expected_version=claim.version)
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason, claim.dismissal_note, claim.version) == (PENDING, "", "", 3)
    (event,) = new_events(before)
    assert event_fields(event) == {
        "action": Action.RESTORED, "actor": editor2, "status_before": DISMISSED, "status_after": PENDING,
        "verdict_before": "", "verdict_after": "", "comment": "", "claim_version": 3,
    }  # fmt: skip
    assert event.details == {"reason_before": "duplicate", "note_before": "See claim 9."}
    chain_intact()
    # Back in the queue: it can be taken again.
    workflow.claim_assign(claim_id=claim.pk, actor=editor)


@pytest.mark.parametrize("status", [PENDING, IN_PROGRESS, APPROVED])
def test_only_a_dismissed_claim_can_be_restored(claim, advance, editor, refused, status):
    claim = advance(claim, status)
    shown = claim.get_status_display().lower()
    with refused(claim, InvalidTransition, f"Cannot restore a claim that is {shown}."):
        workflow.claim_restore(claim_id=claim.pk, actor=editor)


def test_a_user_without_a_role_cannot_restore(claim, editor, outsider, refused):
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="opinion")
    with refused(claim, Forbidden, rules.MSG_NOT_EDITOR.format(what="restore claims")):
        workflow.claim_restore(claim_id=claim.pk, actor=outsider)


# --- Wording ------------------------------------------------------------------------------------

WORDING = "The Mekong carries 300 tonnes of plastic to the sea every year, the report says."


def test_the_wording_is_set_spaces_collapsed_and_the_text_kept(claim, editor):
    before = event_ids()
    workflow.claim_set_wording(
        claim_id=claim.pk, actor=editor, wording="  The Mekong carries 300 tonnes of plastic to the sea every\n year,"
        "   the report says. ", expected_version=1,
    )  # fmt: skip
    claim.refresh_from_db()
    assert (claim.wording, claim.text, claim.checked_text, claim.status, claim.version) == (
        WORDING, CLAIM_TEXT, WORDING, PENDING, 2,
    )  # fmt: skip
    (event,) = new_events(before)
    assert event_fields(event) == {
        "action": Action.WORDING_SET, "actor": editor, "status_before": PENDING, "status_after": PENDING,
        "verdict_before": "", "verdict_after": "", "comment": "", "claim_version": 2,
    }  # fmt: skip
    assert event.details == {"wording_before": "", "wording_after": WORDING}
    assert claim.occurrences.get().start == 0  # where it appears is unchanged
    chain_intact()


@pytest.mark.parametrize("back", ["", "   ", CLAIM_TEXT])
def test_an_empty_wording_or_the_text_itself_goes_back_to_the_text(claim, editor, back):
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=back)
    claim.refresh_from_db()
    assert (claim.wording, claim.checked_text) == ("", CLAIM_TEXT)
    assert claim.events.last().details == {"wording_before": WORDING, "wording_after": ""}


@pytest.mark.parametrize("again", [WORDING, f" {WORDING}  ", None])
def test_an_unchanged_wording_is_refused(claim, editor, refused, again):
    if again is None:  # no wording yet, and the text given: nothing changes
        again = CLAIM_TEXT
    else:
        workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    with refused(claim, InvalidInput, triage.MSG_WORDING_SAME) as raised:
        workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=again)
    assert raised.value.field == "wording"


def test_the_assignee_rewording_a_returned_claim_takes_it_back_in_progress(claim, advance, editor):
    claim = advance(claim, RETURNED)
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    claim.refresh_from_db()
    assert (claim.status, claim.wording) == (IN_PROGRESS, WORDING)


@pytest.mark.parametrize("status, shown", [(IN_REVIEW, "in review"), (APPROVED, "approved")])
def test_a_claim_under_review_or_approved_cannot_be_reworded(claim, advance, editor, refused, status, shown):
    claim = advance(claim, status)
    with refused(claim, InvalidTransition, f"Cannot edit the wording of a claim that is {shown}: reopen it first."):
        workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)


def test_another_editors_claim_cannot_be_reworded(claim, editor, editor2, refused):
    take(claim, editor)
    message = rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor1", what="edit a claim's wording")
    with refused(claim, Forbidden, message):
        workflow.claim_set_wording(claim_id=claim.pk, actor=editor2, wording=WORDING)


def test_a_user_without_a_role_cannot_reword(claim, outsider, refused):
    with refused(claim, Forbidden, rules.MSG_NOT_EDITOR.format(what="edit a claim's wording")):
        workflow.claim_set_wording(claim_id=claim.pk, actor=outsider, wording=WORDING)


def test_a_wording_too_long_is_refused(claim, editor, refused):
    wording = "w" * (triage.MAX_WORDING + 1)
    message = workflow.MSG_TOO_LONG.format(what="wording", length=len(wording), limit=triage.MAX_WORDING)
    with refused(claim, InvalidInput, message):
        workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=wording)


def test_a_wording_before_the_first_publication_is_no_correction(claim, editor, reviewer):
    take(claim, editor)
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="No source answered.")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    with pytest.raises(InvalidInput, match="Nothing to correct"):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer, correction="Reworded.")
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    claim.refresh_from_db()
    assert (claim.status, claim.published_wording) == (APPROVED, WORDING)
    assert not Correction.objects.exists()


def test_a_wording_changed_after_publication_is_a_correction_with_its_note(claim, advance, editor, reviewer, reviewer2):
    claim = advance(claim, APPROVED)
    assert claim.published_wording == ""
    workflow.claim_reopen(claim_id=claim.pk, actor=reviewer, reason="The claim names the wrong river.")
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    message = workflow.MSG_CORRECTION_REQUIRED.format(old="verified", new="verified")
    with pytest.raises(InvalidInput) as raised:
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    assert (str(raised.value), raised.value.field) == (message, "correction")
    claim.refresh_from_db()
    assert claim.status == IN_REVIEW and not Correction.objects.exists()

    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2, correction="The claim now names the river.")
    claim.refresh_from_db()
    assert (claim.status, claim.published_wording) == (APPROVED, WORDING)
    correction = Correction.objects.get(claim=claim)
    assert (correction.old_wording, correction.new_wording, correction.note) == (
        "", WORDING, "The claim now names the river.",
    )  # fmt: skip
    assert (correction.old_verdict, correction.new_verdict) == ("verified", "verified")
    assert correction.event == claim.events.last()
    chain_intact()


# --- Merge --------------------------------------------------------------------------------------


@pytest.fixture
def three(claim, second, survey_claim, ministry, editor):
    """The claim and two others, all taken by the editor, with evidence that partly repeats itself.

    claim: a web source A. second: A again, and a passage P of the ministry's statement. survey:
    the same passage P (with another address) and a web source B.
    """
    for each in (claim, second, survey_claim):
        take(each, editor)

    def add(on, **source):
        return workflow.evidence_add(claim_id=on.pk, actor=editor, stance="supports", **source)

    passage = {"document": ministry.pk, "start": 0, "end": 10}
    items = {
        "A": add(claim, url="https://example.org/a"),
        "A again": add(second, url="https://example.org/a", title="A, again"),
        "P": add(second, **passage),
        "P again": add(survey_claim, url="https://example.org/c", **passage),
        "B": add(survey_claim, url="https://example.org/b"),
    }
    for each in (claim, second, survey_claim):
        each.refresh_from_db()
    return claim, second, survey_claim, items


def test_merging_moves_occurrences_and_evidence_and_closes_the_others(three, documents, editor):
    claim, second, survey_claim, items = three
    versions = {each.pk: each.version for each in three[:3]}
    before = event_ids()
    survivor = workflow.claims_merge(
        claim_id=claim.pk, actor=editor, claims=[second.pk, str(survey_claim.pk)], expected_version=claim.version
    )
    assert survivor.pk == claim.pk
    for each in (claim, second, survey_claim):
        each.refresh_from_db()
    # The claim that stays: its status, everyone's sentences, the evidence once each.
    assert (claim.status, claim.version, claim.assignee, claim.merged_into) == (
        IN_PROGRESS, versions[claim.pk] + 1, editor, None,
    )  # fmt: skip
    places = set(ClaimOccurrence.objects.filter(claim=claim).values_list("document_id", "position"))
    assert places == {(documents.report.pk, 0), (documents.report.pk, 1), (documents.survey.pk, 0)}
    assert not ClaimOccurrence.objects.filter(claim__in=[second, survey_claim]).exists()
    kept = {items[name].pk for name in ("A", "P", "B")}
    assert set(Evidence.objects.filter(claim=claim).values_list("pk", flat=True)) == kept
    assert not Evidence.objects.filter(pk__in=[items["A again"].pk, items["P again"].pk]).exists()
    # The others: closed, pointing at it, unassigned.
    for other in (second, survey_claim):
        assert (other.status, other.merged_into, other.assignee, other.version) == (
            MERGED, claim, None, versions[other.pk] + 1,
        )  # fmt: skip
    # Exactly one event per claim changed.
    events = new_events(before)
    assert sorted((event.claim_id, event.action) for event in events) == sorted([
        (claim.pk, Action.MERGED_FROM), (second.pk, Action.MERGED_INTO), (survey_claim.pk, Action.MERGED_INTO),
    ])  # fmt: skip
    by_claim = {event.claim_id: event for event in events}
    assert event_fields(by_claim[claim.pk]) == {
        "action": Action.MERGED_FROM, "actor": editor, "status_before": IN_PROGRESS, "status_after": IN_PROGRESS,
        "verdict_before": "", "verdict_after": "", "comment": "", "claim_version": claim.version,
    }  # fmt: skip
    details = by_claim[claim.pk].details
    assert (details["claims"], details["occurrences_moved"], details["evidence_moved"]) == (
        [second.pk, survey_claim.pk], 2, [items["P"].pk, items["B"].pk],
    )  # fmt: skip
    collapsed = {(row["evidence_id"], row["claim_id"], row["kept"]) for row in details["evidence_collapsed"]}
    assert collapsed == {
        (items["A again"].pk, second.pk, items["A"].pk),  # the same web address
        (items["P again"].pk, survey_claim.pk, items["P"].pk),  # the same passage, another address
    }
    # The history keeps all of a collapsed item, as it does a removed one.
    again = next(row for row in details["evidence_collapsed"] if row["evidence_id"] == items["A again"].pk)
    assert (again["url"], again["title"], again["stance"]) == ("https://example.org/a", "A, again", "supports")
    for other in (second, survey_claim):
        assert event_fields(by_claim[other.pk]) == {
            "action": Action.MERGED_INTO, "actor": editor, "status_before": IN_PROGRESS, "status_after": MERGED,
            "verdict_before": "", "verdict_after": "", "comment": "", "claim_version": other.version,
        }  # fmt: skip
        assert by_claim[other.pk].details == {"merged_into": claim.pk, "claims": [claim.pk, second.pk, survey_claim.pk]}
    chain_intact()


def test_merging_claims_with_the_same_verdict_keeps_it(claim, second, advance, editor):
    advance(claim, IN_PROGRESS)
    advance(second, IN_PROGRESS)  # verified too, with the same source
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    claim.refresh_from_db()
    assert (claim.verdict, claim.evidence.count()) == ("verified", 1)
    chain_intact()


def test_a_ruled_claim_may_take_in_unruled_ones(claim, second, advance, editor):
    advance(claim, IN_PROGRESS)
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (MERGED, claim.pk)


def test_an_approved_claim_takes_in_a_duplicate_whose_evidence_it_already_has(claim, second, advance, editor):
    claim = advance(claim, APPROVED)
    advance(second, IN_PROGRESS)
    before = event_ids()
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk], expected_version=claim.version)
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.evidence.count()) == (APPROVED, "verified", 1)
    survivor_event = next(event for event in new_events(before) if event.claim_id == claim.pk)
    assert (survivor_event.status_before, survivor_event.status_after) == (APPROVED, APPROVED)
    assert survivor_event.details["evidence_moved"] == []
    assert len(survivor_event.details["evidence_collapsed"]) == 1
    chain_intact()


def test_ids_may_be_given_as_text_separated_by_commas_or_spaces(claim, second, survey_claim, editor):
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=f"{second.pk}, {survey_claim.pk} {second.pk}")
    assert set(Claim.objects.filter(merged_into=claim).values_list("pk", flat=True)) == {second.pk, survey_claim.pk}


def _suggest(claim, document, start, end, score, passage_claim=None):
    return Suggestion.objects.create(
        claim=claim, document=document, start=start, end=end, score=score, stance="supports",
        passage_claim=passage_claim,
    )  # fmt: skip


def test_merging_moves_suggestions_once_each_drops_the_groups_own_and_relinks_passages(
    claim, second, survey_claim, ministry, documents, editor
):
    outsider_claim = Claim.objects.get(text=MINISTRY_CLAIMS[1])
    own = _suggest(claim, ministry, 0, 10, 0.5)
    _suggest(second, ministry, 0, 10, 0.9)  # the same passage as the claim's own: dropped
    best = _suggest(second, ministry, 20, 30, 0.8)
    _suggest(survey_claim, ministry, 20, 30, 0.6)  # the same passage again, a lower score: dropped
    _suggest(survey_claim, documents.report, 0, 20, 0.7, passage_claim=claim)  # a passage of the group itself
    _suggest(claim, documents.report, 21, 40, 0.7, passage_claim=second)  # likewise
    relinked = _suggest(outsider_claim, documents.report, 21, 40, 0.4, passage_claim=second)

    before = event_ids()
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk, survey_claim.pk])
    rows = set(Suggestion.objects.filter(claim=claim).values_list("pk", "document_id", "start", "end"))
    assert rows == {(own.pk, ministry.pk, 0, 10), (best.pk, ministry.pk, 20, 30)}
    assert not Suggestion.objects.filter(claim__in=[second, survey_claim]).exists()
    relinked.refresh_from_db()
    assert (relinked.claim_id, relinked.passage_claim_id) == (outsider_claim.pk, claim.pk)
    survivor_event = next(event for event in new_events(before) if event.claim_id == claim.pk)
    assert survivor_event.details["suggestions_moved"] == 1


# Refusals: nothing written, anywhere.


def test_merging_into_itself_is_refused(claim, second, editor):
    with refused_all(InvalidInput, triage.MSG_MERGE_ITSELF):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk, claim.pk])
    with refused_all(InvalidInput, triage.MSG_MERGE_ITSELF):
        workflow.claims_merge(claim_id=str(claim.pk), actor=editor, claims=[str(claim.pk)])


def test_merging_unknown_claims_is_refused(claim, second, editor):
    with refused_all(NotFound, workflow.MSG_CLAIM_NOT_FOUND.format(id=987654)):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk, 987654])
    with refused_all(NotFound, workflow.MSG_CLAIM_NOT_FOUND.format(id=987654)):
        workflow.claims_merge(claim_id=987654, actor=editor, claims=[second.pk])


@pytest.mark.parametrize(
    "value",
    ["١٢", "１", "²", "abc", "0", "-3", "1.5", "", str(2**63), "1e3"],
    ids=["arabic-indic", "full-width", "superscript", "word", "zero", "negative", "decimal", "empty", "too-big", "exp"],
)
def test_what_is_not_an_ascii_claim_id_is_refused(claim, second, editor, value):
    with refused_all(InvalidInput, triage.MSG_MERGE_BAD_ID.format(value=value)) as raised:
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk, value])
    assert raised.value.field == "claims"


def test_merging_nothing_or_too_many_is_refused(claim, editor):
    with refused_all(InvalidInput, triage.MSG_MERGE_NONE):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[])
    many = list(range(claim.pk + 1, claim.pk + 2 + triage.MAX_MERGE))
    with refused_all(InvalidInput, triage.MSG_MERGE_TOO_MANY.format(limit=triage.MAX_MERGE, count=len(many))):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=many)


def test_claims_with_different_verdicts_are_not_merged(claim, second, advance, editor):
    advance(claim, IN_PROGRESS)  # verified
    take(second, editor)
    workflow.claim_set_verdict(claim_id=second.pk, actor=editor, verdict="disputed")
    message = triage.MSG_MERGE_VERDICTS_DIFFER.format(verdicts="disputed, verified")
    with refused_all(InvalidInput, message):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])


def test_a_ruled_claim_is_not_merged_into_an_unruled_one(claim, second, advance, editor):
    advance(second, IN_PROGRESS)
    message = triage.MSG_MERGE_INTO_UNRULED.format(other=second.pk, verdict="verified", survivor=claim.pk)
    with refused_all(InvalidInput, message):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])


def test_an_approved_claim_does_not_take_in_new_evidence(claim, second, advance, editor):
    claim = advance(claim, APPROVED)
    advance(second, IN_PROGRESS)
    workflow.evidence_add(claim_id=second.pk, actor=editor, stance="supports", url="https://example.org/new")
    message = triage.MSG_MERGE_FROZEN_EVIDENCE.format(survivor=claim.pk, other=second.pk)
    with refused_all(InvalidInput, message):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])


@pytest.mark.parametrize("status, shown", [(IN_REVIEW, "in review"), (APPROVED, "approved")])
def test_a_claim_under_review_or_approved_is_not_merged_away(claim, second, advance, editor, status, shown):
    advance(second, status)
    message = f"Claim {second.pk}: Cannot merge a claim that is {shown}: reopen it first."
    with refused_all(InvalidTransition, message):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])


def test_a_claim_under_review_takes_nothing_in(claim, second, advance, editor):
    advance(claim, IN_REVIEW)
    with refused_all(InvalidTransition, "Cannot merge claims into a claim that is in review."):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])


@pytest.mark.parametrize("closed", [DISMISSED, MERGED])
def test_a_closed_claim_is_not_merged(claim, second, survey_claim, editor, closed):
    if closed == DISMISSED:
        workflow.claim_dismiss(claim_id=second.pk, actor=editor, reason="opinion")
    else:
        workflow.claims_merge(claim_id=survey_claim.pk, actor=editor, claims=[second.pk])
    message = f"Claim {second.pk}: Cannot merge a claim that is {closed}."
    with refused_all(InvalidTransition, message):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])


def test_another_editors_claim_in_progress_is_not_merged_either_way(claim, second, editor, editor2):
    take(second, editor2)
    message = rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor2", what="merge claims")
    with refused_all(Forbidden, f"Claim {second.pk}: {message}"):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    with refused_all(Forbidden, message):
        workflow.claims_merge(claim_id=second.pk, actor=editor, claims=[claim.pk])


@pytest.mark.parametrize("role", ["outsider", "no_role_staff"])
def test_a_user_without_a_role_cannot_merge(claim, second, cast, role):
    with refused_all(Forbidden, rules.MSG_NOT_EDITOR.format(what="merge claims")):
        workflow.claims_merge(claim_id=claim.pk, actor=getattr(cast, role), claims=[second.pk])


def test_a_merge_based_on_a_stale_version_is_refused(claim, second, editor):
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    with refused_all(Conflict, workflow.MSG_STALE.format(expected=1, current=2)):
        workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk], expected_version=1)


def test_two_parts_of_one_split_sentence_are_not_merged(claim, editor, documents):
    first, rest = workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)
    message = triage.MSG_MERGE_SAME_SENTENCE.format(first=first.pk, second=rest.pk, document=documents.report.pk)
    with refused_all(InvalidInput, message):
        workflow.claims_merge(claim_id=first.pk, actor=editor, claims=[rest.pk])


# --- Split --------------------------------------------------------------------------------------


def test_splitting_makes_a_claim_of_each_part_over_its_share_of_every_sentence(claim, documents, editor):
    before = event_ids()
    parts = workflow.claim_split(claim_id=claim.pk, actor=editor, parts="\n".join(PARTS) + "\n\n", expected_version=1)
    claim.refresh_from_db()
    assert [part.text for part in parts] == PARTS
    assert (claim.status, claim.version, claim.assignee) == (SPLIT, 2, None)
    for part in parts:
        part.refresh_from_db()
        signals = claim_signals(part.text)
        assert (part.status, part.version, part.split_from, part.verdict) == (PENDING, 1, claim, "")
        assert (part.has_number, part.checkworthiness) == (signals.has_number, signals.checkworthiness)
        (occurrence,) = part.occurrences.all()
        assert (occurrence.document, occurrence.position, occurrence.version) == (documents.report, 0, 1)
        assert REPORT_TEXT[occurrence.start : occurrence.end] == part.text
    # The claim keeps its own occurrence: the sentence as a whole.
    assert list(claim.occurrences.values_list("start", "end")) == [(0, len(CLAIM_TEXT))]
    events = new_events(before)
    assert sorted((event.claim_id, event.action) for event in events) == sorted(
        [(parts[0].pk, Action.CREATED), (parts[1].pk, Action.CREATED), (claim.pk, Action.SPLIT)]
    )
    split_event = next(event for event in events if event.action == Action.SPLIT)
    assert event_fields(split_event) == {
        "action": Action.SPLIT, "actor": editor, "status_before": PENDING, "status_after": SPLIT,
        "verdict_before": "", "verdict_after": "", "comment": "", "claim_version": 2,
    }  # fmt: skip
    end_first = len(PARTS[0])
    assert split_event.details == {
        "parts": [
            {"claim_id": parts[0].pk, "start": 0, "end": end_first},
            {"claim_id": parts[1].pk, "start": end_first + 1, "end": len(CLAIM_TEXT)},
        ]
    }
    for created in (event for event in events if event.action == Action.CREATED):
        assert (created.actor, created.details, created.claim_version) == (editor, {"split_from": claim.pk}, 1)
    chain_intact()


def test_the_assignee_may_split_the_claim_they_took_before_ruling_it(claim, editor):
    take(claim, editor)
    workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == (SPLIT, None)
    chain_intact()


def test_a_part_that_is_a_claim_already_is_that_claim(claim, load_document, documents, editor):
    known = load_document(f"{PARTS[0]}, officials said.", "Elsewhere", [PARTS[0]]).document
    existing = Claim.objects.get(text=PARTS[0])
    before = event_ids()
    first, rest = workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)
    assert first.pk == existing.pk
    existing.refresh_from_db()
    assert (existing.split_from, existing.version, existing.status) == (None, 1, PENDING)
    assert rest.split_from_id == claim.pk
    places = set(existing.occurrences.values_list("document_id", "position", "start", "end"))
    assert places == {(known.pk, 0, 0, len(PARTS[0])), (documents.report.pk, 0, 0, len(PARTS[0]))}
    # Only the new part and the split claim get an event.
    assert sorted(event.claim_id for event in new_events(before)) == sorted([rest.pk, claim.pk])
    chain_intact()


def test_a_part_whose_claim_was_merged_is_the_claim_it_was_merged_into(claim, load_document, survey_claim, editor):
    load_document(f"{PARTS[0]}, officials said.", "Elsewhere", [PARTS[0]])
    merged = Claim.objects.get(text=PARTS[0])
    load_document(f"{PARTS[1]} Or so it seems.", "Third", [PARTS[1]])
    middle = Claim.objects.get(text=PARTS[1])
    # merged -> middle -> survey: the part follows both merges.
    workflow.claims_merge(claim_id=middle.pk, actor=editor, claims=[merged.pk])
    workflow.claims_merge(claim_id=survey_claim.pk, actor=editor, claims=[middle.pk])
    with refused_all(InvalidInput, triage.MSG_SPLIT_SAME_CLAIM.format(first=1, second=2, id=survey_claim.pk)):
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)
    first, _ = workflow.claim_split(claim_id=claim.pk, actor=editor, parts=[PARTS[0], "every year."])
    assert first.pk == survey_claim.pk
    assert survey_claim.occurrences.filter(document__title="River report", position=0).exists()
    assert not merged.occurrences.exists() and not middle.occurrences.exists()
    chain_intact()


def test_a_part_merged_into_the_claim_itself_is_refused(claim, load_document, editor):
    load_document(f"{PARTS[0]}, officials said.", "Elsewhere", [PARTS[0]])
    merged = Claim.objects.get(text=PARTS[0])
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[merged.pk])
    with refused_all(InvalidInput, triage.MSG_SPLIT_PART_IS_CLAIM.format(number=1)):
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)


def test_a_part_that_was_split_itself_is_refused(claim, load_document, editor):
    text = f"{PARTS[0]} and more."
    load_document(f"{text} Then nothing.", "Elsewhere", [text])
    other = Claim.objects.get(text=text)
    workflow.claim_split(claim_id=other.pk, actor=editor, parts=[PARTS[0], "and more."])
    # PARTS[0] is a claim now (a part of the other); a claim of the other's whole text is split.
    whole = f"The report: {text}"
    load_document(f"{whole} The end.", "Fourth", [whole])
    target = Claim.objects.get(text=whole)
    with refused_all(InvalidInput, triage.MSG_SPLIT_PART_SPLIT.format(number=2, id=other.pk)):
        workflow.claim_split(claim_id=target.pk, actor=editor, parts=["The report:", text])


@pytest.mark.parametrize(
    "parts, message",
    [
        (["The river carries", "plastic to the ocean"], triage.MSG_SPLIT_NOT_FOUND.format(
            number=2, part="plastic to the ocean", after=" after part 1")),
        (["every year", "The river carries"], triage.MSG_SPLIT_NOT_FOUND.format(
            number=2, part="The river carries", after=" after part 1")),
        (["The lake carries", "every year."], triage.MSG_SPLIT_NOT_FOUND.format(
            number=1, part="The lake carries", after="")),
        ([CLAIM_TEXT, "every year."], triage.MSG_SPLIT_WHOLE.format(number=1)),
        (["  The river   carries 300 tonnes  ", " to the sea every year.", CLAIM_TEXT],
         triage.MSG_SPLIT_WHOLE.format(number=3)),
        (["The river", "every year.", "The river"], triage.MSG_SPLIT_SAME.format(first=1, second=3)),
        ([PARTS[0]], triage.MSG_SPLIT_FEW),
        ([PARTS[0], "  ", ""], triage.MSG_SPLIT_FEW),
        ([], triage.MSG_SPLIT_FEW),
        ("", triage.MSG_SPLIT_FEW),
        (["The"] + ["river"] * 10, triage.MSG_SPLIT_TOO_MANY.format(limit=triage.MAX_PARTS, count=11)),
    ],
    ids=["not-in-text", "out-of-order", "first-missing", "whole", "whole-after-spaces", "duplicate", "one",
         "one-and-blanks", "none", "empty-text", "too-many"],
)  # fmt: skip
def test_parts_that_are_not_pieces_of_the_text_in_order_are_refused(claim, editor, parts, message):
    with refused_all(InvalidInput, message) as raised:
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=parts)
    assert raised.value.field == "parts"


def test_typographic_quotes_and_spaces_in_the_parts_are_normalised(claim, editor):
    parts = workflow.claim_split(
        claim_id=claim.pk,
        actor=editor,
        parts=["  The river  carries 300 tonnes of plastic", "• to the sea every year."],
    )
    assert [part.text for part in parts] == PARTS


@pytest.mark.parametrize("ruling", ["verdict", "evidence"])
def test_a_claim_with_a_verdict_or_evidence_is_not_split(claim, editor, ruling):
    take(claim, editor)
    if ruling == "verdict":
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="Asked.")
    else:
        workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="context", url="https://example.org/")
    with refused_all(InvalidInput, rules.MSG_SPLIT_RULED.format(id=claim.pk)):
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)


@pytest.mark.parametrize("status, shown", [(IN_REVIEW, "in review"), (APPROVED, "approved")])
def test_a_claim_under_review_or_approved_is_not_split(claim, advance, editor, status, shown):
    claim = advance(claim, status)
    with refused_all(InvalidTransition, f"Cannot split a claim that is {shown}: reopen it first."):
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)


def test_another_editors_claim_is_not_split(claim, editor, editor2):
    take(claim, editor)
    message = rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor1", what="split claims")
    with refused_all(Forbidden, message):
        workflow.claim_split(claim_id=claim.pk, actor=editor2, parts=PARTS)


@pytest.mark.parametrize("role", ["outsider", "no_role_staff"])
def test_a_user_without_a_role_cannot_split(claim, cast, role):
    with refused_all(Forbidden, rules.MSG_NOT_EDITOR.format(what="split claims")):
        workflow.claim_split(claim_id=claim.pk, actor=getattr(cast, role), parts=PARTS)


def test_a_split_based_on_a_stale_version_is_refused(claim, editor):
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    with refused_all(Conflict, workflow.MSG_STALE.format(expected=1, current=2)):
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS, expected_version=1)


# --- Stale versions -----------------------------------------------------------------------------


def _dismiss(claim, actor, **kwargs):
    return workflow.claim_dismiss(claim_id=claim.pk, actor=actor, reason="opinion", **kwargs)


def _restore(claim, actor, **kwargs):
    return workflow.claim_restore(claim_id=claim.pk, actor=actor, **kwargs)


def _reword(claim, actor, **kwargs):
    return workflow.claim_set_wording(claim_id=claim.pk, actor=actor, wording="Another wording.", **kwargs)


@pytest.mark.parametrize("run", [_dismiss, _restore, _reword], ids=["dismiss", "restore", "wording"])
def test_a_triage_action_based_on_a_stale_version_is_refused(claim, editor, editor2, refused, run):
    if run is _restore:
        _dismiss(claim, editor)
    claim.refresh_from_db()
    seen = claim.version
    # Meanwhile someone else changes the claim (and leaves it where the action applies).
    if run is _restore:
        _restore(claim, editor2)
        _dismiss(claim, editor2)
    else:
        workflow.claim_set_wording(claim_id=claim.pk, actor=editor2, wording=WORDING)
    claim.refresh_from_db()
    with refused(claim, Conflict, workflow.MSG_STALE.format(expected=seen, current=claim.version)):
        run(claim, editor, expected_version=seen)


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE) to contend on",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_merges_of_a_pair_in_opposite_directions_do_not_deadlock_and_one_is_refused(
    claim, editor, editor2, attempt
):
    other = second_claim()
    start = threading.Barrier(2)
    results = {}

    def merge(name, survivor, merged, actor):
        try:
            start.wait(timeout=10)
            workflow.claims_merge(claim_id=survivor.pk, actor=actor, claims=[merged.pk])
            results[name] = "ok"
        except workflow.WorkflowError as error:
            results[name] = (type(error), str(error))
        except Exception as error:  # a deadlock: reported by the assertion below
            results[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=merge, args=("into claim", claim, other, editor)),
        threading.Thread(target=merge, args=("into other", other, claim, editor2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(results) == ["into claim", "into other"]
    winner = next(name for name, result in results.items() if result == "ok")
    loser = next(name for name in results if name != winner)
    survivor, merged = (claim, other) if winner == "into claim" else (other, claim)
    assert results[loser] == (InvalidTransition, "Cannot merge claims into a claim that is merged."), results
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert (survivor.status, merged.status, merged.merged_into_id) == (PENDING, MERGED, survivor.pk)
    assert ReviewEvent.objects.filter(action__in=[Action.MERGED_FROM, Action.MERGED_INTO]).count() == 2
    chain_intact()
