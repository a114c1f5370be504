"""Suggested evidence as background work: a document's suggestions are computed by a job.

Storing a document stores its claims and nothing more expensive; the job that finds the passages
of other documents stating the same facts (``corroboration``) is queued in the same transaction,
so a document never commits without its job.
"""

from __future__ import annotations

from collections.abc import Sequence

from django_tasks import task

from .. import corroboration


@task()
def suggestions_job(document_ids: list[int], new_claim_ids: list[int]) -> int:
    """Compute the suggestions that newly stored documents bring (a worker runs it)."""
    return corroboration.suggestions_after_load(document_ids=document_ids, new_claim_ids=new_claim_ids)


def queue_suggestions(*, document_ids: Sequence[int], new_claim_ids: Sequence[int]) -> None:
    """Queue the suggestions of newly stored documents, in the caller's transaction."""
    if document_ids:
        suggestions_job.enqueue(list(document_ids), list(new_claim_ids))
