"""Intake in the admin: adding articles, an import's page, feeds, and a document's page (details, versions)."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import capfirst
from django_tasks_db.models import DBTaskResult

from annotations import workflow
from annotations.models import (
    ClaimOccurrence,
    DocumentAction,
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

from .conftest import staff

pytestmark = pytest.mark.django_db

ADD = "admin:annotations_sourcedocument_add"
PORT = "The port handled 300 ships a week in 2025, the harbour authority said."
FISH = "Fishing catches fell by a third in ten years, according to the survey."
HARBOUR = f"Harbour report\n\nBy Jane Doe\n{PORT}\n{FISH}\nFollow us on Twitter\n"


def page(response):
    return html.unescape(response.content.decode())


def said(message):
    """Return ``message`` as the admin shows it: its messages start with a capital (``capfirst``)."""
    return capfirst(message)


def import_page(batch):
    return reverse("admin:annotations_import_change", args=[batch.pk])


def document_page(document):
    return reverse("admin:annotations_sourcedocument_change", args=[document.pk])


def nothing_queued():
    return not Import.objects.exists() and not ImportItem.objects.exists() and not DBTaskResult.objects.exists()


# --- The add page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_add_page_offers_three_ways_in(client, request, who):
    staff(client, request.getfixturevalue(who))
    response = client.get(reverse(ADD))
    assert response.status_code == 200
    text = page(response)
    for form in ("paste-form", "upload-form", "web-form"):
        assert f'id="{form}"' in text
    assert 'name="_intake" value="paste"' in text and 'name="text"' in text and 'name="published_on"' in text
    assert 'type="file" name="upload" multiple' in text and 'enctype="multipart/form-data"' in text
    assert 'name="urls"' in text
    assert reverse("admin:annotations_feed_add") in text


def test_pasting_an_article_queues_it_and_shows_the_import(client, editor, run_jobs):
    staff(client, editor)

    response = client.post(
        reverse(ADD),
        {"_intake": "paste", "text": HARBOUR, "title": "Harbour report", "publisher": "The Courier",
         "author": "", "url": "https://courier.example/harbour", "published_on": "2026-03-02", "language": "en"},
    )  # fmt: skip

    batch = Import.objects.get()
    assert response.status_code == 302 and response["Location"] == import_page(batch)
    assert (batch.origin, batch.created_by, batch.status) == (Origin.PASTE, editor, ImportStatus.QUEUED)
    assert batch.items.get().metadata == {
        "title": "Harbour report", "publisher": "The Courier", "url": "https://courier.example/harbour",
        "published_on": "2026-03-02", "language": "en",
    }  # fmt: skip
    shown = page(client.get(response["Location"]))
    assert f"Import {batch.pk} is queued: its progress is below." in shown
    assert '<meta http-equiv="refresh" content="2">' in shown  # it reloads itself while the job runs
    assert "0 of 1 item done" in shown
    run_jobs()
    document = SourceDocument.objects.get()
    assert (document.title, document.publisher, document.url) == (
        "Harbour report", "The Courier", "https://courier.example/harbour",
    )  # fmt: skip


def test_uploading_several_files_queues_them_in_one_import(client, editor):
    staff(client, editor)
    files = [
        SimpleUploadedFile("harbour.txt", f"{PORT} {FISH}".encode()),
        SimpleUploadedFile("notes.md", f"# Notes\n\n{FISH}\n".encode()),
    ]

    response = client.post(reverse(ADD), {"_intake": "upload", "upload": files})

    batch = Import.objects.get()
    assert response.status_code == 302 and response["Location"] == import_page(batch)
    assert (batch.origin, batch.total) == (Origin.UPLOAD, 2)
    assert [(item.name, bytes(item.content)) for item in batch.items.order_by("position")] == [
        ("harbour.txt", f"{PORT} {FISH}".encode()), ("notes.md", f"# Notes\n\n{FISH}\n".encode()),
    ]  # fmt: skip


def test_giving_web_addresses_queues_their_fetch(client, reviewer):
    staff(client, reviewer)
    urls = "https://courier.example/news/1\n\n  https://courier.example/news/2  \n"

    response = client.post(reverse(ADD), {"_intake": "web", "urls": urls})

    batch = Import.objects.get()
    assert response.status_code == 302 and response["Location"] == import_page(batch)
    assert (batch.origin, batch.created_by) == (Origin.WEB, reviewer)
    assert list(batch.items.values_list("name", flat=True)) == [
        "https://courier.example/news/1", "https://courier.example/news/2",
    ]  # fmt: skip


# case: (what is posted, the status, what the page says)
REFUSED = {
    "empty text": ({"_intake": "paste", "text": "  ", "title": "Kept title"}, 400, intake.MSG_TEXT_EMPTY),
    "bad date": (
        {"_intake": "paste", "text": PORT, "title": "Kept title", "published_on": "2026-13-45"},
        400,
        "Nothing was imported: published_on: Enter a valid date.",
    ),
    "bad address in the metadata": (
        {"_intake": "paste", "text": PORT, "title": "Kept title", "url": "courier.example/harbour"},
        400,
        "courier.example/harbour: is not a full web address",
    ),
    "no files": ({"_intake": "upload"}, 400, "Nothing to import: give at least one file."),
    "wrong suffix": (
        {"_intake": "upload", "upload": [SimpleUploadedFile("report.pdf", b"%PDF-1.7")]},
        400,
        "report.pdf: is not a .txt, .md, .html or .htm file.",
    ),
    "no address": ({"_intake": "web", "urls": "\n \n"}, 400, "Nothing to import: give a web address."),
    "not an address": ({"_intake": "web", "urls": "ftp://courier.example/a.txt"}, 400, "ftp://courier.example/a.txt: "),
    "unknown way in": ({"_intake": "fax"}, 400, "Unknown way in 'fax'."),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refusals_show_the_form_again_with_the_reason_and_queue_nothing(client, editor, case):
    staff(client, editor)
    data, status, message = REFUSED[case]

    response = client.post(reverse(ADD), data)

    assert response.status_code == status
    text = page(response)
    assert said(message) in text
    assert 'id="paste-form"' in text and 'id="upload-form"' in text and 'id="web-form"' in text
    if "title" in data:  # what was typed is shown back
        assert 'value="Kept title"' in text
    assert nothing_queued()


def test_a_date_not_written_yyyy_mm_dd_is_refused_not_guessed(client, editor):
    staff(client, editor)
    response = client.post(reverse(ADD), {"_intake": "paste", "text": PORT, "title": "T", "published_on": "12/05/2026"})
    assert response.status_code == 400
    assert nothing_queued()


def test_a_user_without_a_role_cannot_add_articles(client, cast):
    staff(client, cast.no_role_staff)
    assert client.get(reverse(ADD)).status_code == 403
    assert client.post(reverse(ADD), {"_intake": "paste", "text": HARBOUR}).status_code == 403
    assert nothing_queued()


# --- An import's page -----------------------------------------------------------------------------


@pytest.fixture
def finished(editor, run_jobs):
    """An upload of three files, run: one loaded, one refused, one the same text again."""
    files = [("harbour.txt", HARBOUR.encode()), ("photo.txt", b"\x89PNG\x00\x00"), ("copy.txt", HARBOUR.encode())]
    batch = workflow.import_upload(actor=editor, files=files)
    run_jobs()
    batch.refresh_from_db()
    return batch


def test_the_import_page_shows_progress_items_reasons_and_dropped_lines(client, editor, finished):
    staff(client, editor)
    document = SourceDocument.objects.get()

    response = client.get(import_page(finished))

    assert response.status_code == 200
    text = page(response)
    assert "Done" in text and "3 of 3 items done" in text
    assert '<meta http-equiv="refresh"' not in text  # finished: no more reloading
    assert "Documents added: <strong>1</strong>" in text
    assert "claims added: <strong>2</strong> (0 already known)" in text
    rows = re.findall(r'<tr class="fc-item" data-status="(\w+)">(.*?)</tr>', text, re.S)
    assert [status for status, _ in rows] == ["loaded", "failed", "unchanged"]
    assert "harbour.txt" in rows[0][1] and document_page(document) in rows[0][1]
    assert "photo.txt" in rows[1][1] and "looks binary (NUL bytes)" in rows[1][1]
    assert f"already loaded as document {document.pk}" in rows[2][1]
    dropped = re.search(r'<p id="import-dropped".*?</p>', text, re.S).group(0)
    for reason in ("byline", "empty line", "newsletter or social prompt"):
        assert reason in dropped


def test_the_retry_button_shows_only_when_a_retry_is_allowed_and_works(client, editor, finished, run_jobs):
    staff(client, editor)
    assert 'id="retry-form"' in page(client.get(import_page(finished)))  # an item failed

    response = client.post(import_page(finished), {"_action": "retry"})

    assert response.status_code == 302 and response["Location"] == import_page(finished)
    finished.refresh_from_db()
    assert (finished.status, finished.done) == (ImportStatus.QUEUED, 2)
    shown = page(client.get(import_page(finished)))
    assert f"Import {finished.pk} is queued again." in shown
    assert 'id="retry-form"' not in shown  # queued, its worker not late: nothing to retry
    before = list(Import.objects.values()), DBTaskResult.objects.count()

    refused = client.post(import_page(finished), {"_action": "retry"})

    assert refused.status_code == 409
    assert intake.MSG_NOT_RETRYABLE.format(id=finished.pk, state="queued and alive") in page(refused)
    assert (list(Import.objects.values()), DBTaskResult.objects.count()) == before


def test_a_done_import_without_failures_offers_no_retry(client, editor, run_jobs):
    batch = workflow.import_paste(actor=editor, text=HARBOUR, title="Harbour report")
    run_jobs()
    staff(client, editor)
    assert 'id="retry-form"' not in page(client.get(import_page(batch)))
    assert client.post(import_page(batch), {"_action": "retry"}).status_code == 409


def test_an_unknown_action_on_the_import_page_is_refused(client, editor, finished):
    staff(client, editor)
    before = list(Import.objects.values())
    response = client.post(import_page(finished), {"_action": "delete"})
    assert response.status_code == 400
    assert "Unknown action 'delete'." in page(response)
    assert list(Import.objects.values()) == before


def test_a_failed_import_shows_why(client, editor, run_jobs):
    batch = workflow.import_upload(actor=editor, files=[("blank.txt", b"  ")])
    run_jobs()
    staff(client, editor)
    text = page(client.get(import_page(batch)))
    assert "Failed" in text
    assert "Nothing could be loaded: blank.txt: is empty" in text


def test_a_running_import_says_so_and_reloads_itself(client, editor):
    batch = workflow.import_paste(actor=editor, text=HARBOUR, title="Harbour report")
    Import.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    staff(client, editor)
    text = page(client.get(import_page(batch)))
    assert "Running" in text and '<meta http-equiv="refresh" content="2">' in text
    assert 'id="retry-form"' not in text  # its worker is alive


def test_a_feeds_import_names_the_feed(client, editor, settings, run_jobs):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    with serving() as site:
        site.article("/news/port", "Harbour report", [PORT])
        address = site.feed("/feed.xml", [{"guid": "port", "link": site.url("/news/port"), "title": "Port"}])
        workflow.feed_add(actor=editor, url=address)
        run_jobs()
    batch = Import.objects.get()
    staff(client, editor)
    text = page(client.get(import_page(batch)))
    assert "from <a" in text and "The Courier: news</a>" in text
    assert "queued by the feed scheduler" in text


def test_the_import_list_shows_each_import(client, editor, finished):
    staff(client, editor)
    text = page(client.get(reverse("admin:annotations_import_changelist")))
    assert f"Import {finished.pk}" in text and "Uploaded" in text and "3 of 3" in text


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_import_pages_run_as_many_queries_whatever_their_size(client, editor, run_jobs):
    small = workflow.import_upload(actor=editor, files=[("a.txt", PORT.encode())])
    files = [(f"{n}.txt", f"The port handled {n + 300} ships in week {n + 1}.".encode()) for n in range(12)]
    large = workflow.import_upload(actor=editor, files=[*files, ("blank.txt", b" ")])
    run_jobs()
    staff(client, editor)
    changelist = reverse("admin:annotations_import_changelist")

    one = queries(client, import_page(small)), queries(client, changelist)
    for _ in range(5):
        workflow.import_paste(actor=editor, text=FISH, title="Fish")

    assert (queries(client, import_page(large)), queries(client, changelist)) == one


# --- Feeds ----------------------------------------------------------------------------------------


def test_the_feed_list_shows_the_last_check_items_loaded_and_last_error(client, editor):
    checked = datetime.datetime(2026, 5, 12, 9, 30, tzinfo=datetime.UTC)
    Feed.objects.create(
        url="https://courier.example/feed.xml", title="The Courier", added_by=editor, items_loaded=12,
        last_checked_at=checked,
    )  # fmt: skip
    Feed.objects.create(
        url="https://gazette.example/rss", added_by=editor, last_error="refused the connection", active=False
    )
    staff(client, editor)

    text = page(client.get(reverse("admin:annotations_feed_changelist")))

    assert "The Courier" in text and "https://gazette.example/rss" in text
    assert '<td class="field-items_loaded">12</td>' in text
    assert '<td class="field-error">refused the connection</td>' in text
    assert '<td class="field-error">—</td>' in text
    assert re.search(r'<td class="field-last_checked_at[^"]*">May 12, 2026, 9:30 a\.m\.</td>', text)
    for action in ("check_now", "pause", "resume"):
        assert f'<option value="{action}">' in text
    assert 'value="delete_selected"' not in text


def test_subscribing_from_the_admin(client, editor):
    staff(client, editor)
    assert client.get(reverse("admin:annotations_feed_add")).status_code == 200

    response = client.post(reverse("admin:annotations_feed_add"), {"url": "https://courier.example/feed.xml"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:annotations_feed_changelist")
    feed = Feed.objects.get()
    assert (feed.url, feed.added_by) == ("https://courier.example/feed.xml", editor)
    assert DBTaskResult.objects.count() == 1
    assert "Subscribed to https://courier.example/feed.xml: its first check is queued." in page(
        client.get(response["Location"])
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [("", "Nothing was added: url: This field is required."), ("courier.example/feed", "is not a full web address")],
)
def test_a_feed_that_cannot_be_subscribed_shows_why(client, editor, url, message):
    staff(client, editor)
    response = client.post(reverse("admin:annotations_feed_add"), {"url": url})
    assert response.status_code == 400
    assert message in page(response)
    assert not Feed.objects.exists() and not DBTaskResult.objects.exists()


def test_a_feed_subscribed_twice_shows_why(client, editor):
    feed = workflow.feed_add(actor=editor, url="https://courier.example/feed.xml")
    staff(client, editor)
    response = client.post(reverse("admin:annotations_feed_add"), {"url": "https://courier.example/feed.xml"})
    assert response.status_code == 400
    assert f"This feed is already subscribed (feed {feed.pk})." in page(response)
    assert Feed.objects.count() == 1


def test_the_feed_actions_pause_resume_and_check(client, editor):
    feed = workflow.feed_add(actor=editor, url="https://courier.example/feed.xml")
    staff(client, editor)
    changelist = reverse("admin:annotations_feed_changelist")

    def act(name):
        response = client.post(changelist, {"action": name, "_selected_action": [str(feed.pk)]}, follow=True)
        return page(response)

    assert "1 feed(s) paused; 0 refused." in act("pause")
    assert not Feed.objects.get().active
    refused = act("check_now")
    assert "0 feed(s) queued for a check; 1 refused." in refused
    assert f"Feed {feed.pk}: Feed {feed.pk} is paused: resume it to check it." in refused
    assert "1 feed(s) resumed; 0 refused." in act("resume")
    assert "1 feed(s) queued for a check; 0 refused." in act("check_now")
    assert Feed.objects.get().active
    assert DBTaskResult.objects.count() == 3  # subscribing, resuming, checking now


# --- A document's page ----------------------------------------------------------------------------


@pytest.fixture
def report(documents):
    SourceDocument.objects.filter(pk=documents.report.pk).update(
        publisher="River Times", author="Jane Doe", url="https://rivertimes.example/report", language="en"
    )
    return SourceDocument.objects.get(pk=documents.report.pk)


def edit_data(document, **changes):
    data = {name: getattr(document, name) or "" for name in document_actions.EDITABLE}
    return {**data, "revision": document.revision, **changes}


def test_the_document_page_shows_its_details_versions_and_history(client, editor, report):
    staff(client, editor)

    text = page(client.get(document_page(report)))

    meta = re.search(r'<p class="fc-muted" id="document-meta">.*?</p>', text, re.S).group(0)
    for shown in ("River Times", "by Jane Doe", "language en", "https://rivertimes.example/report"):
        assert shown in meta
    versions = re.search(r'<div class="fc-card" id="document-versions">.*?</table>', text, re.S).group(0)
    assert "1 (current)" in versions
    assert re.findall(r'data-action="(\w+)"', text) == ["loaded"]


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_editors_edit_a_documents_details_and_the_history_shows_the_change(client, request, report, who):
    user = request.getfixturevalue(who)
    staff(client, user)
    text = page(client.get(document_page(report)))
    assert 'id="document-edit-form"' in text and 'name="revision" value="1"' in text

    response = client.post(document_page(report), edit_data(report, author="John Roe", published_on="2026-03-02"))

    assert response.status_code == 302 and response["Location"] == document_page(report)
    report.refresh_from_db()
    assert (report.author, str(report.published_on), report.revision) == ("John Roe", "2026-03-02", 2)
    event = DocumentEvent.objects.get(action=DocumentAction.EDITED)
    assert (event.actor, event.details) == (
        user,
        {"author": ["Jane Doe", "John Roe"], "published_on": ["", "2026-03-02"]},
    )
    shown = page(client.get(document_page(report)))
    assert "The document's details were saved." in shown
    assert re.findall(r'data-action="(\w+)"', shown) == ["edited", "loaded"]
    assert "author: “Jane Doe” → “John Roe”" in shown
    assert 'name="revision" value="2"' in shown


def test_a_stale_edit_is_refused_and_shows_the_input_back(client, editor, editor2, report):
    staff(client, editor)
    stale = edit_data(report, author="John Roe")
    workflow.document_edit(document_id=report.pk, actor=editor2, publisher="The River Times")
    before = SourceDocument.objects.values().get(pk=report.pk), DocumentEvent.objects.count()

    response = client.post(document_page(report), stale)

    assert response.status_code == 409
    text = page(response)
    assert document_actions.MSG_STALE.format(expected=1, current=2) in text
    assert 'value="John Roe"' in text
    assert (SourceDocument.objects.values().get(pk=report.pk), DocumentEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "A document needs a title."),
        ({"url": "rivertimes.example"}, "rivertimes.example: is not a full web address"),
        ({"published_on": "March 3"}, "Nothing was changed: published_on: Enter a valid date."),
        ({"revision": "x"}, "Nothing was changed: revision: Enter a whole number."),
    ],
)
def test_an_invalid_edit_is_refused_with_the_reason(client, editor, report, changes, message):
    staff(client, editor)
    before = SourceDocument.objects.values().get(pk=report.pk), DocumentEvent.objects.count()
    response = client.post(document_page(report), edit_data(report, **changes))
    assert response.status_code == 400
    assert said(message) in page(response)
    assert (SourceDocument.objects.values().get(pk=report.pk), DocumentEvent.objects.count()) == before


def test_a_user_without_a_role_cannot_edit_a_document(client, cast, report):
    staff(client, cast.no_role_staff)
    before = SourceDocument.objects.values().get(pk=report.pk)
    assert client.post(document_page(report), edit_data(report, author="John Roe")).status_code == 403
    assert SourceDocument.objects.values().get(pk=report.pk) == before


# --- Versions on the document's and the claim's pages -----------------------------------------------

NEW_SENTENCE = "Officials now say the figure has tripled since 2010."


@pytest.fixture
def second_version(documents, editor):
    """The river report's version 2: its second sentence replaced by a new one."""
    text = f"{CLAIM_TEXT} {NEW_SENTENCE}"
    workflow.document_new_version(
        document_id=documents.report.pk, new=document_input(text, "River report", [CLAIM_TEXT, NEW_SENTENCE]),
        actor=editor,
    )  # fmt: skip
    return SourceDocument.objects.get(pk=documents.report.pk)


