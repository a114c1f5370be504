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
        "too short": 1,
        "read-aloud notice": 1,
        "reporter credit": 1,
    }
