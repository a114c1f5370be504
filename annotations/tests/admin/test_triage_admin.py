"""Triage in the admin: the claim page's Triage card, the list's filters, order and bulk actions.

Every change goes through the workflow; these tests check what the pages send and show, and that a
refusal comes back as the workflow's own message with nothing changed.
"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import vocabulary, workflow
from annotations.admin import ClaimAdmin
from annotations.admin.claims import (
    MSG_BULK_NOT_LISTED,
    MSG_DISMISS_NO_REASON,
    MSG_MERGE_FEW,
    MSG_MERGE_NOT_LISTED,
)
from annotations.models import Claim, ReviewEvent, Suggestion
from annotations.tests.conftest import (
    CLAIM_TEXT,
    FIRST_PART,
    SECOND_CLAIM_TEXT,
    SECOND_PART,
    SURVEY_CLAIM_TEXT,
    WORDING,
    document_input,
)
from annotations.workflow import rules, triage

from .conftest import claim_url, staff

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:annotations_claim_changelist"


def text_of(response):
    """Return the page's HTML with entities decoded (messages quote values: 'abc')."""
    return html.unescape(response.content.decode())


def shown_messages(response):
    """Return the page's messages as (level, text) pairs, tags stripped."""
    listed = re.search(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    if listed is None:
        return []
    return [
        (level, html.unescape(re.sub(r"<[^>]+>", "", body)).strip())
        for level, body in re.findall(r'<li class="(\w+)">(.*?)</li>', listed.group(1), re.S)
    ]


def listed_ids(response):
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())]


def form_html(response, form_id):
    found = re.search(rf'<form method="post" id="{form_id}"[^>]*>(.*?)</form>', response.content.decode(), re.S)
    return found.group(1) if found else None


def state(*claims):
    """Return what an action could change on the claims, and the whole history's ids."""
    rows = list(
        Claim.objects.filter(pk__in=[c.pk for c in claims])
        .order_by("pk")
        .values("status", "version", "wording", "dismissal_reason", "dismissal_note", "merged_into_id", "assignee_id")
    )
    return rows, list(ReviewEvent.objects.order_by("id").values_list("id", flat=True))


def post_action(client, claim, action, **data):
    claim.refresh_from_db()
    return client.post(claim_url(claim), {"_action": action, "version": claim.version, **data})


# --- Dismiss and restore from the claim page -------------------------------------------------------


def test_dismissing_from_the_claim_page_closes_it_with_its_reason_and_note(client, editor, claim):
    staff(client, editor)
    form = form_html(client.get(claim_url(claim)), "dismiss-form")
    assert form is not None and 'name="reason"' in form and 'name="note"' in form

    response = post_action(client, claim, "dismiss", reason="opinion", note="A view on the river, not a figure.")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert shown_messages(page) == [("success", "Dismissed: the claim left the queue.")]
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason, claim.dismissal_note) == (
        "dismissed", "opinion", "A view on the river, not a figure.",
    )  # fmt: skip
    event = claim.events.latest("id")
    assert (event.action, event.actor, event.details["reason"]) == ("dismissed", editor, "opinion")
    text = text_of(page)
    banner = re.search(r'id="claim-dismissed">(.*?)</p>', text, re.S).group(1)
    assert "Dismissed as" in banner and "<strong>opinion</strong>" in banner
    assert "“A view on the river, not a figure.”" in banner
    assert form_html(page, "dismiss-form") is None  # nothing left to dismiss
    assert 'name="_action" value="restore"' in text
    history = re.search(r'data-action="dismissed">(.*?)</tr>', text, re.S).group(1)
    assert "as opinion" in history and "A view on the river, not a figure." in history


def test_a_dismissal_without_a_reason_is_refused_and_keeps_the_note(client, editor, claim):
    staff(client, editor)
    before = state(claim)
    response = post_action(client, claim, "dismiss", reason="", note="My typed note")
    assert response.status_code == 400
    [(level, message)] = shown_messages(response)
    assert level == "error" and message.startswith("Nothing was changed: reason:")
    form = form_html(response, "dismiss-form")
    assert 'value="My typed note"' in form
    assert state(claim) == before


def test_an_unknown_reason_is_refused(client, editor, claim):
    staff(client, editor)
    before = state(claim)
    response = post_action(client, claim, "dismiss", reason="boring", note="Kept")
    assert response.status_code == 400
    assert "Select a valid choice" in text_of(response)
    assert 'value="Kept"' in form_html(response, "dismiss-form")
    assert state(claim) == before


