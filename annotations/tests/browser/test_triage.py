"""Triage in real Chromium: dismiss and restore, bulk dismiss, wording, merge (from the form and from a
suggestion), and the colours of both schemes.

As in ``test_workspace``: the seed articles are loaded, the set-up goes through the workflow, the
admin is worked by clicking, and the database is checked afterwards.
"""

import re

import pytest
from playwright.sync_api import expect

from annotations import workflow
from annotations.models import Claim, ClaimStatus, ReviewEvent, Suggestion

from .test_workspace import CLAIMS, claim_url, history, make_staff, messages, submit_disputed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeds(ranked_seeds):
    return ranked_seeds


def as_written(claim):
    """Return the claim's sentences as the articles have them (the claim's text is normalised)."""
    return [o.document.text[o.start : o.end] for o in claim.occurrences.select_related("document")]


def row(page, claim):
    """Return the list's row of ``claim``."""
    return page.locator("#result_list tbody tr").filter(
        has=page.locator(f'input[name=_selected_action][value="{claim.pk}"]')
    )


def status_filter(page, name):
    page.locator('#changelist-filter details[data-filter-title="status"]').get_by_role(
        "link", name=name, exact=True
    ).click()


# --- Dismiss and restore -------------------------------------------------------------------------


def test_an_editor_dismisses_a_claim_and_restores_it(live_server, new_page, login, screenshot, seeds, editor):
    make_staff(editor)
    claim = seeds.first()
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(live_server.url + CLAIMS)
    expect(row(page, claim)).to_have_count(1)
    row(page, claim).locator("th.field-short_text a").click()
    # This editor stays on a claim after dismissing it (the desk would open the next one).
    page.locator("#desk-preference").get_by_role("button", name="Stay instead").click()
    expect(messages(page, "success")).to_contain_text("now stays on the claim")
    expect(page.locator("#claim-text")).to_be_visible()

    dismiss = page.locator("#dismiss-form")
    dismiss.get_by_label("Not worth checking:").select_option(label="Opinion")
    dismiss.get_by_placeholder("Note (optional)").fill("A forecast, not a checkable fact.")
    dismiss.get_by_role("button", name="Dismiss").click()

    expect(messages(page, "success")).to_have_text("Dismissed: the claim left the queue.")
    expect(page.locator("#claim-dismissed")).to_contain_text(
        "Dismissed as opinion: “A forecast, not a checkable fact.”"
    )
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("Dismissed")
    expect(page.locator("#dismiss-form")).to_have_count(0)
    screenshot(page, "triage-claim-dismissed")
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason, claim.dismissal_note) == (
        ClaimStatus.DISMISSED, "opinion", "A forecast, not a checkable fact.",
    )  # fmt: skip

    # It leaves the default list, and is under the dismissed filter.
    page.goto(live_server.url + CLAIMS)
    expect(page.locator("#result_list tbody tr")).to_have_count(seeds.count() - 1)
    expect(row(page, claim)).to_have_count(0)
    status_filter(page, "Dismissed")
    expect(page).to_have_url(re.compile(r"[?&]status__exact=dismissed"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    # Its only badge: it has no verdict.
    expect(row(page, claim).locator("td.field-state .fc-badge")).to_have_text("Dismissed")

    # Restoring it brings it back to the queue.
    row(page, claim).locator("th.field-short_text a").click()
    page.get_by_role("button", name="Restore to the queue").click()
    expect(messages(page, "success")).to_have_text("Restored to the queue.")
    expect(page.locator("#claim-dismissed")).to_have_count(0)
    assert history(page)[:2] == [["restored", "editor1"], ["dismissed", "editor1"]]
    page.goto(live_server.url + CLAIMS)
    expect(page.locator("#result_list tbody tr")).to_have_count(seeds.count())
    expect(row(page, claim).locator("td.field-state .fc-badge")).to_have_text("Pending")
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason) == (ClaimStatus.PENDING, "")


def test_bulk_dismiss_reports_each_claim_and_each_refusal(
    live_server, new_page, login, screenshot, seeds, editor, editor2
):
    make_staff(editor)
    first, second, third = list(seeds[:3])
    in_review = submit_disputed(third, editor2)
    before = ReviewEvent.objects.filter(claim=in_review).count()
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(live_server.url + CLAIMS)

    actions = page.locator("#changelist-form .actions")
    reason = actions.locator("select[name=reason]")
    expect(reason).to_be_hidden()  # shown with the action that reads it
    for claim in (first, second, in_review):
        row(page, claim).locator("input[name=_selected_action]").check()
    actions.locator("select[name=action]").select_option("dismiss_selected")
    expect(reason).to_be_visible()
    expect(actions.locator("select[name=assignee]")).to_be_hidden()
    reason.select_option(label="Page furniture")
    actions.locator("input[name=note]").fill("Photo captions.")
    screenshot(page, "triage-bulk-dismiss")
    actions.get_by_role("button", name="Go").click()

    expect(messages(page, "warning")).to_have_text("2 claim(s) dismissed (page furniture); 1 refused.")
    expect(messages(page, "error")).to_have_text(
        f"Claim {in_review.pk}: Cannot dismiss a claim that is in review: reopen it first."
    )
    expect(page.locator("#result_list tbody tr")).to_have_count(seeds.count() - 2)
    screenshot(page, "triage-bulk-dismiss-report")
    assert {c.pk: (c.status, c.dismissal_reason, c.dismissal_note) for c in Claim.objects.filter(
        pk__in=[first.pk, second.pk, in_review.pk]
    )} == {
        first.pk: ("dismissed", "furniture", "Photo captions."),
        second.pk: ("dismissed", "furniture", "Photo captions."),
        in_review.pk: ("in_review", "", ""),
    }  # fmt: skip
    assert ReviewEvent.objects.filter(claim=in_review).count() == before

    # The dismissal filter finds them by reason.
    page.locator('#changelist-filter details[data-filter-title="dismissed as"]').get_by_role(
        "link", name="Page furniture", exact=True
    ).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)


