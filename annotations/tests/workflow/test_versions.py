"""Versions: an article that changed after it was loaded becomes the next version of its document.

Most tests fetch a page twice from a local server (``tests/local_site.py``), its text changed in
between, through an import as a user or a feed would; a few call ``document_new_version`` directly.
"""

import pytest
from django.utils import timezone

from annotations import corroboration, history, workflow
from annotations.models import (
    Action,
    Claim,
    ClaimOccurrence,
    DocumentAction,
    DocumentEvent,
    DocumentVersion,
    ImportItemStatus,
    ImportStatus,
    ReviewEvent,
    SourceDocument,
    Suggestion,
)
from annotations.tests.conftest import document_input
from annotations.tests.local_site import serving
from annotations.workflow import versions
from annotations.workflow.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db

CLOSING = "The council said the Old Mill bridge will close for six weeks from June 2."
CRACKS = "Engineers found cracks in two of its four piers during an inspection in March."
COST = "Repairs to the Old Mill bridge will cost 1.2 million euros, the council said."
DELAYED = "The closure was moved to June 9 after complaints from shop owners on both banks."
FERRY = "The ferry company said it would cut winter crossings to the island from six a day to four."
FIRST = [CLOSING, CRACKS, COST]
SECOND = [DELAYED, CLOSING, COST, FERRY]  # one sentence new, one known from another article, one gone


@pytest.fixture
def site():
    with serving() as site:
        yield site


