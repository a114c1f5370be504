import dataclasses
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from annotations import workflow
from annotations.admin import ClaimAdmin
from annotations.admin.claims import CLAIM_CHARS, NO_PUBLISHER, NO_VERDICT, NOBODY_NAMED
from annotations.admin.common import badge
from annotations.models import Claim, Correction, ReviewEvent
from annotations.tests.conftest import (
    BOTH,
    CLAIM_TEXT,
    COUNTED,
    PLAIN,
    QUOTED,
    SECOND_CLAIM_TEXT,
    SIGNAL_CLAIMS,
    SURVEY_CLAIM_TEXT,
    document_input,
)
from annotations.vocabulary import status_colour, verdict_colour

from .conftest import claim_url, staff

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:annotations_claim_changelist"


def listed_ids(response):
    """Return the claim ids of the changelist rows, in order."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())]


def list_cells(html, claim):
    """Return the cells of ``claim``'s row in the changelist, by column name."""
    row = re.search(rf'name="_selected_action" value="{claim.pk}".*?</tr>', html, re.S).group(0)
    return dict(re.findall(r'<t[dh] class="field-([a-z_]+)[^"]*">(.*?)</t[dh]>', row, re.S))


def load_with_publisher(title, publisher, sentences):
    """Load a document of ``sentences`` (its claims) from ``publisher``; return it."""
    document = dataclasses.replace(document_input(" ".join(sentences), title, sentences), publisher=publisher)
    return workflow.document_load(document=document).document


