"""Triage over the API: dismiss, restore, wording, merge and split, and what the claims then show."""

import pytest

from annotations import workflow
from annotations.models import Claim, ClaimStatus, ReviewEvent
from annotations.tests.conftest import (
    CLAIM_TEXT,
    FIRST_PART,
    SECOND_CLAIM_TEXT,
    SECOND_PART,
    WORDING,
)
from annotations.workflow import rules, triage

from .conftest import claim_url, etag, refusal

pytestmark = pytest.mark.django_db

PENDING = ClaimStatus.PENDING
IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
APPROVED = ClaimStatus.APPROVED


def new_events(before):
    return list(ReviewEvent.objects.exclude(id__in=before).order_by("id"))


def event_ids():
    return set(ReviewEvent.objects.values_list("id", flat=True))


# --- Each action: its answer and its history -------------------------------------------------------


def test_dismissing_answers_the_closed_claim_with_its_reason(claim, advance, cast, client_for, one_new_event):
    claim = advance(claim, IN_PROGRESS)
    body = {"reason": "opinion", "note": "A forecast, not a fact.", "version": claim.version}
    with one_new_event() as recorded:
        response = client_for(cast.editor).post(claim_url(claim, "dismiss"), body, format="json")
    assert response.status_code == 200, response.content
    answered = response.json()
    assert {key: answered[key] for key in ("status", "dismissal_reason", "dismissal_note", "assignee")} == {
        "status": "dismissed", "dismissal_reason": "opinion", "dismissal_note": "A forecast, not a fact.",
        "assignee": None,
    }  # fmt: skip
    assert answered["version"] == claim.version + 1 == recorded.event.claim_version
    assert response["ETag"] == f'"claim-{claim.pk}-v{claim.version + 1}"'
    event = recorded.event
    assert (event.action, event.actor, event.status_before, event.status_after, event.comment) == (
        "dismissed", cast.editor, "in_progress", "dismissed", "A forecast, not a fact.",
    )  # fmt: skip
    assert event.details == {"reason": "opinion", "assignee_before": "editor1"}


def test_restoring_brings_a_dismissed_claim_back_pending(claim, cast, client_for, one_new_event):
    workflow.claim_dismiss(claim_id=claim.pk, actor=cast.editor, reason="furniture", note="A caption.")
    claim.refresh_from_db()
    with one_new_event() as recorded:
        response = client_for(cast.editor2).post(claim_url(claim, "restore"), HTTP_IF_MATCH=etag(claim))
    assert response.status_code == 200, response.content
    answered = response.json()
    assert (answered["status"], answered["dismissal_reason"], answered["dismissal_note"]) == ("pending", "", "")
    assert (recorded.event.action, recorded.event.actor) == ("restored", cast.editor2)
    assert recorded.event.details == {"reason_before": "furniture", "note_before": "A caption."}


def test_a_wording_is_what_is_checked_and_the_text_stays(claim, cast, client_for, one_new_event):
    with one_new_event() as recorded:
        response = client_for(cast.editor).post(claim_url(claim, "wording"), {"wording": WORDING}, format="json")
    assert response.status_code == 200, response.content
    answered = response.json()
    assert (answered["text"], answered["wording"], answered["checked_text"]) == (CLAIM_TEXT, WORDING, WORDING)
    assert answered["status"] == "pending"
    assert recorded.event.details == {"wording_before": "", "wording_after": WORDING}
    listed = client_for(cast.editor).get("/api/claims/?ordering=id").json()["results"][0]
    assert (listed["id"], listed["wording"], listed["checked_text"]) == (claim.pk, WORDING, WORDING)
    # An empty wording goes back to the text.
    response = client_for(cast.editor).post(claim_url(claim, "wording"), {"wording": ""}, format="json")
    assert (response.json()["wording"], response.json()["checked_text"]) == ("", CLAIM_TEXT)


def test_merging_answers_the_claim_that_stays_with_the_merged_ones(claim, second, survey_claim, cast, client_for):
    before = event_ids()
    body = {"claims": [second.pk, survey_claim.pk], "version": claim.version}
    response = client_for(cast.editor).post(claim_url(claim, "merge"), body, format="json")
    assert response.status_code == 200, response.content
    answered = response.json()
    assert (answered["id"], answered["status"], answered["merged_into"]) == (claim.pk, "pending", None)
    assert answered["merged_claims"] == [second.pk, survey_claim.pk]
    assert sorted(o["document_title"] for o in answered["occurrences"]) == [
        "Plastic survey", "River report", "River report",
    ]  # fmt: skip
    events = new_events(before)
    assert [(e.claim_id, e.action, e.actor) for e in events] == [
        (second.pk, "merged_into", cast.editor),
        (survey_claim.pk, "merged_into", cast.editor),
        (claim.pk, "merged_from", cast.editor),
    ]
    assert answered["version"] == events[-1].claim_version == claim.version + 1