@pytest.fixture(autouse=True)
def allow_private(settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    settings.FACTCHECK_FETCH_TIMEOUT = 5


@pytest.fixture
def fetch_page(site, editor, run_jobs):
    """Return a function serving an article at ``path`` and importing it; it gives the import's item."""

    def fetch(path, paragraphs, *, title="Bridge to close for repairs", author="Jane Doe", actor=None):
        address = site.article(path, title, paragraphs, author=author, publisher="The Courier")
        batch = workflow.import_addresses(actor=actor or editor, urls=[address])
        run_jobs()
        batch.refresh_from_db()
        return batch.items.get()

    return fetch


@pytest.fixture
def bridge(fetch_page, load_document):
    """The bridge article, loaded as version 1; the ferry sentence is known from another article already."""
    load_document(f"Islanders protest. {FERRY}", "Ferry", [FERRY])
    item = fetch_page("/bridge", FIRST)
    assert item.status == ImportItemStatus.LOADED
    return item.document


def occurrence_of(document, text):
    return ClaimOccurrence.objects.get(document=document, claim__text=text)


def source_changed(claim):
    return list(claim.events.filter(action=Action.SOURCE_CHANGED).values_list("details", flat=True))


# --- Version 2 --------------------------------------------------------------------------------------


def test_a_changed_page_is_stored_as_version_2_of_the_same_document(bridge, fetch_page, editor2):
    first_text = bridge.text

    item = fetch_page("/bridge", SECOND, title="Bridge closure delayed", author="John Roe", actor=editor2)

    assert (item.status, item.document, item.version, item.error) == (ImportItemStatus.LOADED, bridge, 2, "")
    batch = item.batch
    assert (batch.status, batch.documents_added, batch.documents_updated) == (ImportStatus.DONE, 0, 1)
    assert (batch.claims_added, batch.claims_existing) == (1, 3)  # the delay is new; the ferry was known
    assert SourceDocument.objects.count() == 2
    bridge.refresh_from_db()
    assert (bridge.version, bridge.revision) == (2, 2)
    assert (bridge.title, bridge.author, bridge.publisher) == ("Bridge closure delayed", "John Roe", "The Courier")
    assert bridge.updated_at > bridge.loaded_at
    assert list(bridge.versions.values_list("number", "text", "content_hash")) == [
        (1, first_text, DocumentVersion.objects.get(document=bridge, number=1).content_hash),
        (2, bridge.text, bridge.content_hash),
    ]
    assert all(sentence in bridge.text for sentence in SECOND)
    assert DocumentVersion.objects.get(document=bridge, number=2).url == bridge.url


def test_a_sentence_in_both_versions_keeps_its_claim_and_its_occurrence_moved(bridge, fetch_page):
    before = occurrence_of(bridge, CLOSING)

    fetch_page("/bridge", SECOND)

    after = occurrence_of(bridge, CLOSING)
    bridge.refresh_from_db()
    assert (after.pk, after.claim_id) == (before.pk, before.claim_id)
    assert (after.version, after.removed_in, after.position) == (2, None, 1)
    assert after.start > before.start
    assert bridge.text[after.start : after.end] == CLOSING


def test_a_sentence_gone_keeps_its_occurrence_marked_removed_and_its_claim(bridge, fetch_page):
    before = occurrence_of(bridge, CRACKS)

    fetch_page("/bridge", SECOND)

    after = occurrence_of(bridge, CRACKS)
    assert (after.pk, after.claim_id, after.start, after.end, after.position) == (
        before.pk, before.claim_id, before.start, before.end, before.position,
    )  # fmt: skip
    assert (after.version, after.removed_in) == (1, 2)
    first = DocumentVersion.objects.get(document=bridge, number=1)
    assert first.text[after.start : after.end] == CRACKS  # its span still indexes the version it was in
    assert Claim.objects.filter(pk=before.claim_id).exists()
    assert not after.current


def test_new_sentences_become_new_claims_or_occurrences_of_known_ones(bridge, fetch_page):
    ferry = Claim.objects.get(text=FERRY)

    fetch_page("/bridge", SECOND)

    delayed = Claim.objects.get(text=DELAYED)
    created = delayed.events.get()
    assert (created.action, created.details["version"], created.details["document_id"]) == (
        Action.CREATED, 2, bridge.pk,
    )  # fmt: skip
    occurrence = occurrence_of(bridge, DELAYED)
    assert (occurrence.version, occurrence.position, occurrence.removed_in) == (2, 0, None)
    assert list(ferry.occurrences.order_by("id").values_list("document__title", "version")) == [
        ("Ferry", 1), ("Bridge to close for repairs", 2),
    ]  # fmt: skip
    assert list(ferry.events.values_list("action", flat=True)) == [Action.CREATED]
    current = ClaimOccurrence.objects.filter(document=bridge, removed_in=None).order_by("position")
    assert [o.claim.text for o in current] == SECOND
    assert [o.position for o in current] == [0, 1, 2, 3]


def test_the_document_history_says_what_the_new_version_changed(bridge, fetch_page, editor2):
    cracks, delayed_before = Claim.objects.get(text=CRACKS), Claim.objects.filter(text=DELAYED).exists()
    assert not delayed_before

    fetch_page("/bridge", SECOND, title="Bridge closure delayed", author="John Roe", actor=editor2)

    event = DocumentEvent.objects.filter(document=bridge).latest("id")
    added = sorted(Claim.objects.filter(text__in=[DELAYED, FERRY]).values_list("pk", flat=True))
    assert (event.action, event.actor, event.version) == (DocumentAction.VERSIONED, editor2, 2)
    assert event.details == {
        "claims_added": added,
        "claims_removed": [cracks.pk],
        "metadata": {
            "title": ["Bridge to close for repairs", "Bridge closure delayed"],
            "author": ["Jane Doe", "John Roe"],
        },
    }
    assert list(bridge.events.values_list("action", "version")) == [
        (DocumentAction.LOADED, 1), (DocumentAction.VERSIONED, 2),
    ]  # fmt: skip


# --- The claims' histories --------------------------------------------------------------------------


def test_claims_that_lost_their_sentence_are_told_in_their_history(bridge, fetch_page, editor2):
    cracks = Claim.objects.get(text=CRACKS)
    version = cracks.version

    fetch_page("/bridge", SECOND, actor=editor2)

    cracks.refresh_from_db()
    event = cracks.events.latest("id")
    assert (event.action, event.actor, event.status_before, event.status_after) == (
        Action.SOURCE_CHANGED, editor2, "pending", "pending",
    )  # fmt: skip
    assert event.details == {
        "document_id": bridge.pk, "document": "Bridge to close for repairs", "version": 2, "sentence": "removed",
    }  # fmt: skip
    assert (cracks.version, event.claim_version, cracks.source_changed_at) == (version, version, None)
    # A sentence still there, with no verdict to doubt, is not told.
    assert source_changed(Claim.objects.get(text=CLOSING)) == []
    assert list(history.verify()) == []


def test_claims_with_a_verdict_are_flagged_until_ruled_again(bridge, fetch_page, editor, advance):
    cost = advance(Claim.objects.get(text=COST), "in_progress")  # ruled verified, evidence added
    approved = advance(Claim.objects.get(text=CLOSING), "approved")
    cracks = advance(Claim.objects.get(text=CRACKS), "in_review")
    versions_before = {claim.pk: claim.version for claim in (cost, approved, cracks)}
    started = timezone.now()

    fetch_page("/bridge", SECOND)

    for claim in (cost, approved, cracks):
        claim.refresh_from_db()
        assert claim.source_changed_at is not None and claim.source_changed_at >= started
        assert claim.version == versions_before[claim.pk]
    assert (approved.status, cracks.status) == ("approved", "in_review")
    assert [d["sentence"] for d in source_changed(cost)] == ["kept"]
    assert [d["sentence"] for d in source_changed(approved)] == ["kept"]
    assert [d["sentence"] for d in source_changed(cracks)] == ["removed"]
    event = cost.events.latest("id")
    assert (event.verdict_before, event.verdict_after) == ("verified", "verified")
    assert list(history.verify()) == []

    workflow.claim_set_verdict(claim_id=cost.pk, actor=editor, verdict="disputed", note="The council revised it.")

    cost.refresh_from_db()
    assert cost.source_changed_at is None
    assert list(history.verify()) == []


# --- Nothing new, or refused ------------------------------------------------------------------------


def test_the_same_text_again_stores_nothing(bridge, fetch_page):
    rows = {
        model: list(model.objects.values_list("pk", flat=True))
        for model in (DocumentVersion, DocumentEvent, ClaimOccurrence, ReviewEvent, Claim)
    }

    item = fetch_page("/bridge", FIRST, author="Somebody Else")

    assert (item.status, item.document, item.version) == (ImportItemStatus.UNCHANGED, bridge, 1)
    assert item.note == f"already loaded, unchanged (document {bridge.pk})"
    assert {model: list(model.objects.values_list("pk", flat=True)) for model in rows} == rows
    fresh = SourceDocument.objects.get(pk=bridge.pk)
    assert (fresh.version, fresh.revision, fresh.author, fresh.updated_at) == (1, 1, "Jane Doe", bridge.updated_at)


def test_a_new_text_equal_to_another_documents_is_refused_and_changes_nothing(
    bridge, fetch_page, site, run_jobs, editor
):
    other = fetch_page("/other", SECOND, title="Another bridge").document
    before = (
        SourceDocument.objects.values().get(pk=bridge.pk),
        DocumentEvent.objects.count(),
        ReviewEvent.objects.count(),
    )
    site.routes["/bridge"] = site.routes["/other"]  # the bridge page now shows the other article, word for word

    batch = workflow.import_addresses(actor=editor, urls=[site.url("/bridge")])
    run_jobs()

    item = batch.items.get()
    message = versions.MSG_SAME_TEXT_ELSEWHERE.format(other=other.pk)
    assert (item.status, item.error, item.document) == (ImportItemStatus.FAILED, message, None)
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportStatus.FAILED, f"Nothing could be loaded: {item.name}: {message}")
    after = (
        SourceDocument.objects.values().get(pk=bridge.pk),
        DocumentEvent.objects.count(),
        ReviewEvent.objects.count(),
    )
    assert after == before
    assert bridge.versions.count() == 1


