import pytest
from django.core.management import call_command

from annotations.admin import ClaimAdmin
from annotations.models import Claim

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_sees_the_seeded_claims_in_the_admin(live_server, new_page, login, reviewer, screenshot):
    call_command("load_seeds", verbosity=0)
    total = Claim.objects.count()
    assert total > 20
    reviewer.is_staff = True
    reviewer.save()
    page = login(new_page(), "reviewer1", "pw-reviewer1")
    page.goto(f"{live_server.url}/admin/annotations/claim/")
    assert page.locator("#result_list tbody tr").count() == min(total, ClaimAdmin.list_per_page)
    assert page.get_by_text(f"{total} claims").first.is_visible()
    first = Claim.objects.order_by("id").first()
    assert page.locator("#result_list").inner_text().count(first.text[:40]) == 1
    screenshot(page, "claim-list")


def test_user_without_a_role_sees_no_claims(live_server, new_page, login, outsider):
    call_command("load_seeds", verbosity=0)
    outsider.is_staff = True
    outsider.save()
    page = login(new_page(), "outsider", "pw-outsider")
    response = page.goto(f"{live_server.url}/admin/annotations/claim/")
    assert response.status == 403
