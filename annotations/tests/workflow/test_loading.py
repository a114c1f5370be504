"""Loading: documents and their claims into the database, and files into documents on the way.

``documents_load`` (and ``document_load``, one document) writes each new claim with its ``created``
event; ``load_paths`` reads files and stores them in batches, one transaction each, retried one by
one when a batch fails, parsed ahead by a reader process for large loads.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from annotations import bulk, corroboration, history
from annotations.ingest import documents as ingest_documents
from annotations.models import (
    Action,
    Claim,
    ClaimOccurrence,
    ReviewEvent,
    SourceDocument,
    Suggestion,
    TermCount,
    TermPosting,
)
from annotations.tests.conftest import SECOND_CLAIM_TEXT, wipe_loaded_data
from annotations.workflow import loading

from .conftest import PENDING, event_fields

pytestmark = pytest.mark.django_db


# --- Documents ------------------------------------------------------------------------------------


def test_loading_writes_one_created_event_per_new_claim(documents):
    claims = list(Claim.objects.order_by("id"))
    assert [c.text for c in claims] == documents.report_claims + documents.survey_claims
    events = list(ReviewEvent.objects.order_by("id"))
    assert [e.claim_id for e in events] == [c.pk for c in claims]
    for claim, event in zip(claims, events, strict=True):
        assert (claim.status, claim.verdict, claim.note, claim.version, claim.assignee_id) == (PENDING, "", "", 1, None)
        document = documents.survey if claim.text in documents.survey_claims else documents.report
        assert event_fields(event) == {
            "action": Action.CREATED,
            "actor": None,
            "status_before": "",
            "status_after": PENDING,
            "verdict_before": "",
            "verdict_after": "",
            "comment": "",
            "claim_version": 1,
        }
        assert event.details == {"document_id": document.pk, "document": document.title}


def test_loading_records_the_actor_who_loaded(load_document, admin_user):
    text = "The bridge opened in 1998 after four years of work."
    result = load_document(text, "Bridge", [text], actor=admin_user)
    event = ReviewEvent.objects.get(claim_id=result.new_claim_ids[0])
    assert (event.action, event.actor) == (Action.CREATED, admin_user)


def test_loading_the_same_text_again_writes_nothing(load_document, documents):
    before = (Claim.objects.count(), ReviewEvent.objects.count())
    again = load_document(documents.survey.text, "Copy", documents.survey_claims)
    assert (again.created, again.document, again.claims_new) == (False, documents.survey, 0)
    assert (Claim.objects.count(), ReviewEvent.objects.count()) == before


def test_a_known_sentence_becomes_one_more_occurrence_without_a_second_created_event(load_document, claim):
    result = load_document(f"Reporters repeated it: {claim.text}", "Repeat", [claim.text])
    assert (result.created, result.claims_new, result.claims_existing, result.occurrences) == (True, 0, 1, 1)
    assert claim.occurrences.count() == 2
    assert list(claim.events.values_list("action", flat=True)) == [Action.CREATED]


def test_new_claims_are_stored_with_their_signals(load_document):
    quoted = "The mayor called the flood 'a warning to us all'."
    plain = "The river flooded the lower town overnight."
    load_document(f"{SECOND_CLAIM_TEXT} {quoted} {plain}", "Flood", [SECOND_CLAIM_TEXT, quoted, plain])
    rows = Claim.objects.values_list("text", "has_number", "has_quote", "speaker")
    stored = {text: signals for text, *signals in rows}
    assert stored == {
        SECOND_CLAIM_TEXT: [True, False, "Officials"],
        quoted: [False, True, ""],  # "The mayor called": not a reporting verb
        plain: [False, False, ""],
    }


def test_signals_are_computed_for_new_claims_only(load_document, claim, monkeypatch):
    computed = []
    real = loading.claim_signals
    monkeypatch.setattr(loading, "claim_signals", lambda text: computed.append(text) or real(text))
    new = "The bridge reopened in 1998, the council said."
    load_document(f"{claim.text} {new}", "Again", [claim.text, new])
    assert computed == [new]
    assert Claim.objects.values_list("has_number", "speaker").get(text=new) == (True, "the council")


# --- Files: batches, retries, a reader process ---------------------------------------------------


def article(n, shared=""):
    """Return an article's text: four sentences of its own, plus ``shared`` if given."""
    own = " ".join(f"Officials in district {n} said {n * 10 + k} families were moved on day {k}." for k in range(4))
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
    monkeypatch.setattr(loading, "BATCH_SENTENCES", 10_000)  # every file in one batch
    paths = write(tmp_path, [article(n, SHARED) for n in range(5)])
    summary = loading.load_paths(paths)
    assert (summary.documents_new, summary.claims_new, summary.claims_existing) == (5, 21, 4)
    shared = Claim.objects.get(text=SHARED)
    assert shared.occurrences.count() == 5
    assert list(shared.events.values_list("action", flat=True)) == [Action.CREATED]
    assert ReviewEvent.objects.count() == Claim.objects.count() == 21