def test_document_new_version_refuses_another_documents_text_and_unknown_documents(documents):
    report, survey = documents.report, documents.survey
    copy = document_input(survey.text, "Copy", documents.survey_claims)
    with pytest.raises(InvalidInput) as refused:
        workflow.document_new_version(document_id=report.pk, new=copy)
    assert str(refused.value) == versions.MSG_SAME_TEXT_ELSEWHERE.format(other=survey.pk)
    assert (SourceDocument.objects.get(pk=report.pk).version, DocumentVersion.objects.count()) == (1, 2)
    with pytest.raises(NotFound, match=r"^Document 999999 does not exist\.$"):
        workflow.document_new_version(document_id=999999, new=copy)


def test_document_new_version_of_the_same_text_is_no_change(documents):
    same = document_input(documents.report.text, "Other title", documents.report_claims)
    result = workflow.document_new_version(document_id=documents.report.pk, new=same)
    assert (result.changed, result.version, result.claims_new) == (False, 1, 0)
    assert DocumentEvent.objects.filter(action=DocumentAction.VERSIONED).count() == 0


def test_a_page_cannot_become_a_version_of_another_sites_article_by_naming_it_canonical(site, editor, run_jobs):
    courier = "https://courier.example/news/bridge"
    site.article("/bridge", "Bridge to close", FIRST, canonical=courier)
    site.article("/elsewhere", "Bridge to close", [DELAYED, CRACKS], canonical=courier)  # another site's page
    workflow.import_addresses(actor=editor, urls=[site.url("/bridge")])
    run_jobs()
    bridge = SourceDocument.objects.get()

    workflow.import_addresses(actor=editor, urls=[site.url("/elsewhere")])
    run_jobs()

    bridge.refresh_from_db()
    assert (bridge.version, bridge.versions.count()) == (1, 1)


