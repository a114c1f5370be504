"""The data model: named database constraints, append-only history, protected rows."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from annotations.models import (
    Claim,
    ClaimOccurrence,
    ClaimStatus,
    Correction,
    Evidence,
    ReviewEvent,
    SourceDocument,
)

pytestmark = pytest.mark.django_db

HASH = "a" * 64


@contextmanager
def violates(constraint, *, sqlite_says=None):
    """Assert that the block is refused by the database with ``constraint``.

    PostgreSQL names the constraint in every message; SQLite names check constraints but reports
    a unique one by its columns (``sqlite_says``). The savepoint keeps the test's transaction
    usable.
    """
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        yield
    expected = sqlite_says if connection.vendor == "sqlite" and sqlite_says else constraint
    assert expected in str(raised.value)


def make_claim(**fields):
    return Claim.objects.create(text=fields.pop("text", "A claim."), text_hash=fields.pop("text_hash", HASH), **fields)


def make_document(**fields):
    defaults = {"title": "Doc", "text": "Some text of a document.", "content_hash": HASH}
    return SourceDocument.objects.create(**{**defaults, **fields})


def make_evidence(claim, user, **fields):
    defaults = {"url": "https://example.org/", "stance": "supports"}
    return Evidence.objects.create(claim=claim, added_by=user, **{**defaults, **fields})


def make_event(claim, **fields):
    defaults = {"action": "commented", "status_after": ClaimStatus.PENDING, "claim_version": 1}
    return ReviewEvent.objects.create(claim=claim, **{**defaults, **fields})


# --- Every constraint is named --------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, names",
    [
        (SourceDocument, {"document_content_hash_unique", "document_origin_valid", "document_version_positive"}),
        (
            Claim,
            {
                "claim_text_hash_unique",
                "claim_status_valid",
                "claim_verdict_valid",
                "claim_reviewed_has_verdict",
                "claim_version_positive",
                "claim_published_verdict_valid",
                "claim_approval_complete",
                "claim_dismissal_reason_valid",
                "claim_dismissed_has_reason",
                "claim_merged_has_survivor",
                "claim_not_merged_into_itself",
                "claim_checkworthiness_range",
            },
        ),
        (
            ClaimOccurrence,
            {"occurrence_document_position_unique", "occurrence_span_valid", "occurrence_removed_after_its_version"},
        ),
        (
            Evidence,
            {
                "evidence_has_source",
                "evidence_url_http",
                "evidence_passage_valid",
                "evidence_stance_valid",
            },
        ),
        (ReviewEvent, {"event_action_valid", "event_status_after_valid"}),
        (Correction, {"correction_has_note", "correction_verdicts_valid"}),
    ],
)
def test_the_database_rules_are_named_constraints(model, names):
    assert {constraint.name for constraint in model._meta.constraints} == names
    assert not model._meta.unique_together


# --- Claim ----------------------------------------------------------------------------------------


def test_a_new_claim_is_pending_without_a_verdict_at_version_one():
    claim = make_claim()
    claim.refresh_from_db()
    assert (
        claim.status,
        claim.verdict,
        claim.note,
        claim.version,
        claim.assignee,
        claim.submitted_by,
    ) == ("pending", "", "", 1, None, None)


def test_a_claim_with_an_unknown_status_is_refused():
    with violates("claim_status_valid"):
        make_claim(status="bogus")
    with violates("claim_status_valid"):
        Claim.objects.bulk_create([Claim(text="x", text_hash=HASH, status="bogus")])
    assert not Claim.objects.exists()


def test_a_claim_with_an_unknown_verdict_is_refused():
    with violates("claim_verdict_valid"):
        make_claim(verdict="maybe")
    with violates("claim_verdict_valid"):
        Claim.objects.bulk_create([Claim(text="x", text_hash=HASH, verdict="maybe")])
    assert not Claim.objects.exists()


@pytest.mark.parametrize("status", ["in_review", "approved"])
def test_a_claim_under_review_or_approved_without_a_verdict_is_refused(status):
    with violates("claim_reviewed_has_verdict"):
        make_claim(status=status)
    claim = make_claim(status="in_progress")
    with violates("claim_reviewed_has_verdict"):
        Claim.objects.filter(pk=claim.pk).update(status=status)
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("in_progress", "")


@pytest.mark.parametrize("status", ["in_review", "approved"])
def test_a_claim_under_review_or_approved_with_a_verdict_is_accepted(status):
    claim = make_claim(status=status, verdict="verified")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == (status, "verified")


def test_two_claims_with_the_same_text_hash_are_refused():
    make_claim(text="One.")
    with violates("claim_text_hash_unique", sqlite_says="annotations_claim.text_hash"):
        make_claim(text="One, again.")
    assert list(Claim.objects.values_list("text", flat=True)) == ["One."]


def test_a_claim_at_version_zero_is_refused():
    with violates("claim_version_positive"):
        make_claim(version=0)


def test_a_claim_approved_without_a_reviewer_or_publication_date_is_refused():
    with violates("claim_approval_complete"):
        make_claim(approved_at=timezone.now())


def test_a_claim_is_shown_by_its_text_cut_to_eighty_characters():
    assert str(Claim(text="Short.")) == "Short."
    assert str(Claim(text="x" * 80)) == "x" * 80
    assert str(Claim(text="y" * 81)) == "y" * 79 + "…"


def test_a_claim_is_checked_and_shown_in_its_wording_when_it_has_one():
    claim = Claim(text="He said it rose.", wording="The mayor said river pollution rose in 2024.")
    assert claim.checked_text == str(claim) == "The mayor said river pollution rose in 2024."
    assert Claim(text="He said it rose.").checked_text == "He said it rose."
    assert str(Claim(text="Short.", wording="w" * 81)) == "w" * 79 + "…"


# --- Triage ---------------------------------------------------------------------------------------


def test_a_dismissed_claim_without_a_reason_is_refused():
    with violates("claim_dismissed_has_reason"):
        make_claim(status="dismissed")
    claim = make_claim(status="dismissed", dismissal_reason="opinion")
    with violates("claim_dismissed_has_reason"):
        Claim.objects.filter(pk=claim.pk).update(dismissal_reason="")
    assert Claim.objects.get(pk=claim.pk).dismissal_reason == "opinion"


def test_an_unknown_dismissal_reason_is_refused():
    with violates("claim_dismissal_reason_valid"):
        make_claim(status="dismissed", dismissal_reason="boring")
    assert not Claim.objects.exists()


def test_a_merged_claim_needs_the_claim_it_was_merged_into_and_only_a_merged_one_has_one():
    survivor = make_claim(text="Survivor.", text_hash="b" * 64)
    with violates("claim_merged_has_survivor"):
        make_claim(status="merged")
    with violates("claim_merged_has_survivor"):
        make_claim(status="pending", merged_into=survivor)
    merged = make_claim(status="merged", merged_into=survivor)
    assert list(survivor.merged_claims.all()) == [merged]


def test_a_claim_cannot_be_merged_into_itself():
    claim = make_claim()
    with violates("claim_not_merged_into_itself"):
        Claim.objects.filter(pk=claim.pk).update(status="merged", merged_into=claim.pk)
    assert Claim.objects.get(pk=claim.pk).merged_into_id is None


def test_a_claim_merged_into_cannot_be_deleted():
    survivor = make_claim(text="Survivor.", text_hash="b" * 64)
    make_claim(status="merged", merged_into=survivor)
    with pytest.raises(ProtectedError):
        survivor.delete()


@pytest.mark.parametrize("score", [-0.01, 1.01])
def test_a_checkworthiness_outside_0_to_1_is_refused(score):
    with violates("claim_checkworthiness_range"):
        make_claim(checkworthiness=score)
    make_claim(checkworthiness=1.0)
    make_claim(text="Other.", text_hash="b" * 64, checkworthiness=0.0)


# --- Document and occurrence ----------------------------------------------------------------------


def test_two_documents_with_the_same_content_hash_are_refused():
    make_document(title="First")
    with violates("document_content_hash_unique", sqlite_says="annotations_sourcedocument.content_hash"):
        make_document(title="Second")
    assert list(SourceDocument.objects.values_list("title", flat=True)) == ["First"]


@pytest.mark.parametrize("start, end", [(10, 10), (10, 3)])
def test_an_occurrence_must_end_after_it_starts(start, end):
    claim, document = make_claim(), make_document()
    with violates("occurrence_span_valid"):
        ClaimOccurrence.objects.create(claim=claim, document=document, start=start, end=end, position=0)
    assert not ClaimOccurrence.objects.exists()


def test_a_claim_cannot_occur_twice_at_the_same_position_of_a_document():
    claim, document = make_claim(), make_document()
    ClaimOccurrence.objects.create(claim=claim, document=document, start=0, end=4, position=0)
    with violates(
        "occurrence_document_position_unique",
        sqlite_says=(
            "annotations_claimoccurrence.document_id, annotations_claimoccurrence.version, "
            "annotations_claimoccurrence.position"
        ),
    ):
        ClaimOccurrence.objects.create(claim=claim, document=document, start=5, end=9, position=0)
    assert ClaimOccurrence.objects.count() == 1


def test_the_parts_of_a_split_sentence_share_its_position():
    claim, document = make_claim(), make_document()
    part = make_claim(text="A part.", text_hash="b" * 64)
    ClaimOccurrence.objects.create(claim=claim, document=document, start=0, end=9, position=0)
    ClaimOccurrence.objects.create(claim=part, document=document, start=0, end=4, position=0)
    assert ClaimOccurrence.objects.filter(document=document, position=0).count() == 2


def test_documents_and_occurrences_are_shown_readably():
    document = make_document(title="River report")
    occurrence = ClaimOccurrence(claim=make_claim(), document=document, start=3, end=9, position=0)
    assert str(document) == "River report"
    assert str(occurrence) == f"{document.pk}[3:9]"


# --- Evidence -------------------------------------------------------------------------------------


@pytest.fixture
def claim():
    return make_claim()


@pytest.fixture
def document():
    return make_document()


def test_evidence_needs_a_url_or_a_document(claim, editor):
    with violates("evidence_has_source"):
        make_evidence(claim, editor, url="")
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("url", ["ftp://x", "javascript:alert(1)", "www.example.org", "/relative"])
def test_evidence_url_must_be_http_or_https(claim, editor, url):
    with violates("evidence_url_http"):
        make_evidence(claim, editor, url=url)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("url", ["http://example.org/", "https://example.org/a"])
def test_evidence_with_an_http_or_https_url_is_accepted(claim, editor, url):
    assert make_evidence(claim, editor, url=url).pk


@pytest.mark.parametrize(
    "with_document, start, end",
    [
        (False, 0, 5),
        (False, 0, None),
        (False, None, 5),
        (True, None, 5),
        (True, None, None),
        (True, 0, None),
        (True, 5, 5),
        (True, 5, 2),
    ],
    ids=[
        "range-without-document",
        "start-only",
        "end-only",
        "no-start",
        "no-range",
        "no-end",
        "empty",
        "backward",
    ],
)
def test_a_passage_needs_a_document_and_a_forward_range(claim, document, editor, with_document, start, end):
    with violates("evidence_passage_valid"):
        make_evidence(claim, editor, document=document if with_document else None, start=start, end=end)
    assert not Evidence.objects.exists()


def test_a_passage_with_a_document_and_a_forward_range_is_accepted(claim, document, editor):
    evidence = make_evidence(claim, editor, url="", document=document, start=0, end=4)
    assert str(evidence) == f"Passage of document {document.pk}"


def test_evidence_with_an_unknown_stance_is_refused(claim, editor):
    with violates("evidence_stance_valid"):
        make_evidence(claim, editor, stance="agrees")


def test_evidence_is_shown_by_its_title_or_its_url(claim, editor):
    assert str(Evidence(claim=claim, url="https://example.org/", title="Survey")) == "Survey"
    assert str(Evidence(claim=claim, url="https://example.org/")) == "https://example.org/"


# --- History --------------------------------------------------------------------------------------


@pytest.fixture
def event(claim, editor):
    return make_event(claim, actor=editor, comment="Original.")


def _row(event):
    return ReviewEvent.objects.filter(pk=event.pk).values().get()


def test_an_event_with_an_unknown_action_is_refused(claim):
    with violates("event_action_valid"):
        make_event(claim, action="deleted")


def test_an_event_with_an_unknown_status_after_is_refused(claim):
    with violates("event_status_after_valid"):
        make_event(claim, status_after="bogus")


def test_saving_an_existing_event_again_is_refused(event):
    before = _row(event)
    event.comment = "Rewritten."
    with pytest.raises(PermissionError, match="append-only: events cannot be updated"):
        event.save()
    with pytest.raises(PermissionError, match="append-only: events cannot be updated"):
        event.save(update_fields=["comment"])
    assert _row(event) == before


def test_a_new_event_reusing_an_existing_id_does_not_overwrite_it(event, claim, reviewer):
    before = _row(event)
    forged = ReviewEvent(
        pk=event.pk,
        claim=claim,
        actor=reviewer,
        action="approved",
        status_after="approved",
        claim_version=1,
    )
    with pytest.raises((PermissionError, IntegrityError)), transaction.atomic():
        forged.save()
    assert _row(event) == before


def test_deleting_an_event_is_refused(event):
    before = _row(event)
    with pytest.raises(PermissionError, match="append-only: events cannot be deleted"):
        event.delete()
    assert _row(event) == before


def test_updating_events_through_a_queryset_is_refused(event, claim):
    before = _row(event)
    with pytest.raises(PermissionError, match="append-only: events cannot be updated"):
        ReviewEvent.objects.filter(pk=event.pk).update(comment="Rewritten.")
    with pytest.raises(PermissionError, match="append-only: events cannot be updated"):
        claim.events.all().update(comment="Rewritten.")
    event.comment = "Rewritten."
    # bulk_update runs its updates inside a transaction of its own.
    with pytest.raises(PermissionError, match="append-only: events cannot be updated"), transaction.atomic():
        ReviewEvent.objects.bulk_update([event], ["comment"])
    assert _row(event) == before


def test_deleting_events_through_a_queryset_is_refused(event, claim):
    before = _row(event)
    with pytest.raises(PermissionError, match="append-only: events cannot be deleted"):
        ReviewEvent.objects.all().delete()
    with pytest.raises(PermissionError, match="append-only: events cannot be deleted"):
        claim.events.all().delete()
    assert _row(event) == before


def test_an_upsert_cannot_overwrite_an_event(event, claim):
    before = _row(event)
    forged = ReviewEvent(
        pk=event.pk,
        claim=claim,
        action="commented",
        status_after="pending",
        comment="Rewritten.",
        claim_version=1,
    )
    with pytest.raises((PermissionError, IntegrityError)), transaction.atomic():
        ReviewEvent.objects.bulk_create(
            [forged], update_conflicts=True, unique_fields=["id"], update_fields=["comment"]
        )
    assert _row(event) == before


def test_a_claim_with_history_cannot_be_deleted(event, claim):
    with pytest.raises(ProtectedError), transaction.atomic():
        claim.delete()
    assert _row(event)["claim_id"] == claim.pk


def test_a_user_who_acted_cannot_be_deleted(event, editor):
    with pytest.raises(ProtectedError), transaction.atomic():
        editor.delete()
    assert _row(event)["actor_id"] == editor.pk


def test_a_document_with_occurrences_cannot_be_deleted(claim, document):
    ClaimOccurrence.objects.create(claim=claim, document=document, start=0, end=4, position=0)
    with pytest.raises(ProtectedError), transaction.atomic():
        document.delete()
    assert SourceDocument.objects.filter(pk=document.pk).exists()


def test_an_event_is_shown_with_its_action_actor_and_time(claim, editor):
    at = timezone.make_aware(timezone.datetime(2024, 5, 1, 9, 30))
    assert str(ReviewEvent(claim=claim, actor=editor, action="approved", created_at=at)) == (
        "Approved by editor1 at 2024-05-01 09:30"
    )
    assert str(ReviewEvent(claim=claim, action="created", created_at=at)) == "Created by loader at 2024-05-01 09:30"


def test_the_base_manager_cannot_rewrite_history(event):
    with pytest.raises(PermissionError):
        ReviewEvent._base_manager.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(PermissionError):
        ReviewEvent._base_manager.filter(pk=event.pk).delete()
    assert ReviewEvent.objects.get(pk=event.pk).comment == "Original."


# --- Corrections ----------------------------------------------------------------------------------


def make_correction(claim, user, **fields):
    event = make_event(claim, actor=user, action="approved", status_after=ClaimStatus.APPROVED)
    defaults = {
        "old_verdict": "verified", "new_verdict": "disputed", "old_note": "Matches the survey.",
        "new_note": "The survey says 120.", "note": "The survey measured 120 tonnes.",
    }  # fmt: skip
    return Correction.objects.create(claim=claim, event=event, approved_by=user, **{**defaults, **fields})


@pytest.fixture
def correction(claim, reviewer):
    return make_correction(claim, reviewer)


def _correction_row(correction):
    return Correction.objects.filter(pk=correction.pk).values().get()


def test_a_correction_without_a_note_is_refused(claim, reviewer):
    with violates("correction_has_note"):
        make_correction(claim, reviewer, note="")
    assert not Correction.objects.exists()


@pytest.mark.parametrize("field", ["old_verdict", "new_verdict"])
@pytest.mark.parametrize("value", ["", "maybe"])
def test_a_correction_with_an_unknown_verdict_is_refused(claim, reviewer, field, value):
    with violates("correction_verdicts_valid"):
        make_correction(claim, reviewer, **{field: value})
    assert not Correction.objects.exists()


def test_saving_an_existing_correction_again_is_refused(correction):
    before = _correction_row(correction)
    correction.note = "Rewritten."
    with pytest.raises(PermissionError, match="Corrections are published: they cannot be changed"):
        correction.save()
    with pytest.raises(PermissionError, match="Corrections are published: they cannot be changed"):
        correction.save(update_fields=["note"])
    assert _correction_row(correction) == before


def test_a_new_correction_reusing_an_existing_id_does_not_overwrite_it(correction, claim, reviewer):
    before = _correction_row(correction)
    forged = Correction(
        pk=correction.pk,
        claim=claim,
        event=make_event(claim, actor=reviewer, action="approved", status_after=ClaimStatus.APPROVED),
        old_verdict="verified",
        new_verdict="unverified",
        note="Rewritten.",
        approved_by=reviewer,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert _correction_row(correction) == before


def test_deleting_a_correction_is_refused(correction):
    before = _correction_row(correction)
    with pytest.raises(PermissionError, match="Corrections are published: they cannot be deleted"):
        correction.delete()
    assert _correction_row(correction) == before


def test_corrections_cannot_be_updated_or_deleted_in_bulk(correction):
    with pytest.raises(PermissionError):
        Correction.objects.filter(pk=correction.pk).update(note="Quietly rewritten.")
    with pytest.raises(PermissionError):
        Correction.objects.all().delete()
    with pytest.raises(PermissionError):
        correction.claim.corrections.update(note="Quietly rewritten.")
    assert Correction.objects.get(pk=correction.pk).note == correction.note


def test_a_correction_keeps_the_old_and_new_wording(claim, reviewer):
    correction = make_correction(claim, reviewer, old_wording="", new_wording="The river carries 120 tonnes.")
    assert Correction.objects.values_list("old_wording", "new_wording").get(pk=correction.pk) == (
        "",
        "The river carries 120 tonnes.",
    )


def test_a_correction_is_shown_by_its_claim_and_date(claim, reviewer):
    at = timezone.make_aware(timezone.datetime(2024, 5, 1, 9, 30))
    assert str(Correction(claim=claim, created_at=at)) == f"Correction of claim {claim.pk} on 2024-05-01"
