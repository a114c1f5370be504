"""Split text into sentences, with character offsets into the original text.

A newline ends a paragraph, and a sentence never spans two. Within a paragraph, Bling Fire's
sentence breaker (fast: tens of thousands of sentences a second) does the splitting, and a small
repair layer fixes the mistakes it is known to make on news text:

1. It misses some breaks. "seized him. Gen. Caine said so." and "was shot. E. B. White wrote it."
   stay one sentence; so does "near Puerto Rico. Gen. Dan Caine said ...". A full stop, question
   or exclamation mark followed by a capital letter ends a sentence when the word before it is a
   lowercase word of two letters or more (not a known abbreviation), or when the next word is a
   title or an initial and the word before is not an abbreviation, an initial or a dotted name
   like "U.S".
2. It splits after a title or an initial: "Sen." or "E." "B." becomes a sentence of its own. A
   piece ending in a title ("Gen.") or in a name's initial ("John F.", "E. B.") is joined to the
   next, unless the next begins like a new sentence ("The ...", "He ...").
3. It splits a quoted passage of several sentences. Pieces are joined while a double quote that
   closes later in the paragraph (within ``MAX_QUOTED_PIECES`` pieces) is open. A piece that
   starts with a lowercase letter after a quotation closed by a terminator is joined to it
   (`"This is great." she said.`).
4. It reads an inline list ("1. The first item 2. The second item", "a. ... b. ...", "• 9. ...",
   "1) ...") as "1." and "The first item 2." A paragraph that starts with a list marker is cut
   before each later marker that numbers or letters on from the one before it (and is followed
   by a capital), and a marker is never a sentence of its own: it is joined to its item.
5. It reads a spaced ellipsis (". . .") as the end of a sentence. Three spaced dots after a space
   continue the sentence ("the thing is . . . I didn't mean it"); a full stop followed by them
   ("compounds. . . . The practice") ends the sentence at the full stop, the ellipsis opening the
   next. Four spaced dots (". . . .") are an ellipsis and a full stop: a break, as Bling Fire has it.

The lowercase join of rule 3, and rules 4 and 5, come from the English "golden rules" that pySBD
is tested on (``annotations/tests/ingest/test_golden_rules.py``: 47 of the 48 pass). The one
left: "He left the bank at 6 P.M. Mr. Smith then went to the store." stays one sentence, because
"at 5 p.m. Gen. Caine ordered the strike" reads the same and is one.

The word lists are data: extend them when a new source shows a new mistake, and add the case to
``annotations/tests/ingest/test_sentences.py``, which checks the cases against pysbd as well.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from ctypes import byref, c_char_p, c_int, c_int32, create_string_buffer

import blingfire

from .normalise import BULLETS

# Abbreviations written before a name ("Gen. Dan Caine"): a piece ending in one is not a sentence.
TITLE_ABBREVIATIONS = (
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Rev", "Fr", "Sr", "Hon", "Pres",
    "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Cdr", "Sgt", "Cpl", "Pvt", "Adm", "Brig",
    "Sen", "Rep", "Gov", "Atty", "Supt", "Insp", "Det",
    "St", "Mt", "Ft", "No", "Nos", "Vol", "Art",
)  # fmt: skip

# Capitalised abbreviations that may be followed by a title within a sentence ("Fla. Gov. ...").
CAPITALISED_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky",
    "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
    "Tenn", "Va", "Vt", "Wash", "Wis", "Wyo",
    "Inc", "Corp", "Co", "Ltd", "Bros", "Jr", "Ave", "Blvd", "Rd",
)  # fmt: skip

# Lowercase abbreviations after which a capital does not start a new sentence ("vs. Texas").
LOWERCASE_ABBREVIATIONS = (
    "vs", "approx", "appt", "apt", "dept", "est", "fig", "figs", "cf", "al", "ca", "esp",
    "incl", "misc", "nos", "op", "cit", "ibid", "viz", "resp",
)  # fmt: skip

# Words that open a sentence but do not follow a title or an initial: "on Main St. The house"
# and "plan B. He left" are two sentences each.
SENTENCE_OPENERS = (
    "A", "An", "The", "This", "That", "These", "Those", "There", "Here", "It", "Its",
    "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our", "My", "Your",
    "But", "And", "Or", "So", "Yet", "Then", "Now", "When", "While", "After", "Before",
    "If", "As", "In", "On", "At", "For", "From", "By", "With", "Some", "Many", "Most",
)  # fmt: skip

_TITLES = frozenset(TITLE_ABBREVIATIONS)
_NOT_SENTENCE_END = frozenset(TITLE_ABBREVIATIONS + CAPITALISED_ABBREVIATIONS)
_LOWERCASE = frozenset(LOWERCASE_ABBREVIATIONS)
_OPENERS = frozenset(SENTENCE_OPENERS)

# Where a break may be missing: a terminator after a letter or digit (an ellipsis is left
# alone), closing quotes, space, then a capital letter, perhaps after an opening quote. The words
# around it are checked in ``_is_missed_break``.
_MAYBE_BREAK = re.compile(r"(?<=[A-Za-z0-9])(?:\.|[!?]+)[\"'”’»)]*(?=\s+[\"'“‘«(]?[A-Z])")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'’-")
_TITLE_ALTERNATIVES = "|".join(sorted(TITLE_ABBREVIATIONS, key=len, reverse=True))
_NAME_NEXT = re.compile(rf"\s+[\"'“‘«(]?(?:[A-Z]|{_TITLE_ALTERNATIVES})\.\s")
_INITIAL = re.compile(r"[A-Z]\.")
_OPENING_DOUBLE = "“„«‟"
_CLOSING_DOUBLE = "”»"
_ANY_DOUBLE = re.compile('["“„«‟”»]')
_LEADING_PUNCTUATION = "\"'“‘«(["
_TRAILING_PUNCTUATION = ".,;:!?\"'”’»)]"
# The most pieces one quotation is joined across (a quoted passage of several sentences).
MAX_QUOTED_PIECES = 30
# A piece that closes a quotation after a terminator: `"This is great."`.
_CLOSED_QUOTATION = frozenset(stop + quote for stop in ".!?" for quote in "\"'”’»")

# A paragraph that starts with a list marker: a bullet perhaps ("• 9. The first item", "⁃9. The
# first item"), a number of one or two digits or a lowercase letter, ".)", ")" or ".", then the
# item, which starts with a capital letter.
_LIST_START = re.compile(
    rf"\s*(?P<marker>(?:[{re.escape(BULLETS)}]\s*)?(?P<label>\d{{1,2}}|[a-z])(?P<closing>\.\)|\)|\.))"
    r"(?=\s+[\"'“‘(]?[A-Z])"
)
_ITEM_START = re.compile(r"\s+[\"'“‘(]?[A-Z]")
# A spaced ellipsis ending a piece: after a space it continues the sentence; after a full stop
# that ends a word, the full stop ends the sentence and the ellipsis opens the next.
_SPACED_ELLIPSIS_AFTER_SPACE = re.compile(r"(?<![.\s])\s\.\s\.\s\.$")
_SPACED_ELLIPSIS_AFTER_STOP = re.compile(r"(?<=\w)\.(\s\.\s\.\s\.)$")


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield the ``(start, end)`` of each line of ``text`` (blank ones too), without its newline."""
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        if end == -1:
            end = length
        yield start, end
        start = end + 1


