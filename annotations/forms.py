"""Forms of the admin workspace: they check the shape of the input; the workflow checks the rules."""

from django import forms
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model

from . import roles
from .models import SourceDocument, Stance, Verdict


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VerdictForm(VersionedForm):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Why this verdict; for 'unverified', what was tried.",
    )


class EvidenceForm(VersionedForm):
    stance = forms.ChoiceField(choices=Stance.choices)
    url = forms.CharField(label="Web address", required=False, max_length=2000)
    document = forms.ModelChoiceField(
        label="Or a passage of document", queryset=SourceDocument.objects.none(), required=False
    )
    start = forms.IntegerField(required=False, min_value=0, label="from character")
    end = forms.IntegerField(required=False, min_value=1, label="to character")
    title = forms.CharField(required=False, max_length=500)
    excerpt = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if documents is not None:
            self.fields["document"].queryset = documents


class RemoveEvidenceForm(VersionedForm):
    evidence_id = forms.IntegerField(min_value=1)


class AttachSuggestionForm(VersionedForm):
    suggestion_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class CommentForm(VersionedForm):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))


class ApproveForm(CommentForm):
    correction = forms.CharField(
        label="Public correction note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Needed when the verdict or note differs from what was published: what changed and why.",
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))


class AssigneeForm(forms.Form):
    """The editor to assign claims to."""

    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label="Editor", empty_label="(editor)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = roles.editors()


class ClaimActionForm(AssigneeForm, helpers.ActionForm):
    """The changelist's action bar, with the editor to assign to."""
