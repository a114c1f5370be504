"""schema.org ClaimReview (JSON-LD) for approved claims, as search engines read it.

``claimReviewed`` is the claim as it was checked: its wording when an editor gave one, else its
text as it appears in the articles.

The rating scale (``reviewRating``) is the verdicts' ratings in ``vocabulary`` (1 = disputed,
2 = unverified, 3 = verified), ``worstRating`` and ``bestRating`` the lowest and highest;
``alternateName`` carries the verdict's label. The review's ``url`` is ``FACTCHECK_CLAIM_URL``
with the claim's id, its ``author`` the publishing organisation (``FACTCHECK_PUBLISHER_NAME`` and
``_URL``). ``datePublished`` is the first approval, ``dateModified`` the latest correction.
``itemReviewed`` is the ``Claim`` with its ``appearance``: the articles it appears in now (not
those whose later version dropped its sentence), each a ``CreativeWork`` with its headline, its
address (http or https only), its date, its author (a ``Person``) and its publisher (an
``Organization``) where known; ``firstAppearance`` is the earliest dated of them, else the first.
The claim's ``author`` is given where the claim is attributed (the speaker found at load time): an
``Organization`` when the name holds a word for one ("the Cuban government", "the armed forces",
"The New York Times"), else a ``Person`` ("Rubio", "US General Dan Caine").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from django.conf import settings

from annotations.models import ClaimStatus, Verdict
from annotations.vocabulary import VERDICTS

from .filters import ExportFilters
from .records import claim_batches

RATING = {verdict: terms.rating for verdict, terms in VERDICTS.items()}
WORST, BEST = min(RATING.values()), max(RATING.values())

# Words that make a speaker's name an organisation's. Anything else is taken for a person's name.
ORGANISATION_WORDS = frozenset(
    """government governments ministry department office agency agencies army navy military forces police
    council committee commission party parliament congress senate court union company corporation bank
    embassy administration authorities authority kremlin house times post news press tv television radio
    network institute university organisation organization association federation foundation group
    coalition alliance service services nations observatory media outlet newspaper channel statement
    un nato eu cia fbi""".split()
)


def speaker_entity(name: str) -> dict:
    """Return the schema.org ``Person`` or ``Organization`` who made a claim, by its speaker's name."""
    words = {word.strip(".,'’").lower() for word in name.split()}
    kind = "Organization" if words & ORGANISATION_WORDS else "Person"
    return {"@type": kind, "name": name}


def checked_text(record: dict) -> str:
    """Return the claim as it is checked (``Claim.checked_text``): its wording, else its text."""
    return record["wording"] or record["text"]


def appearance(occurrence: dict) -> dict:
    """Return the schema.org ``CreativeWork`` of the article an occurrence is in."""
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": occurrence["document_title"]}
    if occurrence["document_url"].startswith(("http://", "https://")):  # never javascript: and the like
        work["url"] = occurrence["document_url"]
    if occurrence["document_published_on"]:
        work["datePublished"] = occurrence["document_published_on"]
    if occurrence["document_author"]:
        work["author"] = {"@type": "Person", "name": occurrence["document_author"]}
    if occurrence["document_publisher"]:
        work["publisher"] = {"@type": "Organization", "name": occurrence["document_publisher"]}
    return work


def review(record: dict) -> dict:
    """Return the ClaimReview of one approved claim's record."""
    verdict = Verdict(record["published_verdict"] or record["verdict"])
    organisation = {"@type": "Organization", "name": settings.FACTCHECK_PUBLISHER_NAME}
    if settings.FACTCHECK_PUBLISHER_URL:
        organisation["url"] = settings.FACTCHECK_PUBLISHER_URL
    appearances, seen = [], set()
    for occurrence in record["occurrences"]:
        if occurrence["removed_in"] is not None or occurrence["document"] in seen:
            continue
        seen.add(occurrence["document"])
        appearances.append(appearance(occurrence))
    claim: dict[str, Any] = {"@type": "Claim", "appearance": appearances}
    dated = [work for work in appearances if "datePublished" in work]
    if dated:
        claim["firstAppearance"] = min(dated, key=lambda work: work["datePublished"])  # the first of equal dates
    elif appearances:
        claim["firstAppearance"] = appearances[0]
    if record["speaker"]:
        claim["author"] = speaker_entity(record["speaker"])
    item = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.FACTCHECK_CLAIM_URL.format(id=record["id"]),
        "claimReviewed": checked_text(record),
        "author": organisation,
        "datePublished": (record["published_at"] or record["approved_at"])[:10],
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[verdict],
            "worstRating": WORST,
            "bestRating": BEST,
            "alternateName": verdict.label,
        },
        "itemReviewed": claim,
    }
    if record["published_note"]:
        item["reviewBody"] = record["published_note"]
    if record["corrections"]:
        item["dateModified"] = record["corrections"][-1]["date"][:10]
    return item


# The characters that could end or open markup where JSON-LD is pasted (inside a <script> element):
# written as JSON escapes, which every JSON reader takes back as the same characters.
EMBED_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))


def embeddable(data: bytes) -> bytes:
    """Return JSON ``data`` safe inside ``<script type="application/ld+json">`` (``</script>`` cannot end it).

    In JSON these characters occur only inside strings, where the escapes mean the same.
    """
    for character, escape in EMBED_ESCAPES:
        data = data.replace(character, escape)
    return data


def stream(filters: ExportFilters, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Yield a JSON array of the ClaimReviews of the filtered claims that are approved."""
    claims = filters.claims().filter(status=ClaimStatus.APPROVED)
    yield b"["
    first = True
    for records in claim_batches(claims):
        yield (b"" if first else b",") + b"\n" + b",\n".join(embeddable(orjson.dumps(review(r))) for r in records)
        first = False
        if progress:
            progress(len(records))
    yield b"\n]\n"
