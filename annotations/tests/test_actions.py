"""The action table: each declaration fits its workflow function, and both front doors are built from it."""

import inspect

import pytest
from django.template.loader import get_template
from django.urls import reverse

from annotations import actions, roles
from annotations.api.serializers import action_input
from annotations.forms import action_form
from annotations.models import Action
from annotations.workflow import rules

ACTIONS = {action.name: action for action in actions.CLAIM_ACTIONS}


def test_names_are_unique_and_listed():
    assert len(ACTIONS) == len(actions.CLAIM_ACTIONS)
    assert actions.BY_NAME == ACTIONS


@pytest.mark.parametrize("name", ACTIONS)
def test_the_workflow_function_takes_the_inputs_by_their_names(name):
    action = ACTIONS[name]
    parameters = inspect.signature(action.run).parameters
    expected = {"claim_id", "actor", *(spec.name for spec in action.inputs)}
    if action.target:
        expected.add(action.target.name)
    if action.versioned:
        expected.add("expected_version")
    assert expected <= set(parameters), f"{action.run.__name__} lacks {expected - set(parameters)}"
    required = {p.name for p in parameters.values() if p.default is inspect.Parameter.empty}
    assert required <= expected, f"{action.run.__name__} needs {required - expected}, which nobody sends"


@pytest.mark.parametrize("name", ACTIONS)
def test_its_rule_is_a_guard_of_the_workflow(name):
    action = ACTIONS[name]
    assert action.event in rules.GUARDS
    assert action.role == rules.ROLE_OF[action.event]
    assert action.role in (roles.EDITOR, roles.REVIEWER, None)


@pytest.mark.parametrize("name", ACTIONS)
def test_the_admin_form_and_the_api_input_have_the_same_names(name):
    action = ACTIONS[name]
    form_fields = set(action_form(action).base_fields)
    api_fields = set(action_input(action)().fields)
    versioned = {"version"} if action.versioned else set()
    target = {action.target.name} if action.target else set()
    assert form_fields == {spec.name for spec in action.inputs} | versioned | target
    assert api_fields == {spec.name for spec in action.inputs} | versioned  # the target is in the address


@pytest.mark.parametrize("name", ACTIONS)
def test_its_template_fragment_posts_its_name(name):
    action = ACTIONS[name]
    source = get_template(action.template).template.source
    assert '{% include "admin/annotations/claim/actions/_head.html" %}' in source
    assert action.place in (
        "bar", "verdict", "evidence", "evidence_item", "suggestion_item", "history", "triage", "wording",
    )  # fmt: skip


@pytest.mark.parametrize("name", [name for name, action in ACTIONS.items() if action.path])
def test_the_api_has_its_endpoint(name):
    action = ACTIONS[name]
    url_name = "claim-evidence" if action.path == "evidence" else f"claim-{name.replace('_', '-')}"
    kwargs = {"pk": 1, **({action.target.name: 2} if action.target else {})}
    path = action.path.replace("{suggestion_id}", "2")
    assert reverse(url_name, kwargs=kwargs) == f"/api/claims/1/{path}/"


def test_perform_passes_the_version_only_to_versioned_actions():
    calls = []

    def run(**kwargs):
        calls.append(kwargs)

    versioned = actions.ClaimAction(
        name="x", event=Action.ASSIGNED, run=run, done="", button="", place="bar", inputs=(actions.Input("a"),)
    )
    unversioned = actions.ClaimAction(
        name="y", event=Action.COMMENTED, run=run, done="", button="", place="history", versioned=False
    )
    versioned.perform(claim_id=1, actor="someone", version=3, a="text")
    unversioned.perform(claim_id=1, actor="someone", version=3)
    assert calls == [
        {"claim_id": 1, "actor": "someone", "a": "text", "expected_version": 3},
        {"claim_id": 1, "actor": "someone"},
    ]


def test_offered_to_follows_the_role(editor, reviewer, outsider):
    assert actions.ASSIGN.offered_to(editor) and actions.ASSIGN.offered_to(reviewer)
    assert not actions.APPROVE.offered_to(editor) and actions.APPROVE.offered_to(reviewer)
    assert not actions.COMMENT.offered_to(outsider)


def test_the_triage_actions_are_declared_with_their_workflow_functions():
    from annotations import workflow

    declared = {
        name: (ACTIONS[name].event, ACTIONS[name].run) for name in ["dismiss", "restore", "wording", "merge", "split"]
    }
    assert declared == {
        "dismiss": (Action.DISMISSED, workflow.claim_dismiss),
        "restore": (Action.RESTORED, workflow.claim_restore),
        "wording": (Action.WORDING_SET, workflow.claim_set_wording),
        "merge": (Action.MERGED_FROM, workflow.claims_merge),
        "split": (Action.SPLIT, workflow.claim_split),
    }
    assert all(ACTIONS[name].role == roles.EDITOR for name in declared)
    assert {spec.name: spec.kind for spec in ACTIONS["merge"].inputs} == {"claims": "ids"}
    assert {spec.name: spec.kind for spec in ACTIONS["split"].inputs} == {"parts": "lines"}
    assert list(ACTIONS["dismiss"].inputs[0].choices.values) == [
        "opinion", "not_factual", "furniture", "duplicate", "out_of_scope",
    ]  # fmt: skip
