import pytest
from django.urls import reverse

from annotations import workflow
from annotations.models import ReviewEvent

pytestmark = pytest.mark.django_db


def staff_client(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_history_is_never_editable_or_deletable_in_the_admin(client, request, claim, who):
    staff_client(client, request.getfixturevalue(who))
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
    staff_client(client, outsider)
    assert client.get(url(claim)).status_code == 403


def test_a_user_without_a_role_sees_no_counts_on_the_index(client, outsider, claim):
    staff_client(client, outsider)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert b'id="counts"' not in page.content


def test_a_forged_post_from_a_user_without_a_role_changes_nothing(client, outsider, claim):
    staff_client(client, outsider)
    before = ReviewEvent.objects.count()
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    assert client.post(url, {"_action": "assign", "version": 1}).status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.assignee_id, claim.version) == ("pending", None, 1)
    assert ReviewEvent.objects.count() == before


def test_the_generic_change_form_cannot_change_a_claim(client, editor, claim):
    staff_client(client, editor)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    response = client.post(url, {"status": "approved", "verdict": "verified"})
    assert response.status_code == 400
    assert "Unknown action" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.version) == ("pending", "", 1)


def test_reviewer_queue_is_for_reviewers_only(client, editor, claim):
    staff_client(client, editor)
    assert client.get(reverse("admin:annotations_claim_queue")).status_code == 403


def test_editor_is_offered_no_approve_action_and_a_forged_one_is_refused(client, editor, editor2, claim, advance):
    advance(claim, "in_review", by=editor2)
    staff_client(client, editor)
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
