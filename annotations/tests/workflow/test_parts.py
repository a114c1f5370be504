"""Where merged and split claims' sentences go (``workflow.parts``): later loads and new versions.

A sentence whose claim was merged is an occurrence of the claim it was merged into; a sentence
whose claim was split is an occurrence of the claim and of each part over the part's share of it,
found in the sentence as written (typographic quotes, runs of spaces, a leading bullet).
"""

from types import SimpleNamespace

import pytest

from annotations import history, workflow
from annotations.ingest.documents import DocumentInput
from annotations.ingest.normalise import normalise_claim_text
from annotations.ingest.sentence import Sentence
from annotations.models import Action, Claim, ClaimOccurrence, DocumentEvent, ReviewEvent
from annotations.workflow import parts

from .conftest import MERGED, second_claim

pytestmark = pytest.mark.django_db


# --- Offsets in a sentence as written -------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, piece, expected",
    [
        ("The river is dirty.", "river is", "river is"),
        ("The mayor said “the river is dirty” today.", '"the river is dirty"', "“the river is dirty”"),
        ("The mayor’s  office\n said it.", "mayor's office said", "mayor’s  office\n said"),
        ("  The mayor said it.  ", "said it.", "said it."),
        ("•  The mayor said it.", "The mayor", "The mayor"),
        ("- • The mayor said it.", "The mayor said", "The mayor said"),
        ("1. Turnout rose to 60%.", "Turnout", "Turnout"),
        ("b) «Turnout» rose\tto 60%.", '"Turnout" rose to', "«Turnout» rose\tto"),
        ("The Café  opened.", "Café opened", "Café  opened"),  # already composed
        ("The Ångström\u212b unit.", "Ångström\u00c5 unit", "Ångström\u212b unit"),  # same length in NFC
    ],
    ids=["plain", "curly-quotes", "apostrophe-and-spaces", "outer-spaces", "bullet", "two-bullets", "number",
         "letter-and-guillemets", "composed", "singleton"],
)  # fmt: skip
def test_part_span_finds_a_piece_of_the_normalised_text_in_the_sentence_as_written(raw, piece, expected):
    text = normalise_claim_text(raw)
    offsets = parts.aligned_offsets(raw, text)
    assert offsets is not None and len(offsets) == len(text)
    start = text.index(piece)
    begin, end = parts.part_span(raw, text, start, start + len(piece))
    assert raw[begin:end] == expected


def test_each_character_of_the_text_maps_to_the_one_it_came_from():
    raw = "•  “Yes,”  he   said."
    text = normalise_claim_text(raw)
    assert text == '"Yes," he said.'
    offsets = parts.aligned_offsets(raw, text)
    assert [parts.QUOTES.get(raw[i], raw[i]) if not raw[i].isspace() else " " for i in offsets] == list(text)
    assert offsets == sorted(offsets)


@pytest.mark.parametrize(
    "raw, text",
    [
        ("The cafe\u0301 opened.", "The café opened."),  # composing shortens it: no character-for-character map
        ("The river is clean.", "The river is dirty."),  # not this sentence at all
    ],
    ids=["composed-shorter", "another-text"],
)
def test_without_a_character_map_each_part_takes_the_whole_sentence(raw, text):
    assert parts.aligned_offsets(raw, text) is None
    assert parts.part_span(raw, text, 4, 9) == (0, len(raw))


@pytest.mark.parametrize("start, end", [(5, 5), (6, 2), (-1, 3), (0, 99)])
def test_a_span_outside_the_text_takes_the_whole_sentence(start, end):
    raw = "The river is dirty."
    assert parts.part_span(raw, raw, start, end) == (0, len(raw))


def test_part_rows_place_each_part_at_the_sentences_position_and_offset():
    raw = "The mayor said “no”  today."
    text = normalise_claim_text(raw)
    layout = [(7, 0, text.index(" today")), (8, text.index("today"), len(text))]
    rows = parts.part_rows(layout, text, raw, document_id=3, start=100, position=4, version=2)
    assert rows == [
        (7, 3, 100, 100 + raw.index("  today"), 4, 2),
        (8, 3, 100 + raw.index("today"), 100 + len(raw), 4, 2),
    ]


