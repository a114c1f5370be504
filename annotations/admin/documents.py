"""Documents in the admin: the list, a document's page (its text with its claims), adding articles."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import exports, forms, roles, selectors, vocabulary, workflow
from ..models import ClaimStatus, SourceDocument
from .common import ReadOnlyAdminMixin, RoleRequiredMixin, as_id, form_problems

MSG_QUEUED = "Import {id} is queued: its progress is below."
MSG_EDITED = "The document's details were saved."
INTAKE_FORMS = {"paste": forms.PasteForm, "upload": forms.UploadForm, "web": forms.AddressForm}


@admin.register(SourceDocument)
class SourceDocumentAdmin(RoleRequiredMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "publisher", "author", "published_on", "language", "origin", "version", "loaded_at")
    list_filter = ("origin",)
    search_fields = ("title", "publisher", "author", "url", "file_name")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text")

    def has_add_permission(self, request, obj=None):
        # Adding articles is intake: a form of its own (add_view), run by the workflow as a job.
        return roles.is_editor(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        """Add articles: paste text, upload files, or give web addresses; each is queued as an import."""
        if not roles.is_editor(request.user):
            raise PermissionDenied
        bound, status = {}, 200
        if request.method == "POST":
            kind = request.POST.get("_intake", "")
            form_class = INTAKE_FORMS.get(kind)
            if form_class is None:
                messages.error(request, f"Unknown way in {kind!r}.")
                status = 400
            else:
                form = form_class(request.POST, request.FILES)
                try:
                    batch = self._intake(request, kind, form)
                except workflow.WorkflowError as error:
                    messages.error(request, str(error))
                    bound, status = {kind: form}, error.status
                else:
                    if batch is not None:
                        messages.success(request, MSG_QUEUED.format(id=batch.pk))
                        return HttpResponseRedirect(reverse("admin:annotations_import_change", args=[batch.pk]))
                    bound, status = {kind: form}, 400
        context = {
            **self.admin_site.each_context(request),
            "title": "Add articles",
            "opts": self.opts,
            "forms": {kind: bound.get(kind) or form_class() for kind, form_class in INTAKE_FORMS.items()},
        }
        return TemplateResponse(request, "admin/annotations/sourcedocument/add.html", context, status=status)

    def _intake(self, request, kind, form):
        """Queue the import the form describes; None when the form itself is not valid (its errors shown)."""
        if not form.is_valid():
            messages.error(request, "Nothing was imported: " + form_problems(form))
            return None
        data, user = form.cleaned_data, request.user
        if kind == "paste":
            return workflow.import_paste(actor=user, **data)
        if kind == "upload":
            return workflow.import_upload(actor=user, files=[(upload.name, upload.read()) for upload in data["upload"]])
        return workflow.import_addresses(actor=user, urls=data["urls"].splitlines())

    class Media:
        css = {"all": ["annotations/admin.css"]}

    def get_urls(self):
        return [
            path(
                "<str:object_id>/export/<str:name>/",
                self.admin_site.admin_view(self.export_view),
                name="annotations_sourcedocument_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, object_id, name):
        """Stream the document's HTML report (approved claims) or CSV (all its claims)."""
        if not roles.has_role(request.user):
            raise PermissionDenied
        document_id = as_id(object_id)
        if document_id is None or name not in ("html", "csv"):
            raise Http404("No such export.")
        document = get_object_or_404(SourceDocument, pk=document_id)
        filters = exports.ExportFilters.parse(document=[document.pk], published=exports.FORMATS[name].published)
        file_name = f"document-{document.pk}-{exports.FORMATS[name].file_name}"
        return exports.streaming_response(name, filters, file_name=file_name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not roles.has_role(request.user):
            raise PermissionDenied
        document_id = as_id(object_id)
        if document_id is None:
            raise Http404(f"No document {object_id!r}.")
        document = get_object_or_404(SourceDocument, pk=document_id)
        edit_form, status = None, 200
        if request.method == "POST":
            edit_form = forms.DocumentEditForm(request.POST)
            try:
                if not edit_form.is_valid():
                    raise workflow.InvalidInput("Nothing was changed: " + form_problems(edit_form))
                data = dict(edit_form.cleaned_data)
                revision = data.pop("revision")
                workflow.document_edit(document_id=document.pk, actor=request.user, expected_revision=revision, **data)
            except workflow.WorkflowError as error:
                messages.error(request, str(error))
                status = error.status
                document.refresh_from_db()
            else:
                messages.success(request, MSG_EDITED)
                return HttpResponseRedirect(request.get_full_path())
        if edit_form is None and roles.is_editor(request.user):
            edit_form = forms.DocumentEditForm(
                initial={name: getattr(document, name) for name in (*workflow.documents.EDITABLE, "revision")}
            )
        counts = selectors.document_status_counts(document)
        context = {
            **self.admin_site.each_context(request),
            "title": document.title,
            "opts": self.opts,
            "original": document,
            "document": document,
            "segments": selectors.document_segments(document),
            "counts": [(ClaimStatus(s).label, n, vocabulary.status_colour(s)) for s, n in counts.items()],
            "verdict_colours": {value: vocabulary.verdict_colour(value) for value in (*vocabulary.VERDICTS, "")},
            "claims_url": reverse("admin:annotations_claim_changelist") + f"?document={document.pk}",
            "report_url": reverse("admin:annotations_sourcedocument_export", args=[document.pk, "html"]),
            "csv_url": reverse("admin:annotations_sourcedocument_export", args=[document.pk, "csv"]),
            "edit_form": edit_form if roles.is_editor(request.user) else None,
            "versions": selectors.document_versions(document),
            "events": selectors.document_history(document),
            "gone": selectors.claims_gone_from(document),
        }
        return TemplateResponse(request, "admin/annotations/sourcedocument/detail.html", context, status=status)
