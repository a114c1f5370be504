"""Text to a document's sentences and what was dropped (``ingest.extract``)."""

from annotations.ingest.extract import extract_sentences
from annotations.ingest.normalise import normalise_claim_text

from .conftest import SEEDS


def test_spans_index_the_original_text():
    text = (
        "  Café owners in   Havana said prices rose 3.5 percent.  Sen. Rubio disagreed.\n"
        "\n“There was a lot of death. No death on our side,” Mr. Trump said.\t\n"
    )
    for path in SEEDS:
        text += path.read_text(encoding="utf-8")

    extraction = extract_sentences(text)

    assert len(extraction.sentences) > 30
    for sentence in extraction.sentences:
        original = text[sentence.start : sentence.end]
        assert original == original.strip()
        assert normalise_claim_text(original) == sentence.text


def test_extract_counts_what_it_drops():
    text = (
        "Advertisement\n"
        "\n"
        "Officials in Caracas said 32 Cuban officers were killed. Read more.\n"
        "This is read by an automated voice. Please report any issues or inconsistencies here .\n"
        "Smith writes for the Associated Press.\n"
    )

    extraction = extract_sentences(text)

    assert [s.text for s in extraction.sentences] == ["Officials in Caracas said 32 Cuban officers were killed."]
    assert extraction.dropped == {
        "advertisement": 1,
        "empty line": 1,
        "related links": 1,
        "read-aloud notice": 1,
        "reporter credit": 1,
    }


def test_short_real_sentences_are_kept():
    text = "The Harbor 500 index gained 1.2%. Volume was high.\nOil fell.\n"

    assert [s.text for s in extract_sentences(text).sentences] == [
        "The Harbor 500 index gained 1.2%.",
        "Volume was high.",
        "Oil fell.",
    ]


def test_a_line_repeating_the_title_or_the_summary_is_dropped():
    text = (
        "River crests above record in Port Elm\n"
        "\n"
        "The river is expected to fall below flood stage by Friday.\n"
        "\n"
        "The Willow River crested at 27.4 feet on Tuesday.\n"
        "River crests above record in Port Elm.\n"
    )

    extraction = extract_sentences(
        text,
        title="River crests above record in Port Elm",
        summary="The river is expected to fall below  flood stage by Friday.",
    )

    assert [s.text for s in extraction.sentences] == ["The Willow River crested at 27.4 feet on Tuesday."]
    assert extraction.dropped == {"repeated headline": 3, "empty line": 2}


def test_without_a_title_a_headline_is_dropped_as_a_heading():
    extraction = extract_sentences("River crests above record in Port Elm\nThe river crested on Tuesday.\n")

    assert [s.text for s in extraction.sentences] == ["The river crested on Tuesday."]
    assert extraction.dropped == {"heading": 1}


def test_a_list_item_is_a_claim_without_its_bullet_and_its_span_starts_after_it():
    text = "What to know\n• 30,000 homes lost power\n  2.  Schools will stay shut until Friday.\n- Nobody was hurt.\n"

    sentences = extract_sentences(text).sentences

    assert [s.text for s in sentences] == [
        "30,000 homes lost power",
        "Schools will stay shut until Friday.",
        "Nobody was hurt.",
    ]
    assert [text[s.start : s.end] for s in sentences] == [s.text for s in sentences]


def test_a_bulleted_claim_hashes_like_the_same_claim_without_a_bullet():
    bulleted = extract_sentences("• The river crested at 27.4 feet on Tuesday.").sentences[0]
    plain = extract_sentences("The river crested at 27.4 feet on Tuesday.").sentences[0]

    assert bulleted.text_hash == plain.text_hash
