"""Reading, sentence splitting, boilerplate and normalisation: pure functions, no database."""

import json
import time
from datetime import date
from pathlib import Path

import blingfire
import pysbd
import pytest
from django.conf import settings

from annotations.ingest.boilerplate import RULES, paragraph_rule, sentence_rule
from annotations.ingest.extract import extract_sentences
from annotations.ingest.files import (
    LoadError,
    Metadata,
    decode_text,
    read_metadata,
    read_text,
    title_from_file_name,
)
from annotations.ingest.loader import MSG_NO_SENTENCES, document_from_path, expand_paths
from annotations.ingest.normalise import normalise_claim_text
from annotations.ingest.sentences import MAX_QUOTED_PIECES, breaker_spans, paragraphs, split_sentences
from annotations.workflow import Sentence

SEEDS = sorted(Path(settings.FACTCHECK_SEEDS_DIR).glob("*.txt"))
GOLDEN = Path(__file__).with_name("golden") / "seed_claims.json"


def sentences(text):
    return [text[start:end] for start, end in split_sentences(text)]


# --- Reading ------------------------------------------------------------------------------------


def test_read_text_keeps_the_text_exactly(tmp_path):
    raw = "First line.\r\n\r\n  Indented “quote”  line.\n\n\n"
    path = tmp_path / "doc.txt"
    path.write_bytes(raw.encode("utf-8"))

    assert read_text(path) == raw


def test_read_text_drops_only_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfCaf\xc3\xa9 owners said prices rose.")

    assert read_text(path) == "Café owners said prices rose."


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "is empty"),
        (b" \n\t\r\n  \n", "is empty"),
        ("\ufeff  \n".encode(), "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary (NUL bytes)"),
        ("Plain text.".encode("utf-16"), "looks binary (NUL bytes)"),
        ("Café society.".encode("latin-1"), "is not UTF-8 text (invalid byte 0xe9 at offset 3)"),
        (b"ok\xff", "is not UTF-8 text (invalid byte 0xff at offset 2)"),
    ],
)
def test_decode_text_refuses_with_a_one_line_reason(data, reason):
    with pytest.raises(LoadError) as caught:
        decode_text("seeds/x.txt", data)

    assert caught.value.reason == reason
    assert str(caught.value) == f"seeds/x.txt: {reason}"
    assert "\n" not in str(caught.value)


def test_read_text_of_a_folder_is_refused(tmp_path):
    with pytest.raises(LoadError, match="cannot be read"):
        read_text(tmp_path)


# --- Metadata -----------------------------------------------------------------------------------


def test_metadata_comes_from_the_json_file_beside_the_text(tmp_path):
    (tmp_path / "a.txt").write_text("Some text here for the claim.")
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "title": " Cuba says 32 of its citizens died ",
                "publisher": "BBC News",
                "url": "https://www.bbc.com/news/articles/x",
                "published": "2026-01-05",
            }
        )
    )

    assert read_metadata(tmp_path / "a.txt") == Metadata(
        title="Cuba says 32 of its citizens died",
        publisher="BBC News",
        url="https://www.bbc.com/news/articles/x",
        published_on=date(2026, 1, 5),
    )


def test_metadata_is_optional_and_may_be_partial(tmp_path):
    (tmp_path / "a.txt").write_text("Some text.")
    assert read_metadata(tmp_path / "a.txt") == Metadata()

    (tmp_path / "a.json").write_text('{"publisher": "AP", "url": null}')
    assert read_metadata(tmp_path / "a.txt") == Metadata(publisher="AP")


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"title": "x",}', "is not valid JSON (Expecting property name enclosed in double quotes "
                            "at line 1 column 15)"),
        ("[1, 2]", "must hold a JSON object with any of title, publisher, url, published"),
        ('{"date": "2026-01-05"}', "has an unknown field 'date' (expected any of title, "
                                   "publisher, url, published)"),
        ('{"title": 12}', "field 'title' must be a string, not 12"),
        ('{"published": "05/01/2026"}', "field 'published' must be a date as YYYY-MM-DD, "
                                        "not '05/01/2026'"),
        ('{"published": "2026-02-30"}', "field 'published' must be a date as YYYY-MM-DD, "
                                        "not '2026-02-30'"),
        ('{"url": "www.bbc.com/news"}', "field 'url' is not a full http(s) web address: "
                                        "'www.bbc.com/news'"),
        ('{"publisher": "%s"}' % ("P" * 201), "field 'publisher' is too long (201 characters; "
                                              "at most 200)"),
        ("", "is empty"),
    ],
)  # fmt: skip
def test_bad_metadata_is_refused_naming_the_json_file(tmp_path, content, reason):
    (tmp_path / "a.txt").write_text("Some text.")
    (tmp_path / "a.json").write_text(content)

    with pytest.raises(LoadError) as caught:
        read_metadata(tmp_path / "a.txt")

    assert caught.value.path == str(tmp_path / "a.json")
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "name, title",
    [
        ("000_cc4867dd70f73411.txt", "Document 000 cc4867dd70f73411"),
        ("cuba-death-toll_2026-01-04.txt", "Cuba death toll 2026-01-04"),
        ("maduro_capture.txt", "Maduro capture"),
        ("BBC_report 12.txt", "BBC report 12"),
        ("deadbeef.txt", "Deadbeef"),
        ("___.txt", "Document"),
    ],
)
def test_title_from_file_name(name, title):
    assert title_from_file_name(name) == title


