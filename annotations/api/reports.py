"""Reports over the API: each export format at its own address, streamed, with the same filters.

GET /api/reports/claims.csv | claims.json | claims.jsonl | claimreview.jsonld | report.html
    ?status=approved,in_review &verdict=... &document=3,4 &since=2026-01-31 &include_closed=true &history=true

Claims closed in triage (dismissed, merged, split) are left out unless ``include_closed`` or a
``status`` naming them asks for them.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation

from annotations.exports import FORMATS, ExportFilters, FilterError, streaming_response

from .views import RoleRequiredMixin


class ReportQuery(serializers.Serializer):
    status = serializers.CharField(required=False, default="", help_text="Statuses, comma-separated.")
    verdict = serializers.CharField(required=False, default="", help_text="Verdicts, comma-separated.")
    document = serializers.CharField(required=False, default="", help_text="Document ids, comma-separated.")
    since = serializers.CharField(required=False, default="", help_text="Changed since (YYYY-MM-DD[THH:MM]).")
    include_closed = serializers.BooleanField(
        required=False, default=False, help_text="Include the claims closed in triage (dismissed, merged, split)."
    )
    history = serializers.BooleanField(required=False, default=False, help_text="Include the review history.")


class AnyAccept(BaseContentNegotiation):
    """Answer in the report's own format whatever the Accept header; errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


def _parameters(fmt):
    names = ["status", "verdict", "document", "since", "include_closed"] + (["history"] if fmt.takes_history else [])
    default = (
        " (default: approved; with include_closed, approved and closed in triage)"
        if fmt.published
        else " (default: all but those closed in triage)"
    )
    descriptions = {
        "status": "Statuses, comma-separated" + default + ".",
        "verdict": "Verdicts, comma-separated.",
        "document": "Document ids, comma-separated: the claims that occur in them.",
        "since": "Only claims changed since this date (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC).",
        "include_closed": "Include the claims closed in triage (dismissed, merged, split), left out by default.",
        "history": "Include each claim's review history.",
    }
    kinds = {"history": OpenApiTypes.BOOL, "include_closed": OpenApiTypes.BOOL}
    return [OpenApiParameter(n, kinds.get(n, OpenApiTypes.STR), description=descriptions[n]) for n in names]


class ReportView(RoleRequiredMixin):
    """Stream one export of the claims; the filters used are in the ``Export-Filters`` header."""

    format_name = ""
    content_negotiation_class = AnyAccept

    def get(self, request):
        fmt = FORMATS[self.format_name]
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if data["history"] and not fmt.takes_history:
            raise ValidationError({"history": [f"The {fmt.name} report has no history; drop the parameter."]})
        try:
            filters = ExportFilters.parse(
                status=data["status"], verdict=data["verdict"], document=data["document"], since=data["since"],
                include_closed=data["include_closed"], published=fmt.published,
            )  # fmt: skip
        except FilterError as error:
            raise ValidationError({error.field: [str(error)]}) from None
        return streaming_response(fmt.name, filters, history=data["history"])


BODIES = {  # what a JSON body holds; the others are text
    "json": {"type": "object", "required": ["format", "version", "filters", "documents", "claims"]},
    "claimreview": {"type": "array", "items": {"type": "object", "required": ["@type", "claimReviewed"]}},
}


def report_view(name: str):
    fmt = FORMATS[name]
    media_type = fmt.content_type.split(";")[0]

    def get(self, request):  # a function of its own: the schema decorator marks the function
        return ReportView.get(self, request)

    get = extend_schema(
        operation_id=f"reports_{name}",
        summary=f"Export claims: {fmt.file_name}",
        parameters=_parameters(fmt),
        responses={
            (200, media_type): OpenApiResponse(
                BODIES.get(name, OpenApiTypes.STR), description=f"The {name} export, streamed."
            )
        },
    )(get)
    attributes = {"format_name": name, "get": get, "__doc__": ReportView.__doc__}
    view: type[ReportView] = type(f"{name.title()}ReportView", (ReportView,), attributes)
    return view.as_view()
