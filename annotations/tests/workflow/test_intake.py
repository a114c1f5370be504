"""Intake: imports of pasted text, uploaded files and web pages, queued as jobs and loaded item by item.

Every page is served by a local server (``tests/local_site.py``); the jobs run in this process
(``run_jobs``), as a worker would run them.
"""

import datetime

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from annotations import history, workflow
from annotations.ingest.documents import MSG_NO_SENTENCES
from annotations.models import (
    Action,
    Claim,
    ClaimOccurrence,
    DocumentAction,
    DocumentEvent,
    DocumentVersion,
    Import,
    ImportItem,
    ImportItemStatus,
    ImportStatus,
    Origin,
    ReviewEvent,
    SourceDocument,
    Suggestion,
)
from annotations.tests.local_site import LOGIN_PAGE, PDF_BYTES, article_html, closed_port_address, serving
from annotations.workflow import intake
from annotations.workflow.errors import Forbidden, InvalidInput, InvalidTransition, NotFound

pytestmark = pytest.mark.django_db

QUEUED, RUNNING, DONE, FAILED = ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.DONE, ImportStatus.FAILED
LOADED, UNCHANGED, ITEM_FAILED = ImportItemStatus.LOADED, ImportItemStatus.UNCHANGED, ImportItemStatus.FAILED

PORT_CLAIM = "The port handled 300 ships a week in 2025, the harbour authority said."
FISH_CLAIM = "Fishing catches fell by a third in ten years, according to the survey."
HARBOUR_TEXT = f"""Harbour report

By Jane Doe
{PORT_CLAIM}
Subscribe to our newsletter for more news.
{FISH_CLAIM}
Follow us on Twitter
"""
HARBOUR_DROPPED = {"repeated headline": 1, "empty line": 1, "byline": 1, "newsletter or social prompt": 2}

DAM_CLAIM = "The dam holds 40 million cubic metres of water, the agency said."
DAM_SECOND = "It was built in 1962 by the state."
BRIDGE = [
    "The city council said the Old Mill bridge will close for six weeks from June 2 for repairs costing 1.2 million.",
    "Engineers found cracks in two of its four piers during an inspection in March, the council said.",
    "Traffic will be diverted through the ring road, adding about ten minutes to most journeys.",
]
FERRY = [
    "The ferry company said it would cut winter crossings to the island from six a day to four.",
    "About 2,300 people live on the island, according to the 2021 census.",
]
CANONICAL = "https://courier.example/news/bridge-to-close"
BRIDGE_PAGE = article_html(
    "Bridge to close for repairs", BRIDGE, canonical=CANONICAL, author="Jane Doe", publisher="The Courier",
    published="2026-05-12", lang="en",
)  # fmt: skip
NO_SENTENCES = "Subscribe to our newsletter for more news.\nFollow us on Twitter\n"


@pytest.fixture
def site():
    with serving() as site:
        yield site


@pytest.fixture
def allow_private(settings):
    """Fetch from the local server (127.0.0.1), as only tests may."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    settings.FACTCHECK_FETCH_TIMEOUT = 5


def stored():
    """Count every row an import may write."""
    models = (SourceDocument, DocumentVersion, DocumentEvent, Claim, ClaimOccurrence, ReviewEvent, Suggestion)
    return {model.__name__: model.objects.count() for model in models}


def nothing_stored():
    return all(count == 0 for count in stored().values())


IMPORT_JOB = "annotations.workflow.intake.import_job"


def jobs():
    """Return the import jobs queued (or run), oldest first."""
    rows = DBTaskResult.objects.filter(task_path=IMPORT_JOB).order_by("enqueued_at")
    return list(rows.values_list("task_path", "args_kwargs"))


def import_job_of(batch):
    return (IMPORT_JOB, {"args": [batch.pk], "kwargs": {}})


def run(batch, run_jobs):
    """Run the queued jobs; return the import and its items as they end."""
    run_jobs()
    batch.refresh_from_db()
    return batch, list(batch.items.order_by("position"))


def assert_whole(document):
    """The document has its text's version, its loaded event, and occurrences that index its text."""
    assert list(document.versions.values_list("number", "content_hash")) == [(1, document.content_hash)]
    assert document.versions.get().text == document.text
    assert list(document.events.values_list("action", "version")) == [(DocumentAction.LOADED, 1)]
    for occurrence in document.occurrences.select_related("claim"):
        assert " ".join(document.text[occurrence.start : occurrence.end].split()) == occurrence.claim.text


# --- Pasted text ----------------------------------------------------------------------------------