def many_claims(count, prefix="Generated"):
    sentences = [f"{prefix} statement number {i} says that {i * 7} people attended the rally." for i in range(count)]
    text = " ".join(sentences)
    workflow.document_load(document=document_input(text, f"{prefix} document", sentences))


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_text_documents_badges_assignee_evidence_and_last_change(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert f'title="{CLAIM_TEXT}"' in html  # full text on hover
    assert "River report" in html and "Plastic survey" in html
    assert 'class="fc-badge"' in html and "In progress" in html and "Verified" in html
    row = re.search(rf'name="_selected_action" value="{claim.pk}".*?</tr>', html, re.S).group(0)
    assert "editor1" in row
    assert '<td class="field-evidence">1</td>' in row
    assert "field-last_change" in row and "Last change" in html


LONG_CLAIM = (
    "The regional health authority said on Tuesday that 1,284 patients waited more than twelve hours in its "
    "emergency departments last winter, three times as many as the year before, and that 41 of its 57 "
    "ambulances were out of service for at least a week because spare parts ordered in March had not arrived "
    "in time for the cold weather."
)
SHARED_CLAIM = "The port handled 2.4 million containers last year, a record for the third year running."
ONLY_IN_FIGURES = "The port employed 3,100 people at the end of the year."


def test_list_shows_each_claim_whole_on_hover_and_its_document_by_title_and_publisher(client, editor):
    report = load_with_publisher("Harbour report", "The Harbour Gazette", [LONG_CLAIM, SHARED_CLAIM])
    figures = load_with_publisher("Port figures", "", [SHARED_CLAIM, ONLY_IN_FIGURES])
    staff(client, editor)
    html = client.get(reverse(CHANGELIST)).content.decode()
    cells = {text: list_cells(html, Claim.objects.get(text=text)) for text in (LONG_CLAIM, SHARED_CLAIM)}
    cells[ONLY_IN_FIGURES] = list_cells(html, Claim.objects.get(text=ONLY_IN_FIGURES))

    # The claim: as much as two lines can show in the cell, all of it in the title.
    assert len(LONG_CLAIM) > CLAIM_CHARS
    shown = Truncator(LONG_CLAIM).chars(CLAIM_CHARS)
    assert f'<span class="fc-claim-line" title="{LONG_CLAIM}">{shown}</span>' in cells[LONG_CLAIM]["short_text"]

    # The document: its title (a link to it, titled with its publisher) over its publisher.
    report_url = reverse("admin:annotations_sourcedocument_change", args=[report.pk])
    assert cells[LONG_CLAIM]["documents"] == (
        f'<a class="fc-doc" href="{report_url}" title="Harbour report (The Harbour Gazette)">Harbour report</a>'
        '<span class="fc-publisher"><span class="fc-publisher-name">The Harbour Gazette</span></span>'
    )
    # A claim in two articles: the first one, and the other named on hover.
    assert cells[SHARED_CLAIM]["documents"] == (
        f'<a class="fc-doc" href="{report_url}" title="Harbour report (The Harbour Gazette)">Harbour report</a>'
        '<span class="fc-publisher"><span class="fc-publisher-name">The Harbour Gazette</span> '
        f'<span class="fc-doc-more" title="Also in: Port figures ({NO_PUBLISHER})">+1 more</span></span>'
    )
    figures_url = reverse("admin:annotations_sourcedocument_change", args=[figures.pk])
    assert cells[ONLY_IN_FIGURES]["documents"] == (
        f'<a class="fc-doc" href="{figures_url}" title="Port figures ({NO_PUBLISHER})">Port figures</a>'
        f'<span class="fc-publisher"><span class="fc-publisher-name">{NO_PUBLISHER}</span></span>'
    )


def test_list_shows_status_over_verdict_and_the_version_with_the_last_change(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    html = client.get(reverse(CHANGELIST)).content.decode()
    cells = list_cells(html, claim)
    claim.refresh_from_db()
    status, verdict = badge("In progress", status_colour("in_progress")), badge("Verified", verdict_colour("verified"))
    assert cells["state"] == f'<span class="fc-state">{status}{verdict}</span>'
    pending = list_cells(html, Claim.objects.get(text=SURVEY_CLAIM_TEXT))
    assert pending["state"].endswith(f'<span class="fc-no-verdict" title="{NO_VERDICT}">—</span></span>')
    when = timezone.localtime(claim.updated_at)
    assert cells["last_change"] == (
        f'<span title="Changed {when.isoformat()}: version {claim.version}">{when:%Y-%m-%d}<br>'
        f"{when:%H:%M} · v{claim.version}</span>"
        f'<input type="hidden" name="version_{claim.pk}" value="{claim.version}">'
    )


@pytest.mark.parametrize("per_page", [5, 50])
def test_list_runs_a_fixed_number_of_queries_whatever_the_page_size(
    client, editor, documents, per_page, django_assert_max_num_queries, monkeypatch
):
    many_claims(60)
    monkeypatch.setattr(ClaimAdmin, "list_per_page", per_page)
    staff(client, editor)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(CHANGELIST))
    assert len(listed_ids(response)) == per_page


def by_worth(claims):
    """Return the ids of ``claims`` in the list's order after my open work: most worth checking first, then id."""
    return [claim.pk for claim in sorted(claims, key=lambda claim: (-claim.checkworthiness, claim.pk))]


def test_default_order_puts_my_open_work_first(client, editor, editor2, documents):
    staff(client, editor)
    claims = list(Claim.objects.order_by("checkworthiness", "-id"))
    least = claims[0]  # the last in the list, but for being mine
    workflow.claim_assign(claim_id=least.pk, actor=editor)
    workflow.claim_assign(claim_id=claims[-1].pk, actor=editor2)
    ids = listed_ids(client.get(reverse(CHANGELIST)))
    assert ids[0] == least.pk
    assert ids[1:] == by_worth(claims[1:])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("assignee=me", {CLAIM_TEXT}),
        ("assignee=me_open", {CLAIM_TEXT}),
        ("assignee=none", {SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT}),
        ("status__exact=in_progress", {CLAIM_TEXT}),
        ("verdict__exact=verified", {CLAIM_TEXT}),
        ("q=tonnes", {CLAIM_TEXT, SURVEY_CLAIM_TEXT}),
    ],
)
def test_filters_and_search(client, editor, claim, advance, query, expected):
    advance(claim, "in_progress")
    staff(client, editor)
    ids = listed_ids(client.get(reverse(CHANGELIST) + "?" + query))
    assert {Claim.objects.get(pk=pk).text for pk in ids} == expected


def test_document_filter(client, editor, documents):
    staff(client, editor)
    ids = listed_ids(client.get(reverse(CHANGELIST) + f"?document={documents.survey.pk}"))
    assert [Claim.objects.get(pk=pk).text for pk in ids] == [SURVEY_CLAIM_TEXT]