# --- Wording ----------------------------------------------------------------------------------------


def test_the_wording_is_shown_on_the_page_and_in_the_list_with_the_sentence_as_it_appears(
    live_server, new_page, login, screenshot, seeds, editor
):
    make_staff(editor)
    claim = seeds[1]
    wording = "Cuba said on 4 January 2026 that 32 Cuban officers were killed in the US strikes on Venezuela."
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    field = page.locator("#wording-form").get_by_label("Checked wording")
    expect(field).to_have_value(claim.text)
    field.fill(wording)
    page.locator("#wording-form").get_by_role("button", name="Save wording").click()

    expect(messages(page, "success")).to_have_text("Wording saved.")
    expect(page.locator("#claim-text")).to_have_text(wording)
    expect(page.locator("#claim-as-written")).to_have_text(f"Reworded for checking. As it appears: “{claim.text}”")
    expect(page.locator("#claim-context mark")).to_have_text(as_written(claim))
    screenshot(page, "triage-claim-reworded")

    page.goto(live_server.url + CLAIMS)
    cell = row(page, claim).locator("th.field-short_text")
    expect(cell).to_contain_text(wording[:60])
    expect(cell.locator(".fc-reworded")).to_have_text("reworded")
    expect(cell.locator("span[title]").first).to_have_attribute("title", f"{wording}\n\nAs it appears: {claim.text}")
    claim.refresh_from_db()
    assert (claim.wording, claim.checked_text) == (wording, wording)


# --- Merge ------------------------------------------------------------------------------------------


