"""Editors and reviewers acting on the same few claims at once, for a few seconds (PostgreSQL).

Each thread acts as one person in one browser tab: it reads a claim (or reuses the version it read
earlier, as a tab left open does), picks an action that person might take, and calls the workflow
with the version it read. The workflow's refusals (a stale version, a move the claim's status does
not allow, four eyes) are part of the game. Afterwards every claim's history must replay to the
claim as it stands, the hash chains must hold, and no event may be doubled or missing.
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from annotations import history, workflow
from annotations.models import Action, Claim, ClaimStatus, Correction, Evidence, ReviewEvent
from annotations.tests.conftest import SURVEY_CLAIM_TEXT

DURATION = 4.0  # seconds of traffic
SEED = 20260104

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE) for writers to contend on",
    ),
    pytest.mark.django_db(transaction=True),
]

EXTRA_TEXT = "Volunteers collected 5 tonnes of bottles from the beach in June. The clean-up lasted a week."
EXTRA_CLAIM = "Volunteers collected 5 tonnes of bottles from the beach in June."
VERDICTS = ["verified", "disputed", "unverified"]


class Person:
    """One thread: a user, a random generator and the versions this tab last read."""

    def __init__(self, index, user_id, role, claim_ids, passage_document_id, deadline):
        self.index, self.user_id, self.role = index, user_id, role
        self.claim_ids, self.passage_document_id = claim_ids, passage_document_id
        self.deadline = deadline
        self.random = random.Random(SEED + index)
        self.seen: dict[int, dict] = {}
        self.done: Counter = Counter()  # action -> successful calls
        self.refused: Counter = Counter()  # error class -> refusals
        self.errors: list[str] = []  # anything else: a bug

    def run(self, start: threading.Barrier):
        try:
            self.user = get_user_model().objects.get(pk=self.user_id)  # this thread's own instance
            start.wait(timeout=10)
            while time.monotonic() < self.deadline:
                claim_id = self.random.choice(self.claim_ids)
                state = self.read(claim_id)
                action, call = (self.edit if self.role == "editor" else self.review)(claim_id, state)
                try:
                    call()
                except workflow.WorkflowError as error:
                    self.refused[type(error).__name__] += 1
                else:
                    self.done[action] += 1
        except Exception as error:  # reported by the test's assertions
            self.errors.append(repr(error))
        finally:
            connection.close()

    def read(self, claim_id) -> dict:
        """Return the claim as this tab knows it: read afresh, or most times; else as read before."""
        if claim_id in self.seen and self.random.random() < 0.25:
            return self.seen[claim_id]
        state = Claim.objects.values(
            "version", "status", "verdict", "note", "assignee_id", "published_at", "published_verdict",
            "published_note",
        ).get(pk=claim_id)  # fmt: skip
        state["evidence"] = list(Evidence.objects.filter(claim_id=claim_id).values_list("pk", flat=True))
        self.seen[claim_id] = state
        return state

    def edit(self, claim_id, state):
        """Pick what an editor would do with the claim as read; now and then something out of turn."""
        me, version, status = self.user, state["version"], state["status"]
        mine = state["assignee_id"] == self.user_id
        common = {"claim_id": claim_id, "actor": me, "expected_version": version}
        if self.random.random() < 0.1:
            return Action.COMMENTED, lambda: workflow.claim_comment(
                claim_id=claim_id, actor=me, comment=f"Note from tab {self.index}."
            )
        if status == ClaimStatus.PENDING or not mine or self.random.random() < 0.05:
            return Action.ASSIGNED, lambda: workflow.claim_assign(**common)
        if status == ClaimStatus.RETURNED and self.random.random() < 0.3:
            return Action.SUBMITTED, lambda: workflow.claim_submit(**common)
        roll = self.random.random()
        if not state["verdict"] or roll < 0.2:
            verdict = self.random.choice(VERDICTS)
            note = f"Ruled {verdict} by tab {self.index}, take {self.random.randrange(3)}."
            return Action.VERDICT_SET, lambda: workflow.claim_set_verdict(**common, verdict=verdict, note=note)
        if not state["evidence"] or roll < 0.4:
            passage = self.random.random() < 0.3 and claim_id != self.claim_ids[-1]
            source = (
                {"document": self.passage_document_id, "start": 0, "end": 20} if passage
                else {"url": f"https://example.org/source/{self.random.randrange(100)}"}
            )  # fmt: skip
            return Action.EVIDENCE_ADDED, lambda: workflow.evidence_add(**common, stance="supports", **source)
        if len(state["evidence"]) > 1 and roll < 0.5:
            evidence_id = self.random.choice(state["evidence"])
            return Action.EVIDENCE_REMOVED, lambda: workflow.evidence_remove(**common, evidence_id=evidence_id)
        return Action.SUBMITTED, lambda: workflow.claim_submit(**common)

    def review(self, claim_id, state):
        """Pick what a reviewer would do with the claim as read."""
        me, version, status = self.user, state["version"], state["status"]
        common = {"claim_id": claim_id, "actor": me, "expected_version": version}
        roll = self.random.random()
        if status == ClaimStatus.IN_REVIEW and roll < 0.65:
            published = state["published_verdict"], state["published_note"]
            corrects = state["published_at"] is not None and published != (state["verdict"], state["note"])
            correction = f"Corrected by tab {self.index}." if corrects else ""
            return Action.APPROVED, lambda: workflow.claim_approve(**common, correction=correction)
        if status == ClaimStatus.IN_REVIEW and roll < 0.95:
            return Action.RETURNED, lambda: workflow.claim_return(**common, comment="Cite the primary source.")
        if status == ClaimStatus.APPROVED and roll < 0.3:
            return Action.REOPENED, lambda: workflow.claim_reopen(**common, reason="A reader sent a new figure.")
        if roll < 0.35:  # out of turn: refused unless the claim moved meanwhile
            return Action.APPROVED, lambda: workflow.claim_approve(**common)
        return Action.COMMENTED, lambda: workflow.claim_comment(
            claim_id=claim_id, actor=me, comment=f"Looked at it in tab {self.index}."
        )


# --- Checks -------------------------------------------------------------------------------------

BUMPING = set(Action.values) - {Action.COMMENTED}


def replayed(claim: Claim, events: list[ReviewEvent]) -> dict:
    """Return the claim's state rebuilt from its history alone, checking each step as it goes."""
    created, *rest = events
    assert (created.action, created.status_before, created.status_after, created.claim_version) == (
        Action.CREATED,
        "",
        ClaimStatus.PENDING,
        1,
    )
    state = {"status": ClaimStatus.PENDING, "verdict": "", "note": "", "version": 1, "assignee": None,
             "submitted_by_id": None, "evidence": set()}  # fmt: skip
    for event in rest:
        where = f"claim {claim.pk}, event {event.pk} ({event.action})"
        assert (event.status_before, event.verdict_before) == (state["status"], state["verdict"]), where
        assert workflow.TRANSITIONS[event.action][event.status_before] == event.status_after, where
        expected_version = state["version"] + (1 if event.action in BUMPING else 0)
        assert event.claim_version == expected_version, where
        state.update(status=event.status_after, verdict=event.verdict_after, version=event.claim_version)
        if event.action == Action.ASSIGNED:
            assert event.details["assignee_before"] == state["assignee"], where
            state["assignee"] = event.details["assignee_after"]
        elif event.action == Action.VERDICT_SET:
            assert event.details["note_before"] == state["note"], where
            state["note"] = event.details["note_after"]
        elif event.action == Action.EVIDENCE_ADDED:
            state["evidence"].add(event.details["evidence_id"])
        elif event.action == Action.EVIDENCE_REMOVED:
            state["evidence"].remove(event.details["evidence_id"])
        elif event.action == Action.SUBMITTED:
            state["submitted_by_id"] = event.actor_id
        elif event.action == Action.REOPENED:
            state["submitted_by_id"] = None
        if event.action == Action.APPROVED:
            assert event.actor_id != state["submitted_by_id"], where  # four eyes
    return state


