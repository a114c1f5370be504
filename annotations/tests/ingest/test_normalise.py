"""The normalised claim text whose hash identifies a claim (``ingest.normalise``)."""

import pytest

from annotations.ingest.normalise import normalise_claim_text
from annotations.ingest.sentence import Sentence


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("Maduro’s  security\n team", "Maduro's security team"),
        ("“It is over,” he said.", '"It is over," he said.'),
        ("‘Quoted’ „low“ «guillemets» ‚single‛", "'Quoted' \"low\" \"guillemets\" 'single'"),
        ("a 6′2″ man", "a 6'2\" man"),
        ("Cafe\u0301 owners\u00a0said so.", "Café owners said so."),
        ("  trimmed\t", "trimmed"),
        ("• 30,000 homes lost power", "30,000 homes lost power"),
        ("-  The economy grew.", "The economy grew."),
        ("* Volume was high.", "Volume was high."),
        ("1. The first item.", "The first item."),
        ("2.) The second item", "The second item"),
        ("• 9. The first item", "The first item"),
        ("⁃10. The second item", "The second item"),
        ("a) The first item", "The first item"),
        ("1. 5 million people voted.", "1. 5 million people voted."),
        ("-5 degrees overnight.", "-5 degrees overnight."),
        ("2026. The year began.", "2026. The year began."),
        ("I. Introduction", "I. Introduction"),
        ("•", "•"),
    ],
)
def test_normalise_claim_text(raw, normalised):
    assert normalise_claim_text(raw) == normalised


def test_typographic_variants_hash_alike():
    curly = Sentence(0, 1, normalise_claim_text("Cuba’s “disaster”  run by men."))
    straight = Sentence(0, 1, normalise_claim_text('Cuba\'s "disaster" run by men.'))

    assert curly.text_hash == straight.text_hash


@pytest.mark.parametrize("raw", ["• • x y", "• 1. 5 million", "- - -", "1. a) b. The item", "“• quoted”", "•\u00a0 x"])
def test_normalising_twice_changes_nothing(raw):
    once = normalise_claim_text(raw)

    assert normalise_claim_text(once) == once