def test_pasted_text_is_queued_with_its_job_then_loaded_with_its_metadata(editor, run_jobs):
    batch = workflow.import_paste(
        actor=editor, text=HARBOUR_TEXT, title="Harbour report", publisher="The Courier", author="Jane Doe",
        url="https://courier.example/harbour", published_on="2026-03-02", language="en",
    )  # fmt: skip

    batch.refresh_from_db()
    assert (batch.origin, batch.status, batch.created_by, batch.total, batch.done, batch.attempts) == (
        Origin.PASTE, QUEUED, editor, 1, 0, 0,
    )  # fmt: skip
    assert jobs() == [import_job_of(batch)]
    assert batch.task_id == str(DBTaskResult.objects.get(task_path=IMPORT_JOB).id)
    item = batch.items.get()
    assert (item.name, bytes(item.content), item.status) == ("Harbour report", HARBOUR_TEXT.encode(), "queued")
    assert item.metadata == {
        "title": "Harbour report", "publisher": "The Courier", "author": "Jane Doe",
        "url": "https://courier.example/harbour", "published_on": "2026-03-02", "language": "en",
    }  # fmt: skip
    assert nothing_stored()  # the job loads it, not the request

    batch, [item] = run(batch, run_jobs)

    document = SourceDocument.objects.get()
    assert (document.title, document.publisher, document.author, document.url, document.language) == (
        "Harbour report", "The Courier", "Jane Doe", "https://courier.example/harbour", "en",
    )  # fmt: skip
    assert (document.published_on, document.origin, document.text, document.file_name) == (
        datetime.date(2026, 3, 2), Origin.PASTE, HARBOUR_TEXT, "",
    )  # fmt: skip
    assert (document.version, document.revision) == (1, 1)
    assert_whole(document)
    assert document.events.get().actor == editor
    assert DocumentVersion.objects.get().url == "https://courier.example/harbour"
    assert list(document.occurrences.values_list("claim__text", flat=True)) == [PORT_CLAIM, FISH_CLAIM]
    assert sorted(ReviewEvent.objects.values_list("action", "actor")) == [(Action.CREATED, editor.pk)] * 2
    assert (item.status, item.document, item.version, item.claims_added, item.error) == (LOADED, document, 1, 2, "")
    assert (batch.status, batch.done, batch.documents_added, batch.claims_added, batch.claims_existing) == (
        DONE, 1, 1, 2, 0,
    )  # fmt: skip
    assert batch.dropped == HARBOUR_DROPPED
    assert batch.error == ""


def test_without_a_title_the_headline_on_the_first_line_names_the_pasted_text(editor, run_jobs):
    batch = workflow.import_paste(actor=editor, text=f"\n  Harbour report  \n\n{PORT_CLAIM}\n{FISH_CLAIM}\n")

    batch, [item] = run(batch, run_jobs)

    assert (item.name, item.metadata, item.status) == ("Harbour report", {}, LOADED)
    document = item.document
    assert document.title == "Harbour report"
    assert list(document.occurrences.values_list("claim__text", flat=True)) == [PORT_CLAIM, FISH_CLAIM]


def test_without_a_title_the_first_line_names_the_pasted_text_and_is_still_read(editor, run_jobs):
    batch = workflow.import_paste(actor=editor, text=f"\n  {DAM_CLAIM}\n")

    batch, [item] = run(batch, run_jobs)

    assert item.name == DAM_CLAIM
    assert (batch.status, item.status, item.error) == (DONE, LOADED, "")
    document = SourceDocument.objects.get()
    assert document.title == DAM_CLAIM
    # The title was made from the text: the line is no headline above the text, but the text itself.
    assert list(document.occurrences.values_list("claim__text", flat=True)) == [DAM_CLAIM]


def test_a_long_first_line_is_cut_to_name_the_pasted_text(editor):
    line = "The ministry said " + "very " * 40 + "many people came."
    batch = workflow.import_paste(actor=editor, text=line)
    name = batch.items.get().name
    assert len(name) == 120 and name.endswith("…") and line.startswith(name[:-1])


def test_the_same_text_pasted_twice_is_loaded_once(editor, run_jobs):
    _, [loaded] = run(workflow.import_paste(actor=editor, text=HARBOUR_TEXT, title="Harbour report"), run_jobs)
    before = stored()

    second, [item] = run(workflow.import_paste(actor=editor, text=HARBOUR_TEXT, title="Copy"), run_jobs)

    assert (item.status, item.document, item.version, item.claims_added) == (UNCHANGED, loaded.document, 1, 0)
    assert item.note == f"already loaded as document {loaded.document.pk}"
    assert (second.status, second.done, second.documents_added, second.claims_added) == (DONE, 1, 0, 0)
    assert stored() == before


# --- Uploaded files -------------------------------------------------------------------------------