def test_a_claim_in_review_offers_no_triage_and_refuses_a_forged_dismissal(client, editor, editor2, claim, advance):
    advance(claim, "in_review", by=editor)
    staff(client, editor)
    page = client.get(claim_url(claim)).content.decode()
    # No triage form: the dismissal is shown disabled, with the rule that refuses it.
    assert 'id="dismiss-form"' not in page and 'id="wording-form"' not in page
    assert re.search(
        r'data-action="dismiss">\s*<button type="button" disabled[^>]*>Dismiss</button>\s*'
        r'<span class="fc-why" id="why-dismiss">Cannot dismiss a claim that is in review: reopen it first.</span>',
        page,
    )
    before = state(claim)

    response = post_action(client, claim, "dismiss", reason="opinion", note="Typed anyway")

    assert response.status_code == 409
    message = rules.MSG_TRIAGE_FROZEN.format(what="dismiss", status="in review")
    assert message == "Cannot dismiss a claim that is in review: reopen it first."
    assert shown_messages(response) == [("error", message)]
    assert state(claim) == before


def test_another_editors_claim_in_progress_is_not_theirs_to_triage(client, editor, editor2, claim, advance):
    advance(claim, "in_progress", by=editor2)
    staff(client, editor)
    page = client.get(claim_url(claim)).content.decode()
    assert 'id="wording-form"' not in page and 'id="dismiss-form"' not in page
    assert "The claim is editor2&#x27;s work in progress: only they can dismiss claims." in page
    before = state(claim)
    response = post_action(client, claim, "wording", wording=WORDING)
    assert response.status_code == 403
    message = rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor2", what="edit a claim's wording")
    assert shown_messages(response) == [("error", message)]
    assert state(claim) == before


def test_restoring_from_the_claim_page_brings_the_claim_back_pending(client, editor, editor2, claim):
    workflow.claim_dismiss(claim_id=claim.pk, actor=editor2, reason="furniture", note="Caption")
    staff(client, editor)

    response = post_action(client, claim, "restore")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert shown_messages(page) == [("success", "Restored to the queue.")]
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason, claim.dismissal_note) == ("pending", "", "")
    assert 'id="claim-dismissed"' not in page.content.decode()
    assert form_html(page, "dismiss-form") is not None
    assert claim.events.latest("id").details == {"reason_before": "furniture", "note_before": "Caption"}


def test_restoring_a_claim_that_is_not_dismissed_is_refused(client, editor, claim):
    staff(client, editor)
    before = state(claim)
    response = post_action(client, claim, "restore")
    assert response.status_code == 409
    assert shown_messages(response) == [("error", "Cannot restore a claim that is pending.")]
    assert state(claim) == before


# --- Wording -----------------------------------------------------------------------------------------


def test_the_wording_shows_on_the_page_and_in_the_list_with_the_sentence_as_it_appears(client, editor, claim):
    staff(client, editor)
    form = form_html(client.get(claim_url(claim)), "wording-form")
    assert f">{CLAIM_TEXT}</textarea>" in form  # starts from the text as it appears

    response = post_action(client, claim, "wording", wording=f"  {WORDING}\n")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert shown_messages(page) == [("success", "Wording saved.")]
    claim.refresh_from_db()
    assert (claim.wording, claim.text, claim.checked_text) == (WORDING, CLAIM_TEXT, WORDING)
    text = text_of(page)
    assert re.search(r'id="claim-text">(.*?)</p>', text).group(1) == WORDING
    assert f"As it appears: “{CLAIM_TEXT}”" in text
    assert f"<mark>{CLAIM_TEXT}</mark>" in text  # the article still reads as it was written
    assert f"now: “{WORDING}”" in text  # the history says what it became

    row = re.search(
        rf'name="_selected_action" value="{claim.pk}".*?</tr>', text_of(client.get(reverse(CHANGELIST))), re.S
    ).group(0)
    assert f'title="{WORDING}\n\nAs it appears: {CLAIM_TEXT}"' in row
    assert "reworded" in row and WORDING[:60] in row


def test_an_unchanged_wording_is_refused_and_keeps_what_was_typed(client, editor, claim):
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    staff(client, editor)
    before = state(claim)
    response = post_action(client, claim, "wording", wording=WORDING + "  ")
    assert response.status_code == 400
    assert shown_messages(response) == [("error", triage.MSG_WORDING_SAME)]
    assert f">{WORDING}  </textarea>" in form_html(response, "wording-form")
    assert state(claim) == before


def test_an_empty_wording_goes_back_to_the_text(client, editor, claim):
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    staff(client, editor)
    assert post_action(client, claim, "wording", wording="").status_code == 302
    claim.refresh_from_db()
    assert (claim.wording, claim.checked_text) == ("", CLAIM_TEXT)
    page = text_of(client.get(claim_url(claim)))
    assert 'id="claim-as-written"' not in page and "back to the text as it appears" in page