# --- Sentence splitting -------------------------------------------------------------------------

# Bling Fire gets each of these wrong on its own; the repair layer puts them right.
TRICKY = [
    ("The U.S. operation seized him. Gen. Caine said so.",
     ["The U.S. operation seized him.", "Gen. Caine said so."]),
    ("He met Gen. Dan Caine on Monday. Sen. Marco Rubio was there.",
     ["He met Gen. Dan Caine on Monday.", "Sen. Marco Rubio was there."]),
    ("Mr. Trump spoke. Mrs. Smith and Dr. Jones left at 5 p.m. on Sunday.",
     ["Mr. Trump spoke.", "Mrs. Smith and Dr. Jones left at 5 p.m. on Sunday."]),
    ("The rate rose 3.5 percent in Jan. 2024 to 4.25 percent. Next sentence here.",
     ["The rate rose 3.5 percent in Jan. 2024 to 4.25 percent.", "Next sentence here."]),
    ("John F. Kennedy was shot. E. B. White wrote it.",
     ["John F. Kennedy was shot.", "E. B. White wrote it."]),
    ("Wait... what happened? Nobody knows.", ["Wait... what happened?", "Nobody knows."]),
    ("He said, 'It is over.' She disagreed.", ["He said, 'It is over.'", "She disagreed."]),
    ("“There was a lot of death on the other side. No death on our side.”",
     ["“There was a lot of death on the other side. No death on our side.”"]),
    ("It was seized by the U.S. The next day he flew.",
     ["It was seized by the U.S.", "The next day he flew."]),
    ("The U.S. and U.K. agreed. Venezuela did not.",
     ["The U.S. and U.K. agreed.", "Venezuela did not."]),
    ("He left at 5 p.m. The next day he flew.", ["He left at 5 p.m.", "The next day he flew."]),
    ("It was No. 5 on the list. No. 6 came next.",
     ["It was No. 5 on the list.", "No. 6 came next."]),
    ("“Stop,” he said. “Now.” She stopped.", ["“Stop,” he said.", "“Now.”", "She stopped."]),
    ("He asked: “Why? Who did it?” Nobody answered.",
     ["He asked: “Why? Who did it?”", "Nobody answered."]),
    ("The vote was 5-4. Sen. Smith dissented.", ["The vote was 5-4.", "Sen. Smith dissented."]),
    ("Lt. Col. Smith and Sgt. Maj. Jones arrived. Capt. Brown left.",
     ["Lt. Col. Smith and Sgt. Maj. Jones arrived.", "Capt. Brown left."]),
    ("Rep. John Smith, R-Texas, spoke. Gov. Abbott agreed.",
     ["Rep. John Smith, R-Texas, spoke.", "Gov. Abbott agreed."]),
    ("He paused... Then he left.", ["He paused...", "Then he left."]),
    ("Texas vs. California was the case. It ended.",
     ["Texas vs. California was the case.", "It ended."]),
    ('He said "We won. They lost." Then he left.',
     ['He said "We won. They lost."', "Then he left."]),
    ("The deal is worth $4.5 billion. Officials said so.",
     ["The deal is worth $4.5 billion.", "Officials said so."]),
    ("Troops were deployed near Puerto Rico. Gen. Dan Caine said so.",
     ["Troops were deployed near Puerto Rico.", "Gen. Dan Caine said so."]),
    ("The figure rose, according to the CIA. Ms. Rodriguez spoke at 1 a.m. and left.",
     ["The figure rose, according to the CIA.", "Ms. Rodriguez spoke at 1 a.m. and left."]),
    ("E. B. White wrote it. J. D. Vance asked why.",
     ["E. B. White wrote it.", "J. D. Vance asked why."]),
    ("Troops were sent near Mexico City. J. D. Vance called it a disaster.",
     ["Troops were sent near Mexico City.", "J. D. Vance called it a disaster."]),
    ("Troops numbered 500. Gen. Smith said so.", ["Troops numbered 500.", "Gen. Smith said so."]),
]  # fmt: skip