def test_uploaded_text_and_markdown_files_are_loaded_with_a_title_from_their_names(editor, run_jobs):
    markdown = f"# Harbour report\n\n{PORT_CLAIM}\n\n- {FISH_CLAIM}\n"
    batch = workflow.import_upload(
        actor=editor,
        files=[("dam-report_2026.txt", f"{DAM_CLAIM} {DAM_SECOND}".encode()), ("harbour.md", markdown.encode())],
    )
    assert [item.name for item in batch.items.order_by("position")] == ["dam-report_2026.txt", "harbour.md"]

    batch, items = run(batch, run_jobs)

    assert [item.status for item in items] == [LOADED, LOADED]
    dam, harbour = (item.document for item in items)
    assert (dam.title, dam.file_name, dam.origin, dam.url) == (
        "Dam report 2026",
        "dam-report_2026.txt",
        Origin.UPLOAD,
        "",
    )
    assert (harbour.title, harbour.file_name, harbour.text) == ("Harbour", "harbour.md", markdown)
    assert list(dam.occurrences.values_list("claim__text", flat=True)) == [DAM_CLAIM, DAM_SECOND]
    assert list(harbour.occurrences.values_list("claim__text", flat=True)) == [PORT_CLAIM, FISH_CLAIM]
    for document in (dam, harbour):
        assert_whole(document)
    assert (batch.status, batch.done, batch.documents_added, batch.claims_added) == (DONE, 2, 2, 4)
    assert batch.dropped == {"empty line": 2, "heading": 1}


def test_an_uploaded_saved_page_is_read_as_an_article_with_its_metadata(editor, run_jobs):
    batch = workflow.import_upload(actor=editor, files=[("bridge.html", BRIDGE_PAGE.encode())])

    batch, [item] = run(batch, run_jobs)

    assert (item.status, item.error) == (LOADED, "")
    document = item.document
    assert (document.title, document.author, document.publisher, document.language) == (
        "Bridge to close for repairs", "Jane Doe", "The Courier", "en",
    )  # fmt: skip
    assert (document.url, document.published_on, document.file_name) == (
        CANONICAL, datetime.date(2026, 5, 12), "bridge.html",
    )  # fmt: skip
    assert list(document.occurrences.values_list("claim__text", flat=True)) == BRIDGE
    assert "<nav>" not in document.text and "Copyright" not in document.text
    version = document.versions.get()
    assert (version.html, version.url) == (BRIDGE_PAGE, CANONICAL)
    assert batch.dropped == {"repeated headline": 1}  # the headline above the text


def test_a_file_in_another_encoding_is_decoded_and_the_guess_is_noted(editor, run_jobs):
    text = "Café owners said prices rose by 12 percent in May, the chamber’s survey found."
    batch = workflow.import_upload(actor=editor, files=[("cafes.txt", text.encode("cp1252"))])

    batch, [item] = run(batch, run_jobs)

    assert (item.status, item.note) == (LOADED, "decoded as cp1252 (detected)")
    assert item.document.text == text
    assert list(item.document.occurrences.values_list("claim__text", flat=True)) == [text.replace("’", "'")]


def test_old_mac_line_ends_are_made_newlines_and_the_offsets_index_the_stored_text(editor, run_jobs):
    batch = workflow.import_upload(actor=editor, files=[("dam.txt", f"Dam\r{DAM_CLAIM}\r{DAM_SECOND}\r".encode())])

    batch, [item] = run(batch, run_jobs)

    document = item.document
    assert document.text == f"Dam\n{DAM_CLAIM}\n{DAM_SECOND}\n"
    spans = [(o.start, o.end) for o in document.occurrences.order_by("position")]
    assert [document.text[start:end] for start, end in spans] == [DAM_CLAIM, DAM_SECOND]
    assert item.note == ""


# --- Web addresses --------------------------------------------------------------------------------


def test_a_web_page_is_fetched_and_its_article_loaded_with_its_canonical_address(editor, site, allow_private, run_jobs):
    canonical = site.url("/news/bridge-to-close")  # on the page's own site (another site's is not trusted)
    page = BRIDGE_PAGE.replace(CANONICAL, canonical)
    address = site.page("/news/bridge?utm=feed", page)
    batch = workflow.import_addresses(actor=editor, urls=[f"  {address}  ", "", "   "])
    assert (batch.origin, batch.total) == (Origin.WEB, 1)
    item = batch.items.get()
    assert (item.name, item.content) == (address, None)
    assert site.requests == []  # fetched by the job, not when queued

    batch, [item] = run(batch, run_jobs)

    assert (item.status, item.error, batch.status) == (LOADED, "", DONE)
    document = item.document
    assert (document.title, document.author, document.publisher, document.language, document.origin) == (
        "Bridge to close for repairs", "Jane Doe", "The Courier", "en", Origin.WEB,
    )  # fmt: skip
    assert (document.url, document.published_on, document.file_name) == (canonical, datetime.date(2026, 5, 12), "")
    version = document.versions.get()
    assert (version.html, version.url) == (page, address)  # the page as fetched, and where from
    assert list(document.occurrences.values_list("claim__text", flat=True)) == BRIDGE
    assert_whole(document)
    assert site.requests == ["/news/bridge?utm=feed"]


