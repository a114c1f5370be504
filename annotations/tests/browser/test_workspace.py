"""The editors' and reviewers' workspace, driven through real Chromium against a live server.

Each test loads the seed articles, sets up what it needs through the workflow, and then works the
admin the way people do: clicking filters, links and buttons. The database is checked afterwards,
so a page that only looks right is not enough.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations import workflow
from annotations.models import Claim, ClaimOccurrence, ClaimStatus, ReviewEvent

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMS = "/admin/annotations/claim/"
NOTE = "The ministry's own casualty list gives a different figure."
SOURCE_URL = "https://example.org/ministry/casualty-list"
SOURCE_TITLE = "Ministry casualty list"


# --- Helpers --------------------------------------------------------------------------------------


@pytest.fixture
def seeds(db):
    """Load the seed articles; return their claims in id order."""
    call_command("load_seeds", verbosity=0)
    return Claim.objects.order_by("id")


def make_staff(*users):
    """Let the users into the admin (the user fixtures leave them out)."""
    for user in users:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def claim_url(live_server, claim):
    return f"{live_server.url}{CLAIMS}{claim.pk}/change/"


def submit_disputed(claim, editor):
    """Have ``editor`` take the claim, rule it disputed with a refuting web source and submit it."""
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note=NOTE)
    workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="refutes", url=SOURCE_URL, title=SOURCE_TITLE)
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    claim.refresh_from_db()
    return claim


def state(claim):
    """Return what a refused action must leave alone: the claim's row and the whole history."""
    row = Claim.objects.values("status", "verdict", "note", "version", "assignee_id", "submitted_by_id").get(
        pk=claim.pk
    )
    return row, list(ReviewEvent.objects.order_by("id").values_list("id", flat=True))


def messages(page, level):
    return page.locator(f"ul.messagelist li.{level}")


def history(page):
    """Return the history table's rows as [action, actor] pairs, newest first."""
    rows = page.locator("#history tbody tr.fc-event")
    return rows.evaluate_all(
        "rows => rows.map(row => [row.dataset.action, row.querySelector('td.fc-actor').textContent.trim()])"
    )


