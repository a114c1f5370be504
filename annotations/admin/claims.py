"""The claims in the admin: the list with its filters and bulk actions, the claim page, the review queue.

Thin: generic add/change/delete forms are off; every change is a call into ``annotations.workflow``,
and every refusal comes back as the workflow's message. Read paths come from ``selectors``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from .. import corroboration, exports, forms, roles, selectors, vocabulary, workflow
from ..actions import APPROVE, ASSIGN, BY_NAME, CLAIM_ACTIONS
from ..models import Claim, SourceDocument
from ..pagination import FirstGroupPaginator
from .common import ReadOnlyAdminMixin, RoleRequiredMixin, as_id, badge, form_problems

MSG_BULK_UNSEEN = "not approved: approve only claims shown on the page, so that you have seen their verdict."
MSG_UNKNOWN_ACTION = "Unknown action {name!r}."
MSG_SOURCE_CHANGED = "An article it appears in changed after its verdict was ruled."


# --- Claim list filters -------------------------------------------------------------------------


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("me", "Assigned to me"), ("me_open", "My open work"), ("none", "Unassigned")] + [
            (str(user.pk), user.get_username()) for user in roles.editors()
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "me_open":
            return queryset.filter(selectors.my_open_work(request.user))
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value:
            user_id = as_id(value)
            return queryset.filter(assignee_id=user_id) if user_id else queryset.none()
        return queryset


class AwaitingMyReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("mine", "Awaiting my review")] if roles.is_reviewer(request.user) else []

    def queryset(self, request, queryset):
        if self.value() == "mine":
            if not roles.is_reviewer(request.user):
                return queryset.none()
            return queryset.filter(selectors.awaiting_review_by(request.user))
        return queryset


class DocumentFilter(admin.SimpleListFilter):
    title = "document"
    parameter_name = "document"

    def lookups(self, request, model_admin):
        return [
            (str(pk), Truncator(title).chars(60))
            for pk, title in SourceDocument.objects.values_list("pk", "title")[:200]
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            document_id = as_id(value)
            if document_id is None:
                return queryset.none()
            return queryset.filter(occurrences__document_id=document_id).distinct()
        return queryset


class YesNoFilter(admin.SimpleListFilter):
    """Claims that meet ``condition`` (yes) or do not (no)."""

    condition: Q
    labels = ("Yes", "No")

    def lookups(self, request, model_admin):
        return list(zip(("yes", "no"), self.labels, strict=True))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition)
        if self.value() == "no":
            return queryset.exclude(self.condition)
        return queryset


class AttributedFilter(YesNoFilter):
    title = "attributed"
    parameter_name = "attributed"
    condition = ~Q(speaker="")
    labels = ("To a speaker", "To nobody named")


class HasNumberFilter(YesNoFilter):
    title = "states a number"
    parameter_name = "has_number"
    condition = Q(has_number=True)


class HasQuoteFilter(YesNoFilter):
    title = "quotes someone"
    parameter_name = "has_quote"
    condition = Q(has_quote=True)


class SourceChangedFilter(YesNoFilter):
    title = "source changed after the verdict"
    parameter_name = "source_changed"
    condition = Q(source_changed_at__isnull=False)


# Check-worthiness signals, sorted by: neither, a quote, a number, both.
SIGNALS_ORDER = Case(
    When(has_number=True, has_quote=True, then=Value(3)),
    When(has_number=True, then=Value(2)),
    When(has_quote=True, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def signal_markers(claim):
    """Return the small markers for a claim's number and quotation, each explained on hover."""
    markers = []
    if claim.has_number:
        markers.append(("#", "States a number"))
    if claim.has_quote:
        markers.append(("“”", "Contains a quotation"))
    return format_html_join(" ", '<span class="fc-signal" title="{1}">{0}</span>', markers)