# --- Documents as written -------------------------------------------------------------------------

SAID_RAW = "The mayor said “the river is dirty” and the council agreed."
SAID = normalise_claim_text(SAID_RAW)
SAID_PARTS = ['The mayor said "the river is dirty"', "and the council agreed."]
FIRST = f"Rain fell all week. {SAID_RAW} The vote is on Monday."
FIRST_RAWS = ["Rain fell all week.", SAID_RAW, "The vote is on Monday."]


def raw_input(text, title, raws):
    """Return a DocumentInput whose sentences are the given substrings of ``text``, normalised as the loader does."""
    sentences = []
    for raw in raws:
        start = text.index(raw)
        sentences.append(Sentence(start=start, end=start + len(raw), text=normalise_claim_text(raw)))
    return DocumentInput(text=text, title=title, sentences=sentences)


def load(text, title, raws, actor=None):
    return workflow.document_load(document=raw_input(text, title, raws), actor=actor)


def chain_intact():
    assert [str(found) for found in history.verify()] == []


def spans(document, position=None, **filters):
    """Return {claim text: the text of its occurrence} in ``document``, at ``position`` if given."""
    occurrences = ClaimOccurrence.objects.filter(document=document, **filters).select_related("claim")
    if position is not None:
        occurrences = occurrences.filter(position=position)
    return {o.claim.text: document.text[o.start : o.end] for o in occurrences}


@pytest.fixture
def said(db, editor):
    """An article whose second sentence (with typographic quotes) is split in two; its claim and parts."""
    document = load(FIRST, "Council", FIRST_RAWS).document
    claim = Claim.objects.get(text=SAID)
    first, rest = workflow.claim_split(claim_id=claim.pk, actor=editor, parts=SAID_PARTS)
    claim.refresh_from_db()
    return SimpleNamespace(document=document, claim=claim, first=first, rest=rest)


def test_splitting_gives_the_parts_their_span_in_the_sentence_as_written(said):
    document = said.document
    assert spans(document, position=1) == {
        SAID: SAID_RAW,
        SAID_PARTS[0]: "The mayor said “the river is dirty”",
        SAID_PARTS[1]: "and the council agreed.",
    }


def test_splitting_a_sentence_with_runs_of_spaces_and_a_bullet(editor):
    raw = "•  Turnout  rose to 60%,   the “highest” since 1990."
    text = f"Results\n{raw}\nMore soon."
    document = load(text, "Results", [raw]).document
    claim = Claim.objects.get()
    assert claim.text == 'Turnout rose to 60%, the "highest" since 1990.'
    workflow.claim_split(claim_id=claim.pk, actor=editor, parts=["Turnout rose to 60%,", 'the "highest" since 1990.'])
    assert spans(document) == {
        claim.text: raw,
        "Turnout rose to 60%,": "Turnout  rose to 60%,",
        'the "highest" since 1990.': "the “highest” since 1990.",
    }


# --- Later loads ----------------------------------------------------------------------------------


def test_a_new_article_with_a_merged_claims_sentence_gives_it_to_the_claim_that_stayed(claim, documents, editor):
    second = second_claim()
    survey = Claim.objects.get(text__startswith="A 2023 survey")
    workflow.claims_merge(claim_id=survey.pk, actor=editor, claims=[second.pk])
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[survey.pk])  # second -> survey -> claim
    before = set(ReviewEvent.objects.values_list("id", flat=True))
    text = f"Budget talks resumed. {second.text}"
    result = load(text, "Later", ["Budget talks resumed.", second.text])
    assert (result.claims_new, result.claims_existing) == (1, 1)
    occurrence = ClaimOccurrence.objects.get(document=result.document, position=1)
    assert (occurrence.claim_id, text[occurrence.start : occurrence.end]) == (claim.pk, second.text)
    second.refresh_from_db()
    assert (second.status, second.occurrences.filter(document=result.document).exists()) == (MERGED, False)
    assert [event.action for event in ReviewEvent.objects.exclude(id__in=before)] == [Action.CREATED]
    chain_intact()


