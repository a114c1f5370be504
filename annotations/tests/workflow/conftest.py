"""Names, helpers and fixtures shared by the workflow tests (the cast and the claims are in ../conftest.py)."""

import hashlib

import orjson
import pytest
from django.core.management import call_command

from annotations import workflow
from annotations.models import Action, Claim, ClaimStatus, Evidence
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT

PENDING = ClaimStatus.PENDING
IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
RETURNED = ClaimStatus.RETURNED
APPROVED = ClaimStatus.APPROVED
DISMISSED = ClaimStatus.DISMISSED
MERGED = ClaimStatus.MERGED
SPLIT = ClaimStatus.SPLIT
CLOSED = [DISMISSED, MERGED, SPLIT]

ASSIGN = Action.ASSIGNED
SET_VERDICT = Action.VERDICT_SET
ADD_EVIDENCE = Action.EVIDENCE_ADDED
REMOVE_EVIDENCE = Action.EVIDENCE_REMOVED
SUBMIT = Action.SUBMITTED
APPROVE = Action.APPROVED
RETURN = Action.RETURNED
REOPEN = Action.REOPENED
COMMENT = Action.COMMENTED
ACTIONS = [
    ASSIGN,
    SET_VERDICT,
    ADD_EVIDENCE,
    REMOVE_EVIDENCE,
    SUBMIT,
    APPROVE,
    RETURN,
    REOPEN,
    COMMENT,
]
VERSIONED = [a for a in ACTIONS if a != COMMENT]

DISMISS = Action.DISMISSED
RESTORE = Action.RESTORED
WORDING = Action.WORDING_SET
MERGE_INTO = Action.MERGED_INTO  # the claim merged into the report's second claim
MERGE_FROM = Action.MERGED_FROM  # the report's second claim merged into the claim
SPLIT_UP = Action.SPLIT
TRIAGE_ACTIONS = [DISMISS, RESTORE, WORDING, MERGE_INTO, MERGE_FROM, SPLIT_UP]

# The valid input each action is tried with (``act`` below).
NEW_VERDICT = "disputed"
NEW_NOTE = "The survey found 120 tonnes, not 300."
NEW_URL = "https://example.org/second-source"
APPROVE_COMMENT = "Well sourced."
RETURN_COMMENT = "Quote the survey directly."
REOPEN_REASON = "The ministry published a correction."
COMMENT_TEXT = "Worth a second look."
DISMISS_NOTE = "An opinion column, not a report."
NEW_WORDING = "The river carries 300 tonnes of plastic to the sea each year (the report's figure)."
# Pieces of CLAIM_TEXT, in order.
PARTS = ["The river carries 300 tonnes of plastic", "to the sea every year."]

# The status each action is tried from (one where the status allows it) and who may take it there.
ROLE_SETUP = {
    ASSIGN: PENDING,
    SET_VERDICT: IN_PROGRESS,
    ADD_EVIDENCE: IN_PROGRESS,
    REMOVE_EVIDENCE: IN_PROGRESS,
    SUBMIT: IN_PROGRESS,
    APPROVE: IN_REVIEW,
    RETURN: IN_REVIEW,
    REOPEN: APPROVED,
    COMMENT: IN_REVIEW,
}

# Who tries each action: another editor takes the claim over; the assignee edits and submits;
# a reviewer who did not submit reviews; the assignee comments.
STATUS_ACTOR = {
    ASSIGN: "editor2",
    SET_VERDICT: "editor",
    ADD_EVIDENCE: "editor",
    REMOVE_EVIDENCE: "editor",
    SUBMIT: "editor",
    APPROVE: "reviewer2",
    RETURN: "reviewer2",
    REOPEN: "reviewer2",
    COMMENT: "editor",
}