# --- Claims -------------------------------------------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "short_text", "speaker_name", "signals", "documents", "status_badge", "verdict_badge", "assignee", "evidence",
        "last_change", "version_seen",
    )  # fmt: skip
    list_display_links = ("short_text",)
    list_filter = (
        AwaitingMyReviewFilter, AssigneeFilter, "status", "verdict", AttributedFilter, HasNumberFilter, HasQuoteFilter,
        SourceChangedFilter, DocumentFilter,
    )  # fmt: skip
    search_fields = ("text",)
    list_per_page = 50
    # The filtered count is computed once; the unfiltered one is not needed.
    show_full_result_count = False
    action_form = forms.ClaimActionForm
    actions = [
        "assign_to_me", "assign_to_editor", "approve_selected",
        "export_csv", "export_json", "export_claimreview", "export_html",
    ]  # fmt: skip

    class Media:
        css = {"all": ["annotations/admin.css"]}

    # Rows

    ORDERING = ("mine_first", "id")

    def get_queryset(self, request):
        return selectors.claim_list(request.user).annotate(
            mine_first=Case(
                When(selectors.my_open_work(request.user), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )

    def get_ordering(self, request):
        return list(self.ORDERING)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return FirstGroupPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            first=selectors.my_open_work(request.user),
            ordering=self.ORDERING,
        )

    def get_search_results(self, request, queryset, search_term):
        return selectors.search_claims(queryset, search_term), False

    @admin.display(description="claim", ordering="text")
    def short_text(self, claim):
        text = format_html('<span title="{}">{}</span>', claim.text, Truncator(claim.text).chars(110))
        if claim.source_changed_at:
            return format_html('{} <span class="fc-flag" title="{}">source changed</span>', text, MSG_SOURCE_CHANGED)
        return text

    @admin.display(description="said by", ordering="speaker", empty_value="—")
    def speaker_name(self, claim):
        return claim.speaker or None

    @admin.display(description="signals", ordering=SIGNALS_ORDER)
    def signals(self, claim):
        return signal_markers(claim)

    @admin.display(description="document(s)")
    def documents(self, claim):
        seen: dict[int, str] = {}
        for occurrence in claim.occurrences.all():
            seen.setdefault(occurrence.document.pk, occurrence.document.title)
        return format_html_join(
            ", ",
            '<a href="{}" title="{}">{}</a>',
            (
                (reverse("admin:annotations_sourcedocument_change", args=[pk]), title, Truncator(title).chars(30))
                for pk, title in seen.items()
            ),
        )

    @admin.display(description="status", ordering="status")
    def status_badge(self, claim):
        return badge(claim.get_status_display(), vocabulary.status_colour(claim.status))

    @admin.display(description="verdict", ordering="verdict")
    def verdict_badge(self, claim):
        return badge(claim.get_verdict_display() or "—", vocabulary.verdict_colour(claim.verdict))

    @admin.display(description="version")
    def version_seen(self, claim):
        # Posted with a bulk action, so that a claim changed since the list loaded is refused.
        return format_html(
            '{}<input type="hidden" name="version_{}" value="{}">', claim.version, claim.pk, claim.version
        )

    @admin.display(description="last change", ordering="updated_at")
    def last_change(self, claim):
        return claim.updated_at

    @admin.display(description="evidence")
    def evidence(self, claim):
        return len(claim.evidence.all())

    # Bulk actions: each claim goes through the workflow; the message reports every refusal.

    # The bulk actions that run a claim action, for the role it needs.
    BULK = {"assign_to_me": ASSIGN, "assign_to_editor": ASSIGN, "approve_selected": APPROVE}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        for name, claim_action in self.BULK.items():
            if not claim_action.offered_to(request.user):
                actions.pop(name, None)
        return actions

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if any(as_id(value) is None for value in selected):
            self.message_user(request, "Nothing was changed: the selection holds an invalid claim id.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)

    def _bulk(self, request, queryset, verb, action, *, needs_version=False, **values):
        """Run the claim ``action`` with ``values`` on each selected claim, as of the version seen."""
        done, refused = 0, []
        for claim_id in queryset.order_by().values_list("id", flat=True).distinct():
            seen = request.POST.get(f"version_{claim_id}")
            if needs_version and seen is None:
                refused.append(f"Claim {claim_id}: {MSG_BULK_UNSEEN}")
                continue
            try:
                action.perform(claim_id=claim_id, actor=request.user, version=seen, **values)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"Claim {claim_id}: {error}")
        level = messages.SUCCESS if not refused else messages.WARNING
        self.message_user(request, f"{done} claim(s) {verb}; {len(refused)} refused.", level)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Assign selected claims to me")
    def assign_to_me(self, request, queryset):
        self._bulk(request, queryset, "assigned to you", ASSIGN)

    @admin.action(description="Assign selected claims to the editor chosen")
    def assign_to_editor(self, request, queryset):
        form = forms.AssigneeForm(request.POST)
        if not form.is_valid() or form.cleaned_data["assignee"] is None:
            self.message_user(request, "Choose the editor to assign the claims to.", messages.ERROR)
            return
        assignee = form.cleaned_data["assignee"]
        self._bulk(request, queryset, f"assigned to {assignee.get_username()}", ASSIGN, assignee=assignee)

    @admin.action(description="Approve selected claims")
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, "approved", APPROVE, needs_version=True)

    # Exports of the selection: streamed downloads, nothing changes.

    def _export(self, request, queryset, name):
        ids = list(queryset.order_by().values_list("id", flat=True).distinct())
        return exports.streaming_response(name, exports.ExportFilters(claim_ids=tuple(sorted(ids))))

    @admin.action(description="Export selected claims as CSV")
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description="Export selected claims as JSON")
    def export_json(self, request, queryset):
        return self._export(request, queryset, "json")

    @admin.action(description="Export selected claims as ClaimReview (approved ones)")
    def export_claimreview(self, request, queryset):
        return self._export(request, queryset, "claimreview")

    @admin.action(description="Export selected claims as an HTML report")
    def export_html(self, request, queryset):
        return self._export(request, queryset, "html")

    # The claim page

    def get_urls(self):
        return [
            path("queue/", self.admin_site.admin_view(self.queue_view), name="annotations_claim_queue"),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        """Claims in review that this reviewer may approve, oldest first."""
        if not roles.is_reviewer(request.user):
            raise PermissionDenied
        claims = selectors.claims_awaiting_review(request.user)[:200]
        context = {
            **self.admin_site.each_context(request),
            "title": "Awaiting my review",
            "opts": self.opts,
            "claims": claims,
        }
        return TemplateResponse(request, "admin/annotations/claim/queue.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not roles.has_role(request.user):
            raise PermissionDenied
        claim_id = as_id(object_id)
        if claim_id is None:
            raise Http404(f"No claim {object_id!r}.")
        claim = get_object_or_404(Claim.objects.select_related("assignee", "submitted_by", "approved_by"), pk=claim_id)
        bound, refusal = {}, None
        if request.method == "POST":
            outcome = self._perform(request, claim)
            if outcome is None:
                return HttpResponseRedirect(request.get_full_path())
            bound, refusal = outcome
            claim.refresh_from_db()
        return self._render_claim(request, claim, bound, refusal)

    def _perform(self, request, claim):
        """Run the posted action; return None on success, else (bound forms, the refusal if the workflow's)."""
        name = request.POST.get("_action", "")
        action = BY_NAME.get(name)
        if action is None:
            messages.error(request, MSG_UNKNOWN_ACTION.format(name=name))
            return {}, None
        form = forms.action_form(action)(request.POST, choices=self._choices(claim, action))
        if not form.is_valid():
            messages.error(request, f"Nothing was changed: {form_problems(form)}")
            return {action.name: form}, None
        values = dict(form.cleaned_data)
        version = values.pop("version", None)
        try:
            action.perform(claim_id=claim.pk, actor=request.user, version=version, **values)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            return {action.name: form}, error
        messages.success(request, action.done)
        return None

    @staticmethod
    def _choices(claim, action) -> dict[str, list[tuple[int, str]]]:
        """Return the choices of the action's document inputs: the documents the claim may cite."""
        names = [spec.name for spec in action.inputs if spec.kind == "document"]
        if not names:
            return {}
        documents = list(selectors.documents_for_passages(claim).values_list("pk", "title"))
        return dict.fromkeys(names, documents)

    def _suggestions(self, claim):
        """Return the claim's suggested passages, each with its text cut into shared and other words."""
        suggestions = list(selectors.claim_suggestions(claim.pk))
        for suggestion in suggestions:
            suggestion.segments = corroboration.highlighted(claim.text, suggestion.passage)
        return suggestions

    def _render_claim(self, request, claim, bound, refusal):
        """Render the claim page; after a refused post, with the forms as sent and the refusal's status."""
        status = 200 if request.method == "GET" else (refusal.status if refusal else 400)
        allowed = set(workflow.allowed_actions(claim, request.user))
        offered: dict[str, list] = {}
        for action in CLAIM_ACTIONS:
            if action.event in allowed:
                form = bound.get(action.name) or forms.action_form(action)(
                    initial={"version": claim.version}, choices=self._choices(claim, action)
                )
                offered.setdefault(action.place, []).append((action, form))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Claim {claim.pk}",
            "subtitle": None,
            "opts": self.opts,
            "original": claim,
            "claim": claim,
            "has_view_permission": True,
            "offered": offered,
            "claim_frozen": vocabulary.STATUSES[claim.status].frozen,
            "in_context": selectors.claim_in_context(claim),
            "evidence": selectors.claim_evidence(claim),
            "suggestions": self._suggestions(claim),
            "corrections": selectors.claim_corrections(claim),
            "history": selectors.claim_history(claim),
            "status_badge": self.status_badge(claim),
            "verdict_badge": self.verdict_badge(claim),
            "is_conflict": isinstance(refusal, workflow.Conflict),
        }
        return TemplateResponse(request, "admin/annotations/claim/work.html", context, status=status)