# pysbd gets these wrong and we do not: the evidence that the repair layer does better.
PYSBD_WRONG = [
    ("He lives on Main St. The house is big.", ["He lives on Main St.", "The house is big."]),
    ("He chose plan B. He left soon after.", ["He chose plan B.", "He left soon after."]),
    # pysbd makes the closing quote a sentence of its own.
    ("The Cubans 'fell after fierce resistance.'", ["The Cubans 'fell after fierce resistance.'"]),
]

_pysbd = pysbd.Segmenter(language="en", clean=False)


def pysbd_sentences(paragraph):
    return [piece.strip() for piece in _pysbd.segment(paragraph) if piece.strip()]


@pytest.mark.parametrize("text, expected", TRICKY + PYSBD_WRONG)
def test_split_sentences(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", TRICKY)
def test_pysbd_agrees_on_the_tricky_cases(text, expected):
    assert pysbd_sentences(text) == expected


@pytest.mark.parametrize("text, expected", PYSBD_WRONG)
def test_pysbd_is_wrong_where_we_are_right(text, expected):
    assert pysbd_sentences(text) != expected


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name)
def test_split_agrees_with_pysbd_on_the_seeds(path):
    text = path.read_text(encoding="utf-8")
    for start, end in paragraphs(text):
        paragraph = text[start:end]
        reference = pysbd_sentences(paragraph)
        # pysbd's one known mistake here: a closing quote after the full stop becomes a
        # "sentence" of its own (see PYSBD_WRONG). Give it back to the sentence it closes.
        for index in range(len(reference) - 1, 0, -1):
            if not any(char.isalnum() for char in reference[index]):
                reference[index - 1] += reference.pop(index)
        assert sentences(paragraph) == reference


def test_a_sentence_never_spans_two_paragraphs():
    text = "The talks ended without a deal\nOfficials left the room on Monday."

    assert sentences(text) == [
        "The talks ended without a deal",
        "Officials left the room on Monday.",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        *(path.read_text(encoding="utf-8") for path in SEEDS),
        "Nicolás Maduro’s wife — “très” bien. Díaz-Canel spoke. 😀 Emoji here. Next one.",
        "“Now.” Él dijo «sí». Zürich’s 3.5% rise. 中文句子。第二句。",
        "One.",
    ],
)
def test_breaker_spans_match_blingfire_own_wrapper(paragraph):
    for line in paragraph.split("\n"):
        if line:
            assert breaker_spans(line) == blingfire.text_to_sentences_and_offsets(line)[1]


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


def test_positions_are_in_document_order():
    spans = split_sentences(SEEDS[1].read_text(encoding="utf-8"))

    assert spans == sorted(spans)
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))


# --- The seeds, pinned --------------------------------------------------------------------------