def test_a_merged_claims_address_still_answers_with_where_it_went(claim, second, cast, client_for):
    workflow.claims_merge(claim_id=claim.pk, actor=cast.editor, claims=[second.pk])
    reader = client_for(cast.reviewer)
    response = reader.get(claim_url(second))
    assert response.status_code == 200, response.content
    answered = response.json()
    assert (answered["id"], answered["status"], answered["merged_into"]) == (second.pk, "merged", claim.pk)
    assert answered["occurrences"] == []  # they moved to the claim it was merged into
    assert response["ETag"] == etag(Claim.objects.get(pk=second.pk))
    history = reader.get(claim_url(second, "history")).json()
    assert [row["action"] for row in history] == ["created", "merged_into"]
    assert history[-1]["details"] == {"merged_into": claim.pk, "claims": [claim.pk, second.pk]}


def test_splitting_answers_the_closed_claim_with_its_parts(claim, cast, client_for):
    before = event_ids()
    response = client_for(cast.editor).post(
        claim_url(claim, "split"), {"parts": [FIRST_PART, SECOND_PART]}, format="json"
    )
    assert response.status_code == 200, response.content
    answered = response.json()
    first, last = Claim.objects.filter(text__in=[FIRST_PART, SECOND_PART]).order_by("id")
    assert (answered["status"], answered["split_parts"]) == ("split", [first.pk, last.pk])
    assert [(e.claim_id, e.action, e.actor) for e in new_events(before)] == [
        (first.pk, "created", cast.editor),
        (last.pk, "created", cast.editor),
        (claim.pk, "split", cast.editor),
    ]
    part = client_for(cast.editor).get(claim_url(first)).json()
    assert (part["text"], part["split_from"], part["status"]) == (FIRST_PART, claim.pk, "pending")
    assert [(o["document_title"], o["position"]) for o in part["occurrences"]] == [("River report", 0)]


def test_a_split_into_claims_already_known_lists_them_as_its_parts(documents, load_document, cast, client_for):
    """A sentence that held two known claims (the sentence splitter missed the break) splits into them."""
    both = f"{CLAIM_TEXT} {SECOND_CLAIM_TEXT}"
    load_document(f"Wire copy: {both}", "Wire", [both])
    joined = Claim.objects.get(text=both)
    body = {"parts": [CLAIM_TEXT, SECOND_CLAIM_TEXT]}
    response = client_for(cast.editor).post(claim_url(joined, "split"), body, format="json")
    assert response.status_code == 200, response.content
    known = [Claim.objects.get(text=text).pk for text in (CLAIM_TEXT, SECOND_CLAIM_TEXT)]
    assert response.json()["split_parts"] == known
    assert [Claim.objects.get(pk=pk).split_from_id for pk in known] == [None, None]  # they were not made by it
    assert not Claim.objects.filter(split_from=joined).exists()


def test_merge_and_split_take_form_encoded_lists_too(claim, second, cast, client_for):
    response = client_for(cast.editor).post(claim_url(claim, "merge"), {"claims": [second.pk]})  # multipart
    assert response.status_code == 200, response.content
    assert response.json()["merged_claims"] == [second.pk]


# --- Refusals: nothing changes ---------------------------------------------------------------------