def act(action, claim, actor, *, expected_version=None):
    """Take ``action`` on ``claim`` as ``actor`` with valid input; an editor assigns themself."""
    common = {"claim_id": claim.pk, "actor": actor, "expected_version": expected_version}
    if action == ASSIGN:
        return workflow.claim_assign(**common)
    if action == SET_VERDICT:
        return workflow.claim_set_verdict(**common, verdict=NEW_VERDICT, note=NEW_NOTE)
    if action == ADD_EVIDENCE:
        return workflow.evidence_add(**common, stance="refutes", url=NEW_URL, title="Second source")
    if action == REMOVE_EVIDENCE:
        evidence = Evidence.objects.filter(claim_id=claim.pk).first()
        return workflow.evidence_remove(
            claim_id=claim.pk, evidence_id=evidence.pk, actor=actor, expected_version=expected_version
        )
    if action == SUBMIT:
        return workflow.claim_submit(**common)
    if action == APPROVE:
        return workflow.claim_approve(**common, comment=APPROVE_COMMENT)
    if action == RETURN:
        return workflow.claim_return(**common, comment=RETURN_COMMENT)
    if action == REOPEN:
        return workflow.claim_reopen(**common, reason=REOPEN_REASON)
    if action == COMMENT:
        return workflow.claim_comment(claim_id=claim.pk, actor=actor, comment=COMMENT_TEXT)
    if action == DISMISS:
        return workflow.claim_dismiss(**common, reason="opinion", note=DISMISS_NOTE)
    if action == RESTORE:
        return workflow.claim_restore(**common)
    if action == WORDING:
        return workflow.claim_set_wording(**common, wording=NEW_WORDING)
    if action == MERGE_FROM:
        return workflow.claims_merge(**common, claims=[second_claim().pk])
    if action == MERGE_INTO:
        return workflow.claims_merge(claim_id=second_claim().pk, actor=actor, claims=[claim.pk])
    if action == SPLIT_UP:
        return workflow.claim_split(**common, parts=PARTS)
    raise AssertionError(f"unknown action {action}")


def second_claim():
    """The report's second claim (loaded beside ``claim``): the other claim of the merges."""
    return Claim.objects.get(text=SECOND_CLAIM_TEXT)


def close(claim, status, editor):
    """Close a pending claim in triage through the workflow (dismissed, merged, split); return it re-read."""
    if status == DISMISSED:
        workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="opinion")
    elif status == MERGED:
        workflow.claims_merge(claim_id=second_claim().pk, actor=editor, claims=[claim.pk])
    elif status == SPLIT:
        assert claim.text == CLAIM_TEXT
        workflow.claim_split(claim_id=claim.pk, actor=editor, parts=PARTS)
    else:
        raise ValueError(f"Not a triage status: {status!r}")
    claim.refresh_from_db()
    assert claim.status == status
    return claim


@pytest.fixture
def bring(advance, editor):
    """Return a function bringing a claim to any status through the workflow (``advance``, or closed in triage)."""

    def to(claim, status, **kwargs):
        return close(claim, status, editor) if status in CLOSED else advance(claim, status, **kwargs)

    return to


def event_fields(event):
    return {
        "action": event.action,
        "actor": event.actor,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "verdict_before": event.verdict_before,
        "verdict_after": event.verdict_after,
        "comment": event.comment,
        "claim_version": event.claim_version,
    }


@pytest.fixture
def taken(claim, editor):
    """The claim, taken by the editor (in progress, no verdict, no evidence)."""
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    return claim


# --- A backup, written by hand (test_backup, test_restore) ----------------------------------------

CLAIM = "The river carries 300 tonnes of plastic to the sea every year."
SECOND = "Officials say the figure has doubled since 2010."
REPORT = f"{CLAIM} {SECOND}"
SURVEY = "A 2023 survey measured 120 tonnes of plastic at the river mouth."
CORRECTION = "The survey measured 120 tonnes, not 300."
PASSAGE = SURVEY.index("120 tonnes")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def at(day: int, hour: int = 9) -> str:
    return f"2025-03-{day:02d}T{hour:02d}:00:00.000000Z"


def event(pk, action, actor, before, after, verdicts=("", ""), version=1, day=1, comment="", details=None):
    return {
        "id": pk, "action": action, "actor": actor, "status_before": before, "status_after": after,
        "verdict_before": verdicts[0], "verdict_after": verdicts[1], "comment": comment,
        "details": details or {}, "claim_version": version, "created_at": at(day),
    }  # fmt: skip


