"""Every write to a claim, its evidence and its history goes through this package.

Each action follows the same steps in one transaction (``core``): lock the claim row, ask the
action's guard (``rules``: the actor's role, the transition table, the action's own rules), refuse
with a clear message or change the claim, bump its version and write exactly one chained
ReviewEvent. A refused action raises a ``WorkflowError`` subclass (``errors``) and writes nothing.

The families: ``claims`` (assign, verdict, submit, approve, return, reopen, comment), ``evidence``
(add, attach a suggestion, remove), ``loading`` (documents and their claims in), ``backup`` and
``restore`` (a JSON backup checked, then written into an empty database). The front doors reach
the actions through one table, ``annotations.actions``.
"""

from .backup import Backup, RestoreError, parse_backup, read_backup
from .claims import (
    MAX_COMMENT,
    MAX_NOTE,
    MSG_BAD_VERDICT,
    MSG_COMMENT_REQUIRED,
    MSG_CORRECTION_REQUIRED,
    MSG_NOTHING_TO_CORRECT,
    MSG_REASON_REQUIRED,
    MSG_TEXT_REQUIRED,
    claim_approve,
    claim_assign,
    claim_comment,
    claim_reopen,
    claim_return,
    claim_set_verdict,
    claim_submit,
)
from .errors import (
    MSG_BAD_VERSION,
    MSG_CLAIM_NOT_FOUND,
    MSG_STALE,
    MSG_TOO_LONG,
    MSG_USER_NOT_FOUND,
    AlreadyDone,
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    WorkflowError,
)
from .evidence import (
    MSG_BAD_OFFSET,
    MSG_BAD_STANCE,
    MSG_BAD_URL,
    MSG_DOCUMENT_NOT_FOUND,
    MSG_EVIDENCE_NEEDS_SOURCE,
    MSG_EVIDENCE_NOT_FOUND,
    MSG_PASSAGE_INCOMPLETE,
    MSG_PASSAGE_OWN_DOCUMENT,
    MSG_PASSAGE_RANGE,
    MSG_SUGGESTION_ATTACHED,
    MSG_SUGGESTION_NOT_FOUND,
    evidence_add,
    evidence_remove,
    suggestion_attach,
)
from .loading import LoadResult, LoadSummary, document_load, documents_load, load_paths
from .restore import MSG_RESTORE_NOT_EMPTY, RestoreResult, claims_restore, restore_refusal
from .rules import (
    MSG_ALREADY_ASSIGNED,
    MSG_ASSIGNEE_NOT_EDITOR,
    MSG_BAD_TRANSITION,
    MSG_FOUR_EYES,
    MSG_FOUR_EYES_AUTHOR,
    MSG_FROZEN,
    MSG_NEEDS_EVIDENCE,
    MSG_NEEDS_NOTE,
    MSG_NEEDS_VERDICT,
    MSG_NO_ROLE,
    MSG_NOT_ASSIGNEE,
    MSG_NOT_EDITOR,
    MSG_NOT_REVIEWER,
    TRANSITIONS,
    allowed_actions,
    refusals,
)

__all__ = [
    "MAX_COMMENT", "MAX_NOTE", "MSG_ALREADY_ASSIGNED", "MSG_ASSIGNEE_NOT_EDITOR", "MSG_BAD_OFFSET", "MSG_BAD_STANCE",
    "MSG_BAD_TRANSITION", "MSG_BAD_URL", "MSG_BAD_VERDICT", "MSG_BAD_VERSION", "MSG_CLAIM_NOT_FOUND",
    "MSG_COMMENT_REQUIRED", "MSG_CORRECTION_REQUIRED", "MSG_DOCUMENT_NOT_FOUND", "MSG_EVIDENCE_NEEDS_SOURCE",
    "MSG_EVIDENCE_NOT_FOUND", "MSG_FOUR_EYES", "MSG_FOUR_EYES_AUTHOR", "MSG_FROZEN", "MSG_NEEDS_EVIDENCE",
    "MSG_NEEDS_NOTE", "MSG_NEEDS_VERDICT", "MSG_NOTHING_TO_CORRECT", "MSG_NOT_ASSIGNEE", "MSG_NOT_EDITOR",
    "MSG_NOT_REVIEWER", "MSG_NO_ROLE", "MSG_PASSAGE_INCOMPLETE", "MSG_PASSAGE_OWN_DOCUMENT", "MSG_PASSAGE_RANGE",
    "MSG_REASON_REQUIRED", "MSG_RESTORE_NOT_EMPTY", "MSG_STALE", "MSG_SUGGESTION_ATTACHED",
    "MSG_SUGGESTION_NOT_FOUND", "MSG_TEXT_REQUIRED", "MSG_TOO_LONG", "MSG_USER_NOT_FOUND", "TRANSITIONS",
    "AlreadyDone", "Backup", "Conflict", "Forbidden", "InvalidInput", "InvalidTransition", "LoadResult",
    "LoadSummary", "NotFound", "RestoreError", "RestoreResult", "WorkflowError", "allowed_actions", "claim_approve",
    "claim_assign", "claim_comment", "claim_reopen", "claim_return", "claim_set_verdict", "claim_submit",
    "claims_restore", "document_load", "documents_load", "evidence_add", "evidence_remove", "load_paths",
    "parse_backup", "read_backup", "refusals", "restore_refusal", "suggestion_attach",
]  # fmt: skip
