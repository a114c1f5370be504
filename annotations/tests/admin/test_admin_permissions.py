import pytest
from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from annotations import workflow
from annotations.actions import CLAIM_ACTIONS
from annotations.admin import ClaimAdmin
from annotations.models import Action, Claim, DocumentEvent, Feed, Import, ImportStatus, Origin, ReviewEvent, Suggestion
from annotations.tests.conftest import SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT

from .conftest import staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_history_is_never_editable_or_deletable_in_the_admin(client, request, claim, who):
    staff(client, request.getfixturevalue(who))
    event = ReviewEvent.objects.filter(claim=claim).get()
    change_url = reverse("admin:annotations_reviewevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:annotations_reviewevent_add")).status_code == 403
    delete_url = reverse("admin:annotations_reviewevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(change_url, {"action": "approved", "comment": "rewritten"})
    assert ReviewEvent.objects.filter(pk=event.pk, action="created", comment="").exists()
    changelist = client.get(reverse("admin:annotations_reviewevent_changelist"))
    assert b"delete_selected" not in changelist.content


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse("admin:annotations_claim_changelist"),
        lambda c: reverse("admin:annotations_claim_change", args=[c.pk]),
        lambda c: reverse("admin:annotations_claim_queue"),
        lambda c: reverse("admin:annotations_sourcedocument_changelist"),
        lambda c: reverse("admin:annotations_reviewevent_changelist"),
    ],
)
def test_a_user_without_a_role_sees_no_claims(client, outsider, claim, url):
    staff(client, outsider)
    assert client.get(url(claim)).status_code == 403


def test_a_user_without_a_role_sees_no_counts_on_the_index(client, outsider, claim):
    staff(client, outsider)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert b'id="counts"' not in page.content


def test_a_forged_post_from_a_user_without_a_role_changes_nothing(client, outsider, claim):
    staff(client, outsider)
    before = ReviewEvent.objects.count()
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    assert client.post(url, {"_action": "assign", "version": 1}).status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.assignee_id, claim.version) == ("pending", None, 1)
    assert ReviewEvent.objects.count() == before


def test_the_generic_change_form_cannot_change_a_claim(client, editor, claim):
    staff(client, editor)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    response = client.post(url, {"status": "approved", "verdict": "verified"})
    assert response.status_code == 400
    assert "Unknown action" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.version) == ("pending", "", 1)


def test_reviewer_queue_is_for_reviewers_only(client, editor, claim):
    staff(client, editor)
    assert client.get(reverse("admin:annotations_claim_queue")).status_code == 403


def test_editor_is_offered_no_approve_action_and_a_forged_one_is_refused(client, editor, editor2, claim, advance):
    advance(claim, "in_review", by=editor2)
    staff(client, editor)
    changelist = client.get(reverse("admin:annotations_claim_changelist"))
    assert b'value="approve_selected"' not in changelist.content
    before = ReviewEvent.objects.count()
    client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "approve_selected", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert ReviewEvent.objects.count() == before
    workflow_refusal = client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        {"_action": "approve", "version": claim.version},
    )
    assert workflow_refusal.status_code == 403
    assert "Only reviewers can approve claims." in workflow_refusal.content.decode()
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert ReviewEvent.objects.count() == before


def test_role_holders_can_open_the_admin_without_staff_status(client, editor, outsider):
    assert not editor.is_staff
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("admin:index")).status_code == 302  # to the login page


# --- The permission matrix: every admin view and button, for everyone the rules distinguish ----------
#
# The expected outcomes are written from the rules (README "What it is", workflow.py): holding a role
# lets a user into the workspace (staff status alone shows nothing); editors take claims, rule them,
# add evidence and submit, as the claim's assignee; reviewers approve, return and reopen, and may edit
# too; superusers ("admin") hold both roles; anyone with a role may comment. History is read-only for
# everyone. Outcomes: "ok" (the page, or the change made), "login" (sent to sign in, nothing
# changed), "denied" (403 before any rule is asked), "refused" (the workflow's 403, nothing changed).

WHO = ["anonymous", "no_role", "no_role_staff", "editor", "reviewer", "admin"]
ROLES = {"editor", "reviewer", "admin"}
REVIEWERS = {"reviewer", "admin"}


def expected(who, allowed):
    if who in ("anonymous", "no_role"):
        return "login"  # the admin site does not let them in at all
    if who in allowed:
        return "ok"
    return "denied" if who == "no_role_staff" else "refused"


