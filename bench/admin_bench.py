"""Time the admin's claim list and claim page over 100,000 claims on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench \\
        .venv/bin/python bench/admin_bench.py --claims 100000

Loads realistic synthetic articles with the same code path as ``load_seeds`` (into a throwaway
database whose name contains "bench", dropped and created again unless ``--reuse``), puts some
claims through the workflow so every status and filter has rows, then requests each page through
Django's test client as a logged-in reviewer and prints the median and p90 time and the number
of queries of each. It also times one bare ``COUNT(*)`` of the claims: the changelist pays it
once per request (``show_full_result_count`` is off, so not twice).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django
from load_bench import rate, reset_database, write_articles


def prepare(claims: int, seed: int) -> None:
    from django.core.management import call_command

    from annotations.workflow import load_paths

    reset_database()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "fixtures/roles.json", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        paths, total = write_articles(Path(folder), claims, seed)
        started = time.perf_counter()
        load_paths(paths)
        print(f"loaded {rate(total, time.perf_counter() - started)} sentences")


def cast():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    users = {}
    for name, group in [("bench-editor", "editor"), ("bench-reviewer", "reviewer")]:
        user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
        user.groups.add(Group.objects.get(name=group))
        users[group] = user
    return users


def put_claims_through_the_workflow(users, count: int) -> None:
    """Give the filters something to find: assigned, ruled, submitted and approved claims."""
    from annotations import workflow
    from annotations.models import Claim

    editor, reviewer = users["editor"], users["reviewer"]
    ids = list(Claim.objects.order_by("id").values_list("id", flat=True)[:count])
    for n, claim_id in enumerate(ids):
        workflow.claim_assign(claim_id=claim_id, actor=editor)
        if n % 2:
            continue
        workflow.claim_set_verdict(claim_id=claim_id, actor=editor, verdict="unverified", note="No source answered.")
        if n % 4 == 0:
            workflow.claim_submit(claim_id=claim_id, actor=editor)
        if n % 8 == 0:
            workflow.claim_approve(claim_id=claim_id, actor=reviewer)
    # Triage: claims dismissed from the lowest scores up, as a desk clears its queue.
    low = Claim.objects.filter(status="pending").order_by("checkworthiness", "id").values_list("id", flat=True)
    for claim_id in list(low[:count]):
        workflow.claim_dismiss(claim_id=claim_id, actor=editor, reason="not_factual")


def set_up(args) -> dict:
    """Load the data (unless ``--reuse``), put claims through the workflow, return the users."""
    django.setup()
    if not args.reuse:
        prepare(args.claims, args.seed)
    users = cast()
    if not args.reuse:
        started = time.perf_counter()
        put_claims_through_the_workflow(users, args.workflow)
        print(
            f"workflow: {args.workflow} claims taken, ruled, submitted, approved, {args.workflow} dismissed "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return users


def measure(client, url: str, runs: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    timings.sort()
    p90 = timings[min(len(timings) - 1, int(len(timings) * 0.9))]
    return statistics.median(timings), p90, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20, help="requests per page")
    parser.add_argument("--workflow", type=int, default=2_000, help="claims put through the workflow")
    parser.add_argument("--reuse", action="store_true", help="keep the database already loaded")
    args = parser.parse_args()

    users = set_up(args)
    from django.db import connection
    from django.test import Client

    from annotations.models import Claim

    with connection.cursor() as cursor:
        # As autovacuum would have by now: fresh statistics, and a visibility map that lets a
        # count of the claims read an index alone.
        cursor.execute("VACUUM ANALYZE")

    total = Claim.objects.count()
    # A selective term (the longest word of a claim midway, often a name) and a common one.
    middle_text = Claim.objects.order_by("id").values_list("text", flat=True)[total // 2]
    rare = max((w.strip(".,'\"") for w in middle_text.split()), key=len)
    common = "said"
    matches = {term: Claim.objects.filter(text__icontains=term).count() for term in (rare, common)}
    middle = Claim.objects.order_by("id").values_list("id", flat=True)[total // 2]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(users["reviewer"])
    editor_client = Client(HTTP_HOST="127.0.0.1")
    editor_client.force_login(users["editor"])
    open_work = Claim.objects.filter(assignee=users["editor"], status__in=["in_progress", "returned"]).count()
    pages: list[tuple[str, str] | tuple[str, str, Client]] = [
        ("claim list, default view", "/admin/annotations/claim/"),
        ("claim list, filter status=in_review", "/admin/annotations/claim/?status__exact=in_review"),
        ("claim list, filter assigned to me", "/admin/annotations/claim/?assignee=me"),
        ("claim list, awaiting my review", "/admin/annotations/claim/?review=mine"),
        (f"claim list, search {rare!r} ({matches[rare]:,} hits)", f"/admin/annotations/claim/?q={rare}"),
        (f"claim list, search {common!r} ({matches[common]:,} hits)", f"/admin/annotations/claim/?q={common}"),
        ("claim list, page 500", "/admin/annotations/claim/?p=500"),
        ("claim list, filter worth=high", "/admin/annotations/claim/?worth=high"),
        ("claim list, filter worth=low, page 100", "/admin/annotations/claim/?worth=low&p=100"),
        ("claim list, dismissed", "/admin/annotations/claim/?status__exact=dismissed"),
        ("claim list, all statuses, page 500", "/admin/annotations/claim/?status__exact=all&p=500"),
        (f"as the editor ({open_work:,} open claims first): default", "/admin/annotations/claim/", editor_client),
        ("as the editor: page 20 (their last claims, then others)", "/admin/annotations/claim/?p=20", editor_client),
        ("as the editor: page 500", "/admin/annotations/claim/?p=500", editor_client),
        ("claim page", f"/admin/annotations/claim/{middle}/change/"),
        (
            "claim page, opened from the pending list",
            f"/admin/annotations/claim/{middle}/change/?_changelist_filters=status__exact%3Dpending",
        ),
        ("reviewer queue", "/admin/annotations/claim/queue/"),
        ("admin index", "/admin/"),
    ]
    started = time.perf_counter()
    Claim.objects.count()
    count_ms = (time.perf_counter() - started) * 1000
    print(f"\n{connection.vendor}, {total:,} claims; one COUNT(*) of all claims: {count_ms:.1f} ms")
    print(f"{'page':50} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for label, url, *who in pages:
        median, p90, queries = measure(who[0] if who else client, url, args.runs)
        print(f"{label:50} {median:10.1f} {p90:8.1f} {queries:8d}")
    in_place(editor_client, client, args.runs)


def in_place(editor_client, reviewer_client, runs: int) -> None:
    """Time each claim-page action answered in place (htmx), on claims midway down the pending list.

    Each claim is opened from the list of pending claims (``_changelist_filters``), so every answer
    also places the claim in its list; submit, approve and dismiss answer with the next claim's page.
    """
    from urllib.parse import quote

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.models import Claim

    pending = Claim.objects.filter(status="pending").order_by("id").values_list("id", flat=True)
    middle = pending.count() // 2
    ids = list(pending[middle : middle + 2 * runs])
    worked, dismissed = ids[:runs], ids[runs:]
    query = "?_changelist_filters=" + quote("status__exact=pending")
    timings: dict[str, list[float]] = {}
    queries: dict[str, int] = {}

    def post(label, who, claim_id, **data):
        version = Claim.objects.values_list("version", flat=True).get(pk=claim_id)
        url = f"/admin/annotations/claim/{claim_id}/change/{query}"
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = who.post(url, {"version": version, **data}, headers={"HX-Request": "true"})
            timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{label} on claim {claim_id} answered {response.status_code}")
        queries[label] = len(captured)

    for claim_id in worked:
        post("assign to me", editor_client, claim_id, _action="assign")
        post("verdict", editor_client, claim_id, _action="verdict", verdict="disputed", note="Figures differ.")
        post("add evidence (web address)", editor_client, claim_id, _action="add_evidence", stance="refutes",
             url=f"https://example.org/source/{claim_id}")  # fmt: skip
        post("submit (answers with the next claim)", editor_client, claim_id, _action="submit")
        post("approve (answers with the next claim)", reviewer_client, claim_id, _action="approve")
    for claim_id in dismissed:
        post("dismiss (answers with the next claim)", editor_client, claim_id, _action="dismiss", reason="opinion")
    print(f"\nin place (htmx), {runs} claims each, opened from the pending list")
    print(f"{'action':50} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    for label, values in timings.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print(f"{label:50} {statistics.median(values):10.1f} {p90:8.1f} {queries[label]:8d}")


if __name__ == "__main__":
    main()
