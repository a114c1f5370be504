"""Streaming: every export is a lazy generator of chunks whose queries grow with batches, not claims."""

import inspect

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import workflow
from annotations.exports import FORMATS, ExportFilters, csv_format, export, records
from annotations.models import Claim, ClaimOccurrence
from annotations.tests.conftest import document_input

pytestmark = pytest.mark.django_db

CASES = [
    ("csv", False), ("json", False), ("json", True), ("jsonl", False), ("jsonl", True), ("claimreview", False),
    ("html", False),
]  # fmt: skip
CASE_IDS = [name + ("+history" if history else "") for name, history in CASES]
COPY = connection.vendor == "postgresql"  # the CSV then comes from one COPY, whatever the batches


@pytest.fixture
def approved_document(editor, reviewer):
    """Return a function loading a document of ``count`` claims, each approved through the workflow."""

    def make(count, topic):
        sentences = [f"The {topic} report {i} counts {i * 7 + 3} boats on the river." for i in range(count)]
        document = workflow.document_load(document=document_input(" ".join(sentences), topic, sentences)).document
        for index, claim in enumerate(Claim.objects.filter(occurrences__document=document)):
            verdict = ["verified", "disputed", "unverified"][index % 3]
            workflow.claim_assign(claim_id=claim.pk, actor=editor)
            workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict=verdict, note=f"Checked {index}.")
            if verdict != "unverified":
                workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="supports", url="https://example.org/")
            workflow.claim_submit(claim_id=claim.pk, actor=editor)
            workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
        return ExportFilters(document=(document.pk,))

    return make


def queries_of(name, filters, *, history=False) -> int:
    with CaptureQueriesContext(connection) as context:
        for _chunk in export(name, filters, history=history):
            pass
    return len(context.captured_queries)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_an_export_is_a_generator_that_queries_nothing_until_read(db, name, django_assert_num_queries):
    with django_assert_num_queries(0):
        chunks = export(name, ExportFilters())
    assert inspect.isgenerator(chunks)
    assert all(isinstance(chunk, bytes) for chunk in chunks)


@pytest.mark.parametrize("name, history", CASES, ids=CASE_IDS)
def test_the_queries_are_the_same_for_5_claims_as_for_60(approved_document, name, history):
    few, many = approved_document(5, "ferry"), approved_document(60, "barge")
    assert few.claims().count() == 5 and many.claims().count() == 60
    counted = queries_of(name, few, history=history)
    assert queries_of(name, many, history=history) == counted
    assert counted <= 10


@pytest.mark.parametrize("name, history", CASES, ids=CASE_IDS)
def test_the_queries_are_the_same_for_one_document_as_for_two_with_several_versions(
    approved_document, editor, name, history
):
    one = approved_document(12, "barge")
    before = queries_of(name, one, history=history)
    two = ExportFilters(document=(*one.document, *approved_document(12, "ferry").document))
    for topic, [document] in (("barge", one.document), ("ferry", two.document[1:])):
        for version in (2, 3):  # each drops the first sentence left (and the last version's new one), adds one
            sentences = [
                f"The {topic} report {i} counts {i * 7 + 3} boats on the river." for i in range(version - 1, 12)
            ]
            sentences.append(f"Version {version} of the {topic} report adds {version * 11} more boats.")
            new = document_input(" ".join(sentences), topic, sentences)
            workflow.document_new_version(document_id=document, new=new, actor=editor)
    assert ClaimOccurrence.objects.filter(removed_in__isnull=False).count() == 2 * 3
    assert (one.claims().count(), two.claims().count()) == (14, 28)
    assert queries_of(name, one, history=history) == queries_of(name, two, history=history) == before


@pytest.mark.parametrize("name, history", CASES, ids=CASE_IDS)
def test_with_small_batches_the_queries_grow_with_the_batches_only(approved_document, monkeypatch, name, history):
    filters = approved_document(60, "barge")
    counted = {}
    for batch in (1000, 25, 7):  # 1, 3 and 9 batches of 60 claims
        monkeypatch.setattr(records, "BATCH", batch)
        counted[batch] = queries_of(name, filters, history=history)
    # Each batch reads its claims, their occurrences, evidence and corrections (and history).
    per_batch = 0 if (name == "csv" and COPY) else 4 + history
    assert counted[25] - counted[1000] == 2 * per_batch
    assert counted[7] - counted[1000] == 8 * per_batch


@pytest.mark.parametrize("name, history", CASES, ids=CASE_IDS)
def test_the_export_comes_in_several_chunks_the_first_before_most_claims_are_read(
    approved_document, monkeypatch, name, history
):
    filters = approved_document(60, "barge")
    monkeypatch.setattr(records, "BATCH", 7)
    monkeypatch.setattr(csv_format, "CHUNK", 1)
    chunks = export(name, filters, history=history)
    with CaptureQueriesContext(connection) as context:
        first = next(chunks)
    assert len(context.captured_queries) <= 6  # at most the chart's counts, or one batch of claims
    with CaptureQueriesContext(connection) as context:
        rest = list(chunks)
    assert len(context.captured_queries) >= (3 if name == "csv" and COPY else 8 * 4)
    expected = {"csv": 61 if COPY else 10, "json": 13, "jsonl": 9, "claimreview": 11, "html": 3}[name]
    assert len(rest) + 1 == expected
    assert all(rest)
    if name != "json":  # the JSON header holds the time of the export
        assert first + b"".join(rest) == b"".join(export(name, filters, history=history))


@pytest.mark.parametrize("name, history", CASES, ids=CASE_IDS)
def test_progress_counts_every_claim_or_for_the_report_every_document(approved_document, name, history):
    filters = approved_document(12, "barge")
    reported = []
    for _chunk in export(name, filters, history=history, progress=reported.append):
        pass
    assert sum(reported) == (1 if name == "html" else 12)