def test_several_items_load_in_order_and_the_counters_add_up(editor, site, allow_private, run_jobs, load_document):
    load_document(BRIDGE[2], "Traffic note", [BRIDGE[2]])  # one claim known before
    first = site.article("/bridge", "Bridge to close for repairs", BRIDGE)
    second = site.article("/ferry", "Ferry crossings cut", FERRY)
    batch = workflow.import_addresses(actor=editor, urls=[first, second, first])

    batch, items = run(batch, run_jobs)

    assert [item.status for item in items] == [LOADED, LOADED, UNCHANGED]
    assert [item.claims_added for item in items] == [2, 2, 0]
    assert items[2].document == items[0].document
    assert items[2].note == f"already loaded, unchanged (document {items[0].document.pk})"
    assert (batch.status, batch.total, batch.done) == (DONE, 3, 3)
    assert (batch.documents_added, batch.documents_updated, batch.claims_added, batch.claims_existing) == (2, 0, 4, 1)
    assert batch.dropped == {"repeated headline": 3}  # each page's headline above its text, as read
    assert SourceDocument.objects.count() == 3


def test_a_large_import_is_read_ahead_by_a_second_process_and_stored_in_order(editor, monkeypatch, run_jobs):
    monkeypatch.setattr(intake, "BATCH_ITEMS", 7)  # three chunks
    count = intake.READER_PROCESS_FROM + 1
    files = [
        (f"note-{n:02d}.txt", f"The council counted {n + 3} potholes on Mill Road in week {n + 1}.".encode())
        for n in range(count)
    ]
    files[5] = ("blank.txt", b"   ")

    batch, items = run(workflow.import_upload(actor=editor, files=files), run_jobs)

    assert [item.name for item in items] == [name for name, _ in files]
    assert [item.status for item in items] == [LOADED] * 5 + [ITEM_FAILED] + [LOADED] * (count - 6)
    assert items[5].error == "is empty"
    titles = [f"Note {n:02d}" for n in range(count) if n != 5]
    assert [item.document.title for item in items if item.document] == titles
    assert (batch.status, batch.done, batch.documents_added, batch.claims_added) == (DONE, count, count - 1, count - 1)


def test_an_import_goes_from_queued_to_running_to_done(editor, monkeypatch, run_jobs):
    seen = []
    real_read = intake.read_or_refusal

    def read(given, options):
        seen.append(Import.objects.values("status", "attempts", "started_at").get())
        return real_read(given, options)

    monkeypatch.setattr(intake, "read_or_refusal", read)
    batch = workflow.import_upload(actor=editor, files=[("a.txt", DAM_CLAIM.encode()), ("b.txt", PORT_CLAIM.encode())])
    assert (batch.status, batch.started_at, batch.finished_at) == (QUEUED, None, None)

    batch, _ = run(batch, run_jobs)

    assert [(row["status"], row["attempts"]) for row in seen] == [(RUNNING, 1), (RUNNING, 1)]
    assert seen[0]["started_at"] is not None
    assert (batch.status, batch.attempts, batch.done) == (DONE, 1, 2)
    assert batch.started_at <= batch.heartbeat_at <= batch.finished_at


# --- Items that cannot be loaded --------------------------------------------------------------------


def _upload(name, content):
    return lambda site, editor: workflow.import_upload(actor=editor, files=[(name, content)])


def _address(path, *, serve=None, redirect_to=None):
    def make(site, editor):
        if serve is not None:
            site.page(path, *serve) if isinstance(serve, tuple) else site.page(path, serve)
        if redirect_to is not None:
            site.redirect(path, site.url(redirect_to))
        return workflow.import_addresses(actor=editor, urls=[site.url(path)])

    return make


def _refused_address(site, editor):
    return workflow.import_addresses(actor=editor, urls=[closed_port_address("/gone")])


def _slow_address(site, editor):
    return workflow.import_addresses(actor=editor, urls=[site.slow("/slow", BRIDGE_PAGE, seconds=5)])


def _loop(site, editor):
    site.redirect("/loop-b", site.url("/loop-a"))
    return _address("/loop-a", redirect_to="/loop-b")(site, editor)


