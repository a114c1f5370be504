"""The editor's desk on the claim page (admin/claims.py, admin/navigation.py): actions in place, save and
next, the list's neighbours (j / k), the desk preference, disabled actions with their reason, the
returned banner, the paragraphs around the claim and the article opened beside it.

The browser tests (browser/test_claim_desk.py) drive the keys and the page's script; these check
what the server answers.
"""

import html
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from lxml import html as lxml_html

from annotations import workflow
from annotations.admin import ClaimAdmin
from annotations.admin.claims import MSG_GO_ON, MSG_NEXT, MSG_STAY
from annotations.models import Claim, DeskPreference
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT
from annotations.workflow import rules

from .conftest import claim_url, staff
from .test_triage_admin import shown_messages

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:annotations_claim_changelist")
QUEUE = reverse("admin:annotations_claim_queue")
PREFERENCE = reverse("admin:annotations_claim_desk_preference")
HTMX = {"HX-Request": "true"}


def page(response):
    return lxml_html.fromstring(response.content.decode())


def by_id(response, element_id):
    """Return the page's element with ``element_id``, or None."""
    found = page(response).xpath(f'//*[@id="{element_id}"]')
    return found[0] if found else None


def text_at(response, element_id):
    return " ".join(by_id(response, element_id).text_content().split())


def opened_from(claim_id, query=""):
    """Return the address of claim ``claim_id``'s page opened from the claim list ``?query``."""
    url = reverse("admin:annotations_claim_change", args=[claim_id])
    return f"{url}?{urlencode({'_changelist_filters': query})}" if query else url


def claim_of(url):
    """Return the id of the claim a claim page's address opens."""
    return int(resolve(urlsplit(url).path).kwargs["object_id"])


def neighbours(response):
    """Return the addresses the page's previous (k) and next (j) links lead to (None where there is none)."""
    links = [by_id(response, "desk-previous"), by_id(response, "desk-next")]
    return tuple(link.get("href") if link is not None else None for link in links)


def listed_ids(response):
    return [int(value) for value in page(response).xpath('//input[@name="_selected_action"]/@value')]


def list_links(client, query=""):
    """Return the claim list's links to its claims' pages, in the list's order."""
    response = client.get(f"{CHANGELIST}?{query}")
    return page(response).xpath('//table[@id="result_list"]//th[contains(@class, "field-short_text")]//a/@href')


def column(name):
    """Return the changelist's sort parameter for the ``list_display`` column ``name``."""
    return str(ClaimAdmin.list_display.index(name) + 1)


def act(client, claim, action, query="", *, htmx=False, **data):
    """Post ``action`` on the claim page opened from the list ``?query``, as of the claim's version."""
    claim.refresh_from_db()
    headers = HTMX if htmx else {}
    return client.post(
        opened_from(claim.pk, query), {"_action": action, "version": claim.version, **data}, headers=headers
    )


# --- Actions in place -----------------------------------------------------------------------------


def test_an_action_in_place_answers_with_the_claim_page_and_its_message(client, editor, claim):
    staff(client, editor)
    response = act(client, claim, "assign", htmx=True)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/annotations/claim/work.html"
    assert response.context["claim"].pk == claim.pk
    assert shown_messages(response) == [("success", "The claim is yours.")]
    assert text_at(response, "claim-assignee") == "editor1"
    assert "HX-Push-Url" not in response
    assert Claim.objects.get(pk=claim.pk).assignee == editor


def test_the_same_action_without_htmx_redirects_to_the_claim_page(client, editor, claim):
    staff(client, editor)
    response = act(client, claim, "assign")
    assert response.status_code == 302
    assert response["Location"] == claim_url(claim)
    assert shown_messages(client.get(response["Location"])) == [("success", "The claim is yours.")]
    assert Claim.objects.get(pk=claim.pk).assignee == editor


