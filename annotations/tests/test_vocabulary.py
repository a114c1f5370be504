"""The per-value facts of statuses and verdicts: complete, and read by the rules, the exports and the pages."""

import pytest

from annotations import vocabulary, workflow
from annotations.exports import claimreview
from annotations.models import Action, ClaimStatus, Verdict
from annotations.workflow import rules


def test_every_status_and_verdict_has_its_facts():
    assert set(vocabulary.STATUSES) == set(ClaimStatus.values)
    assert set(vocabulary.VERDICTS) == set(Verdict.values)
    assert vocabulary.missing_terms() == []


def test_a_value_without_facts_is_named(monkeypatch):
    monkeypatch.delitem(vocabulary.VERDICTS, Verdict.DISPUTED)
    monkeypatch.delitem(vocabulary.STATUSES, ClaimStatus.RETURNED)
    assert vocabulary.missing_terms() == ["status 'returned'", "verdict 'disputed'"]


def test_open_statuses_are_those_the_assignee_may_still_edit():
    assert vocabulary.OPEN_STATUSES == (ClaimStatus.IN_PROGRESS, ClaimStatus.RETURNED)
    assert set(rules.TRANSITIONS[Action.VERDICT_SET]) == set(vocabulary.OPEN_STATUSES)
    frozen = {status for status, terms in vocabulary.STATUSES.items() if terms.frozen}
    assert frozen == {ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED}


def test_colours_come_from_the_vocabulary_with_one_for_no_verdict():
    assert vocabulary.verdict_colour("") == vocabulary.NO_VERDICT_COLOUR
    for verdict, terms in vocabulary.VERDICTS.items():
        assert vocabulary.verdict_colour(verdict) == terms.colour
    for status, terms in vocabulary.STATUSES.items():
        assert vocabulary.status_colour(status) == terms.colour


def test_claimreview_ratings_are_the_vocabularys():
    assert {verdict: terms.rating for verdict, terms in vocabulary.VERDICTS.items()} == claimreview.RATING
    assert (claimreview.WORST, claimreview.BEST) == (1, 3)
    assert len(set(claimreview.RATING.values())) == len(Verdict.values)  # no two verdicts rate alike


def test_refusals_name_the_values_from_the_enums():
    assert workflow.MSG_BAD_VERDICT.format(value="maybe") == (
        "Unknown verdict 'maybe': choose verified, disputed or unverified."
    )
    assert workflow.MSG_BAD_STANCE.format(value="agrees") == (
        "Unknown stance 'agrees': choose supports, refutes or context."
    )
    assert vocabulary.with_article("unverified") == "an unverified"
    assert vocabulary.with_article("disputed") == "a disputed"


@pytest.mark.parametrize("verdict", Verdict.values)
def test_what_a_verdict_needs_at_submit_is_its_vocabulary_entry(claim, editor, verdict):
    """With neither evidence nor a note, submitting is refused for exactly what the verdict needs."""
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict=verdict, note="")
    claim.refresh_from_db()
    terms = vocabulary.VERDICTS[verdict]
    refusal = rules.readiness_refusal(claim)
    if terms.needs_evidence:
        assert str(refusal).endswith("needs at least one evidence item before it is submitted.")
    elif terms.needs_note:
        assert str(refusal).endswith("needs a note saying what was tried before it is submitted.")
    else:
        assert refusal is None
    assert (refusal is None) == (not terms.needs_evidence and not terms.needs_note)


def test_closed_statuses_are_those_of_triage_and_neither_open_nor_frozen():
    assert vocabulary.CLOSED_STATUSES == (ClaimStatus.DISMISSED, ClaimStatus.MERGED, ClaimStatus.SPLIT)
    for status in vocabulary.CLOSED_STATUSES:
        terms = vocabulary.STATUSES[status]
        assert not terms.open and not terms.frozen
    # Triage closes a claim only from pending or its assignee's open work; only a dismissal is undone.
    for action in (Action.DISMISSED, Action.MERGED_INTO, Action.SPLIT):
        assert set(rules.TRANSITIONS[action]) == {ClaimStatus.PENDING, *vocabulary.OPEN_STATUSES}
        assert set(rules.TRANSITIONS[action].values()) <= set(vocabulary.CLOSED_STATUSES)
    assert rules.TRANSITIONS[Action.RESTORED] == {ClaimStatus.DISMISSED: ClaimStatus.PENDING}


def test_check_worthiness_bands_cover_every_score_once():
    scores = [index / 100 for index in range(101)]
    for score in scores:
        bands = [name for name, _label, low, high in vocabulary.CHECKWORTHINESS_BANDS if low <= score < high]
        assert len(bands) == 1, (score, bands)
    assert vocabulary.band_range("high") == (0.7, 1.01)
    assert vocabulary.band_range("extreme") is None


def test_the_dismissal_reasons_are_named_in_the_refusal():
    from annotations.workflow import triage

    assert triage.MSG_BAD_REASON.format(value="boring") == (
        "Unknown reason 'boring': choose opinion, not_factual, furniture, duplicate, out_of_scope."
    )
