"""API representations (read) and action inputs (validated here, ruled on by the workflow)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, ClassVar, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import selectors
from annotations.actions import ClaimAction, Input
from annotations.models import (
    Claim,
    ClaimOccurrence,
    Correction,
    DismissalReason,
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


# A pattern rather than an enum: the dismiss action's ``reason`` input holds the same choices, and
# drf-spectacular warns of one choice set under two names unless the settings' ENUM_NAME_OVERRIDES
# names it.
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(DismissalReason.values) + ")?$"})
class DismissalReasonField(serializers.CharField):
    """A claim's dismissal reason, as stored ("" when it is not dismissed)."""


class ClaimSerializer(ReadSerializer):
    assignee: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    checked_text = serializers.CharField(
        read_only=True, help_text="What is checked: the wording if an editor gave one, else the text."
    )
    merged_into: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text="Merged: the id of the claim that took over its occurrences and evidence (its own address answers).",
    )  # fmt: skip
    split_from: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="A part of a split claim: the id of the claim it was split from."
    )
    dismissal_reason = DismissalReasonField(
        read_only=True,
        help_text="Dismissed: why it is not worth checking (" + ", ".join(DismissalReason.values) + "); else empty.",
    )

    class Meta:
        model = Claim
        fields = [
            "id", "text", "wording", "checked_text", "status", "verdict", "assignee", "version", "has_number",
            "has_quote", "speaker", "checkworthiness", "dismissal_reason", "dismissal_note", "merged_into",
            "split_from", "created_at", "updated_at",
        ]  # fmt: skip


class CheckworthinessFeatureSerializer(serializers.Serializer):
    """One feature that raised or lowered a claim's check-worthiness."""

    feature = serializers.CharField(help_text='What was found: "states a number", "a hedge".')
    weight = serializers.FloatField(help_text="What it added to the score's sum (negative: what it took away).")
    found = serializers.CharField(help_text="The words that triggered it.")


def checkworthiness_features(stored) -> list[dict[str, Any]]:
    """Return the stored ``[name, weight, found]`` rows as objects (rows of another shape are left out)."""
    rows = []
    for row in stored if isinstance(stored, list) else ():
        if isinstance(row, list | tuple) and len(row) == 3:
            name, weight, found = row
            rows.append({"feature": str(name), "weight": float(weight), "found": str(found)})
    return rows


class CorrectionSerializer(ReadSerializer):
    """A published verdict or note changed by a later approval, with the public note saying why."""

    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Correction
        fields = [
            "id", "created_at", "old_verdict", "new_verdict", "old_note", "new_note", "old_wording", "new_wording",
            "note", "approved_by",
        ]  # fmt: skip


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
    checkworthiness_features = serializers.SerializerMethodField(
        help_text="What raised or lowered the check-worthiness, as computed at load."
    )
    merged_claims = serializers.SerializerMethodField(help_text="The ids of the claims merged into this one.")
    split_parts = serializers.SerializerMethodField(help_text="Split: the ids of the claims it was split into.")

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "checkworthiness_features",
            "merged_claims",
            "split_parts",
            "note",
            "submitted_by",
            "approved_by",
            "approved_at",
            "published_at",
            "published_verdict",
            "published_note",
            "published_wording",
            "occurrences",
            "evidence",
            "corrections",
        ]

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, claim):
        return CorrectionSerializer(selectors.claim_corrections(claim), many=True).data

    @extend_schema_field(CheckworthinessFeatureSerializer(many=True))
    def get_checkworthiness_features(self, claim):
        return checkworthiness_features(claim.checkworthiness_features)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_merged_claims(self, claim):
        return self._links(claim)[0]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_split_parts(self, claim):
        return self._links(claim)[1]

    def _links(self, claim) -> tuple[list[int], list[int]]:
        """Return the ids of the claims merged into the claim and of its parts, read once for both fields.

        The parts are those the split named, in order: a part may be a claim that was there before.
        """
        links = getattr(claim, "_api_links", None)
        if links is None:
            triage = selectors.claim_triage_links(claim)
            links = [c.pk for c in triage.merged_claims], [c.pk for c in triage.split_parts]
            claim._api_links = links
        return links


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


class ListInput(serializers.ListField):
    """A list input whose items' errors come back as the field's list of messages, each naming its item.

    DRF answers ``{"claims": {"0": ["A valid integer is required."]}}``; every other input answers a
    list of messages, so this one does too: ``{"claims": ["Item 1: A valid integer is required."]}``.
    """

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as error:
            errors = cast(dict, error.detail)
            raise serializers.ValidationError(
                [f"Item {index + 1}: {message}" for index, messages in errors.items() for message in messages]
            ) from None


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
    if spec.kind == "ids":
        return ListInput(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False, min_length=1,
            max_length=spec.max_value, help_text=help_text,
        )  # fmt: skip
    if spec.kind == "lines":
        return ListInput(
            child=serializers.CharField(max_length=spec.max_length), allow_empty=False, min_length=2,
            max_length=spec.max_value, help_text=help_text,
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
