import pytest
from django.urls import reverse

from annotations import workflow
from annotations.models import Claim, ReviewEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_claim(db):
    text = "The ministry said 32 officers were killed in the raid on Saturday."
    workflow.document_load(
        document=workflow.DocumentInput(
            text=text, title="Doc", sentences=[workflow.Sentence(0, len(text), text)]
        )
    )
    return Claim.objects.get()


def _client(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin_user"])
def test_history_is_never_editable_or_deletable_in_the_admin(client, request, loaded_claim, who):
    user = request.getfixturevalue(who)
    _client(client, user)
    event = ReviewEvent.objects.get()
    assert client.get(reverse("admin:annotations_reviewevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:annotations_reviewevent_add")).status_code == 403
    assert client.post(reverse("admin:annotations_reviewevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:annotations_reviewevent_change", args=[event.pk]))
    assert b'name="_save"' not in page.content
    assert ReviewEvent.objects.filter(pk=event.pk, action="created").exists()


def test_a_user_without_a_role_sees_no_claims(client, outsider, loaded_claim):
    _client(client, outsider)
    assert client.get(reverse("admin:annotations_claim_changelist")).status_code == 403
    assert client.get(reverse("admin:annotations_claim_change", args=[loaded_claim.pk])).status_code == 403


def test_editor_sees_the_claim_list_and_the_claim_read_only(client, editor, loaded_claim):
    _client(client, editor)
    listing = client.get(reverse("admin:annotations_claim_changelist"))
    assert listing.status_code == 200
    assert loaded_claim.text[:40] in listing.content.decode()
    page = client.get(reverse("admin:annotations_claim_change", args=[loaded_claim.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    # A forged save through the generic form changes nothing.
    client.post(reverse("admin:annotations_claim_change", args=[loaded_claim.pk]), {"status": "approved", "verdict": "verified"})
    loaded_claim.refresh_from_db()
    assert (loaded_claim.status, loaded_claim.verdict, loaded_claim.version) == ("pending", "", 1)


def test_assign_to_me_action_goes_through_the_workflow(client, editor, loaded_claim):
    _client(client, editor)
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "assign_to_me", "_selected_action": [loaded_claim.pk]},
        follow=True,
    )
    assert "1 claim(s) assigned to you." in response.content.decode()
    loaded_claim.refresh_from_db()
    assert loaded_claim.assignee == editor and loaded_claim.status == "in_progress"
    event = ReviewEvent.objects.filter(claim=loaded_claim).latest("id")
    assert (event.action, event.actor, event.status_before, event.status_after) == ("assigned", editor, "pending", "in_progress")


def test_assign_to_me_reports_each_refusal(client, editor, reviewer, loaded_claim):
    _client(client, editor)
    workflow.claim_assign(claim_id=loaded_claim.pk, actor=reviewer)
    workflow.claim_set_verdict(claim_id=loaded_claim.pk, actor=reviewer, verdict="unverified", note="Called the ministry; no answer.")
    workflow.claim_submit(claim_id=loaded_claim.pk, actor=reviewer)
    before = ReviewEvent.objects.count()
    response = client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "assign_to_me", "_selected_action": [loaded_claim.pk]},
        follow=True,
    )
    assert f"#{loaded_claim.pk}: Cannot assign a claim that is in review." in response.content.decode()
    assert ReviewEvent.objects.count() == before
