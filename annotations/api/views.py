"""The REST API: thin views that validate input and call the workflow.

Every claim response carries the claim's version and an ``ETag``; writes take ``If-Match`` (the
ETag, or a bare version number) or a ``version`` field. A stale ``If-Match`` gets 412, a stale
``version`` 409; either way nothing changes.
"""

import json
import re
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from annotations import actions, selectors, vocabulary, workflow
from annotations.models import (
    Claim,
    ClaimOccurrence,
    ClaimStatus,
    Evidence,
    Feed,
    Import,
    ImportItem,
    SourceDocument,
    Verdict,
)

from . import serializers
from .exceptions import PreconditionFailed
from .parsers import JSONBodyParser
from .permissions import HasFactcheckRole

ETAG = re.compile(r'^(?:W/)?"?(?:claim-(\d+)-v)?(\d+)"?$')
MSG_BAD_IF_MATCH = 'If-Match must be the claim\'s ETag (e.g. "claim-12-v3") or its version number.'


def claim_etag(claim) -> str:
    return f'"claim-{claim.pk}-v{claim.version}"'


MSG_OTHER_CLAIM = "If-Match names claim {tagged}, not claim {claim}."


def expected_version(request, data, claim_id: int) -> tuple[int | None, bool]:
    """Return the version the caller based the write on, and whether it came from If-Match."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        match = ETAG.match(header)
        if not match:
            raise workflow.InvalidInput(MSG_BAD_IF_MATCH)
        tagged, version = match.groups()
        if tagged is not None and int(tagged) != claim_id:
            raise PreconditionFailed(MSG_OTHER_CLAIM.format(tagged=tagged, claim=claim_id))
        return int(version), True
    return data.get("version"), False


class KeysetCursorPagination(CursorPagination):
    """Cursor pages positioned on every ordering field (the id last), not only on the first.

    DRF's cursor keeps the first field's value and steps over the rows that tie on it with an
    offset, capped at 1,000: ordered by a yes/no signal, half the table ties, and past 1,000 rows
    the pages repeat. Here a cursor holds the last row's value of each ordering field, and the next
    page is the rows after it in that order: ties cost nothing, and no page skips or repeats a row.
    The ordering must end with the id (``StableOrderingFilter`` sees to it).
    """

    # DRF's Cursor, its position holding this class's JSON list (DRF's own holds one value).
    cursor: Any

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        assert size is not None  # the class sets a page size
        self.page_size = size
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        ordering = [_reversed(field) for field in self.ordering] if reverse else list(self.ordering)
        queryset = queryset.order_by(*ordering)
        if self.cursor is not None and self.cursor.position is not None:
            queryset = queryset.filter(self._after(queryset.model, ordering, self.cursor.position))
        rows = list(queryset[: size + 1])
        self.page = rows[:size]
        more = len(rows) > size
        positioned = self.cursor is not None and self.cursor.position is not None
        if reverse:
            self.page.reverse()
        self.has_next, self.has_previous = (positioned, more) if reverse else (more, positioned)
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def get_next_link(self):
        if not self.has_next:
            return None
        position = self._position(self.page[-1]) if self.page else self.cursor.position
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=cast(Any, position)))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._position(self.page[0]) if self.page else self.cursor.position
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=cast(Any, position)))

    def _position(self, row) -> str:
        return json.dumps([str(getattr(row, field.lstrip("-"))) for field in self.ordering])

    def _after(self, model, ordering, position: str) -> Q:
        """Return the condition "after ``position`` in ``ordering``": (a > x) or (a = x and b > y) ..."""
        try:
            values = json.loads(position)
            # A position is a list of the texts ``_position`` writes: no null (which no filter takes),
            # no NUL character (which PostgreSQL's text refuses), nothing else.
            if not isinstance(values, list) or len(values) != len(ordering):
                raise ValueError(position)
            if not all(isinstance(value, str) and "\x00" not in value for value in values):
                raise ValueError(position)
            values = [_model_field(model, f.lstrip("-")).to_python(v) for f, v in zip(ordering, values, strict=True)]
        except (ValueError, TypeError, ValidationError, RecursionError):
            raise NotFound(self.invalid_cursor_message) from None
        after, tied = Q(pk__in=[]), Q()
        for field, value in zip(ordering, values, strict=True):
            name = field.lstrip("-")
            after |= tied & Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": value})
            tied &= Q(**{name: value})
        # The same rows, with the first field's bound stated on its own: an index on the ordering
        # can start its walk there (the "or" alone would be a filter on every row before the page).
        first = ordering[0]
        bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
        return bound & after


def _model_field(model, name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


class ClaimCursorPagination(KeysetCursorPagination):
    ordering = ("-checkworthiness", "id")  # ClaimViewSet.ordering, which StableOrderingFilter gives
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


ASSIGNEE_PATTERN = r"^(me|none|[0-9]{1,18})$"


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``, any case); anything else is refused rather than ignored."""

    widget = forms.TextInput  # the raw value, not a select's guess

    def to_python(self, value):
        if value in (None, ""):
            return None
        value = str(value).lower()
        if value not in ("true", "1", "false", "0"):
            raise ValidationError("Enter true or false.", code="invalid")
        return value in ("true", "1")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


