"""The API's intake: importing articles (POST /api/documents/), imports, a document's details and versions, feeds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from annotations import workflow
from annotations.models import (
    ClaimOccurrence,
    DocumentEvent,
    Feed,
    Import,
    ImportItem,
    ImportStatus,
    Origin,
    SourceDocument,
)
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT, document_input
from annotations.tests.local_site import serving
from annotations.workflow import documents as document_actions
from annotations.workflow import intake

from .conftest import claim_url, refusal

pytestmark = pytest.mark.django_db

REPORT = "The port handled 300 ships a week in 2025, the harbour authority said. Fishing catches fell by a third."
PARAGRAPHS = ["The ferry company said it would cut winter crossings to the island from six a day to four."]


@pytest.fixture
def api(client_for, editor):
    return client_for(editor)


@pytest.fixture
def site():
    with serving() as site:
        yield site


def nothing_queued():
    return not Import.objects.exists() and not ImportItem.objects.exists() and not DBTaskResult.objects.exists()


def location_of(batch_id):
    return f"http://testserver/api/imports/{batch_id}/"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- Importing ------------------------------------------------------------------------------------


def test_posting_text_queues_an_import_and_answers_202_with_its_address(api, editor, run_jobs):
    response = api.post(
        "/api/documents/",
        {"text": REPORT, "title": "Harbour report", "publisher": "The Courier", "published_on": "2026-03-02"},
        format="json",
    )

    assert response.status_code == 202, response.content
    batch = Import.objects.get()
    assert response["Location"] == location_of(batch.pk)
    body = response.json()
    assert {key: body[key] for key in ("id", "origin", "status", "created_by", "total", "done", "feed")} == {
        "id": batch.pk, "origin": "paste", "status": "queued", "created_by": "editor1", "total": 1, "done": 0,
        "feed": None,
    }  # fmt: skip
    assert batch.items.get().metadata == {
        "title": "Harbour report",
        "publisher": "The Courier",
        "published_on": "2026-03-02",
    }
    run_jobs()
    done = api.get(response["Location"]).json()
    assert (done["status"], done["documents_added"], done["claims_added"]) == ("done", 1, 2)
    [item] = done["items"]
    document = SourceDocument.objects.get()
    assert item == {
        "position": 0, "name": "Harbour report", "status": "loaded", "error": "", "note": "", "document": document.pk,
        "version": 1, "claims_added": 2,
    }  # fmt: skip
    assert (document.title, document.publisher, str(document.published_on)) == (
        "Harbour report",
        "The Courier",
        "2026-03-02",
    )


def test_posting_text_with_its_address_keeps_the_address(api, run_jobs):
    data = {"text": REPORT, "title": "Harbour report", "url": "https://courier.example/harbour"}
    response = api.post("/api/documents/", data, format="json")
    assert response.status_code == 202, response.content
    assert Import.objects.get().origin == Origin.PASTE
    run_jobs()
    assert SourceDocument.objects.get().url == "https://courier.example/harbour"


def test_posting_an_address_alone_queues_its_fetch(api, site, settings, run_jobs):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    address = site.article("/news/ferry", "Ferry crossings cut", PARAGRAPHS)

    response = api.post("/api/documents/", {"url": address}, format="json")

    assert response.status_code == 202, response.content
    assert response.json()["origin"] == "web"
    assert site.requests == []
    run_jobs()
    done = api.get(response["Location"]).json()
    assert (done["status"], done["items"][0]["name"], done["items"][0]["status"]) == ("done", address, "loaded")
    assert SourceDocument.objects.get().title == "Ferry crossings cut"


def test_posting_one_file_queues_its_upload(api, run_jobs):
    response = api.post("/api/documents/", {"file": upload("harbour.txt", REPORT.encode())}, format="multipart")

    assert response.status_code == 202, response.content
    assert (response.json()["origin"], response.json()["total"]) == ("upload", 1)
    run_jobs()
    assert SourceDocument.objects.get().file_name == "harbour.txt"


def test_posting_several_files_queues_them_in_one_import(api, run_jobs):
    files = [
        upload("harbour.txt", REPORT.encode()),
        upload("cafes.txt", "Café owners said prices rose by 12 percent in May.".encode("cp1252")),
        upload("ferry.html", f"<html><body><article><p>{PARAGRAPHS[0]}</p></article></body></html>".encode()),
    ]

    response = api.post("/api/documents/", {"file": files}, format="multipart")

    assert response.status_code == 202, response.content
    batch = Import.objects.get()
    assert list(batch.items.values_list("name", flat=True)) == ["harbour.txt", "cafes.txt", "ferry.html"]
    run_jobs()
    items = api.get(response["Location"]).json()["items"]
    assert [item["status"] for item in items] == ["loaded"] * 3
    assert items[1]["note"] == "decoded as cp1252 (detected)"


# case: (how it is posted, the field at fault)
BAD_POSTS = {
    "nothing": ({}, "json", "text"),
    "empty text": ({"text": ""}, "json", "text"),
    "blank text": ({"text": " \n "}, "json", "text"),
    "not an address": ({"url": "courier.example/news"}, "json", "url"),
    "not http": ({"url": "ftp://courier.example/a.txt"}, "json", "url"),
    "bad date": ({"text": REPORT, "published_on": "12/05/2026"}, "json", "published_on"),
    "title too long": ({"text": REPORT, "title": "T" * 501}, "json", "title"),
    "bad metadata address": ({"text": REPORT, "url": "javascript:alert(1)"}, "json", "url"),
    "no file": ({"other": "x"}, "multipart", "file"),
    "wrong suffix": ({"file": [upload("a.txt", b"x"), upload("report.pdf", b"%PDF-1.7")]}, "multipart", "file"),
    "empty file": ({"file": upload("a.txt", b"")}, "multipart", "file"),
    "file too large": ({"file": upload("big.txt", b"x" * 101)}, "multipart", "file"),
}


@pytest.mark.parametrize("case", BAD_POSTS)
def test_bad_input_is_a_400_naming_the_field_and_queues_nothing(api, settings, case):
    settings.FACTCHECK_UPLOAD_MAX_BYTES = 100
    data, kind, field = BAD_POSTS[case]

    body = refusal(api.post("/api/documents/", data, format=kind), 400)

    assert body[field] and all(isinstance(message, str) and message for message in body[field]), body
    assert nothing_queued()


def test_the_reason_of_a_refused_file_names_it(api, settings):
    settings.FACTCHECK_UPLOAD_MAX_BYTES = 100
    body = refusal(api.post("/api/documents/", {"file": upload("big.txt", b"x" * 101)}, format="multipart"), 400)
    assert body == {"detail": "big.txt: is too large (101 bytes; at most 100).", "code": "invalid",
                    "file": ["big.txt: is too large (101 bytes; at most 100)."]}  # fmt: skip


def test_a_body_of_another_type_is_a_415(api):
    response = api.generic("POST", "/api/documents/", REPORT, content_type="text/plain")
    assert refusal(response, 415)["detail"]
    assert nothing_queued()


# --- Imports --------------------------------------------------------------------------------------


@pytest.fixture
def imports(editor, reviewer, run_jobs):
    """A done import (one document), a failed one (a blank file), and one still queued."""
    done = workflow.import_paste(actor=editor, text=REPORT, title="Harbour report")
    failed = workflow.import_upload(actor=reviewer, files=[("blank.txt", b"  ")])
    run_jobs()
    queued = workflow.import_paste(actor=editor, text=f"{CLAIM_TEXT} {SECOND_CLAIM_TEXT}")
    return [Import.objects.get(pk=batch.pk) for batch in (done, failed, queued)]


def test_the_import_list_shows_each_import_without_its_items(api, imports):
    response = api.get("/api/imports/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [batch.pk for batch in imports]
    assert [(row["status"], row["created_by"]) for row in rows] == [
        ("done", "editor1"), ("failed", "reviewer1"), ("queued", "editor1"),
    ]  # fmt: skip
    assert "items" not in rows[0]
    assert rows[1]["error"] == "Nothing could be loaded: blank.txt: is empty"


def test_an_import_shows_its_items(api, imports):
    failed = api.get(f"/api/imports/{imports[1].pk}/").json()
    assert failed["items"] == [
        {"position": 0, "name": "blank.txt", "status": "failed", "error": "is empty", "note": "", "document": None,
         "version": None, "claims_added": 0},
    ]  # fmt: skip
    assert api.get("/api/imports/999999/").status_code == 404


def test_retrying_a_failed_import_answers_202_and_queues_it(api, imports):
    response = api.post(f"/api/imports/{imports[1].pk}/retry/")
    assert response.status_code == 202, response.content
    assert (response.json()["id"], response.json()["status"]) == (imports[1].pk, "queued")
    assert Import.objects.get(pk=imports[1].pk).status == ImportStatus.QUEUED


def test_retrying_an_import_that_needs_none_is_a_409_and_changes_nothing(api, imports):
    before = list(Import.objects.values()), DBTaskResult.objects.count()
    body = refusal(api.post(f"/api/imports/{imports[0].pk}/retry/"), 409)
    assert body == {
        "detail": intake.MSG_NOT_RETRYABLE.format(id=imports[0].pk, state="done"),
        "code": "invalid_transition",
    }
    body = refusal(api.post(f"/api/imports/{imports[2].pk}/retry/"), 409)
    assert "queued and alive" in body["detail"]
    assert refusal(api.post("/api/imports/999999/retry/"), 404)["detail"]
    assert (list(Import.objects.values()), DBTaskResult.objects.count()) == before


def test_the_import_list_and_an_import_run_as_many_queries_whatever_their_size(api, imports, editor, run_jobs):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured)

    small = queries("/api/imports/"), queries(f"/api/imports/{imports[0].pk}/")
    files = [(f"{n}.txt", f"The port handled {n + 300} ships in week {n + 1}.".encode()) for n in range(12)]
    large = workflow.import_upload(actor=editor, files=files)
    for _ in range(5):
        workflow.import_paste(actor=editor, text=REPORT, title="Again")
    run_jobs()

    assert (queries("/api/imports/"), queries(f"/api/imports/{large.pk}/")) == small


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_imports_are_not_written_directly(api, imports, method):
    response = getattr(api, method)(f"/api/imports/{imports[0].pk}/", {"status": "done"}, format="json")
    assert refusal(response, 405)["detail"]


# --- A document's details -------------------------------------------------------------------------


def document_url(document, extra=""):
    return f"/api/documents/{document.pk}/{extra}"


def test_editing_a_document_answers_it_at_its_next_revision(api, documents, editor):
    report = documents.report

    response = api.patch(document_url(report), {"author": "Jane Doe", "revision": 1}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["author"], body["revision"], body["version"]) == (report.pk, "Jane Doe", 2, 1)
    event = DocumentEvent.objects.get(action="edited")
    assert (event.actor, event.details) == (editor, {"author": ["", "Jane Doe"]})


def test_a_stale_revision_field_is_a_409_and_changes_nothing(api, documents, editor2):
    workflow.document_edit(document_id=documents.report.pk, actor=editor2, author="John Roe")
    before = SourceDocument.objects.values().get(pk=documents.report.pk), DocumentEvent.objects.count()

    body = refusal(api.patch(document_url(documents.report), {"author": "Jane Doe", "revision": 1}, format="json"), 409)

    assert body == {"detail": document_actions.MSG_STALE.format(expected=1, current=2), "code": "conflict"}
    assert (SourceDocument.objects.values().get(pk=documents.report.pk), DocumentEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ('"document-{id}-r1"', 412),
        ("1", 412),
        ('W/"document-{id}-r1"', 412),
        ('"document-{id}-r2"', 200),
        ("2", 200),
        ('"document-{other}-r2"', 412),
        ("revision two", 400),
    ],
)
def test_if_match_names_the_revision_the_edit_is_based_on(api, documents, editor2, if_match, status):
    report = documents.report
    workflow.document_edit(document_id=report.pk, actor=editor2, author="John Roe")
    header = if_match.format(id=report.pk, other=documents.survey.pk)
    before = SourceDocument.objects.values().get(pk=report.pk)

    response = api.patch(document_url(report), {"author": "Jane Doe"}, format="json", HTTP_IF_MATCH=header)

    assert response.status_code == status, response.content
    if status == 412:
        assert response.json()["code"] == "precondition_failed"
    if status != 200:
        assert SourceDocument.objects.values().get(pk=report.pk) == before
    else:
        assert response.json()["revision"] == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "T" * 501}, "title"),
        ({"url": "rivertimes.example"}, "url"),
        ({"published_on": "March 3"}, "published_on"),
        ({"revision": 0, "author": "x"}, "revision"),
        ({"language": "x" * 36}, "language"),
    ],
)
def test_invalid_details_are_a_400_naming_the_field(api, documents, data, field):
    before = SourceDocument.objects.values().get(pk=documents.report.pk), DocumentEvent.objects.count()
    body = refusal(api.patch(document_url(documents.report), data, format="json"), 400)
    assert body[field], body
    assert (SourceDocument.objects.values().get(pk=documents.report.pk), DocumentEvent.objects.count()) == before


def test_an_edit_with_nothing_to_change_is_a_400(api, documents):
    body = refusal(api.patch(document_url(documents.report), {}, format="json"), 400)
    assert body["detail"] == document_actions.MSG_NO_CHANGE


@pytest.mark.parametrize("method", ["put", "delete"])
def test_documents_are_not_replaced_or_deleted(api, documents, method):
    response = getattr(api, method)(document_url(documents.report), {"title": "x"}, format="json")
    assert refusal(response, 405)["detail"]
    assert SourceDocument.objects.get(pk=documents.report.pk).title == "River report"


# --- Versions -------------------------------------------------------------------------------------

NEW_SENTENCE = "Officials now say the figure has tripled since 2010."


@pytest.fixture
def second_version(documents, editor):
    """The river report's version 2: its second sentence replaced by a new one."""
    text = f"{CLAIM_TEXT} {NEW_SENTENCE}"
    workflow.document_new_version(
        document_id=documents.report.pk, new=document_input(text, "River report, updated", [CLAIM_TEXT, NEW_SENTENCE]),
        actor=editor,
    )  # fmt: skip
    return SourceDocument.objects.get(pk=documents.report.pk)


