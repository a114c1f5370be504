"""The rules (``workflow.rules``): who may take each action on a claim in each status, four eyes,
and the buttons offered, which are exactly the actions the workflow accepts."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from annotations import workflow
from annotations.models import Action, Claim, ClaimStatus, Evidence, ReviewEvent
from annotations.workflow import Forbidden, InvalidInput, InvalidTransition, rules

from .conftest import (
    ACTIONS,
    ADD_EVIDENCE,
    APPROVE,
    APPROVE_COMMENT,
    APPROVED,
    ASSIGN,
    CLOSED,
    COMMENT,
    COMMENT_TEXT,
    DISMISS,
    DISMISS_NOTE,
    DISMISSED,
    IN_PROGRESS,
    IN_REVIEW,
    MERGE_FROM,
    MERGE_INTO,
    MERGED,
    NEW_VERDICT,
    PENDING,
    REMOVE_EVIDENCE,
    REOPEN,
    REOPEN_REASON,
    RESTORE,
    RETURN,
    RETURN_COMMENT,
    RETURNED,
    ROLE_SETUP,
    SET_VERDICT,
    SPLIT,
    SPLIT_UP,
    STATUS_ACTOR,
    SUBMIT,
    TRIAGE_ACTIONS,
    VERSIONED,
    WORDING,
    act,
    event_fields,
    second_claim,
)

pytestmark = pytest.mark.django_db


STATUSES = [PENDING, IN_PROGRESS, IN_REVIEW, RETURNED, APPROVED, *CLOSED]
EDITOR_ACTIONS = [SET_VERDICT, ADD_EVIDENCE, REMOVE_EVIDENCE, SUBMIT]
REVIEWER_ACTIONS = [APPROVE, RETURN, REOPEN]
ROLES = ["editor", "editor2", "reviewer", "reviewer2", "admin", "outsider"]

COMMENT_OF = {
    APPROVE: APPROVE_COMMENT,
    RETURN: RETURN_COMMENT,
    REOPEN: REOPEN_REASON,
    COMMENT: COMMENT_TEXT,
    DISMISS: DISMISS_NOTE,
}

# What the assignee's and the reviewer's refusals say.
WHAT_EDITOR = {
    SET_VERDICT: "set the verdict",
    ADD_EVIDENCE: "add evidence",
    REMOVE_EVIDENCE: "remove evidence",
    SUBMIT: "submit the claim",
}
WHAT_REVIEWER = {APPROVE: "approve claims", RETURN: "return claims", REOPEN: "reopen claims"}
VERB = {
    ASSIGN: "assign",
    SET_VERDICT: "set the verdict of",
    ADD_EVIDENCE: "add evidence to",
    REMOVE_EVIDENCE: "remove evidence from",
    SUBMIT: "submit",
    APPROVE: "approve",
    RETURN: "return",
    REOPEN: "reopen",
    DISMISS: "dismiss",
    RESTORE: "restore",
    WORDING: "edit the wording of",
    MERGE_INTO: "merge",
    MERGE_FROM: "merge claims into",
    SPLIT_UP: "split",
}
SHOWN = {
    PENDING: "pending",
    IN_PROGRESS: "in progress",
    IN_REVIEW: "in review",
    RETURNED: "returned",
    APPROVED: "approved",
    DISMISSED: "dismissed",
    MERGED: "merged",
    SPLIT: "split",
}


def ok(status_after):
    return ("ok", status_after)


def bad_transition(action, status):
    return (
        InvalidTransition,
        workflow.MSG_BAD_TRANSITION.format(what=VERB[action], status=SHOWN[status]),
    )


def frozen(status):
    return (InvalidTransition, workflow.MSG_FROZEN.format(status=SHOWN[status]))


def triage_frozen(action, status):
    """A triage action refused on a claim under review or approved: "..., reopen it first"."""
    return (InvalidTransition, rules.MSG_TRIAGE_FROZEN.format(what=VERB[action], status=SHOWN[status]))


def about_the_claim(refusal):
    """A refusal about one claim of several (a merge's), named first; ``{claim}`` is filled in by the test."""
    error, message = refusal
    return (error, "Claim {claim}: " + message)


def table_only(refusal):
    """A move the transition table allows that the action's own rule refuses in every claim reachable there."""
    return ("table-only", *refusal)


def not_assignee(action):
    return (Forbidden, workflow.MSG_NOT_ASSIGNEE.format(what=WHAT_EDITOR[action]))


def stray_evidence(claim, user):
    """Attach evidence to a claim the workflow would not let anyone edit (to reach the guards)."""
    return Evidence.objects.create(claim=claim, url="https://example.org/stray", stance="context", added_by=user)


def assert_took(action, claim, actor, before, event, status_after):
    """Assert that ``action`` moved the claim from ``before`` to ``status_after`` and logged it."""
    claim.refresh_from_db()
    verdict_after = NEW_VERDICT if action == SET_VERDICT else before["verdict"]
    version_after = before["version"] if action == COMMENT else before["version"] + 1
    assert event_fields(event) == {
        "action": action,
        "actor": actor,
        "status_before": before["status"],
        "status_after": status_after,
        "verdict_before": before["verdict"],
        "verdict_after": verdict_after,
        "comment": COMMENT_OF.get(action, ""),
        "claim_version": version_after,
    }
    assert (claim.status, claim.verdict, claim.version) == (status_after, verdict_after, version_after)


# --- Role x action --------------------------------------------------------------------------------

ROLE_AFTER = {
    ASSIGN: IN_PROGRESS,
    SET_VERDICT: IN_PROGRESS,
    ADD_EVIDENCE: IN_PROGRESS,
    REMOVE_EVIDENCE: IN_PROGRESS,
    SUBMIT: IN_REVIEW,
    APPROVE: APPROVED,
    RETURN: RETURNED,
    REOPEN: IN_PROGRESS,
    COMMENT: IN_REVIEW,
}


def role_outcome(action, role):
    """Return None if ``role`` may take ``action`` (the editor holds the claim), else why not."""
    if action == ASSIGN:
        if role == "outsider":
            return (Forbidden, workflow.MSG_NOT_EDITOR.format(what="assign claims"))
        return None
    if action in EDITOR_ACTIONS:
        if role == "outsider":
            return (Forbidden, workflow.MSG_NOT_EDITOR.format(what=WHAT_EDITOR[action]))
        return None if role == "editor" else not_assignee(action)
    if action in REVIEWER_ACTIONS:
        if role in ("reviewer", "reviewer2", "admin"):
            return None
        return (Forbidden, workflow.MSG_NOT_REVIEWER.format(what=WHAT_REVIEWER[action]))
    if action == COMMENT:
        return (Forbidden, workflow.MSG_NO_ROLE.format(what="comment")) if role == "outsider" else None
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_x_action(claim, advance, cast, refused, one_new_event, claim_state, action, role):
    actor = getattr(cast, role)
    claim = advance(claim, ROLE_SETUP[action])
    refusal = role_outcome(action, role)
    if refusal is None:
        before = claim_state(claim)
        with one_new_event() as recorded:
            act(action, claim, actor)
        assert_took(action, claim, actor, before, recorded.event, ROLE_AFTER[action])
    else:
        with refused(claim, *refusal):
            act(action, claim, actor)


# --- Status x action ------------------------------------------------------------------------------

STATUS_OUTCOME = {
    PENDING: {
        ASSIGN: ok(IN_PROGRESS),
        # Nobody holds a pending claim, so the assignee check answers first.
        SET_VERDICT: not_assignee(SET_VERDICT),
        ADD_EVIDENCE: not_assignee(ADD_EVIDENCE),
        REMOVE_EVIDENCE: not_assignee(REMOVE_EVIDENCE),
        SUBMIT: not_assignee(SUBMIT),
        APPROVE: bad_transition(APPROVE, PENDING),
        RETURN: bad_transition(RETURN, PENDING),
        REOPEN: bad_transition(REOPEN, PENDING),
        COMMENT: ok(PENDING),
    },
    IN_PROGRESS: {
        ASSIGN: ok(IN_PROGRESS),
        SET_VERDICT: ok(IN_PROGRESS),
        ADD_EVIDENCE: ok(IN_PROGRESS),
        REMOVE_EVIDENCE: ok(IN_PROGRESS),
        SUBMIT: ok(IN_REVIEW),
        APPROVE: bad_transition(APPROVE, IN_PROGRESS),
        RETURN: bad_transition(RETURN, IN_PROGRESS),
        REOPEN: bad_transition(REOPEN, IN_PROGRESS),
        COMMENT: ok(IN_PROGRESS),
    },
    IN_REVIEW: {
        ASSIGN: bad_transition(ASSIGN, IN_REVIEW),
        SET_VERDICT: frozen(IN_REVIEW),
        ADD_EVIDENCE: frozen(IN_REVIEW),
        REMOVE_EVIDENCE: frozen(IN_REVIEW),
        SUBMIT: bad_transition(SUBMIT, IN_REVIEW),
        APPROVE: ok(APPROVED),
        RETURN: ok(RETURNED),
        REOPEN: bad_transition(REOPEN, IN_REVIEW),
        COMMENT: ok(IN_REVIEW),
    },
    RETURNED: {
        ASSIGN: ok(IN_PROGRESS),
        SET_VERDICT: ok(IN_PROGRESS),
        ADD_EVIDENCE: ok(IN_PROGRESS),
        REMOVE_EVIDENCE: ok(IN_PROGRESS),
        SUBMIT: ok(IN_REVIEW),
        APPROVE: bad_transition(APPROVE, RETURNED),
        RETURN: bad_transition(RETURN, RETURNED),
        REOPEN: bad_transition(REOPEN, RETURNED),
        COMMENT: ok(RETURNED),
    },
    APPROVED: {
        ASSIGN: bad_transition(ASSIGN, APPROVED),
        SET_VERDICT: frozen(APPROVED),
        ADD_EVIDENCE: frozen(APPROVED),
        REMOVE_EVIDENCE: frozen(APPROVED),
        SUBMIT: bad_transition(SUBMIT, APPROVED),
        APPROVE: bad_transition(APPROVE, APPROVED),
        RETURN: bad_transition(RETURN, APPROVED),
        REOPEN: ok(IN_PROGRESS),
        COMMENT: ok(APPROVED),
    },
    # Closed in triage: nobody holds the claim, and only comments are taken.
    **{
        status: {
            ASSIGN: bad_transition(ASSIGN, status),
            SET_VERDICT: not_assignee(SET_VERDICT),
            ADD_EVIDENCE: not_assignee(ADD_EVIDENCE),
            REMOVE_EVIDENCE: not_assignee(REMOVE_EVIDENCE),
            SUBMIT: not_assignee(SUBMIT),
            APPROVE: bad_transition(APPROVE, status),
            RETURN: bad_transition(RETURN, status),
            REOPEN: bad_transition(REOPEN, status),
            COMMENT: ok(status),
        }
        for status in CLOSED
    },
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_status_x_action(request, claim, bring, editor, refused, one_new_event, claim_state, status, action):
    actor = request.getfixturevalue(STATUS_ACTOR[action])
    claim = bring(claim, status)
    if status in (PENDING, *CLOSED) and action == REMOVE_EVIDENCE:
        stray_evidence(claim, editor)
    expected = STATUS_OUTCOME[status][action]
    version = claim.version if action in VERSIONED else None
    if expected[0] == "ok":
        before = claim_state(claim)
        with one_new_event() as recorded:
            act(action, claim, actor, expected_version=version)
        assert_took(action, claim, actor, before, recorded.event, expected[1])
    else:
        with refused(claim, *expected):
            act(action, claim, actor, expected_version=version)


# Triage, by the editor who holds the claim (or anyone's, when it is pending or closed). The other
# claim of a merge is the report's second claim, ruled as the claim is when the claim has a verdict.
TRIAGE_OUTCOME = {
    PENDING: {
        DISMISS: ok(DISMISSED),
        RESTORE: bad_transition(RESTORE, PENDING),
        WORDING: ok(PENDING),
        MERGE_INTO: ok(MERGED),
        MERGE_FROM: ok(PENDING),
        SPLIT_UP: ok(SPLIT),
    },
    IN_PROGRESS: {
        DISMISS: ok(DISMISSED),
        RESTORE: bad_transition(RESTORE, IN_PROGRESS),
        WORDING: ok(IN_PROGRESS),
        MERGE_INTO: ok(MERGED),
        MERGE_FROM: ok(IN_PROGRESS),
        SPLIT_UP: ok(SPLIT),  # taken, before any verdict or evidence
    },
    IN_REVIEW: {
        DISMISS: triage_frozen(DISMISS, IN_REVIEW),
        RESTORE: bad_transition(RESTORE, IN_REVIEW),
        WORDING: triage_frozen(WORDING, IN_REVIEW),
        MERGE_INTO: about_the_claim(triage_frozen(MERGE_INTO, IN_REVIEW)),
        MERGE_FROM: bad_transition(MERGE_FROM, IN_REVIEW),
        SPLIT_UP: triage_frozen(SPLIT_UP, IN_REVIEW),
    },
    RETURNED: {
        DISMISS: ok(DISMISSED),
        RESTORE: bad_transition(RESTORE, RETURNED),
        WORDING: ok(IN_PROGRESS),
        MERGE_INTO: ok(MERGED),
        MERGE_FROM: ok(RETURNED),
        # A returned claim always has a verdict (it was submitted), which a split would orphan.
        SPLIT_UP: table_only((InvalidInput, rules.MSG_SPLIT_RULED.format(id="{claim}"))),
    },
    APPROVED: {
        DISMISS: triage_frozen(DISMISS, APPROVED),
        RESTORE: bad_transition(RESTORE, APPROVED),
        WORDING: triage_frozen(WORDING, APPROVED),
        MERGE_INTO: about_the_claim(triage_frozen(MERGE_INTO, APPROVED)),
        MERGE_FROM: ok(APPROVED),  # the other claim's evidence is the same source: collapsed, nothing new
        SPLIT_UP: triage_frozen(SPLIT_UP, APPROVED),
    },
    **{
        status: {
            DISMISS: bad_transition(DISMISS, status),
            RESTORE: ok(PENDING) if status == DISMISSED else bad_transition(RESTORE, status),
            WORDING: bad_transition(WORDING, status),
            MERGE_INTO: about_the_claim(bad_transition(MERGE_INTO, status)),
            MERGE_FROM: bad_transition(MERGE_FROM, status),
            SPLIT_UP: bad_transition(SPLIT_UP, status),
        }
        for status in CLOSED
    },
}


def _triage_setup(claim, bring, editor, status, action):
    """Bring the claim (and the other claim of a merge) to where ``action`` is tried from ``status``."""
    if action == SPLIT_UP and status == IN_PROGRESS:
        workflow.claim_assign(claim_id=claim.pk, actor=editor)
        claim.refresh_from_db()
    else:
        claim = bring(claim, status)
    if action in (MERGE_INTO, MERGE_FROM) and claim.verdict:
        bring(second_claim(), IN_PROGRESS)  # the same verdict and the same web source
    return claim


@pytest.mark.parametrize("action", TRIAGE_ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_status_x_triage_action(claim, bring, editor, refused, claim_state, status, action):
    claim = _triage_setup(claim, bring, editor, status, action)
    expected = TRIAGE_OUTCOME[status][action]
    version = None if action == MERGE_INTO else claim.version
    if expected[0] == "ok":
        before = claim_state(claim)
        act(action, claim, editor, expected_version=version)
        (event,) = ReviewEvent.objects.filter(claim=claim).exclude(id__in=before["events"])
        assert_took(action, claim, editor, before, event, expected[1])
    else:
        error, message = expected[-2:]
        with refused(claim, error, message.format(claim=claim.pk)):
            act(action, claim, editor, expected_version=version)


def test_every_transition_in_the_table_is_covered_by_the_matrix():
    outcomes = [*STATUS_OUTCOME.items(), *TRIAGE_OUTCOME.items()]
    allowed = {
        (status, action)
        for status, by_action in outcomes
        for action, outcome in by_action.items()
        if outcome[0] in ("ok", "table-only")
    }
    # The loader's own event (an article changed) is no one's action: it keeps any status as it is.
    loaders = {Action.SOURCE_CHANGED}
    table = {
        (status, action) for action, moves in workflow.TRANSITIONS.items() if action not in loaders for status in moves
    }
    assert allowed == table
    for action in loaders:
        assert workflow.TRANSITIONS[action] == {status: status for status in ClaimStatus.values}
    for status, by_action in outcomes:
        for action, outcome in by_action.items():
            if outcome[0] == "ok":
                assert workflow.TRANSITIONS[action][status] == outcome[1]
    # Every status meets every action in the matrices.
    assert set(STATUS_OUTCOME) == set(TRIAGE_OUTCOME) == set(ClaimStatus.values)
    assert all(set(by_action) == set(ACTIONS) for by_action in STATUS_OUTCOME.values())
    assert all(set(by_action) == set(TRIAGE_ACTIONS) for by_action in TRIAGE_OUTCOME.values())


@pytest.mark.parametrize("action", EDITOR_ACTIONS)
def test_the_transition_table_alone_keeps_a_pending_claim_from_being_edited(claim, editor, refused, action):
    # Not reachable through the workflow (taking a claim moves it on); proves the table holds.
    Claim.objects.filter(pk=claim.pk).update(assignee=editor)
    if action == REMOVE_EVIDENCE:
        stray_evidence(claim, editor)
    with refused(claim, *bad_transition(action, PENDING)):
        act(action, claim, editor)


# --- Four eyes ------------------------------------------------------------------------------------


def test_a_reviewer_may_edit_but_not_approve_their_own_verdict(claim, advance, reviewer, reviewer2, refused):
    claim = advance(claim, IN_REVIEW, by=reviewer)
    assert (claim.assignee, claim.submitted_by) == (reviewer, reviewer)
    assert [e.actor for e in claim.events.exclude(action=Action.CREATED)] == [reviewer] * 4
    with refused(claim, Forbidden, workflow.MSG_FOUR_EYES):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    claim.refresh_from_db()
    assert claim.status == APPROVED
    assert claim.events.last().actor == reviewer2


def test_a_superuser_who_submitted_cannot_approve(claim, advance, admin_user, reviewer, refused):
    claim = advance(claim, IN_REVIEW, by=admin_user)
    assert claim.submitted_by == admin_user
    with refused(claim, Forbidden, workflow.MSG_FOUR_EYES):
        workflow.claim_approve(claim_id=claim.pk, actor=admin_user)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    claim.refresh_from_db()
    assert claim.status == APPROVED


def test_the_submitter_may_still_return_their_own_claim(claim, advance, reviewer, one_new_event):
    claim = advance(claim, IN_REVIEW, by=reviewer)
    with one_new_event() as recorded:
        workflow.claim_return(claim_id=claim.pk, actor=reviewer, comment="I spotted a mistake.")
    assert (recorded.event.action, recorded.event.status_after) == (RETURN, RETURNED)


def test_whoever_shaped_the_verdict_cannot_approve_it_even_if_someone_else_submitted(
    claim, reviewer, reviewer2, editor2, refused
):
    workflow.claim_assign(claim_id=claim.pk, actor=reviewer)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=reviewer, verdict="unverified", note="No answer yet.")
    workflow.claim_assign(claim_id=claim.pk, actor=reviewer, assignee=editor2)
    workflow.claim_submit(claim_id=claim.pk, actor=editor2)
    claim.refresh_from_db()
    assert Action.APPROVED not in workflow.allowed_actions(claim, reviewer)
    with refused(claim, Forbidden, workflow.MSG_FOUR_EYES_AUTHOR):
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    assert Action.APPROVED in workflow.allowed_actions(claim, reviewer2)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer2)
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_work_before_a_reopening_does_not_count_against_the_approver(claim, advance, editor, reviewer, reviewer2):
    advance(claim, "approved", by=reviewer, reviewed_by=reviewer2)
    workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason="New figures came out.")
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)  # reviewer's own work predates the reopening
    claim.refresh_from_db()
    assert claim.status == "approved"


