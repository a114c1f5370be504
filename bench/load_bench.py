"""Time the document loader on synthetic news articles, against PostgreSQL.

    DJANGO_SETTINGS_MODULE=factcheck.settings \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench \
    python bench/load_bench.py --claims 100000

It writes articles of 20-40 sentences (built from templates and word lists: names with titles,
dotted abbreviations, decimals, times, quotes, a few boilerplate lines) as .txt files to a
temporary folder, then prints:

- reading and splitting alone, without the database: sentences/s;
- the whole load (``load_paths``, the code path of ``manage.py load_seeds``): claims/s, and the
  database's share of it (the whole load less the reading and splitting);
- a plain ``bulk_create`` of as many Claim rows: rows/s;
- sentence splitting alone, ours and pysbd's, on a sample, and how often they agree.

The database named in DATABASE_URL is dropped, created again and migrated, so its name must
contain "bench". Figures are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

# --- Synthetic articles -------------------------------------------------------------------------

TITLED = [
    "Sen. Marco Rubio", "Gen. Dan Caine", "Rep. Maria Salazar", "Gov. Ron DeSantis",
    "Dr. Anthony Fauci", "Mr. Trump", "Mrs. Clinton", "Ms. Rodriguez", "Lt. Col. James Hill",
    "Sgt. Maj. Ana Cruz", "Prof. Helen Park", "Adm. Alvin Holsey", "Capt. Sarah Lee",
    "Rev. John Ortiz", "Sen. Tim Kaine", "Gen. Laura Richardson",
]  # fmt: skip
PEOPLE = [
    "Nicolás Maduro", "Delcy Rodríguez", "Miguel Díaz-Canel", "Donald Trump", "Marco Rubio",
    "John F. Kennedy", "E. B. White", "Pete Hegseth", "Diosdado Cabello", "María Corina Machado",
    "Edmundo González", "Raúl Castro", "J. D. Vance", "Karoline Leavitt", "Juan Guaidó",
]  # fmt: skip
ORGS = [
    "the U.S. Department of State", "the U.N. Security Council", "the Pentagon", "the CIA",
    "the Cuban government", "Venezuela's armed forces", "the European Union", "the OAS",
    "the U.S. Treasury", "the International Monetary Fund", "PDVSA", "the White House",
    "the U.K. Foreign Office", "the Organization of American States", "Reuters", "the BBC",
]  # fmt: skip
PLACES = [
    "Caracas", "Havana", "Washington", "Miami", "Bogotá", "Maracaibo", "Mexico City",
    "the Caribbean", "St. Petersburg, Fla.", "Puerto Rico", "Brasília", "Ciudad Guayana",
    "the U.S. Virgin Islands", "Santiago de Cuba", "Valencia", "the Orinoco basin",
]  # fmt: skip
DAYS = [
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
    "on Sunday", "last week", "this month", "overnight", "in Jan. 2024", "on Dec. 3",
    "in Sept. 2025", "on Feb. 14", "early on Saturday", "late on Sunday night",
]  # fmt: skip
THINGS = [
    "oil exports", "the embargo", "the election", "inflation", "the blockade", "the talks",
    "the strikes", "the indictment", "remittances", "the power grid", "food imports",
    "the sanctions", "the ceasefire", "the detainees", "the airspace",
]  # fmt: skip
VERBS = ["rose", "fell", "climbed", "dropped", "grew", "shrank", "jumped", "slipped"]
UNITS = ["percent", "million barrels", "billion dollars", "tons", "flights", "people"]
SAYS = ["said", "told reporters", "wrote on social media", "said in a statement", "added"]

TEMPLATES = [
    "{Person} met {titled} in {place} {day} to discuss {thing}.",
    "{titled} said {org} had warned about {thing} {day}.",
    "{Org} said {thing} {verb} {n} {unit} {day}, the largest change since {year}.",
    "The figure {verb} to {n} {unit} {day}, according to {org}.",
    "{titled} and {titled2} arrived in {place} at {hour} p.m. {day}.",
    "Officials in {place} said at least {int} people were killed {day}.",
    "“We will not accept {thing} {day},” {person} {says} in {place}.",
    "“The situation in {place} is serious. We are watching {thing} closely,” {titled} {says}.",
    "{Person} said the operation in {place} was 'a success' and that {thing} would continue.",
    "{Org} estimated that {thing} cost about ${n} billion in {year}.",
    "The U.S. and U.K. agreed {day} to review {thing}, {titled} said.",
    "It was not clear whether {org} would respond to the {int} {unit} cited by {titled}.",
    "{Person} was seen with {titled} in {place} {day}, {org} reported.",
    "Prices {verb} {n} percent in {month}. {year}, the central bank said.",
    "{titled} told {org} that about {int} troops were deployed near {place}.",
    "Critics in {place} said {thing} failed {int2} times... Supporters of {person} cited {n}.",
    "Why did {org} wait {int2} weeks to act on {thing}? {Person} asked in a {int}-word letter.",
    "The vote was {int}-{int2} {day}, with {titled} voting against {thing}.",
    "{Person} described {thing} in {place} as a 'disaster' run by 'incompetent' officials.",
    "According to {org}, {int} flights between {place} and {place2} were canceled {day}.",
    "{titled} spoke at {hour} a.m. {day} and left for {place} shortly after.",
    "The report by {org} said {thing} had cut output by {n} percent since {year}.",
]  # fmt: skip
BOILERPLATE = [
    "Advertisement",
    "This is read by an automated voice. Please report any issues or inconsistencies here .",
]
CREDITS = [
    "{surname} writes for the Associated Press.",
    "Associated Press reporters {person} and {person2} contributed to this report.",
]


def _fill(template: str, rng: random.Random) -> str:
    person, person2 = rng.sample(PEOPLE, 2)
    titled, titled2 = rng.sample(TITLED, 2)
    place, place2 = rng.sample(PLACES, 2)
    org = rng.choice(ORGS)
    text = template.format(
        person=person, Person=person, person2=person2, titled=titled, titled2=titled2,
        place=place, place2=place2, org=org, Org=org[0].upper() + org[1:],
        day=rng.choice(DAYS), day2=rng.choice(DAYS), thing=rng.choice(THINGS),
        verb=rng.choice(VERBS), unit=rng.choice(UNITS), says=rng.choice(SAYS),
        n=f"{rng.randint(1, 999)}.{rng.randint(1, 99)}", int=rng.randint(2, 50_000),
        int2=rng.randint(0, 9), hour=rng.randint(1, 12), year=rng.randint(1962, 2025),
        month=rng.choice(["Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec"]),
        surname=person.split()[-1],
    )  # fmt: skip
    return text.replace("$", "US$") if rng.random() < 0.3 else text


def article(rng: random.Random) -> tuple[str, int]:
    """Return the text of one synthetic article and how many sentences it was built from."""
    paragraphs: list[list[str]] = []
    count = 0
    for _ in range(rng.randint(20, 40)):
        if not paragraphs or len(paragraphs[-1]) >= rng.randint(1, 4):
            paragraphs.append([])
            if rng.random() < 0.08:
                paragraphs.append([rng.choice(BOILERPLATE)])
                paragraphs.append([])
        paragraphs[-1].append(_fill(rng.choice(TEMPLATES), rng))
        count += 1
    paragraphs.append([_fill(credit, rng) for credit in CREDITS])
    return "\n\n".join(" ".join(p) for p in paragraphs if p) + "\n", count


def write_articles(folder: Path, claims: int, seed: int) -> tuple[list[Path], int]:
    rng = random.Random(seed)
    paths: list[Path] = []
    total = 0
    while total < claims:
        text, count = article(rng)
        path = folder / f"{len(paths):06d}_bench.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        total += count
    return paths, total


# --- Measurements -------------------------------------------------------------------------------


def reset_database() -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.config()
    name = config.get("NAME") or ""
    if config.get("ENGINE") != "django.db.backends.postgresql" or "bench" not in name:
        sys.exit(
            "Point DATABASE_URL at a throwaway PostgreSQL database whose name contains 'bench', "
            "e.g. postgres://postgres@127.0.0.1:5432/factcheck_bench: it is dropped and created."
        )
    server = psycopg.connect(
        host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )  # fmt: skip
    with server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')


class StatementTimer:
    """A database execute wrapper that adds up the time of each kind of statement."""

    def __init__(self):
        self.totals: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = " ".join(sql.split()[:3])  # "INSERT INTO "annotations_claim""
            total = self.totals.setdefault(kind, [0, 0.0])
            total[0] += 1
            total[1] += time.perf_counter() - started

    def report(self, documents: int) -> None:
        spent = sum(seconds for _, seconds in self.totals.values())
        print(
            f"  statements: {spent:.2f} s in all "
            "(COPY streams are not counted here; the rest is COPY, Python and commits)"
        )
        for kind, (count, seconds) in sorted(self.totals.items(), key=lambda item: -item[1][1]):
            print(f"    {seconds:6.2f} s  {seconds / documents * 1000:5.2f} ms/document  "
                  f"{count:>6,}x  {kind[:60]}")  # fmt: skip


def rate(count: int, seconds: float) -> str:
    return f"{count:,} in {seconds:.2f} s = {count / seconds:,.0f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000, help="sentences to generate")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the articles")
    parser.add_argument("--pysbd-sample", type=int, default=300, help="articles given to pysbd")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the load")
    parser.add_argument("--statements", action="store_true", help="print the time spent in each kind of statement")
    args = parser.parse_args()

    reset_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations.ingest.documents import document_from_path
    from annotations.ingest.sentences import paragraphs, split_paragraph
    from annotations.models import Claim, ClaimOccurrence
    from annotations.workflow import load_paths

    call_command("migrate", verbosity=0)
    server = connection.cursor().connection.info.server_version
    name = connection.settings_dict["NAME"]
    print(f"database: PostgreSQL {server // 10000}.{server % 10000}, {name}")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")

    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        folder = Path(tmp)
        paths, built = write_articles(folder, args.claims, args.seed)
        print(f"articles: {len(paths):,} files, {built:,} sentences built")

        # Reading and splitting alone (what the load does before the database).
        started = time.perf_counter()
        parsed = [document_from_path(path) for path in paths]
        parse_seconds = time.perf_counter() - started
        sentences = sum(len(p.document.sentences) for p in parsed)
        print(f"read + split + filter, no database: {rate(sentences, parse_seconds)} sentences")

        # The whole load, as `manage.py load_seeds` runs it.
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        timer = StatementTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer) if args.statements else contextlib.nullcontext():
            summary = load_paths([folder])
        seconds = time.perf_counter() - started
        if profiler:
            profiler.disable()
        assert not summary.errors, summary.errors
        stored = ClaimOccurrence.objects.count()
        print(
            f"whole load (load_paths): {summary.documents_new:,} documents, "
            f"{summary.claims_new:,} new claims, {summary.occurrences:,} occurrences, "
            f"{seconds:.2f} s"
        )
        print(f"  claims/s: {summary.claims_new / seconds:,.0f} new claims/s, "
              f"{summary.occurrences / seconds:,.0f} sentences stored/s")  # fmt: skip
        print("  (reading and splitting run in a second process while this one writes, so the two "
              "overlap: the whole load is not their sum)")  # fmt: skip
        assert stored == summary.occurrences
        if args.statements:
            timer.report(summary.documents_new)
        if profiler:
            import pstats

            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

        # A plain bulk_create of as many Claim rows (distinct hashes), for comparison.
        now = timezone.now()
        rows = [
            Claim(text=f"Bulk row {i}", text_hash=f"bulk-{i:059d}", created_at=now, updated_at=now)
            for i in range(summary.claims_new)
        ]
        started = time.perf_counter()
        with transaction.atomic():
            Claim.objects.bulk_create(rows, batch_size=5000)
        seconds = time.perf_counter() - started
        print(f"plain bulk_create of Claim rows: {rate(len(rows), seconds)} rows")

        # Sentence splitting alone: ours on every article, pysbd on a sample.
        texts = [p.document.text for p in parsed]
        started = time.perf_counter()
        count = 0
        for text in texts:
            for start, end in paragraphs(text):
                count += len(split_paragraph(text, start, end))
        seconds = time.perf_counter() - started
        print(f"splitting only, ours: {rate(count, seconds)} sentences")

        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)
        sample = [text[start:end] for text in texts[: args.pysbd_sample]
                  for start, end in paragraphs(text) if text[start:end].strip()]  # fmt: skip
        started = time.perf_counter()
        reference = [[s.strip() for s in segmenter.segment(p) if s.strip()] for p in sample]
        seconds = time.perf_counter() - started
        print(f"splitting only, pysbd: {rate(sum(map(len, reference)), seconds)} sentences")
        ours = [[p[s:e] for s, e in split_paragraph(p)] for p in sample]
        agree = sum(a == b for a, b in zip(ours, reference, strict=True))
        print(f"  same split as pysbd: {agree:,} of {len(sample):,} paragraphs")


if __name__ == "__main__":
    main()