def test_seed_claims_match_the_golden_file():
    """If this fails after an intended change, run annotations/tests/golden/regenerate.py."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = {
        path.name: [
            {"start": s.start, "end": s.end, "text": s.text}
            for s in document_from_path(path).document.sentences
        ]
        for path in SEEDS
    }

    assert sorted(golden) == [path.name for path in SEEDS]
    for name in golden:
        assert actual[name] == golden[name], name


def test_seed_documents():
    parsed = [document_from_path(path) for path in SEEDS]

    assert [p.document.title for p in parsed] == [
        "Document 000 cc4867dd70f73411",
        "Document 003 2948cc43451889e2",
    ]
    assert [p.document.file_name for p in parsed] == [path.name for path in SEEDS]
    assert [p.document.text for p in parsed] == [path.read_text("utf-8") for path in SEEDS]
    assert [len(p.document.sentences) for p in parsed] == [16, 14]
    assert parsed[0].dropped == {"empty line": 18}
    assert parsed[1].dropped == {
        "empty line": 14,
        "advertisement": 2,
        "read-aloud notice": 1,
        "reporter credit": 2,
    }


# --- Boilerplate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph, rule",
    [
        ("", "empty line"),
        ("   \t\r", "empty line"),
        ("Advertisement", "advertisement"),
        ("  ADVERTISEMENT ", "advertisement"),
        ("This is read by an automated voice. Please report any issues or inconsistencies here .",
         "read-aloud notice"),
        ("Advertisement revenue fell 12 percent last year.", None),
        ("The announcement was read by an automated voice on state radio.", None),
    ],
)  # fmt: skip
def test_paragraph_rules(paragraph, rule):
    found = paragraph_rule(paragraph)

    assert (found.name if found else None) == rule


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("Rodríguez writes for the Associated Press.", "reporter credit"),
        ("Megan Janetsky writes for Reuters.", "reporter credit"),
        ("Associated Press reporters Megan Janetsky in Mexico City and Darlene Superville aboard "
         "Air Force One contributed to this report.", "reporter credit"),
        ("Jane Doe contributed reporting to this story.", "reporter credit"),
        ("(Reporting by Jane Doe; Editing by John Roe)", "reporter credit"),
        ("Read more.", "too short"),
        ("Maduro was captured.", "too short"),
        ("Maduro was captured Saturday.", None),
        ("Cuba said 32 officers were killed in the U.S. strikes.", None),
        ("The paper said its reporters contributed to the inquiry.", None),
    ],
)  # fmt: skip
def test_sentence_rules(sentence, rule):
    found = sentence_rule(sentence)

    assert (found.name if found else None) == rule


def test_every_rule_has_a_name_and_a_known_scope():
    assert all(rule.name and rule.scope in ("paragraph", "sentence") for rule in RULES)


def test_extract_counts_what_it_drops():
    text = (
        "Advertisement\n"
        "\n"
        "Officials in Caracas said 32 Cuban officers were killed. Read more.\n"
        "This is read by an automated voice. Please report any issues or inconsistencies here .\n"
        "Smith writes for the Associated Press.\n"
    )

    extraction = extract_sentences(text)

    assert [s.text for s in extraction.sentences] == [
        "Officials in Caracas said 32 Cuban officers were killed."
    ]
    assert extraction.dropped == {
        "advertisement": 1,
        "empty line": 1,
        "too short": 1,
        "read-aloud notice": 1,
        "reporter credit": 1,
    }


def test_a_document_of_boilerplate_only_is_refused(tmp_path):
    path = tmp_path / "ads.txt"
    path.write_text("Advertisement\n\nAdvertisement\n")

    with pytest.raises(LoadError) as caught:
        document_from_path(path)

    assert str(caught.value) == f"{path}: {MSG_NO_SENTENCES}"


# --- Normalisation ------------------------------------------------------------------------------


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
    straight = Sentence(0, 1, normalise_claim_text("Cuba's \"disaster\" run by men."))

    assert curly.text_hash == straight.text_hash


# --- Paths --------------------------------------------------------------------------------------


def test_expand_paths_sorts_folders_and_skips_sidecars_and_repeats(tmp_path):
    for name in ("b.txt", "a.txt", "a.json", "notes.md"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()

    files = expand_paths([tmp_path, tmp_path / "a.json", tmp_path / "a.txt"])

    assert files == [tmp_path / "a.txt", tmp_path / "b.txt"]


def test_expand_paths_refuses_a_missing_path(tmp_path):
    with pytest.raises(LoadError) as caught:
        expand_paths([tmp_path / "nope"])

    assert str(caught.value) == f"{tmp_path / 'nope'}: does not exist"


@pytest.mark.parametrize(
    "line",
    ["\u200b", " \u200b", "\u200b\u200b\u200b", "\u200e\u200f", "\ufeff\u200b ", "a\u200b", "\u200bé\u200b"],
)
def test_invisible_characters_never_crash_the_splitter(line):
    text = f"The mayor said 40 roads were closed on Friday.\n{line}\nThe council met 3 times this week."
    spans = split_sentences(text)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
    assert [text[s:e] for s, e in spans][0] == "The mayor said 40 roads were closed on Friday."
    assert [text[s:e] for s, e in spans][-1] == "The council met 3 times this week."


# --- Huge lines ---------------------------------------------------------------------------------
# Each line below took from 15 seconds to over a minute to split (and a megabyte, hours) while the
# repair layer compared every piece of a paragraph with every other; it takes well under a second.


def seconds_to_split(text):
    started = time.perf_counter()
    spans = split_sentences(text)
    return time.perf_counter() - started, spans


def test_a_huge_line_of_quotes_that_never_close_splits_in_linear_time():
    text = "“He left the house early. " * 8000
    elapsed, spans = seconds_to_split(text)
    assert elapsed < 5
    assert len(spans) == 8000  # each quote stays open to the end: nothing is joined


def test_a_huge_line_of_missed_breaks_splits_in_linear_time():
    text = "They seized him. Gen. Caine said so. The house fell down on them. " * 15000
    elapsed, spans = seconds_to_split(text)
    assert elapsed < 5
    first = ["They seized him.", "Gen. Caine said so.", "The house fell down on them."]
    assert [text[s:e] for s, e in spans[:3]] == first


def test_a_quotation_is_joined_across_at_most_max_quoted_pieces():
    inner = " ".join(f"Sentence number {n} goes on." for n in range(MAX_QUOTED_PIECES - 1))
    within = f"“{inner} The end.” He left."
    beyond = f"“{inner} One more. The end.” He left."
    assert [within[s:e] for s, e in split_sentences(within)] == [f"“{inner} The end.”", "He left."]
    assert len(split_sentences(beyond)) == MAX_QUOTED_PIECES + 2  # left as the breaker split it
