"""Imports run by real worker processes (``manage.py db_worker``) on the test database (PostgreSQL).

A worker killed (SIGKILL) while it fetches a page leaves only whole documents behind; once its
import is taken for stale it can be retried, and a second worker completes it, loading each page
once. Two workers on one queue take different jobs and run each once. The pages are served by a
local server in this process, which the workers reach on 127.0.0.1.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from annotations import history, workflow
from annotations.models import (
    Action,
    Claim,
    DocumentAction,
    Import,
    ImportItemStatus,
    ImportStatus,
    ReviewEvent,
    SourceDocument,
)
from annotations.tests.local_site import article_html, serving
from annotations.workflow.errors import InvalidTransition

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: worker processes share the test database with this one (SQLite's is in memory)",
    ),
    pytest.mark.django_db(transaction=True),  # what the workers see is what this process committed
]

PROJECT = Path(settings.BASE_DIR)
IMPORT_JOB = "annotations.workflow.intake.import_job"
PAGES = {
    "/a": ("Bridge to close", "The council said the Old Mill bridge will close for six weeks from June 2 for repairs."),
    "/b": ("Ferry crossings cut", "The ferry company said it would cut winter crossings from six a day to four."),
    "/c": ("School to reopen", "The school on Hill Street will reopen on Monday after a burst pipe flooded two rooms."),
    "/d": ("Harbour report", "The port handled 300 ships a week in 2025, the harbour authority said on Friday."),
}
# A worker that stores each page as soon as it is read (a chunk of one), so that a kill finds some stored.
ONE_BY_ONE = (
    "import django, sys; django.setup(); from django.core.management import call_command; "
    "from annotations.workflow import intake; intake.BATCH_ITEMS = 1; call_command('db_worker', *sys.argv[1:])"
)
WORKER_OPTIONS = ["--batch", "--no-startup-delay", "--interval", "0", "--no-reload", "-v", "0"]


@pytest.fixture
def site():
    with serving() as site:
        yield site


def worker_environment() -> dict:
    """The environment of a worker on this test database, fetching from the local server."""
    db = connection.settings_dict
    address = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": address,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "PYTHONPATH": str(PROJECT),
        "FACTCHECK_FETCH_ALLOW_PRIVATE": "1",
        "FACTCHECK_FETCH_TIMEOUT": "60",
    }


def start_worker(worker_id: str, *, one_by_one: bool = False) -> subprocess.Popen:
    options = [*WORKER_OPTIONS, "--worker-id", worker_id]
    command = [sys.executable, "-c", ONE_BY_ONE, *options] if one_by_one else [
        sys.executable, "manage.py", "db_worker", *options,
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=PROJECT, env=worker_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(worker: subprocess.Popen, timeout: float = 120) -> str:
    """Wait for the worker to run out of jobs; return what it printed."""
    try:
        output, _ = worker.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
        pytest.fail(f"the worker did not finish in {timeout} seconds:\n{output}")
    assert worker.returncode == 0, output
    return output


def assert_whole_documents():
    """Every stored document has its version, its loaded event and each of its sentences' occurrences."""
    for document in SourceDocument.objects.all():
        assert list(document.versions.values_list("number", "content_hash")) == [(1, document.content_hash)]
        assert list(document.events.values_list("action", flat=True)) == [DocumentAction.LOADED]
        sentence = next(sentence for title, sentence in PAGES.values() if title == document.title)
        occurrences = list(document.occurrences.select_related("claim"))
        assert [o.claim.text for o in occurrences] == [sentence]
        assert all(document.text[o.start : o.end] == o.claim.text for o in occurrences)
    assert sorted(ReviewEvent.objects.values_list("claim_id", "action")) == sorted(
        (pk, Action.CREATED) for pk in Claim.objects.values_list("pk", flat=True)
    )
    assert not Claim.objects.filter(occurrences=None).exists()
    assert list(history.verify()) == []