def test_a_documents_versions_are_listed_newest_first(api, second_version):
    response = api.get(document_url(second_version, "versions/"))
    assert response.status_code == 200
    rows = response.json()
    assert [row["number"] for row in rows] == [2, 1]
    assert rows[0]["content_hash"] == second_version.content_hash
    assert set(rows[0]) == {"number", "content_hash", "url", "created_at"}


def test_the_document_detail_lists_only_its_current_claims(api, second_version):
    body = api.get(document_url(second_version)).json()
    assert (body["version"], body["revision"], body["title"]) == (2, 2, "River report, updated")
    assert [claim["text"] for claim in body["claims"]] == [CLAIM_TEXT, NEW_SENTENCE]
    assert [body["text"][claim["start"] : claim["end"]] for claim in body["claims"]] == [CLAIM_TEXT, NEW_SENTENCE]


def test_a_claims_occurrences_say_since_when_they_are_gone(api, second_version):
    gone = ClaimOccurrence.objects.get(claim__text=SECOND_CLAIM_TEXT)
    body = api.get(claim_url(gone.claim)).json()
    assert [(o["document"], o["version"], o["removed_in"]) for o in body["occurrences"]] == [(second_version.pk, 1, 2)]
    kept = api.get(claim_url(ClaimOccurrence.objects.get(claim__text=CLAIM_TEXT).claim)).json()
    assert [(o["version"], o["removed_in"]) for o in kept["occurrences"]] == [(2, None)]
    assert api.get("/api/documents/999999/versions/").status_code == 404