MSG_WORTH_RANGE = "checkworthiness_min ({low}) is above checkworthiness_max ({high}): nothing could match."


class ClaimFilterForm(forms.Form):
    """The list's filters as a form: each field checks itself; here, what they mean together."""

    def clean(self):
        data = super().clean() or {}
        low, high = data.get("checkworthiness_min"), data.get("checkworthiness_max")
        if low is not None and high is not None and low > high:
            self.add_error("checkworthiness_min", MSG_WORTH_RANGE.format(low=low, high=high))
        return data


class ClaimFilter(django_filters.FilterSet):
    """The claim list's filters. Claims closed in triage (dismissed, merged, split) are left out unless
    ``status`` names one of their statuses or ``include_closed`` is true."""

    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    include_closed = BooleanFilter(
        method="filter_include_closed",
        help_text="Include the claims closed in triage (dismissed, merged, split), left out by default.",
    )
    checkworthiness_band = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label, _low, _high in vocabulary.CHECKWORTHINESS_BANDS],
        method="filter_band",
        help_text="A band of check-worthiness: "
        + ", ".join(f"{value} {label.partition(' ')[2]}" for value, label, *_range in vocabulary.CHECKWORTHINESS_BANDS)
        + ".",
    )
    checkworthiness_min = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="gte", min_value=0, max_value=1,
        help_text="The lowest check-worthiness, 0 to 1 (included).",
    )  # fmt: skip
    checkworthiness_max = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="lte", min_value=0, max_value=1,
        help_text="The highest check-worthiness, 0 to 1 (included).",
    )  # fmt: skip
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    document = django_filters.NumberFilter(method="filter_document", min_value=1, max_value=2**63 - 1, decimal_places=0)
    assignee = django_filters.CharFilter(
        method="filter_assignee",
        help_text='A user id, "me" or "none".',
        validators=[RegexValidator(ASSIGNEE_PATTERN, 'Enter a user id, "me" or "none".')],
    )
    q = django_filters.CharFilter(method="filter_text", help_text="Words the claim text contains.")
    has_number = BooleanFilter(help_text="States a number (true) or not (false).")
    has_quote = BooleanFilter(help_text="Contains a quotation (true) or not (false).")
    attributed = BooleanFilter(
        method="filter_attributed", help_text="Attributed to a speaker (true) or to nobody named (false)."
    )
    source_changed = BooleanFilter(
        method="filter_source_changed",
        help_text="An article it appears in changed after its verdict was ruled (true), or not (false).",
    )
    speaker = django_filters.CharFilter(
        lookup_expr="icontains", max_length=200, help_text="Part of the speaker's name, in any case."
    )

    class Meta:
        model = Claim
        form = ClaimFilterForm
        fields = [
            "status", "include_closed", "verdict", "document", "assignee", "q", "has_number", "has_quote",
            "attributed", "speaker", "source_changed", "checkworthiness_band", "checkworthiness_min",
            "checkworthiness_max",
        ]  # fmt: skip

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("include_closed") or data.get("status") in vocabulary.CLOSED_STATUSES:
            return queryset
        return selectors.open_claims(queryset)

    def filter_include_closed(self, queryset, name, value):
        return queryset  # read by filter_queryset: it decides whether the closed claims are left out

    def filter_band(self, queryset, name, value):
        low, high = vocabulary.band_range(value) or (0.0, 0.0)
        return queryset.filter(checkworthiness__gte=low, checkworthiness__lt=high)

    def filter_document(self, queryset, name, value):
        return queryset.filter(occurrences__document_id=int(value)).distinct()

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_text(self, queryset, name, value):
        return selectors.search_claims(queryset, value)

    def filter_source_changed(self, queryset, name, value):
        return queryset.exclude(source_changed_at=None) if value else queryset.filter(source_changed_at=None)

    def filter_attributed(self, queryset, name, value):
        return queryset.exclude(speaker="") if value else queryset.filter(speaker="")