def signed_in(client, cast, who):
    user = getattr(cast, who)
    if user is not None:
        client.force_login(user)
    return user


def assert_outcome(response, outcome):
    if outcome == "login":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif outcome in ("denied", "refused"):
        assert response.status_code == 403
    elif outcome == "hidden":  # Django's answer for an object the user cannot see: "it does not exist"
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    else:
        assert outcome == "ok"
        assert response.status_code in (200, 302)


# Pages, by what they need: a role, the reviewer role, or nothing anyone may have.
PAGES = {
    "index": (lambda c, d, e: reverse("admin:index"), ROLES | {"no_role_staff"}),
    "claim list": (lambda c, d, e: reverse("admin:annotations_claim_changelist"), ROLES),
    "claim page": (lambda c, d, e: reverse("admin:annotations_claim_change", args=[c.pk]), ROLES),
    "claim log": (lambda c, d, e: reverse("admin:annotations_claim_history", args=[c.pk]), ROLES),
    "claim add": (lambda c, d, e: reverse("admin:annotations_claim_add"), set()),
    "claim delete": (lambda c, d, e: reverse("admin:annotations_claim_delete", args=[c.pk]), set()),
    "review queue": (lambda c, d, e: reverse("admin:annotations_claim_queue"), REVIEWERS),
    "document list": (lambda c, d, e: reverse("admin:annotations_sourcedocument_changelist"), ROLES),
    "document page": (lambda c, d, e: reverse("admin:annotations_sourcedocument_change", args=[d.pk]), ROLES),
    "document csv": (lambda c, d, e: reverse("admin:annotations_sourcedocument_export", args=[d.pk, "csv"]), ROLES),
    "document report": (lambda c, d, e: reverse("admin:annotations_sourcedocument_export", args=[d.pk, "html"]), ROLES),
    "document add": (lambda c, d, e: reverse("admin:annotations_sourcedocument_add"), ROLES),
    "document delete": (lambda c, d, e: reverse("admin:annotations_sourcedocument_delete", args=[d.pk]), set()),
    "import list": (lambda c, d, e: reverse("admin:annotations_import_changelist"), ROLES),
    "import page": (lambda c, d, e: reverse("admin:annotations_import_change", args=[_an_import().pk]), ROLES),
    "import add": (lambda c, d, e: reverse("admin:annotations_import_add"), set()),
    "feed list": (lambda c, d, e: reverse("admin:annotations_feed_changelist"), ROLES),
    "feed add": (lambda c, d, e: reverse("admin:annotations_feed_add"), ROLES),
    "import delete": (lambda c, d, e: reverse("admin:annotations_import_delete", args=[_an_import().pk]), set()),
    "feed page": (lambda c, d, e: reverse("admin:annotations_feed_change", args=[_a_feed().pk]), ROLES),
    "feed delete": (lambda c, d, e: reverse("admin:annotations_feed_delete", args=[_a_feed().pk]), set()),
    "history list": (lambda c, d, e: reverse("admin:annotations_reviewevent_changelist"), ROLES),
    "history event": (lambda c, d, e: reverse("admin:annotations_reviewevent_change", args=[e.pk]), ROLES),
    "history add": (lambda c, d, e: reverse("admin:annotations_reviewevent_add"), set()),
    "history delete": (lambda c, d, e: reverse("admin:annotations_reviewevent_delete", args=[e.pk]), set()),
}
# Pages that look the object up before asking for permission: without a role it is not found.
HIDDEN = {"claim log"}


def _an_import(status=ImportStatus.QUEUED):
    return Import.objects.create(origin=Origin.PASTE, status=status, total=0)


def _a_feed():
    return Feed.objects.create(url="https://courier.example/feed.xml", added_by=get_user_model().objects.first())


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", PAGES)
def test_every_admin_page_by_who_asks(client, cast, claim, documents, who, page):
    address, allowed = PAGES[page]
    event = ReviewEvent.objects.filter(claim=claim).first()
    signed_in(client, cast, who)
    outcome = expected(who, allowed)
    if outcome == "refused":
        outcome = "denied"  # a page refused by role: Django's 403, as for no role at all
    if outcome == "denied" and page in HIDDEN and who == "no_role_staff":
        outcome = "hidden"
    response = client.get(address(claim, documents.report, event))
    assert_outcome(response, outcome)
    if outcome == "ok":
        assert response.status_code == 200


