"""The editors' and reviewers' workspace in the Django admin.

Thin: generic add/change/delete forms are off; every change is a call into ``annotations.workflow``,
and every refusal comes back as the workflow's message. Read paths come from ``selectors``.
``claims`` (the list, the claim page, the queue), ``documents`` (articles, adding them, their
versions), ``intake`` (imports and feeds), ``history``.
"""

from .claims import ClaimAdmin
from .documents import SourceDocumentAdmin
from .history import ReviewEventAdmin
from .intake import FeedAdmin, ImportAdmin

__all__ = ["ClaimAdmin", "FeedAdmin", "ImportAdmin", "ReviewEventAdmin", "SourceDocumentAdmin"]