class StableOrderingFilter(filters.OrderingFilter):
    """Add the id to any ordering that lacks it, so that ties cannot skip or repeat across pages.

    Ties go the first field's way (``-updated_at``: the newest id first), unless the view's
    ``ordering_ties`` names the id's direction for that field: the claims' ``-checkworthiness`` ties
    go by id ascending, the order of the index ``claim_worth_idx``, which the database then walks
    (backwards for ``checkworthiness``) instead of sorting the table.
    """

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ties = getattr(view, "ordering_ties", {})
            ordering.append(ties.get(ordering[0], "-id" if ordering[0].startswith("-") else "id"))
        return ordering

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = ", ".join(view.ordering_fields)
        default = ",".join(view.ordering)
        for parameter in parameters:
            parameter["description"] = (
                f"Order by {fields}: several, comma-separated, `-` for descending. Default: {default}. Ties go by id."
            )
        return parameters


class DocumentCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r'^(W/)?"?(claim-[0-9]+-v)?[0-9]+"?$',
    description="The claim's ETag (or its version number) the change is based on; a stale one gets 412.",
)


DOCUMENT_TAG = re.compile(r'^(?:W/)?"?(?:document-(\d+)-r)?(\d+)"?$')
DOCUMENT_IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r'^(W/)?"?(document-[0-9]+-r)?[0-9]+"?$',
    description='The document\'s revision the change is based on ("document-3-r2" or 2); a stale one gets 412.',
)


class RoleRequiredMixin(APIView):
    # Two classes, not IsAuthenticated & HasFactcheckRole: the composed class loses each one's message.
    permission_classes = (IsAuthenticated, HasFactcheckRole)
    # Ids in addresses are ASCII digits: Python's int() would also read "１" (fullwidth) or "١" as 1.
    lookup_value_regex = "[0-9]{1,18}"


# The files of an upload, as a client sends them: binary parts (drf-spectacular would describe
# the input's FileFields as addresses).
UPLOAD_REQUEST = {
    "type": "object",
    "properties": {
        "file": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": ".txt, .md, .html or .htm files, one or many (repeat the field).",
        }
    },
    "required": ["file"],
}


