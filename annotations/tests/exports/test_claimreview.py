"""ClaimReview (schema.org JSON-LD): approved claims only, rated on one scale, dated, where they appear now."""

import datetime
import json

import pytest

from annotations.exports import ExportFilters
from annotations.exports.claimreview import speaker_entity
from annotations.models import Claim, Correction

from .conftest import COST_REWORDING, COST_TEXT, DAM_TITLE_NOW, exported, exported_ids

pytestmark = pytest.mark.django_db


def reviews(filters=None) -> dict[str, dict]:
    """Return the exported ClaimReviews by the text of their claim."""
    items = json.loads(exported("claimreview", filters or ExportFilters.parse(published=True)))
    assert isinstance(items, list)
    return {item["claimReviewed"]: item for item in items}


def test_only_approved_claims_are_reviewed(newsroom):
    approved = set(Claim.objects.filter(status="approved").values_list("text", flat=True))
    assert len(approved) == 12
    assert set(reviews()) == approved
    # Whatever the filters ask for, a claim under work is never published.
    assert set(reviews(ExportFilters())) == approved
    assert set(reviews(ExportFilters(status=("pending", "in_review", "returned")))) == set()


def test_the_claim_reviewed_is_its_wording_when_it_has_one_else_its_text(triaged):
    items = reviews()
    worded = triaged.worded
    assert items[COST_REWORDING]["url"].rstrip("/").endswith(f"/{worded.pk}")
    assert COST_TEXT not in items  # the sentence as it appears is not what was checked
    assert items[COST_REWORDING]["dateModified"] == f"{Correction.objects.get(claim=worded).created_at:%Y-%m-%d}"
    assert [work["headline"] for work in items[COST_REWORDING]["itemReviewed"]["appearance"]] == ["Council briefing"]
    unworded = Claim.objects.filter(status="approved", wording="")
    assert len(unworded) == 12 and all(claim.text in items for claim in unworded)
    assert len(items) == 13


def test_a_claim_closed_in_triage_is_never_reviewed(triaged):
    closed = tuple(sorted(claim.pk for claim in triaged.closed))
    for filters in (
        ExportFilters.parse(include_closed=True, published=True),
        ExportFilters(include_closed=True),
        ExportFilters(claim_ids=closed),
        ExportFilters(status=("dismissed", "merged", "split")),
    ):
        assert not set(closed) & set(exported_ids("claimreview", exported("claimreview", filters))), filters


@pytest.mark.parametrize(
    "name, value, label",
    [("disputed", 1, "Disputed"), ("unverified", 2, "Unverified"), ("approved", 3, "Verified")],
)
def test_each_verdict_has_its_rating_on_a_one_to_three_scale(newsroom, name, value, label):
    claim = getattr(newsroom.claims, name)
    assert reviews()[claim.text]["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": value,
        "worstRating": 1,
        "bestRating": 3,
        "alternateName": label,
    }


def test_the_review_has_its_address_publisher_and_body(newsroom, settings):
    settings.FACTCHECK_CLAIM_URL = "https://checks.example.net/c/{id}/"
    settings.FACTCHECK_PUBLISHER_NAME = "River Watch"
    settings.FACTCHECK_PUBLISHER_URL = "https://riverwatch.example.net"
    claim = newsroom.claims.disputed
    item = reviews()[claim.text]
    assert (item["@context"], item["@type"]) == ("https://schema.org", "ClaimReview")
    assert item["url"] == f"https://checks.example.net/c/{claim.pk}/"
    assert item["author"] == {"@type": "Organization", "name": "River Watch", "url": "https://riverwatch.example.net"}
    assert item["reviewBody"] == "Shorter than the Ouse."


def test_a_publisher_without_an_address_is_named_alone(newsroom, settings):
    settings.FACTCHECK_PUBLISHER_NAME = "River Watch"
    settings.FACTCHECK_PUBLISHER_URL = ""
    assert reviews()[newsroom.claims.approved.text]["author"] == {"@type": "Organization", "name": "River Watch"}


