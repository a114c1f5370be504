"""The workflow's claim actions as the front doors offer them: one declaration each.

A declaration names the action, the workflow function it calls, the history event it writes (whose
guard in ``workflow.rules`` decides when it is offered and who may take it), its inputs (names,
types and limits, the same at every layer), its message on success, and where its form sits on the
claim page. From this table ``forms.action_form`` builds the admin's forms, the claim page shows
each offered action's template fragment, and the API has one endpoint per action with an input
serializer built by ``api.serializers.action_input``.

Adding an action: the workflow function, its entry here and, if it has a form, a template fragment
in ``templates/admin/annotations/claim/actions/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices

from . import vocabulary, workflow
from .models import Action, DismissalReason, Stance, Verdict
from .workflow import rules
from .workflow.evidence import MAX_URL
from .workflow.triage import MAX_MERGE, MAX_PARTS, MAX_WORDING

MAX_ID = 2**63 - 1  # the largest id the database holds


@dataclass(frozen=True)
class Input:
    """One input of an action, as every front door reads it.

    ``kind`` is "text", "choice" (one of ``choices``), "integer", "document" (a document id,
    chosen in the admin from the documents the claim may cite), "ids" (claim ids: a list in the
    API, typed in the admin separated by commas or spaces) or "lines" (texts: a list in the API,
    one per line in the admin). A required text must not be blank:
    the API's schema says so; the admin lets the workflow say it, in its own words.
    """

    name: str
    kind: str = "text"
    required: bool = False
    choices: type[TextChoices] | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    label: str = ""
    help_text: str = ""
    multiline: bool = False
    radio: bool = False


@dataclass(frozen=True)
class ClaimAction:
    """An action on one claim, as the admin's claim page and the API offer it."""

    name: str  # the admin form's ``_action`` and the API's path, unless ``api_path`` says otherwise
    event: str  # the Action it records: its guard (``rules.GUARDS``) says who may take it and when
    run: Callable[..., Any]  # the workflow function, called with the inputs by name
    done: str  # the admin's message on success
    button: str  # the label of its button
    place: str  # where the claim page shows it: bar, verdict, evidence, evidence_item, suggestion_item, history, triage
    inputs: tuple[Input, ...] = ()
    target: Input | None = None  # the item of the claim it acts on: posted in the admin, in the address in the API
    versioned: bool = True  # takes the claim version the change is based on (``expected_version``)
    api_path: str | None = None  # "return", "suggestions/{suggestion_id}/attach"; "" for no claim endpoint
    api_created: bool = False  # the API answers 201: it added an item

    @property
    def template(self) -> str:
        return f"admin/annotations/claim/actions/{self.name}.html"

    @property
    def path(self) -> str:
        return self.name if self.api_path is None else self.api_path

    @property
    def role(self) -> str | None:
        """The role it needs (``roles.EDITOR`` or ``REVIEWER``; None: either)."""
        return rules.ROLE_OF[self.event]

    def offered_to(self, user) -> bool:
        """Return whether ``user`` holds the role the action needs (whatever the claim)."""
        return rules.role_refusal(user, self.event) is None

    def perform(self, *, claim_id: int, actor, version: int | None = None, **values):
        """Run the workflow function with the inputs ``values``, based on the claim's ``version``."""
        if self.versioned:
            values["expected_version"] = version
        return self.run(claim_id=claim_id, actor=actor, **values)


COMMENT_INPUT = Input("comment", max_length=workflow.MAX_COMMENT, multiline=True)

