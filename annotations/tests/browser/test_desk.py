"""The desk's charts in real Chromium: drawn, sized, named, under the site's policy, in both colour schemes."""

import pytest
from playwright.sync_api import expect

from annotations import workflow
from annotations.admin.charts import contrast
from annotations.tests import desk_history

from .test_content_security_policy import RECORD_VIOLATIONS
from .test_workspace import make_staff

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = "/admin/desk/?start=2025-03-01&end=2025-03-05"
CHARTS = 7


@pytest.fixture
def history(load_document, editor, editor2, reviewer, reviewer2):
    make_staff(editor)
    return desk_history.build(load_document, editor, editor2, reviewer, reviewer2)


def drawn_bars(svg) -> int:
    """Return how many bars of the chart are drawn taller or wider than nothing (pygal draws the zeros flat)."""
    return svg.locator("rect.rect").evaluate_all(
        "rects => rects.filter(r => r.getBBox().width > 0.5 && r.getBBox().height > 0.5).length"
    )


def rgb_hex(css: str) -> str:
    """Return "rgb(r, g, b)" as #rrggbb."""
    red, green, blue = (int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_report_draws_every_chart(live_server, new_page, login, screenshot, history, scheme):
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    problems, requests = [], []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
    page.on("request", lambda request: requests.append(request.url))
    page.emulate_media(color_scheme=scheme)
    login(page, "editor1", "pw-editor1")
    page.goto(live_server.url + REPORT)

    charts = page.locator(".fc-desk-figure svg[role=img]")
    expect(charts).to_have_count(CHARTS)
    for n in range(CHARTS):
        box = charts.nth(n).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, box
        assert charts.nth(n).get_attribute("aria-label")
    # The marks are drawn: a line per status shown, a bar per day with approvals, the editors' bars.
    expect(page.locator("#by-status svg g.series path.line")).to_have_count(6)
    assert drawn_bars(page.locator("#approved-per-day svg")) == 3  # 3, 4 and 5 March
    assert drawn_bars(page.locator("#approved-per-editor svg")) == 2
    expect(page.locator("#waiting-in_review table a")).to_have_count(2)

    # Text in the charts takes the page's colour; a status's line, its colour for this scheme.
    body = rgb_hex(page.evaluate("getComputedStyle(document.body).color"))
    background = rgb_hex(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    label = page.locator("#approved-per-editor svg .axis text").first
    assert rgb_hex(label.evaluate("e => getComputedStyle(e).fill")) == body
    approved = page.locator("#approved-per-day svg rect.rect").first
    assert contrast(rgb_hex(approved.evaluate("e => getComputedStyle(e).fill")), background) >= 4.5

    screenshot(page, "desk-charts" if scheme == "light" else "desk-charts-dark")
    assert page.evaluate("window.__violations") == []
    assert [url for url in problems if not url.endswith("/favicon.ico")] == []
    assert all(url.startswith(live_server.url) for url in requests), requests  # nothing from elsewhere


def test_the_index_shows_the_compact_charts(live_server, new_page, login, screenshot, history, reviewer):
    workflow.claim_return(claim_id=history.claims.B.pk, actor=reviewer, comment="Which survey?")  # today
    workflow.claim_approve(claim_id=history.claims.F.pk, actor=reviewer)
    page = new_page()
    login(page, "editor1", "pw-editor1")
    card = page.locator("#desk-charts")
    expect(card.locator("svg[role=img]")).to_have_count(2)
    expect(card).to_contain_text("Last 14 days: 1 approved, 1 returned (50% of decisions returned).")
    assert drawn_bars(card.locator("svg").first) == 2  # today's approval and return
    for n in range(2):
        box = card.locator("svg").nth(n).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80, box
    screenshot(page, "desk-index")
    card.get_by_role("link", name="All the desk's charts and figures").click()
    expect(page.locator("h1")).to_have_text("The editor's desk")
