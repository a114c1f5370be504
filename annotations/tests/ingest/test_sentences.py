"""Splitting text into sentences (``ingest.sentences``): Bling Fire repaired, checked against pysbd."""

import itertools
import time

import blingfire
import pysbd
import pytest

from annotations.ingest.sentences import MAX_QUOTED_PIECES, breaker_spans, paragraphs, split_paragraph

from .conftest import SEEDS


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of every sentence in ``text``, paragraph by paragraph, as the loader splits."""
    spans = []
    for start, end in paragraphs(text):
        spans += split_paragraph(text, start, end)
    return spans


def sentences(text):
    return [text[start:end] for start, end in split_sentences(text)]


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


def test_positions_are_in_document_order():
    spans = split_sentences(SEEDS[1].read_text(encoding="utf-8"))

    assert spans == sorted(spans)
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


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
    assert next(text[s:e] for s, e in spans) == "The mayor said 40 roads were closed on Friday."
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