def test_awaiting_my_review_excludes_what_i_submitted(client, reviewer, reviewer2, editor, documents, advance):
    mine = advance(Claim.objects.get(text=CLAIM_TEXT), "in_review", by=reviewer)
    theirs = advance(Claim.objects.get(text=SURVEY_CLAIM_TEXT), "in_review", by=editor)
    staff(client, reviewer)
    ids = listed_ids(client.get(reverse(CHANGELIST) + "?review=mine"))
    assert ids == [theirs.pk]
    queue = client.get(reverse("admin:annotations_claim_queue")).content.decode()
    assert SURVEY_CLAIM_TEXT[:40] in queue and CLAIM_TEXT[:40] not in queue
    assert mine.status == "in_review"


def test_queue_is_oldest_first(client, reviewer, editor, documents, advance):
    first = advance(Claim.objects.get(text=SURVEY_CLAIM_TEXT), "in_review", by=editor)
    second = advance(Claim.objects.get(text=CLAIM_TEXT), "in_review", by=editor)
    staff(client, reviewer)
    html = client.get(reverse("admin:annotations_claim_queue")).content.decode()
    assert html.index(claim_url(first)) < html.index(claim_url(second))


# --- Bulk actions -------------------------------------------------------------------------------


def test_bulk_assign_to_me_reports_passed_and_each_refusal(client, editor, editor2, documents, advance):
    staff(client, editor)
    taken = advance(Claim.objects.get(text=CLAIM_TEXT), "in_review", by=editor2)
    free = list(Claim.objects.exclude(pk=taken.pk).values_list("pk", flat=True))
    before = ReviewEvent.objects.count()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "assign_to_me", "_selected_action": [taken.pk, *free]},
        follow=True,
    )
    html = response.content.decode()
    assert "2 claim(s) assigned to you; 1 refused." in html
    assert f"Claim {taken.pk}: Cannot assign a claim that is in review." in html
    assert ReviewEvent.objects.count() == before + 2
    assert set(Claim.objects.filter(assignee=editor).values_list("pk", flat=True)) == set(free)


def test_bulk_assign_to_an_editor(client, reviewer, editor2, documents, outsider):
    staff(client, reviewer)
    ids = list(Claim.objects.values_list("pk", flat=True))
    response = client.post(
        reverse(CHANGELIST),
        {"action": "assign_to_editor", "assignee": editor2.pk, "_selected_action": ids},
        follow=True,
    )
    assert "3 claim(s) assigned to editor2; 0 refused." in response.content.decode()
    assert Claim.objects.filter(assignee=editor2).count() == 3
    event = ReviewEvent.objects.filter(action="assigned").latest("id")
    assert event.actor == reviewer and event.details["assignee_after"] == "editor2"


def test_bulk_assign_to_an_editor_needs_the_editor(client, reviewer, documents):
    staff(client, reviewer)
    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "assign_to_editor",
            "assignee": "",
            "_selected_action": list(Claim.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "Choose the editor to assign the claims to." in response.content.decode()
    assert not Claim.objects.filter(assignee__isnull=False).exists()


def test_bulk_approve_passes_others_and_refuses_my_own(client, reviewer, editor, documents, advance):
    own = advance(Claim.objects.get(text=CLAIM_TEXT), "in_review", by=reviewer)
    other = advance(Claim.objects.get(text=SURVEY_CLAIM_TEXT), "in_review", by=editor)
    pending = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    staff(client, reviewer)
    seen = {f"version_{c.pk}": Claim.objects.get(pk=c.pk).version for c in (own, other, pending)}
    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [own.pk, other.pk, pending.pk], **seen},
        follow=True,
    )
    html = response.content.decode()
    assert "1 claim(s) approved; 2 refused." in html
    assert f"Claim {own.pk}: You submitted this verdict, so someone else must approve it." in html
    assert f"Claim {pending.pk}: Cannot approve a claim that is pending." in html
    assert Claim.objects.get(pk=other.pk).status == "approved"
    assert Claim.objects.get(pk=own.pk).status == "in_review"


# --- The claim page -----------------------------------------------------------------------------


def buttons(html):
    return set(re.findall(r'<input type="submit" value="([^"]+)"', html))


TRIAGE = {"Save wording", "Dismiss", "Merge into this claim", "Split"}
RULED_TRIAGE = TRIAGE - {"Split"}  # a claim with a verdict or evidence is not split: they would have no claim


