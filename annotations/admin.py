"""The editors' and reviewers' admin. Thin: every change is a call into ``annotations.workflow``."""

from django.contrib import admin, messages

from . import roles, workflow
from .models import Claim, ClaimOccurrence, Evidence, ReviewEvent, SourceDocument


class ReadOnlyAdminMixin:
    """No add, change or delete through generic admin forms: writes go through the workflow."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleRequiredMixin:
    """Users without a fact-check role see nothing."""

    def has_module_permission(self, request):
        return roles.has_role(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.has_role(request.user) and super().has_view_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if roles.has_role(request.user) else queryset.none()


class OccurrenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimOccurrence
    fields = ("document", "position", "start", "end")
    readonly_fields = fields
    extra = 0


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    fields = ("stance", "url", "document", "start", "end", "title", "excerpt", "added_by", "added_at")
    readonly_fields = fields
    extra = 0


class ReviewEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewEvent
    fields = ("created_at", "actor", "action", "status_before", "status_after", "verdict_before", "verdict_after", "comment")
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    verbose_name_plural = "review history"


@admin.register(Claim)
class ClaimAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "text", "status", "verdict", "assignee", "updated_at")
    list_filter = ("status", "verdict")
    search_fields = ("text",)
    list_select_related = ("assignee",)
    readonly_fields = ("text", "status", "verdict", "note", "assignee", "submitted_by", "version", "created_at", "updated_at")
    inlines = [OccurrenceInline, EvidenceInline, ReviewEventInline]
    actions = ["assign_to_me"]

    def has_change_permission(self, request, obj=None):
        # The change page is shown read-only; actions still need the model permission.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not roles.is_editor(request.user):
            actions.pop("assign_to_me", None)
        return actions

    @admin.action(description="Assign selected claims to me")
    def assign_to_me(self, request, queryset):
        done, refused = 0, []
        for claim_id in queryset.values_list("id", flat=True):
            try:
                workflow.claim_assign(claim_id=claim_id, actor=request.user)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"#{claim_id}: {error}")
        if done:
            self.message_user(request, f"{done} claim(s) assigned to you.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)


@admin.register(SourceDocument)
class SourceDocumentAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "publisher", "published_on", "file_name", "loaded_at")
    search_fields = ("title", "publisher", "file_name")
    readonly_fields = ("title", "publisher", "url", "published_on", "file_name", "content_hash", "loaded_at", "text")


@admin.register(ReviewEvent)
class ReviewEventAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "claim", "actor", "action", "status_before", "status_after", "verdict_after")
    list_filter = ("action",)
    list_select_related = ("claim", "actor")
    readonly_fields = (
        "claim", "actor", "action", "status_before", "status_after", "verdict_before",
        "verdict_after", "comment", "details", "claim_version", "created_at",
    )