def test_the_review_queue_and_the_index_show_the_wording(client, editor, reviewer, claim, advance):
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording=WORDING)
    advance(claim, "in_review")
    staff(client, reviewer)
    queue = text_of(client.get(reverse("admin:annotations_claim_queue")))
    assert f'title="{WORDING}">{WORDING}</a>' in queue
    staff(client, editor)
    workflow.claim_return(claim_id=claim.pk, actor=reviewer, comment="Shorter, please.")
    index = text_of(client.get(reverse("admin:index")))
    my_queue = re.search(r'id="my-queue">(.*?)</div>', index, re.S).group(1)
    assert WORDING[:60] in my_queue and CLAIM_TEXT[:60] not in my_queue
    recent = re.search(r'id="recent-activity">(.*?)</div>', index, re.S).group(1)
    assert WORDING[:40] in recent and CLAIM_TEXT[:40] not in recent


# --- A stale page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, data, form_id, kept",
    [
        ("dismiss", {"reason": "opinion", "note": "My typed note"}, "dismiss-form", 'value="My typed note"'),
        ("wording", {"wording": WORDING}, "wording-form", f">{WORDING}</textarea>"),
        ("merge", {"claims": "SECOND"}, "merge-form", 'value="SECOND"'),
        ("split", {"parts": f"{FIRST_PART}\n{SECOND_PART}"}, "split-form", f">{FIRST_PART}\n{SECOND_PART}</textarea>"),
    ],
)
def test_a_triage_form_sent_from_a_stale_page_shows_the_conflict_and_keeps_the_input(
    client, editor, claim, second, action, data, form_id, kept
):
    staff(client, editor)
    seen = claim.version
    workflow.claim_comment(claim_id=claim.pk, actor=editor, comment="Meanwhile")  # changes nothing else
    workflow.claim_set_wording(claim_id=claim.pk, actor=editor, wording="Someone else's wording.")
    data = {key: value.replace("SECOND", str(second.pk)) for key, value in data.items()}
    kept = kept.replace("SECOND", str(second.pk))
    before = state(claim, second)

    response = client.post(claim_url(claim), {"_action": action, "version": seen, **data})

    assert response.status_code == 409
    [(level, message)] = shown_messages(response)
    assert level == "error" and "changed by someone else" in message
    content = text_of(response)
    assert 'class="fc-card fc-conflict"' in content
    assert "Someone else's wording." in content  # the other change is on show
    assert kept in form_html(response, form_id)
    claim.refresh_from_db()
    assert f'name="version" value="{claim.version}"' in form_html(response, form_id)  # the next send is current
    assert state(claim, second) == before


# --- Merge ------------------------------------------------------------------------------------------


def test_merging_from_the_claim_page(client, editor, claim, second):
    staff(client, editor)
    response = post_action(client, claim, "merge", claims=f"#{second.pk}")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert shown_messages(page) == [("success", "Merged into this claim.")]
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == ("merged", claim.pk)
    assert claim.occurrences.count() == 2
    text = text_of(page)
    merged_in = re.search(r'id="claim-merged-in">(.*?)</p>', text, re.S).group(1)
    assert f'href="{claim_url(second)}?stay=1">claim {second.pk}</a>' in merged_in
    # Both sentences, in context.
    assert f"<mark>{CLAIM_TEXT}</mark> {SECOND_CLAIM_TEXT}" in text
    assert f"{CLAIM_TEXT} <mark>{SECOND_CLAIM_TEXT}</mark>" in text
    assert [e.action for e in ReviewEvent.objects.order_by("-id")[:2]] == ["merged_from", "merged_into"]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", triage.MSG_MERGE_NONE),
        ("abc", triage.MSG_MERGE_BAD_ID.format(value="abc")),
        ("SELF", triage.MSG_MERGE_ITSELF),
        ("999999", "Claim 999999 does not exist."),
    ],
)
def test_a_refused_merge_shows_the_workflows_message_and_keeps_the_ids(client, editor, claim, second, typed, message):
    staff(client, editor)
    typed = typed.replace("SELF", str(claim.pk))
    before = state(claim, second)
    response = post_action(client, claim, "merge", claims=typed)
    assert response.status_code in (400, 404)
    assert shown_messages(response) == [("error", message)]
    assert f'value="{typed}"' in form_html(response, "merge-form")
    assert state(claim, second) == before


def test_merging_claims_with_different_verdicts_is_refused(client, editor, claim, second):
    for each, verdict in ((claim, "verified"), (second, "disputed")):
        workflow.claim_assign(claim_id=each.pk, actor=editor)
        workflow.claim_set_verdict(claim_id=each.pk, actor=editor, verdict=verdict, note="Ruled.")
    staff(client, editor)
    before = state(claim, second)
    response = post_action(client, claim, "merge", claims=str(second.pk))
    assert response.status_code == 400
    assert shown_messages(response) == [
        ("error", triage.MSG_MERGE_VERDICTS_DIFFER.format(verdicts="disputed, verified"))
    ]
    assert state(claim, second) == before