@pytest.mark.parametrize(
    "status, who, expected",
    [
        ("pending", "editor", {"Assign to me", "Comment", *TRIAGE}),
        ("pending", "outsider", None),
        (
            "in_progress",
            "editor",
            {"Save verdict", "Add evidence", "Remove", "Submit for review", "Comment", *RULED_TRIAGE},
        ),
        ("in_progress", "editor2", {"Assign to me", "Comment"}),  # not theirs to triage
        ("in_review", "editor", {"Comment"}),
        ("in_review", "editor2", {"Comment"}),
        ("in_review", "reviewer", {"Approve", "Return", "Comment"}),
        # An approved claim may take in its duplicates; it is not closed or reworded without being reopened.
        ("approved", "reviewer", {"Reopen", "Comment", "Merge into this claim"}),
        ("approved", "editor", {"Comment", "Merge into this claim"}),
        (
            "returned",
            "editor",
            {"Assign to me", "Save verdict", "Add evidence", "Remove", "Submit for review", "Comment", *RULED_TRIAGE},
        ),
    ],
)
def test_claim_page_offers_exactly_the_allowed_actions(client, request, claim, advance, status, who, expected):
    reviewed_by = request.getfixturevalue("reviewer2") if who == "reviewer" else None
    advance(claim, status, reviewed_by=reviewed_by)
    staff(client, request.getfixturevalue(who))
    response = client.get(claim_url(claim))
    if expected is None:
        assert response.status_code == 403
        return
    assert buttons(response.content.decode()) == expected


def test_reviewer_sees_no_approve_button_on_their_own_submission(client, reviewer, claim, advance):
    advance(claim, "in_review", by=reviewer)
    staff(client, reviewer)
    assert buttons(client.get(claim_url(claim)).content.decode()) == {"Return", "Comment"}