ASSIGN = ClaimAction(
    name="assign", event=Action.ASSIGNED, run=workflow.claim_assign, done="The claim is yours.",
    button="Assign to me", place="bar",
    inputs=(Input("assignee", kind="integer", min_value=1, help_text="User id of the editor; default: yourself."),),
)  # fmt: skip
VERDICT = ClaimAction(
    name="verdict", event=Action.VERDICT_SET, run=workflow.claim_set_verdict, done="Verdict saved.",
    button="Save verdict", place="verdict",
    inputs=(
        Input("verdict", kind="choice", choices=Verdict, required=True, radio=True),
        Input("note", max_length=workflow.MAX_NOTE, multiline=True, help_text=(
            "Why this verdict; for "
            + " or ".join(f"'{value}'" for value, terms in vocabulary.VERDICTS.items() if terms.needs_note)
            + ", what was tried."
        )),
    ),
)  # fmt: skip
ADD_EVIDENCE = ClaimAction(
    name="add_evidence", event=Action.EVIDENCE_ADDED, run=workflow.evidence_add, done="Evidence added.",
    button="Add evidence", place="evidence", api_path="evidence", api_created=True,
    inputs=(
        Input("stance", kind="choice", choices=Stance, required=True),
        Input("url", max_length=MAX_URL, label="Web address"),
        Input("document", kind="document", min_value=1, max_value=MAX_ID, label="Or a passage of document"),
        Input("start", kind="integer", min_value=0, max_value=2**31 - 1, label="from character"),
        Input("end", kind="integer", min_value=1, max_value=2**31 - 1, label="to character"),
        Input("title", max_length=500),
        Input("excerpt", max_length=workflow.MAX_NOTE, multiline=True),
    ),
)  # fmt: skip
REMOVE_EVIDENCE = ClaimAction(
    name="remove_evidence", event=Action.EVIDENCE_REMOVED, run=workflow.evidence_remove, done="Evidence removed.",
    button="Remove", place="evidence_item", api_path="",  # the API removes it at the evidence's own address
    target=Input("evidence_id", kind="integer", required=True, min_value=1, max_value=MAX_ID),
)  # fmt: skip
ATTACH_SUGGESTION = ClaimAction(
    name="attach_suggestion", event=Action.EVIDENCE_ADDED, run=workflow.suggestion_attach,
    done="Suggested passage attached as evidence.", button="Attach", place="suggestion_item",
    api_path="suggestions/{suggestion_id}/attach", api_created=True,
    target=Input("suggestion_id", kind="integer", required=True, min_value=1, max_value=MAX_ID),
    inputs=(
        Input("stance", kind="choice", choices=Stance, help_text="The evidence's stance; default: the suggested one."),
    ),
)  # fmt: skip
SUBMIT = ClaimAction(
    name="submit", event=Action.SUBMITTED, run=workflow.claim_submit, done="Submitted for review.",
    button="Submit for review", place="bar",
)  # fmt: skip
APPROVE = ClaimAction(
    name="approve", event=Action.APPROVED, run=workflow.claim_approve, done="Approved.", button="Approve", place="bar",
    inputs=(
        COMMENT_INPUT,
        Input("correction", max_length=workflow.MAX_COMMENT, multiline=True, label="Public correction note", help_text=(
            "The public correction note: required when the claim was published before with another verdict or "
            "note (say what changed and why), refused otherwise."
        )),
    ),
)  # fmt: skip
RETURN = ClaimAction(
    name="return", event=Action.RETURNED, run=workflow.claim_return, done="Returned to the editor.",
    button="Return", place="bar",
    inputs=(Input("comment", required=True, max_length=workflow.MAX_COMMENT, multiline=True,
                  help_text="What the editor should change."),),
)  # fmt: skip
REOPEN = ClaimAction(
    name="reopen", event=Action.REOPENED, run=workflow.claim_reopen, done="Reopened.", button="Reopen", place="bar",
    inputs=(Input("reason", required=True, max_length=workflow.MAX_COMMENT, multiline=True,
                  help_text="Why the approved claim needs more work."),),
)  # fmt: skip
COMMENT = ClaimAction(
    name="comment", event=Action.COMMENTED, run=workflow.claim_comment, done="Comment added.", button="Comment",
    place="history", versioned=False,  # a comment changes nothing else: it needs no version
    inputs=(Input("comment", required=True, max_length=workflow.MAX_COMMENT, multiline=True),),
)  # fmt: skip

# Triage
DISMISS = ClaimAction(
    name="dismiss", event=Action.DISMISSED, run=workflow.claim_dismiss, done="Dismissed: the claim left the queue.",
    button="Dismiss", place="triage",
    inputs=(
        Input("reason", kind="choice", choices=DismissalReason, required=True,
              help_text="Why it is not worth checking."),
        Input("note", max_length=workflow.MAX_NOTE, multiline=True,
              help_text="Optional: anything the reason leaves out."),
    ),
)  # fmt: skip
RESTORE = ClaimAction(
    name="restore", event=Action.RESTORED, run=workflow.claim_restore, done="Restored to the queue.",
    button="Restore to the queue", place="bar",
)  # fmt: skip
WORDING = ClaimAction(
    name="wording", event=Action.WORDING_SET, run=workflow.claim_set_wording, done="Wording saved.",
    button="Save wording", place="wording",
    inputs=(Input("wording", max_length=MAX_WORDING, multiline=True, label="Checked wording", help_text=(
        "The claim as it will be checked, standing on its own (who, what, when); empty: its text as it appears."
    )),),
)  # fmt: skip
MERGE = ClaimAction(
    name="merge", event=Action.MERGED_FROM, run=workflow.claims_merge, done="Merged into this claim.",
    button="Merge into this claim", place="triage",
    inputs=(Input("claims", kind="ids", required=True, max_value=MAX_MERGE, label="Claims to merge into this one",
                  help_text="The ids of claims that state the same fact, e.g. 12, 15: this claim stays."),),
)  # fmt: skip
SPLIT = ClaimAction(
    name="split", event=Action.SPLIT, run=workflow.claim_split, done="Split: each part is now a claim of its own.",
    button="Split", place="triage",
    inputs=(Input("parts", kind="lines", required=True, max_length=MAX_WORDING, max_value=MAX_PARTS, label="Parts",
                  help_text="Pieces of the claim's text, one per line, in order: each becomes a claim."),),
)  # fmt: skip

# In the order the claim page and the API list them.
CLAIM_ACTIONS: tuple[ClaimAction, ...] = (
    ASSIGN, VERDICT, ADD_EVIDENCE, REMOVE_EVIDENCE, ATTACH_SUGGESTION, SUBMIT, APPROVE, RETURN, REOPEN, COMMENT,
    DISMISS, RESTORE, WORDING, MERGE, SPLIT,
)  # fmt: skip
BY_NAME: dict[str, ClaimAction] = {action.name: action for action in CLAIM_ACTIONS}
