"""Every API error is JSON with a reason: ``{"detail": "...", "code": "..."}``."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from annotations import workflow

STATUS_BY_CODE = {
    workflow.NotFound.code: status.HTTP_404_NOT_FOUND,
    workflow.Forbidden.code: status.HTTP_403_FORBIDDEN,
    workflow.InvalidTransition.code: status.HTTP_409_CONFLICT,
    workflow.InvalidInput.code: status.HTTP_400_BAD_REQUEST,
    workflow.Conflict.code: status.HTTP_409_CONFLICT,
    workflow.AlreadyDone.code: status.HTTP_409_CONFLICT,
}


class PreconditionFailed(workflow.Conflict):
    """A stale ``If-Match``: the claim changed since the caller read it."""

    code = "precondition_failed"


def api_exception_handler(exc, context):
    """Turn workflow refusals into JSON responses; leave the rest to DRF."""
    if isinstance(exc, PreconditionFailed):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(exc, workflow.WorkflowError):
        body = {"detail": str(exc), "code": exc.code}
        field = getattr(exc, "field", None)
        if field:  # the same shape as a serializer's field errors
            body[field] = [str(exc)]
        return Response(body, status=STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST))
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data.setdefault("code", getattr(response.data["detail"], "code", "error"))
    return response