def test_claim_page_shows_context_evidence_and_history_newest_first(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    html = client.get(claim_url(claim)).content.decode()
    assert f"<mark>{CLAIM_TEXT}</mark> {SECOND_CLAIM_TEXT}" in html  # the paragraph, claim highlighted
    assert reverse("admin:annotations_sourcedocument_change", args=[claim.occurrences.get().document_id]) in html
    assert "https://example.org/survey" in html and "Supports" in html
    actions = re.findall(r'class="fc-event" data-action="(\w+)"', html)
    assert actions == ["evidence_added", "verdict_set", "assigned", "created"]


def test_editor_walks_a_claim_through_the_page(client, editor, claim, other_document):
    staff(client, editor)
    url = claim_url(claim)
    assert client.post(url, {"_action": "assign", "version": 1}).status_code == 302
    assert (
        client.post(
            url, {"_action": "verdict", "version": 2, "verdict": "disputed", "note": "The survey says 120."}
        ).status_code
        == 302
    )
    response = client.post(
        url,
        {
            "_action": "add_evidence",
            "version": 3,
            "stance": "refutes",
            "document": other_document.pk,
            "start": 0,
            "end": 20,
        },
    )
    assert response.status_code == 302
    assert client.post(url, {"_action": "submit", "version": 4}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.note, claim.version) == (
        "in_review",
        "disputed",
        "The survey says 120.",
        5,
    )
    evidence = claim.evidence.get()
    assert evidence.document == other_document and evidence.excerpt == other_document.text[0:20]
    assert list(claim.events.values_list("action", "actor__username")) == [
        ("created", None),
        ("assigned", "editor1"),
        ("verdict_set", "editor1"),
        ("evidence_added", "editor1"),
        ("submitted", "editor1"),
    ]


def test_refusal_is_shown_and_changes_nothing(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    workflow.evidence_remove(claim_id=claim.pk, evidence_id=claim.evidence.get().pk, actor=editor)
    claim.refresh_from_db()
    before = ReviewEvent.objects.count()
    response = client.post(claim_url(claim), {"_action": "submit", "version": claim.version})
    assert response.status_code == 400
    assert "A verified verdict needs at least one evidence item before it is submitted." in response.content.decode()
    assert ReviewEvent.objects.count() == before
    assert Claim.objects.get(pk=claim.pk).status == "in_progress"


def test_return_needs_a_comment(client, reviewer2, claim, advance):
    advance(claim, "in_review")
    staff(client, reviewer2)
    response = client.post(claim_url(claim), {"_action": "return", "version": claim.version, "comment": "  "})
    assert "A comment saying what to change is required to return a claim." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    client.post(claim_url(claim), {"_action": "return", "version": claim.version, "comment": "Cite the survey page."})
    claim.refresh_from_db()
    assert claim.status == "returned"
    assert claim.events.latest("id").comment == "Cite the survey page."


def test_stale_save_keeps_the_other_change_and_shows_my_input_back(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    seen_version = claim.version
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="Their change")
    before = ReviewEvent.objects.count()
    response = client.post(
        claim_url(claim),
        {"_action": "verdict", "version": seen_version, "verdict": "disputed", "note": "My typed note"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else" in html
    assert "My typed note</textarea>" in html
    assert re.search(r'value="disputed"[^>]*checked', html)
    claim.refresh_from_db()
    assert (claim.verdict, claim.note) == ("unverified", "Their change")
    assert "Their change" in html
    assert ReviewEvent.objects.count() == before


def test_malformed_posts_are_refused_with_a_reason(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    for data, reason in [
        ({"_action": "verdict", "version": "abc", "verdict": "disputed"}, "version"),
        ({"_action": "verdict", "version": claim.version, "verdict": "maybe"}, "verdict"),
        (
            {"_action": "add_evidence", "version": claim.version, "stance": "supports", "url": "javascript:alert(1)"},
            "not a valid web address",
        ),
        (
            {"_action": "remove_evidence", "version": claim.version, "evidence_id": 999999},
            "Evidence 999999 does not exist on this claim.",
        ),
        ({"_action": "explode"}, "Unknown action"),
    ]:
        before = ReviewEvent.objects.count()
        response = client.post(claim_url(claim), data)
        assert response.status_code in (400, 404), data
        assert reason in response.content.decode(), data
        assert ReviewEvent.objects.count() == before


def test_claim_page_runs_a_bounded_number_of_queries(client, editor, claim, advance, django_assert_max_num_queries):
    advance(claim, "in_progress")
    for n in range(5):
        workflow.claim_comment(claim_id=claim.pk, actor=editor, comment=f"comment {n}")
    staff(client, editor)
    # 20 for the claim and its parts; the desk adds the user's stay setting and the claim's place in
    # its list (its own values, the claim before and the claim after it).
    with django_assert_max_num_queries(24):
        assert client.get(claim_url(claim)).status_code == 200


# --- Other pages --------------------------------------------------------------------------------


def test_document_page_highlights_claims_by_verdict_and_counts_statuses(client, editor, claim, advance, documents):
    advance(claim, "in_review")
    staff(client, editor)
    html = client.get(reverse("admin:annotations_sourcedocument_change", args=[documents.report.pk])).content.decode()
    assert re.search(rf'data-verdict="verified" href="{claim_url(claim)}"', html)
    assert html.count('class="fc-claim" data-verdict') == 2
    counts = re.search(r'id="status-counts">(.*?)</p>', html, re.S).group(1)
    assert re.search(r"Pending</span> 1", counts) and re.search(r"In review</span> 1", counts)


def test_document_text_is_escaped(client, editor):
    text = "<script>alert('x')</script> The minister said 40 schools closed on Monday."
    sentence = "The minister said 40 schools closed on Monday."
    result = workflow.document_load(document=document_input(text, "Escaping", [sentence]))
    staff(client, editor)
    html = client.get(reverse("admin:annotations_sourcedocument_change", args=[result.document.pk])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_index_shows_counts_and_my_queue(client, reviewer, editor, documents, advance):
    advance(Claim.objects.get(text=CLAIM_TEXT), "in_review", by=editor)
    workflow.claim_assign(claim_id=Claim.objects.get(text=SURVEY_CLAIM_TEXT).pk, actor=reviewer)
    staff(client, reviewer)
    html = client.get(reverse("admin:index")).content.decode()
    counts = re.search(r'id="counts">(.*?)</div>', html, re.S).group(1)
    assert "Claims: 3" in counts
    assert re.search(r'data-status="pending">Pending</a>: 1', counts)
    assert re.search(r'data-status="in_review">In review</a>: 1', counts)
    assert re.search(r'data-status="in_progress">In progress</a>: 1', counts)
    assert re.search(r'data-verdict="verified">Verified</a>: 1', counts)
    assert re.search(r'data-status="approved">Approved</a>: 0', counts)
    assert "Recent activity" in html and 'id="recent-activity"' in html
    queue = re.search(r'id="my-queue">(.*?)</div>', html, re.S).group(1)
    assert "?assignee=me_open" in queue
    assert "1 claim(s) assigned to me need work" in queue
    assert "1 awaiting my review" in queue


def test_the_list_carries_each_row_version_for_bulk_actions(client, reviewer, claim, advance):
    advance(claim, "in_review")
    staff(client, reviewer)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert f'<input type="hidden" name="version_{claim.pk}" value="{claim.version}">' in html


def test_bulk_approve_refuses_a_claim_changed_since_the_list_was_loaded(client, reviewer2, editor, claim, advance):
    advance(claim, "in_review", by=editor)
    seen = claim.version
    workflow.claim_return(claim_id=claim.pk, actor=reviewer2, comment="Use a second source.")
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="disputed", note="Changed my mind.")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    before = ReviewEvent.objects.count()
    staff(client, reviewer2)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [claim.pk], f"version_{claim.pk}": seen},
        follow=True,
    )
    assert "0 claim(s) approved; 1 refused." in response.content.decode()
    assert "changed by someone else" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert ReviewEvent.objects.count() == before


def test_bulk_approve_refuses_claims_not_shown_on_the_page(client, reviewer2, claim, advance):
    advance(claim, "in_review")
    staff(client, reviewer2)
    response = client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [claim.pk]}, follow=True
    )
    assert f"Claim {claim.pk}: not approved: approve only claims shown on the page" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_an_invalid_selection_changes_nothing(client, editor, documents):
    staff(client, editor)
    response = client.post(
        reverse(CHANGELIST), {"action": "assign_to_me", "_selected_action": ["abc", "1"]}, follow=True
    )
    assert response.status_code == 200
    assert "the selection holds an invalid claim id" in response.content.decode()
    assert not Claim.objects.filter(assignee__isnull=False).exists()


@pytest.mark.parametrize("object_id", ["abc", "1.5", "²", "99999999999999999999999"])
def test_odd_object_ids_are_not_found(client, editor, documents, object_id):
    staff(client, editor)
    assert client.get(f"/admin/annotations/claim/{object_id}/change/").status_code == 404
    assert client.get(f"/admin/annotations/sourcedocument/{object_id}/change/").status_code == 404


@pytest.mark.parametrize(
    "query", ["assignee=%C2%B2", "document=%C2%B2", "assignee=99999999999999999999", "document=-1"]
)
def test_odd_filter_values_show_no_claims_rather_than_fail(client, editor, documents, query):
    staff(client, editor)
    response = client.get(reverse(CHANGELIST) + "?" + query)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert listed_ids(response) == []


def test_evidence_form_sends_one_version_after_a_conflict(client, editor, claim, advance):
    advance(claim, "in_progress")
    staff(client, editor)
    stale = claim.version
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="Meanwhile.")
    response = client.post(
        claim_url(claim),
        {"_action": "add_evidence", "version": stale, "stance": "context", "url": "https://example.org/x"},
    )
    assert response.status_code == 409
    form = re.search(r'<form method="post" id="evidence-form">(.*?)</form>', response.content.decode(), re.S).group(1)
    versions = re.findall(r'name="version" value="(\d+)"', form)
    assert versions == [str(Claim.objects.get(pk=claim.pk).version)]
    assert 'value="https://example.org/x"' in form  # what was typed is kept


