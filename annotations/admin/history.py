"""The review history in the admin: read-only for everyone."""

from django.contrib import admin

from ..models import ReviewEvent
from .common import ReadOnlyAdminMixin, RoleRequiredMixin


@admin.register(ReviewEvent)
class ReviewEventAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "claim", "actor", "action", "status_before", "status_after", "verdict_after")
    list_filter = ("action",)
    list_select_related = ("claim", "actor")
    show_full_result_count = False
    readonly_fields = (
        "claim",
        "actor",
        "action",
        "status_before",
        "status_after",
        "verdict_before",
        "verdict_after",
        "comment",
        "details",
        "claim_version",
        "created_at",
    )
