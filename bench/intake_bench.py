"""Time the intake: saved web pages through the import job, and one upload through the queue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_intake_bench \
    python bench/intake_bench.py --pages 1000

It writes synthetic news pages (the articles of ``load_bench.py`` in the HTML of a news site: a
masthead, navigation, a figure with its caption, related links, a newsletter box, a footer), then
prints, in one run:

- trafilatura's own extraction of the same pages (``trafilatura.bare_extraction``), pages/s: the
  ceiling of anything built on it;
- the whole import job for all the pages as uploaded files (decoding, extraction, sentences, furniture,
  storing documents, claims, versions, history and suggestions): pages/s, and its share of the ceiling
  (goal: at least half);
- the time from an upload to workable claims through the queue: a real worker (``manage.py
  db_worker``) is started and left idle, then one article is uploaded (``import_upload``) and the
  time until its import is done is taken, several times (goal: under 2 s on an idle machine).

The database named in DATABASE_URL is dropped, created again and migrated, so its name must
contain "bench". Figures are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("FACTCHECK_UPLOAD_MAX_FILES", "100000")  # every page in one import

from load_bench import article, reset_database  # noqa: E402 - the benchmarks share their synthetic articles

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Ledger</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="The Daily Ledger">
<meta name="author" content="{author}"><meta property="article:published_time" content="{date}T08:00:00Z">
<link rel="canonical" href="https://news.example.org/{slug}">
<style>body {{ font-family: serif; }} nav a {{ margin: 0 4px; }}</style>
<script>window.analytics = {{ page: "{slug}" }};</script></head>
<body><header><div class="masthead">The Daily Ledger · Vol. 14--No. {number}</div>
<nav><a href="/">Home</a><a href="/world">World</a><a href="/politics">Politics</a><a href="/sport">Sport</a></nav>
</header>
<main><article><h1>{title}</h1><p class="byline">By {author}, The Daily Ledger</p>
<figure><img src="/photo.jpg" alt=""><figcaption>A street in the city centre. (Photo: Staff)</figcaption></figure>
{body}
</article>
<aside><h2>Related</h2><ul><li><a href="/a">More on the talks</a></li><li><a href="/b">Read more: the vote</a></li></ul>
<div class="newsletter">Sign up for our newsletter</div></aside></main>
<footer><p>© 2026 The Daily Ledger. All rights reserved.</p><p>Contact: desk@news.example.org</p></footer>
</body></html>
"""


def write_pages(folder: Path, pages: int, seed: int) -> list[Path]:
    """Write ``pages`` saved web pages; return their paths."""
    rng = random.Random(seed)
    paths = []
    for number in range(pages):
        text, _ = article(rng)
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        title = paragraphs[0][:90].rstrip(".")
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        page = PAGE.format(
            title=html.escape(title), author=rng.choice(["Ana Cruz", "John Ortiz", "Helen Park"]),
            date=f"2026-01-{1 + number % 28:02d}", slug=f"story-{number}", number=number, body=body,
        )  # fmt: skip
        path = folder / f"page-{number:05d}.html"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


def trafilatura_rate(paths: list[Path]) -> tuple[float, int]:
    """Return trafilatura's own extraction rate over the pages (pages/s) and how many gave text."""
    from trafilatura import bare_extraction

    texts = [path.read_text(encoding="utf-8") for path in paths]
    started = time.perf_counter()
    found = sum(1 for page in texts if bare_extraction(page, with_metadata=True) is not None)
    return len(texts) / (time.perf_counter() - started), found


def import_rate(paths: list[Path]) -> tuple[float, Any]:
    """Queue the pages as one upload and run its job here; return pages/s and the import."""
    from django.contrib.auth import get_user_model

    from annotations import workflow

    actor = get_user_model().objects.create_superuser("bench-editor", "bench@example.org", "bench-password-1")
    files = [(path.name, path.read_bytes()) for path in paths]
    started = time.perf_counter()
    batch = workflow.import_upload(actor=actor, files=files)
    batch = workflow.import_run(import_id=batch.pk)
    return len(paths) / (time.perf_counter() - started), batch


def queue_latency(paths: list[Path], runs: int) -> list[float]:
    """Return, for ``runs`` uploads of one article each, the seconds until its claims are stored."""
    from django.contrib.auth import get_user_model

    from annotations import workflow
    from annotations.models import Import, ImportStatus

    actor = get_user_model().objects.get(username="bench-editor")
    command = ["db_worker", "--interval", "0.05", "--no-reload", "--no-startup-delay"]
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *command],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Warm the worker up (its first job imports the extraction and corroboration libraries).
        warm = workflow.import_upload(actor=actor, files=[(paths[0].name, paths[0].read_bytes())])
        _wait(warm.pk, timeout=120)
        seconds = []
        for path in paths[1 : runs + 1]:
            started = time.perf_counter()
            batch = workflow.import_upload(actor=actor, files=[(path.name, path.read_bytes())])
            _wait(batch.pk, timeout=60)
            seconds.append(time.perf_counter() - started)
            assert Import.objects.get(pk=batch.pk).status == ImportStatus.DONE
        return seconds
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _wait(import_id: int, *, timeout: float) -> None:
    from annotations.models import Import, ImportStatus

    deadline = time.monotonic() + timeout
    while Import.objects.filter(pk=import_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).exists():
        if time.monotonic() > deadline:
            sys.exit(f"import {import_id} was not done after {timeout} s: is the worker running?")
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="saved web pages to import")
    parser.add_argument("--runs", type=int, default=10, help="uploads timed through the queue")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the pages")
    args = parser.parse_args()

    reset_database()
    import tempfile

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    server = connection.cursor().connection.info.server_version
    print(f"database: PostgreSQL {server // 10000}.{server % 10000}, {connection.settings_dict['NAME']}")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="factcheck-intake-bench-") as tmp:
        paths = write_pages(Path(tmp), args.pages, args.seed)
        ceiling, found = trafilatura_rate(paths)
        print(
            f"trafilatura alone (bare_extraction): {args.pages:,} pages at {ceiling:,.1f} pages/s ({found:,} with text)"
        )
        rate, batch = import_rate(paths)
        print(
            f"the import job: {args.pages:,} pages at {rate:,.1f} pages/s = {rate / ceiling:.0%} of trafilatura's rate "
            f"({batch.documents_added:,} documents, {batch.claims_added:,} claims, "
            f"{sum(batch.dropped.values()):,} lines dropped; {batch.status})"
        )
        fresh = Path(tmp) / "fresh"
        fresh.mkdir()
        seconds = queue_latency(write_pages(fresh, args.runs + 1, args.seed + 1), args.runs)
        print(
            f"upload to workable claims through the queue (a warm worker): median {statistics.median(seconds):.2f} s, "
            f"max {max(seconds):.2f} s over {len(seconds)} uploads"
        )


if __name__ == "__main__":
    main()