def test_batched_and_one_by_one_loading_store_the_same(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(n, SHARED) for n in range(6)] + [article(2)])
    monkeypatch.setattr(loading, "BATCH_SENTENCES", 1)  # a batch per document
    loading.load_paths(paths)
    one_by_one = snapshot()
    wipe_loaded_data()
    monkeypatch.setattr(loading, "BATCH_SENTENCES", 10_000)
    loading.load_paths(paths)
    assert snapshot() == one_by_one


def test_the_same_text_twice_in_one_batch_is_stored_once(tmp_path):
    paths = write(tmp_path, [article(1), article(1)])
    summary = loading.load_paths(paths)
    assert (summary.documents_new, summary.documents_existing) == (1, 1)
    assert SourceDocument.objects.count() == 1


def test_a_failed_batch_is_retried_one_by_one_and_only_the_culprit_is_refused(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(n) for n in range(4)])
    culprit = (tmp_path / "001_article.txt").read_text(encoding="utf-8")

    real_documents_load = loading.documents_load
    calls = []

    def failing_with_the_culprit(*, documents, actor=None):
        calls.append(len(documents))
        if any(document.text == culprit for document in documents):
            raise DatabaseError("value too long for type character varying(500)\nDETAIL: more")
        return real_documents_load(documents=documents, actor=actor)

    monkeypatch.setattr(loading, "documents_load", failing_with_the_culprit)
    summary = loading.load_paths(paths)
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
    parsed = [ingest_documents.document_from_path(path).document for path in paths]
    real_insert = bulk.insert_rows

    def insert_then_fail(model, *args, **kwargs):
        result = real_insert(model, *args, **kwargs)
        if model is ReviewEvent:
            raise DatabaseError("simulated crash after the events")
        return result

    monkeypatch.setattr(bulk, "insert_rows", insert_then_fail)
    with pytest.raises(DatabaseError):
        loading.documents_load(documents=parsed)
    assert (SourceDocument.objects.count(), Claim.objects.count(), ReviewEvent.objects.count()) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_reader_process_parses_ahead_for_large_loads(tmp_path, monkeypatch):
    texts = [article(n, SHARED) for n in range(8)] + ["\x00\x01 binary"]
    paths = write(tmp_path, texts)
    monkeypatch.setattr(loading, "READER_PROCESS_FROM", 1)
    monkeypatch.setattr(loading, "BATCH_SENTENCES", 12)
    seen = []
    summary = loading.load_paths(paths, progress=lambda done, total, path: seen.append((done, total, path)))
    assert summary.documents_new == 8
    assert [str(error) for error in summary.errors] == [f"{paths[-1]}: looks binary (NUL bytes)"]
    assert [done for done, _, _ in seen] == list(range(1, 10))
    assert {path for _, _, path in seen} == set(paths)
    assert Claim.objects.get(text=SHARED).occurrences.count() == 8


def test_small_loads_parse_in_this_process(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(1)])

    def no_process(*args, **kwargs):
        raise AssertionError("a reader process was started for one file")

    monkeypatch.setattr(loading, "ProcessPoolExecutor", no_process)
    assert loading.load_paths(paths).documents_new == 1


def test_a_file_that_breaks_the_splitter_is_refused_and_the_others_load(tmp_path, monkeypatch):
    paths = write(tmp_path, [article(1), article(2)])
    real = ingest_documents.extract_sentences

    def fragile(text, **options):
        if "district 2" in text:
            raise IndexError("list index out of range")
        return real(text, **options)

    monkeypatch.setattr(ingest_documents, "extract_sentences", fragile)
    summary = loading.load_paths(paths)
    assert summary.documents_new == 1
    assert [str(error) for error in summary.errors] == [
        f"{paths[1]}: could not be split into sentences (IndexError: list index out of range)"
    ]


def test_lines_of_invisible_characters_load(tmp_path):
    paths = write(tmp_path, [article(1) + "\u200b\n \u200b\n" + article(3)])
    summary = loading.load_paths(paths)
    assert (summary.documents_new, summary.errors) == (1, [])
    assert summary.claims_new == 8


def test_load_paths_reports_progress_and_the_actor(tmp_path, editor):
    for name in ("b.txt", "a.txt"):
        (tmp_path / name).write_text(f"File {name} says the talks ended on Monday.\n")
    calls = []

    summary = loading.load_paths([tmp_path], actor=editor, progress=lambda *args: calls.append(args))

    assert calls == [(1, 2, tmp_path / "a.txt"), (2, 2, tmp_path / "b.txt")]
    assert (summary.documents_new, summary.claims_new, summary.occurrences) == (2, 2, 2)
    assert set(ReviewEvent.objects.values_list("actor", flat=True)) == {editor.pk}


# --- A crash in the middle of a load --------------------------------------------------------------


def full_snapshot():
    """Everything a load writes, by natural keys (ids and times differ between two loads)."""
    return {
        **snapshot(),
        "suggestions": sorted(
            Suggestion.objects.values_list(
                "claim__text", "document__title", "start", "end", "passage_claim__text", "score", "stance", "reason"
            )
        ),
        "term_counts": sorted(TermCount.objects.values_list("term", "claims")),
        "postings": sorted(TermPosting.objects.values_list("term", "claim__text")),
    }


