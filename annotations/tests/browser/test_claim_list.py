"""The claim list on a small laptop screen (1366×768), in real Chromium, in light and in dark mode.

The list must fit the window without scrolling sideways, show a dozen claims before any scrolling,
keep each claim to two lines (whole in its title), and name each claim's document with its publisher.
"""

import dataclasses

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from annotations import workflow
from annotations.models import Claim
from annotations.tests.conftest import document_input

from .test_workspace import CLAIMS, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1366, "height": 768}
AT_LEAST_ON_SCREEN = 12
LONG_CLAIM = (
    "The regional health authority said on Tuesday that 1,284 patients waited more than twelve hours in its "
    "emergency departments last winter, three times as many as the year before, and that 41 of its 57 "
    "ambulances were out of service for at least a week because spare parts ordered in March had not arrived."
)
SHARED_CLAIM = "The port handled 2.4 million containers last year, a record for the third year running."
PORT_REPORT = "Port traffic report for the year"
PUBLISHERS = ["The Harbour Gazette", "Northern Ledger", "Valley Evening Post"]
SPEAKERS = ["The mayor", "The finance ministry", "A union spokesperson", "The police", "The coastguard"]


def generated_sentences(publisher_index, count):
    """Return sentences such as articles hold: who said what, with a number, of varying length."""
    sentences = []
    for i in range(count):
        speaker = SPEAKERS[(i + publisher_index) % len(SPEAKERS)]
        sentences.append(
            f"{speaker} said that {12 + 37 * i + publisher_index} people were affected by the closure of "
            f"route {i + 3 * publisher_index}"
            + (", most of them commuters from the eastern suburbs." if i % 3 else ".")
        )
    return sentences


def load(title, publisher, sentences):
    text = " ".join(sentences)
    document = dataclasses.replace(document_input(text, title, sentences), publisher=publisher)
    return workflow.document_load(document=document).document


@pytest.fixture
def listed_claims(db, editor, editor2):
    """Load the seed articles and three more (over 60 claims in all); give some claims a state of their own.

    Return the long claim and the claim in two articles: the editor's open work, so first in the list.
    """
    call_command("load_seeds", verbosity=0)
    documents = [
        load(
            f"Commuters face weeks of disruption as {publisher} counts the cost", publisher, generated_sentences(i, 16)
        )
        for i, publisher in enumerate(PUBLISHERS)
    ]
    load(PORT_REPORT, PUBLISHERS[0], [LONG_CLAIM, SHARED_CLAIM])
    load("What the port figures leave out", PUBLISHERS[1], [SHARED_CLAIM])
    assert Claim.objects.count() >= 60, "the list should hold more than a screen of claims"
    long_claim, shared = Claim.objects.get(text=LONG_CLAIM), Claim.objects.get(text=SHARED_CLAIM)
    for claim in (long_claim, shared):
        workflow.claim_assign(claim_id=claim.pk, actor=editor)
    # A few claims further on in the workflow, so that the badges, the assignee and the flags show.
    others = list(Claim.objects.filter(occurrences__document=documents[0]).order_by("id")[:4])
    for claim, verdict in zip(others[:3], ["verified", "disputed", "unverified"], strict=True):
        workflow.claim_assign(claim_id=claim.pk, actor=editor2)
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor2, verdict=verdict, note="See the sources.")
    workflow.claim_set_wording(claim_id=others[3].pk, actor=editor, wording=f"{others[3].text} (as reported)")
    Claim.objects.filter(pk=others[0].pk).update(source_changed_at=timezone.now())
    return long_claim, shared


def row(page, claim):
    return page.locator("#result_list tbody tr").filter(
        has=page.locator(f'input[name=_selected_action][value="{claim.pk}"]')
    )


ROWS_ON_SCREEN = """() => [...document.querySelectorAll('#result_list tbody tr')].filter(row => {
    const box = row.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
}).length"""

# The admin scrolls a wide table inside its own box (.results), so the page alone would not show it.
WIDTHS = """() => {
    const results = document.querySelector('#changelist-form .results');
    return {
        page: document.documentElement.scrollWidth, window: window.innerWidth,
        results: results.scrollWidth, resultsBox: results.clientWidth,
    };
}"""

LINES = """element => {
    const lineHeight = parseFloat(getComputedStyle(element).lineHeight);
    return {
        lineHeight, height: element.getBoundingClientRect().height,
        clipped: element.scrollHeight > element.clientHeight,
        row: element.closest('tr').getBoundingClientRect().height,
    };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_claim_list_fits_a_small_laptop_screen(
    live_server, new_page, login, screenshot, listed_claims, editor, scheme
):
    long_claim, shared = listed_claims
    make_staff(editor)
    page = login(new_page(), "editor1", "pw-editor1")
    page.set_viewport_size(SCREEN)
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + CLAIMS)
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light")

    # No scrolling sideways, neither the page nor the table in its box.
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["window"] == SCREEN["width"], widths
    assert widths["results"] <= widths["resultsBox"], widths

    # A dozen claims or more in view, whole, before any scrolling.
    assert page.evaluate(ROWS_ON_SCREEN) >= AT_LEAST_ON_SCREEN

    # The long claim: two lines (the rest cut off), all of it in its title.
    text = row(page, long_claim).locator("th.field-short_text .fc-claim-line")
    expect(text).to_have_attribute("title", LONG_CLAIM)
    lines = text.evaluate(LINES)
    assert lines["clipped"], "the long claim should need more than two lines"
    assert lines["height"] <= 2 * lines["lineHeight"] + 1, lines
    assert lines["row"] <= 2 * lines["lineHeight"] + 12, lines

    # Its document by title and publisher; the claim in two articles names the first and counts the other.
    cell = row(page, long_claim).locator("td.field-documents")
    expect(cell.locator("a.fc-doc")).to_have_text(PORT_REPORT)
    expect(cell.locator(".fc-publisher")).to_have_text(PUBLISHERS[0])
    cell = row(page, shared).locator("td.field-documents")
    expect(cell.locator(".fc-publisher")).to_have_text(f"{PUBLISHERS[0]} +1 more")
    expect(cell.locator(".fc-doc-more")).to_have_attribute(
        "title", f"Also in: What the port figures leave out ({PUBLISHERS[1]})"
    )
    screenshot(page, "claim-list-1366" if scheme == "light" else "claim-list-1366-dark")