def test_editors_and_reviewers_racing_on_a_few_claims_leave_consistent_histories(
    documents, load_document, editor, editor2, reviewer, reviewer2
):
    extra = load_document(EXTRA_TEXT, "Beach clean-up", [EXTRA_CLAIM]).document
    # Claims of the report and the clean-up cite the survey; the survey's own claim goes last (no passage).
    claims = list(Claim.objects.exclude(text=SURVEY_CLAIM_TEXT).order_by("pk").values_list("pk", flat=True))
    claims.append(Claim.objects.get(text=SURVEY_CLAIM_TEXT).pk)
    assert len(claims) == 4 and extra.pk
    cast = [(editor, "editor"), (editor2, "editor"), (editor, "editor"),  # one editor in two tabs
            (reviewer, "reviewer"), (reviewer2, "reviewer"), (reviewer, "reviewer")]  # fmt: skip
    start = threading.Barrier(len(cast))
    deadline = time.monotonic() + DURATION + 1  # the second is for the threads to start
    people = [
        Person(index, user.pk, role, claims, documents.survey.pk, deadline) for index, (user, role) in enumerate(cast)
    ]
    threads = [threading.Thread(target=person.run, args=(start,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION + 60)
    assert not any(thread.is_alive() for thread in threads)
    assert [person.errors for person in people] == [[]] * len(people)

    # Busy enough to mean something: every person got much done, every kind of action happened
    # many times, and tabs did trip over each other's changes.
    done = sum((person.done for person in people), Counter())
    refused = sum((person.refused for person in people), Counter())
    assert all(sum(person.done.values()) >= 20 for person in people), [person.done for person in people]
    kinds = [Action.ASSIGNED, Action.VERDICT_SET, Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED, Action.SUBMITTED,
             Action.APPROVED, Action.RETURNED, Action.REOPENED, Action.COMMENTED]  # fmt: skip
    assert all(done[kind] >= 5 for kind in kinds), done
    assert refused["Conflict"] >= 10 and refused["InvalidTransition"] >= 1, refused

    # Every successful call wrote exactly one event, and no refused call wrote any.
    written = Counter(ReviewEvent.objects.exclude(action=Action.CREATED).values_list("action", flat=True))
    assert written == done

    for claim in Claim.objects.filter(pk__in=claims):
        events = list(ReviewEvent.objects.filter(claim=claim).order_by("id"))
        # The history replays to the claim as it stands.
        state = replayed(claim, events)
        assignee = claim.assignee.get_username() if claim.assignee else None
        evidence = set(Evidence.objects.filter(claim=claim).values_list("pk", flat=True))
        assert (claim.status, claim.verdict, claim.note, claim.version, assignee, claim.submitted_by_id, evidence) == (
            state["status"], state["verdict"], state["note"], state["version"], state["assignee"],
            state["submitted_by_id"], state["evidence"],
        )  # fmt: skip
        # No version doubled or missing: each bump has its own event, from 1 to the claim's version.
        versions = [event.claim_version for event in events if event.action in BUMPING]
        assert versions == list(range(1, claim.version + 1))
        # At most one approval per submission.
        actions = [event.action for event in events if event.action in (Action.SUBMITTED, Action.APPROVED)]
        assert "approved approved" not in " ".join(actions), actions
        assert actions[:1] != [Action.APPROVED]
    # Each correction belongs to an approval of its claim, one at most per approval.
    corrections = list(Correction.objects.values_list("event__action", "event__claim_id", "claim_id", "event_id"))
    assert all(action == Action.APPROVED and a == b for action, a, b, _ in corrections)
    assert len({event for *_, event in corrections}) == len(corrections)
    assert list(history.verify()) == []
