"""Time corroboration suggestions as documents load, against PostgreSQL, and check they stay flat.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_corroboration_bench \
    python bench/corroboration_bench.py --documents 10000 [--rebuild]

It writes synthetic news articles to a temporary folder. Each reports one of a few thousand events
(a fire, a flood, a collapse... in a named place, with a death toll, the injured, mourning, aid, a
cause, arrests, a denial, evacuations), 5-8 of its facts, each in one of three wordings, with names
and figures drawn per event; 1-4 articles report each event, and one in ten gives another death
toll. The rest of each article (15-25 sentences) is background from a wide vocabulary (a tenth from
the load benchmark's templates). The
files are loaded in a shuffled order with ``load_paths`` (the code path of ``manage.py load_seeds``),
and the script prints:

- the whole load's time per document, and the suggestions' share of it;
- the suggestions' time per document for each thousand documents loaded, to show whether it grows
  with the corpus (it must not: total time linear in the number of documents, not quadratic);
- the size of the index and of the suggestions;
- how well the suggestions find the other articles' wording of the same fact (the generator knows
  which sentences state which fact of which event): precision and recall on those sentences;
- with ``--rebuild``, the time of ``refresh_suggestions`` over the whole corpus.

The database named in DATABASE_URL is dropped, created again and migrated, so its name must
contain "bench". Figures are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

from load_bench import TEMPLATES, _fill, reset_database  # noqa: E402

# --- Events -------------------------------------------------------------------------------------

FIRST = [
    "Ana", "Luis", "Maria", "Jorge", "Elena", "Pedro", "Sofia", "Carlos", "Lucia", "Diego", "Rosa", "Andres",
    "Isabel", "Tomas", "Paula", "Javier", "Carmen", "Raul", "Marta", "Felipe", "Amina", "Kwame", "Yuki", "Hiro",
    "Priya", "Arjun", "Fatima", "Omar", "Leila", "Sami", "Olga", "Ivan", "Nadia", "Pavel", "Greta", "Lars",
    "Ingrid", "Sven", "Chloe", "Louis",
]  # fmt: skip
LAST = [
    "Alvarez", "Benitez", "Castro", "Delgado", "Escobar", "Fuentes", "Guerrero", "Herrera", "Ibarra", "Jimenez",
    "Lozano", "Mendoza", "Navarro", "Ortega", "Pacheco", "Quintero", "Rojas", "Salazar", "Torres", "Urbina",
    "Vargas", "Zamora", "Okafor", "Mensah", "Tanaka", "Sato", "Sharma", "Patel", "Haddad", "Nasser", "Petrov",
    "Volkova", "Novak", "Berg", "Lindqvist", "Dubois", "Moreau", "Keller", "Weber", "Rossi", "Bianchi",
    "Costa", "Silva", "Pereira", "Nguyen", "Tran", "Kim", "Park", "Chen", "Wang",
]  # fmt: skip
PLACES = [
    "Valparaiso", "Arequipa", "Cuenca", "Rosario", "Cordoba", "Medellin", "Cali", "Barquisimeto", "Maracay",
    "Puebla", "Oaxaca", "Merida", "Leon", "Tijuana", "Guayaquil", "Trujillo", "Cusco", "Salta", "Mendoza City",
    "Porto Alegre", "Recife", "Fortaleza", "Manaus", "Belem", "Curitiba", "Lagos", "Ibadan", "Kumasi", "Accra",
    "Dakar", "Nairobi", "Mombasa", "Kampala", "Arusha", "Lusaka", "Harare", "Durban", "Maputo", "Luanda",
    "Casablanca", "Izmir", "Bursa", "Tabriz", "Shiraz", "Multan", "Lahore", "Pune", "Nagpur", "Surat", "Madurai",
    "Chittagong", "Khulna", "Cebu", "Davao", "Medan", "Surabaya", "Da Nang", "Hue", "Busan", "Daegu", "Sendai",
    "Kobe", "Naples", "Palermo", "Seville", "Valencia", "Porto", "Lyon", "Marseille", "Gdansk", "Krakow",
    "Brno", "Cluj", "Varna", "Odesa", "Kharkiv", "Tbilisi", "Yerevan", "Almaty", "Bishkek",
]  # fmt: skip
COUNTRIES = [
    "Chile", "Peru", "Ecuador", "Argentina", "Colombia", "Venezuela", "Mexico", "Brazil", "Nigeria", "Ghana",
    "Senegal", "Kenya", "Uganda", "Tanzania", "Zambia", "Zimbabwe", "South Africa", "Mozambique", "Angola",
    "Morocco", "Turkey", "Iran", "Pakistan", "India", "Bangladesh", "the Philippines", "Indonesia", "Vietnam",
    "South Korea", "Japan", "Italy", "Spain", "Portugal", "France", "Poland", "Romania", "Bulgaria", "Ukraine",
    "Georgia", "Armenia",
]  # fmt: skip
ROLES = ["president", "prime minister", "interior minister", "governor", "mayor"]
DISASTERS = ["fire", "flood", "explosion", "landslide", "building collapse", "train crash", "bridge collapse",
             "ferry sinking", "storm", "earthquake"]  # fmt: skip
CAUSES = ["a gas leak", "faulty wiring", "days of heavy rain", "an electrical fault", "a signalling error",
          "poor maintenance", "an overloaded boiler", "illegal construction", "a fuel tanker",
          "strong winds"]  # fmt: skip
BUILDINGS = ["market hall", "apartment block", "factory", "warehouse", "school", "hospital wing", "bus station",
             "shopping centre", "stadium stand", "hotel"]  # fmt: skip
DISTRICTS = ["the old town", "the port district", "the northern suburbs", "the river quarter", "the market district",
             "the hillside neighbourhoods", "the industrial zone", "the eastern estates"]  # fmt: skip
AID = ["The World Bank", "The European Union", "The Red Cross", "The United Nations", "The African Union",
       "The Inter-American Development Bank", "Japan's aid agency", "The Gates Foundation"]  # fmt: skip

# The other sentences of an article: background, quotes and asides, from a wide vocabulary, so that
# two of them rarely say the same thing (a tenth come from the load benchmark's narrower templates).
NOUNS = [
    "budget", "harbour", "railway", "school", "hospital", "market", "bridge", "reservoir", "factory", "airport",
    "clinic", "museum", "library", "highway", "tunnel", "pipeline", "refinery", "mine", "farm", "vineyard",
    "festival", "election", "strike", "protest", "reform", "pension", "tax", "tariff", "loan", "contract",
    "court", "trial", "verdict", "inquiry", "audit", "report", "survey", "census", "vaccine", "drought",
    "harvest", "currency", "mortgage", "rent", "wage", "union", "council", "parliament", "ministry", "agency",
    "stadium", "orchestra", "cathedral", "monument", "park", "forest", "river", "coastline", "island", "glacier",
]  # fmt: skip
ADJECTIVES = [
    "new", "old", "public", "private", "regional", "national", "local", "coastal", "rural", "urban", "northern",
    "southern", "delayed", "disputed", "costly", "unpopular", "modest", "ambitious", "temporary", "permanent",
    "crowded", "empty", "damaged", "restored", "planned", "cancelled", "expanded", "smaller", "larger", "busy",
]  # fmt: skip
VERBS = [
    ("approve", "approved"), ("reject", "rejected"), ("expand", "expanded"), ("close", "closed"),
    ("reopen", "reopened"), ("inspect", "inspected"), ("fund", "funded"), ("delay", "delayed"),
    ("review", "reviewed"), ("rebuild", "rebuilt"), ("sell", "sold"), ("buy", "bought"), ("cancel", "cancelled"),
    ("extend", "extended"), ("suspend", "suspended"), ("launch", "launched"), ("study", "studied"),
    ("criticise", "criticised"), ("defend", "defended"), ("investigate", "investigated"),
]  # fmt: skip
JOBS = ["teacher", "nurse", "shopkeeper", "engineer", "farmer", "student", "driver", "economist", "lawyer",
        "historian", "architect", "fisherman", "pharmacist", "baker", "miner"]  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
OTHER_TEMPLATES = [
    "{person} said the {adj} {noun} in {place} would be {verb_pp} by {month}.",
    "The {noun} in {place} was {verb_pp} last year after {n} months of talks.",
    "{person}, a {job} from {place}, said the {noun} had been {adj} for years.",
    "Officials plan to {verb} the {adj} {noun} near {place} before {month}.",
    "The {noun2} council voted {n}-{n2} to {verb} the {noun}.",
    "In {place}, residents said the {adj} {noun} and the {noun2} were their main worries.",
    "{person} {verb_pp} the {noun2} plan, calling it {adj}.",
    "The cost of the {noun} rose to {m} million dollars, {person} said.",
    '"We have waited {n} years for this {noun}," said {person}, a {job}.',
    "A {adj} {noun2} opened in {place} in {month}, the first in {n} years.",
    "Critics said the {noun} in {place} had been {verb_pp} without a {noun2}.",
    "{person} has worked as a {job} in {place} since {year}.",
]


def other_sentence(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return _fill(rng.choice(TEMPLATES), rng)
    verb, verb_pp = rng.choice(VERBS)
    noun, noun2 = rng.sample(NOUNS, 2)
    return rng.choice(OTHER_TEMPLATES).format(
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", adj=rng.choice(ADJECTIVES), noun=noun, noun2=noun2,
        verb=verb, verb_pp=verb_pp, place=rng.choice(PLACES), month=rng.choice(MONTHS), job=rng.choice(JOBS),
        n=rng.randint(2, 99), n2=rng.randint(0, 40), m=rng.randint(2, 999), year=rng.randint(1970, 2024),
    )  # fmt: skip


# fact -> its wordings; {fields} come from the event.
FACTS = {
    "toll": [
        "At least {n} people were killed in the {disaster} in {place} {day}, {org} said.",
        "{Org} said {n} people died when the {disaster} struck {place} {day}.",
        "The death toll from the {disaster} in {place} rose to {n}, according to {org}.",
    ],
    "injured": [
        "More than {injured} others were injured in the {disaster} in {place}.",
        "The {disaster} left {injured} people injured, hospital officials in {place} said.",
        "Hospitals in {place} treated {injured} people hurt in the {disaster}.",
    ],
    "mourning": [
        "{person}, the {role} of {country}, declared {k} days of national mourning.",
        "{country_cap} will observe {k} days of mourning, {role} {person} announced.",
        "{role_cap} {person} announced {k} days of mourning across {country}.",
    ],
    "aid": [
        "{aid} pledged {m} million dollars in emergency aid for {place}.",
        "Emergency aid of {m} million dollars for {place} was promised by {aid_lower}.",
        "{aid} said it would send {m} million dollars to help {place} recover from the {disaster}.",
    ],
    "cause": [
        "Investigators said the {disaster} in {place} was caused by {cause}.",
        "The {disaster} in {place} was blamed on {cause}, investigators said.",
        "An initial investigation found that {cause} caused the {disaster} in {place}.",
    ],
    "arrests": [
        "Police in {place} arrested {a} people in connection with the {disaster}.",
        "{a} suspects were detained by police in {place} after the {disaster}.",
        "Authorities in {place} said {a} people had been arrested over the {disaster}.",
    ],
    "denial": [
        "{owner}, who owns the {building}, denied that it had failed safety inspections.",
        "{owner} said the {building} had never failed a safety inspection.",
        "The {building} did not fail its safety inspections, its owner {owner} insisted.",
    ],
    "evacuation": [
        "About {e} residents were evacuated from {district} of {place}.",
        "Authorities evacuated some {e} people living in {district} of {place}.",
        "{e} residents of {district} of {place} had to leave their homes.",
    ],
}
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday",
        "overnight", "early on Sunday", "late on Friday"]  # fmt: skip
ORGS = ["the civil protection agency", "the fire brigade", "the health ministry", "local officials",
        "the regional government", "the police"]  # fmt: skip


def new_event(rng: random.Random) -> dict:
    person, owner = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
    role, country, aid, org = rng.choice(ROLES), rng.choice(COUNTRIES), rng.choice(AID), rng.choice(ORGS)
    return {
        "place": rng.choice(PLACES), "disaster": rng.choice(DISASTERS), "day": rng.choice(DAYS), "org": org,
        "Org": org[0].upper() + org[1:], "n": rng.randint(3, 400), "injured": rng.randint(10, 2_000),
        "person": person, "role": role, "role_cap": role[0].upper() + role[1:], "country": country,
        "country_cap": country[0].upper() + country[1:], "k": rng.choice([2, 3, 5, 7]), "aid": aid,
        "aid_lower": aid[0].lower() + aid[1:], "m": rng.randint(2, 900), "cause": rng.choice(CAUSES),
        "a": rng.randint(2, 40), "owner": owner, "building": rng.choice(BUILDINGS), "e": rng.randint(100, 90_000),
        "district": rng.choice(DISTRICTS),
    }  # fmt: skip


def event_article(rng: random.Random, event_id: int, event: dict) -> tuple[str, dict[str, tuple[int, str]]]:
    """Return an article on ``event`` and {sentence: (event, fact)} for the event's facts in it."""
    facts = rng.sample(sorted(FACTS), rng.randint(5, 8))
    fields = dict(event)
    if rng.random() < 0.1:  # another outlet's death toll
        fields["n"] = event["n"] + rng.randint(5, 60)
    labels, sentences = {}, []
    for fact in facts:
        sentence = rng.choice(FACTS[fact]).format(**fields)
        labels[sentence] = (event_id, fact)
        sentences.append(sentence)
    sentences += [other_sentence(rng) for _ in range(rng.randint(15, 25))]
    rng.shuffle(sentences)
    paragraphs, at = [], 0
    while at < len(sentences):
        size = rng.randint(1, 4)
        paragraphs.append(" ".join(sentences[at : at + size]))
        at += size
    return "\n\n".join(paragraphs) + "\n", labels