# (the claim's status, who acts, the address, the body, the status code, the answer); CLAIM and SECOND
# stand for the claims' ids.
REFUSALS = {
    "dismiss, no role": (
        PENDING, "outsider", "dismiss", {"reason": "opinion"}, 403,
        {"detail": "You need the editor or reviewer role to use the fact-check API.", "code": "permission_denied"},
    ),
    "dismiss another's work": (
        IN_PROGRESS, "editor2", "dismiss", {"reason": "opinion"}, 403,
        {"detail": rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor1", what="dismiss claims"), "code": "forbidden"},
    ),
    "reword another's work": (
        IN_PROGRESS, "reviewer", "wording", {"wording": WORDING}, 403,
        {"detail": rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor1", what="edit a claim's wording"),
         "code": "forbidden"},
    ),
    "merge into another's work": (
        IN_PROGRESS, "editor2", "merge", {"claims": ["SECOND"]}, 403,
        {"detail": rules.MSG_NOT_TRIAGE_ASSIGNEE.format(user="editor1", what="merge claims"), "code": "forbidden"},
    ),
    "dismiss in review": (
        IN_REVIEW, "editor", "dismiss", {"reason": "opinion"}, 409,
        {"detail": rules.MSG_TRIAGE_FROZEN.format(what="dismiss", status="in review"), "code": "invalid_transition"},
    ),
    "split an approved claim": (
        APPROVED, "editor", "split", {"parts": [FIRST_PART, SECOND_PART]}, 409,
        {"detail": rules.MSG_TRIAGE_FROZEN.format(what="split", status="approved"), "code": "invalid_transition"},
    ),
    "restore a pending claim": (
        PENDING, "editor", "restore", {}, 409,
        {"detail": rules.MSG_BAD_TRANSITION.format(what="restore", status="pending"), "code": "invalid_transition"},
    ),
    "reword in review": (
        IN_REVIEW, "editor", "wording", {"wording": WORDING}, 409,
        {"detail": rules.MSG_TRIAGE_FROZEN.format(what="edit the wording of", status="in review"),
         "code": "invalid_transition"},
    ),
    "dismiss, stale version": (
        PENDING, "editor", "dismiss", {"reason": "opinion", "version": 7}, 409,
        {"detail": workflow.MSG_STALE.format(expected=7, current=1), "code": "conflict"},
    ),
    "merge, stale version": (
        PENDING, "editor", "merge", {"claims": ["SECOND"], "version": 3}, 409,
        {"detail": workflow.MSG_STALE.format(expected=3, current=1), "code": "conflict"},
    ),
    "dismiss, unknown reason": (
        PENDING, "editor", "dismiss", {"reason": "boring"}, 400, {"reason": ['"boring" is not a valid choice.']},
    ),
    "dismiss, no reason": (
        PENDING, "editor", "dismiss", {"note": "Dull."}, 400, {"reason": ["This field is required."]},
    ),
    "merge, empty claims": (
        PENDING, "editor", "merge", {"claims": []}, 400, {"claims": ["This list may not be empty."]},
    ),
    "merge, no claims": (PENDING, "editor", "merge", {}, 400, {"claims": ["This field is required."]}),
    "merge, ids not integers": (
        PENDING, "editor", "merge", {"claims": ["SECOND", "twelve", 1.5]}, 400,
        {"claims": ["Item 2: A valid integer is required.", "Item 3: A valid integer is required."]},
    ),
    "merge, ids not a list": (
        PENDING, "editor", "merge", {"claims": "12, 15"}, 400,
        {"claims": ['Expected a list of items but got type "str".']},
    ),
    "merge, id zero": (
        PENDING, "editor", "merge", {"claims": [0]}, 400,
        {"claims": ["Item 1: Ensure this value is greater than or equal to 1."]},
    ),
    "merge into itself": (
        PENDING, "editor", "merge", {"claims": ["CLAIM"]}, 400,
        {"detail": triage.MSG_MERGE_ITSELF, "code": "invalid", "claims": [triage.MSG_MERGE_ITSELF]},
    ),
    "merge an unknown claim": (
        PENDING, "editor", "merge", {"claims": ["SECOND", 987654]}, 404,
        {"detail": "Claim 987654 does not exist.", "code": "not_found"},
    ),
    "merge a closed claim": (
        PENDING, "editor", "merge", {"claims": ["DISMISSED"]}, 409,
        {"detail": "Claim DISMISSED: " + rules.MSG_BAD_TRANSITION.format(what="merge", status="dismissed"),
         "code": "invalid_transition"},
    ),
    "merge, verdicts differ": (
        IN_PROGRESS, "editor", "merge", {"claims": ["DISPUTED"]}, 400,
        {"detail": triage.MSG_MERGE_VERDICTS_DIFFER.format(verdicts="disputed, verified"), "code": "invalid",
         "claims": [triage.MSG_MERGE_VERDICTS_DIFFER.format(verdicts="disputed, verified")]},
    ),
    "split, one part": (
        PENDING, "editor", "split", {"parts": [FIRST_PART]}, 400,
        {"parts": ["Ensure this field has at least 2 elements."]},
    ),
    "split, a blank part": (
        PENDING, "editor", "split", {"parts": [FIRST_PART, " "]}, 400,
        {"parts": ["Item 2: This field may not be blank."]},
    ),
    "split, parts not in the text": (
        PENDING, "editor", "split", {"parts": [FIRST_PART, "every month."]}, 400,
        {"detail": triage.MSG_SPLIT_NOT_FOUND.format(number=2, part="every month.", after=" after part 1"),
         "code": "invalid",
         "parts": [triage.MSG_SPLIT_NOT_FOUND.format(number=2, part="every month.", after=" after part 1")]},
    ),
    "split, parts out of order": (
        PENDING, "editor", "split", {"parts": [SECOND_PART, FIRST_PART]}, 400,
        {"detail": triage.MSG_SPLIT_NOT_FOUND.format(number=2, part=FIRST_PART, after=" after part 1"),
         "code": "invalid",
         "parts": [triage.MSG_SPLIT_NOT_FOUND.format(number=2, part=FIRST_PART, after=" after part 1")]},
    ),
    "split a ruled claim": (
        IN_PROGRESS, "editor", "split", {"parts": [FIRST_PART, SECOND_PART]}, 400,
        {"detail": triage.MSG_SPLIT_RULED.format(id="CLAIM"), "code": "invalid"},
    ),
    "reword, unchanged": (
        PENDING, "editor", "wording", {"wording": CLAIM_TEXT}, 400,
        {"detail": triage.MSG_WORDING_SAME, "code": "invalid", "wording": [triage.MSG_WORDING_SAME]},
    ),
    "reword, too long": (
        PENDING, "editor", "wording", {"wording": "x" * 2001}, 400,
        {"wording": ["Ensure this field has no more than 2000 characters."]},
    ),
}  # fmt: skip


@pytest.fixture
def names(claim, second, survey_claim, cast, advance):
    """The stand-ins of REFUSALS: the claims' ids, a dismissed claim's and a disputed claim's."""
    workflow.claim_dismiss(claim_id=survey_claim.pk, actor=cast.editor, reason="out_of_scope")
    disputed = advance(second, IN_PROGRESS)
    workflow.claim_set_verdict(claim_id=disputed.pk, actor=cast.editor, verdict="disputed", note="Doubtful.")
    return {"CLAIM": claim.pk, "SECOND": second.pk, "DISMISSED": survey_claim.pk, "DISPUTED": disputed.pk}


def _named(value, names):
    if isinstance(value, list):
        return [_named(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _named(item, names) for key, item in value.items()}
    if isinstance(value, str):
        if value in names:
            return names[value]
        for name, pk in names.items():
            value = value.replace(name, str(pk))
    return value


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_triage_is_answered_with_its_reason_and_changes_nothing(
    case, names, claim, advance, cast, client_for, nothing_changes
):
    status, who, path, body, code, expected = REFUSALS[case]
    if case.startswith("merge, verdicts differ"):
        workflow.claim_assign(claim_id=claim.pk, actor=cast.editor)
        workflow.claim_set_verdict(claim_id=claim.pk, actor=cast.editor, verdict="verified", note="Right.")
    else:
        claim = advance(claim, status)
    claim.refresh_from_db()
    others = list(Claim.objects.exclude(pk=claim.pk).order_by("id").values())
    with nothing_changes(claim):
        response = client_for(getattr(cast, who)).post(claim_url(claim, path), _named(body, names), format="json")
    assert refusal(response, code) == _named(expected, names)
    assert list(Claim.objects.exclude(pk=claim.pk).order_by("id").values()) == others


def test_a_stale_if_match_is_412_and_changes_nothing(claim, cast, client_for, nothing_changes):
    workflow.claim_assign(claim_id=claim.pk, actor=cast.editor)
    for path, body in [("dismiss", {"reason": "opinion"}), ("wording", {"wording": WORDING}),
                       ("split", {"parts": [FIRST_PART, SECOND_PART]})]:  # fmt: skip
        with nothing_changes(claim):
            response = client_for(cast.editor).post(
                claim_url(claim, path), body, format="json", HTTP_IF_MATCH=f'"claim-{claim.pk}-v1"'
            )
        assert refusal(response, 412)["code"] == "precondition_failed"


def test_a_triage_action_on_an_unknown_claim_is_404(documents, cast, client_for):
    response = client_for(cast.editor).post("/api/claims/987654/dismiss/", {"reason": "opinion"}, format="json")
    assert refusal(response, 404)["detail"] == "No Claim matches the given query."


# --- What closed claims show ------------------------------------------------------------------------


def test_the_detail_shows_the_check_worthiness_and_its_features(claim, cast, client_for):
    answered = client_for(cast.editor).get(claim_url(claim)).json()
    stored = Claim.objects.get(pk=claim.pk)
    assert answered["checkworthiness"] == stored.checkworthiness
    assert stored.checkworthiness_features  # the loader found features
    assert answered["checkworthiness_features"] == [
        {"feature": name, "weight": weight, "found": found} for name, weight, found in stored.checkworthiness_features
    ]
    assert (answered["merged_claims"], answered["split_parts"], answered["merged_into"], answered["split_from"]) == (
        [], [], None, None,
    )  # fmt: skip


def test_the_published_wording_is_the_wording_approved(claim, advance, cast, client_for):
    workflow.claim_set_wording(claim_id=claim.pk, actor=cast.editor, wording=WORDING)
    claim = advance(claim, APPROVED)
    answered = client_for(cast.editor).get(claim_url(claim)).json()
    assert (answered["wording"], answered["published_wording"]) == (WORDING, WORDING)


# --- The list: closed claims left out, check-worthiness first -----------------------------------------


def listed(client, query=""):
    """Return the ids of every claim the list gives for ``query``, following its pages."""
    found, url = [], f"/api/claims/?page_size=500&{query}"
    while url:
        body = client.get(url).json()
        found += [row["id"] for row in body["results"]]
        url = body["next"]
    return found


@pytest.fixture
def triaged(documents, load_document, cast):
    """One claim in each status closed in triage beside open ones; return the ids by what became of them."""
    texts = [f"The council spent {n} million on roads in {2000 + n}." for n in range(1, 6)]
    load_document(" ".join(texts), "Council report", texts)
    ids = list(Claim.objects.filter(text__in=texts).order_by("id").values_list("id", flat=True))
    workflow.claim_dismiss(claim_id=ids[0], actor=cast.editor, reason="opinion")
    workflow.claims_merge(claim_id=ids[1], actor=cast.editor, claims=[ids[2]])
    parts = workflow.claim_split(claim_id=ids[3], actor=cast.editor, parts=["The council spent 4 million", "on roads"])
    return {
        "dismissed": ids[0], "survivor": ids[1], "merged": ids[2], "split": ids[3], "pending": ids[4],
        "parts": [part.pk for part in parts],
    }  # fmt: skip


def test_the_list_leaves_closed_claims_out_by_default(triaged, cast, client_for):
    reader = client_for(cast.editor)
    closed = {triaged["dismissed"], triaged["merged"], triaged["split"]}
    everyone = set(Claim.objects.values_list("id", flat=True))
    default = listed(reader)
    assert set(default) == everyone - closed
    assert {triaged["survivor"], triaged["pending"], *triaged["parts"]} <= set(default)
    assert listed(reader, "include_closed=false") == default
    assert sorted(listed(reader, "include_closed=true")) == sorted(everyone)


@pytest.mark.parametrize("status", ["dismissed", "merged", "split"])
def test_the_status_filter_shows_the_closed_claims_of_that_status(triaged, cast, client_for, status):
    reader = client_for(cast.editor)
    assert listed(reader, f"status={status}") == [triaged[status]]
    assert listed(reader, f"status={status}&include_closed=true") == [triaged[status]]


def test_filters_apply_to_closed_claims_when_they_are_included(triaged, cast, client_for):
    reader = client_for(cast.editor)
    assert listed(reader, "q=council&ordering=id&include_closed=true") == sorted(
        Claim.objects.filter(text__icontains="council").values_list("id", flat=True)
    )
    assert triaged["merged"] not in listed(reader, "q=council")
    row = next(r for r in reader.get("/api/claims/?status=merged").json()["results"])
    assert (row["merged_into"], row["status"]) == (triaged["survivor"], "merged")
    part = reader.get(f"/api/claims/{triaged['parts'][0]}/").json()
    assert part["split_from"] == triaged["split"]
    assert reader.get(f"/api/claims/{triaged['split']}/").json()["split_parts"] == triaged["parts"]
    assert reader.get(f"/api/claims/{triaged['survivor']}/").json()["merged_claims"] == [triaged["merged"]]


# Scores set directly: how the loader scores claims is not what these tests are about.
SCORES = [0.9, 0.4, 0.7, 0.05, 0.4, 0.9, 0.699, 1.0, 0.0, 0.4]


@pytest.fixture
def scored(many_claims):
    """Ten claims with the scores of SCORES, in id order (ties among them); return their ids."""
    ids = many_claims(len(SCORES), topic="harbour")
    for pk, score in zip(ids, SCORES, strict=True):
        Claim.objects.filter(pk=pk).update(checkworthiness=score)
    return ids


def by_score(ids, *, reverse=False):
    """Return ``ids`` most worth checking first, ties by id (``reverse``: the exact reverse)."""
    order = sorted(ids, key=lambda pk: (-SCORES[ids.index(pk)], pk))
    return order[::-1] if reverse else order


def test_the_list_is_ordered_most_worth_checking_first_ties_by_id(scored, cast, client_for):
    reader = client_for(cast.editor)
    assert listed(reader) == by_score(scored)
    assert listed(reader, "ordering=-checkworthiness") == by_score(scored)
    assert listed(reader, "ordering=checkworthiness") == by_score(scored, reverse=True)
    assert listed(reader, "ordering=-id") == scored[::-1]  # the other orderings still hold
    assert listed(reader, "ordering=checkworthiness,-id") == by_score(scored, reverse=True)


@pytest.mark.parametrize("ordering", ["", "ordering=checkworthiness", "ordering=-checkworthiness,-id"])
def test_cursor_pages_by_check_worthiness_walk_every_claim_once_and_back(
    scored, many_claims, cast, client_for, ordering
):
    many_claims(7, topic="quay")  # seven more claims tied on their loaded score
    reader = client_for(cast.editor)
    expected = listed(reader, ordering)
    pages, url = [], f"/api/claims/?page_size=3&{ordering}"
    while url:
        pages.append(reader.get(url).json())
        url = pages[-1]["next"]
    assert [row["id"] for page in pages for row in page["results"]] == expected
    assert len(expected) == len(set(expected)) == 17
    for number in range(len(pages) - 1, 0, -1):  # back, page by page
        back = reader.get(pages[number]["previous"]).json()
        assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[number - 1]["results"]]


@pytest.mark.parametrize(
    ("query", "scores"),
    [
        ("checkworthiness_band=high", [0.9, 0.7, 0.9, 1.0]),  # 0.7 is high
        ("checkworthiness_band=medium", [0.4, 0.4, 0.699, 0.4]),  # 0.4 is medium, under 0.7
        ("checkworthiness_band=low", [0.05, 0.0]),
        ("checkworthiness_min=0.4&checkworthiness_max=0.7", [0.4, 0.7, 0.4, 0.699, 0.4]),  # both included
        ("checkworthiness_min=0.9", [0.9, 0.9, 1.0]),
        ("checkworthiness_max=0", [0.0]),
        ("checkworthiness_min=1", [1.0]),
        ("checkworthiness_band=medium&checkworthiness_min=0.5", [0.699]),
        ("checkworthiness_min=&checkworthiness_band=", SCORES),  # empty values filter nothing
    ],
)
def test_the_list_filters_by_check_worthiness(scored, cast, client_for, query, scores):
    found = listed(client_for(cast.editor), f"{query}&ordering=id")
    assert [SCORES[scored.index(pk)] for pk in found] == scores


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("checkworthiness_band=huge", "checkworthiness_band",
         "Select a valid choice. huge is not one of the available choices."),
        ("checkworthiness_min=-0.1", "checkworthiness_min", "Ensure this value is greater than or equal to 0."),
        ("checkworthiness_max=1.5", "checkworthiness_max", "Ensure this value is less than or equal to 1."),
        ("checkworthiness_min=high", "checkworthiness_min", "Enter a number."),
        ("checkworthiness_max=NaN", "checkworthiness_max", "Enter a number."),
        ("checkworthiness_min=Infinity", "checkworthiness_min", "Enter a number."),
        ("checkworthiness_min=0.8&checkworthiness_max=0.2", "checkworthiness_min",
         "checkworthiness_min (0.8) is above checkworthiness_max (0.2): nothing could match."),
        ("include_closed=maybe", "include_closed", "Enter true or false."),
    ],
)  # fmt: skip
def test_a_bad_check_worthiness_filter_is_a_400_naming_it(scored, cast, client_for, query, field, message):
    response = client_for(cast.editor).get(f"/api/claims/?{query}")
    assert refusal(response, 400) == {field: [message]}