# --- Feeds ----------------------------------------------------------------------------------------

FEED = "https://courier.example/feed.xml"


def test_subscribing_to_a_feed_answers_201_with_it(api, editor):
    response = api.post("/api/feeds/", {"url": FEED}, format="json")
    assert response.status_code == 201, response.content
    feed = Feed.objects.get()
    body = response.json()
    assert (body["id"], body["url"], body["active"], body["items_loaded"], body["last_error"]) == (
        feed.pk, FEED, True, 0, "",
    )  # fmt: skip
    assert feed.added_by == editor
    assert DBTaskResult.objects.filter(task_path="annotations.workflow.feeds.feed_check_job").count() == 1


@pytest.mark.parametrize("data", [{}, {"url": ""}, {"url": "courier.example/feed"}, {"url": "ftp://courier.example/f"}])
def test_an_invalid_feed_address_is_a_400(api, data):
    assert refusal(api.post("/api/feeds/", data, format="json"), 400)["url"]
    assert not Feed.objects.exists() and not DBTaskResult.objects.exists()


def test_a_feed_subscribed_twice_is_a_400(api, editor):
    feed = workflow.feed_add(actor=editor, url=FEED)
    body = refusal(api.post("/api/feeds/", {"url": FEED}, format="json"), 400)
    assert body["url"] == [f"This feed is already subscribed (feed {feed.pk})."]
    assert Feed.objects.count() == 1