def write_articles(folder: Path, documents: int, seed: int) -> dict[str, tuple[int, str]]:
    rng = random.Random(seed)
    labels, order = {}, list(range(documents))
    rng.shuffle(order)  # the articles of one event are loaded far apart
    written, event_id = 0, 0
    while written < documents:
        event, event_id = new_event(rng), event_id + 1
        for _ in range(min(rng.choice([1, 2, 2, 3, 3, 4]), documents - written)):
            text, found = event_article(rng, event_id, event)
            (folder / f"{order[written]:06d}_event.txt").write_text(text, encoding="utf-8")
            labels.update(found)
            written += 1
    return labels


# --- Measurements -------------------------------------------------------------------------------


def quality(labels: dict[str, tuple[int, str]]) -> tuple[float, float, int]:
    """Return precision and recall of the suggestions between event facts, and the pairs to find."""
    from annotations.models import Claim, ClaimOccurrence, Suggestion

    fact_of = {}
    for pk, text in Claim.objects.values_list("pk", "text").iterator(chunk_size=10_000):
        if text in labels:
            fact_of[pk] = labels[text]
    documents = defaultdict(set)
    occurrences = ClaimOccurrence.objects.values_list("claim_id", "document_id")
    for claim_id, document_id in occurrences.iterator(chunk_size=10_000):
        if claim_id in fact_of:
            documents[claim_id].add(document_id)
    by_fact = defaultdict(list)
    for pk, fact in fact_of.items():
        by_fact[fact].append(pk)
    expected = {
        (a, b) for claims in by_fact.values() for a in claims for b in claims if a != b and documents[b] - documents[a]
    }
    suggested = {
        (a, b)
        for a, b in Suggestion.objects.values_list("claim_id", "passage_claim_id").iterator(chunk_size=10_000)
        if a in fact_of
    }
    right = {(a, b) for a, b in suggested if fact_of[a] == fact_of.get(b)}
    return len(right) / max(1, len(suggested)), len(right & expected) / max(1, len(expected)), len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="articles to generate and load")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the articles")
    parser.add_argument("--step", type=int, default=1_000, help="report the suggestions' time per this many documents")
    parser.add_argument("--rebuild", action="store_true", help="also time refresh_suggestions over the corpus")
    args = parser.parse_args()

    reset_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from annotations import corroboration
    from annotations.models import Suggestion, TermCount, TermPosting
    from annotations.workflow import loading as loader

    call_command("migrate", verbosity=0)
    server = connection.cursor().connection.info.server_version
    print(f"database: PostgreSQL {server // 10000}.{server % 10000}, {connection.settings_dict['NAME']}")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")

    # Time each call of the suggestions step, by how many documents were loaded before it.
    calls: list[tuple[int, int, float]] = []  # (documents loaded before, documents, seconds)
    real = corroboration.suggestions_after_load

    def timed(*, document_ids, new_claim_ids):
        started = time.perf_counter()
        written = real(document_ids=document_ids, new_claim_ids=new_claim_ids)
        calls.append((sum(n for _, n, _ in calls), len(document_ids), time.perf_counter() - started))
        before = calls[-1][0]
        if (before + len(document_ids)) // args.step > before // args.step:  # a step completed: say so now
            print(f"  ... {before + len(document_ids):,} documents loaded", flush=True)
        return written

    corroboration.suggestions_after_load = timed

    with tempfile.TemporaryDirectory(prefix="factcheck-corroboration-bench-") as tmp:
        folder = Path(tmp)
        labels = write_articles(folder, args.documents, args.seed)
        print(f"articles: {args.documents:,} files, {len(labels):,} distinct event-fact sentences")
        started = time.perf_counter()
        summary = loader.load_paths([folder])
        seconds = time.perf_counter() - started
    assert not summary.errors, summary.errors
    suggesting = sum(s for _, _, s in calls)
    documents = summary.documents_new
    print(
        f"whole load (load_paths): {documents:,} documents, {summary.claims_new:,} claims, {seconds:.1f} s = "
        f"{seconds / documents * 1000:.2f} ms/document"
    )
    print(f"  of which suggestions: {suggesting:.1f} s = {suggesting / documents * 1000:.2f} ms/document "
          f"({summary.suggestions:,} written in {len(calls)} batches)")  # fmt: skip
    print(f"  without them: {(seconds - suggesting) / documents * 1000:.2f} ms/document")
    print(f"suggestions' time per document, by documents already loaded (batches of {loader.BATCH_SENTENCES:,} "
          "sentences):")  # fmt: skip
    documents_in: dict[int, int] = defaultdict(int)
    seconds_in: dict[int, float] = defaultdict(float)
    for before, count, spent in calls:
        documents_in[before // args.step] += count
        seconds_in[before // args.step] += spent
    for index in sorted(documents_in):
        count, spent = documents_in[index], seconds_in[index]
        print(f"  {index * args.step:>7,}-{(index + 1) * args.step:<7,} {spent / count * 1000:7.2f} ms/document")
    print(
        f"index: {TermCount.objects.count():,} terms counted, {TermPosting.objects.count():,} postings; "
        f"{Suggestion.objects.count():,} suggestions"
    )
    precision, recall, expected = quality(labels)
    print(f"event facts: precision {precision:.2f}, recall {recall:.2f} ({expected:,} pairs to find)")
    if args.rebuild:
        started = time.perf_counter()
        written = corroboration.suggestions_rebuild()
        seconds = time.perf_counter() - started
        print(f"refresh_suggestions: {written:,} suggestions in {seconds:.1f} s = "
              f"{seconds / documents * 1000:.2f} ms/document")  # fmt: skip
        precision, recall, _ = quality(labels)
        print(f"  event facts after the rebuild: precision {precision:.2f}, recall {recall:.2f}")


if __name__ == "__main__":
    main()