# --- Corrections --------------------------------------------------------------------------------

CORRECTION = "The survey measured 120 tonnes, not 300: the claim is disputed."


@pytest.fixture
def republished(claim, advance, editor, reviewer2):
    """Return a function bringing the claim back to review after the reviewer approved it as verified."""

    def bring(verdict="disputed", note="The survey says 120."):
        advance(claim, "approved")
        workflow.claim_reopen(claim_id=claim.pk, actor=reviewer2, reason="The survey was revised.")
        workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict=verdict, note=note)
        workflow.claim_submit(claim_id=claim.pk, actor=editor)
        claim.refresh_from_db()
        return claim

    return bring


def approve_form(html):
    return re.search(r'<form method="post" id="approve-form">(.*?)</form>', html, re.S).group(1)


def test_the_approve_form_asks_for_no_correction_before_the_first_publication(client, reviewer2, claim, advance):
    advance(claim, "in_review")
    staff(client, reviewer2)
    html = client.get(claim_url(claim)).content.decode()
    assert 'name="comment"' in approve_form(html)
    assert 'name="correction"' not in approve_form(html)
    assert 'id="claim-published"' not in html and 'id="corrections-card"' not in html


def test_the_approve_form_offers_a_public_correction_note_once_the_claim_was_published(client, reviewer2, republished):
    claim = republished()
    staff(client, reviewer2)
    form = approve_form(client.get(claim_url(claim)).content.decode())
    assert '<label for="id_correction">Public correction note</label>' in form
    assert '<textarea name="correction" id="id_correction"' in form
    assert "This claim was published before, as verified." in form


