"""The desk's report page (/admin/desk/) and its card on the admin index (annotations/admin/desk.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from annotations.admin import desk
from annotations.admin_site import FactcheckAdminSite
from annotations.tests import desk_history

from .conftest import staff

pytestmark = pytest.mark.django_db

DESK = reverse("admin:desk")
MARCH = {"start": "2025-03-01", "end": "2025-03-05"}
FIGURES = [
    "by-status", "approved-per-day", "approved-per-editor", "time-to-approval", "return-rate",
    "waiting-pending", "waiting-in_review",
]  # fmt: skip


@pytest.fixture
def history(load_document, editor, editor2, reviewer, reviewer2):
    return desk_history.build(load_document, editor, editor2, reviewer, reviewer2)


def page(response):
    return lxml_html.fromstring(response.content.decode())


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def table(response, key):
    """Return the rows of a figure's table as text, the header row first."""
    rows = page(response).xpath(f'//section[@id="{key}"]//table//tr')
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("th|td")] for row in rows]


# --- Who may see it -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_signed_in_user_without_a_role_is_not_let_into_the_admin(client, cast):
    client.force_login(cast.no_role)
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_a_role_are_refused_the_desk(client, cast):
    client.force_login(cast.no_role_staff)
    response = client.get(DESK)
    assert response.status_code == 403
    assert b"fc-desk" not in response.content


@pytest.mark.parametrize("who", ["editor", "reviewer", "admin"])
def test_editors_reviewers_and_superusers_see_the_charts(client, cast, who):
    staff(client, getattr(cast, who))
    response = client.get(DESK)
    assert response.status_code == 200
    assert [section.get("id") for section in page(response).xpath("//section")] == FIGURES


# --- The charts and their numbers -----------------------------------------------------------------


def test_every_chart_is_an_image_with_a_name_and_a_table_of_its_numbers(client, editor, history):
    staff(client, editor)
    response = client.get(DESK, MARCH)
    tree = page(response)
    for key in FIGURES:
        (section,) = tree.xpath(f'//section[@id="{key}"]')
        (svg,) = section.xpath(".//svg")
        title = section.xpath("h2")[0].text_content()
        assert svg.get("role") == "img"
        assert svg.get("aria-label").startswith(title + ". ")
        assert svg.xpath("./title")[0].text == svg.get("aria-label")
        assert section.xpath(".//table/caption")[0].text_content() == title
        assert section.xpath(".//table//th[@scope='col']")


def test_the_tables_hold_the_figures_of_the_range(client, editor, history):
    staff(client, editor)
    response = client.get(DESK, MARCH)
    assert table(response, "by-status") == [
        ["Day", "Pending", "In progress", "In review", "Returned", "Approved", "Dismissed"],
        ["2025-03-01", "7", "0", "0", "0", "0", "0"],
        ["2025-03-02", "3", "1", "2", "0", "0", "1"],
        ["2025-03-03", "4", "1", "0", "1", "1", "0"],
        ["2025-03-04", "3", "0", "2", "0", "2", "0"],
        ["2025-03-05", "2", "0", "2", "0", "3", "0"],
    ]
    assert table(response, "approved-per-day")[1:] == [
        ["2025-03-01", "0"], ["2025-03-02", "0"], ["2025-03-03", "1"], ["2025-03-04", "1"], ["2025-03-05", "1"],
    ]  # fmt: skip
    assert table(response, "approved-per-editor") == [["Editor", "Approved"], ["editor1", "2"], ["editor2", "1"]]
    assert table(response, "time-to-approval")[3:] == [
        ["2025-03-03", "1", "30.0 h"], ["2025-03-04", "1", "2.2 days"], ["2025-03-05", "1", "25.0 h"],
    ]  # fmt: skip
    assert table(response, "return-rate")[1:] == [
        ["2025-03-01", "0", "0", "–"], ["2025-03-02", "0", "0", "–"], ["2025-03-03", "1", "2", "67%"],
        ["2025-03-04", "1", "0", "0%"], ["2025-03-05", "1", "0", "0%"],
    ]  # fmt: skip
    tree = page(response)
    assert "3 approvals from 2025-03-01 to 2025-03-05" in tree.get_element_by_id("approved-per-day").text_content()
    assert "30.0 h (the median of 3 approvals)" in tree.get_element_by_id("time-to-approval").text_content()
    assert "2 of 5 reviewer decisions returned the claim (40%)" in tree.get_element_by_id("return-rate").text_content()


