"""Accessibility: axe-core (shipped by axe-playwright-python) finds no serious or critical violation
on the desk's pages, in the light and the dark colour scheme.

The pages are the index, the claim list, a claim's page (with evidence, history and the keys'
help), the review queue, a document's page and the desk's charts.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.models import Claim
from annotations.tests.conftest import run_queued_jobs

from .test_workspace import CLAIMS, make_staff, submit_disputed

pytestmark = pytest.mark.django_db(transaction=True)

SEVERE = {"serious", "critical"}


@pytest.fixture
def desk(db, editor, reviewer):
    """The seed articles, a claim in review and one in the editor's hands."""
    call_command("load_seeds", verbosity=0)
    run_queued_jobs()
    make_staff(editor, reviewer)
    claims = Claim.objects.order_by("-checkworthiness", "id")
    in_review = submit_disputed(claims[0], editor)
    pending = claims.exclude(pk=in_review.pk).first()
    return {"in_review": in_review, "pending": pending, "document": in_review.occurrences.first().document_id}


def severe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SEVERE
    ]


PAGES = {
    "index": "/admin/",
    "claim list": CLAIMS,
    "claim page": CLAIMS + "{in_review}/change/",
    "claim page, pending, no verdict": CLAIMS + "{pending}/change/",
    "review queue": CLAIMS + "queue/",
    "document page": "/admin/annotations/sourcedocument/{document}/change/",
    "desk charts": "/admin/desk/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_violation(live_server, new_page, login, desk, name, scheme):
    page = new_page()
    page.emulate_media(color_scheme=scheme)
    login(page, "reviewer1", "pw-reviewer1")
    url = PAGES[name].format(in_review=desk["in_review"].pk, pending=desk["pending"].pk, document=desk["document"])
    response = page.goto(live_server.url + url)
    assert response is not None and response.status == 200
    expect(page.locator("#content")).to_be_visible()
    assert severe_violations(page) == []


def test_the_keys_help_has_no_serious_or_critical_violation(live_server, new_page, login, desk):
    page = new_page()
    login(page, "reviewer1", "pw-reviewer1")
    page.goto(live_server.url + CLAIMS + f"{desk['in_review'].pk}/change/")
    page.wait_for_load_state("load")
    page.keyboard.press("?")
    expect(page.locator("#desk-help")).to_be_visible()
    assert severe_violations(page) == []