def test_the_document_page_shows_its_versions_and_the_claims_no_longer_in_it(client, editor, second_version):
    staff(client, editor)

    text = page(client.get(document_page(second_version)))

    assert "<strong>version 2</strong>" in text
    versions = re.search(r'<div class="fc-card" id="document-versions">.*?</table>', text, re.S).group(0)
    assert re.findall(r"<tr><td>(\d+)", versions) == ["2", "1"]
    assert "2 (current)" in versions
    gone = re.search(r'<div class="fc-card" id="claims-gone">.*?</div>', text, re.S).group(0)
    assert SECOND_CLAIM_TEXT in gone and "since version 2" in gone
    body = re.search(r'<div class="fc-doc-text" id="document-text">(.*?)</div>', text, re.S).group(1)
    assert NEW_SENTENCE in body and SECOND_CLAIM_TEXT not in body
    assert re.findall(r'data-action="(\w+)"', text) == ["versioned", "loaded"]
    assert "New version 2: 1 claim(s) added, 1 gone" in text


def test_the_claim_page_says_since_which_version_a_sentence_is_gone(client, editor, second_version):
    staff(client, editor)
    gone = ClaimOccurrence.objects.get(claim__text=SECOND_CLAIM_TEXT)

    text = page(client.get(reverse("admin:annotations_claim_change", args=[gone.claim_id])))

    context = re.search(r'<div class="fc-card" id="claim-context">.*?</div>', text, re.S).group(0)
    assert "no longer in the article since version 2" in context
    assert f"<mark>{SECOND_CLAIM_TEXT}</mark>" in context  # shown in the version it was in
    kept = ClaimOccurrence.objects.get(claim__text=CLAIM_TEXT)
    text = page(client.get(reverse("admin:annotations_claim_change", args=[kept.claim_id])))
    assert "no longer in the article" not in text
