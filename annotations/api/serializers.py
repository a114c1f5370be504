"""API representations (read) and action inputs (validated here, ruled on by the workflow)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import selectors
from annotations.actions import ClaimAction, Input
from annotations.models import (
    Claim,
    ClaimOccurrence,
    Correction,
    DocumentVersion,
    Evidence,
    Feed,
    Import,
    ImportItem,
    ReviewEvent,
    SourceDocument,
    Suggestion,
)

# --- Read ---------------------------------------------------------------------------------------


class ReadSerializer(serializers.ModelSerializer):
    """A model serializer whose fields are built from the model once per class, not per instance.

    DRF works each field out from the model again for every serializer made, a sixth of a claim's
    detail; each instance gets a copy of the fields built the first time, unbound, as DRF copies
    the declared ones. (The fields depend on the class alone: nothing here reads the request.)
    """

    _built_fields: ClassVar[dict[str, serializers.Field]]

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)


class DocumentSerializer(ReadSerializer):
    class Meta:
        model = SourceDocument
        fields = [
            "id", "title", "publisher", "author", "url", "published_on", "language", "file_name", "origin",
            "content_hash", "version", "revision", "loaded_at", "updated_at",
        ]  # fmt: skip


class DocumentClaimSerializer(ReadSerializer):
    """A claim as it occurs in one document."""

    id = serializers.IntegerField(source="claim.id")
    text = serializers.CharField(source="claim.text")
    status = serializers.CharField(source="claim.status")
    verdict = serializers.CharField(source="claim.verdict")

    class Meta:
        model = ClaimOccurrence
        fields = ["id", "text", "status", "verdict", "start", "end", "position"]


class DocumentVersionSerializer(ReadSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["number", "content_hash", "url", "created_at"]


class DocumentDetailSerializer(DocumentSerializer):
    text = serializers.CharField()
    claims = DocumentClaimSerializer(source="occurrences", many=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "claims"]


class OccurrenceSerializer(ReadSerializer):
    document_title = serializers.CharField(source="document.title")
    removed_in = serializers.IntegerField(
        allow_null=True, help_text="The document version from which the sentence is no longer in the article."
    )

    class Meta:
        model = ClaimOccurrence
        fields = ["document", "document_title", "start", "end", "position", "version", "removed_in"]


class EvidenceSerializer(ReadSerializer):
    added_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "stance",
            "url",
            "document",
            "start",
            "end",
            "title",
            "excerpt",
            "added_by",
            "added_at",
        ]


class SuggestionSerializer(ReadSerializer):
    """A passage of another document that may state the same fact as the claim."""

    document_title = serializers.CharField(source="document.title", read_only=True)
    passage = serializers.CharField(read_only=True, help_text="The passage's text, cut from the document.")
    attached_as = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The evidence item the passage is attached as, if it is."
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "document",
            "document_title",
            "start",
            "end",
            "passage",
            "passage_claim",
            "score",
            "stance",
            "reason",
            "attached_as",
            "created_at",
        ]


class ClaimSerializer(ReadSerializer):
    assignee: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "status",
            "verdict",
            "assignee",
            "version",
            "has_number",
            "has_quote",
            "speaker",
            "created_at",
            "updated_at",
        ]


class CorrectionSerializer(ReadSerializer):
    """A published verdict or note changed by a later approval, with the public note saying why."""

    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Correction
        fields = ["id", "created_at", "old_verdict", "new_verdict", "old_note", "new_note", "note", "approved_by"]


class ClaimDetailSerializer(ClaimSerializer):
    submitted_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="The reviewer of the latest approval."
    )
    occurrences = OccurrenceSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    corrections = serializers.SerializerMethodField(help_text="Oldest first.")

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "note",
            "submitted_by",
            "approved_by",
            "approved_at",
            "published_at",
            "published_verdict",
            "published_note",
            "occurrences",
            "evidence",
            "corrections",
        ]

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, claim):
        return CorrectionSerializer(selectors.claim_corrections(claim), many=True).data


class ReviewEventSerializer(ReadSerializer):
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for the loader."
    )

    class Meta:
        model = ReviewEvent
        fields = [
            "id",
            "action",
            "actor",
            "status_before",
            "status_after",
            "verdict_before",
            "verdict_after",
            "comment",
            "details",
            "claim_version",
            "created_at",
        ]


# --- Intake ---------------------------------------------------------------------------------------


class ImportItemSerializer(ReadSerializer):
    class Meta:
        model = ImportItem
        fields = ["position", "name", "status", "error", "note", "document", "version", "claims_added"]


class ImportSerializer(ReadSerializer):
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Import
        fields = [
            "id", "origin", "status", "created_by", "feed", "created_at", "started_at", "finished_at", "attempts",
            "total", "done", "documents_added", "documents_updated", "claims_added", "claims_existing", "dropped",
            "error",
        ]  # fmt: skip


class ImportDetailSerializer(ImportSerializer):
    items = ImportItemSerializer(many=True, read_only=True)

    class Meta(ImportSerializer.Meta):
        fields = [*ImportSerializer.Meta.fields, "items"]


class FeedSerializer(ReadSerializer):
    class Meta:
        model = Feed
        fields = [
            "id", "url", "title", "active", "added_at", "last_checked_at", "next_check_at", "last_error",
            "items_loaded",
        ]  # fmt: skip


class PasteInput(serializers.Serializer):
    """An article to import: its text (pasted), or a web address to fetch; what is known of it."""

    text = serializers.CharField(
        required=False, allow_blank=False, trim_whitespace=False, help_text="The article's text; or give url alone."
    )
    url = serializers.CharField(
        required=False, max_length=2000, help_text="Its address: fetched when no text is given."
    )
    title = serializers.CharField(required=False, max_length=500)
    publisher = serializers.CharField(required=False, max_length=200)
    author = serializers.CharField(required=False, max_length=300)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, max_length=35)

    def validate(self, attrs):
        if not attrs.get("text") and not attrs.get("url"):
            raise serializers.ValidationError({"text": ["Give the article's text, or its url to fetch it."]})
        return attrs


class UploadInput(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(max_length=255, allow_empty_file=False),
        allow_empty=False,
        help_text=".txt, .md, .html or .htm files, one or many (repeat the field).",
    )


class DocumentEditInput(serializers.Serializer):
    revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The document revision the change is based on; a stale one is refused."
    )
    title = serializers.CharField(required=False, max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author = serializers.CharField(required=False, allow_blank=True, max_length=300)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=35)


class FeedInput(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="The RSS or Atom feed's address.")


class FeedChangeInput(serializers.Serializer):
    active = serializers.BooleanField(help_text="False pauses the feed's checks; true resumes them.")


# --- Action inputs ------------------------------------------------------------------------------

VERSION_HELP = "The claim version the change is based on (or send If-Match); a stale one is refused."


def _field(spec: Input) -> serializers.Field:
    help_text = spec.help_text or None
    if spec.kind == "choice":
        assert spec.choices is not None
        return serializers.ChoiceField(choices=spec.choices.choices, required=spec.required, help_text=help_text)
    if spec.kind in ("integer", "document"):
        if spec.required:
            return serializers.IntegerField(min_value=spec.min_value, max_value=spec.max_value, help_text=help_text)
        return serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=spec.min_value, max_value=spec.max_value,
            help_text=help_text,
        )  # fmt: skip
    if spec.required:
        return serializers.CharField(max_length=spec.max_length, help_text=help_text)
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=spec.max_length, help_text=help_text
    )


@cache
def action_input(action: ClaimAction) -> type[serializers.Serializer]:
    """Return the input serializer of ``action``: its inputs and the version the change is based on.

    The target (the evidence or suggestion acted on) is not among them: the API names it in the address.
    """
    fields: dict[str, serializers.Field] = {}
    if action.versioned:
        fields["version"] = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)
    for spec in action.inputs:
        fields[spec.name] = _field(spec)
    name = "".join(part.title() for part in action.name.split("_")) + "Input"
    return serializers.SerializerMetaclass(name, (serializers.Serializer,), fields)
