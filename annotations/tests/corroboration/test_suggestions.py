"""Suggestions: the labelled seeds, suggestions at load and rebuilt, the candidate index seam, attaching one."""

import pytest
from django.core.management import call_command

from annotations import corroboration, workflow
from annotations.corroboration import suggestions
from annotations.models import Action, Claim, ClaimOccurrence, Evidence, Stance, Suggestion, TermCount, TermPosting
from annotations.tests.conftest import document_input
from annotations.tests.corroboration.conftest import A, B
from annotations.workflow import AlreadyDone, Conflict, Forbidden, InvalidTransition, NotFound

pytestmark = pytest.mark.django_db

# --- The labelled set (the seed claims' labels are in conftest.py) ------------------------------

# The same fact, in other words: each must be suggested (recall). The first four are the issue's.
SAME_FACT = {
    ("32 killed", "32 killed"),  # the 32 Cubans killed
    ("mourning", "mourning"),  # two days of mourning
    ("dignity", "dignity"),  # duty "with dignity and heroism"
    ("protection", "request"),  # protection at Venezuela's request
    ("fierce resistance", "dignity"),  # fell after fierce resistance, in direct combat
    ("ally", "ally"),  # Cuba, an ally of Venezuela, has forces there
    ("unconfirmed", "unconfirmed"),  # Venezuela has not confirmed how many died
}
ISSUE_PAIRS = [("32 killed", "32 killed"), ("mourning", "mourning"), ("dignity", "dignity"), ("protection", "request")]
# A closely related fact, or context on it: a suggestion of one is right, but not required.
RELATED = {
    ("32 killed", "seized"), ("32 killed", "Trump: a lot killed"), ("32 killed", "mourning"), ("32 killed", "rumors"),
    ("mourning", "32 killed"), ("mourning", "dignity"), ("mourning", "names"),
    ("ally", "Rubio"), ("ally", "guards"), ("security detail", "Rubio"), ("security detail", "guards"),
    ("toll of 80", "32 killed"), ("toll of 80", "unconfirmed"), ("toll of 80", "Trump: a lot killed"),
    ("toll of 80", "Trump: no death"), ("unconfirmed", "Trump: a lot killed"), ("unconfirmed", "32 killed"),
    ("dignity", "request"),  # the same official statement, another part of it
}  # fmt: skip
# Pairs that share names or words but state different facts: none should be suggested. Every pair
# not labelled above counts against precision as well.
DIFFERENT_FACT = {
    ("protection", "flags"),  # Díaz-Canel provided protection / waved flags
    ("protection", "mourning"),  # Díaz-Canel provided protection / sent condolences
    ("protection", "seized"),  # "Maduro and his wife", protected / seized
    ("ready to fall", "Rubio"),  # Rubio on Cuba / Rubio on Cubans in Venezuela
    ("ready to fall", "Trump: a lot killed"),  # Trump on Cuba falling / on Cubans killed
    ("32 killed", "flags"),
    ("spies", "guards"),  # "spies" / "spy agency"
}
# Measured at the default threshold (docs/CORROBORATION.md): precision 11/14 = 0.79, recall 7/7.
PRECISION_FLOOR = 0.75
RECALL_FLOOR = 0.85


def suggested_pairs(seeds):
    """Return the labelled pairs (A label, B label) suggested in either direction, and the unlabelled."""
    ids_a = {seeds("A", label): label for label in A}
    ids_b = {seeds("B", label): label for label in B}
    pairs = set()
    for claim_id, passage_id in Suggestion.objects.values_list("claim_id", "passage_claim_id"):
        if claim_id in ids_a and passage_id in ids_b:
            pairs.add((ids_a[claim_id], ids_b[passage_id]))
        elif claim_id in ids_b and passage_id in ids_a:
            pairs.add((ids_a[passage_id], ids_b[claim_id]))
    return pairs


def test_every_label_names_exactly_one_seed_claim(seeds):
    assert len({seeds("A", label) for label in A}) == len(A)
    assert len({seeds("B", label) for label in B}) == len(B)
    assert Claim.objects.count() == len(A) + len(B)  # every seed claim is labelled
    assert not (SAME_FACT | RELATED) & DIFFERENT_FACT


