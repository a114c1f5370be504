"""Imports and feeds in the admin: what was queued, how far each job got, what came of each item."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from .. import forms, roles, workflow
from ..models import Feed, Import, ImportItemStatus, ImportStatus
from .common import ReadOnlyAdminMixin, RoleRequiredMixin, as_id, badge, form_problems

IMPORT_COLOURS = {
    ImportStatus.QUEUED: "#6b7280",
    ImportStatus.RUNNING: "#2563eb",
    ImportStatus.DONE: "#15803d",
    ImportStatus.FAILED: "#be123c",
}
MSG_RETRIED = "Import {id} is queued again."
MSG_FEED_ADDED = "Subscribed to {url}: its first check is queued."
MSG_UNKNOWN_ACTION = "Unknown action {name!r}."


@admin.register(Import)
class ImportAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "number", "origin", "status_badge", "progress", "documents_added", "documents_updated", "claims_added",
        "failed_items", "created_by", "created_at",
    )  # fmt: skip
    list_display_links = ("number",)
    list_filter = ("status", "origin")
    list_select_related = ("created_by",)
    show_full_result_count = False

    class Media:
        css = {"all": ["annotations/admin.css"]}

    def get_queryset(self, request):
        failed = Count("items", filter=Q(items__status=ImportItemStatus.FAILED))
        return super().get_queryset(request).annotate(failed=failed)

    @admin.display(description="import", ordering="id")
    def number(self, batch):
        return f"Import {batch.pk}"

    @admin.display(description="status", ordering="status")
    def status_badge(self, batch):
        return badge(batch.get_status_display(), IMPORT_COLOURS[batch.status])

    @admin.display(description="done")
    def progress(self, batch):
        return format_html(
            '<progress max="{}" value="{}"></progress> {} of {}', batch.total, batch.done, batch.done, batch.total
        )

    @admin.display(description="refused", ordering="failed")
    def failed_items(self, batch):
        return batch.failed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not roles.has_role(request.user):
            raise PermissionDenied
        import_id = as_id(object_id)
        if import_id is None:
            raise Http404(f"No import {object_id!r}.")
        batch = get_object_or_404(Import.objects.select_related("created_by", "feed"), pk=import_id)
        status = 200
        if request.method == "POST":
            name = request.POST.get("_action", "")
            try:
                if name != "retry":
                    raise workflow.InvalidInput(MSG_UNKNOWN_ACTION.format(name=name))
                workflow.import_retry(import_id=batch.pk, actor=request.user)
            except workflow.WorkflowError as error:
                messages.error(request, str(error))
                status = error.status
            else:
                messages.success(request, MSG_RETRIED.format(id=batch.pk))
                return HttpResponseRedirect(request.get_full_path())
        working = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            "title": str(batch),
            "opts": self.opts,
            "original": batch,
            "batch": batch,
            "status_badge": self.status_badge(batch),
            "items": batch.items.select_related("document").defer("content", "document__text").order_by("position"),
            "dropped": sorted(batch.dropped.items()),
            "can_retry": roles.is_editor(request.user) and workflow.retry_refusal(batch) is None,
            "refresh": working,  # the page reloads itself while the job runs
        }
        return TemplateResponse(request, "admin/annotations/import/detail.html", context, status=status)


@admin.register(Feed)
class FeedAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "url", "active", "last_checked_at", "items_loaded", "error", "next_check_at")
    list_filter = ("active",)
    actions = ["check_now", "pause", "resume"]

    def has_add_permission(self, request, obj=None):
        return roles.is_editor(request.user)

    @admin.display(description="last error")
    def error(self, feed):
        return feed.last_error or "—"

    def add_view(self, request, form_url="", extra_context=None):
        """Subscribe to a feed."""
        if not roles.is_editor(request.user):
            raise PermissionDenied
        form, status = forms.FeedForm(), 200
        if request.method == "POST":
            form = forms.FeedForm(request.POST)
            try:
                if not form.is_valid():
                    raise workflow.InvalidInput("Nothing was added: " + form_problems(form))
                feed = workflow.feed_add(actor=request.user, url=form.cleaned_data["url"])
            except workflow.WorkflowError as error:
                messages.error(request, str(error))
                status = error.status
            else:
                messages.success(request, MSG_FEED_ADDED.format(url=feed.url))
                return HttpResponseRedirect(reverse("admin:annotations_feed_changelist"))
        context = {**self.admin_site.each_context(request), "title": "Subscribe to a feed", "opts": self.opts}
        context["form"], context["feed_minutes"] = form, settings.FACTCHECK_FEED_MINUTES
        return TemplateResponse(request, "admin/annotations/feed/add.html", context, status=status)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not roles.is_editor(request.user):
            return {}
        return actions

    def _each(self, request, queryset, verb, call):
        done, refused = 0, []
        for feed_id in queryset.values_list("id", flat=True):
            try:
                call(feed_id)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"Feed {feed_id}: {error}")
        self.message_user(request, f"{done} feed(s) {verb}; {len(refused)} refused.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Check the selected feeds now")
    def check_now(self, request, queryset):
        self._each(
            request, queryset, "queued for a check", lambda pk: workflow.feed_check_now(actor=request.user, feed_id=pk)
        )

    @admin.action(description="Pause the selected feeds")
    def pause(self, request, queryset):
        self._each(
            request,
            queryset,
            "paused",
            lambda pk: workflow.feed_set_active(actor=request.user, feed_id=pk, active=False),
        )

    @admin.action(description="Resume the selected feeds")
    def resume(self, request, queryset):
        self._each(
            request,
            queryset,
            "resumed",
            lambda pk: workflow.feed_set_active(actor=request.user, feed_id=pk, active=True),
        )
