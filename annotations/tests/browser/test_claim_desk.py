"""The editor's desk in real Chromium: keys, actions in place (no full page load), save and next,
citing a selected passage, disabled actions with their reason, a stale action in place, the queue.

The page keeps a marker on ``window`` from its first load: a full page load would drop it, so a test
that finds it at the end has seen every action answered in place.
"""

import re

import pytest
from playwright.sync_api import expect

from annotations import workflow
from annotations.models import Claim, ClaimStatus, Evidence

from .test_workspace import CLAIMS, NOTE, SOURCE_URL, claim_url, make_staff, submit_disputed

pytestmark = pytest.mark.django_db(transaction=True)


def mark_loaded(page):
    """Mark the page as first loaded, once its scripts have run (keys pressed before would be lost)."""
    page.wait_for_load_state("load")
    page.evaluate("window.fcFirstLoad = true")


def loaded_once(page) -> bool:
    return page.evaluate("window.fcFirstLoad === true")


def wait_settled(page):
    """Wait until no request is under way (the page's CSP forbids evaluated predicates)."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-request")).to_have_count(0)


def press(page, key):
    page.keyboard.press(key)
    wait_settled(page)


def select_text(page, locator):
    """Select the text of ``locator`` with the mouse, from its first character to its last."""
    ends = locator.evaluate(
        """element => { const r = document.createRange(); r.selectNodeContents(element);
                        const rects = r.getClientRects(); const a = rects[0], b = rects[rects.length - 1];
                        return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2]; }"""
    )
    page.mouse.move(ends[0], ends[1])
    page.mouse.down()
    page.mouse.move(ends[2], ends[3], steps=5)
    page.mouse.up()


def test_an_editor_takes_a_claim_to_submitted_with_keys_and_one_selection_in_place(
    live_server, new_page, login, screenshot, ranked_seeds, editor
):
    make_staff(editor)
    claim = ranked_seeds.first()
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(live_server.url + CLAIMS)
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("#claim-text")).to_be_visible()
    assert f"/claim/{claim.pk}/change/" in page.url
    mark_loaded(page)
    interactions = 0

    press(page, "a")  # 1: assign to me
    interactions += 1
    expect(page.locator("#claim-assignee")).to_have_text("editor1")
    press(page, "2")  # 2: disputed; the focus moves to the note
    interactions += 1
    expect(page.locator("#id_note")).to_be_focused()
    page.keyboard.press("Escape")
    press(page, "e")  # 3: the evidence's web address, then Enter
    expect(page.locator("#evidence-form [name=url]")).to_be_focused()
    page.keyboard.type(SOURCE_URL)
    press(page, "Enter")
    interactions += 1
    expect(page.locator("#evidence-table")).to_contain_text(SOURCE_URL)
    select_text(page, page.locator("#claim-context p.fc-citable mark").first)  # 4: one selection, cited with c
    press(page, "c")
    interactions += 1
    expect(page.locator("#evidence-table tbody tr")).to_have_count(2)
    screenshot(page, "desk-claim-before-submit")
    press(page, "s")  # 5: submit; the next claim of the list opens
    interactions += 1
    expect(page).not_to_have_url(re.compile(rf"/claim/{claim.pk}/"))

    assert interactions <= 6
    assert loaded_once(page), "an action reloaded the whole page"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW and claim.verdict == "disputed"
    passage = Evidence.objects.get(claim=claim, document__isnull=False)
    occurrence = claim.occurrences.get(document=passage.document)
    assert (passage.start, passage.end, passage.stance) == (occurrence.start, occurrence.end, "context")
    assert passage.excerpt == passage.document.text[passage.start : passage.end]
    assert Evidence.objects.filter(claim=claim, url=SOURCE_URL, stance="refutes").exists()
    expect(page.locator("ul.messagelist")).to_contain_text(f"Claim {claim.pk} done")


def test_a_reviewer_approves_five_claims_from_the_queue_with_y(
    live_server, new_page, login, ranked_seeds, editor, reviewer
):
    make_staff(editor, reviewer)
    claims = [submit_disputed(claim, editor) for claim in ranked_seeds[:5]]
    page = login(new_page(), "reviewer1", "pw-reviewer1")
    page.goto(live_server.url + CLAIMS + "queue/")
    mark_loaded(page)
    for left in range(5, 0, -1):
        expect(page.locator(".fc-queue-row")).to_have_count(left)
        press(page, "y")
    expect(page.locator("#queue")).to_contain_text("Nothing is waiting for your review.")
    assert loaded_once(page)
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in claims])} == {ClaimStatus.APPROVED}


def test_a_disabled_action_shows_its_reason_and_its_key_says_it(live_server, new_page, login, ranked_seeds, editor):
    make_staff(editor)
    claim = ranked_seeds.first()
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note=NOTE)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    reason = "A disputed verdict needs at least one evidence item before it is submitted."
    submit = page.locator('.fc-unavailable[data-action="submit"]')
    expect(submit.locator("button")).to_be_disabled()
    expect(submit.locator(".fc-why")).to_have_text(reason)
    page.keyboard.press("s")
    expect(page.locator("#desk-say")).to_have_text(reason)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_PROGRESS


def test_a_stale_action_in_place_shows_the_conflict_and_keeps_what_was_typed(
    live_server, new_page, login, ranked_seeds, editor
):
    make_staff(editor)
    claim = ranked_seeds.first()
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    mark_loaded(page)
    # Meanwhile, the same editor in another tab rules the claim.
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="verified", note="From the other tab.")
    page.locator("#id_note").fill("Typed here, not to be lost.")
    page.locator("#verdict-form input[value=unverified]").check()
    page.locator("#verdict-form input[type=submit]").click()
    wait_settled(page)
    expect(page.locator(".fc-conflict")).to_be_visible()
    expect(page.locator("ul.messagelist li.error")).to_be_visible()
    expect(page.locator("#id_note")).to_have_value("Typed here, not to be lost.")
    assert loaded_once(page)
    claim.refresh_from_db()
    assert (claim.verdict, claim.note) == ("verified", "From the other tab.")


def test_j_and_k_walk_the_list_the_claim_was_opened_from(live_server, new_page, login, ranked_seeds, editor):
    make_staff(editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(live_server.url + CLAIMS + "?worth=high")
    links = page.locator("#result_list tbody tr th a")
    ids = [int(href.split("/claim/")[1].split("/")[0]) for href in links.evaluate_all("a => a.map(x => x.href)")]
    assert len(ids) >= 3
    links.first.click()
    mark_loaded(page)
    press(page, "j")
    expect(page).to_have_url(re.compile(rf"/claim/{ids[1]}/change/"))
    press(page, "j")
    expect(page).to_have_url(re.compile(rf"/claim/{ids[2]}/change/"))
    press(page, "k")
    expect(page).to_have_url(re.compile(rf"/claim/{ids[1]}/change/"))
    expect(page.locator("#claim-breadcrumbs")).to_contain_text(f"Claim {ids[1]}")
    assert loaded_once(page)


def test_the_help_overlay_lists_the_keys(live_server, new_page, login, ranked_seeds, editor):
    make_staff(editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, ranked_seeds.first()))
    page.keyboard.press("?")
    help_box = page.locator("#desk-help")
    expect(help_box).to_be_visible()
    for key in ("j", "k", "a", "1", "e", "s", "y", "r", "d", "/", "?"):
        expect(help_box.locator("kbd", has_text=key).first).to_be_visible()
    page.keyboard.press("Escape")
    expect(help_box).to_be_hidden()


def test_my_open_work_takes_the_same_keys(live_server, new_page, login, ranked_seeds, editor):
    make_staff(editor)
    mine = list(ranked_seeds[:3])
    for claim in mine:
        workflow.claim_assign(claim_id=claim.pk, actor=editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(live_server.url + CLAIMS + "?assignee=me_open")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    ids = [
        int(href.split("/claim/")[1].split("/")[0])
        for href in rows.locator("th a").evaluate_all("a => a.map(x => x.href)")
    ]
    assert sorted(ids) == sorted(c.pk for c in mine)
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(rf"/claim/{ids[1]}/change/\?_changelist_filters=assignee%3Dme_open$"))
    mark_loaded(page)
    press(page, "j")
    expect(page).to_have_url(re.compile(rf"/claim/{ids[2]}/change/"))
    expect(page.locator("#desk-last")).to_be_visible()
    press(page, "k")
    press(page, "k")
    expect(page).to_have_url(re.compile(rf"/claim/{ids[0]}/change/"))
    expect(page.locator("#desk-first")).to_be_visible()
    assert loaded_once(page)