# The intake forms: who may post each, and what it changes when they may.
INTAKE_POSTS = {
    "add articles": (
        lambda d: reverse("admin:annotations_sourcedocument_add"),
        lambda d: {"_intake": "paste", "text": "The port handled 300 ships a week.", "title": "Port"},
        lambda: (Import.objects.count(), DBTaskResult.objects.count()),
    ),
    "retry an import": (
        lambda d: reverse("admin:annotations_import_change", args=[_an_import(ImportStatus.FAILED).pk]),
        lambda d: {"_action": "retry"},
        lambda: (list(Import.objects.values_list("status", flat=True)), DBTaskResult.objects.count()),
    ),
    "edit a document": (
        lambda d: reverse("admin:annotations_sourcedocument_change", args=[d.pk]),
        lambda d: {"revision": d.revision, "title": d.title, "author": "Jane Doe"},
        lambda: list(DocumentEvent.objects.values_list("id", flat=True)),
    ),
    "subscribe to a feed": (
        lambda d: reverse("admin:annotations_feed_add"),
        lambda d: {"url": "https://courier.example/feed.xml"},
        lambda: (Feed.objects.count(), DBTaskResult.objects.count()),
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("form", INTAKE_POSTS)
def test_every_intake_form_by_who_posts_it(client, cast, documents, who, form):
    address, data, state = INTAKE_POSTS[form]
    url = address(documents.report)
    signed_in(client, cast, who)
    outcome = expected(who, ROLES)
    before = state()

    response = client.post(url, data(documents.report))

    assert_outcome(response, "denied" if outcome == "refused" else outcome)
    if outcome == "ok":
        assert response.status_code == 302, response.content.decode()[-500:]
        assert state() != before
    else:
        assert state() == before


@pytest.mark.parametrize("who", WHO)
def test_deleting_through_the_admin_deletes_nothing(client, cast, claim, documents, who):
    event = ReviewEvent.objects.filter(claim=claim).first()
    signed_in(client, cast, who)
    for address in (
        reverse("admin:annotations_claim_delete", args=[claim.pk]),
        reverse("admin:annotations_sourcedocument_delete", args=[documents.report.pk]),
        reverse("admin:annotations_reviewevent_delete", args=[event.pk]),
    ):
        assert client.post(address, {"post": "yes"}).status_code in (302, 403)
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert ReviewEvent.objects.filter(pk=event.pk, action="created").exists()


# The claim page's buttons: who may press each (its POST), and the state that lets a permitted user
# press it. Assignee-only actions run on a claim assigned to the actor when they may be assigned one
# (else to the second editor); review actions on a claim the second editor submitted.


def _owner(cast, actor):
    return actor if actor is not None and actor in (cast.editor, cast.reviewer, cast.admin) else cast.editor2


def _assigned(claim, cast, actor):
    workflow.claim_assign(claim_id=claim.pk, actor=_owner(cast, actor))
    return {}


def _with_evidence(claim, cast, actor):
    owner = _owner(cast, actor)
    workflow.claim_assign(claim_id=claim.pk, actor=owner)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=owner, verdict="verified", note="Matches the survey.")
    evidence = workflow.evidence_add(claim_id=claim.pk, actor=owner, stance="supports", url="https://example.org/s")
    return {"evidence_id": evidence.pk}


def _with_suggestion(claim, cast, actor):
    _assigned(claim, cast, actor)
    survey = Claim.objects.get(text=SURVEY_CLAIM_TEXT).occurrences.get().document
    suggestion = Suggestion.objects.create(
        claim=claim, document=survey, start=0, end=len(SURVEY_CLAIM_TEXT), score=0.5, stance="context"
    )
    return {"suggestion_id": suggestion.pk}


def _in_review(claim, cast, actor):
    _with_evidence(claim, cast, None)  # the second editor's work
    workflow.claim_submit(claim_id=claim.pk, actor=cast.editor2)
    return {}


def _approved(claim, cast, actor):
    _in_review(claim, cast, actor)
    workflow.claim_approve(claim_id=claim.pk, actor=cast.reviewer2)
    return {}


def _dismissed(claim, cast, actor):
    workflow.claim_dismiss(claim_id=claim.pk, actor=cast.editor2, reason="furniture")
    return {}


def _merge_partner(claim, cast, actor):
    return {"claims": str(Claim.objects.get(text=SECOND_CLAIM_TEXT).pk)}


BUTTONS = {
    # action: (who may, how to get there, what the form sends, the history event it writes)
    "assign": (ROLES, lambda c, cast, a: {}, {}, Action.ASSIGNED),
    "verdict": (ROLES, _assigned, {"verdict": "disputed", "note": "The survey says 120."}, Action.VERDICT_SET),
    "add_evidence": (ROLES, _assigned, {"stance": "refutes", "url": "https://example.org/a"}, Action.EVIDENCE_ADDED),
    "remove_evidence": (ROLES, _with_evidence, {}, Action.EVIDENCE_REMOVED),
    "attach_suggestion": (ROLES, _with_suggestion, {}, Action.EVIDENCE_ADDED),
    "submit": (ROLES, _with_evidence, {}, Action.SUBMITTED),
    "approve": (REVIEWERS, _in_review, {"comment": "Checked."}, Action.APPROVED),
    "return": (REVIEWERS, _in_review, {"comment": "Cite the survey's page."}, Action.RETURNED),
    "reopen": (REVIEWERS, _approved, {"reason": "A new figure was published."}, Action.REOPENED),
    "comment": (ROLES, lambda c, cast, a: {}, {"comment": "Worth a second look."}, Action.COMMENTED),
    # Triage: editors' work, and reviewers may edit too (``roles.is_editor``).
    "dismiss": (ROLES, lambda c, cast, a: {}, {"reason": "opinion", "note": "A view."}, Action.DISMISSED),
    "restore": (ROLES, _dismissed, {}, Action.RESTORED),
    "wording": (ROLES, lambda c, cast, a: {}, {"wording": "The Thames carries 300 tonnes a year."}, Action.WORDING_SET),
    "merge": (ROLES, _merge_partner, {}, Action.MERGED_FROM),
    "split": (ROLES, lambda c, cast, a: {}, {"parts": "The river carries 300 tonnes\nto the sea"}, Action.SPLIT),
}
# The events a button writes when it is not one: a merge writes one per claim, a split one per new part too.
EVENTS_WRITTEN = {"merge": 2, "split": 3}


def test_the_matrix_covers_every_button_of_the_claim_page_and_every_bulk_action():
    # The claim page's buttons are the action table's, each in its template fragment, which posts its name.
    assert {action.name for action in CLAIM_ACTIONS} == set(BUTTONS)
    for action in CLAIM_ACTIONS:
        assert (
            '{% include "admin/annotations/claim/actions/_head.html" %}'
            in get_template(action.template).template.source
        )
    assert set(ClaimAdmin.actions) == set(BULK)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("button", BUTTONS)
def test_every_claim_page_button_by_who_presses_it(client, cast, claim, claim_state, who, button):
    allowed, prepare, data, action = BUTTONS[button]
    actor = getattr(cast, who)
    extra = prepare(claim, cast, actor)
    claim.refresh_from_db()
    outcome = expected(who, allowed)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    if actor is not None and who in ROLES:
        # The rules the page follows are the workflow's: the button shows exactly when it may be pressed.
        assert (action in workflow.allowed_actions(claim, actor)) == (outcome == "ok")
        signed_in(client, cast, who)
        page = client.get(url).content.decode()
        assert (f'name="_action" value="{button}"' in page) == (outcome == "ok")
    else:
        signed_in(client, cast, who)
    before = claim_state(claim)
    response = client.post(url, {"_action": button, "version": claim.version, **data, **extra})
    assert_outcome(response, outcome)
    if outcome == "ok":
        assert response.status_code == 302  # back to the page, with the change made
        event = ReviewEvent.objects.latest("id")
        assert (event.claim_id, event.actor, event.action) == (claim.pk, actor, action)
        assert ReviewEvent.objects.filter(id__gt=max(before["events"])).count() == EVENTS_WRITTEN.get(button, 1)
    else:
        assert claim_state(claim) == before


@pytest.mark.parametrize("button", ["verdict", "add_evidence", "remove_evidence", "attach_suggestion", "submit"])
def test_assignee_only_buttons_refuse_an_editor_who_is_not_the_assignee(client, cast, claim, claim_state, button):
    _, prepare, data, _ = BUTTONS[button]
    extra = prepare(claim, cast, None)  # the second editor's claim
    claim.refresh_from_db()
    client.force_login(cast.editor)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    assert f'name="_action" value="{button}"' not in client.get(url).content.decode()
    before = claim_state(claim)
    response = client.post(url, {"_action": button, "version": claim.version, **data, **extra})
    assert response.status_code == 403
    assert "Only the claim's assignee" in response.content.decode()
    assert claim_state(claim) == before


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_a_reviewer_who_worked_on_the_verdict_cannot_approve_it(client, cast, claim, claim_state, who):
    actor = getattr(cast, who)
    _with_evidence(claim, cast, actor)
    workflow.claim_submit(claim_id=claim.pk, actor=actor)
    claim.refresh_from_db()
    client.force_login(actor)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    before = claim_state(claim)
    assert client.post(url, {"_action": "approve", "version": claim.version}).status_code == 403
    assert claim_state(claim) == before


# The claim list's bulk actions. Changes are checked on the claim; exports are streamed downloads.


def _bulk_in_review(claim, cast):
    _in_review(claim, cast, None)
    claim.refresh_from_db()
    return {f"version_{claim.pk}": claim.version}


def _bulk_dismissed(claim, cast):
    workflow.claim_dismiss(claim_id=claim.pk, actor=cast.editor2, reason="furniture")
    return {"_query": "?status__exact=dismissed"}


def _bulk_merge_partner(claim, cast):
    return {"_selected_action": [str(claim.pk), str(Claim.objects.get(text=SECOND_CLAIM_TEXT).pk)]}


def _merged_with_partner(claim, actor):
    pair = [claim.pk, Claim.objects.get(text=SECOND_CLAIM_TEXT).pk]
    return Claim.objects.filter(pk__in=pair, status="merged", merged_into_id__in=pair).count() == 1


BULK = {
    # action: (who may, how to get there, what the form sends, the check that it was done); how to get
    # there may give the list's filters ("_query") and the selection.
    "assign_to_me": (ROLES, lambda c, cast: {}, {}, lambda c, actor: c.assignee_id == actor.pk),
    "assign_to_editor": (
        ROLES,
        lambda c, cast: {"assignee": cast.editor2.pk},
        {},
        lambda c, actor: c.assignee.username == "editor2",
    ),
    "approve_selected": (REVIEWERS, _bulk_in_review, {}, lambda c, actor: c.status == "approved"),
    "dismiss_selected": (ROLES, lambda c, cast: {}, {"reason": "opinion"}, lambda c, actor: c.status == "dismissed"),
    "restore_selected": (ROLES, _bulk_dismissed, {}, lambda c, actor: c.status == "pending"),
    "merge_selected": (ROLES, _bulk_merge_partner, {}, _merged_with_partner),
    "export_csv": (ROLES, lambda c, cast: {}, {}, None),
    "export_json": (ROLES, lambda c, cast: {}, {}, None),
    "export_claimreview": (ROLES, lambda c, cast: {}, {}, None),
    "export_html": (ROLES, lambda c, cast: {}, {}, None),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", BULK)
def test_every_bulk_action_by_who_runs_it(client, cast, claim, claim_state, who, name):
    allowed, prepare, data, done = BULK[name]
    actor = signed_in(client, cast, who)
    extra = prepare(claim, cast)
    outcome = expected(who, allowed)
    changelist = reverse("admin:annotations_claim_changelist") + extra.pop("_query", "")
    if outcome in ("ok", "refused"):
        offered = f'<option value="{name}">' in client.get(changelist).content.decode()
        assert offered == (outcome == "ok")
    before = claim_state(claim)
    response = client.post(changelist, {"action": name, "_selected_action": [str(claim.pk)], **data, **extra})
    if outcome == "refused":
        # Not offered to this user, so Django's action form refuses it: nothing is run.
        assert response.status_code in (200, 302)
    else:
        assert_outcome(response, outcome)
    if outcome == "ok" and done is None:
        assert response.status_code == 200 and response.streaming
        assert response["Content-Disposition"].startswith("attachment;")
        b"".join(response.streaming_content)
        assert claim_state(claim) == before  # exporting changes nothing
    elif outcome == "ok":
        claim.refresh_from_db()
        assert done(claim, actor)
        assert ReviewEvent.objects.filter(claim=claim).latest("id").actor == actor
    else:
        assert claim_state(claim) == before
        assert not getattr(response, "streaming", False)