class DocumentViewSet(RoleRequiredMixin, viewsets.ReadOnlyModelViewSet):
    """Loaded source documents; a document's detail lists its claims in order. POST imports articles."""

    queryset = SourceDocument.objects.order_by("id")
    pagination_class = DocumentCursorPagination
    parser_classes = [JSONBodyParser, FormParser, MultiPartParser]

    def get_queryset(self):
        if self.action == "retrieve":
            current = ClaimOccurrence.objects.filter(removed_in__isnull=True).select_related("claim")
            return SourceDocument.objects.prefetch_related(
                Prefetch("occurrences", queryset=current.order_by("position"))
            )
        if self.action in ("list", "versions"):
            return SourceDocument.objects.defer("text").order_by("id")
        return SourceDocument.objects.only("id")

    def get_serializer_class(self):
        return serializers.DocumentDetailSerializer if self.action == "retrieve" else serializers.DocumentSerializer

    @extend_schema(
        request={
            "application/json": serializers.PasteInput,
            "multipart/form-data": UPLOAD_REQUEST,
        },
        responses={202: serializers.ImportSerializer},
        description=(
            "Import articles: JSON with the text (and what is known of it), or with a url alone to fetch it; or "
            "multipart with one or many files (.txt, .md, .html, .htm). Answers 202 with the import, queued: "
            "follow its address (Location) for its progress."
        ),
    )
    def create(self, request, *args, **kwargs):
        if request.content_type.startswith("multipart/"):
            upload = serializers.UploadInput(data={"file": request.FILES.getlist("file")})
            upload.is_valid(raise_exception=True)
            files = [(item.name, item.read()) for item in upload.validated_data["file"]]
            batch = workflow.import_upload(actor=request.user, files=files)
        else:
            paste = serializers.PasteInput(data=request.data)
            paste.is_valid(raise_exception=True)
            data = dict(paste.validated_data)
            if "text" in data:
                batch = workflow.import_paste(actor=request.user, **data)
            else:
                batch = workflow.import_addresses(actor=request.user, urls=[data["url"]])
        response = Response(serializers.ImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = reverse("import-detail", args=[batch.pk], request=request)
        return response

    @extend_schema(
        request=serializers.DocumentEditInput,
        responses=serializers.DocumentSerializer,
        parameters=[DOCUMENT_IF_MATCH],
        description="Edit what is known of the document; its history keeps each value it had.",
    )
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        edit = serializers.DocumentEditInput(data=request.data)
        edit.is_valid(raise_exception=True)
        data = dict(edit.validated_data)
        revision, from_header = _expected_revision(request, data.pop("revision", None), document.pk)
        try:
            edited = workflow.document_edit(
                document_id=document.pk, actor=request.user, expected_revision=revision, **data
            )
        except workflow.Conflict as error:
            if from_header:
                raise PreconditionFailed(str(error)) from None
            raise
        return Response(serializers.DocumentSerializer(edited).data)

    @extend_schema(responses=serializers.DocumentVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        """The document's versions, newest first (their texts are not included)."""
        document = self.get_object()
        return Response(serializers.DocumentVersionSerializer(selectors.document_versions(document), many=True).data)


def _expected_revision(request, revision, document_id: int) -> tuple[int | None, bool]:
    """Return the revision the caller based the edit on, and whether it came from If-Match."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return revision, False
    match = DOCUMENT_TAG.match(header)
    if not match:
        raise workflow.InvalidInput('If-Match must be the document\'s revision (e.g. "document-3-r2" or 2).')
    tagged, number = match.groups()
    if tagged is not None and int(tagged) != document_id:
        raise PreconditionFailed(f"If-Match names document {tagged}, not document {document_id}.")
    return int(number), True


class ImportViewSet(RoleRequiredMixin, viewsets.ReadOnlyModelViewSet):
    """Imports: what was queued, how far each job got, and what came of each item."""

    pagination_class = DocumentCursorPagination

    def get_queryset(self):
        if self.action == "retrieve":
            items = ImportItem.objects.defer("content").order_by("position")
            return Import.objects.select_related("created_by").prefetch_related(Prefetch("items", queryset=items))
        return Import.objects.select_related("created_by").order_by("id")

    def get_serializer_class(self):
        return serializers.ImportDetailSerializer if self.action == "retrieve" else serializers.ImportSerializer

    @extend_schema(request=None, responses={202: serializers.ImportSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue the import again: its failed items and those not done are tried again."""
        batch = workflow.import_retry(import_id=self.get_object().pk, actor=request.user)
        return Response(serializers.ImportSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


class FeedViewSet(RoleRequiredMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Feeds: subscribe to an RSS or Atom feed; its new items are loaded by a periodic job."""

    queryset = Feed.objects.order_by("id")
    serializer_class = serializers.FeedSerializer
    pagination_class = DocumentCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=serializers.FeedInput, responses={201: serializers.FeedSerializer})
    def create(self, request, *args, **kwargs):
        data = serializers.FeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        feed = workflow.feed_add(actor=request.user, url=data.validated_data["url"])
        return Response(serializers.FeedSerializer(feed).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.FeedChangeInput, responses=serializers.FeedSerializer)
    def partial_update(self, request, *args, **kwargs):
        feed = self.get_object()
        data = serializers.FeedChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        feed = workflow.feed_set_active(actor=request.user, feed_id=feed.pk, active=data.validated_data["active"])
        return Response(serializers.FeedSerializer(feed).data)

    @extend_schema(request=None, responses={202: serializers.FeedSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Queue a check of the feed now."""
        feed = workflow.feed_check_now(actor=request.user, feed_id=self.get_object().pk)
        return Response(serializers.FeedSerializer(feed).data, status=status.HTTP_202_ACCEPTED)


class ClaimViewSet(RoleRequiredMixin, viewsets.ReadOnlyModelViewSet):
    """Claims: list (filters, search, ordering, cursor pages), detail, and the workflow actions."""

    pagination_class = ClaimCursorPagination
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = ClaimFilter
    ordering_fields = ["id", "checkworthiness", "updated_at", "created_at", "has_number", "has_quote", "speaker"]
    # The most worth checking first: the order of the index claim_worth_idx (-checkworthiness, id).
    ordering = ["-checkworthiness", "id"]
    ordering_ties = {"-checkworthiness": "id", "checkworthiness": "-id"}

    def get_queryset(self):
        if self.action == "list":
            return selectors.claim_rows()
        if self.action == "retrieve":
            return selectors.claim_detail()
        # The actions, history and evidence only need the claim to exist: what they answer is read
        # after the change, once.
        return Claim.objects.only("id")

    def get_serializer_class(self):
        return serializers.ClaimSerializer if self.action == "list" else serializers.ClaimDetailSerializer

    def filter_queryset(self, queryset):
        # The list's filters and ordering are for the list: a claim's own address ignores them.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "assignee", OpenApiTypes.STR, pattern=ASSIGNEE_PATTERN, description='A user id, "me" or "none".'
            ),
            OpenApiParameter("document", OpenApiTypes.INT, description="A document id: the claims that occur in it."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._claim_response(self.get_object(), reread=False)

    def _claim_response(self, claim, status_code=status.HTTP_200_OK, *, reread=True):
        if reread:  # after a change: read it again with its joins
            claim = selectors.claim_detail().get(pk=claim.pk)
        response = Response(serializers.ClaimDetailSerializer(claim).data, status=status_code)
        response["ETag"] = claim_etag(claim)
        return response

    def _act(self, request, action: actions.ClaimAction, **target):
        """Validate the input, call the workflow through the action, answer the claim."""
        claim = self.get_object()
        perform(request, action, claim.pk, request.data, target)
        return self._claim_response(claim, status.HTTP_201_CREATED if action.api_created else status.HTTP_200_OK)

    @extend_schema(responses=serializers.ReviewEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        claim = self.get_object()
        events = selectors.claim_history(claim).order_by("id")
        return Response(serializers.ReviewEventSerializer(events, many=True).data)

    @extend_schema(responses=serializers.EvidenceSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def evidence(self, request, pk=None):
        """The claim's evidence, oldest first (POST adds an item)."""
        claim = self.get_object()
        return Response(serializers.EvidenceSerializer(selectors.claim_evidence(claim), many=True).data)

    @extend_schema(responses=serializers.SuggestionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, pk=None):
        """Passages of other documents that may state the same fact, closest first."""
        claim = self.get_object()
        rows = selectors.claim_suggestions(claim.pk)
        return Response(serializers.SuggestionSerializer(rows, many=True).data)


class EvidenceViewSet(RoleRequiredMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """An evidence item; removing it goes through the workflow and answers with the claim."""

    queryset = Evidence.objects.select_related("added_by")
    serializer_class = serializers.EvidenceSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("version", OpenApiTypes.INT, description=serializers.VERSION_HELP),
            IF_MATCH_PARAMETER,
        ],
        responses={200: serializers.ClaimDetailSerializer},
    )
    def destroy(self, request, *args, **kwargs):
        """Remove the evidence item through the workflow; answer its claim."""
        evidence = self.get_object()
        target = {"evidence_id": evidence.pk}
        perform(request, actions.REMOVE_EVIDENCE, evidence.claim_id, request.query_params, target)
        claim = selectors.claim_detail().get(pk=evidence.claim_id)
        response = Response(serializers.ClaimDetailSerializer(claim).data)
        response["ETag"] = claim_etag(claim)
        return response


# --- The claim actions, one endpoint each, from the action table ------------------------------------


def perform(request, action: actions.ClaimAction, claim_id: int, data, target: dict) -> None:
    """Validate ``data`` as the action's input and run it on the claim, as of the version the caller saw."""
    input_serializer = serializers.action_input(action)(data=data)
    input_serializer.is_valid(raise_exception=True)
    values = dict(input_serializer.validated_data)
    version, from_header = expected_version(request, values, claim_id) if action.versioned else (None, False)
    values.pop("version", None)
    try:
        action.perform(claim_id=claim_id, actor=request.user, version=version, **target, **values)
    except workflow.Conflict as error:
        if from_header:
            raise PreconditionFailed(str(error)) from None
        raise


def _endpoint(action: actions.ClaimAction):
    """Return the viewset method serving ``action`` at ``/api/claims/{id}/<its path>/``, and its schema."""

    def endpoint(self, request, pk=None, **target):
        return self._act(request, action, **{name: int(value) for name, value in target.items()})

    endpoint.__name__ = endpoint.__qualname__ = action.name
    endpoint.__doc__ = (action.run.__doc__ or "").strip().splitlines()[0]
    return endpoint, _schema(action)


def _schema(action: actions.ClaimAction):
    """Return the schema decorator of ``action``'s endpoint: its input, its answer, If-Match if versioned."""
    parameters = [IF_MATCH_PARAMETER] if action.versioned else []
    if action.target is not None:
        parameters.append(OpenApiParameter(action.target.name, OpenApiTypes.INT, OpenApiParameter.PATH))
    code = 201 if action.api_created else 200
    # Applied last (outermost): DRF's @action replaces what a schema decorator put on the function.
    return extend_schema(
        request=serializers.action_input(action),
        responses={code: serializers.ClaimDetailSerializer},
        parameters=parameters,
    )


def _add_claim_endpoints(viewset) -> None:
    """Give the claim viewset one POST endpoint per claim action (``actions.CLAIM_ACTIONS``).

    An action at the address of a read (``evidence``) is that read's POST.
    """
    reads = {
        getattr(method, "url_path", None): method for method in vars(viewset).values() if hasattr(method, "mapping")
    }
    for claim_action in actions.CLAIM_ACTIONS:
        if not claim_action.path:
            continue
        method, schema = _endpoint(claim_action)
        if claim_action.path in reads:
            setattr(viewset, claim_action.name, schema(method))
            reads[claim_action.path].mapping.post(method)
            continue
        path = re.sub(r"\{(\w+)\}", r"(?P<\1>[0-9]{1,18})", claim_action.path)
        route = action(detail=True, methods=["post"], url_path=path, url_name=claim_action.name.replace("_", "-"))
        setattr(viewset, claim_action.name, schema(route(method)))


_add_claim_endpoints(ClaimViewSet)


def not_found(request, exception=None):
    """Answer an unknown URL under /api/ in JSON, like every other API error."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No such API address.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)


MSG_BAD_REQUEST = "The request could not be read: {reason}"
MSG_SERVER_ERROR = "The server could not answer this request; the error is logged. Nothing was changed."


def bad_request(request, exception=None):
    """Answer Django's own 400s under /api/ in JSON: a body over the size limit, too many fields."""
    from django.http import JsonResponse
    from django.views.defaults import bad_request as html_bad_request

    if request.path.startswith("/api/"):
        reason = str(exception) if exception is not None and str(exception) else "it is malformed."
        return JsonResponse({"detail": MSG_BAD_REQUEST.format(reason=reason), "code": "bad_request"}, status=400)
    return html_bad_request(request, exception)


def server_error(request):
    """Answer an unexpected error under /api/ in JSON (each write runs in one transaction: undone)."""
    from django.http import JsonResponse
    from django.views.defaults import server_error as html_server_error

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MSG_SERVER_ERROR, "code": "server_error"}, status=500)
    return html_server_error(request)