# case: (how to make the import, the item's reason)
BAD_ITEMS = {
    "binary file": (_upload("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "looks binary (NUL bytes)"),
    "blank file": (_upload("blank.txt", b"  \n\t\n"), "is empty"),
    "unreadable file": (
        _upload("utf16.txt", b"\xff\xfeA\x00\x00\xd8"),
        "is not UTF-16 though it starts with its byte order mark (unexpected end of data at offset 4)",
    ),
    "PDF named .txt": (_upload("report.txt", PDF_BYTES), "looks like a PDF, not text"),
    "saved login page": (
        _upload("login.html", LOGIN_PAGE.encode()),
        "has no article text: the page holds 8 words outside navigation and forms",
    ),
    "file with no sentences": (_upload("prompts.txt", NO_SENTENCES.encode()), MSG_NO_SENTENCES),
    "page not found": (_address("/missing"), "answered 404 Not Found"),
    "login page": (
        _address("/login", serve=LOGIN_PAGE),
        "has no article text: the page holds 8 words outside navigation and forms",
    ),
    "PDF at an HTML address": (
        _address("/report.html", serve=(PDF_BYTES, "application/pdf")),
        "is application/pdf, not a web page",
    ),
    "PDF served as HTML": (_address("/report2.html", serve=PDF_BYTES), "looks like a PDF, not text"),
    "connection refused": (_refused_address, "refused the connection"),
    "timed out": (_slow_address, "timed out after 0.3 seconds (waiting for the answer)"),
    "redirect loop": (_loop, "redirects in a loop (back to {base}/loop-a)"),
    "page with no sentences": (
        _address("/prompts", serve=(NO_SENTENCES.encode(), "text/plain; charset=utf-8")),
        MSG_NO_SENTENCES,
    ),
}


@pytest.mark.parametrize("case", BAD_ITEMS)
def test_an_item_that_cannot_be_loaded_is_refused_with_its_reason_and_writes_nothing(
    editor, site, allow_private, settings, run_jobs, case
):
    settings.FACTCHECK_FETCH_TIMEOUT = 0.3
    make, reason = BAD_ITEMS[case]
    reason = reason.format(base=site.base)

    batch, [item] = run(make(site, editor), run_jobs)

    assert (item.status, item.error, item.document, item.version, item.claims_added) == (
        ITEM_FAILED, reason, None, None, 0,
    )  # fmt: skip
    assert (batch.status, batch.done, batch.total) == (FAILED, 1, 1)
    assert batch.error == intake.MSG_ALL_FAILED.format(first=f"{item.name}: {reason}")
    assert (batch.documents_added, batch.claims_added, batch.dropped) == (0, 0, {})
    assert nothing_stored()


def test_a_private_address_is_refused_unless_allowed(editor, site, settings, run_jobs):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    address = site.page("/bridge", BRIDGE_PAGE)

    batch, [item] = run(workflow.import_addresses(actor=editor, urls=[address]), run_jobs)

    assert (item.status, item.error) == (
        ITEM_FAILED,
        "is a loopback address (127.0.0.1); only public addresses are fetched",
    )
    assert batch.status == FAILED
    assert site.requests == []  # refused before connecting
    assert nothing_stored()


def test_a_refused_item_does_not_stop_the_others(editor, site, allow_private, run_jobs):
    good = site.article("/bridge", "Bridge to close for repairs", BRIDGE)
    other = site.article("/ferry", "Ferry crossings cut", FERRY)
    batch = workflow.import_addresses(actor=editor, urls=[good, site.url("/missing"), other])

    batch, items = run(batch, run_jobs)

    assert [item.status for item in items] == [LOADED, ITEM_FAILED, LOADED]
    assert [item.error for item in items] == ["", "answered 404 Not Found", ""]
    assert (batch.status, batch.done, batch.documents_added, batch.error) == (DONE, 3, 2, "")
    assert SourceDocument.objects.count() == 2
    for item in (items[0], items[2]):
        assert_whole(item.document)


def test_an_item_the_database_refuses_is_refused_whole_and_the_others_still_load(
    editor, site, allow_private, monkeypatch, run_jobs
):
    real_load = intake.documents_load

    def load(*, documents, actor):
        results = real_load(documents=documents, actor=actor)
        if any(document.title == "Ferry crossings cut" for document in documents):  # after its rows are written
            raise DatabaseError("disk full\nCONTEXT: somewhere")
        return results

    monkeypatch.setattr(intake, "documents_load", load)
    urls = [site.article("/ferry", "Ferry crossings cut", FERRY), site.article("/bridge", "Bridge", BRIDGE)]

    batch, items = run(workflow.import_addresses(actor=editor, urls=urls), run_jobs)

    assert [(item.status, item.error) for item in items] == [
        (ITEM_FAILED, "could not be loaded (disk full)"), (LOADED, ""),
    ]  # fmt: skip
    assert list(SourceDocument.objects.values_list("title", flat=True)) == ["Bridge"]
    assert not Claim.objects.filter(text__in=FERRY).exists()
    assert (batch.status, batch.documents_added) == (DONE, 1)


# --- Refused when the import is asked for: nothing is written -------------------------------------------


def assert_nothing_queued():
    assert not Import.objects.exists()
    assert not ImportItem.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda actor: workflow.import_paste(actor=actor, text=HARBOUR_TEXT),
        lambda actor: workflow.import_upload(actor=actor, files=[("a.txt", DAM_CLAIM.encode())]),
        lambda actor: workflow.import_addresses(actor=actor, urls=["https://courier.example/news"]),
    ],
    ids=["paste", "upload", "web"],
)
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_only_editors_and_reviewers_may_import(cast, who, call):
    with pytest.raises(Forbidden) as refused:
        call(getattr(cast, who))
    assert str(refused.value) == intake.MSG_NOT_EDITOR
    assert_nothing_queued()