def test_published_is_the_first_approval_and_modified_only_comes_with_a_correction(newsroom):
    claims, items = newsroom.claims, reviews()
    corrected = items[claims.corrected.text]
    assert corrected["datePublished"] == "2025-03-01"  # first approved then; approved again since
    assert corrected["dateModified"] == f"{Correction.objects.get(claim=claims.corrected).created_at:%Y-%m-%d}"
    assert corrected["dateModified"] == f"{Claim.objects.get(pk=claims.corrected.pk).approved_at:%Y-%m-%d}"
    assert corrected["reviewRating"]["alternateName"] == "Disputed"
    assert corrected["reviewBody"] == "The figure rose by a third."
    assert items[claims.approved.text]["datePublished"] == "2025-03-02"
    assert [text for text, item in items.items() if "dateModified" in item] == [claims.corrected.text]


def test_the_item_reviewed_is_the_claim_as_it_appears_in_its_articles_first_the_earliest_dated(newsroom):
    item = reviews()[newsroom.claims.approved.text]["itemReviewed"]
    report = {
        "@type": "CreativeWork", "headline": "River report", "url": "https://example.org/river",
        "datePublished": "2025-02-27", "publisher": {"@type": "Organization", "name": "River Times"},
    }  # fmt: skip
    dam = {
        "@type": "CreativeWork", "headline": DAM_TITLE_NOW, "url": "https://example.org/dam",
        "datePublished": "2025-02-20", "author": {"@type": "Person", "name": "Jo Reyes"},
        "publisher": {"@type": "Organization", "name": "Valley Herald"},
    }  # fmt: skip
    assert item == {
        "@type": "Claim",
        # the digest has no address, no date, no author and no publisher
        "appearance": [report, {"@type": "CreativeWork", "headline": "River digest"}, dam],
        "firstAppearance": dam,  # dated 2025-02-20, before the report
    }


def test_without_dates_the_first_appearance_is_the_first_article(newsroom):
    item = reviews()[newsroom.claims.mayor.text]["itemReviewed"]
    assert (
        item["firstAppearance"] == item["appearance"][0] == {"@type": "CreativeWork", "headline": "<i>Markup</i> & co"}
    )


def test_an_article_that_no_longer_holds_the_claim_is_not_an_appearance(newsroom):
    # The cost left the dam article in its second version: the claim appears nowhere now.
    assert newsroom.claims.dam_cost.occurrences.get().removed_in == 2
    item = reviews()[newsroom.claims.dam_cost.text]
    assert item["itemReviewed"] == {"@type": "Claim", "appearance": []}
    assert item["reviewRating"]["alternateName"] == "Disputed"


def test_a_document_address_that_is_not_a_web_address_is_left_out(newsroom):
    items = reviews()
    assert items[newsroom.claims.mayor.text]["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "headline": "<i>Markup</i> & co"}  # its address was javascript:alert(1)
    ]
    formula = newsroom.formulas[0]
    assert items[formula.claim.text]["itemReviewed"]["appearance"] == [
        {
            "@type": "CreativeWork",
            "headline": formula.document.title,
            "publisher": {"@type": "Organization", "name": formula.document.publisher},
        }
    ]


# The schema.org types the export uses and the properties each one has (its own or inherited from
# CreativeWork and Thing), as schema.org defines them; and the properties whose values are dates.
SCHEMA = {
    "ClaimReview": {"url", "claimReviewed", "author", "datePublished", "dateModified", "reviewRating", "itemReviewed",
                    "reviewBody"},
    "Claim": {"appearance", "firstAppearance", "author"},
    "CreativeWork": {"headline", "url", "datePublished", "author", "publisher"},
    "Rating": {"ratingValue", "worstRating", "bestRating", "alternateName"},
    "Person": {"name", "url"},
    "Organization": {"name", "url"},
}  # fmt: skip
DATES = {"datePublished", "dateModified"}