def test_precision_and_recall_on_the_labelled_seeds_stay_above_their_floors(seeds):
    pairs = suggested_pairs(seeds)
    precision = len(pairs & (SAME_FACT | RELATED)) / len(pairs)
    recall = len(pairs & SAME_FACT) / len(SAME_FACT)
    print(f"\n{len(pairs)} pairs suggested: precision {precision:.2f}, recall {recall:.2f}")
    print("wrong:", sorted(pairs - SAME_FACT - RELATED), "missed:", sorted(SAME_FACT - pairs))
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
    assert len(pairs & DIFFERENT_FACT) <= 1


@pytest.mark.parametrize("pair", ISSUE_PAIRS, ids=[a for a, _ in ISSUE_PAIRS])
def test_the_facts_the_issue_names_are_suggested_both_ways_as_supporting(seeds, pair):
    a, b = seeds("A", pair[0]), seeds("B", pair[1])
    for claim_id, passage_id in [(a, b), (b, a)]:
        suggestion = Suggestion.objects.get(claim_id=claim_id, passage_claim_id=passage_id)
        occurrence = ClaimOccurrence.objects.get(claim_id=passage_id)
        assert (suggestion.document_id, suggestion.start, suggestion.end) == (
            occurrence.document_id, occurrence.start, occurrence.end,
        )  # fmt: skip
        assert corroboration.THRESHOLD <= suggestion.score <= 1
    assert Suggestion.objects.get(claim_id=a, passage_claim_id=b).stance == Stance.SUPPORTS


def test_suggestions_point_into_other_documents_closest_first_and_at_most_ten(seeds):
    assert Suggestion.objects.exists()
    for suggestion in Suggestion.objects.all():
        own = set(ClaimOccurrence.objects.filter(claim_id=suggestion.claim_id).values_list("document_id", flat=True))
        assert suggestion.document_id not in own
        assert suggestion.passage_claim_id != suggestion.claim_id
    for claim in Claim.objects.all():
        scores = list(Suggestion.objects.filter(claim=claim).order_by("-score").values_list("score", flat=True))
        assert len(scores) <= corroboration.MAX_SUGGESTIONS


def test_a_rebuild_gives_the_suggestions_the_load_gave(seeds):
    def rows():
        return set(Suggestion.objects.values_list("claim_id", "document_id", "start", "end", "stance", "reason"))

    loaded, counts = rows(), set(TermCount.objects.values_list("term", "claims"))
    assert corroboration.suggestions_rebuild() == len(loaded)
    assert rows() == loaded
    assert set(TermCount.objects.values_list("term", "claims")) == counts


def test_refresh_suggestions_command_rebuilds_and_says_how_many(seeds, capsys):
    Suggestion.objects.all().delete()
    TermPosting.objects.all().delete()
    call_command("refresh_suggestions")
    written = Suggestion.objects.count()
    assert written > 0 and capsys.readouterr().out == f"Wrote {written} suggestions.\n"


# --- Loading one document after another ---------------------------------------------------------

CLAIM = "The flood on Monday destroyed 240 houses in Riverton, the mayor said."
OTHER = "Rescue teams worked through the night."
LATER = "In Riverton the Monday flood destroyed 240 houses, according to officials."
UNRELATED = "The orchestra played Brahms to a full hall."


def load(*documents):
    """Load documents given as (title, sentences) pairs, one batch each, as the loader stores them."""
    for title, sentences in documents:
        results = workflow.documents_load(documents=[document_input(" ".join(sentences), title, sentences)])
        corroboration.suggestions_after_load(
            document_ids=[r.document.pk for r in results], new_claim_ids=[pk for r in results for pk in r.new_claim_ids]
        )


def claim_id(text):
    return Claim.objects.get(text=text).pk