def test_the_feed_list_and_a_feed(api, editor):
    first = workflow.feed_add(actor=editor, url=FEED)
    second = workflow.feed_add(actor=editor, url="https://courier.example/sport.xml")
    rows = api.get("/api/feeds/").json()["results"]
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert api.get(f"/api/feeds/{second.pk}/").json()["url"] == "https://courier.example/sport.xml"


def test_pausing_and_resuming_a_feed(api, editor):
    feed = workflow.feed_add(actor=editor, url=FEED)
    paused = api.patch(f"/api/feeds/{feed.pk}/", {"active": False}, format="json")
    assert (paused.status_code, paused.json()["active"]) == (200, False)
    assert not Feed.objects.get().active
    assert refusal(api.patch(f"/api/feeds/{feed.pk}/", {"active": "maybe"}, format="json"), 400)["active"]
    assert refusal(api.patch(f"/api/feeds/{feed.pk}/", {}, format="json"), 400)["active"]
    assert (
        refusal(api.post(f"/api/feeds/{feed.pk}/check/"), 409)["detail"]
        == f"Feed {feed.pk} is paused: resume it to check it."
    )
    resumed = api.patch(f"/api/feeds/{feed.pk}/", {"active": True}, format="json")
    assert resumed.json()["active"] is True


def test_checking_a_feed_now_answers_202(api, editor):
    feed = workflow.feed_add(actor=editor, url=FEED)
    response = api.post(f"/api/feeds/{feed.pk}/check/")
    assert (response.status_code, response.json()["id"]) == (202, feed.pk)
    assert DBTaskResult.objects.count() == 2
    assert refusal(api.post("/api/feeds/999999/check/"), 404)["detail"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_feeds_are_not_replaced_or_deleted(api, editor, method):
    feed = workflow.feed_add(actor=editor, url=FEED)
    response = getattr(api, method)(f"/api/feeds/{feed.pk}/", {"url": "https://elsewhere.example/"}, format="json")
    assert refusal(response, 405)["detail"]
    assert Feed.objects.get().url == FEED