def forge_post(page, fields):
    """Post ``fields`` to the current page from a hand-made form; return the response.

    This is what a crafted request looks like to the server: a valid session and CSRF token,
    but an action the page never offered.
    """
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.evaluate(
            """fields => {
                const form = document.createElement('form');
                form.method = 'post';
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            fields,
        )
    page.wait_for_load_state()
    return posted.value


def forged_approval(page, claim):
    claim.refresh_from_db()
    token = page.locator("#comment-form input[name=csrfmiddlewaretoken]").input_value()
    return forge_post(page, {"_action": "approve", "version": str(claim.version), "csrfmiddlewaretoken": token})


# --- The whole round: take, rule, submit, approve --------------------------------------------------


def test_an_editor_rules_a_claim_and_a_reviewer_approves_it(
    live_server, new_page, login, screenshot, seeds, editor, editor2, reviewer
):
    make_staff(editor, reviewer)
    taken = seeds.first()
    workflow.claim_assign(claim_id=taken.pk, actor=editor2)
    unassigned = list(Claim.objects.filter(assignee__isnull=True).order_by("id"))
    claim = unassigned[0]

    # The editor narrows the list to unassigned claims from the sidebar.
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(live_server.url + CLAIMS)
    expect(page.locator("#result_list tbody tr")).to_have_count(seeds.count())
    page.locator('#changelist-filter details[data-filter-title="assignee"]').get_by_role(
        "link", name="Unassigned", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"[?&]assignee=none"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(len(unassigned))
    expect(page.locator(f'#result_list a[href*="{CLAIMS}{taken.pk}/change/"]')).to_have_count(0)
    screenshot(page, "workspace-claim-list")

    # ... opens a claim and takes it.
    page.locator(f'#result_list th.field-short_text a[href*="{CLAIMS}{claim.pk}/change/"]').click()
    expect(page.locator("#claim-text")).to_have_text(claim.text)
    expect(page.locator("#claim-assignee")).to_have_text("nobody")
    page.get_by_role("button", name="Assign to me").click()
    expect(messages(page, "success")).to_have_text("The claim is yours.")
    expect(page.locator("#claim-assignee")).to_have_text("editor1")

    # ... rules it disputed with a note.
    verdict_form = page.locator("#verdict-form")
    verdict_form.get_by_label("Disputed").check()
    verdict_form.locator("#id_note").fill(NOTE)
    verdict_form.get_by_role("button", name="Save verdict").click()
    expect(messages(page, "success")).to_have_text("Verdict saved.")
    expect(page.locator("#claim-note")).to_have_text(f"Note: {NOTE}")

    # ... adds a refuting web source.
    evidence_form = page.locator("#evidence-form")
    evidence_form.get_by_label("Stance").select_option("refutes")
    evidence_form.get_by_label("Web address").fill(SOURCE_URL)
    evidence_form.get_by_label("Title").fill(SOURCE_TITLE)
    evidence_form.get_by_role("button", name="Add evidence").click()
    expect(messages(page, "success")).to_have_text("Evidence added.")
    evidence_rows = page.locator("#evidence-table tbody tr")
    expect(evidence_rows).to_have_count(1)
    expect(evidence_rows.first).to_contain_text("Refutes")
    expect(evidence_rows.first.get_by_role("link", name=SOURCE_TITLE)).to_have_attribute("href", SOURCE_URL)
    screenshot(page, "workspace-claim-page")

    # ... and submits it for review: the next claim of the list opens.
    page.get_by_role("button", name="Submit for review").click()
    expect(messages(page, "success")).to_have_text("Submitted for review.")
    expect(messages(page, "info")).to_have_text(f"Claim {claim.pk} done: here is the next claim of the list.")
    page.wait_for_url(lambda url: f"/claim/{claim.pk}/" not in url)
    page.goto(claim_url(live_server, claim))
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("In review")
    expect(page.locator("#verdict-form")).to_have_count(0)
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.note) == (ClaimStatus.IN_REVIEW, "disputed", NOTE)
    assert (claim.assignee, claim.submitted_by) == (editor, editor)
    evidence = claim.evidence.get()
    assert (evidence.stance, evidence.url, evidence.added_by) == ("refutes", SOURCE_URL, editor)

    # A reviewer, in a session of their own, finds it with the list's "Awaiting my review" filter ...
    review = login(new_page(), "reviewer1", "pw-reviewer1")
    review.goto(live_server.url + CLAIMS)
    review.locator("#changelist-filter").get_by_role("link", name="Awaiting my review", exact=True).click()
    expect(review).to_have_url(re.compile(r"[?&]review=mine"))
    expect(review.locator("#result_list tbody tr")).to_have_count(1)
    expect(review.locator(f'#result_list a[href*="{CLAIMS}{claim.pk}/change/"]')).to_have_count(1)

    # ... and in the queue linked from the index, where they open it and approve it.
    review.goto(f"{live_server.url}/admin/")
    review.locator("#my-queue").get_by_role("link", name="1 awaiting my review").click()
    expect(review).to_have_url(re.compile(rf"{CLAIMS}queue/$"))
    queue = review.locator("#queue tbody tr")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text("Disputed")
    expect(queue.first).to_contain_text("editor1")
    queue.first.locator(f'a[href*="{CLAIMS}{claim.pk}/change/"]').click()
    expect(review.locator("#claim-text")).to_have_text(claim.text)
    review.locator("#approve-form").get_by_role("button", name="Approve").click()
    expect(messages(review, "success")).to_have_text("Approved.")
    expect(review.locator("#claim-state .fc-badge").first).to_have_text("Approved")
    screenshot(review, "workspace-claim-page-approved")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED

    # Both see every step with who took it, newest first.
    steps = [
        ["approved", "reviewer1"],
        ["submitted", "editor1"],
        ["evidence_added", "editor1"],
        ["verdict_set", "editor1"],
        ["assigned", "editor1"],
        ["created", "loader"],
    ]
    expect(review.locator("#history tbody tr.fc-event")).to_have_count(len(steps))
    assert history(review) == steps
    page.reload()
    expect(page.locator("#history tbody tr.fc-event")).to_have_count(len(steps))
    assert history(page) == steps
    recorded = ReviewEvent.objects.filter(claim=claim).order_by("-id")
    assert [[e.action, e.actor.username if e.actor else "loader"] for e in recorded] == steps


# --- Who may approve and return ------------------------------------------------------------------


def test_an_editor_cannot_approve_even_with_a_forged_post(live_server, new_page, login, seeds, editor):
    make_staff(editor)
    claim = submit_disputed(seeds.first(), editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("In review")
    # Shown, not offered: disabled, with the rule that keeps an editor from them.
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    expect(page.locator("#why-approve")).to_have_text("Only reviewers can approve claims.")
    expect(page.get_by_role("button", name="Return")).to_be_disabled()
    expect(page.locator("#approve-form")).to_have_count(0)
    before = state(claim)

    response = forged_approval(page, claim)

    assert response.status == 403
    expect(messages(page, "error")).to_have_text("Only reviewers can approve claims.")
    assert state(claim) == before


def test_a_reviewer_cannot_approve_a_claim_they_submitted(live_server, new_page, login, seeds, reviewer):
    make_staff(reviewer)
    claim = submit_disputed(seeds.first(), reviewer)
    page = login(new_page(), "reviewer1", "pw-reviewer1")
    expect(page.locator("#my-queue")).to_contain_text("0 awaiting my review")
    page.goto(claim_url(live_server, claim))
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("In review")
    expect(page.get_by_role("button", name="Return")).to_be_enabled()
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    expect(page.locator("#why-approve")).to_have_text("You submitted this verdict, so someone else must approve it.")
    expect(page.locator("#approve-form")).to_have_count(0)
    before = state(claim)

    response = forged_approval(page, claim)

    assert response.status == 403
    expect(messages(page, "error")).to_have_text("You submitted this verdict, so someone else must approve it.")
    assert state(claim) == before


def test_returning_a_claim_needs_a_comment(live_server, new_page, login, seeds, editor, reviewer):
    make_staff(reviewer)
    claim = submit_disputed(seeds.first(), editor)
    page = login(new_page(), "reviewer1", "pw-reviewer1")
    page.goto(claim_url(live_server, claim))
    return_form = page.locator("#return-form")
    before = state(claim)

    return_form.get_by_role("button", name="Return").click()

    expect(messages(page, "error")).to_have_text("A comment saying what to change is required to return a claim.")
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("In review")
    assert state(claim) == before

    return_form.locator("textarea[name=comment]").fill("Cite the ministry's list itself, not a report of it.")
    return_form.get_by_role("button", name="Return").click()

    expect(messages(page, "success")).to_have_text("Returned to the editor.")
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("Returned")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED
    event = ReviewEvent.objects.filter(claim=claim).latest("id")
    assert (event.action, event.actor, event.comment) == (
        "returned",
        reviewer,
        "Cite the ministry's list itself, not a report of it.",
    )
    assert history(page)[0] == ["returned", "reviewer1"]


def test_assign_to_me_is_not_offered_on_a_claim_already_mine(live_server, new_page, login, seeds, editor):
    make_staff(editor)
    claim = seeds.first()
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    expect(page.locator("#verdict-form")).to_be_visible()

    # Taking it again could only be refused ("already assigned to editor1").
    expect(page.get_by_role("button", name="Assign to me")).to_have_count(0)


# --- A save based on a stale page ------------------------------------------------------------------


def test_a_stale_verdict_save_is_refused_and_keeps_what_was_typed(
    live_server, new_page, login, screenshot, seeds, editor
):
    make_staff(editor)
    claim = seeds.first()
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    verdict_form = page.locator("#verdict-form")
    expect(verdict_form).to_be_visible()

    # Someone changes the claim while the page is open.
    theirs = "Confirmed by the armed forces' statement."
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="verified", note=theirs)
    before = state(claim)

    typed = "Two sources disagree on the number of dead."
    verdict_form.get_by_label("Disputed").check()
    verdict_form.locator("#id_note").fill(typed)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        verdict_form.get_by_role("button", name="Save verdict").click()

    assert posted.value.status == 409
    expect(messages(page, "error")).to_contain_text("changed by someone else")
    expect(page.locator("#id_note")).to_have_value(typed)
    expect(page.locator("#claim-note")).to_have_text(f"Note: {theirs}")
    expect(page.locator("#claim-state")).to_contain_text("Verified")
    screenshot(page, "workspace-claim-conflict")
    assert state(claim) == before
    claim.refresh_from_db()
    assert (claim.verdict, claim.note) == ("verified", theirs)


# --- The index and who sees what -------------------------------------------------------------------


def test_a_user_without_a_role_sees_no_claims(live_server, new_page, login, seeds, outsider):
    make_staff(outsider)
    claim = seeds.first()
    document = claim.occurrences.first().document
    page = login(new_page(), "outsider", "pw-outsider")
    expect(page.locator("#counts")).to_have_count(0)
    expect(page.locator("#my-queue")).to_have_count(0)
    for path in (
        CLAIMS,
        f"{CLAIMS}{claim.pk}/change/",
        f"{CLAIMS}queue/",
        f"/admin/annotations/sourcedocument/{document.pk}/change/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
        expect(page.locator("body")).not_to_contain_text(claim.text[:40])


def test_the_index_shows_counts_and_my_queue(live_server, new_page, login, screenshot, seeds, editor, reviewer):
    make_staff(editor)
    first, second, third = seeds[:3]
    workflow.claim_assign(claim_id=first.pk, actor=editor)
    submit_disputed(second, editor)
    submit_disputed(third, editor)
    workflow.claim_approve(claim_id=third.pk, actor=reviewer)
    total = seeds.count()

    page = login(new_page(), "editor1", "pw-editor1")
    counts = page.locator("#counts")
    expect(counts.locator("h2")).to_have_text(f"Claims: {total}")
    for text in (f"Pending: {total - 3}", "In progress: 1", "In review: 1", "Returned: 0", "Approved: 1"):
        expect(counts).to_contain_text(text)
    for text in ("Verified: 0", "Disputed: 2", "Unverified: 0"):
        expect(counts).to_contain_text(text)

    queue = page.locator("#my-queue")
    expect(queue).to_contain_text("1 claim(s) assigned to me need work")
    expect(queue).not_to_contain_text("awaiting my review")
    expect(queue.locator("li")).to_have_count(1)
    expect(queue.locator("li")).to_contain_text("In progress")
    screenshot(page, "workspace-index")
    queue.locator("li a").click()
    expect(page.locator("#claim-text")).to_have_text(first.text)


def test_my_queue_links_to_the_claims_it_counts(live_server, new_page, login, seeds, editor, reviewer):
    make_staff(editor)
    first, second, third = seeds[:3]
    workflow.claim_assign(claim_id=first.pk, actor=editor)
    submit_disputed(second, editor)
    submit_disputed(third, editor)
    workflow.claim_approve(claim_id=third.pk, actor=reviewer)

    page = login(new_page(), "editor1", "pw-editor1")
    page.locator("#my-queue").get_by_role("link", name="1 claim(s) assigned to me need work").click()

    # The claims in review and approved are no longer the editor's work.
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("In progress")


# --- The document page -----------------------------------------------------------------------------


def test_the_document_page_highlights_claims_by_verdict(
    live_server, new_page, login, screenshot, seeds, editor, reviewer
):
    make_staff(reviewer)
    claim = submit_disputed(seeds.first(), editor)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    occurrence = claim.occurrences.select_related("document").first()
    document = occurrence.document
    in_document = ClaimOccurrence.objects.filter(document=document).count()

    page = login(new_page(), "reviewer1", "pw-reviewer1")
    page.goto(live_server.url + CLAIMS)
    row = page.locator("#result_list tbody tr").filter(
        has=page.locator(f'th.field-short_text a[href*="{CLAIMS}{claim.pk}/change/"]')
    )
    row.locator("td.field-documents").get_by_role("link", name=document.title[:20]).click()

    expect(page).to_have_url(re.compile(rf"/admin/annotations/sourcedocument/{document.pk}/change/$"))
    text = page.locator("#document-text")
    expect(text).to_be_visible()
    assert text.text_content() == document.text
    marks = text.locator("a.fc-claim")
    expect(marks).to_have_count(in_document)
    approved = text.locator(f'a.fc-claim[href*="{CLAIMS}{claim.pk}/change/"]')
    expect(approved).to_have_attribute("data-verdict", "disputed")
    expect(approved).to_have_text(document.text[occurrence.start : occurrence.end])
    expect(text.locator('a.fc-claim[data-verdict=""]')).to_have_count(in_document - 1)
    status_counts = page.locator("#status-counts")
    expect(status_counts).to_contain_text("Approved 1")
    expect(status_counts).to_contain_text(f"Pending {in_document - 1}")
    screenshot(page, "workspace-document")