def test_an_older_claim_gets_passages_of_a_document_loaded_later(db):
    load(("First report", [CLAIM, OTHER]), ("Unrelated", [UNRELATED]))
    assert not Suggestion.objects.exists()
    load(("Second report", [LATER, OTHER]))
    older = Suggestion.objects.get(claim_id=claim_id(CLAIM))
    newer = Suggestion.objects.get(claim_id=claim_id(LATER))
    assert (older.passage_claim_id, older.document.title) == (claim_id(LATER), "Second report")
    assert older.stance == "supports"
    assert (newer.passage_claim_id, newer.document.title) == (claim_id(CLAIM), "First report")


def test_the_same_sentence_in_two_documents_is_one_claim_not_a_suggestion(db):
    load(("First report", [CLAIM, OTHER]), ("Second report", [OTHER, LATER]))
    assert not Suggestion.objects.filter(claim_id=claim_id(OTHER)).exists()
    assert not Suggestion.objects.filter(passage_claim_id=claim_id(OTHER)).exists()


def test_a_claim_seen_again_in_a_new_document_loses_the_passages_of_that_document(db):
    load(("First report", [CLAIM]), ("Second report", [LATER]))
    assert Suggestion.objects.filter(claim_id=claim_id(CLAIM)).count() == 1
    load(("Third report", [LATER, CLAIM]))  # both claims now share a document...
    third = Claim.objects.get(text=LATER).occurrences.get(document__title="Third report").document_id
    mine = Suggestion.objects.filter(claim_id=claim_id(CLAIM))
    # ...so neither suggests the other's passage there; each keeps the other's original one.
    assert list(mine.values_list("document__title", flat=True)) == ["Second report"]
    assert not Suggestion.objects.filter(document_id=third).exists()


def test_a_figure_that_differs_is_suggested_with_the_reason(db):
    load(("First report", [CLAIM]), ("Second report", [CLAIM.replace("240", "80")]))
    suggestion = Suggestion.objects.get(claim_id=claim_id(CLAIM))
    assert suggestion.stance == Stance.REFUTES
    assert suggestion.reason == "number differs: 240 vs 80"


# --- The candidate index seam -------------------------------------------------------------------


class FakeIndex:
    """A candidate index offering each claim the passages it is told to, whatever the texts say."""

    def __init__(self, offers):
        self.offers, self.added, self.rebuilt = offers, [], 0

    def add(self, claim_ids, texts):
        self.added += claim_ids

    def rebuild(self):
        self.rebuilt += 1
        return Claim.objects.count()

    def candidates(self, claim_ids, texts):
        return {pk: self.offers.get(pk, []) for pk in claim_ids}


@pytest.fixture
def unrelated_reports(db):
    """Two documents stored without suggestions, each with one claim the other shares no word with."""
    workflow.documents_load(documents=[document_input(CLAIM, "First report", [CLAIM])])
    workflow.documents_load(documents=[document_input(UNRELATED, "Unrelated", [UNRELATED])])
    return claim_id(CLAIM), claim_id(UNRELATED)


def written():
    return set(Suggestion.objects.values_list("claim_id", "passage_claim_id", "document__title", "score", "stance"))


def test_suggestions_after_load_write_the_candidate_index_s_candidates(unrelated_reports, monkeypatch):
    claim, unrelated = unrelated_reports
    fake = FakeIndex({claim: [(unrelated, 0.9)], unrelated: [(claim, 0.42)]})
    monkeypatch.setattr(suggestions, "candidate_index", lambda: fake)

    documents = list(ClaimOccurrence.objects.values_list("document_id", flat=True))
    assert corroboration.suggestions_after_load(document_ids=documents, new_claim_ids=[unrelated, claim]) == 2
    assert fake.added == [claim, unrelated]
    assert written() == {
        (claim, unrelated, "Unrelated", 0.9, Stance.CONTEXT),  # (the passage does not give the 240)
        (unrelated, claim, "First report", 0.42, Stance.SUPPORTS),
    }
    assert not TermCount.objects.exists() and not TermPosting.objects.exists()  # the term index is not used