def test_a_new_article_with_a_split_sentence_gives_the_parts_their_share(said):
    raw = 'The mayor  said "the river is dirty"  and the council agreed.'  # straight quotes, more spaces
    assert normalise_claim_text(raw) == SAID
    text = f"Another report. {raw}"
    result = load(text, "Another", ["Another report.", raw])
    assert result.claims_existing == 1
    assert spans(result.document, position=1) == {
        SAID: raw,
        SAID_PARTS[0]: 'The mayor  said "the river is dirty"',
        SAID_PARTS[1]: "and the council agreed.",
    }
    chain_intact()


def test_a_part_merged_since_takes_its_share_in_a_new_article(said, editor, load_document):
    document, first = said.document, said.first
    load_document("The mayor spoke.", "Mayor", ["The mayor spoke."])
    spoke = Claim.objects.get(text="The mayor spoke.")
    workflow.claims_merge(claim_id=spoke.pk, actor=editor, claims=[first.pk])
    # The merge took the part's place in the first article too.
    assert spans(document, position=1)[spoke.text] == "The mayor said “the river is dirty”"
    text = f"Again: {SAID_RAW}"
    result = load(text, "Again", [SAID_RAW])
    assert spans(result.document) == {
        SAID: SAID_RAW,
        spoke.text: "The mayor said “the river is dirty”",
        SAID_PARTS[1]: "and the council agreed.",
    }
    assert not first.occurrences.filter(document=result.document).exists()
    chain_intact()


def test_followers_follow_every_merge_and_give_the_parts_as_they_now_are(said, editor, load_document):
    claim, first, rest = said.claim, said.first, said.rest
    load_document("The mayor spoke. The council met.", "Mayor", ["The mayor spoke.", "The council met."])
    spoke, met = Claim.objects.get(text="The mayor spoke."), Claim.objects.get(text="The council met.")
    workflow.claims_merge(claim_id=met.pk, actor=editor, claims=[spoke.pk])
    survivors, layouts = parts.followers([spoke.pk, claim.pk, met.pk, rest.pk])
    assert survivors == {spoke.pk: met.pk}
    assert layouts == {
        claim.pk: (SAID, [(first.pk, 0, len(SAID_PARTS[0])), (rest.pk, len(SAID_PARTS[0]) + 1, len(SAID))])
    }
    workflow.claims_merge(claim_id=met.pk, actor=editor, claims=[first.pk])
    assert parts.followers([claim.pk])[1][claim.pk][1][0] == (met.pk, 0, len(SAID_PARTS[0]))
    assert parts.followers([]) == ({}, {})


# --- New versions ---------------------------------------------------------------------------------


def test_a_new_version_moves_the_parts_with_their_sentence(said):
    document = said.document
    before = {o.claim_id: o.pk for o in ClaimOccurrence.objects.filter(document=document, position=1)}
    raw = 'The mayor  said "the river is dirty" and the council agreed.'  # retyped: spaces and quotes
    text = f"Breaking: the vote moved. Rain fell all week. {raw} The vote is on Monday."
    new = raw_input(
        text, "Council", ["Breaking: the vote moved.", "Rain fell all week.", raw, "The vote is on Monday."]
    )
    result = workflow.document_new_version(document_id=document.pk, new=new)
    document.refresh_from_db()
    assert (result.version, result.claims_removed) == (2, 0)
    moved = ClaimOccurrence.objects.filter(document=document, position=2)
    assert {o.claim_id: o.pk for o in moved} == before  # the same rows, moved
    assert {(o.version, o.removed_in) for o in moved} == {(2, None)}
    assert spans(document, position=2) == {
        SAID: raw,
        SAID_PARTS[0]: 'The mayor  said "the river is dirty"',
        SAID_PARTS[1]: "and the council agreed.",
    }
    assert not ReviewEvent.objects.filter(action=Action.SOURCE_CHANGED).exists()
    chain_intact()


