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
    ],
)
def test_normalise_claim_text(raw, normalised):
    assert normalise_claim_text(raw) == normalised


def test_typographic_variants_hash_alike():
    curly = Sentence(0, 1, normalise_claim_text("Cuba’s “disaster”  run by men."))
    straight = Sentence(0, 1, normalise_claim_text('Cuba\'s "disaster" run by men.'))

    assert curly.text_hash == straight.text_hash
