"""Stances: a passage that differs on a number, a negation or who said it; the words marked as shared."""

import pytest

from annotations import corroboration
from annotations.models import Claim


@pytest.mark.parametrize(
    ("claim", "passage", "score", "stance", "reason"),
    [
        ("The death toll stands at 32, officials said.", "The death toll stands at 80, officials said.", 0.8,
         "refutes", "number differs: 32 vs 80"),
        ("32 Cubans were killed in the raid.", "Officials said 80 Cubans were killed.", 0.3,
         "context", "number differs: 32 vs 80"),
        ("Cuba declared two days of mourning.", "Cuba announced 2 days of mourning.", 0.6, "supports", ""),
        ("The government says 32 were killed.", "The government announced two days of mourning.", 0.3,
         "context", "the passage does not give the number 32"),
        ("The embargo was imposed in 1962.", "The embargo is still in force.", 0.4, "supports", ""),
        ("The army confirmed the deaths.", "The army has not confirmed the deaths.", 0.7,
         "refutes", "negation differs: the passage says “not”, the claim does not"),
        ("Venezuela did not confirm the toll.", "Venezuela has not confirmed the toll.", 0.7, "supports", ""),
        ("There was no death on our side.", "Soldiers died on our side.", 0.2,
         "context", "negation differs: the claim says “no”, the passage does not"),
    ],
)  # fmt: skip
def test_stance_from_the_texts(claim, passage, score, stance, reason):
    assert corroboration.stance_for(claim, passage, score=score) == (stance, reason)


@pytest.mark.parametrize(
    ("claim_speaker", "passage_speaker", "stance"),
    [
        ("the Cuban government", "President Trump", "context"),
        ("the Cuban government", "Cuba's government", "supports"),
        ("the Cuban government", "the official statement", "supports"),  # a statement names nobody
        ("the Cuban government", "", "supports"),
    ],
)
def test_a_different_speaker_gives_context(claim_speaker, passage_speaker, stance):
    result = corroboration.stance_for(
        "Many Cubans were killed.", "Many Cubans were killed.", score=0.9,
        claim_speaker=claim_speaker, passage_speaker=passage_speaker,
    )  # fmt: skip
    assert result[0] == stance
    if stance == "context":
        assert result[1] == f"said by someone else: {claim_speaker} vs {passage_speaker}"


def test_the_seed_speakers_are_compared(seeds):
    # Trump's "a lot of Cubans were killed" against the Cuban government's 32.
    stance, reason = corroboration.stance_for(
        Claim.objects.get(pk=seeds("A", "32 killed")).text,
        Claim.objects.get(pk=seeds("B", "Trump: a lot killed")).text,
        score=0.2, claim_speaker="the Cuban government", passage_speaker="President Trump",
    )  # fmt: skip
    assert stance == "context"
    assert reason == (
        "the passage does not give the number 32; said by someone else: the Cuban government vs President Trump"
    )


def test_shared_words_are_marked_in_the_passage():
    segments = corroboration.highlighted("Cuba declared two days of mourning.", "Cuba's government announced 2 days.")
    assert [text for text, shared in segments if shared] == ["Cuba's", "2", "days"]
    assert "".join(text for text, _ in segments) == "Cuba's government announced 2 days."