def test_a_reviewer_may_import(reviewer):
    batch = workflow.import_paste(actor=reviewer, text=HARBOUR_TEXT)
    assert batch.created_by == reviewer


LONG_TITLE = "T" * 501

# case: (the call, the field at fault, the message)
REFUSED = {
    "empty text": (lambda a: workflow.import_paste(actor=a, text=""), "text", intake.MSG_TEXT_EMPTY),
    "blank text": (lambda a: workflow.import_paste(actor=a, text=" \n\t "), "text", intake.MSG_TEXT_EMPTY),
    "bad date": (
        lambda a: workflow.import_paste(actor=a, text=DAM_CLAIM, published_on="12/05/2026"),
        "published_on",
        "'12/05/2026' is not a date: use YYYY-MM-DD.",
    ),
    "title too long": (
        lambda a: workflow.import_paste(actor=a, text=DAM_CLAIM, title=LONG_TITLE),
        "title",
        "The title is too long (501 characters; at most 500).",
    ),
    "bad metadata address": (
        lambda a: workflow.import_paste(actor=a, text=DAM_CLAIM, url="courier.example/news"),
        "url",
        None,
    ),
    "no file": (
        lambda a: workflow.import_upload(actor=a, files=[]),
        "file",
        "Nothing to import: give at least one file.",
    ),
    "wrong suffix": (
        lambda a: workflow.import_upload(actor=a, files=[("a.txt", b"x"), ("report.pdf", b"%PDF-1.7")]),
        "file",
        "report.pdf: is not a .txt, .md, .html or .htm file.",
    ),
    "empty file": (lambda a: workflow.import_upload(actor=a, files=[("a.txt", b"")]), "file", "a.txt: is empty."),
    "file too large": (
        lambda a: workflow.import_upload(actor=a, files=[("big.txt", b"x" * 101)]),
        "file",
        "big.txt: is too large (101 bytes; at most 100).",
    ),
    "too many files": (
        lambda a: workflow.import_upload(actor=a, files=[(f"{n}.txt", b"x") for n in range(4)]),
        "file",
        "Too many files at once (4; at most 3).",
    ),
    "no address": (
        lambda a: workflow.import_addresses(actor=a, urls=["", "  "]),
        "url",
        "Nothing to import: give a web address.",
    ),
    "not an address": (lambda a: workflow.import_addresses(actor=a, urls=["not an address"]), "url", None),
    "not http": (lambda a: workflow.import_addresses(actor=a, urls=["ftp://courier.example/a.txt"]), "url", None),
    "one bad among good": (
        lambda a: workflow.import_addresses(
            actor=a, urls=["https://courier.example/a", "https://user:pw@courier.example/"]
        ),
        "url",
        None,
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_bad_input_is_refused_before_anything_is_queued(editor, settings, case):
    settings.FACTCHECK_UPLOAD_MAX_BYTES = 100
    settings.FACTCHECK_UPLOAD_MAX_FILES = 3
    call, field, message = REFUSED[case]
    with pytest.raises(InvalidInput) as refused:
        call(editor)
    assert refused.value.field == field
    if message is not None:
        assert str(refused.value) == message
    else:  # the address checker's reason, naming the address
        assert str(refused.value).startswith(("not an address", "ftp://", "https://user:pw@", "courier.example"))
    assert_nothing_queued()


def test_pasted_text_too_long_is_refused(editor, monkeypatch):
    monkeypatch.setattr(intake, "MAX_PASTE", 10)
    with pytest.raises(InvalidInput, match=r"^The pasted text is too long \(11 characters; at most 10\)\.$"):
        workflow.import_paste(actor=editor, text="x" * 11)
    assert_nothing_queued()


def test_the_import_and_its_job_are_written_in_one_transaction(editor):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.import_paste(actor=editor, text=HARBOUR_TEXT)
        assert Import.objects.count() == DBTaskResult.objects.count() == 1
        raise RuntimeError("the request fails after the import was made")
    assert_nothing_queued()


def test_an_import_whose_job_cannot_be_queued_is_not_stored(editor, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the queue is unavailable")

    monkeypatch.setattr(type(intake.import_job), "enqueue", refuse)
    with pytest.raises(RuntimeError):
        workflow.import_paste(actor=editor, text=HARBOUR_TEXT)
    assert_nothing_queued()


# --- Delivered twice ------------------------------------------------------------------------------


def test_a_job_delivered_again_after_its_import_finished_changes_nothing(editor, run_jobs):
    batch, _ = run(workflow.import_paste(actor=editor, text=HARBOUR_TEXT), run_jobs)
    before = (stored(), list(Import.objects.values()), list(ImportItem.objects.values()))

    again = intake.import_run(import_id=batch.pk)

    assert again.status == DONE
    assert (stored(), list(Import.objects.values()), list(ImportItem.objects.values())) == before


def test_a_failed_import_delivered_again_changes_nothing(editor, run_jobs):
    batch, _ = run(workflow.import_upload(actor=editor, files=[("blank.txt", b" ")]), run_jobs)
    before = list(Import.objects.values()), list(ImportItem.objects.values())
    assert intake.import_run(import_id=batch.pk).status == FAILED
    assert (list(Import.objects.values()), list(ImportItem.objects.values())) == before


def test_a_second_delivery_while_the_first_is_running_loads_each_item_once(editor, monkeypatch):
    """A worker taken for dead whose import was run again meanwhile: what it reads is not stored twice."""
    batch = workflow.import_upload(actor=editor, files=[("a.txt", DAM_CLAIM.encode()), ("b.txt", PORT_CLAIM.encode())])
    real_read, deliveries = intake.read_or_refusal, []

    def read(given, options):
        if not deliveries:
            deliveries.append(None)
            deliveries[0] = intake.import_run(import_id=batch.pk)  # the second delivery runs it all meanwhile
        return real_read(given, options)

    monkeypatch.setattr(intake, "read_or_refusal", read)

    batch = intake.import_run(import_id=batch.pk)

    assert deliveries[0].status == DONE
    assert (batch.status, batch.done, batch.documents_added, batch.claims_added, batch.attempts) == (DONE, 2, 2, 2, 2)
    assert list(batch.items.values_list("status", flat=True)) == [LOADED, LOADED]
    assert SourceDocument.objects.count() == 2
    assert Claim.objects.count() == ReviewEvent.objects.count() == 2


# --- Retrying -------------------------------------------------------------------------------------


def test_a_done_import_without_failures_cannot_be_retried(editor, run_jobs):
    batch, _ = run(workflow.import_paste(actor=editor, text=HARBOUR_TEXT), run_jobs)
    before = list(Import.objects.values()), jobs()

    with pytest.raises(InvalidTransition) as refused:
        workflow.import_retry(import_id=batch.pk, actor=editor)

    assert str(refused.value) == intake.MSG_NOT_RETRYABLE.format(id=batch.pk, state="done")
    assert (list(Import.objects.values()), jobs()) == before


def test_retrying_tries_again_only_the_items_that_failed(editor, site, allow_private, run_jobs):
    good = site.article("/bridge", "Bridge to close for repairs", BRIDGE)
    flaky = site.url("/ferry")  # not there yet
    batch, items = run(workflow.import_addresses(actor=editor, urls=[good, flaky]), run_jobs)
    assert [item.status for item in items] == [LOADED, ITEM_FAILED]
    assert workflow.retry_refusal(batch) is None
    site.article("/ferry", "Ferry crossings cut", FERRY)

    retried = workflow.import_retry(import_id=batch.pk, actor=editor)

    assert (retried.status, retried.done, retried.error, retried.finished_at) == (QUEUED, 1, "", None)
    assert list(retried.items.values_list("status", "error")) == [(LOADED, ""), ("queued", "")]
    assert jobs() == [import_job_of(batch)] * 2
    batch, items = run(batch, run_jobs)
    assert [item.status for item in items] == [LOADED, LOADED]
    assert (batch.status, batch.done, batch.documents_added, batch.attempts) == (DONE, 2, 2, 2)
    assert (site.count("/bridge"), site.count("/ferry")) == (1, 2)
    assert SourceDocument.objects.count() == 2


def test_a_failed_import_can_be_retried_once_until_it_runs(editor, site, allow_private, run_jobs):
    batch, _ = run(workflow.import_addresses(actor=editor, urls=[site.url("/later")]), run_jobs)
    assert batch.status == FAILED
    site.article("/later", "Ferry crossings cut", FERRY)
    # Retried the next day: its worker last reported long ago.
    Import.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(days=1))

    workflow.import_retry(import_id=batch.pk, actor=editor)
    with pytest.raises(InvalidTransition) as refused:  # its job is queued: a second one would run it twice
        workflow.import_retry(import_id=batch.pk, actor=editor)

    assert str(refused.value) == intake.MSG_NOT_RETRYABLE.format(id=batch.pk, state="queued and alive")
    assert len(jobs()) == 2
    batch, [item] = run(batch, run_jobs)
    assert (batch.status, batch.error, item.status) == (DONE, "", LOADED)


class Killed(BaseException):
    """Stands for the worker's process killed: nothing in the job catches it."""


def kill_reading(monkeypatch, name):
    """Make the worker die when it starts reading the item ``name``."""
    real_read = intake.read_or_refusal

    def read(given, options):
        if given.name == name:
            raise Killed
        return real_read(given, options)

    monkeypatch.setattr(intake, "read_or_refusal", read)


def test_a_running_import_is_retried_only_once_its_worker_is_taken_for_dead(editor, settings, monkeypatch, run_jobs):
    settings.FACTCHECK_JOB_STALE_MINUTES = 10
    files = [("a.txt", DAM_CLAIM.encode()), ("b.txt", PORT_CLAIM.encode()), ("c.txt", FISH_CLAIM.encode())]
    batch = workflow.import_upload(actor=editor, files=files)
    monkeypatch.setattr(intake, "BATCH_ITEMS", 1)  # each item stored as soon as it is read
    kill_reading(monkeypatch, "b.txt")
    with pytest.raises(Killed):
        intake.import_run(import_id=batch.pk)
    monkeypatch.undo()
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.attempts) == (RUNNING, 1, 1)
    assert list(batch.items.values_list("status", flat=True)) == [LOADED, "queued", "queued"]

    refusal = workflow.retry_refusal(batch)  # its worker reported progress just now
    assert isinstance(refusal, InvalidTransition)
    assert str(refusal) == intake.MSG_NOT_RETRYABLE.format(id=batch.pk, state="running and alive")
    with pytest.raises(InvalidTransition):
        workflow.import_retry(import_id=batch.pk, actor=editor)

    Import.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))
    batch.refresh_from_db()
    assert workflow.retry_refusal(batch) is None
    workflow.import_retry(import_id=batch.pk, actor=editor)
    batch, items = run(batch, run_jobs)

    assert [item.status for item in items] == [LOADED, LOADED, LOADED]
    assert (batch.status, batch.done, batch.documents_added, batch.claims_added, batch.attempts) == (DONE, 3, 3, 3, 2)
    assert SourceDocument.objects.count() == 3
    assert ReviewEvent.objects.count() == 3