def split_paragraph(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of each sentence in ``text[start:end]`` (one paragraph).

    Spans index ``text`` and exclude the whitespace around each sentence.
    """
    paragraph = text[start:end]
    if not paragraph or paragraph.isspace():
        return []
    pieces = _strip(paragraph, breaker_spans(paragraph))
    if not pieces:  # nothing but invisible characters (zero-width spaces and the like)
        return []
    pieces = _split_missed_breaks(paragraph, pieces)
    pieces = _join_titles(paragraph, pieces)
    pieces = _join_open_quotes(paragraph, pieces)
    list_start = _LIST_START.match(paragraph)
    if list_start:
        pieces = _split_list_items(paragraph, pieces, _list_markers(paragraph, list_start))
    if ". ." in paragraph:
        pieces = _repair_spaced_ellipses(paragraph, pieces)
    return [(start + s, start + e) for s, e in pieces]


# Bling Fire's own wrapper maps byte offsets to characters with a Python loop over every byte,
# which costs more than the splitting itself; this calls the same C function (of the pinned
# blingfire 0.1.8) and maps the few offsets it returns. tests/ingest/test_sentences.py checks both agree.
_TEXT_TO_SENTENCES_WITH_OFFSETS = blingfire.blingfire.TextToSentencesWithOffsets


def breaker_spans(paragraph: str) -> list[tuple[int, int]]:
    """Return Bling Fire's sentence spans in ``paragraph``, as character offsets."""
    data = paragraph.encode("utf-8")
    size = len(data) * 2
    output = create_string_buffer(size)
    starts = (c_int32 * size)()
    ends = (c_int32 * size)()
    length = _TEXT_TO_SENTENCES_WITH_OFFSETS(
        c_char_p(data), c_int(len(data)), byref(output), byref(starts), byref(ends), c_int(size)
    )
    if length == -1 or length > size:
        return [(0, len(paragraph))]
    if not output.value:  # e.g. a line of zero-width spaces: no sentence at all
        return []
    count = output.value.count(b"\n") + 1
    # Ends are inclusive byte offsets; Python spans end one past the last character.
    spans = list(zip(starts[:count], [end + 1 for end in ends[:count]], strict=True))
    if len(data) == len(paragraph):  # ASCII: bytes are characters
        return spans
    # The offsets only grow: count the characters between each and the next.
    characters, byte, char = [], 0, 0
    for offset in [offset for span in spans for offset in span]:
        offset = min(max(offset, byte), len(data))
        while offset < len(data) and data[offset] & 0xC0 == 0x80:  # inside a character: move past it
            offset += 1
        char += len(data[byte:offset].decode("utf-8"))
        byte = offset
        characters.append(char)
    return list(zip(characters[::2], characters[1::2], strict=True))


def _strip(paragraph: str, pieces) -> list[tuple[int, int]]:
    stripped = []
    for s, e in pieces:
        while s < e and paragraph[s].isspace():
            s += 1
        while e > s and paragraph[e - 1].isspace():
            e -= 1
        if s < e:
            stripped.append((s, e))
    return stripped


def _split_missed_breaks(paragraph: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    ends = {e for _, e in pieces}
    breaks = [
        match.end()
        for match in _MAYBE_BREAK.finditer(paragraph)
        if match.end() not in ends and _is_missed_break(paragraph, match.start(), match.end())
    ]
    if not breaks:
        return pieces
    result = []
    for s, e in pieces:
        # Only the breaks inside this piece (found by bisection: a line of a megabyte has
        # thousands of pieces and breaks, and trying every break in every piece took minutes).
        for point in breaks[bisect_right(breaks, s) : bisect_left(breaks, e)]:
            if s < point:
                result.append((s, point))
                s = point
                while paragraph[s].isspace():
                    s += 1
        result.append((s, e))
    return result


def _is_missed_break(paragraph: str, terminator: int, end: int) -> bool:
    """Tell whether the terminator at ``paragraph[terminator]`` ends a sentence."""
    start = terminator
    while start > 0 and paragraph[start - 1] in _WORD_CHARS:
        start -= 1
    word = paragraph[start:terminator]
    if start > 0 and paragraph[start - 1] == ".":  # "p.m", "U.S"
        return False
    if word[0].islower():
        return len(word) >= 2 and word not in _LOWERCASE
    return len(word) >= 2 and word not in _NOT_SENTENCE_END and _NAME_NEXT.match(paragraph, end) is not None


def _join_titles(paragraph: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result = [pieces[0]]
    for s, e in pieces[1:]:
        previous_start, previous_end = result[-1]
        if (_ends_before_name(paragraph, previous_start, previous_end) and not _opens_sentence(paragraph, s, e)) or (
            paragraph[s].islower() and paragraph[previous_end - 2 : previous_end] in _CLOSED_QUOTATION
        ):
            result[-1] = (previous_start, e)
        else:
            result.append((s, e))
    return result


def _ends_before_name(paragraph: str, s: int, e: int) -> bool:
    """Tell whether ``paragraph[s:e]`` ends in a title ("Gen.") or a name's initial ("John F.")."""
    if paragraph[e - 1] != ".":
        return False
    words = paragraph[s:e].split()
    last = words[-1].lstrip(_LEADING_PUNCTUATION)
    if last[:-1] in _TITLES:
        return True
    if not _INITIAL.fullmatch(last):
        return False
    before = words[-2].lstrip(_LEADING_PUNCTUATION) if len(words) > 1 else ""
    return all(_INITIAL.fullmatch(word) for word in words[:-1]) or before[:1].isupper()


def _opens_sentence(paragraph: str, s: int, e: int) -> bool:
    first = paragraph[s:e].split(None, 1)[0].lstrip(_LEADING_PUNCTUATION)
    return first.rstrip(_TRAILING_PUNCTUATION) in _OPENERS


def _join_open_quotes(paragraph: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(pieces) < 2 or not _ANY_DOUBLE.search(paragraph):
        return pieces
    quotes = [_quotes(paragraph[s:e]) for s, e in pieces]
    result = []
    index = 0
    while index < len(pieces):
        depth = _quote_depth(0, *quotes[index])
        last = index
        # A quote still open after MAX_QUOTED_PIECES pieces is taken as one that never closes:
        # looking to the end of the paragraph from every piece costs its length squared.
        limit = min(len(pieces), index + MAX_QUOTED_PIECES)
        while depth and last + 1 < limit:
            last += 1
            depth = _quote_depth(depth, *quotes[last])
        if depth:  # the quote does not close in this paragraph: keep the pieces as they were
            last = index
        result.append((pieces[index][0], pieces[last][1]))
        index = last + 1
    return result


def _quotes(piece: str) -> tuple[int, bool]:
    """Return how many curly double quotes ``piece`` opens less those it closes, and if its straight ones are odd."""
    opened = sum(map(piece.count, _OPENING_DOUBLE)) - sum(map(piece.count, _CLOSING_DOUBLE))
    return opened, piece.count('"') % 2 == 1


def _quote_depth(depth: int, opened: int, odd_straight: bool) -> int:
    """Return how many double quotes are open after a piece (see ``_quotes``), given ``depth`` before.

    Curly quotes are counted; an odd number of straight quotes opens or closes one.
    """
    depth += opened
    if odd_straight:
        depth += -1 if depth > 0 else 1
    return max(depth, 0)


def _split_list_items(
    paragraph: str, pieces: list[tuple[int, int]], markers: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Cut ``pieces`` before each of the list's ``markers`` but the first; join a marker alone to its item."""
    cuts = [s for s, _ in markers[1:]]
    cut = [] if cuts else pieces
    for s, e in pieces if cuts else ():
        for point in cuts[bisect_right(cuts, s) : bisect_left(cuts, e)]:
            before = point
            while before > s and paragraph[before - 1].isspace():
                before -= 1
            if s < before:
                cut.append((s, before))
            s = point
        cut.append((s, e))
    marker_ends = dict(markers)
    result: list[tuple[int, int]] = []
    for s, e in cut:
        if result and result[-1][1] <= marker_ends.get(result[-1][0], -1) and s not in marker_ends:
            result[-1] = (result[-1][0], e)  # a marker alone ("1.", "• 9.") is joined to its item
        else:
            result.append((s, e))
    return result


def _list_markers(paragraph: str, first: re.Match) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of each marker of the list that ``first`` opens.

    Each later marker numbers or letters on from the one before ("1." then "2.", "a." then "b."),
    with the same closing punctuation, and is followed by its item.
    """
    markers = [(first.start("marker"), first.end("marker"))]
    label, closing = first.group("label"), first.group("closing")
    position = first.end()
    while True:
        label = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
        needle = label + closing
        at = paragraph.find(needle, position)
        start = None
        while at != -1 and start is None:
            start = _marker_start(paragraph, at) if _ITEM_START.match(paragraph, at + len(needle)) else None
            if start is None:
                at = paragraph.find(needle, at + 1)
        if start is None:
            return markers
        position = at + len(needle)
        markers.append((start, position))


def _marker_start(paragraph: str, label: int) -> int | None:
    """Return where the marker whose label is at ``label`` starts (its bullet, if any); None inside a word."""
    start = label
    while start and paragraph[start - 1].isspace():
        start -= 1
    if start and paragraph[start - 1] in BULLETS and (start == 1 or paragraph[start - 2].isspace()):
        return start - 1  # "• 10.", "⁃10."
    if start == label and start and not paragraph[start - 1].isspace():
        return None  # "12." holds no "2." marker
    return label


def _repair_spaced_ellipses(paragraph: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for s, e in pieces:
        if result:
            previous_start, previous_end = result[-1]
            tail = max(previous_start, previous_end - 10)  # the patterns only look at a piece's end
            if _SPACED_ELLIPSIS_AFTER_SPACE.search(paragraph, tail, previous_end):  # "the thing is . . . I didn't"
                result[-1] = (previous_start, e)
                continue
            stop = _SPACED_ELLIPSIS_AFTER_STOP.search(paragraph, tail, previous_end)
            if stop:  # "compounds. . . . The practice": the ellipsis opens the next sentence
                result[-1] = (previous_start, stop.start() + 1)
                s = stop.start(1)
                while paragraph[s].isspace():
                    s += 1
        result.append((s, e))
    return result
