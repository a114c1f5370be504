"""API representations (read) and action inputs (validated here, ruled on by the workflow)."""

import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import selectors

from annotations.models import (
    Claim,
    ClaimOccurrence,
    Correction,
    Evidence,
    ReviewEvent,
    SourceDocument,
    Stance,
    Suggestion,
    Verdict,
)

# --- Read ---------------------------------------------------------------------------------------


class ReadSerializer(serializers.ModelSerializer):
    """A model serializer whose fields are built from the model once per class, not per instance.

    DRF works each field out from the model again for every serializer made, a sixth of a claim's
    detail; each instance gets a copy of the fields built the first time, unbound, as DRF copies
    the declared ones. (The fields depend on the class alone: nothing here reads the request.)
    """

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)



class DocumentSerializer(ReadSerializer):
    class Meta:
        model = SourceDocument
        fields = ["id", "title", "publisher", "url", "published_on", "file_name", "content_hash", "loaded_at"]


class DocumentClaimSerializer(ReadSerializer):
    """A claim as it occurs in one document."""

    id = serializers.IntegerField(source="claim.id")
    text = serializers.CharField(source="claim.text")
    status = serializers.CharField(source="claim.status")
    verdict = serializers.CharField(source="claim.verdict")

    class Meta:
        model = ClaimOccurrence
        fields = ["id", "text", "status", "verdict", "start", "end", "position"]


class DocumentDetailSerializer(DocumentSerializer):
    text = serializers.CharField()
    claims = DocumentClaimSerializer(source="occurrences", many=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "claims"]


class OccurrenceSerializer(ReadSerializer):
    document_title = serializers.CharField(source="document.title")

    class Meta:
        model = ClaimOccurrence
        fields = ["document", "document_title", "start", "end", "position"]


class EvidenceSerializer(ReadSerializer):
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "claim", "stance", "url", "document", "start", "end", "title", "excerpt", "added_by", "added_at"]


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
            "id", "document", "document_title", "start", "end", "passage", "passage_claim", "score", "stance",
            "reason", "attached_as", "created_at",
        ]


class ClaimSerializer(ReadSerializer):
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id", "text", "status", "verdict", "assignee", "version", "has_number", "has_quote", "speaker",
            "created_at", "updated_at",
        ]


class CorrectionSerializer(ReadSerializer):
    """A published verdict or note changed by a later approval, with the public note saying why."""

    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Correction
        fields = ["id", "created_at", "old_verdict", "new_verdict", "old_note", "new_note", "note", "approved_by"]


class ClaimDetailSerializer(ClaimSerializer):
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="The reviewer of the latest approval."
    )
    occurrences = OccurrenceSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    corrections = serializers.SerializerMethodField(help_text="Oldest first.")

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields, "note", "submitted_by", "approved_by", "approved_at", "published_at",
            "published_verdict", "published_note", "occurrences", "evidence", "corrections",
        ]

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, claim):
        return CorrectionSerializer(selectors.claim_corrections(claim), many=True).data


class ReviewEventSerializer(ReadSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for the loader."
    )

    class Meta:
        model = ReviewEvent
        fields = [
            "id", "action", "actor", "status_before", "status_after", "verdict_before",
            "verdict_after", "comment", "details", "claim_version", "created_at",
        ]


# --- Action inputs ------------------------------------------------------------------------------


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The claim version the change is based on (or send If-Match); a stale one is refused.",
    )


class AssignInput(VersionInput):
    assignee = serializers.IntegerField(
        required=False, min_value=1, help_text="User id of the editor; default: yourself."
    )


class VerdictInput(VersionInput):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")


class ApproveInput(VersionInput):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    correction = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10_000,
        default="",
        help_text=(
            "The public correction note: required when the claim was published before with another "
            "verdict or note, refused otherwise."
        ),
    )


class ReturnInput(VersionInput):
    comment = serializers.CharField(max_length=10_000, help_text="What the editor should change.")


class ReopenInput(VersionInput):
    reason = serializers.CharField(max_length=10_000)


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=10_000)


class EvidenceInput(VersionInput):
    stance = serializers.ChoiceField(choices=Stance.choices)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    document = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    start = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)
    end = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    excerpt = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")


class SuggestionAttachInput(VersionInput):
    stance = serializers.ChoiceField(
        choices=Stance.choices, required=False, help_text="The evidence's stance; default: the suggested one."
    )


class ErrorSerializer(serializers.Serializer):
    """Every refusal: the reason, a short code, and for invalid input the field at fault."""

    detail = serializers.CharField()
    code = serializers.CharField()