def test_the_claim_page_shows_what_was_published_and_by_whom(client, editor, claim, advance):
    claim = advance(claim, "approved")
    staff(client, editor)
    html = client.get(claim_url(claim)).content.decode()
    published = re.search(r'id="claim-published">(.*?)</p>', html, re.S).group(1)
    assert "Published as <strong>Verified</strong>" in published
    assert f"first published {claim.published_at:%Y-%m-%d %H:%M}" in published
    assert f"last approved by reviewer1 on {claim.approved_at:%Y-%m-%d %H:%M}" in published


def test_approving_a_changed_verdict_without_a_correction_is_refused_and_keeps_my_input(client, reviewer2, republished):
    claim = republished()
    staff(client, reviewer2)
    before = ReviewEvent.objects.count()
    response = client.post(
        claim_url(claim),
        {"_action": "approve", "version": claim.version, "comment": "My typed comment", "correction": "  "},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert workflow.MSG_CORRECTION_REQUIRED.format(old="verified", new="disputed") in html
    assert "My typed comment</textarea>" in approve_form(html)
    assert ReviewEvent.objects.count() == before
    assert not Correction.objects.exists()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.published_verdict) == ("in_review", "verified")


def test_a_correction_note_when_nothing_changed_is_refused_and_kept(client, reviewer2, republished):
    claim = republished(verdict="verified", note="Matches the survey.")
    staff(client, reviewer2)
    before = ReviewEvent.objects.count()
    response = client.post(
        claim_url(claim), {"_action": "approve", "version": claim.version, "correction": "My typed correction"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert workflow.MSG_NOTHING_TO_CORRECT in html
    assert "My typed correction</textarea>" in approve_form(html)
    assert ReviewEvent.objects.count() == before
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_approving_a_changed_verdict_with_a_correction_publishes_it_and_lists_it(client, reviewer2, republished):
    claim = republished()
    staff(client, reviewer2)
    response = client.post(claim_url(claim), {"_action": "approve", "version": claim.version, "correction": CORRECTION})
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (
        correction.claim_id,
        correction.old_verdict,
        correction.new_verdict,
        correction.note,
        correction.approved_by,
    ) == (claim.pk, "verified", "disputed", CORRECTION, reviewer2)
    assert correction.event == claim.events.latest("id")
    html = client.get(claim_url(claim)).content.decode()
    row = re.search(r'<tr class="fc-correction">(.*?)</tr>', html, re.S).group(1)
    assert f"{correction.created_at:%Y-%m-%d %H:%M}" in row
    assert "Verified → Disputed" in row
    assert CORRECTION in row and "note was: Matches the survey." in row
    assert '<td class="fc-actor">reviewer2</td>' in row
    assert "Published as <strong>Disputed</strong>" in html
    assert f"correction: {CORRECTION}" in html  # in the history, on the approval


def test_bulk_approve_refuses_a_changed_verdict_that_needs_a_correction(
    client, reviewer2, editor, documents, republished
):
    claim = republished()
    other = Claim.objects.get(text=SURVEY_CLAIM_TEXT)
    workflow.claim_assign(claim_id=other.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=other.pk, actor=editor, verdict="unverified", note="No source answered.")
    workflow.claim_submit(claim_id=other.pk, actor=editor)
    staff(client, reviewer2)
    seen = {f"version_{c.pk}": Claim.objects.get(pk=c.pk).version for c in (claim, other)}
    before = ReviewEvent.objects.count()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [claim.pk, other.pk], **seen},
        follow=True,
    )
    html = response.content.decode()
    assert "1 claim(s) approved; 1 refused." in html
    message = workflow.MSG_CORRECTION_REQUIRED.format(old="verified", new="disputed")
    assert f"Claim {claim.pk}: {message}" in html
    assert ReviewEvent.objects.count() == before + 1
    assert Claim.objects.get(pk=other.pk).status == "approved"
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert not Correction.objects.exists()


