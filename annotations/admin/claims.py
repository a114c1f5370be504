"""The claims in the admin: the list with its filters and bulk actions, the claim page, the review queue.

Thin: generic add/change/delete forms are off; every change is a call into ``annotations.workflow``,
and every refusal comes back as the workflow's message. Read paths come from ``selectors``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import Truncator

from .. import corroboration, exports, forms, roles, selectors, vocabulary, workflow
from ..actions import (
    ADD_EVIDENCE,
    APPROVE,
    ASSIGN,
    BY_NAME,
    CLAIM_ACTIONS,
    DISMISS,
    MERGE,
    REOPEN,
    RESTORE,
    RETURN,
    SUBMIT,
    VERDICT,
)
from ..models import Action, Claim, ClaimStatus, DismissalReason, SourceDocument, Stance, Verdict
from ..pagination import FirstGroupPaginator
from . import navigation
from .common import ReadOnlyAdminMixin, RoleRequiredMixin, as_id, badge, form_problems

MSG_BULK_UNSEEN = "not approved: approve only claims shown on the page, so that you have seen their verdict."
MSG_BULK_NOT_LISTED = "not in the list as filtered (closed in triage, or filtered out): nothing was done to it."
MSG_MERGE_NOT_LISTED = (
    "Nothing was merged: claim(s) {ids} not in the list as filtered (closed in triage, or filtered out)."
)
MSG_DISMISS_NO_REASON = "Choose the reason to dismiss the claims for."
MSG_MERGE_FEW = "Select at least two claims to merge."
MAX_MERGE_CHAIN = 20  # merged claims followed from an old address to the claim still standing
WORTH_TITLE = "Check-worthiness from 0 to 1: open the claim to see why"
MSG_UNKNOWN_ACTION = "Unknown action {name!r}."
MSG_SOURCE_CHANGED = "An article it appears in changed after its verdict was ruled."
MSG_NEXT = "Claim {id} done: here is the next claim of the list."
MSG_STAY = "After submit, approve, return or dismiss, the claim page now stays on the claim."
MSG_GO_ON = "After submit, approve, return or dismiss, the claim page now opens the next claim of the list."

# The claim page's desk: the actions after which the next claim of the list opens (unless the user
# stays), the actions shown disabled with their reason when not available, and the keyboard.
SAVE_AND_NEXT = frozenset({SUBMIT.name, APPROVE.name, RETURN.name, DISMISS.name})
UNAVAILABLE_SHOWN = (ASSIGN, SUBMIT, APPROVE, RETURN, REOPEN, DISMISS)
STANCE_OF_VERDICT = {
    Verdict.VERIFIED: Stance.SUPPORTS,
    Verdict.DISPUTED: Stance.REFUTES,
    Verdict.UNVERIFIED: Stance.CONTEXT,
}
# key -> what it does; the claim page shows each next to its button, and its help overlay lists them.
KEYS = (
    ("j", "next claim of the list or queue"),
    ("k", "previous claim"),
    ("a", "assign to me"),
    ("1", "verdict: verified (then the note)"),
    ("2", "verdict: disputed (then the note)"),
    ("3", "verdict: unverified (then the note)"),
    ("e", "add evidence: the web address"),
    ("c", "cite the selected passage"),
    ("s", "submit for review"),
    ("y", "approve"),
    ("r", "return: the comment"),
    ("d", "dismiss: the reason"),
    ("/", "search claims"),
    ("?", "this help"),
    ("Ctrl+Enter", "send the form being typed in"),
    ("Esc", "leave the field, close this help"),
)


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


class StatusFilter(admin.SimpleListFilter):
    """The claim's status; by default the claims still in the workflow (closed ones have their own).

    A dismissal reason asks for dismissed claims: the default then leaves them in, and choosing a
    status other than dismissed (or any) drops the reason.
    """

    title = "status"
    parameter_name = "status__exact"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*ClaimStatus.choices, (self.ALL, "Any, closed ones too")]

    def choices(self, changelist):
        reason = DismissalReasonFilter.parameter_name
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name, reason]),
            # "All" would be wrong: the closed ones are left out
            "display": "In the workflow",
        }
        for value, label in self.lookup_choices:
            keeps_reason = value in (ClaimStatus.DISMISSED, self.ALL)
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}, [] if keeps_reason else [reason]
                ),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            if request.GET.get(DismissalReasonFilter.parameter_name):
                return queryset
            return queryset.exclude(status__in=vocabulary.CLOSED_STATUSES)
        if value == self.ALL:
            return queryset
        if value in ClaimStatus.values:
            return queryset.filter(status=value)
        return queryset.none()


class CheckworthinessFilter(admin.SimpleListFilter):
    title = "worth checking"
    parameter_name = "worth"

    def lookups(self, request, model_admin):
        return [(name, label) for name, label, _low, _high in vocabulary.CHECKWORTHINESS_BANDS]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        band = vocabulary.band_range(value)
        if band is None:
            return queryset.none()
        return queryset.filter(checkworthiness__gte=band[0], checkworthiness__lt=band[1])


class DismissalReasonFilter(admin.SimpleListFilter):
    """Dismissed claims by the reason given; its links ask for the dismissed status too."""

    title = "dismissed as"
    parameter_name = "dismissal_reason"

    def lookups(self, request, model_admin):
        return DismissalReason.choices

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value, StatusFilter.parameter_name: ClaimStatus.DISMISSED}
                ),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in DismissalReason.values:
            return queryset.none()
        return queryset.filter(status=ClaimStatus.DISMISSED, dismissal_reason=value)


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


# --- Claim list cells ---------------------------------------------------------------------------

CLAIM_CHARS = 300  # more than two lines of the claim column ever show; the title holds the rest
NOBODY_NAMED = "Attributed to nobody named"
NO_PUBLISHER = "publisher not given"
NO_VERDICT = "No verdict yet"


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
    # Few, narrow columns, two lines a row at most (list.css): the list fits a 1366×768 screen beside
    # the filters, with a dozen claims in view.
    list_display = (
        "short_text", "worth", "speaker_name", "documents", "state", "assignee", "evidence", "last_change",
    )  # fmt: skip
    list_display_links = ("short_text",)
    list_filter = (
        AwaitingMyReviewFilter, AssigneeFilter, StatusFilter, "verdict", CheckworthinessFilter, AttributedFilter,
        HasNumberFilter, HasQuoteFilter, SourceChangedFilter, DismissalReasonFilter, DocumentFilter,
    )  # fmt: skip
    search_fields = ("text",)
    list_per_page = 50
    # The filtered count is computed once; the unfiltered one is not needed.
    show_full_result_count = False
    action_form = forms.ClaimActionForm
    actions = [
        "assign_to_me", "assign_to_editor", "approve_selected", "dismiss_selected", "restore_selected",
        "merge_selected", "export_csv", "export_json", "export_claimreview", "export_html",
    ]  # fmt: skip

    class Media:
        css = {"all": ["annotations/admin.css", "annotations/list.css"]}
        js = ["annotations/desk.js"]  # j / k / o on the list's rows, as in the review queue

    # Rows

    # My open work first, then the most worth checking (index claim_worth_idx serves the rest).
    ORDERING = ("mine_first", "-checkworthiness", "id")

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

    def ordering_groups(self, request) -> dict:
        """The ordering's two-group terms and the condition of their first group (``admin.navigation``)."""
        return {"mine_first": selectors.my_open_work(request.user)}

    def get_preserved_filters(self, request):
        """The list's query on every claim link, even the unfiltered list's ("p=1": the admin drops an
        empty one): the claim page then knows its list (``admin.navigation``) and can open the next claim."""
        preserved = super().get_preserved_filters(request)
        match = request.resolver_match
        if preserved or not match or not self.preserve_filters:
            return preserved
        on_list = match.url_name == f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        if on_list or navigation.PRESERVED in request.GET:
            return urlencode({navigation.PRESERVED: "p=1"})
        return preserved

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
        """Return the claim as checked, whole on hover (the style sheet shows two lines), then its flags."""
        shown = claim.checked_text
        title = shown if not claim.wording else f"{shown}\n\nAs it appears: {claim.text}"
        flags = []
        if claim.wording:
            flags.append(("fc-flag fc-reworded", "Reworded for checking", "reworded"))
        if claim.source_changed_at:
            flags.append(("fc-flag", MSG_SOURCE_CHANGED, "source changed"))
        return format_html(
            '<span class="fc-claim-cell"><span class="fc-claim-line" title="{}">{}</span>'
            '<span class="fc-flags">{}</span></span>',
            title, Truncator(shown).chars(CLAIM_CHARS),
            format_html_join("", '<span class="{}" title="{}">{}</span>', flags),
        )  # fmt: skip

    @admin.display(description="worth", ordering="-checkworthiness")
    def worth(self, claim):
        return format_html(
            '<span class="fc-worth fc-worth-{}" title="{}">{}</span>',
            vocabulary.band_of(claim.checkworthiness), WORTH_TITLE, f"{claim.checkworthiness:.2f}",
        )  # fmt: skip

    @admin.display(description="said by", ordering="speaker")
    def speaker_name(self, claim):
        """Return the markers of the claim's number and quotation, then who it is attributed to."""
        if claim.speaker:
            speaker = format_html('<span class="fc-speaker" title="{}">{}</span>', claim.speaker, claim.speaker)
        else:
            speaker = format_html('<span class="fc-speaker fc-nobody" title="{}">—</span>', NOBODY_NAMED)
        return format_html('<span class="fc-said">{} {}</span>', signal_markers(claim), speaker)

    @admin.display(description="document")
    def documents(self, claim):
        """Return the first document the claim appears in, by title and publisher, and how many others."""
        documents: dict[int, SourceDocument] = {}
        for occurrence in claim.occurrences.all():
            documents.setdefault(occurrence.document_id, occurrence.document)
        if not documents:
            return None
        first, *others = documents.values()
        publisher = first.publisher or NO_PUBLISHER
        more = ""
        if others:
            also = "; ".join(f"{document.title} ({document.publisher or NO_PUBLISHER})" for document in others)
            more = format_html(' <span class="fc-doc-more" title="Also in: {}">+{} more</span>', also, len(others))
        return format_html(
            '<a class="fc-doc" href="{}" title="{} ({})">{}</a>'
            '<span class="fc-publisher"><span class="fc-publisher-name">{}</span>{}</span>',
            reverse("admin:annotations_sourcedocument_change", args=[first.pk]), first.title, publisher,
            first.title, publisher, more,
        )  # fmt: skip

    @admin.display(description="status, verdict", ordering="status")
    def state(self, claim):
        """Return the status badge over the verdict's (a quiet dash while there is none)."""
        verdict = (
            self.verdict_badge(claim)
            if claim.verdict
            else format_html('<span class="fc-no-verdict" title="{}">—</span>', NO_VERDICT)
        )
        return format_html('<span class="fc-state">{}{}</span>', self.status_badge(claim), verdict)

    # The badges, in the list's state column and on the claim page.

    def status_badge(self, claim):
        return badge(claim.get_status_display(), vocabulary.status_colour(claim.status))

    def verdict_badge(self, claim):
        return badge(claim.get_verdict_display() or "—", vocabulary.verdict_colour(claim.verdict))

    def version_seen(self, claim):
        # Posted with a bulk action, so that a claim changed since the list loaded is refused.
        return format_html('<input type="hidden" name="version_{}" value="{}">', claim.pk, claim.version)

    @admin.display(description="last change", ordering="updated_at")
    def last_change(self, claim):
        """Return the date over the time and the version, and the version a bulk action posts."""
        when = timezone.localtime(claim.updated_at)
        return format_html(
            '<span title="Changed {}: version {}">{}<br>{} · v{}</span>{}',
            when.isoformat(), claim.version, f"{when:%Y-%m-%d}", f"{when:%H:%M}", claim.version,
            self.version_seen(claim),
        )  # fmt: skip

    @admin.display(description="evidence")
    def evidence(self, claim):
        return len(claim.evidence.all())

    # Bulk actions: each claim goes through the workflow; the message reports every refusal.

    # The bulk actions that run a claim action, for the role it needs.
    BULK = {
        "assign_to_me": ASSIGN, "assign_to_editor": ASSIGN, "approve_selected": APPROVE, "dismiss_selected": DISMISS,
        "restore_selected": RESTORE, "merge_selected": MERGE,
    }  # fmt: skip

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
        claim_ids = list(queryset.order_by().values_list("id", flat=True).distinct())
        listed = set(claim_ids)
        for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
            if as_id(value) is not None and as_id(value) not in listed:
                refused.append(f"Claim {value}: {MSG_BULK_NOT_LISTED}")
        for claim_id in claim_ids:
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

    @admin.action(description="Dismiss selected claims as not worth checking")
    def dismiss_selected(self, request, queryset):
        form = forms.DismissalForm(request.POST)
        if not form.is_valid():
            self.message_user(request, f"Nothing was dismissed: {form_problems(form)}", messages.ERROR)
            return
        if not form.cleaned_data["reason"]:
            self.message_user(request, MSG_DISMISS_NO_REASON, messages.ERROR)
            return
        reason = form.cleaned_data["reason"]
        label = DismissalReason(reason).label.lower()
        self._bulk(request, queryset, f"dismissed ({label})", DISMISS, reason=reason, note=form.cleaned_data["note"])

    @admin.action(description="Restore selected dismissed claims to the queue")
    def restore_selected(self, request, queryset):
        self._bulk(request, queryset, "restored", RESTORE)

    @admin.action(description="Merge selected claims (they state the same fact)")
    def merge_selected(self, request, queryset):
        """Merge the selection into one of them: the one with a verdict, else the most worth checking."""
        claims = list(
            queryset.select_related(None).prefetch_related(None).order_by().distinct()
            .only("id", "verdict", "checkworthiness")
        )  # fmt: skip
        listed = {claim.pk for claim in claims}
        unlisted = [
            value for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME) if as_id(value) not in listed
        ]
        if unlisted:
            self.message_user(request, MSG_MERGE_NOT_LISTED.format(ids=", ".join(unlisted)), messages.ERROR)
            return
        if len(claims) < 2:
            self.message_user(request, MSG_MERGE_FEW, messages.ERROR)
            return
        survivor = min(claims, key=lambda claim: (not claim.verdict, -claim.checkworthiness, claim.pk))
        others = [claim.pk for claim in claims if claim.pk != survivor.pk]
        try:
            MERGE.perform(
                claim_id=survivor.pk, actor=request.user, version=request.POST.get(f"version_{survivor.pk}"),
                claims=others,
            )  # fmt: skip
        except workflow.WorkflowError as error:
            self.message_user(request, f"Nothing was merged: {error}", messages.ERROR)
            return
        url = reverse("admin:annotations_claim_change", args=[survivor.pk])
        self.message_user(
            request,
            format_html('{} claim(s) merged into <a href="{}">claim {}</a>.', len(others), url, survivor.pk),
            messages.SUCCESS,
        )

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
            path(
                "desk-preference/",
                self.admin_site.admin_view(self.desk_preference_view),
                name="annotations_claim_desk_preference",
            ),
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
        claim = self._claim(object_id)
        if request.method == "GET" and claim.merged_into_id and "stay" not in request.GET:
            return self._to_survivor(request, claim)
        # Where the claim stood in its list before the action moves it: "save and next" goes on from there.
        place = navigation.place_of(self, request, claim)
        if request.method != "POST":
            return self._render_claim(request, claim, {}, None, place)
        outcome = self._perform(request, claim)
        if outcome is not None:
            bound, refusal = outcome
            claim.refresh_from_db()
            status = refusal.status if refusal else 400
            return self._render_claim(request, claim, bound, refusal, place, status)
        if request.POST.get("_back") == "queue":  # approved from the queue's row: back to the queue
            return HttpResponseRedirect(reverse("admin:annotations_claim_queue"))
        following = self._next_after(request, place)
        if following is not None:
            messages.info(request, MSG_NEXT.format(id=claim.pk))
            assert place is not None  # there is a next claim: the page was opened from a list
            url = place.claim_url(following.pk) or ""
            if not request.htmx:
                return HttpResponseRedirect(url)
            # In place: the next claim's page in the same answer, its address in the browser's history.
            response = self._render_claim(
                request, following, {}, None, navigation.place_of(self, request, following), here=url
            )
            response["HX-Push-Url"] = url
            return response
        if not request.htmx:
            return HttpResponseRedirect(request.get_full_path())
        claim.refresh_from_db()
        return self._render_claim(request, claim, {}, None, place)

    def _claim(self, object_id):
        claim_id = as_id(object_id)
        if claim_id is None:
            raise Http404(f"No claim {object_id!r}.")
        return get_object_or_404(
            Claim.objects.select_related("assignee", "submitted_by", "approved_by", "merged_into", "split_from"),
            pk=claim_id,
        )

    def _next_after(self, request, place):
        """Return the claim to open after a successful action that ends the work on this one (or None)."""
        if request.POST.get("_action") not in SAVE_AND_NEXT or place is None or place.next is None:
            return None
        if workflow.stays_on_claim(request.user):
            return None
        return self._claim(place.next)

    def desk_preference_view(self, request):
        """Set whether the claim page opens the next claim after submit, approve, return or dismiss."""
        if not roles.has_role(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        stay = request.POST.get("stay_on_claim") in ("1", "on", "true")
        workflow.desk_preference_set(actor=request.user, stay_on_claim=stay)
        messages.success(request, MSG_STAY if stay else MSG_GO_ON)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("admin:annotations_claim_changelist")
        return HttpResponseRedirect(back)

    def _to_survivor(self, request, claim):
        """Lead a merged claim's address to the claim that holds it now; its own page stays reachable."""
        chain = [claim.merged_into_id]
        # A claim that took others in may have been merged in turn: follow it to the one still standing.
        while len(chain) < MAX_MERGE_CHAIN:
            onward = Claim.objects.filter(pk=chain[-1]).values_list("merged_into_id", flat=True).first()
            if onward is None or onward in chain:
                break
            chain.append(onward)
        via = " by way of " + ", ".join(f"claim {pk}" for pk in chain[:-1]) if len(chain) > 1 else ""
        messages.info(
            request,
            format_html(
                'Claim {} was merged into this claim{}. <a href="{}?stay=1">See claim {} and its history</a>.',
                claim.pk, via, reverse("admin:annotations_claim_change", args=[claim.pk]), claim.pk,
            ),
        )  # fmt: skip
        return HttpResponseRedirect(reverse("admin:annotations_claim_change", args=[chain[-1]]))

    def _perform(self, request, claim):
        """Run the posted action; return None on success, else (bound forms, the refusal if the workflow's)."""
        name = request.POST.get("_action", "")
        action = BY_NAME.get(name)
        if action is None:
            messages.error(request, MSG_UNKNOWN_ACTION.format(name=name))
            return {}, None
        form = forms.action_form(action)(request.POST)
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

    def _suggestions(self, claim):
        """Return the claim's suggested passages, each with its text cut into shared and other words."""
        suggestions = list(selectors.claim_suggestions(claim.pk))
        for suggestion in suggestions:
            suggestion.segments = corroboration.highlighted(claim.text, suggestion.passage)
        return suggestions

    @staticmethod
    def _history(claim):
        """Return the claim's history, newest first, a dismissal with its reason's label."""
        events = list(selectors.claim_history(claim))
        for event in events:
            if event.action == Action.DISMISSED:
                reason = (event.details or {}).get("reason", "")
                event.reason_label = DismissalReason(reason).label if reason in DismissalReason.values else reason
        return events

    def _render_claim(self, request, claim, bound, refusal, place, status=200, here=None):
        """Render the claim page; after a refused post, with the forms as sent and the refusal's status.

        ``here`` is the page's address, where its forms lead back to: the address asked for, unless the
        answer is another claim's page (the next one, in place).

        Every action is offered or shown disabled with its guard's reason (``UNAVAILABLE_SHOWN``).
        """
        refusals = workflow.refusals(claim, request.user)
        offered: dict[str, list] = {}
        for action in CLAIM_ACTIONS:
            if refusals.get(action.event) is None:
                initial = {"version": claim.version, **self._initial(claim, action)}
                form = bound.get(action.name) or forms.action_form(action)(initial=initial)
                offered.setdefault(action.place, []).append((action, form))
        closed = vocabulary.STATUSES[claim.status].closed
        unavailable = [
            (action, refusals[action.event])
            for action in UNAVAILABLE_SHOWN
            if refusals.get(action.event) is not None
            and not closed
            # Taking a claim one holds already is not an action missed: nothing to explain.
            and not (action is ASSIGN and claim.assignee_id == request.user.pk)
        ]
        history = self._history(claim)
        beside, found = self._beside(request, claim)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Claim {claim.pk}",
            "subtitle": None,
            "opts": self.opts,
            "original": claim,
            "claim": claim,
            "has_view_permission": True,
            "offered": offered,
            "unavailable": unavailable,
            "keys": KEYS,
            "place": place,
            "here": here or request.get_full_path(),
            "previous_url": place.claim_url(place.previous) if place else None,
            "next_url": place.claim_url(place.next) if place else None,
            "stays_on_claim": workflow.stays_on_claim(request.user),
            "claim_frozen": vocabulary.STATUSES[claim.status].frozen,
            "claim_closed": closed,
            "in_context": selectors.claim_in_context(claim),
            "evidence": selectors.claim_evidence(claim),
            "suggestions": self._suggestions(claim),
            "corrections": selectors.claim_corrections(claim),
            "history": history,
            "since_return": selectors.since_return(claim, history),
            "beside": beside,
            "found": found,
            "find": request.GET.get("find", "")[:200],
            "worth_band": vocabulary.band_of(claim.checkworthiness),
            "open_for_merge": [ClaimStatus.PENDING, *vocabulary.OPEN_STATUSES],
            "triage": selectors.claim_triage_links(claim),
            "status_badge": self.status_badge(claim),
            "verdict_badge": self.verdict_badge(claim),
            "is_conflict": isinstance(refusal, workflow.Conflict),
        }
        return TemplateResponse(request, "admin/annotations/claim/work.html", context, status=status)

    @staticmethod
    def _initial(claim, action) -> dict:
        """Return an action form's starting values: evidence takes the stance its verdict calls for."""
        if action is ADD_EVIDENCE and claim.verdict:
            return {"stance": STANCE_OF_VERDICT[claim.verdict]}
        if action is VERDICT and claim.verdict:
            return {"verdict": claim.verdict}
        return {}

    @staticmethod
    def _beside(request, claim):
        """Return the article opened beside the claim (``?beside=<id>``) and the picker's matches (``?find=``)."""
        found = None
        if "find" in request.GET:
            found = list(selectors.documents_to_open(request.GET.get("find", "")[:200]))
        document_id = as_id(request.GET.get("beside", ""))
        beside = SourceDocument.objects.filter(pk=document_id).first() if document_id else None
        return beside, found