def test_a_queued_import_no_worker_took_can_be_retried_once_stale(editor, settings):
    settings.FACTCHECK_JOB_STALE_MINUTES = 10
    batch = workflow.import_paste(actor=editor, text=HARBOUR_TEXT)
    assert isinstance(workflow.retry_refusal(batch), InvalidTransition)
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert workflow.retry_refusal(batch, now=later) is None


def test_retrying_is_for_editors_and_known_imports(cast, run_jobs):
    batch, _ = run(workflow.import_upload(actor=cast.editor, files=[("blank.txt", b" ")]), run_jobs)
    before = list(Import.objects.values()), jobs()
    with pytest.raises(Forbidden):
        workflow.import_retry(import_id=batch.pk, actor=cast.outsider)
    with pytest.raises(NotFound, match=r"^Import 999999 does not exist\.$"):
        workflow.import_retry(import_id=999999, actor=cast.editor)
    assert (list(Import.objects.values()), jobs()) == before


# --- What the history says ------------------------------------------------------------------------


def test_imported_claims_have_a_verified_history(editor, site, allow_private, run_jobs):
    urls = [site.article("/bridge", "Bridge", BRIDGE), site.article("/ferry", "Ferry", FERRY)]
    run(workflow.import_addresses(actor=editor, urls=urls), run_jobs)
    assert list(history.verify()) == []
    assert set(ReviewEvent.objects.values_list("action", "actor")) == {(Action.CREATED, editor.pk)}
