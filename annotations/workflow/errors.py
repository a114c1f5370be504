"""Refusals: what the workflow raises when it will not do what was asked.

``str(error)`` is the message for the user; ``status`` is the HTTP status any front door answers
with, ``code`` a short machine name, and ``field`` names the input at fault when there is one.
"""

from __future__ import annotations


class WorkflowError(Exception):
    """A refused action; nothing was changed."""

    code = "refused"
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(WorkflowError):
    code = "not_found"
    status = 404


class Forbidden(WorkflowError):
    code = "forbidden"
    status = 403


class InvalidTransition(WorkflowError):
    """The claim's status does not allow the action."""

    code = "invalid_transition"
    status = 409


class InvalidInput(WorkflowError):
    """Input the rules refuse."""

    code = "invalid"
    status = 400


class Conflict(WorkflowError):
    """The claim changed since the caller read it."""

    code = "conflict"
    status = 409


class AlreadyDone(WorkflowError):
    """The change asked for is already made (a suggested passage already attached)."""

    code = "already_done"
    status = 409


# Messages shared by several families of actions.
MSG_CLAIM_NOT_FOUND = "Claim {id} does not exist."
MSG_USER_NOT_FOUND = "User {id} does not exist."
MSG_STALE = (
    "This claim was changed by someone else since you loaded it (you had version {expected}, "
    "it is now at version {current}). Reload it to see their change, then try again."
)
MSG_BAD_VERSION = "{value!r} is not a claim version: expected a whole number."
MSG_TOO_LONG = "The {what} is too long ({length} characters; at most {limit})."