def test_a_stale_action_in_place_answers_409_and_keeps_the_typed_note(client, editor, claim, advance, claim_state):
    advance(claim, "in_progress")
    staff(client, editor)
    seen = claim.version
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="Their change")
    before = claim_state(claim)
    response = client.post(
        claim_url(claim),
        {"_action": "verdict", "version": seen, "verdict": "disputed", "note": "My typed note"},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert by_id(response, "id_note").text == "My typed note"
    [(level, message)] = shown_messages(response)
    assert level == "error" and "changed by someone else" in message
    assert claim_state(claim) == before


def test_a_forbidden_action_in_place_answers_403_with_its_reason(client, editor, editor2, claim, advance, claim_state):
    advance(claim, "in_progress", by=editor2)
    staff(client, editor)
    before = claim_state(claim)
    response = act(client, claim, "verdict", htmx=True, verdict="disputed", note="Not mine to rule")
    assert response.status_code == 403
    message = rules.MSG_NOT_ASSIGNEE.format(what="set the verdict")
    assert shown_messages(response) == [("error", message)]
    assert claim_state(claim) == before


def test_an_invalid_action_in_place_answers_400_and_keeps_the_typed_note(client, editor, claim, claim_state):
    staff(client, editor)
    before = claim_state(claim)
    response = act(client, claim, "dismiss", htmx=True, reason="", note="My typed note")
    assert response.status_code == 400
    assert by_id(response, "dismiss-form").xpath('.//*[@name="note"]')[0].get("value") == "My typed note"
    assert claim_state(claim) == before


# --- Save and next --------------------------------------------------------------------------------


def ready(advance, claims, status):
    for claim in claims:
        advance(claim, status)


# action -> (the status its claims are in, who takes it, the list they are in, what the form sends)
SAVE_AND_NEXT = {
    "submit": ("in_progress", "editor", "status__exact=in_progress", {}),
    "approve": ("in_review", "reviewer", "status__exact=in_review", {}),
    "return": ("in_review", "reviewer", "status__exact=in_review", {"comment": "Cite the survey itself."}),
    "dismiss": ("pending", "editor", "status__exact=pending", {"reason": "opinion"}),
}
AFTER = {"submit": "in_review", "approve": "approved", "return": "returned", "dismiss": "dismissed"}
DONE = {
    "submit": "Submitted for review.",
    "approve": "Approved.",
    "return": "Returned to the editor.",
    "dismiss": "Dismissed: the claim left the queue.",
}


@pytest.fixture
def at_work(request, ranked, advance):
    """Return, for an action of ``SAVE_AND_NEXT``, (its claims in the list's order, the list, the data)."""

    def bring(action):
        status, who, query, data = SAVE_AND_NEXT[action]
        claims = ranked[:3]
        if status != "pending":
            ready(advance, claims, status)
        staff(request.getfixturevalue("client"), request.getfixturevalue(who))
        return claims, query, data

    return bring


@pytest.mark.parametrize("action", list(SAVE_AND_NEXT))
def test_after_the_action_the_next_claim_of_the_list_opens(client, at_work, action):
    (first, second, _third), query, data = at_work(action)
    response = act(client, first, action, query, **data)
    assert response.status_code == 302
    assert response["Location"] == opened_from(second.pk, query)
    assert Claim.objects.get(pk=first.pk).status == AFTER[action]
    following = client.get(response["Location"])
    assert following.context["claim"].pk == second.pk
    assert shown_messages(following) == [("success", DONE[action]), ("info", MSG_NEXT.format(id=first.pk))]


@pytest.mark.parametrize("action", list(SAVE_AND_NEXT))
def test_after_the_action_in_place_the_next_claims_page_comes_with_its_address(client, at_work, action):
    (first, second, third), query, data = at_work(action)
    response = act(client, first, action, query, htmx=True, **data)
    assert response.status_code == 200
    assert response.context["claim"].pk == second.pk
    assert text_at(response, "claim-text") == second.text
    assert response["HX-Push-Url"] == opened_from(second.pk, query)
    assert shown_messages(response) == [("success", DONE[action]), ("info", MSG_NEXT.format(id=first.pk))]
    # The first claim left the list: the second is its first now.
    assert neighbours(response) == (None, opened_from(third.pk, query))
    # The page's forms belong to the claim shown, not to the one acted on.
    assert by_id(response, "desk-preference").xpath('.//input[@name="next"]')[0].get("value") == opened_from(
        second.pk, query
    )
    assert Claim.objects.get(pk=first.pk).status == AFTER[action]


def test_a_claim_opened_from_the_unfiltered_list_goes_on_to_the_next_of_that_list(client, editor, ranked):
    staff(client, editor)
    first, second, *_ = list_links(client)
    assert (claim_of(first), claim_of(second)) == (ranked[0].pk, ranked[1].pk)
    response = client.post(first, {"_action": "dismiss", "version": ranked[0].version, "reason": "opinion"})
    assert response["Location"] == second


def test_a_claim_opened_by_its_address_has_no_list_and_stays_after_the_action(client, editor, ranked):
    staff(client, editor)
    shown = client.get(claim_url(ranked[0]))
    assert neighbours(shown) == (None, None)
    assert by_id(shown, "desk-first") is None and by_id(shown, "desk-back") is None
    response = act(client, ranked[0], "dismiss", reason="opinion")
    assert response["Location"] == claim_url(ranked[0])
    assert Claim.objects.get(pk=ranked[0].pk).status == "dismissed"


def test_save_and_next_follows_my_open_work_first(client, editor, ranked, advance):
    least = advance(ranked[-1], "in_progress")  # the least worth checking, but mine
    workflow.claim_set_verdict(claim_id=least.pk, actor=editor, verdict="unverified", note="No source answered.")
    staff(client, editor)
    response = act(client, least, "submit", "worth=high&status__exact=all")
    assert response.status_code == 302
    assert response["Location"] == opened_from(ranked[0].pk, "worth=high&status__exact=all")


@pytest.mark.parametrize(
    "action, data",
    [
        ("verdict", {"verdict": "disputed", "note": "The survey says 120."}),
        ("add_evidence", {"stance": "refutes", "url": "https://example.org/survey-2"}),
    ],
)
def test_other_actions_stay_on_the_claim(client, editor, ranked, advance, action, data):
    ready(advance, ranked[:2], "in_progress")
    staff(client, editor)
    query = "status__exact=in_progress"
    response = act(client, ranked[0], action, query, **data)
    assert response.status_code == 302
    assert response["Location"] == opened_from(ranked[0].pk, query)
    in_place = act(client, ranked[0], "comment", query, htmx=True, comment="Checked twice.")
    assert in_place.status_code == 200 and in_place.context["claim"].pk == ranked[0].pk
    assert "HX-Push-Url" not in in_place


def test_the_last_claim_of_the_list_stays_on_itself(client, editor, ranked, advance):
    ready(advance, ranked[:3], "in_progress")
    staff(client, editor)
    query = "status__exact=in_progress"
    last = ranked[2]
    response = act(client, last, "submit", query)
    assert response.status_code == 302
    assert response["Location"] == opened_from(last.pk, query)
    assert shown_messages(client.get(response["Location"])) == [("success", "Submitted for review.")]
    ready(advance, ranked[3:4], "in_progress")
    in_place = act(client, ranked[3], "submit", query, htmx=True)
    assert in_place.status_code == 200 and in_place.context["claim"].pk == ranked[3].pk
    assert "HX-Push-Url" not in in_place


def test_with_the_preference_to_stay_the_claim_stays(client, editor, ranked, advance):
    ready(advance, ranked[:2], "in_progress")
    staff(client, editor)
    client.post(PREFERENCE, {"stay_on_claim": "1", "next": CHANGELIST}, follow=True)
    query = "status__exact=in_progress"
    response = act(client, ranked[0], "submit", query)
    assert response["Location"] == opened_from(ranked[0].pk, query)
    assert shown_messages(client.get(response["Location"])) == [("success", "Submitted for review.")]
    in_place = act(client, ranked[1], "submit", query, htmx=True)
    assert in_place.context["claim"].pk == ranked[1].pk and "HX-Push-Url" not in in_place


def test_approving_from_the_queues_row_goes_back_to_the_queue(client, reviewer, ranked, advance):
    ready(advance, ranked[:2], "in_review")
    staff(client, reviewer)
    claim = ranked[0]
    response = client.post(
        claim_url(claim) + "?from=queue", {"_action": "approve", "version": claim.version, "_back": "queue"}
    )
    assert response["Location"] == QUEUE
    assert Claim.objects.get(pk=claim.pk).status == "approved"


# --- The desk preference --------------------------------------------------------------------------


def test_the_preference_is_set_by_a_post_and_shown_on_the_claim_page(client, editor, claim):
    staff(client, editor)
    back = opened_from(claim.pk, "worth=high")
    response = client.post(PREFERENCE, {"stay_on_claim": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert DeskPreference.objects.get(user=editor).stay_on_claim is True
    shown = client.get(back)
    assert shown_messages(shown) == [("success", MSG_STAY)]
    form = by_id(shown, "desk-preference")
    assert form.xpath('.//input[@name="stay_on_claim"]')[0].get("value") == "0"
    assert "stay on the claim" in form.text_content()

    client.post(PREFERENCE, {"stay_on_claim": "0", "next": back})
    assert list(DeskPreference.objects.values_list("user", "stay_on_claim")) == [(editor.pk, False)]
    shown = client.get(back)
    assert shown_messages(shown) == [("success", MSG_GO_ON)]
    assert by_id(shown, "desk-preference").xpath('.//input[@name="stay_on_claim"]')[0].get("value") == "1"


def test_the_preference_is_not_changed_by_a_get(client, editor):
    staff(client, editor)
    response = client.get(PREFERENCE, {"stay_on_claim": "1"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not DeskPreference.objects.exists()


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/claims", "javascript:alert(1)", ""])
def test_the_preference_does_not_lead_outside_the_site(client, editor, back):
    staff(client, editor)
    response = client.post(PREFERENCE, {"stay_on_claim": "1", "next": back})
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert DeskPreference.objects.get(user=editor).stay_on_claim is True


def test_the_preference_is_refused_to_a_user_without_a_role(client, cast):
    client.force_login(cast.no_role_staff)
    response = client.post(PREFERENCE, {"stay_on_claim": "1", "next": CHANGELIST})
    assert response.status_code == 403
    assert not DeskPreference.objects.exists()


# --- The list's neighbours (j / k) ----------------------------------------------------------------


@pytest.fixture
def mixed(ranked, editor, editor2, advance):
    """The ranked claims, two of them the editor's open work and one the second editor's."""
    advance(ranked[1], "in_progress")
    advance(ranked[3], "in_progress")
    advance(ranked[4], "in_progress", by=editor2)
    return ranked


@pytest.mark.parametrize(
    "query",
    [
        "",
        "worth=high",
        "status__exact=pending",
        "status__exact=in_progress",
        "q=the",
        "o=" + column("short_text"),
        "o=-" + column("short_text"),
        "o=" + column("worth"),
        "o=" + column("speaker_name") + ".-" + column("short_text"),
        "o=" + column("state"),
        "o=" + column("assignee"),
        "o=-" + column("assignee"),
        "o=" + column("last_change"),
        "o=-" + column("last_change"),
        "status__exact=all&o=" + column("assignee") + "." + column("worth"),
    ],
)
def test_j_and_k_lead_to_the_claims_next_to_it_in_the_list_as_shown(client, editor, mixed, query):
    staff(client, editor)
    links = list_links(client, query)
    assert [claim_of(link) for link in links] == listed_ids(client.get(f"{CHANGELIST}?{query}"))
    assert len(links) >= 2
    for at, link in enumerate(links):
        expected = (links[at - 1] if at > 0 else None, links[at + 1] if at + 1 < len(links) else None)
        assert neighbours(client.get(link)) == expected, f"claim {claim_of(link)} at {at} of {links}"


def test_the_first_claim_has_no_previous_and_the_last_no_next(client, editor, ranked):
    staff(client, editor)
    query = "worth=high"  # the three most worth checking
    first = client.get(opened_from(ranked[0].pk, query))
    assert neighbours(first) == (None, opened_from(ranked[1].pk, query))
    assert text_at(first, "desk-first") == "First of the list"
    last = client.get(opened_from(ranked[2].pk, query))
    assert neighbours(last) == (opened_from(ranked[1].pk, query), None)
    assert text_at(last, "desk-last") == "Last of the list"
    assert by_id(last, "desk-back").get("href") == f"{CHANGELIST}?{query}"


def test_my_open_work_comes_first_in_the_default_order(client, editor, ranked, advance):
    mine = advance(ranked[-1], "in_progress")
    staff(client, editor)
    links = list_links(client)
    assert [claim_of(link) for link in links] == [mine.pk, *(claim.pk for claim in ranked[:-1])]
    assert neighbours(client.get(links[0])) == (None, links[1])
    assert neighbours(client.get(links[1])) == (links[0], links[2])


def test_a_claim_opened_from_the_queue_has_the_queues_neighbours(client, editor, reviewer, ranked, advance):
    ready(advance, ranked[:3], "in_review")
    # The queue is oldest first, whatever the worth: the third, the first, then the second.
    for order, claim in enumerate([ranked[2], ranked[0], ranked[1]]):
        Claim.objects.filter(pk=claim.pk).update(updated_at=claim.updated_at.replace(year=2020, day=order + 1))
    staff(client, reviewer)
    shown = page(client.get(QUEUE)).xpath("//tr[@data-claim]/@data-claim")
    assert [int(pk) for pk in shown] == [ranked[2].pk, ranked[0].pk, ranked[1].pk]
    response = client.get(claim_url(ranked[0]) + "?from=queue")
    assert neighbours(response) == (claim_url(ranked[2]) + "?from=queue", claim_url(ranked[1]) + "?from=queue")
    assert by_id(response, "desk-back").get("href") == QUEUE
    assert "Awaiting my review" in text_at(response, "claim-breadcrumbs")
    assert neighbours(client.get(claim_url(ranked[2]) + "?from=queue"))[0] is None
    assert neighbours(client.get(claim_url(ranked[1]) + "?from=queue"))[1] is None


def test_approving_a_claim_opened_from_the_queue_opens_the_next_in_the_queue(client, reviewer, ranked, advance):
    ready(advance, ranked[:2], "in_review")
    Claim.objects.filter(pk=ranked[1].pk).update(updated_at=ranked[1].updated_at.replace(year=2020))
    staff(client, reviewer)
    claim = Claim.objects.get(pk=ranked[1].pk)  # the oldest: first of the queue
    response = client.post(claim_url(claim) + "?from=queue", {"_action": "approve", "version": claim.version})
    assert response["Location"] == claim_url(ranked[0]) + "?from=queue"


@pytest.mark.parametrize(
    "filters",
    [
        "o=zzz",
        "o=99",
        "o=-0",
        "status__exact=nonsense",
        "worth=extreme",
        "q=%00",
        "q=\x00",
        "assignee=99999999999999999999",
        "document=-1",
        "id__gt=abc",
        "text__regex=(",
        "_to_field=password",
        "p=zz",
        "%%%",
    ],
)
def test_a_tampered_list_address_still_opens_the_claim(client, editor, ranked, filters):
    staff(client, editor)
    response = client.get(opened_from(ranked[1].pk, filters))
    assert response.status_code == 200
    assert response.context["claim"].pk == ranked[1].pk
    previous, following = neighbours(response)
    for link in (previous, following):
        assert link is None or claim_of(link) in {claim.pk for claim in ranked}


def test_a_tampered_list_address_does_not_break_an_action(client, editor, ranked, advance):
    ready(advance, ranked[:2], "in_progress")
    staff(client, editor)
    response = act(client, ranked[0], "submit", "q=\x00&o=zzz")
    assert response.status_code == 302
    assert Claim.objects.get(pk=ranked[0].pk).status == "in_review"
    assert client.get(response["Location"]).status_code == 200


def test_a_page_opened_from_a_filtered_list_runs_a_bounded_number_of_queries(
    client, editor, ranked, advance, load_document, django_assert_max_num_queries
):
    advance(ranked[0], "in_progress")
    staff(client, editor)
    # Least worth checking first, ties by the text: "Its turbines ...", "The reservoir ...", "The dam ...".
    query = f"worth=high&q=s&o=-{column('worth')}.{column('short_text')}"
    url = opened_from(ranked[2].pk, query)
    # The page opened by its address (13), and its list: the filters' choices (editors, documents), the
    # claim's own values and the claims before and after it, in a savepoint (2).
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert neighbours(response) == (opened_from(ranked[1].pk, query), opened_from(ranked[0].pk, query))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    sentences = [f"Statement {i} says the dam held {i} cubic metres." for i in range(60)]
    load_document(" ".join(sentences), "Many", sentences)
    Claim.objects.filter(text__in=sentences).update(checkworthiness=0.85)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    # The new claims (0.85) are in the list, between the claim (0.8) and the one after it (0.9).
    assert Claim.objects.get(pk=claim_of(neighbours(response)[1])).text in sentences


# --- Actions shown disabled with their reason -----------------------------------------------------


def unavailable(response):
    """Return {action: (its button's label, the reason shown)} for the actions shown disabled."""
    shown = {}
    for item in page(response).xpath('//*[contains(@class, "fc-unavailable")]'):
        (button,) = item.xpath(".//button")
        assert button.get("disabled") is not None
        reason = item.xpath('.//*[contains(@class, "fc-why")]')[0]
        assert button.get("aria-describedby") == reason.get("id")
        shown[item.get("data-action")] = (button.text_content(), reason.text_content())
    return shown


def test_an_unready_submission_is_shown_disabled_with_its_reason(client, editor, claim):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="The survey says 120.")
    staff(client, editor)
    response = client.get(claim_url(claim))
    reason = rules.MSG_NEEDS_EVIDENCE.format(article="A", verdict="disputed")
    assert unavailable(response)["submit"] == ("Submit for review", reason)
    assert by_id(response, "submit-form") is None
    assert "assign" not in unavailable(response)  # taking a claim one holds is not an action missed


def test_an_editor_is_told_why_they_cannot_approve_or_return(client, editor, claim, advance):
    advance(claim, "in_review")
    staff(client, editor)
    shown = unavailable(client.get(claim_url(claim)))
    assert shown["approve"] == ("Approve", rules.MSG_NOT_REVIEWER.format(what="approve claims"))
    assert shown["return"] == ("Return", rules.MSG_NOT_REVIEWER.format(what="return claims"))
    assert shown["dismiss"] == ("Dismiss", rules.MSG_TRIAGE_FROZEN.format(what="dismiss", status="in review"))


def test_the_dismissal_shown_disabled_sits_in_the_triage_card(client, editor, claim, advance):
    advance(claim, "in_review")
    staff(client, editor)
    card = by_id(client.get(claim_url(claim)), "triage-card")
    assert card.xpath('.//*[@data-action="dismiss"]//button[@disabled]')


def test_a_closed_claim_shows_no_disabled_action(client, editor, claim):
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="opinion")
    staff(client, editor)
    response = client.get(claim_url(claim))
    assert response.status_code == 200
    assert unavailable(response) == {}


# --- Returned: what the reviewer asked, and what changed since ------------------------------------

RETURN_COMMENT = "Link the survey's own page."  # the ``advance`` fixture's


def test_the_assignee_of_a_returned_claim_sees_the_reviewers_comment(client, editor, claim, advance):
    advance(claim, "returned")
    staff(client, editor)
    banner = text_at(client.get(claim_url(claim)), "returned-banner")
    assert banner.startswith("Returned by reviewer1")
    assert RETURN_COMMENT in banner
    workflow.claim_assign(claim_id=claim.pk, actor=editor)  # back in progress: still to be done
    assert RETURN_COMMENT in text_at(client.get(claim_url(claim)), "returned-banner")


@pytest.mark.parametrize("who", ["reviewer", "editor2"])
def test_others_see_no_returned_banner(client, request, claim, advance, who):
    advance(claim, "returned")
    staff(client, request.getfixturevalue(who))
    response = client.get(claim_url(claim))
    assert by_id(response, "returned-banner") is None and by_id(response, "since-return") is None


def test_the_reviewer_sees_what_changed_since_the_return(client, editor, reviewer, claim, advance):
    advance(claim, "returned")
    old = claim.evidence.get()
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="The survey says 120.")
    workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="refutes", url="https://example.org/survey-page")
    workflow.evidence_remove(claim_id=claim.pk, actor=editor, evidence_id=old.pk)
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    staff(client, reviewer)
    response = client.get(claim_url(claim))
    since = text_at(response, "since-return")
    assert since.startswith("Since reviewer1 returned it") and RETURN_COMMENT in since
    assert text_at(response, "since-verdict") == "verdict: verified → disputed"
    assert text_at(response, "since-note") == "note: Matches the survey. → The survey says 120."
    tree = page(response)
    added = [" ".join(item.text_content().split()) for item in tree.xpath('//*[@class="fc-since-added"]')]
    removed = [" ".join(item.text_content().split()) for item in tree.xpath('//*[@class="fc-since-removed"]')]
    assert added == ["evidence added (refutes): https://example.org/survey-page"]
    assert removed == ["evidence removed (supports): https://example.org/survey"]
    assert by_id(response, "since-nothing") is None and by_id(response, "returned-banner") is None


def test_a_claim_resubmitted_unchanged_says_nothing_changed(client, editor, reviewer, claim, advance):
    advance(claim, "returned")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    staff(client, reviewer)
    response = client.get(claim_url(claim))
    assert "nothing changed" in text_at(response, "since-nothing")
    for part in ("since-verdict", "since-note"):
        assert by_id(response, part) is None


# --- The claim in its article ---------------------------------------------------------------------

INTRO = "The valley flooded twice this spring."
CLAIMED = "The dam holds 40 million cubic metres of water."
OUTRO = "Engineers will inspect it in June."
ARTICLE = f"{INTRO}\n\n{CLAIMED} It was built in 1970.\n   \n{OUTRO}\n"


@pytest.fixture
def in_article(load_document):
    """A claim in the middle paragraph of an article of three."""
    result = load_document(ARTICLE, "Dam article", [INTRO, CLAIMED, OUTRO])
    return result.document


def context_paragraphs(response):
    """Return (data-start, text) of each paragraph the In context card shows."""
    card = by_id(response, "claim-context")
    return [(int(p.get("data-start")), p.text_content()) for p in card.xpath('.//p[contains(@class, "fc-context")]')]


def test_the_paragraphs_around_the_claim_show_with_their_place_in_the_article(client, editor, in_article):
    staff(client, editor)
    response = client.get(claim_url(Claim.objects.get(text=CLAIMED)))
    shown = context_paragraphs(response)
    assert [text for _start, text in shown] == [INTRO, f"{CLAIMED} It was built in 1970.", OUTRO]
    for start, text in shown:
        assert in_article.text[start : start + len(text)] == text
    tree = page(response)
    assert (
        tree.xpath('//*[@id="claim-context"]//p[contains(@class, "fc-context")]/@data-document')
        == [str(in_article.pk)] * 3
    )


def test_the_first_and_last_paragraphs_have_nothing_beyond(client, editor, in_article):
    staff(client, editor)
    first = context_paragraphs(client.get(claim_url(Claim.objects.get(text=INTRO))))
    assert [text for _start, text in first] == [INTRO, f"{CLAIMED} It was built in 1970."]
    last = context_paragraphs(client.get(claim_url(Claim.objects.get(text=OUTRO))))
    assert [text for _start, text in last] == [f"{CLAIMED} It was built in 1970.", OUTRO]


def test_the_link_to_the_article_opens_it_at_the_claim(client, editor, in_article):
    claim = Claim.objects.get(text=CLAIMED)
    occurrence = claim.occurrences.get()
    staff(client, editor)
    document_url = reverse("admin:annotations_sourcedocument_change", args=[in_article.pk])
    links = by_id(client.get(claim_url(claim)), "claim-context").xpath(".//a/@href")
    assert f"{document_url}#at-{occurrence.start}" in links
    target = by_id(client.get(document_url), f"at-{occurrence.start}")
    assert target.text_content() == CLAIMED
    assert target.get("href") == claim_url(claim)


# --- An article beside the claim ------------------------------------------------------------------


def test_the_picker_lists_the_articles_whose_title_matches(client, editor, claim, documents):
    staff(client, editor)
    response = client.get(claim_url(claim), {"find": "survey"})
    found = by_id(response, "beside-found").xpath(".//a")
    assert [link.text_content() for link in found] == ["Plastic survey"]
    assert found[0].get("href") == f"?beside={documents.survey.pk}"
    nothing = client.get(claim_url(claim), {"find": "glacier"})
    assert "No article matches" in text_at(nothing, "beside-found")


def test_the_pickers_links_keep_the_list_the_page_was_opened_from(client, editor, claim, documents):
    staff(client, editor)
    response = client.get(opened_from(claim.pk, "worth=high") + "&find=survey")
    (link,) = by_id(response, "beside-found").xpath(".//a/@href")
    assert link == f"?_changelist_filters=worth%3Dhigh&beside={documents.survey.pk}"


def test_the_article_opened_beside_shows_its_whole_text_to_cite_from(client, editor, claim, documents):
    staff(client, editor)
    response = client.get(claim_url(claim), {"beside": documents.survey.pk})
    text = by_id(response, "beside-text")
    assert text.text_content() == documents.survey.text
    assert (text.get("data-document"), text.get("data-start")) == (str(documents.survey.pk), "0")
    assert text_at(response, "beside-title") == "Plastic survey"


@pytest.mark.parametrize("beside", ["abc", "0", "-1", "1.5", "99999999", "99999999999999999999999", ""])
def test_a_bad_article_to_open_beside_opens_no_panel(client, editor, claim, beside):
    staff(client, editor)
    response = client.get(claim_url(claim), {"beside": beside})
    assert response.status_code == 200
    assert by_id(response, "beside-text") is None


def test_its_own_article_can_be_opened_beside_and_cited_as_context(client, editor, claim, documents):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    staff(client, editor)
    report = documents.report
    assert by_id(client.get(claim_url(claim), {"beside": report.pk}), "beside-text").text_content() == report.text
    start = report.text.index(SECOND_CLAIM_TEXT)
    response = act(
        client, claim, "add_evidence", stance="context", document=report.pk, start=start, end=len(report.text)
    )
    assert response.status_code == 302
    assert shown_messages(client.get(response["Location"])) == [("success", "Evidence added.")]
    evidence = claim.evidence.get()
    assert (evidence.document, evidence.stance, evidence.excerpt) == (report, "context", report.text[start:])
    refused = act(client, claim, "add_evidence", stance="supports", document=report.pk, start=0, end=len(CLAIM_TEXT))
    assert refused.status_code == 400
    assert shown_messages(refused) == [("error", workflow.MSG_PASSAGE_OWN_DOCUMENT.format(document=report.pk))]
    assert claim.evidence.count() == 1


def test_what_the_page_shows_is_escaped(client, editor, claim):
    staff(client, editor)
    response = client.get(claim_url(claim), {"find": "<script>x</script>"})
    assert "<script>x</script>" not in response.content.decode()
    assert html.escape("<script>x</script>", quote=False) in response.content.decode()


@pytest.mark.parametrize("find", ["\x00", "100%", "_", "survey" * 60, "  "])
def test_odd_words_to_find_an_article_still_open_the_page(client, editor, claim, documents, find):
    staff(client, editor)
    response = client.get(claim_url(claim), {"find": find})
    assert response.status_code == 200
    assert by_id(response, "beside-found") is not None