def test_the_oldest_claims_waiting_link_to_their_pages(client, editor, history):
    staff(client, editor)
    response = client.get(DESK, MARCH)
    c = history.claims
    rows = table(response, "waiting-in_review")
    assert [row[:3] for row in rows[1:]] == [
        [f"Claim {c.F.pk}", c.F.text, "2025-03-04 14:00"],
        [f"Claim {c.B.pk}", c.B.text, "2025-03-05 12:00"],
    ]
    links = page(response).xpath('//section[@id="waiting-pending"]//table//a/@href')
    assert links == [reverse("admin:annotations_claim_change", args=[claim.pk]) for claim in (c.E, c.G)]


def test_the_document_filter_by_id_or_by_title(client, editor, history):
    staff(client, editor)
    for value in (str(history.report.pk), "river REPORT"):
        response = client.get(DESK, {**MARCH, "document": value})
        assert response.status_code == 200
        assert messages_of(response) == []
        assert table(response, "approved-per-editor") == [["Editor", "Approved"], ["editor1", "1"]]
        showing = page(response).get_element_by_id("desk-showing").text_content()
        assert f"claims occurring in River report (id {history.report.pk})" in " ".join(showing.split())


def test_the_default_range_is_the_last_30_days(client, editor, history):
    staff(client, editor)
    response = client.get(DESK)
    today = timezone.localdate()
    assert response.context["desk"].start == today - timedelta(days=29)
    showing = " ".join(page(response).get_element_by_id("desk-showing").text_content().split())
    assert showing.startswith(f"Showing {today - timedelta(days=29)} to {today} (30 days), every document.")
    assert len(table(response, "approved-per-day")) == 31  # the header and 30 days


def test_a_to_date_after_today_stops_at_today(client, editor):
    staff(client, editor)
    today = timezone.localdate()
    response = client.get(DESK, {"start": str(today - timedelta(days=2)), "end": str(today + timedelta(days=9))})
    assert messages_of(response) == []
    assert (response.context["desk"].start, response.context["desk"].end) == (today - timedelta(days=2), today)


# --- Bad filters are messages, never errors -------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2025-02-30"}, "From: " + desk.MSG_BAD_DATE),
        ({"start": "yesterday"}, "From: " + desk.MSG_BAD_DATE),
        ({"end": "2025-13-01"}, "To: " + desk.MSG_BAD_DATE),
        (
            {"start": "2025-03-05", "end": "2025-03-01"},
            "The to-date (2025-03-01) is before the from-date (2025-03-05).",
        ),
        (
            {"start": "2024-01-01", "end": "2025-03-05"},
            "Choose at most 366 days: 2024-01-01 to 2025-03-05 is 430 days.",
        ),
        ({"start": "9999-12-31"}, "The from-date (9999-12-31) is after today."),
        ({"start": "0001-01-01", "end": "0001-01-02"}, None),  # far back, but a range: no message
        ({"document": "999999"}, "Document: No document has the id 999999."),
        ({"document": "99999999999999999999999"}, "Document: No document's title contains “99999999999999999999999”."),
        ({"document": "no such title"}, "Document: No document's title contains “no such title”."),
    ],
)
def test_a_bad_filter_is_a_message_and_the_default_is_shown(client, editor, history, query, message):
    staff(client, editor)
    response = client.get(DESK, query)
    assert response.status_code == 200
    if message is None:
        assert messages_of(response) == []
        return
    assert messages_of(response) == [message, desk.MSG_DEFAULT_SHOWN.format(days=30)]
    assert response.context["desk"] == desk.DeskFilter.last_days()
    assert page(response).xpath("//section[@id='by-status']//svg")


