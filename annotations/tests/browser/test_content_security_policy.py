"""The Content-Security-Policy in real Chromium: the pages work under it and break none of its rules.

Chromium fires a ``securitypolicyviolation`` event for everything the policy blocks (an inline
script, a style, an image from elsewhere) and logs it to the console; both are collected here.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.models import Claim

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
    window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched_page(new_page):
    """Return a page factory whose pages record CSP violations, console errors and script errors."""
    pages = []

    def make():
        page = new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.problems = []
        page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        pages.append(page)
        return page

    return make


def assert_no_violations(page):
    assert page.evaluate("window.__violations") == []
    assert [text for text in page.problems if "Content Security Policy" in text or "Refused to" in text] == []


def test_the_api_docs_render_under_the_policy(live_server, watched_page, editor):
    page = watched_page()
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("factcheck API")
    # The operations come from the schema the set-up script asked for.
    expect(page.locator(".opblock-summary-path", has_text="/api/claims/").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/auth/token/").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert_no_violations(page)
    assert page.problems == []


def test_the_admin_works_under_the_policy(live_server, watched_page, login, editor, reviewer):
    call_command("load_seeds", verbosity=0)
    claim = Claim.objects.order_by("id").first()
    page = login(watched_page(), "editor1", "pw-editor1")
    assert_no_violations(page)
    # The claim list's select-all box is the admin's own script (actions.js) at work.
    page.goto(f"{live_server.url}/admin/annotations/claim/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_have_text(re.compile(r"^\s*(\d+) of \1 selected"))
    # The claim page: take the claim, then rule it.
    page.goto(f"{live_server.url}/admin/annotations/claim/{claim.pk}/change/")
    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("The claim is yours.")
    page.locator("#verdict-form input[value=disputed]").check()
    page.locator("#verdict-form textarea[name=note]").fill("The ministry's own list differs.")
    page.locator("#verdict-form [type=submit]").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("Verdict saved.")
    page.goto(f"{live_server.url}/admin/annotations/sourcedocument/{claim.occurrences.first().document_id}/change/")
    expect(page.locator("#document-text")).to_be_visible()
    assert_no_violations(page)
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("in_progress", "disputed")
