"""Check-worthiness signals: every seed claim labelled by hand, then the edge cases of each rule."""

import json
import time

import pytest

from annotations.ingest.checkworthiness import checkworthiness
from annotations.ingest.signals import SPEAKER_MAX_LENGTH, Signals, claim_signals
from annotations.tests.conftest import GOLDEN

# Every claim the seeds become (golden/seed_claims.json), in order: (speaker, has_number, has_quote).
SEED_LABELS = {
    "000_cc4867dd70f73411.txt": [
        ("the Cuban government", True, False),  # "The Cuban government says 32 ..."
        ("", True, True),  # "It described ...": a bare pronoun; "two days"; 'in combat actions'
        ("the armed forces", False, True),  # "The armed forces added the Cubans 'fell, ...'"
        ("", False, False),  # "Cuba, a long-standing ally ..."
        ("Cuban President Miguel Díaz-Canel", False, True),  # "... stated that ... 'at the request' ..."
        ("US General Dan Caine", False, False),  # "..., according to US General Dan Caine."
        ("General Caine", False, False),  # "General Caine mentioned that ..."
        ("the New York Times", False, True),  # "The New York Times noted ... 'Venezuelan source' ..."
        ("", False, False),  # "Many of the fatalities are believed ...": no one named
        ("its armed forces", False, True),  # "Venezuela has not confirmed ..., but its armed forces stated ..."
        ("the Cuban government", False, True),  # "An official statement from the Cuban government read: '...'"
        ("an unnamed Venezuelan official", True, False),  # "... reported to stand at 80 according to ..."
        ("", True, False),  # "... tensions between the two nations."
        ("US President Donald Trump", False, True),  # "... suggested ... 'Cuba is ready to fall', whereas Rubio ..."
        ("", False, False),  # "Trump's administration has reinforced ..."
        ("", True, False),  # "... originally imposed in 1962, ..."
    ],
    "003_2948cc43451889e2.txt": [
        ("", False, False),  # "Cuban President Miguel Diaz-Canel waves ... after the U.S. captured ..."
        ("the Cuban government", True, False),  # "... killed 32 Cuban officers ..., the Cuban government said ..."
        ("Cuban state TV", False, False),  # "..., according to a statement read on Cuban state TV on Sunday night."
        ("", False, False),  # "What the Cubans were working on ..."
        ("", False, False),  # "Rumors of the deaths circulated ..."
        ("President Trump", False, True),  # '"You know, ...," President Trump told reporters aboard Air Force One ...'
        ("", False, True),  # '"There was a lot of death on the other side. ..."'
        ("", False, False),  # "The U.S. operation Saturday seized ..."
        ("Venezuela's government", False, False),  # "Although Venezuela's government has acknowledged ..."
        ("Cuba's government", True, False),  # "Cuba's government announced two days of mourning ..."
        ("", False, False),  # "... were not immediately disclosed by Cuban authorities."
        ("the official statement", False, True),  # '"Faithful ... facilities," the official statement said.'
        ("U.S. Secretary of State Marco Rubio", False, True),  # "Rubio, the son of ..., also pointed to ..."
        ("Rubio", False, True),  # '"All the guards ... full of Cubans," Rubio said.'
    ],
}


def seed_claims():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(golden) == sorted(SEED_LABELS), "a seed was added or removed: label its claims here"
    for name, claims in golden.items():
        assert len(claims) == len(SEED_LABELS[name]), f"{name}: the claims changed; label them again"
        for claim, (speaker, has_number, has_quote) in zip(claims, SEED_LABELS[name], strict=True):
            yield pytest.param(
                claim["text"],
                Signals(has_number=has_number, has_quote=has_quote, speaker=speaker),
                id=f"{name[:3]}-{claim['start']}",
            )


def labelled(signals: Signals) -> Signals:
    """Return the three labelled signals alone (the score has its own tests: test_checkworthiness)."""
    return Signals(has_number=signals.has_number, has_quote=signals.has_quote, speaker=signals.speaker)


@pytest.mark.parametrize(("text", "expected"), list(seed_claims()))
def test_every_seed_claim_gets_its_labelled_signals(text, expected):
    assert labelled(claim_signals(text)) == expected


def test_every_claim_gets_its_checkworthiness_with_its_signals():
    text = "The storm killed 32 people, the deadliest in a decade."
    signals = claim_signals(text)
    worth = checkworthiness(text, has_number=signals.has_number, has_quote=signals.has_quote, speaker=signals.speaker)
    assert signals.checkworthiness == worth.score > 0.5
    assert signals.features == tuple(tuple(row) for row in worth.as_json())


def test_empty_text_has_no_signals():
    assert labelled(claim_signals("")) == Signals(has_number=False, has_quote=False, speaker="")


# --- Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The army says 32 soldiers died.",
        "The embargo was imposed in 1962 and tightened.",
        "Prices rose 40% in a month.",
        "Thirty-two soldiers died in the attack.",  # a capital at the start is not a name
        "It declared two days of national mourning.",
        "Officials said thirty-two were killed.",
        "A dozen guards were on duty that night.",
        "Hundreds of people gathered in the square.",
        "Half of the guards were Cuban nationals.",
        "One soldier died in the attack.",
        "Prices rose sharply in mid-2020 across the island.",
        '"Two were killed," the officer said.',
    ],
)
def test_digits_and_number_words_are_numbers(text):
    assert claim_signals(text).has_number