def schema_problems(node, where="") -> list[str]:
    """Return every type or property of a JSON-LD node that schema.org does not give it, and every bad date."""
    problems = []
    kind = node.get("@type")
    if kind not in SCHEMA:
        return [f"{where}: unknown type {kind!r}"]
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in SCHEMA[kind]:
            problems.append(f"{where}: {kind} has no property {key!r}")
        if key in DATES:
            datetime.date.fromisoformat(value)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                problems += schema_problems(item, f"{where}.{key}")
    return problems


def test_every_type_and_property_is_schema_orgs(newsroom):
    items = reviews()
    works = [work for item in items.values() for work in item["itemReviewed"]["appearance"]]
    assert any("author" in work and "publisher" in work for work in works)  # every kind of node is there
    for text, item in items.items():
        assert item["@context"] == "https://schema.org"
        assert schema_problems(item) == [], text


def test_the_schema_check_finds_a_property_out_of_place():
    claim = {"@type": "Claim", "appearance": [{"@type": "CreativeWork", "headline": "x", "publishedOn": "2025-01-01"}]}
    assert schema_problems(claim, "item") == ["item.appearance: CreativeWork has no property 'publishedOn'"]
    assert schema_problems({"@type": "Article"}, "item") == ["item: unknown type 'Article'"]


def test_no_approved_claim_gives_an_empty_list(newsroom):
    assert json.loads(exported("claimreview", ExportFilters(claim_ids=(newsroom.claims.pending.pk,)))) == []


def test_an_attributed_claim_names_its_speaker_as_the_author_of_the_claim(newsroom):
    mayor = newsroom.claims.mayor  # "The mayor said the <b>bridge</b> is 100 years old."
    assert mayor.speaker == "the mayor"
    assert reviews()[mayor.text]["itemReviewed"]["author"] == {"@type": "Person", "name": "the mayor"}


def test_a_claim_attributed_to_nobody_has_no_author(newsroom):
    assert newsroom.claims.disputed.speaker == ""
    assert "author" not in reviews()[newsroom.claims.disputed.text]["itemReviewed"]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("the Cuban government", "Organization"),
        ("its armed forces", "Organization"),
        ("The New York Times", "Organization"),
        ("the U.K. Foreign Office", "Organization"),
        ("NATO", "Organization"),
        ("Rubio", "Person"),
        ("US General Dan Caine", "Person"),
        ("Cuban President Miguel Díaz-Canel", "Person"),
    ],
)
def test_a_speaker_is_an_organisation_by_its_name_else_a_person(name, kind):
    assert speaker_entity(name) == {"@type": kind, "name": name}


def test_markup_in_a_claim_cannot_end_the_script_element_it_is_pasted_into(db, editor, reviewer):
    from annotations import workflow
    from annotations.exports.claimreview import embeddable

    from .conftest import load, web, work

    sentence = 'The mayor said "</script><script>alert(1)</script>" & 40 <b>schools</b> closed.'
    document = load(f"{sentence}\n", "Markup & <tags>", [sentence], url="https://example.org/a?x=1&y=<2>")
    claim = Claim.objects.get(occurrences__document=document)
    work(
        claim,
        editor,
        verdict="verified",
        note="Note with </script> & <!-- too",
        evidence=[web("https://example.org/s")],
    )
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)

    data = exported("claimreview", ExportFilters.parse(published=True))
    assert b"<" not in data and b">" not in data and b"&" not in data
    assert b"\\u003c/script\\u003e" in data
    (item,) = json.loads(data)
    assert item["claimReviewed"] == claim.text and "</script>" in item["claimReviewed"]
    assert item["reviewBody"] == "Note with </script> & <!-- too"
    assert item["itemReviewed"]["appearance"][0]["headline"] == "Markup & <tags>"
    assert embeddable(b'{"a":"x<y>&z"}') == b'{"a":"x\\u003cy\\u003e\\u0026z"}'
