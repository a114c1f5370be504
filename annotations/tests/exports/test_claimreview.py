"""ClaimReview (schema.org JSON-LD): approved claims only, rated on one scale, dated, by the publisher."""

import json

import pytest

from annotations.exports import ExportFilters
from annotations.exports.claimreview import speaker_entity
from annotations.models import Claim, Correction

from .conftest import exported

pytestmark = pytest.mark.django_db


def reviews(filters=None) -> dict[str, dict]:
    """Return the exported ClaimReviews by the text of their claim."""
    items = json.loads(exported("claimreview", filters or ExportFilters.parse(published=True)))
    assert isinstance(items, list)
    return {item["claimReviewed"]: item for item in items}


def test_only_approved_claims_are_reviewed(newsroom):
    approved = set(Claim.objects.filter(status="approved").values_list("text", flat=True))
    assert len(approved) == 11
    assert set(reviews()) == approved
    # Whatever the filters ask for, a claim under work is never published.
    assert set(reviews(ExportFilters())) == approved
    assert set(reviews(ExportFilters(status=("pending", "in_review", "returned")))) == set()


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


def test_the_item_reviewed_is_the_claim_as_it_appears_in_its_documents(newsroom):
    item = reviews()[newsroom.claims.approved.text]["itemReviewed"]
    report = {"@type": "CreativeWork", "headline": "River report", "url": "https://example.org/river"}
    assert item == {
        "@type": "Claim",
        "appearance": [report, {"@type": "CreativeWork", "headline": "River digest"}],  # the digest has no address
        "firstAppearance": report,
    }


def test_a_document_address_that_is_not_a_web_address_is_left_out(newsroom):
    items = reviews()
    assert items[newsroom.claims.mayor.text]["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "headline": "<i>Markup</i> & co"}  # its address was javascript:alert(1)
    ]
    formula = newsroom.formulas[0]
    assert items[formula.claim.text]["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "headline": formula.document.title}
    ]


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