@pytest.mark.parametrize(
    "text",
    [
        "The president flew back on Air Force One.",  # a number word in a name
        "No one was hurt in the blast.",
        "One of the guards was wounded in the attack.",
        "It was the first official count of the dead.",  # ordinals in words do not count
        "A number of people died in the blasts.",
        "F-16 jets and G7 leaders and COVID-19 cases.",  # digits glued to a name
        "Many people died there over the weekend.",
    ],
)
def test_names_pronouns_and_vague_amounts_are_not_numbers(text):
    assert not claim_signals(text).has_number


# --- Quotes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "They were killed 'in combat actions', it said.",  # single straight quotes, as the seeds quote
        "The armed forces said the Cubans 'fell after fierce resistance.'",
        '"You know, a lot of Cubans were killed," he said.',
        "He called it “a disaster” on Sunday.",
        "He called it ‘a disaster’ on Sunday.",
        "Il a répondu «non» hier soir.",
        "Er sagte „nein“ am Sonntag.",
        "The ministry described them as 'heroes' of the revolution.",
        "He said Maduro's guards were 'Cuban nationals'.",  # an apostrophe before the quotation
    ],
)
def test_quotation_marks_of_every_kind_are_quotes(text):
    assert claim_signals(text).has_quote


@pytest.mark.parametrize(
    "text",
    [
        "Maduro's guards don't speak to reporters.",
        "Maduro’s guards don’t speak to reporters.",  # typographic apostrophes
        "The Cubans' families were told nothing.",  # a plural possessive
        "In the '90s the Cubans' ties grew.",  # an elided century, then a possessive
        "It's the island's biggest loss since the '60s.",
    ],
)
def test_apostrophes_are_not_quotes(text):
    assert not claim_signals(text).has_quote


# --- Speaker ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # Reporting verbs, before and after the claim.
        ("The Cuban government says 32 of its nationals were killed.", "the Cuban government"),
        ("The figure rose sharply over the year, Rubio said.", "Rubio"),
        ("Officials say the figure has doubled since 2010.", "Officials"),
        ('"We won," said the minister.', "the minister"),
        ("The ministry said in a statement that 32 died.", "the ministry"),
        ("Trump wrote on Truth Social that Cuba would fall.", "Trump"),
        ("A spokesman for the ministry told Reuters the toll was 32.", "a spokesman for the ministry"),
        ("Raúl Castro and President Díaz-Canel said they mourned them.", "Raúl Castro and President Díaz-Canel"),
        # "according to", passives with an agent, statements.
        ("Thirty died, according to the health ministry, which gave no names.", "the health ministry"),
        ("According to officials on Monday, the toll rose to 80.", "officials"),
        ("According to the Sunday Times, the toll rose to 80.", "the Sunday Times"),
        ("The toll was reported by Reuters.", "Reuters"),
        ("The ministry's statement read: 'No comment.'", "the ministry"),
        ("An official statement from the Cuban government read: 'They fell.'", "the Cuban government"),
        # Appositions: skipped, or the name they give.
        ("Secretary Rubio, who visited Havana, said the talks failed.", "Secretary Rubio"),
        ("The NATO chief, Mark Rutte, said the alliance was ready.", "Mark Rutte"),
        ("Maduro, 63, said he was innocent of the charges.", "Maduro"),
        ("Officials in St. Petersburg, Fla. said 31 people were killed.", "Officials in St. Petersburg, Fla."),
        # A pronoun names nobody: the next attribution, if any, is used.
        ("He said so, while the ministry stated that it was wrong.", "the ministry"),
    ],
)
def test_the_speaker_is_the_attributed_source_as_written(text, speaker):
    assert claim_signals(text).speaker == speaker


@pytest.mark.parametrize(
    "text",
    [
        "He said 32 people died in the attack.",
        "It described the dead as heroes of the revolution.",
        "They told reporters nothing new about the attack.",
        "We're told the guards were Cuban nationals.",
        "Nobody said anything about the 32 deaths.",
        "Some said the count was wrong from the start.",
    ],
)
def test_a_bare_pronoun_is_no_speaker(text):
    assert claim_signals(text).speaker == ""


@pytest.mark.parametrize(
    "text",
    [
        "The ministry did not say how many died.",  # negated
        "The ministry declined to say how many died.",
        "Venezuela has not confirmed the number of casualties.",
        "The names were not immediately disclosed by Cuban authorities.",
        "The toll has been reported across the island.",  # a passive without its agent
        "The deaths reported by Cuban state media rose.",  # a participle, not a report
        "The building described as a bunker fell.",
        "The army added 32 tanks to its fleet.",  # verbs in their other senses
        "The attack claimed 32 lives in the capital.",
        "Cuba, a long-standing ally of Venezuela, has supported Maduro.",
    ],
)
def test_negations_agentless_passives_and_other_senses_name_no_speaker(text):
    assert claim_signals(text).speaker == ""


def test_a_speaker_fits_the_column():
    text = f"According to {'Commission' * 30}, the toll rose."
    assert 0 < len(claim_signals(text).speaker) <= SPEAKER_MAX_LENGTH


def test_a_long_clause_before_the_verb_is_no_speaker():
    """Over ten words is a clause the rules cannot read, not a name."""
    text = "The figures gathered by officials in the capital over many long weeks of work said more."
    assert claim_signals(text).speaker == ""


@pytest.mark.parametrize("phrase", ["he said ", "to say ", "was reported by of "])
def test_a_huge_claim_full_of_reporting_verbs_is_read_in_linear_time(phrase):
    """Each reporting verb costs a pass over the text: only the first few are tried (this took minutes)."""
    text = phrase * (250_000 // len(phrase))
    started = time.perf_counter()
    claim_signals(text)
    assert time.perf_counter() - started < 5