def test_several_matching_titles_are_listed_to_choose_from(client, editor, history, load_document):
    staff(client, editor)
    load_document("The river rose again on Tuesday.", "River report, part two", ["The river rose again on Tuesday."])
    response = client.get(DESK, {**MARCH, "document": "river"})
    assert messages_of(response)[0] == "Document: " + desk.MSG_SEVERAL_TITLES.format(count=2, words="river")
    links = page(response).xpath('//div[@id="desk-candidates"]//a')
    assert [link.text_content() for link in links] == ["River report", "River report, part two"]
    # Each keeps the dates chosen.
    assert links[0].get("href") == f"?start=2025-03-01&end=2025-03-05&document={history.report.pk}"


# --- Escaping -------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_usernames_and_titles_are_escaped_in_the_charts_and_the_page(client, django_user_model, history, reviewer):
    from annotations import workflow
    from annotations.tests.conftest import _user

    mallory = _user(django_user_model, f"m{SCRIPT}", "editor")
    claim = history.claims.E
    with desk_history.clock(desk_history.at(5, 12)):
        workflow.claim_assign(claim_id=claim.pk, actor=mallory)
        desk_history.rule(claim, mallory, 5, 12)
        workflow.claim_submit(claim_id=claim.pk, actor=mallory)
        workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    staff(client, reviewer)
    response = client.get(DESK, {**MARCH, "document": str(history.extras.pk)})
    content = response.content.decode()
    assert SCRIPT not in content
    # The name is in the chart (a bar label) and the table, escaped once: it reads as written.
    tree = page(response)
    (svg,) = tree.xpath('//section[@id="approved-per-editor"]//svg')
    assert f"m{SCRIPT}" in [text.text_content() for text in svg.xpath(".//*[local-name()='text']")]
    assert [f"m{SCRIPT}", "1"] in table(response, "approved-per-editor")
    assert "m&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert not tree.xpath("//script[not(@src)]")  # no inline script at all: pygal's is removed


def test_a_document_title_with_markup_is_escaped(client, editor, history, load_document):
    staff(client, editor)
    title = f"Report {SCRIPT}"
    loaded = load_document("The river rose again on Tuesday.", title, ["The river rose again on Tuesday."])
    response = client.get(DESK, {"document": str(loaded.document.pk)})
    content = response.content.decode()
    assert SCRIPT not in content
    assert "Report &lt;script&gt;alert(1)&lt;/script&gt;" in content
    response = client.get(DESK, {"document": "report"})  # listed among the candidates
    assert SCRIPT not in response.content.decode()


# --- The index card -------------------------------------------------------------------------------


def test_the_index_shows_the_compact_charts_and_links_to_the_report(client, editor, history):
    staff(client, editor)
    response = client.get(reverse("admin:index"))
    card = page(response).get_element_by_id("desk-charts")
    assert [svg.get("role") for svg in card.xpath(".//svg")] == ["img", "img"]
    assert card.xpath(".//a/@href") == [DESK]
    text = " ".join(card.text_content().split())
    assert "Last 14 days: 0 approved, 0 returned." in text  # the history is of March 2025
    assert "Claims now: 2 pending, 0 in progress, 2 in review, 0 returned, 3 approved." in text


def test_the_index_card_counts_the_last_14_days(client, editor, reviewer, history):
    from annotations import workflow

    workflow.claim_return(claim_id=history.claims.B.pk, actor=reviewer, comment="Which survey?")
    workflow.claim_approve(claim_id=history.claims.F.pk, actor=reviewer)
    staff(client, editor)
    card = page(client.get(reverse("admin:index"))).get_element_by_id("desk-charts")
    assert "Last 14 days: 1 approved, 1 returned (50% of decisions returned)." in " ".join(card.text_content().split())


def test_the_desk_card_costs_the_index_one_query(client, editor, history, monkeypatch):
    staff(client, editor)
    url = reverse("admin:index")
    client.get(url)  # the first request of a session reads more
    with CaptureQueriesContext(connection) as with_card:
        assert b"desk-charts" in client.get(url).content
    monkeypatch.setattr(FactcheckAdminSite, "_desk_panel", staticmethod(lambda counts: None))
    with CaptureQueriesContext(connection) as without:
        assert b"desk-charts" not in client.get(url).content
    assert len(with_card) - len(without) == 1


def test_the_index_has_no_desk_card_for_a_user_without_a_role(client, cast):
    staff(client, cast.no_role_staff)
    response = client.get(reverse("admin:index"))
    assert b"desk-charts" not in response.content
