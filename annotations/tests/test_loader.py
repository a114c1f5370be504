"""The loader's batching: one transaction per batch, a retry one by one, a reader process."""

import pytest
from django.db import DatabaseError

from annotations import workflow
from annotations.ingest import loader
from annotations.tests.conftest import triggers_off
from annotations.models import (
    Action, Claim, ClaimOccurrence, ReviewEvent, SourceDocument, Suggestion, TermCount, TermPosting,
)

pytestmark = pytest.mark.django_db


def article(n, shared=""):
    """Return an article's text: four sentences of its own, plus ``shared`` if given."""
    own = " ".join(
        f"Officials in district {n} said {n * 10 + k} families were moved on day {k}." for k in range(4)
    )
    return f"{own} {shared}".strip() + "\n"


def write(folder, texts):
    paths = []
    for index, text in enumerate(texts):
        path = folder / f"{index:03d}_article.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def snapshot():
    return {
        "documents": sorted(SourceDocument.objects.values_list("title", "content_hash")),
        "claims": sorted(Claim.objects.values_list("text", flat=True)),
        "occurrences": sorted(
            ClaimOccurrence.objects.values_list("document__title", "claim__text", "start", "end", "position")
        ),
        "events": sorted(ReviewEvent.objects.values_list("claim__text", "action", "actor")),
    }


SHARED = "The governor said 3,200 homes were flooded across the state on Monday."


def test_a_batch_stores_many_documents_with_shared_claims_counted_once(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "BATCH_SENTENCES", 10_000)  # every file in one batch
    paths = write(tmp_path, [article(n, SHARED) for n in range(5)])
    summary = loader.load_paths(paths)
    assert (summary.documents_new, summary.claims_new, summary.claims_existing) == (5, 21, 4)
    shared = Claim.objects.get(text=SHARED)
    assert shared.occurrences.count() == 5
    assert list(shared.events.values_list("action", flat=True)) == [Action.CREATED]
    assert ReviewEvent.objects.count() == Claim.objects.count() == 21


def test_batched_and_one_by_one_loading_store_the_same(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(n, SHARED) for n in range(6)] + [article(2)])
    monkeypatch.setattr(loader, "BATCH_SENTENCES", 1)  # a batch per document
    loader.load_paths(paths)
    one_by_one = snapshot()
    with triggers_off():  # the history refuses deletes
        for model in (Suggestion, TermPosting, TermCount, ReviewEvent, ClaimOccurrence):
            model.objects.all()._raw_delete(model.objects.db)
        Claim.objects.all()._raw_delete(Claim.objects.db)
        SourceDocument.objects.all()._raw_delete(SourceDocument.objects.db)
    monkeypatch.setattr(loader, "BATCH_SENTENCES", 10_000)
    loader.load_paths(paths)
    assert snapshot() == one_by_one


def test_the_same_text_twice_in_one_batch_is_stored_once(tmp_path):
    paths = write(tmp_path, [article(1), article(1)])
    summary = loader.load_paths(paths)
    assert (summary.documents_new, summary.documents_existing) == (1, 1)
    assert SourceDocument.objects.count() == 1


def test_a_failed_batch_is_retried_one_by_one_and_only_the_culprit_is_refused(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(n) for n in range(4)])
    culprit = (tmp_path / "001_article.txt").read_text(encoding="utf-8")

    real_documents_load = workflow.documents_load
    calls = []

    def failing_with_the_culprit(*, documents, actor=None):
        calls.append(len(documents))
        if any(document.text == culprit for document in documents):
            raise DatabaseError("value too long for type character varying(500)\nDETAIL: more")
        return real_documents_load(documents=documents, actor=actor)

    monkeypatch.setattr(workflow, "documents_load", failing_with_the_culprit)
    summary = loader.load_paths(paths)
    assert summary.documents_new == 3
    assert [str(error) for error in summary.errors] == [
        f"{paths[1]}: could not be stored: value too long for type character varying(500)"
    ]
    assert calls == [4, 1, 1, 1, 1]
    assert SourceDocument.objects.count() == 3
    assert not SourceDocument.objects.filter(text=culprit).exists()


def test_a_database_error_inside_a_batch_leaves_no_part_of_it(tmp_path, monkeypatch):
    """A batch is one transaction: an error after some rows leaves none of them."""
    paths = write(tmp_path, [article(n) for n in range(3)])
    documents = [loader.document_from_path(path).document for path in paths]
    real_insert = workflow.bulk.insert_rows

    def insert_then_fail(model, *args, **kwargs):
        result = real_insert(model, *args, **kwargs)
        if model is ReviewEvent:
            raise DatabaseError("simulated crash after the events")
        return result

    monkeypatch.setattr(workflow.bulk, "insert_rows", insert_then_fail)
    with pytest.raises(DatabaseError):
        workflow.documents_load(documents=documents)
    assert (SourceDocument.objects.count(), Claim.objects.count(), ReviewEvent.objects.count()) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_reader_process_parses_ahead_for_large_loads(tmp_path, monkeypatch):
    texts = [article(n, SHARED) for n in range(8)] + ["\x00\x01 binary"]
    paths = write(tmp_path, texts)
    monkeypatch.setattr(loader, "READER_PROCESS_FROM", 1)
    monkeypatch.setattr(loader, "BATCH_SENTENCES", 12)
    seen = []
    summary = loader.load_paths(paths, progress=lambda done, total, path: seen.append((done, total, path)))
    assert summary.documents_new == 8
    assert [str(error) for error in summary.errors] == [f"{paths[-1]}: looks binary (NUL bytes)"]
    assert [done for done, _, _ in seen] == list(range(1, 10))
    assert {path for _, _, path in seen} == set(paths)
    assert Claim.objects.get(text=SHARED).occurrences.count() == 8


def test_small_loads_parse_in_this_process(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(1)])

    def no_process(*args, **kwargs):
        raise AssertionError("a reader process was started for one file")

    monkeypatch.setattr(loader, "ProcessPoolExecutor", no_process)
    assert loader.load_paths(paths).documents_new == 1


def test_a_file_that_breaks_the_splitter_is_refused_and_the_others_load(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(1), article(2)])
    real = loader.extract_sentences

    def fragile(text):
        if "district 2" in text:
            raise IndexError("list index out of range")
        return real(text)

    monkeypatch.setattr(loader, "extract_sentences", fragile)
    summary = loader.load_paths(paths)
    assert summary.documents_new == 1
    assert [str(error) for error in summary.errors] == [
        f"{paths[1]}: could not be split into sentences (IndexError: list index out of range)"
    ]


def test_lines_of_invisible_characters_load(tmp_path):
    paths = write(tmp_path, [article(1) + "\u200b\n \u200b\n" + article(3)])
    summary = loader.load_paths(paths)
    assert (summary.documents_new, summary.errors) == (1, [])
    assert summary.claims_new == 8