def test_merging_from_the_claim_page_leads_the_other_claims_address_to_this_one(
    live_server, new_page, login, screenshot, seeds, editor
):
    make_staff(editor)
    survivor, other = seeds[0], seeds[4]
    sentences = as_written(survivor) + as_written(other)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, survivor))
    merge = page.locator("#merge-form")
    merge.get_by_label("Claims to merge into this one:").fill(f"#{other.pk}")
    merge.get_by_role("button", name="Merge into this claim").click()

    expect(messages(page, "success")).to_have_text("Merged into this claim.")
    expect(page.locator("#claim-merged-in")).to_have_text(f"Merged in: claim {other.pk}.")
    marks = page.locator("#claim-context mark")
    expect(marks).to_have_count(2)
    assert sorted(marks.all_text_contents()) == sorted(sentences)  # each occurrence, in its paragraph
    screenshot(page, "triage-claim-survivor")

    # The other claim's address leads here, with a way to its own page and history.
    page.goto(claim_url(live_server, other))
    expect(page).to_have_url(claim_url(live_server, survivor))
    info = messages(page, "info")
    expect(info).to_have_text(f"Claim {other.pk} was merged into this claim. See claim {other.pk} and its history.")
    info.get_by_role("link", name=f"See claim {other.pk} and its history").click()
    expect(page).to_have_url(claim_url(live_server, other) + "?stay=1")
    expect(page.locator("#claim-merged-into")).to_contain_text(f"Merged into claim {survivor.pk}")
    expect(page.locator("#claim-state .fc-badge").first).to_have_text("Merged")
    assert history(page)[0] == ["merged_into", "editor1"]
    screenshot(page, "triage-claim-merged")
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == (ClaimStatus.MERGED, survivor.pk)
    assert survivor.occurrences.count() == 2


def test_merging_a_suggested_passage_that_is_a_claim(live_server, new_page, login, seeds, editor):
    make_staff(editor)
    suggestion = (
        Suggestion.objects.filter(passage_claim__status=ClaimStatus.PENDING, claim__status=ClaimStatus.PENDING)
        .select_related("claim", "passage_claim").order_by("-score", "id").first()
    )  # fmt: skip
    assert suggestion is not None, "the seeds should suggest a passage that is a claim"
    claim, passage = suggestion.claim, suggestion.passage_claim
    [sentence] = as_written(passage)
    page = login(new_page(), "editor1", "pw-editor1")
    page.goto(claim_url(live_server, claim))
    suggested = page.locator(f'tr.fc-suggestion[data-suggestion="{suggestion.pk}"]')
    suggested.get_by_role("button", name=f"Merge claim {passage.pk} into this one").click()

    expect(messages(page, "success")).to_have_text("Merged into this claim.")
    expect(page.locator("#claim-merged-in")).to_have_text(f"Merged in: claim {passage.pk}.")
    expect(page.locator(f'tr.fc-suggestion[data-suggestion="{suggestion.pk}"]')).to_have_count(0)
    expect(page.locator("#claim-context mark").filter(has_text=sentence)).to_have_count(1)
    page.goto(claim_url(live_server, passage))
    expect(page).to_have_url(claim_url(live_server, claim))
    passage.refresh_from_db()
    assert (passage.status, passage.merged_into_id) == (ClaimStatus.MERGED, claim.pk)


# --- Both colour schemes ------------------------------------------------------------------------------

LIGHT_GREEN, DARK_GREEN = "rgb(21, 128, 61)", "rgb(74, 222, 128)"


@pytest.mark.parametrize(
    "system, theme, green",
    [
        ("light", None, LIGHT_GREEN),
        ("dark", None, DARK_GREEN),
        ("light", "dark", DARK_GREEN),  # the admin's theme toggle, against the system's scheme
        ("dark", "light", LIGHT_GREEN),
    ],
)
def test_the_triage_colours_follow_the_scheme_and_the_theme_toggle(
    live_server, new_page, login, screenshot, seeds, editor, system, theme, green
):
    make_staff(editor)
    high = seeds.first()
    assert high.checkworthiness >= 0.7
    workflow.claim_dismiss(claim_id=seeds[1].pk, actor=editor, reason="opinion", note="A view.")
    page = login(new_page(), "editor1", "pw-editor1")
    page.emulate_media(color_scheme=system)
    if theme:
        page.evaluate(f"localStorage.setItem('theme', '{theme}')")
    page.goto(live_server.url + CLAIMS)
    worth = row(page, high).locator(".fc-worth")
    expect(worth).to_have_css("color", green)
    page.goto(claim_url(live_server, seeds[1]))
    banner = page.locator("#claim-dismissed")
    body = page.evaluate("getComputedStyle(document.body).color")
    expect(banner).to_have_css("color", body)  # a closed claim is a state, not an error
    screenshot(page, f"triage-claim-{system}-{theme or 'auto'}")