@pytest.fixture
def passage_suggestion(claim, documents, survey_claim):
    """A suggestion of the report's claim whose passage is the survey's claim, pending in the queue."""
    return Suggestion.objects.create(
        claim=claim, document=documents.survey, start=0, end=len(SURVEY_CLAIM_TEXT), passage_claim=survey_claim,
        score=0.5, stance="context",
    )  # fmt: skip


def merge_button(response):
    return re.search(r'<form method="post" class="fc-merge-suggestion">(.*?)</form>', response.content.decode(), re.S)


def test_a_suggested_passage_that_is_a_claim_in_the_queue_can_be_merged_in(
    client, editor, claim, survey_claim, passage_suggestion
):
    staff(client, editor)
    button = merge_button(client.get(claim_url(claim)))
    assert button is not None
    assert f'value="Merge claim {survey_claim.pk} into this one"' in button.group(1)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', button.group(1)))
    assert (fields["_action"], fields["claims"], fields["version"]) == (
        "merge",
        str(survey_claim.pk),
        str(claim.version),
    )

    response = client.post(claim_url(claim), fields)

    assert response.status_code == 302
    survey_claim.refresh_from_db()
    assert (survey_claim.status, survey_claim.merged_into_id) == ("merged", claim.pk)
    page = client.get(response["Location"])
    assert shown_messages(page) == [("success", "Merged into this claim.")]
    assert merge_button(page) is None  # its passage is this claim's own now
    assert f"<mark>{SURVEY_CLAIM_TEXT}</mark>" in text_of(page)


@pytest.mark.parametrize("why", ["passage claim closed", "claim in review"])
def test_no_merge_button_where_the_merge_cannot_be_made(
    client, editor, reviewer, claim, survey_claim, passage_suggestion, advance, why
):
    if why == "passage claim closed":
        workflow.claim_dismiss(claim_id=survey_claim.pk, actor=editor, reason="duplicate")
    else:
        advance(claim, "in_review")
    staff(client, editor)
    page = client.get(claim_url(claim))
    assert 'class="fc-suggestion"' in page.content.decode()
    assert merge_button(page) is None


def test_a_merged_claims_address_leads_to_the_claim_it_was_merged_into(client, editor, claim, second):
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    staff(client, editor)

    response = client.get(claim_url(second))

    assert response.status_code == 302 and response["Location"] == claim_url(claim)
    page = client.get(response["Location"])
    [(level, message)] = shown_messages(page)
    assert level == "info"
    assert message == f"Claim {second.pk} was merged into this claim. See claim {second.pk} and its history."
    assert f'href="{claim_url(second)}?stay=1"' in page.content.decode()

    stay = client.get(claim_url(second) + "?stay=1")
    assert stay.status_code == 200
    text = text_of(stay)
    banner = re.search(r'id="claim-merged-into">(.*?)</p>', text, re.S).group(1)
    assert f'href="{claim_url(claim)}">claim {claim.pk}</a>' in banner
    assert re.findall(r'class="fc-event" data-action="(\w+)"', text) == ["merged_into", "created"]
    assert 'id="triage-card"' not in text and 'id="comment-form"' in text  # closed: only comments
    assert "it is closed, and no verdict is ruled on it" in text
    assert "Its places in the articles moved to" in text


def test_a_comment_on_a_merged_claim_stays_on_its_page(client, editor, claim, second):
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    staff(client, editor)
    url = claim_url(second) + "?stay=1"
    response = client.post(url, {"_action": "comment", "comment": "Same figure, other words."})
    assert response.status_code == 302 and response["Location"] == url
    assert second.events.latest("id").comment == "Same figure, other words."


# --- Split ------------------------------------------------------------------------------------------


def test_splitting_from_the_claim_page_links_the_claim_and_its_parts(client, editor, claim):
    staff(client, editor)
    page = client.get(claim_url(claim)).content.decode()
    assert re.search(r'<details id="split-details">', page)  # folded until wanted

    response = post_action(client, claim, "split", parts=f"{FIRST_PART}\r\n{SECOND_PART}\r\n")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert shown_messages(page) == [("success", "Split: each part is now a claim of its own.")]
    first, last = Claim.objects.filter(split_from=claim).order_by("id")
    assert (first.text, last.text) == (FIRST_PART, SECOND_PART)
    claim.refresh_from_db()
    assert claim.status == "split"
    banner = re.search(r'id="claim-split-into">(.*?)</p>', text_of(page), re.S).group(1)
    assert f'href="{claim_url(first)}">claim {first.pk}</a> (“{FIRST_PART}”)' in banner
    assert f'href="{claim_url(last)}">claim {last.pk}</a>' in banner
    part = text_of(client.get(claim_url(first)))
    assert f'Split from <a href="{claim_url(claim)}">claim {claim.pk}</a>' in part
    assert f"<mark>{FIRST_PART}</mark>" in part


