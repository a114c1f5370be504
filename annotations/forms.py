"""Forms of the admin workspace: they check the shape of the input; the workflow checks the rules.

The claim page's forms are built from the action table (``actions``), one per action.
"""

from __future__ import annotations

from functools import cache
from typing import cast

from django import forms
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.forms.forms import DeclarativeFieldsMetaclass

from . import roles, workflow
from .actions import ClaimAction, Input
from .models import DismissalReason


class ActionForm(forms.Form):
    """A claim action's form: its inputs' shape (the workflow checks the rules)."""


class IdListField(forms.CharField):
    """Claim ids typed as "12, 15" or "#12 #15": a list of the pieces (the workflow checks each is an id)."""

    def to_python(self, value):
        text = super().to_python(value)
        return [piece.lstrip("#") for piece in text.replace(",", " ").split()] if text else []


def _field(spec: Input) -> forms.Field:
    label, help_text = spec.label or None, spec.help_text
    if spec.kind == "choice":
        assert spec.choices is not None
        return forms.ChoiceField(
            choices=spec.choices.choices, required=spec.required, widget=forms.RadioSelect if spec.radio else None,
            label=label, help_text=help_text,
        )  # fmt: skip
    if spec.kind == "document":
        # An article's id, not a list of every article: the claim page finds one by title ("An article
        # beside the claim") and fills this in when a passage of it is selected.
        return forms.IntegerField(
            required=spec.required, min_value=spec.min_value, max_value=spec.max_value, label=label,
            help_text=help_text or "The article's id: open it beside the claim to find it, or select a passage.",
            widget=forms.NumberInput(attrs={"size": 8}),
        )  # fmt: skip
    if spec.kind == "integer":
        return forms.IntegerField(
            required=spec.required, min_value=spec.min_value, max_value=spec.max_value, label=label, help_text=help_text
        )
    if spec.kind == "ids":
        return IdListField(required=False, max_length=2000, label=label, help_text=help_text)
    # Texts are never required here: the workflow refuses a blank one with a message naming what is missing.
    return forms.CharField(
        required=False, max_length=spec.max_length, label=label, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}) if spec.multiline or spec.kind == "lines" else None,
    )  # fmt: skip


@cache
def action_form(action: ClaimAction) -> type[ActionForm]:
    """Return the form class of ``action``: its target, its inputs and the version the change is based on."""
    fields: dict[str, forms.Field] = {}
    if action.versioned:
        fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    for spec in filter(None, (action.target, *action.inputs)):
        fields[spec.name] = _field(spec)
    name = "".join(part.title() for part in action.name.split("_")) + "Form"
    return cast(type[ActionForm], DeclarativeFieldsMetaclass(name, (ActionForm,), fields))


class AssigneeForm(forms.Form):
    """The editor to assign claims to."""

    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label="Editor", empty_label="(editor)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = roles.editors()


class DismissalForm(forms.Form):
    """Why the selected claims are dismissed."""

    reason = forms.ChoiceField(
        choices=[("", "(reason to dismiss)"), *DismissalReason.choices], required=False, label="Reason"
    )
    note = forms.CharField(required=False, max_length=workflow.MAX_NOTE, label="Note", widget=forms.TextInput(
        attrs={"placeholder": "Note (optional)", "size": 18}
    ))  # fmt: skip


class ClaimActionForm(AssigneeForm, DismissalForm, helpers.ActionForm):
    """The changelist's action bar, with the editor to assign to and the reason to dismiss for."""

    def is_valid(self):
        # Only the action decides whether one runs: the action reads its own inputs with its own form and
        # says what is wrong with them (Django would answer "No action selected." for a bad reason or note).
        return self.is_bound and not {"action", "select_across"} & set(self.errors)


# --- Adding articles ----------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or many files (Django's documented recipe for ``<input type=file multiple>``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MetadataForm(forms.Form):
    """What is known of an article: everything optional, checked by the workflow."""

    title = forms.CharField(required=False, max_length=500)
    publisher = forms.CharField(required=False, max_length=200)
    author = forms.CharField(required=False, max_length=300)
    url = forms.CharField(label="Address", required=False, max_length=2000)
    published_on = forms.DateField(
        label="Published on", required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD"
    )
    language = forms.CharField(required=False, max_length=35, help_text="e.g. en")


class PasteForm(MetadataForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12, "cols": 80}), required=False, strip=False)

    field_order = ["text", "title", "publisher", "author", "url", "published_on", "language"]


class UploadForm(forms.Form):
    # (not "files": a form's own attribute holds the uploaded files)
    upload = MultipleFileField(
        label="Files", required=False, help_text=".txt, .md, or a saved web page (.html, .htm); text in any encoding."
    )


class AddressForm(forms.Form):
    urls = forms.CharField(
        label="Web addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="One per line: each page is fetched and its article extracted.",
    )


class FeedForm(forms.Form):
    url = forms.CharField(label="Feed address", max_length=2000, help_text="An RSS or Atom feed.")


class DocumentEditForm(MetadataForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
