"""Every API error is JSON with a reason: ``{"detail": "...", "code": "..."}``."""

from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotations import workflow


class PreconditionFailed(workflow.Conflict):
    """A stale ``If-Match``: the claim changed since the caller read it."""

    code = "precondition_failed"
    status = 412


def api_exception_handler(exc, context):
    """Answer workflow refusals with their status and reason; leave the rest to DRF."""
    if isinstance(exc, workflow.WorkflowError):
        body: dict[str, str | list[str]] = {"detail": str(exc), "code": exc.code}
        if exc.field:  # the same shape as a serializer's field errors
            body[exc.field] = [str(exc)]
        return Response(body, status=exc.status)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data.setdefault("code", getattr(response.data["detail"], "code", "error"))
    return response