def test_a_refused_split_keeps_the_parts_and_opens_the_form(client, editor, claim):
    staff(client, editor)
    before = state(claim)
    typed = f"{FIRST_PART}\nthe ocean"
    response = post_action(client, claim, "split", parts=typed)
    assert response.status_code == 400
    message = triage.MSG_SPLIT_NOT_FOUND.format(number=2, part="the ocean", after=" after part 1")
    assert shown_messages(response) == [("error", message)]
    assert '<details id="split-details" open>' in response.content.decode()
    assert f">{typed}</textarea>" in form_html(response, "split-form")
    assert state(claim) == before


# --- The check-worthiness on the claim page ----------------------------------------------------------


def test_the_claim_page_lists_the_features_behind_the_score(client, editor, documents):
    claim = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    assert claim.checkworthiness_features, "the fixture's claim should have features"
    staff(client, editor)
    text = text_of(client.get(claim_url(claim)))
    band = vocabulary.band_of(claim.checkworthiness)
    assert f'<strong class="fc-worth fc-worth-{band}">{claim.checkworthiness:.2f}</strong> ({band})' in text
    table = re.search(r'<table class="fc-history" id="worth-features">(.*?)</table>', text, re.S).group(1)
    rows = re.findall(r'<tr class="fc-feature (fc-raises|fc-lowers)"><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>', table)
    expected = [
        ("fc-raises" if weight > 0 else "fc-lowers", name, f"+{weight}" if weight > 0 else str(weight), found or "—")
        for name, weight, found in claim.checkworthiness_features
    ]
    assert rows == expected


def test_a_claim_with_no_feature_says_why_it_scores_low(client, editor, documents):
    claim = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    Claim.objects.filter(pk=claim.pk).update(checkworthiness=0.05, checkworthiness_features=[])
    staff(client, editor)
    text = text_of(client.get(claim_url(claim)))
    assert "No feature found: a sentence with nothing to check scores low." in text
    assert 'class="fc-worth fc-worth-low">0.05</strong> (low)' in text


# --- The list: closed claims, filters, order ---------------------------------------------------------


@pytest.fixture
def closed(claim, second, survey_claim, editor, load_document):
    """Close one claim of each kind: dismissed, merged (into the survey's claim) and split; one more stays open."""
    open_claim = (
        load_document(
            "The dam holds 40 million cubic metres of water. It opened in 1990.",
            "Dam",
            ["The dam holds 40 million cubic metres of water."],
        )
        .document.occurrences.get()
        .claim
    )
    workflow.claim_dismiss(claim_id=second.pk, actor=editor, reason="opinion")
    workflow.claim_split(claim_id=claim.pk, actor=editor, parts=[FIRST_PART, SECOND_PART])
    parts = list(Claim.objects.filter(split_from=claim).order_by("id"))
    workflow.claims_merge(claim_id=survey_claim.pk, actor=editor, claims=[parts[1].pk])
    return {
        "dismissed": second, "split": claim, "merged": Claim.objects.get(pk=parts[1].pk),
        "open": [open_claim, survey_claim, parts[0]],
    }  # fmt: skip


def test_the_list_leaves_out_closed_claims_unless_asked(client, editor, closed):
    staff(client, editor)
    default = client.get(reverse(CHANGELIST))
    assert set(listed_ids(default)) == {c.pk for c in closed["open"]}
    assert "In the workflow" in default.content.decode()
    for status in ("dismissed", "merged", "split"):
        ids = listed_ids(client.get(reverse(CHANGELIST) + f"?status__exact={status}"))
        assert ids == [closed[status].pk], status
    every = listed_ids(client.get(reverse(CHANGELIST) + "?status__exact=all"))
    assert set(every) == set(Claim.objects.values_list("pk", flat=True))
    assert listed_ids(client.get(reverse(CHANGELIST) + "?status__exact=nonsense")) == []