# --- Buttons --------------------------------------------------------------------------------------


class _Undo(Exception):
    pass


def outcome_of(action, claim, actor):
    """Return whether ``action`` succeeds for ``actor`` now, leaving the database as it was."""
    try:
        with transaction.atomic():
            act(action, claim, actor)
            raise _Undo
    except _Undo:
        return True
    except workflow.WorkflowError:
        return False


# The states a claim page can be drawn in, each reached through the workflow (``_bring_to``).
BUTTON_STATES = {
    "pending": PENDING,
    "in_progress": IN_PROGRESS,
    "in_progress_without_verdict": IN_PROGRESS,
    "in_review": IN_REVIEW,
    "in_review_submitted_by_reviewer": IN_REVIEW,
    "returned": RETURNED,
    "approved": APPROVED,
    "dismissed": DISMISSED,
    "merged": MERGED,
    "split": SPLIT,
}
# The buttons of a claim's page: every action but being merged into another (offered on that one).
BUTTON_ACTIONS = [*ACTIONS, *(action for action in TRIAGE_ACTIONS if action != MERGE_INTO)]


def _bring_to(state, claim, bring, cast):
    if state == "in_progress_without_verdict":
        workflow.claim_assign(claim_id=claim.pk, actor=cast.editor)
        workflow.evidence_add(claim_id=claim.pk, actor=cast.editor, stance="supports", url="https://example.org/")
        claim.refresh_from_db()
        return claim
    by = cast.reviewer if state == "in_review_submitted_by_reviewer" else None
    if by:
        claim = bring(claim, BUTTON_STATES[state], by=by, reviewed_by=cast.reviewer2)
    else:
        claim = bring(claim, BUTTON_STATES[state])
    if claim.status in (PENDING, *CLOSED):  # an item for "remove evidence" to be tried on
        stray_evidence(claim, cast.editor)
    return claim


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(BUTTON_STATES))
def test_allowed_actions_match_what_the_workflow_accepts(claim, bring, cast, state, role):
    claim = _bring_to(state, claim, bring, cast)
    actor = getattr(cast, role)
    offered = set(workflow.allowed_actions(claim, actor))
    accepted = {action for action in BUTTON_ACTIONS if outcome_of(action, claim, actor)}
    assert offered == accepted