def test_a_new_version_without_the_sentence_marks_the_parts_removed_too(said):
    document, claim, first, rest = said.document, said.claim, said.first, said.rest
    text = "Rain fell all week. The vote is on Monday."
    new = raw_input(text, "Council", ["Rain fell all week.", "The vote is on Monday."])
    result = workflow.document_new_version(document_id=document.pk, new=new)
    gone = ClaimOccurrence.objects.filter(document=document, removed_in__isnull=False)
    assert {o.claim_id: (o.version, o.removed_in) for o in gone} == {
        claim.pk: (1, 2), first.pk: (1, 2), rest.pk: (1, 2),
    }  # fmt: skip
    assert result.claims_removed == 3
    told = ReviewEvent.objects.filter(action=Action.SOURCE_CHANGED)
    assert {(event.claim_id, event.details["sentence"]) for event in told} == {
        (claim.pk, "removed"), (first.pk, "removed"), (rest.pk, "removed"),
    }  # fmt: skip
    versioned = DocumentEvent.objects.get(document=document, action="versioned")
    assert versioned.details["claims_removed"] == sorted([claim.pk, first.pk, rest.pk])
    chain_intact()


def test_a_split_sentence_new_in_a_version_brings_the_parts(said, load_document):
    claim, first, rest = said.claim, said.first, said.rest
    other = load_document("The vote is tomorrow.", "Vote", ["The vote is tomorrow."]).document
    raw = "The mayor said “the river is dirty”   and the council agreed."
    text = f"The vote is tomorrow. {raw}"
    workflow.document_new_version(document_id=other.pk, new=raw_input(text, "Vote", ["The vote is tomorrow.", raw]))
    other.refresh_from_db()
    assert spans(other, position=1, version=2) == {
        SAID: raw,
        SAID_PARTS[0]: "The mayor said “the river is dirty”",
        SAID_PARTS[1]: "and the council agreed.",
    }
    versioned = DocumentEvent.objects.get(document=other, action="versioned")
    assert versioned.details["claims_added"] == sorted([claim.pk, first.pk, rest.pk])
    chain_intact()


def test_a_split_sentence_whose_parts_take_the_whole_span_still_moves_whole(editor):
    raw = "The cafe\u0301 closed and the bakery opened."  # no character map: the parts take the whole span
    document = load(f"News. {raw}", "Town", ["News.", raw]).document
    claim = Claim.objects.get(text=normalise_claim_text(raw))
    workflow.claim_split(claim_id=claim.pk, actor=editor, parts=["The café closed", "and the bakery opened."])
    assert set(spans(document, position=1).values()) == {raw}
    text = f"News. More news. {raw}"
    new = raw_input(text, "Town", ["News.", "More news.", raw])
    result = workflow.document_new_version(document_id=document.pk, new=new)
    document.refresh_from_db()
    assert result.claims_removed == 0
    assert set(spans(document, position=2, removed_in__isnull=True).values()) == {raw}
    assert ClaimOccurrence.objects.filter(document=document, position=2).count() == 3
    chain_intact()


def test_a_new_version_gives_a_merged_claims_sentence_to_the_claim_that_stayed(claim, documents, editor):
    second = second_claim()
    workflow.claims_merge(claim_id=claim.pk, actor=editor, claims=[second.pk])
    report = documents.report
    # The report, retold: the merged claim's sentence moves; its occurrence is now the claim's.
    text = f"{second.text} {claim.text}"
    new = raw_input(text, "River report", [second.text, claim.text])
    result = workflow.document_new_version(document_id=report.pk, new=new)
    assert (result.claims_new, result.claims_removed) == (0, 0)
    current = ClaimOccurrence.objects.filter(document=report, removed_in__isnull=True).order_by("position")
    assert [(o.claim_id, text[o.start : o.end]) for o in current] == [(claim.pk, second.text), (claim.pk, claim.text)]
    versioned = DocumentEvent.objects.get(document=report, action="versioned")
    assert versioned.details["claims_added"] == []
    chain_intact()