def test_the_dismissal_filter_lists_dismissed_claims_by_reason(client, editor, closed, load_document):
    staff(client, editor)
    furniture = load_document(
        "Subscribe to our newsletter for 5 dollars.", "Page", ["Subscribe to our newsletter for 5 dollars."]
    )
    furniture_claim = furniture.document.occurrences.get().claim
    workflow.claim_dismiss(claim_id=furniture_claim.pk, actor=editor, reason="furniture")
    for query in ("?dismissal_reason=opinion", "?dismissal_reason=opinion&status__exact=dismissed"):
        assert listed_ids(client.get(reverse(CHANGELIST) + query)) == [closed["dismissed"].pk], query
    assert listed_ids(client.get(reverse(CHANGELIST) + "?dismissal_reason=furniture")) == [furniture_claim.pk]
    assert listed_ids(client.get(reverse(CHANGELIST) + "?dismissal_reason=bogus")) == []
    # The sidebar's reasons ask for dismissed claims; another status drops the reason.
    page = html.unescape(client.get(reverse(CHANGELIST) + "?dismissal_reason=opinion").content.decode())
    assert re.search(
        r'href="\?(dismissal_reason=furniture&status__exact=dismissed|status__exact=dismissed&dismissal_reason=furniture)"',
        page,
    )
    assert 'href="?status__exact=pending"' in page
    assert re.search(
        r'href="\?dismissal_reason=opinion&status__exact=all"|href="\?status__exact=all&dismissal_reason=opinion"', page
    )


def set_scores(scores):
    """Give claims the scores wanted (what a loaded text would score is the ingest tests' business)."""
    for pk, score in scores.items():
        Claim.objects.filter(pk=pk).update(checkworthiness=score)


@pytest.fixture
def scored(documents, signal_claims):
    """Seven claims with chosen scores: ties, and both edges of the bands (0.4 and 0.7)."""
    ids = list(Claim.objects.order_by("id").values_list("pk", flat=True))
    scores = dict(zip(ids, [0.4, 0.9, 0.7, 0.39, 0.7, 0.1, 0.69], strict=True))
    set_scores(scores)
    return scores


def test_the_list_is_ordered_by_worth_then_id_after_my_open_work(client, editor, scored):
    staff(client, editor)
    expected = sorted(scored, key=lambda pk: (-scored[pk], pk))
    assert listed_ids(client.get(reverse(CHANGELIST))) == expected
    least = expected[-1]
    workflow.claim_assign(claim_id=least, actor=editor)
    assert listed_ids(client.get(reverse(CHANGELIST))) == [least, *expected[:-1]]
    # The column sorts both ways.
    column = str(ClaimAdmin.list_display.index("worth") + 1)
    assert listed_ids(client.get(reverse(CHANGELIST) + f"?o={column}"))[0] == expected[0]
    ascending = listed_ids(client.get(reverse(CHANGELIST) + f"?o=-{column}"))
    assert [scored[pk] for pk in ascending] == sorted(scored.values())


def test_the_worth_column_shows_the_score_in_its_band(client, editor, scored):
    staff(client, editor)
    content = client.get(reverse(CHANGELIST)).content.decode()
    for pk, score in scored.items():
        row = re.search(rf'name="_selected_action" value="{pk}".*?</tr>', content, re.S).group(0)
        assert f'fc-worth-{vocabulary.band_of(score)}"' in row and f">{score:.2f}</span>" in row


@pytest.mark.parametrize("band, low, high", [("high", 0.7, 2), ("medium", 0.4, 0.7), ("low", -1, 0.4)])
def test_the_worth_filter_lists_the_band(client, editor, scored, band, low, high):
    staff(client, editor)
    expected = sorted((pk for pk, score in scored.items() if low <= score < high), key=lambda pk: (-scored[pk], pk))
    assert expected  # each band holds a claim
    assert listed_ids(client.get(reverse(CHANGELIST) + f"?worth={band}")) == expected


def test_an_unknown_band_lists_nothing(client, editor, scored):
    staff(client, editor)
    assert listed_ids(client.get(reverse(CHANGELIST) + "?worth=huge")) == []


# --- Bulk actions ---------------------------------------------------------------------------------


def bulk(client, action, ids, query="", **data):
    versions = {
        f"version_{pk}": version for pk, version in Claim.objects.filter(pk__in=ids).values_list("pk", "version")
    }
    selected = [str(pk) for pk in ids]
    return client.post(
        reverse(CHANGELIST) + query, {"action": action, "_selected_action": selected, **versions, **data}, follow=True
    )


def test_bulk_dismiss_reports_each_refusal(client, editor, editor2, documents, advance, load_document):
    pending = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    in_review = advance(Claim.objects.get(text=CLAIM_TEXT), "in_review", by=editor)
    already = Claim.objects.get(text=SURVEY_CLAIM_TEXT)
    workflow.claim_dismiss(claim_id=already.pk, actor=editor2, reason="furniture")
    staff(client, editor)
    before_review = state(in_review)

    response = bulk(client, "dismiss_selected", [pending.pk, in_review.pk, already.pk], reason="not_factual",
                    note="A forecast.")  # fmt: skip

    assert shown_messages(response) == [
        ("warning", "1 claim(s) dismissed (not a factual statement); 2 refused."),
        ("error", f"Claim {already.pk}: {MSG_BULK_NOT_LISTED}"),
        ("error", f"Claim {in_review.pk}: Cannot dismiss a claim that is in review: reopen it first."),
    ]
    pending.refresh_from_db()
    assert (pending.status, pending.dismissal_reason, pending.dismissal_note) == (
        "dismissed",
        "not_factual",
        "A forecast.",
    )
    assert Claim.objects.get(pk=already.pk).dismissal_reason == "furniture"  # untouched
    assert state(in_review)[0] == before_review[0]
    assert set(listed_ids(response)) == {Claim.objects.get(text=CLAIM_TEXT).pk}  # back on the default list