def test_a_rebuild_writes_the_candidate_index_s_candidates(unrelated_reports, monkeypatch):
    claim, unrelated = unrelated_reports
    fake = FakeIndex({claim: [(unrelated, 0.5)]})
    monkeypatch.setattr(suggestions, "candidate_index", lambda: fake)
    progress = []

    assert corroboration.suggestions_rebuild(progress=lambda done, total: progress.append((done, total))) == 1
    assert fake.rebuilt == 1
    assert written() == {(claim, unrelated, "Unrelated", 0.5, Stance.CONTEXT)}
    assert progress == [(2, 2)]


# --- Attaching a suggestion ---------------------------------------------------------------------


@pytest.fixture
def suggestion(seeds, editor):
    """The suggestion of the 32-killed claim (taken by the editor) pointing at the other article's."""
    claim = seeds("A", "32 killed")
    workflow.claim_assign(claim_id=claim, actor=editor)
    return Suggestion.objects.get(claim_id=claim, passage_claim_id=seeds("B", "32 killed"))


def test_attaching_makes_a_passage_evidence_item_with_its_history_event(suggestion, editor, one_new_event):
    claim = suggestion.claim
    with one_new_event() as recorded:
        evidence = workflow.suggestion_attach(
            claim_id=claim.pk, suggestion_id=suggestion.pk, actor=editor, expected_version=claim.version
        )
    document = suggestion.document
    assert (evidence.document_id, evidence.start, evidence.end) == (document.pk, suggestion.start, suggestion.end)
    assert evidence.excerpt == document.text[suggestion.start : suggestion.end]
    assert (evidence.stance, evidence.title, evidence.added_by) == ("supports", document.title, editor)
    event = recorded.event
    assert (event.action, event.actor, event.claim_version) == (Action.EVIDENCE_ADDED, editor, claim.version + 1)
    assert event.details["evidence_id"] == evidence.pk
    assert event.details["suggestion"] == {
        "suggestion_id": suggestion.pk, "score": suggestion.score, "stance": "supports",
    }  # fmt: skip


def test_attaching_with_another_stance(suggestion, editor):
    evidence = workflow.suggestion_attach(
        claim_id=suggestion.claim_id, suggestion_id=suggestion.pk, actor=editor, stance="context"
    )
    assert evidence.stance == "context"


def test_attaching_is_refused_with_a_reason_and_changes_nothing(suggestion, editor, editor2, refused, seeds):
    claim = suggestion.claim
    other = Suggestion.objects.exclude(claim=claim).first()
    stale = claim.version - 1
    cases = [
        ({"actor": editor2}, Forbidden, workflow.MSG_NOT_ASSIGNEE.format(what="add evidence")),
        ({"suggestion_id": 999999}, NotFound, workflow.MSG_SUGGESTION_NOT_FOUND.format(id=999999)),
        ({"suggestion_id": other.pk}, NotFound, workflow.MSG_SUGGESTION_NOT_FOUND.format(id=other.pk)),
        ({"expected_version": stale}, Conflict, workflow.MSG_STALE.format(expected=stale, current=claim.version)),
    ]
    for change, error, message in cases:
        arguments = {"claim_id": claim.pk, "suggestion_id": suggestion.pk, "actor": editor, **change}
        with refused(claim, error, message):
            workflow.suggestion_attach(**arguments)


def test_a_passage_already_attached_is_refused(suggestion, editor, refused):
    evidence = workflow.suggestion_attach(claim_id=suggestion.claim_id, suggestion_id=suggestion.pk, actor=editor)
    claim = Claim.objects.get(pk=suggestion.claim_id)
    with refused(claim, AlreadyDone, workflow.MSG_SUGGESTION_ATTACHED.format(evidence=evidence.pk)):
        workflow.suggestion_attach(claim_id=claim.pk, suggestion_id=suggestion.pk, actor=editor)
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_attaching_to_a_claim_in_review_is_refused(suggestion, editor, refused):
    claim = suggestion.claim
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="Tried the AP.")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    with refused(claim, InvalidTransition, workflow.MSG_FROZEN.format(status="in review")):
        workflow.suggestion_attach(claim_id=claim.pk, suggestion_id=suggestion.pk, actor=editor)