def valid_backup() -> dict:
    """Return a whole backup: two documents, a corrected claim with both kinds of evidence, a pending one."""
    v, d = ("verified", "verified"), ("disputed", "disputed")
    return {
        "format": "factcheck-export",
        "version": 1,
        "exported_at": at(9),
        "filters": {"status": [], "verdict": [], "document": [], "since": None, "claims": []},
        "filters_described": "all claims",
        "history": True,
        "documents": [
            {
                "id": 3, "title": "River report", "publisher": "River Times", "url": "https://example.org/river",
                "published_on": "2025-02-27", "file_name": "report.txt", "content_hash": sha(REPORT),
                "loaded_at": at(1), "text": REPORT,
            },
            {
                "id": 5, "title": "Plastic survey", "publisher": "", "url": "", "published_on": None, "file_name": "",
                "content_hash": sha(SURVEY), "loaded_at": at(1), "text": SURVEY,
            },
        ],
        "claims": [
            {
                "id": 10, "text": CLAIM, "text_hash": sha(CLAIM), "status": "approved", "verdict": "disputed",
                "note": "The survey says 120.", "version": 9, "assignee": "editor1", "submitted_by": "editor1",
                "approved_by": "reviewer2", "approved_at": at(6), "published_at": at(3),
                "published_verdict": "disputed", "published_note": "The survey says 120.",
                "created_at": at(1), "updated_at": at(6),
                "occurrences": [
                    {"document": 3, "document_title": "River report", "document_url": "https://example.org/river",
                     "start": 0, "end": len(CLAIM), "position": 0},
                ],
                "evidence": [
                    {"id": 20, "stance": "supports", "url": "https://example.org/survey", "document": None,
                     "start": None, "end": None, "title": "Survey page", "excerpt": "", "added_by": "editor1",
                     "added_at": at(2)},
                    {"id": 21, "stance": "refutes", "url": "", "document": 5, "start": PASSAGE, "end": PASSAGE + 10,
                     "title": "", "excerpt": "120 tonnes", "added_by": "editor1", "added_at": at(5)},
                ],
                "corrections": [
                    {"date": at(6), "old_verdict": "verified", "new_verdict": "disputed",
                     "old_note": "Matches.", "new_note": "The survey says 120.", "note": CORRECTION,
                     "approved_by": "reviewer2"},
                ],
                "history": [
                    event(30, "created", None, "", "pending", details={"document_id": 3, "document": "River report"}),
                    event(31, "assigned", "editor1", "pending", "in_progress", version=2, day=2,
                          details={"assignee_before": None, "assignee_after": "editor1"}),
                    event(32, "verdict_set", "editor1", "in_progress", "in_progress", ("", "verified"), 3, 2,
                          details={"note_before": "", "note_after": "Matches."}),
                    event(33, "evidence_added", "editor1", "in_progress", "in_progress", v, 4, 2,
                          details={"evidence_id": 20}),
                    event(34, "submitted", "editor1", "in_progress", "in_review", v, 5, 2),
                    event(35, "approved", "reviewer1", "in_review", "approved", v, 6, 3, comment="Fine."),
                    event(40, "reopened", "reviewer1", "approved", "in_progress", v, 7, 4, comment="New survey."),
                    event(41, "evidence_added", "editor1", "in_progress", "in_progress", v, 8, 5,
                          details={"evidence_id": 21}),
                    event(42, "verdict_set", "editor1", "in_progress", "in_progress", ("verified", "disputed"), 9, 5),
                    event(43, "submitted", "editor1", "in_progress", "in_review", d, 10, 5),
                    event(44, "approved", "reviewer2", "in_review", "approved", d, 11, 6,
                          details={"correction": CORRECTION}),
                ],
            },
            {
                "id": 11, "text": SECOND, "text_hash": sha(SECOND), "status": "pending", "verdict": "", "note": "",
                "version": 1, "assignee": None, "submitted_by": None, "approved_by": None, "approved_at": None,
                "published_at": None, "published_verdict": "", "published_note": "", "created_at": at(1),
                "updated_at": at(1),
                "occurrences": [
                    {"document": 3, "document_title": "River report", "document_url": "https://example.org/river",
                     "start": len(CLAIM) + 1, "end": len(REPORT), "position": 1},
                ],
                "evidence": [],
                "corrections": [],
                "history": [
                    event(36, "created", None, "", "pending", details={"document_id": 3, "document": "River report"}),
                    event(37, "commented", "reviewer1", "pending", "pending", comment="Which baseline?"),
                ],
            },
        ],
    }  # fmt: skip


def write_backup(tmp_path, content):
    """Write ``content`` (a dict, or the file's bytes) to a backup file; return its path."""
    path = tmp_path / "backup.json"
    path.write_bytes(content if isinstance(content, bytes) else orjson.dumps(content))
    return path


def import_file(tmp_path, content) -> None:
    call_command("import_claims", str(write_backup(tmp_path, content)), verbosity=0)