# --- Several versions -------------------------------------------------------------------------------


def test_a_sentence_gone_and_back_gets_a_new_occurrence_and_the_old_one_stays(bridge, fetch_page):
    gone = occurrence_of(bridge, CRACKS)
    fetch_page("/bridge", SECOND)

    item = fetch_page("/bridge", FIRST)  # version 3: the first text again

    assert (item.status, item.version) == (ImportItemStatus.LOADED, 3)
    cracks = ClaimOccurrence.objects.filter(document=bridge, claim__text=CRACKS).order_by("id")
    assert [(o.pk == gone.pk, o.version, o.removed_in) for o in cracks] == [(True, 1, 2), (False, 3, None)]
    delayed = occurrence_of(bridge, DELAYED)
    assert (delayed.version, delayed.removed_in) == (2, 3)
    assert list(bridge.versions.values_list("number", flat=True)) == [1, 2, 3]
    bridge.refresh_from_db()
    current = ClaimOccurrence.objects.filter(document=bridge, removed_in=None).order_by("position")
    assert [bridge.text[o.start : o.end] for o in current] == FIRST
    assert list(history.verify()) == []


# --- Suggestions ------------------------------------------------------------------------------------

SURVEY_COST = "An engineers' survey put the cost of repairing the Old Mill bridge at 1.2 million euros."


def test_suggestions_pointing_into_the_old_text_are_found_again_in_the_new_one(bridge, fetch_page, load_document):
    load_document(SURVEY_COST, "Survey", [SURVEY_COST])
    corroboration.suggestions_rebuild()
    survey_claim = Claim.objects.get(text=SURVEY_COST)
    [old] = Suggestion.objects.filter(claim=survey_claim, document=bridge)
    assert bridge.text[old.start : old.end] == COST

    fetch_page("/bridge", SECOND)  # the cost sentence moves: the passage is found again where it now is

    bridge.refresh_from_db()
    [new] = Suggestion.objects.filter(claim=survey_claim, document=bridge)
    assert bridge.text[new.start : new.end] == COST
    assert (new.pk != old.pk, new.start != old.start) == (True, True)
    for suggestion in Suggestion.objects.filter(document=bridge):  # none indexes the old text
        assert bridge.text[suggestion.start : suggestion.end] in SECOND
