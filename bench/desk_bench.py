"""Time the desk's figures and pages (annotations/desk_stats.py, /admin/desk/, the index) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_desk_bench \\
        .venv/bin/python bench/desk_bench.py --claims 100000

Writes a synthetic history into a throwaway database (its name must contain "bench"; dropped and
created again unless ``--reuse``): claims spread over 30 documents' worth of articles each, created
over the last ``--days`` days, a share of them taken, ruled, submitted, returned, resubmitted,
approved or dismissed at plausible times, 10 editors and 3 reviewers. The rows are inserted
directly (the figures read the history only; the workflow would take an hour to write it). Then
it times each figure for the default range (30 days), a year and one document, and the report
page and the index through Django's test client as a reviewer: median and p90 of ``--runs``.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django
from load_bench import reset_database

HOUR = timedelta(hours=1)


def simulate(rng: random.Random, created, now, editors: list, reviewers: list) -> list[tuple]:
    """Return one claim's history: (action, actor, status before, status after, time) from its creation."""
    history: list[tuple] = [("created", None, "", "pending", created)]

    def step(action: str, actor, after: str, hours: float) -> None:
        at = min(history[-1][4] + HOUR * rng.uniform(0.1, hours), now)
        history.append((action, actor, history[-1][3], after, at))

    roll = rng.random()
    if roll < 0.08:
        step("dismissed", rng.choice(editors), "dismissed", 72)
    elif roll < 0.5:
        editor = rng.choice(editors)
        step("assigned", editor, "in_progress", 120)
        step("verdict_set", editor, "in_progress", 24)
        step("evidence_added", editor, "in_progress", 24)
        if rng.random() < 0.75:
            step("submitted", editor, "in_review", 72)
            if rng.random() < 0.8:
                if rng.random() < 0.25:
                    step("returned", rng.choice(reviewers), "returned", 48)
                    step("submitted", editor, "in_review", 48)
                if rng.random() < 0.9:
                    step("commented", rng.choice(reviewers), "in_review", 12)
                    step("approved", rng.choice(reviewers), "approved", 48)
    return history


def write_history(claims: int, days: int, seed: int) -> None:
    """Insert documents, claims, occurrences and their events with ``bulk_create``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from annotations.models import Claim, ClaimOccurrence, ReviewEvent, SourceDocument

    rng = random.Random(seed)
    User = get_user_model()
    editors = [User.objects.create_user(f"bench-editor-{n}", is_staff=True) for n in range(10)]
    reviewers = [User.objects.create_user(f"bench-reviewer-{n}", is_staff=True) for n in range(3)]
    Group.objects.get(name="editor").user_set.add(*editors)
    Group.objects.get(name="reviewer").user_set.add(*reviewers)
    documents = SourceDocument.objects.bulk_create(
        SourceDocument(title=f"Article {n}", text="x" * 100, content_hash=f"{n:064d}") for n in range(claims // 30 + 1)
    )
    now = timezone.now()
    started = time.perf_counter()
    rows, events, occurrences = [], [], []
    for n in range(claims):
        history = simulate(rng, now - timedelta(seconds=rng.uniform(0, days * 86400)), now, editors, reviewers)
        status = history[-1][3]
        rows.append(
            Claim(
                text=f"Synthetic claim {n}.", text_hash=f"{n:064x}", status=status,
                dismissal_reason="not_factual" if status == "dismissed" else "",
                verdict="verified" if status in ("in_review", "approved") else "",
                created_at=history[0][4], updated_at=history[-1][4], version=len(history),
            )
        )  # fmt: skip
        events.append(history)
        occurrences.append(rng.choice(documents))
    stored = Claim.objects.bulk_create(rows, batch_size=5_000)
    ClaimOccurrence.objects.bulk_create(
        (
            ClaimOccurrence(claim=claim, document=document, start=0, end=10, position=n)
            for n, (claim, document) in enumerate(zip(stored, occurrences, strict=True))
        ),
        batch_size=5_000,
    )
    ReviewEvent.objects.bulk_create(
        (
            ReviewEvent(
                claim=claim,
                action=action,
                actor=actor,
                status_before=before,
                status_after=after,
                verdict_after="verified" if after in ("in_review", "approved") else "",
                claim_version=version + 1,
                created_at=when,
                hash="0" * 64,
            )
            for claim, history in zip(stored, events, strict=True)
            for version, (action, actor, before, after, when) in enumerate(history)
        ),
        batch_size=5_000,
    )
    total = ReviewEvent.objects.count()
    print(f"wrote {claims:,} claims, {total:,} events in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class StatementCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(function, runs: int) -> tuple[float, float]:
    function()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.9))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60, help="the history's length, up to today")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep the database already written")
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from annotations import desk_stats
    from annotations.admin import desk
    from annotations.models import ClaimStatus, ReviewEvent, SourceDocument

    if not args.reuse:
        reset_database()
        call_command("migrate", verbosity=0)
        call_command("loaddata", "fixtures/roles.json", verbosity=0)
        write_history(args.claims, args.days, args.seed)
    print(f"{ReviewEvent.objects.count():,} events")
    default = desk_stats.DeskFilter.last_days()
    year = desk_stats.DeskFilter(start=default.end - timedelta(days=365), end=default.end)
    document = SourceDocument.objects.order_by("id").values_list("id", flat=True)[10]
    one = desk_stats.DeskFilter(start=default.start, end=default.end, document_id=document)
    figures = {
        "status_by_day": desk_stats.status_by_day,
        "decisions_by_day": desk_stats.decisions_by_day,
        "approvals_by_editor": desk_stats.approvals_by_editor,
        "time_to_approval": desk_stats.time_to_approval,
        "oldest_waiting pending": lambda d: desk_stats.oldest_waiting(d, ClaimStatus.PENDING),
        "oldest_waiting in review": lambda d: desk_stats.oldest_waiting(d, ClaimStatus.IN_REVIEW),
    }
    print(f"{'figure':<26} {'30 days':>16} {'366 days':>16} {'one document':>16}   (median / p90 ms)")
    for name, figure in figures.items():
        cells = []
        for chosen in (default, year, one):
            median, p90 = timed(lambda chosen=chosen, figure=figure: figure(chosen), args.runs)
            cells.append(f"{median:7.1f} / {p90:6.1f}")
        print(f"{name:<26} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}")
    median, p90 = timed(lambda: desk.report_figures(default), args.runs)
    print(f"report_figures (queries + pygal), 30 days: {median:.1f} / {p90:.1f} ms")

    client = Client(HTTP_HOST="127.0.0.1")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="bench-reviewer-0"))
    since = date.today() - timedelta(days=364)
    for label, url in [
        ("/admin/desk/ (30 days)", "/admin/desk/"),
        ("/admin/desk/ (a year)", f"/admin/desk/?start={since}"),
        ("/admin/desk/ (one document)", f"/admin/desk/?document={document}"),
        ("/admin/ (index)", "/admin/"),
    ]:
        statements = StatementCounter()
        with connection.execute_wrapper(statements):  # the client's request_started empties connection.queries
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        median, p90 = timed(lambda url=url: client.get(url), args.runs)
        print(f"{label:<30} {median:7.1f} / {p90:6.1f} ms, {statements.count} queries")
    with CaptureQueriesContext(connection) as queries:
        desk.index_panel({"status": [], "verdict": [], "total": 0})
    median, p90 = timed(lambda: desk.index_panel({"status": [], "verdict": [], "total": 0}), args.runs)
    print(f"index card alone: {median:.1f} / {p90:.1f} ms, {len(queries)} query")


if __name__ == "__main__":
    main()