def test_a_worker_killed_while_fetching_leaves_whole_documents_and_a_retry_completes_the_import(site, editor, settings):
    settings.FACTCHECK_JOB_STALE_MINUTES = 10
    arrived, release = threading.Event(), threading.Event()
    for path, (title, sentence) in PAGES.items():
        if path == "/b":  # served slowly: the worker is killed while it waits for it
            site.held(path, article_html(title, [sentence]), arrived=arrived, release=release)
        else:
            site.article(path, title, [sentence])
    batch = workflow.import_addresses(actor=editor, urls=[site.url(path) for path in PAGES])

    doomed = start_worker("doomed", one_by_one=True)
    try:
        assert arrived.wait(timeout=90), "the worker never asked for the slow page"
        assert doomed.poll() is None
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.communicate(timeout=30)
    assert doomed.returncode == -signal.SIGKILL

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.done, batch.documents_added) == (ImportStatus.RUNNING, 1, 1, 1)
    statuses = list(batch.items.order_by("position").values_list("status", flat=True))
    assert statuses == [ImportItemStatus.LOADED, "queued", "queued", "queued"]
    assert list(SourceDocument.objects.values_list("title", flat=True)) == ["Bridge to close"]
    assert_whole_documents()

    refusal = workflow.retry_refusal(batch)  # its worker reported progress a moment ago
    assert isinstance(refusal, InvalidTransition) and "running and alive" in str(refusal)
    Import.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))
    batch.refresh_from_db()
    assert workflow.retry_refusal(batch) is None  # stale: taken for dead
    workflow.import_retry(import_id=batch.pk, actor=editor)
    release.set()

    finish(start_worker("second"))

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.done, batch.documents_added, batch.error) == (
        ImportStatus.DONE, 2, 4, 4, "",
    )  # fmt: skip
    assert set(batch.items.values_list("status", flat=True)) == {ImportItemStatus.LOADED}
    assert sorted(SourceDocument.objects.values_list("title", flat=True)) == sorted(t for t, _ in PAGES.values())
    assert_whole_documents()
    assert [site.count(path) for path in PAGES] == [1, 2, 1, 1]  # only the page cut off is fetched again
    jobs = DBTaskResult.objects.filter(task_path=IMPORT_JOB).order_by("enqueued_at")
    assert [(job.status, job.worker_ids) for job in jobs] == [("RUNNING", ["doomed"]), ("SUCCESSFUL", ["second"])]


def test_two_workers_on_one_queue_take_different_jobs_and_run_each_once(site, editor):
    both_asked, asked, lock = threading.Event(), set(), threading.Lock()

    def page(title, sentence):
        body = article_html(title, [sentence]).encode()

        def answer(handler):
            with lock:
                asked.add(handler.path)
                if len(asked) >= 2:
                    both_asked.set()
            both_asked.wait(timeout=30)  # the first page waits for a second worker to ask for another
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return answer

    paths = [f"/news/{n}" for n in range(6)]
    for n, path in enumerate(paths):
        title, sentence = list(PAGES.values())[n % 4]
        site.routes[path] = page(f"{title} {n}", sentence.replace(" said", f" said on day {n + 1}"))
    imports = [workflow.import_addresses(actor=editor, urls=[site.url(path)]) for path in paths]

    workers = [start_worker("first"), start_worker("second")]
    outputs = [finish(worker) for worker in workers]

    assert both_asked.is_set(), outputs
    for batch in imports:
        batch.refresh_from_db()
        assert (batch.status, batch.attempts, batch.documents_added) == (ImportStatus.DONE, 1, 1)
    jobs = list(DBTaskResult.objects.filter(task_path=IMPORT_JOB))
    assert len(jobs) == 6
    assert all(job.status == "SUCCESSFUL" and len(job.worker_ids) == 1 for job in jobs)
    assert {job.worker_ids[0] for job in jobs} == {"first", "second"}
    assert [site.count(path) for path in paths] == [1] * 6
    assert SourceDocument.objects.count() == 6
    assert list(history.verify()) == []