def wipe():
    wipe_loaded_data()


def assert_whole_documents(sentences_per_text):
    """Each stored document has all its occurrences; each claim its created event and its index counts."""
    for document in SourceDocument.objects.all():
        positions = list(document.occurrences.order_by("position").values_list("position", flat=True))
        assert positions == list(range(sentences_per_text[document.text])), document.title
    assert not Claim.objects.filter(occurrences=None).exists()  # no claim left by a partial batch
    assert sorted(ReviewEvent.objects.values_list("claim_id", "action")) == sorted(
        (pk, Action.CREATED) for pk in Claim.objects.values_list("pk", flat=True)
    )
    assert list(history.verify()) == []
    # Derived data: every stored claim is counted in the corroboration index, no more, no less.
    indexed = TermCount.objects.filter(term=TermCount.ALL_CLAIMS).values_list("claims", flat=True).first() or 0
    assert indexed == Claim.objects.count()


class Killed(RuntimeError):
    """Stands for a process killed in the middle of a load: not a database error, nothing catches it."""


def crash_storing_the_third_batch(monkeypatch):
    """Fail inside the batch's transaction, after its documents, claims and occurrences are written."""
    real_insert, batches = bulk.insert_rows, []

    def insert(model, *args, **kwargs):
        if model is ReviewEvent:
            batches.append(model)
            if len(batches) == 3:
                raise Killed("killed while storing")
        return real_insert(model, *args, **kwargs)

    monkeypatch.setattr(bulk, "insert_rows", insert)


def crash_before_the_third_batch_suggestions(monkeypatch):
    """Fail once the third batch's documents are stored, before its suggestions are computed."""
    real, calls = corroboration.suggestions_after_load, []

    def suggestions_after_load(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise Killed("killed between the documents and their suggestions")
        return real(**kwargs)

    monkeypatch.setattr(corroboration, "suggestions_after_load", suggestions_after_load)


def crash_reporting_the_fifth_document(monkeypatch):
    """Fail in the progress callback of the third batch's first document."""

    def progress(done, total, path):
        if done == 5:
            raise Killed("killed while reporting progress")

    return progress


@pytest.mark.parametrize(
    "crash",
    [crash_storing_the_third_batch, crash_before_the_third_batch_suggestions, crash_reporting_the_fifth_document],
)
@pytest.mark.django_db(transaction=True)  # real transactions: what a killed process leaves is what was committed
def test_a_crash_mid_load_leaves_whole_documents_and_a_rerun_completes_the_load(tmp_path, monkeypatch, crash):
    monkeypatch.setattr(loading, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(loading, "BATCH_SENTENCES", 10_000)
    # Similar sentences across the articles (suggestions), one shared by some (one claim seen twice).
    paths = write(tmp_path, [article(n, SHARED if n % 3 == 0 else "") for n in range(8)])
    parsed_files = map(ingest_documents.document_from_path, paths)
    sentences_per_text = {parsed.document.text: len(parsed.document.sentences) for parsed in parsed_files}
    loading.load_paths(paths)
    clean = full_snapshot()
    assert clean["suggestions"] and clean["postings"]  # the check below covers derived data
    wipe()

    progress = crash(monkeypatch)
    with pytest.raises(Killed):
        loading.load_paths(paths, progress=progress)

    stored = SourceDocument.objects.count()
    assert 0 < stored < len(paths)
    assert_whole_documents(sentences_per_text)

    monkeypatch.undo()
    monkeypatch.setattr(loading, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(loading, "BATCH_SENTENCES", 10_000)
    summary = loading.load_paths(paths)

    assert (summary.documents_existing, summary.documents_new, summary.errors) == (stored, len(paths) - stored, [])
    assert_whole_documents(sentences_per_text)
    assert full_snapshot() == clean


@pytest.mark.django_db(transaction=True)
def test_a_real_database_error_in_a_batch_still_lets_the_others_be_stored(tmp_path, monkeypatch):
    """The retry one by one works inside the batch's transaction (savepoints), as PostgreSQL aborts on an error."""
    paths = write(tmp_path, [article(n, SHARED) for n in range(4)])
    culprit = (tmp_path / "002_article.txt").read_text(encoding="utf-8")
    real_documents_load = loading.documents_load

    @transaction.atomic
    def failing_in_sql(*, documents, actor=None):
        results = real_documents_load(documents=documents, actor=actor)
        if any(document.text == culprit for document in documents):
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
        return results

    monkeypatch.setattr(loading, "documents_load", failing_in_sql)
    monkeypatch.setattr(
        loading, "document_load", lambda *, document, actor=None: failing_in_sql(documents=[document], actor=actor)[0]
    )
    summary = loading.load_paths(paths)

    assert (summary.documents_new, [error.path for error in summary.errors]) == (3, [str(paths[2])])
    assert "could not be stored:" in str(summary.errors[0]) and "no_such_table" in str(summary.errors[0])
    assert not SourceDocument.objects.filter(text=culprit).exists()
    assert Claim.objects.get(text=SHARED).occurrences.count() == 3
    assert_whole_documents(dict.fromkeys(SourceDocument.objects.values_list("text", flat=True), 5))