def test_the_buttons_are_the_guards_of_every_action_but_being_merged():
    assert set(rules.GUARDS) == set(BUTTON_ACTIONS)


@pytest.mark.parametrize(
    "verdict, note",
    [("verified", "Checked."), ("disputed", "Checked."), ("unverified", "")],
    ids=["verified-without-evidence", "disputed-without-evidence", "unverified-without-note"],
)
def test_submit_is_not_offered_when_submitting_would_be_refused(taken, editor, verdict, note):
    workflow.claim_set_verdict(claim_id=taken.pk, actor=editor, verdict=verdict, note=note)
    taken.refresh_from_db()
    assert not outcome_of(SUBMIT, taken, editor)
    assert SUBMIT not in workflow.allowed_actions(taken, editor)


def test_split_is_offered_until_the_claim_has_a_verdict_or_evidence(taken, editor):
    assert SPLIT_UP in workflow.allowed_actions(taken, editor)
    assert outcome_of(SPLIT_UP, taken, editor)
    workflow.evidence_add(claim_id=taken.pk, actor=editor, stance="supports", url="https://example.org/")
    taken.refresh_from_db()
    assert SPLIT_UP not in workflow.allowed_actions(taken, editor)
    assert not outcome_of(SPLIT_UP, taken, editor)
    assert str(workflow.refusals(taken, editor)[SPLIT_UP]) == rules.MSG_SPLIT_RULED.format(id=taken.pk)


@pytest.mark.parametrize("state", list(BUTTON_STATES))
def test_a_user_without_a_role_is_offered_nothing(claim, bring, cast, state):
    claim = _bring_to(state, claim, bring, cast)
    assert workflow.allowed_actions(claim, cast.outsider) == []


def test_an_anonymous_visitor_is_offered_nothing(claim):
    assert workflow.allowed_actions(claim, AnonymousUser()) == []