# --- Check-worthiness signals -------------------------------------------------------------------


def column(name):
    """Return the changelist's sort parameter for the ``list_display`` column ``name``."""
    return str(ClaimAdmin.list_display.index(name) + 1)


def test_list_shows_the_speaker_and_markers_for_number_and_quote_in_one_column(client, editor, signal_claims):
    staff(client, editor)
    html = client.get(reverse(CHANGELIST)).content.decode()
    cells = {
        text: re.search(
            rf'name="_selected_action" value="{pk}".*?<td class="field-speaker_name">(.*?)</td>', html, re.S
        ).group(1)
        for text, pk in signal_claims.items()
    }
    assert '<span class="fc-speaker" title="the ministry">the ministry</span>' in cells[COUNTED]
    assert f'<span class="fc-speaker fc-nobody" title="{NOBODY_NAMED}">—</span>' in cells[PLAIN]
    assert 'title="States a number">#</span>' in cells[COUNTED] and "Contains a quotation" not in cells[COUNTED]
    assert 'title="Contains a quotation">“”</span>' in cells[QUOTED] and "States a number" not in cells[QUOTED]
    assert "fc-signal" not in cells[PLAIN]
    assert cells[BOTH].count("fc-signal") == 2
    # The markers come first: a long name is cut at the end of the cell's second line, they are not.
    assert cells[COUNTED].index("fc-signal") < cells[COUNTED].index("fc-speaker")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("attributed=yes", [COUNTED, QUOTED]),
        ("attributed=no", [PLAIN, BOTH]),
        ("has_number=yes", [COUNTED, BOTH]),
        ("has_number=no", [QUOTED, PLAIN]),
        ("has_quote=yes", [QUOTED, BOTH]),
        ("has_quote=no&attributed=yes", [COUNTED]),
        ("has_number=maybe", SIGNAL_CLAIMS),  # not one of the choices: no filter
    ],
)
def test_signal_filters(client, editor, signal_claims, query, expected):
    staff(client, editor)
    claims = Claim.objects.filter(pk__in=[signal_claims[text] for text in expected])
    assert listed_ids(client.get(reverse(CHANGELIST) + "?" + query)) == by_worth(claims)


def test_the_signal_filters_are_offered_with_their_choices(client, editor, signal_claims):
    staff(client, editor)
    html = client.get(reverse(CHANGELIST)).content.decode()
    for title, choice in [("attributed", "To nobody named"), ("states a number", "Yes"), ("quotes someone", "No")]:
        assert f"By {title}" in html and choice in html


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("speaker_name", [BOTH, PLAIN, QUOTED, COUNTED]),  # the admin breaks ties by descending id
        ("-speaker_name", [COUNTED, QUOTED, BOTH, PLAIN]),
    ],
)
def test_the_said_by_column_sorts_by_speaker(client, editor, signal_claims, sort, expected):
    # The number and quotation markers share the column; their filters pick those claims out.
    staff(client, editor)
    order = ("-" if sort.startswith("-") else "") + column(sort.lstrip("-"))
    assert listed_ids(client.get(reverse(CHANGELIST) + f"?o={order}")) == [signal_claims[text] for text in expected]


@pytest.mark.parametrize("per_page", [5, 50])
def test_a_list_filtered_by_signals_and_sorted_by_speaker_runs_a_fixed_number_of_queries(
    client, editor, documents, per_page, django_assert_max_num_queries, monkeypatch
):
    many_claims(60)
    monkeypatch.setattr(ClaimAdmin, "list_per_page", per_page)
    staff(client, editor)
    query = f"?attributed=yes&has_number=yes&has_quote=no&o=-{column('speaker_name')}.{column('worth')}"
    with django_assert_max_num_queries(14):
        response = client.get(reverse(CHANGELIST) + query)
    assert len(listed_ids(response)) == per_page


def test_claim_page_shows_the_speaker_and_the_signals(client, editor, signal_claims):
    staff(client, editor)
    counted = client.get(claim_url(Claim.objects.get(text=COUNTED))).content.decode()
    assert '<strong id="claim-speaker">the ministry</strong>' in counted
    assert "states a number" in counted and "quotes someone" not in counted
    both = client.get(claim_url(Claim.objects.get(text=BOTH))).content.decode()
    assert "Attributed to nobody named" in both and "claim-speaker" not in both
    assert "states a number" in both and "quotes someone" in both
