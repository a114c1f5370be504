"""Time the CSV and JSON Lines exports of every claim, and their memory, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_export_bench \\
        .venv/bin/python bench/export_bench.py --claims 1000000

Builds two throwaway databases (their names must contain "bench"; dropped and created again
unless ``--reuse``): the one named in DATABASE_URL with ``--claims`` claims, and ``<name>_small``
with ``--small`` claims (10,000), the same data cut short. The rows are written straight with
``COPY``, not through the loader and the workflow, since this measures the exports:

- news articles of 20-40 sentences (the load benchmark's templates and word lists), with titles,
  publishers, authors and web addresses, each in one version (its ``DocumentVersion`` 1 and its
  "loaded" event, as the loader writes them); every sentence is a claim with its occurrence (real
  offsets, version 1); about 10% of the claims occur again in a later article;
- distinct claim texts; a fifth of the claims approved (verdict, editor, reviewer, approval and
  publication dates, published verdict and note), others assigned, in review or returned;
- 1-3 evidence rows for every claim with a verdict (web addresses, a quarter of them passages of
  other articles), a few corrections, and a few texts and notes that start with "=", "-" or "@";
- triage: every claim's check-worthiness score and features (as the loader computes them), about 4%
  of the pending claims dismissed (with a reason, some with a note), 1% merged into an earlier open
  claim, 0.5% split (and as many claims split from one of those), a checked wording for 5% of the
  claims with a verdict (the published one too when approved).

Then, each in a fresh process (so that its peak memory is the export's own, with
``DJANGO_DEBUG=0`` as in production), it exports all claims, those closed in triage too
(``ExportFilters(include_closed=True)``), as CSV and as
JSON Lines to /dev/null from each database, and prints claims, seconds, rows/s, the process's
memory before the export and its peak (ru_maxrss), and PostgreSQL's own ``COPY annotations_claim
TO STDOUT`` rate for reference. Last, whether the goals of docs/PERFORMANCE.md are met: CSV at
250,000 rows/s or more and JSON Lines at 70,000 rows/s or more over all claims, and peak memory
growing by less than 50 MB from the small export to the full one. The CPU time of the export's
process and of its PostgreSQL backend is printed too: the machines are shared, and the seconds
depend on what else runs. ``--profile`` samples one more full JSON Lines export with py-spy and
prints where its CPU goes.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

from load_bench import BOILERPLATE, TEMPLATES, _fill, rate  # noqa: E402

GOALS = {"csv": 250_000, "jsonl": 70_000}  # rows/s over all claims
MEMORY_GOAL_MB = 50  # peak growth from the small export to the full one

# --- Synthetic content --------------------------------------------------------------------------

HEADLINES = [
    "{Org} says {thing} {verb} {n} {unit} {day}",
    "{Person} meets {titled} in {place} as {thing} stalls",
    "What we know about {thing} in {place}",
    "{place}: {int} people killed, officials say",
    "Fact check: did {thing} really cost ${n} billion?",
    "{titled} warns {org} over {thing}",
    "Live updates: {thing}, {place} and the talks with {org}",
    "Analysis: why {thing} matters for {place}",
]  # fmt: skip
PUBLISHERS = [
    ("Associated Press", "apnews.com", "article"), ("Reuters", "www.reuters.com", "world/americas"),
    ("El Nacional", "www.elnacional.com", "venezuela"), ("Miami Herald", "www.miamiherald.com", "news/nation-world"),
    ("BBC News", "www.bbc.com", "news/world"), ("Efecto Cocuyo", "efectococuyo.com", "politica"),
    ("The Guardian", "www.theguardian.com", "world"), ("Caracas Chronicles", "www.caracaschronicles.com", "2025"),
]  # fmt: skip
SOURCES = [
    ("https://www.imf.org/en/Publications/WEO/Issues/2025/10/{n}", "IMF World Economic Outlook, table {n}"),
    ("https://data.worldbank.org/indicator/NY.GDP.MKTP.CD?locations=VE&id={n}", "World Bank: GDP, Venezuela"),
    ("https://www.state.gov/briefings/department-press-briefing-{n}", "State Department press briefing"),
    ("https://x.com/{handle}/status/{big}", "Post by @{handle}"),
    ("https://www.bcv.org.ve/estadisticas/{n}", "Banco Central de Venezuela statistics"),
    ("https://web.archive.org/web/2025{big}/https://www.opec.org/opec_web/en/{n}.htm", "OPEC report (archived)"),
    ("https://news.un.org/en/story/2025/{n}", "UN News"),
    ("https://www.ine.gob.ve/documentos/{n}.pdf", ""),
]  # fmt: skip
HANDLES = ["NicolasMaduro", "marcorubio", "StateDept", "ONU_es", "AP", "Reuters", "efectococuyo", "BCV_ORG_VE"]
NOTES = [
    "Matches the central bank's figures for {month}. {year}.",
    "The figure comes from {org}; {titled} rounded it up.",
    "No record of the meeting in {place}; {org} did not answer our questions.",
    'The quote is accurate but cut: the full sentence adds "{thing}".',
    "Two sources disagree ({org} and the ministry); see the evidence.",
    "Checked against the wire report of {day}.",
]  # fmt: skip
# Notes and claim texts that a spreadsheet would read as a formula (the CSV export neutralises them).
FORMULA_NOTES = ["=the same claim as above", "-12% per the IMF, not -20%.", "@desk: source is the {org} report"]
FORMULA_PREFIXES = ["- ", "@", "=", "-"]
STANCES = ["supports", "refutes", "context"]
VERDICTS = ["verified", "disputed", "unverified"]
AUTHORS = ["Regina Garcia Cano", "Joshua Goodman", "Mayela Armas", "Vivian Sequera", "Staff", ""]
EDITORS = ["ana.editor", "ben.editor", "carla.editor", "dario.editor", "eva.editor", "femi.editor"]
REVIEWERS = ["gloria.reviewer", "hugo.reviewer", "ines.reviewer"]
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)

# Every column without a null: COPY leaves the others NULL, not at their Django default.
DOCUMENT_COLUMNS = (
    "id", "title", "publisher", "author", "url", "published_on", "language", "file_name", "origin", "text",
    "content_hash", "version", "revision", "loaded_at", "updated_at",
)  # fmt: skip
VERSION_COLUMNS = ("document_id", "number", "text", "content_hash", "html", "url", "created_at")
DOCUMENT_EVENT_COLUMNS = ("document_id", "action", "version", "details", "created_at")
CLAIM_COLUMNS = (
    "id", "text", "text_hash", "status", "verdict", "note", "assignee_id", "submitted_by_id", "version",
    "approved_by_id", "approved_at", "published_at", "published_verdict", "published_note", "speaker",
    "has_number", "has_quote", "created_at", "updated_at", "wording", "published_wording", "checkworthiness",
    "checkworthiness_features", "dismissal_reason", "dismissal_note", "merged_into_id", "split_from_id",
)  # fmt: skip
OCCURRENCE_COLUMNS = ("claim_id", "document_id", "start", "end", "position", "version")
EVIDENCE_COLUMNS = (
    "claim_id", "url", "document_id", "start", "end", "title", "excerpt", "stance", "added_by_id", "added_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "claim_id", "actor_id", "action", "status_before", "status_after", "verdict_before", "verdict_after",
    "comment", "details", "claim_version", "created_at", "hash",
)  # fmt: skip
CORRECTION_COLUMNS = (
    "claim_id", "event_id", "old_verdict", "new_verdict", "old_note", "new_note", "old_wording", "new_wording",
    "note", "approved_by_id", "created_at",
)  # fmt: skip
DISMISSAL_REASONS = ["opinion", "not_factual", "furniture", "duplicate", "out_of_scope"]
DISMISSAL_NOTES = ["", "", "An opinion column.", "Page furniture: the newsletter box.", "=Same as the claim above"]


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:9])


class Corpus:
    """Articles and their claims, made a chunk of articles at a time, ready for ``COPY``."""

    def __init__(self, claims: int, seed: int, users: dict[str, list[int]]):
        self.rng = random.Random(seed)
        self.target = claims
        self.editors, self.reviewers = users["editors"], users["reviewers"]
        self.next_claim = 1
        self.next_document = 1
        self.next_event = 1
        self.seen: set[str] = set()
        self.once: list[tuple[int, str]] = []  # (id, sentence) of earlier claims found only once so far
        self.open_ids: list[int] = []  # recent claims still open: what a duplicate is merged into
        self.split_ids: list[int] = []  # recent split claims: what a part is split from

    def chunks(self, documents_per_chunk: int = 1000):
        while self.next_claim <= self.target:
            chunk: dict[str, list] = {
                "documents": [], "versions": [], "document_events": [], "claims": [], "occurrences": [],
                "evidence": [], "events": [], "corrections": [],
            }  # fmt: skip
            passages: list[tuple[int, int, int, str]] = []
            for _ in range(documents_per_chunk):
                if self.next_claim > self.target:
                    break
                self._document(chunk, passages)
            yield chunk

    def _sentence(self) -> tuple[str, str]:
        """Return a new sentence as printed and its distinct normalised text."""
        from annotations.ingest.normalise import normalise_claim_text

        rng = self.rng
        while True:
            sentence = _fill(rng.choice(TEMPLATES), rng)
            if rng.random() < 0.003:
                sentence = rng.choice(FORMULA_PREFIXES) + sentence
            text = normalise_claim_text(sentence)
            if text not in self.seen:
                self.seen.add(text)
                return sentence, text

    def _document(self, chunk, passages) -> None:
        rng = self.rng
        doc_id = self.next_document
        self.next_document += 1
        # About a hundred articles a day, whatever the size: the small database is the start of the full one.
        loaded_at = START + datetime.timedelta(minutes=doc_id * 14, seconds=rng.uniform(0, 800))
        parts: list[str] = []
        offset = 0
        new_once = []
        paragraph_left = 0
        for position in range(rng.randint(20, 40)):
            if paragraph_left == 0:
                if parts:
                    parts.append("\n\n")
                    offset += 2
                    if rng.random() < 0.08:
                        parts.append(BOILERPLATE[0] + "\n\n")
                        offset += len(BOILERPLATE[0]) + 2
                paragraph_left = rng.randint(1, 4)
            elif parts:
                parts.append(" ")
                offset += 1
            paragraph_left -= 1
            if self.once and rng.random() < 0.09:  # a claim from an earlier article, again
                pick = rng.randrange(len(self.once))
                self.once[pick], self.once[-1] = self.once[-1], self.once[pick]
                claim_id, sentence = self.once.pop()
            elif self.next_claim <= self.target:
                sentence, text = self._sentence()
                claim_id = self.next_claim
                self.next_claim += 1
                self._claim(chunk, claim_id, text, loaded_at, passages)
                new_once.append((claim_id, sentence))
            else:
                break
            parts.append(sentence)
            chunk["occurrences"].append((claim_id, doc_id, offset, offset + len(sentence), position, 1))
            passages.append((doc_id, offset, offset + len(sentence), sentence))
            offset += len(sentence)
        text = "".join(parts) + "\n"
        self.once.extend(new_once)
        if len(self.once) > 20_000:
            del self.once[:10_000]
        if len(passages) > 5_000:
            del passages[:2_500]
        publisher, domain, section = rng.choice(PUBLISHERS)
        title = _fill(rng.choice(HEADLINES), rng)
        url = f"https://{domain}/{section}/{loaded_at:%Y/%m/%d}/{slug(title)}-{doc_id}" if rng.random() < 0.9 else ""
        content_hash = hashlib.sha256(text.encode()).hexdigest()
        chunk["documents"].append((
            doc_id, title, publisher, rng.choice(AUTHORS), url, loaded_at.date(), "en",
            f"{doc_id:07d}_{slug(title)[:40]}.txt", "web" if url else "file", text, content_hash, 1, 1, loaded_at,
            loaded_at,
        ))  # fmt: skip
        chunk["versions"].append((doc_id, 1, text, content_hash, "", url, loaded_at))
        chunk["document_events"].append((doc_id, "loaded", 1, "{}", loaded_at))

    def _claim(self, chunk, claim_id: int, text: str, created_at, passages) -> None:
        from annotations.history import event_hash
        from annotations.ingest.signals import claim_signals

        rng = self.rng
        roll = rng.random()
        status = (
            "pending" if roll < 0.62 else "in_progress" if roll < 0.72 else "in_review" if roll < 0.78
            else "returned" if roll < 0.80 else "approved"
        )  # fmt: skip
        verdict = note = ""
        assignee = submitted_by = approved_by = approved_at = published_at = None
        published_verdict = published_note = ""
        version, updated_at = 1, created_at
        if status != "pending":
            assignee = rng.choice(self.editors)
            updated_at = created_at + datetime.timedelta(seconds=rng.uniform(300, 72 * 3600))
            version = 2
            if status != "in_progress" or rng.random() < 0.5:
                verdict = rng.choice(VERDICTS)
                note = _fill(rng.choice(FORMULA_NOTES if rng.random() < 0.01 else NOTES), rng)
                version = 3
            if status in ("in_review", "returned", "approved"):
                submitted_by, version = assignee, 4 + (status == "returned")
        if status == "approved":
            approved_by = rng.choice(self.reviewers)
            approved_at = published_at = updated_at
            published_verdict, published_note, version = verdict, note, 5
            if rng.random() < 0.01:  # re-approved with another verdict: a public correction
                published_at = updated_at - datetime.timedelta(seconds=rng.uniform(3600, 48 * 3600))
                old_verdict = rng.choice([v for v in VERDICTS if v != verdict])
                event_id = self.next_event
                self.next_event += 1
                event = {
                    "action": "approved", "actor_id": approved_by, "status_before": "in_review",
                    "status_after": "approved", "verdict_before": old_verdict, "verdict_after": verdict, "comment": "",
                    "details": {}, "claim_version": version, "created_at": approved_at,
                }  # fmt: skip
                chunk["events"].append((
                    event_id, claim_id, approved_by, "approved", "in_review", "approved", old_verdict, verdict,
                    "", "{}", version, approved_at, event_hash(hashlib.sha256(text.encode()).hexdigest(), event),
                ))  # fmt: skip
                chunk["corrections"].append((
                    claim_id, event_id, old_verdict, verdict, "", note, "", "",
                    f"We first rated this claim {old_verdict}; a later report changed the rating.", approved_by,
                    approved_at,
                ))  # fmt: skip
        # Triage: some pending claims closed, some claims split from a closed one, some checked in other words.
        wording = reason = dismissal_note = ""
        merged_into = split_from = None
        triage = rng.random()
        if status == "pending" and triage < 0.04:
            status, version = "dismissed", 2
            reason, dismissal_note = rng.choice(DISMISSAL_REASONS), rng.choice(DISMISSAL_NOTES)
        elif status == "pending" and triage < 0.05 and self.open_ids:
            status, merged_into, version = "merged", rng.choice(self.open_ids), 2
        elif status == "pending" and triage < 0.055:
            status, version = "split", 2
            self.split_ids = [*self.split_ids[-99:], claim_id]
        elif triage > 0.995 and self.split_ids:
            split_from = rng.choice(self.split_ids)
        if verdict and rng.random() < 0.05:
            wording = f"According to the article, {text[0].lower()}{text[1:]}"
        if status not in ("dismissed", "merged", "split"):
            self.open_ids = [*self.open_ids[-999:], claim_id]
        signals = claim_signals(text)  # as the loader finds them
        features = json.dumps([list(feature) for feature in signals.features])
        chunk["claims"].append((
            claim_id, text, hashlib.sha256(text.encode()).hexdigest(), status, verdict, note, assignee, submitted_by,
            version, approved_by, approved_at, published_at, published_verdict, published_note, signals.speaker,
            signals.has_number, signals.has_quote, created_at, updated_at, wording,
            wording if status == "approved" else "", signals.checkworthiness, features, reason, dismissal_note,
            merged_into, split_from,
        ))  # fmt: skip
        if verdict:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                added_at = created_at + datetime.timedelta(seconds=rng.uniform(60, 3600))
                if passages and rng.random() < 0.25:  # a passage of an article loaded earlier
                    doc_id, start, end, sentence = rng.choice(passages)
                    row = ("", doc_id, start, end, "", sentence, rng.choice(STANCES), assignee, added_at)
                else:
                    address, title = rng.choice(SOURCES)
                    values = {
                        "n": rng.randint(100, 99_999), "big": rng.randint(10**17, 10**18), "handle": rng.choice(HANDLES)
                    }  # fmt: skip
                    excerpt = _fill(rng.choice(TEMPLATES), rng) if rng.random() < 0.3 else ""
                    row = (address.format(**values), None, None, None, title.format(**values), excerpt,
                           rng.choice(STANCES), assignee, added_at)  # fmt: skip
                chunk["evidence"].append((claim_id, *row))


# --- Building the databases ---------------------------------------------------------------------


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def check_url(url: str) -> str:
    import dj_database_url

    config = dj_database_url.parse(url)
    name = config.get("NAME") or ""
    if config.get("ENGINE") != "django.db.backends.postgresql" or "bench" not in name:
        sys.exit(
            "Point DATABASE_URL at a throwaway PostgreSQL database whose name contains 'bench', e.g. "
            "postgres://postgres@127.0.0.1:5432/factcheck_export_bench: it is dropped and created."
        )
    return name


def reset_database(url: str) -> None:
    import psycopg

    name = check_url(url)
    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')


def build(claims: int, seed: int) -> None:
    """Create, migrate and fill the database of DATABASE_URL (run in its own process)."""
    reset_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from annotations.models import (
        Claim,
        ClaimOccurrence,
        Correction,
        DocumentEvent,
        DocumentVersion,
        Evidence,
        ReviewEvent,
        SourceDocument,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    User = get_user_model()
    User.objects.bulk_create([User(username=name, is_staff=True) for name in EDITORS + REVIEWERS])
    ids = dict(User.objects.values_list("username", "id"))
    corpus = Corpus(claims, seed, {"editors": [ids[n] for n in EDITORS], "reviewers": [ids[n] for n in REVIEWERS]})
    tables = [
        ("documents", SourceDocument, DOCUMENT_COLUMNS), ("versions", DocumentVersion, VERSION_COLUMNS),
        ("document_events", DocumentEvent, DOCUMENT_EVENT_COLUMNS), ("claims", Claim, CLAIM_COLUMNS),
        ("occurrences", ClaimOccurrence, OCCURRENCE_COLUMNS), ("evidence", Evidence, EVIDENCE_COLUMNS),
        ("events", ReviewEvent, EVENT_COLUMNS), ("corrections", Correction, CORRECTION_COLUMNS),
    ]  # fmt: skip
    counts = {name: 0 for name, _, _ in tables}
    with connection.cursor() as cursor:
        for chunk in corpus.chunks():
            with transaction.atomic():
                for name, model, columns in tables:
                    quoted = ", ".join(f'"{column}"' for column in columns)
                    with cursor.cursor.copy(f"COPY {model._meta.db_table} ({quoted}) FROM STDIN") as copy:
                        for row in chunk[name]:
                            copy.write_row(row)
                    counts[name] += len(chunk[name])
        for model in (SourceDocument, Claim, ReviewEvent):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # VACUUM as well: autovacuum would have set the visibility map of a database this old, and
        # without it every index-only scan reads the table too.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute(
            "SELECT count(*) FROM (SELECT claim_id FROM annotations_claimoccurrence GROUP BY claim_id "
            "HAVING count(*) > 1) twice"
        )
        twice = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM annotations_claim WHERE status = 'approved'")
        approved = cursor.fetchone()[0]
    print(
        f"built {connection.settings_dict['NAME']}: {counts['claims']:,} claims ({approved:,} approved, "
        f"{twice:,} in two articles), {counts['documents']:,} articles, {counts['occurrences']:,} occurrences, "
        f"{counts['evidence']:,} evidence, {counts['corrections']:,} corrections, "
        f"in {time.perf_counter() - started:.1f} s"
    )


# --- One export, in its own process -------------------------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def own_cpu_seconds() -> float:
    """Return the CPU time (user + system) of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(pid: int | None = None) -> float | None:
    """Return the CPU time (user + system) of this process, or of process ``pid`` from /proc."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL runs on another machine
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def export_once(name: str) -> None:
    """Export all claims in format ``name`` to /dev/null; print the figures as one JSON line."""
    import django

    django.setup()
    from django.db import connection

    from annotations.exports import ExportFilters, export
    from annotations.models import Claim

    claims = Claim.objects.count()  # also opens the connection before the baseline
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    before, cpu, database_cpu = peak_mb(), own_cpu_seconds(), cpu_seconds(backend)
    size = lines = 0
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        for chunk in export(name, ExportFilters(include_closed=True)):
            sink.write(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    database_after = cpu_seconds(backend)
    if database_cpu is not None and database_after is not None:
        database_cpu = database_after - database_cpu
    rows = lines - 1 if name == "csv" else lines  # the CSV has a header; no cell holds a line break
    result = {
        "format": name, "claims": claims, "rows": rows, "bytes": size, "seconds": seconds,
        "cpu": own_cpu_seconds() - cpu, "database_cpu": database_cpu, "before_mb": before, "peak_mb": peak_mb(),
    }  # fmt: skip
    print("RESULT " + json.dumps(result))


def run_export(url: str, name: str) -> dict:
    command = [sys.executable, __file__, "--export", name]
    done = subprocess.run(command, env=export_env(url), stdout=subprocess.PIPE, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def export_env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-key-for-benchmarks-never-for-serving-0123456789",
    }


def profile_jsonl(url: str) -> None:
    """Sample a JSON Lines export with py-spy; keep the stacks in bench/out/ and print the top frames."""
    out = ROOT / "bench" / "out" / "export-jsonl-profile.txt"
    out.parent.mkdir(exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        print("\n--profile needs py-spy in the virtualenv: pip install py-spy")
        return
    command = [str(spy), "record", "--format", "raw", "--rate", "250", "--output", str(out), "--",
               sys.executable, __file__, "--export", "jsonl"]  # fmt: skip
    subprocess.run(command, env=export_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines():
        stack, samples = line.rsplit(" ", 1)
        count = int(samples)
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if not any(frame.startswith("stream_jsonl ") for frame in frames):
            continue  # start-up
        total += count
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
    print(f"\nwhere a JSON Lines export spends its CPU (py-spy, {total:,} samples; stacks in {out.relative_to(ROOT)}):")
    for title, counts in (("including callees", inclusive), ("own time", own)):
        print(f"  {title}:")
        for frame, count in sorted(counts.items(), key=lambda item: -item[1])[:18]:
            print(f"    {count / total:6.1%}  {frame}")


def copy_rate(url: str) -> tuple[int, int, float]:
    """Return rows, bytes and seconds of PostgreSQL's own ``COPY annotations_claim TO STDOUT``."""
    import psycopg

    rows = size = 0
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy("COPY annotations_claim TO STDOUT") as copy:
            for data in copy:
                size += len(data)
                rows += bytes(data).count(b"\n")
        return rows, size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="claims in the full database")
    parser.add_argument("--small", type=int, default=10_000, help="claims in the small database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep both databases already built")
    parser.add_argument("--profile", action="store_true", help="profile the full JSON Lines export (py-spy)")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)  # in a child process
    parser.add_argument("--export", choices=["csv", "jsonl"], help=argparse.SUPPRESS)  # in a child process
    args = parser.parse_args()

    if args.build:
        return build(args.claims, args.seed)
    if args.export:
        return export_once(args.export)

    url = os.environ.get("DATABASE_URL", "")
    name = check_url(url)
    databases = [(with_name(url, f"{name}_small"), args.small), (url, args.claims)]
    if not args.reuse:
        for database, claims in databases:
            env = {**os.environ, "DATABASE_URL": database}
            command = [sys.executable, __file__, "--build", "--claims", str(claims), "--seed", str(args.seed)]
            subprocess.run(command, env=env, check=True)

    load = os.getloadavg()[0]
    print(f"\ncpus: {os.cpu_count()}, load average {load:.2f} before the exports, python {sys.version.split()[0]}")
    print("each export in a fresh process, to /dev/null; CPU: the export's process, and its PostgreSQL backend")
    print(f"{'export':7} {'claims':>10} {'MB out':>7} {'seconds':>8} {'rows/s':>8} {'CPU s':>6} {'PG CPU s':>8} "
          f"{'RSS before MB':>13} {'peak RSS MB':>11}")  # fmt: skip
    results = {}
    for database, _ in databases:
        for fmt in ("csv", "jsonl"):
            result = run_export(database, fmt)
            results[fmt, database] = result
            if result["rows"] != result["claims"]:
                print(f"  {fmt}: {result['rows']:,} rows for {result['claims']:,} claims")
            pg_cpu = f"{result['database_cpu']:8.2f}" if result["database_cpu"] is not None else f"{'?':>8}"
            print(
                f"{fmt:7} {result['claims']:>10,} {result['bytes'] / 1e6:7.1f} {result['seconds']:8.2f} "
                f"{result['claims'] / result['seconds']:8,.0f} {result['cpu']:6.2f} {pg_cpu} "
                f"{result['before_mb']:13.1f} {result['peak_mb']:11.1f}"
            )
    rows, size, seconds = copy_rate(url)
    print(f"reference, PostgreSQL's COPY annotations_claim TO STDOUT: {rate(rows, seconds)} rows ({size / 1e6:.0f} MB)")

    print("\ngoals:")
    small, full = databases[0][0], databases[1][0]
    for fmt, goal in GOALS.items():
        achieved = results[fmt, full]["claims"] / results[fmt, full]["seconds"]
        print(f"  {fmt} at {results[fmt, full]['claims']:,} claims: {achieved:,.0f} rows/s, goal {goal:,}: "
              f"{'met' if achieved >= goal else 'MISSED'}")  # fmt: skip
    for fmt in GOALS:
        growth = results[fmt, full]["peak_mb"] - results[fmt, small]["peak_mb"]
        verdict = "met" if growth < MEMORY_GOAL_MB else "MISSED"
        print(f"  {fmt} peak memory, {results[fmt, small]['claims']:,} -> {results[fmt, full]['claims']:,} claims: "
              f"{growth:+.1f} MB, goal under {MEMORY_GOAL_MB} MB: {verdict}")  # fmt: skip
    if args.profile:
        profile_jsonl(full)


if __name__ == "__main__":
    main()