def test_bulk_dismiss_needs_a_reason(client, editor, documents):
    staff(client, editor)
    claims = list(Claim.objects.all())
    before = state(*claims)
    response = bulk(client, "dismiss_selected", [c.pk for c in claims], reason="", note="Typed")
    assert shown_messages(response) == [("error", MSG_DISMISS_NO_REASON)]
    assert state(*claims) == before
    response = bulk(client, "dismiss_selected", [c.pk for c in claims], reason="boring")
    [(level, message)] = shown_messages(response)
    assert level == "error" and message.startswith("Nothing was dismissed: reason: Select a valid choice.")
    assert state(*claims) == before


def test_bulk_restore_from_the_dismissed_list(client, editor, documents):
    claims = list(Claim.objects.order_by("id"))
    for each in claims[:2]:
        workflow.claim_dismiss(claim_id=each.pk, actor=editor, reason="opinion")
    staff(client, editor)
    # From the default list the dismissed claims are not there to restore.
    response = bulk(client, "restore_selected", [claims[0].pk])
    assert shown_messages(response) == [
        ("warning", "0 claim(s) restored; 1 refused."), ("error", f"Claim {claims[0].pk}: {MSG_BULK_NOT_LISTED}"),
    ]  # fmt: skip
    response = bulk(client, "restore_selected", [c.pk for c in claims[:2]], query="?status__exact=dismissed")
    assert shown_messages(response) == [("success", "2 claim(s) restored; 0 refused.")]
    assert set(Claim.objects.values_list("status", flat=True)) == {"pending"}
    assert listed_ids(response) == []  # the dismissed list is empty now


def test_bulk_restore_refuses_a_claim_that_is_not_dismissed(client, editor, documents):
    claim = Claim.objects.order_by("id").first()
    staff(client, editor)
    response = bulk(client, "restore_selected", [claim.pk], query="?status__exact=all")
    assert shown_messages(response) == [
        ("warning", "0 claim(s) restored; 1 refused."),
        ("error", f"Claim {claim.pk}: Cannot restore a claim that is pending."),
    ]


def test_bulk_merge_keeps_the_most_worth_checking(client, editor, documents):
    claims = list(Claim.objects.order_by("id"))
    set_scores({claims[0].pk: 0.2, claims[1].pk: 0.8, claims[2].pk: 0.5})
    staff(client, editor)
    response = bulk(client, "merge_selected", [c.pk for c in claims])
    assert shown_messages(response) == [("success", f"2 claim(s) merged into claim {claims[1].pk}.")]
    assert f'href="{claim_url(claims[1])}"' in response.content.decode()
    assert {c.pk: (c.status, c.merged_into_id) for c in Claim.objects.all()} == {
        claims[0].pk: ("merged", claims[1].pk), claims[1].pk: ("pending", None), claims[2].pk: ("merged", claims[1].pk),
    }  # fmt: skip


def test_bulk_merge_keeps_the_one_with_a_verdict(client, editor, documents):
    claims = list(Claim.objects.order_by("id"))
    set_scores({claims[0].pk: 0.2, claims[1].pk: 0.8, claims[2].pk: 0.5})
    ruled = claims[0]
    workflow.claim_assign(claim_id=ruled.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=ruled.pk, actor=editor, verdict="unverified", note="No source answered.")
    staff(client, editor)
    response = bulk(client, "merge_selected", [c.pk for c in claims])
    assert shown_messages(response) == [("success", f"2 claim(s) merged into claim {ruled.pk}.")]
    assert set(Claim.objects.filter(merged_into=ruled).values_list("pk", flat=True)) == {claims[1].pk, claims[2].pk}


def test_bulk_merge_refuses_claims_with_different_verdicts(client, editor, documents):
    claims = list(Claim.objects.order_by("id"))
    for each, verdict in zip(claims[:2], ("verified", "disputed"), strict=True):
        workflow.claim_assign(claim_id=each.pk, actor=editor)
        workflow.claim_set_verdict(claim_id=each.pk, actor=editor, verdict=verdict, note="Ruled.")
    staff(client, editor)
    before = state(*claims)
    response = bulk(client, "merge_selected", [c.pk for c in claims])
    message = triage.MSG_MERGE_VERDICTS_DIFFER.format(verdicts="disputed, verified")
    assert shown_messages(response) == [("error", f"Nothing was merged: {message}")]
    assert state(*claims) == before


def test_bulk_merge_refuses_a_selection_partly_filtered_out(client, editor, documents):
    claims = list(Claim.objects.order_by("id"))
    workflow.claim_dismiss(claim_id=claims[2].pk, actor=editor, reason="opinion")
    staff(client, editor)
    before = state(*claims)
    response = bulk(client, "merge_selected", [c.pk for c in claims])
    assert shown_messages(response) == [("error", MSG_MERGE_NOT_LISTED.format(ids=str(claims[2].pk)))]
    assert state(*claims) == before
    response = bulk(client, "merge_selected", [claims[0].pk])
    assert shown_messages(response) == [("error", MSG_MERGE_FEW)]
    assert state(*claims) == before


# --- Queries stay flat ------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def many_claims(count, prefix):
    sentences = [f"{prefix} statement number {i} says that {i * 7} people attended the rally." for i in range(count)]
    workflow.document_load(document=document_input(" ".join(sentences), f"{prefix} document", sentences))
    return list(Claim.objects.filter(text__startswith=prefix).order_by("id"))


@pytest.mark.parametrize(
    "query", ["", "?status__exact=all", "?status__exact=dismissed", "?worth=medium&status__exact=all"]
)
def test_the_list_with_triaged_claims_runs_a_fixed_number_of_queries(client, editor, query, monkeypatch):
    claims = many_claims(12, "Few")
    monkeypatch.setattr(ClaimAdmin, "list_per_page", 50)
    staff(client, editor)
    few = count_queries(client, reverse(CHANGELIST) + query)
    claims += many_claims(60, "Many")
    for index, each in enumerate(claims[:40]):
        if index % 4 == 0:
            workflow.claim_dismiss(claim_id=each.pk, actor=editor, reason="opinion")
        elif index % 4 == 1:
            workflow.claim_set_wording(claim_id=each.pk, actor=editor, wording=f"Reworded {index}.")
    workflow.claims_merge(claim_id=claims[2].pk, actor=editor, claims=[claims[6].pk, claims[10].pk])
    Claim.objects.filter(pk__in=[c.pk for c in claims[::3]]).update(checkworthiness=0.5)
    assert count_queries(client, reverse(CHANGELIST) + query) <= max(few, 14)


def test_the_claim_page_runs_as_many_queries_however_many_claims_were_merged_or_split(client, editor, load_document):
    few, many = many_claims(2, "Few"), many_claims(12, "Many")
    pool = many_claims(11, "Pool")  # pending claims the suggestions' passages state: each gets a merge button
    for group in (few, many):
        workflow.claims_merge(claim_id=group[0].pk, actor=editor, claims=[c.pk for c in group[1:]])
        for other in pool[: len(group) - 1]:
            occurrence = other.occurrences.get()
            Suggestion.objects.create(
                claim=group[0], document_id=occurrence.document_id, start=occurrence.start, end=occurrence.end,
                passage_claim=other, score=0.3, stance="context",
            )  # fmt: skip
    staff(client, editor)
    assert merge_button(client.get(claim_url(many[0]))) is not None
    assert count_queries(client, claim_url(few[0])) == count_queries(client, claim_url(many[0]))

    two = "Alpha rose 5 percent and beta fell 3 percent."
    four = "Gamma rose 5 and delta fell 3 and eta grew 2 and iota shrank 1."
    split_two = load_document(two, "Two", [two]).document.occurrences.get().claim
    split_four = load_document(four, "Four", [four]).document.occurrences.get().claim
    workflow.claim_split(claim_id=split_two.pk, actor=editor, parts=["Alpha rose 5 percent", "beta fell 3 percent."])
    workflow.claim_split(
        claim_id=split_four.pk, actor=editor, parts=["Gamma rose 5", "delta fell 3", "eta grew 2", "iota shrank 1."]
    )
    assert count_queries(client, claim_url(split_two)) == count_queries(client, claim_url(split_four))


def test_an_address_merged_twice_leads_to_the_claim_still_standing(client, editor, claim, second, survey_claim):
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    workflow.claims_merge(claim_id=survey_claim.pk, actor=editor, claims=[claim.pk])
    staff(client, editor)

    response = client.get(claim_url(second))

    assert response.status_code == 302 and response["Location"] == claim_url(survey_claim)
    page = client.get(response["Location"])
    assert shown_messages(page) == [
        ("info", f"Claim {second.pk} was merged into this claim by way of claim {claim.pk}. "
                 f"See claim {second.pk} and its history."),
    ]  # fmt: skip
    assert client.get(claim_url(claim))["Location"] == claim_url(survey_claim)
