"""Properties of the loader on any input: odd Unicode, binary, huge lines, mixed encodings.

Whatever the bytes of a file, loading it never raises: it is stored, or refused with one of the
documented reasons in ``summary.errors``. A stored document keeps its text exactly as decoded and
each occurrence's span gives its claim back once normalised. A refused file changes nothing.

Hypothesis runs each test's examples inside one test (one database transaction): every example
that writes runs in a savepoint rolled back at its end, so each starts from the same database.
The runs are derandomized and bounded, so CI sees the same examples every time.
"""

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from annotations import history
from annotations.ingest import documents
from annotations.ingest.files import LoadError
from annotations.ingest.normalise import normalise_claim_text
from annotations.models import Action, Claim, ClaimOccurrence, ReviewEvent, SourceDocument
from annotations.workflow import loading as loader

pytestmark = pytest.mark.django_db

_BOUNDED = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def bounded(examples: int) -> settings:
    """Return the settings of a derandomized run of ``examples`` examples, with no time limit per example."""
    return settings(_BOUNDED, max_examples=examples)


# --- What the files hold ------------------------------------------------------------------------

ODD = [
    "\u200f", "\u200e", "\u202e", "\u202d", "\u202c", "\u2066", "\u2069",  # direction marks, overrides
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad",  # zero-width characters, soft hyphen
    "\u0301", "\u0308", "\u0327", "\u0338", "e\u0301", "\u212b", "\u1100\u1161",  # combining; NFC changes
    "\u00a0", "\u2009", "\u3000", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",  # odd spaces
    "“", "”", "‘", "’", "«", "»", '"', "'", "„", "…", ".", "?", "!", "(", ")", ":", ";", ",",
    "مرحبا", "שלום", "👍🏽", "🇺🇦", "ﬁ", "İ", "ß", "\U0001d400", "\ufffd", "\uffff",
]  # fmt: skip
WORDS = """The the government said Gen. Sen. Mr. E. B. U.S. officials according to 32 3,200 homes were
flooded on Monday Maduro’s Rubio's Díaz-Canel “We he She told reporters not never a dozen by as
reported Advertisement writes for Associated Press contributed this report""".split()
# One statement written four ways that normalise alike: stored once, then seen again as existing.
SHARED = [
    'Maduro\'s government said "32 people" died in the attack on Monday.',
    "Maduro’s government said “32 people” died in the attack on Monday.",
    "Maduro’s  government said «32 people»\u00a0died in the attack on Monday.",
    "Maduro\u2019s government said \u201c32 people\u201d died in the attack on Monday.",
]
BASE_ARTICLE = (
    "Officials in Havana said 40 roads were closed on Friday. "
    "Díaz-Canel told reporters that the storm had passed.\n"
    f"{SHARED[0]}\n"
)

any_character = st.characters(blacklist_categories=("Cs",))  # every category; surrogates cannot be encoded
separator = st.sampled_from([" ", " ", " ", "  ", "\u00a0", "\u2009", " \u200b", "\u200b", "\t", " \u200f"])
word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(ODD),
    st.text(any_character, min_size=1, max_size=6),
    st.tuples(st.sampled_from(WORDS), st.sampled_from(ODD)).map("".join),
    st.tuples(st.sampled_from(ODD), st.sampled_from(WORDS)).map("".join),
)
ending = st.sampled_from([".", ".", "!", "?", "…", ".”", '."', ".’", "", ". ", "\u200f.", ".\u0301"])
sentence = st.one_of(
    st.tuples(st.lists(word, min_size=1, max_size=12), separator, ending).map(lambda t: t[1].join(t[0]) + t[2]),
    st.sampled_from(SHARED),
)
paragraph = st.lists(sentence, min_size=1, max_size=5).map(" ".join)
line_break = st.sampled_from(["\n", "\n", "\r\n", "\n\n", "\n \u200b\n", "\u2028", "\r"])
structured_text = st.tuples(st.lists(paragraph, min_size=1, max_size=6), line_break).map(lambda t: t[1].join(t[0]))
arbitrary_text = st.text(any_character, max_size=400)
odd_text = st.lists(st.sampled_from(ODD), max_size=40).map("".join)
text = st.one_of(structured_text, arbitrary_text, odd_text)


def _cp1252_characters():
    found = []
    for code in range(0x20, 0x2200):
        char = chr(code)
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            continue
        found.append(char)
    return found


CP1252 = _cp1252_characters()
legacy_fragment = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), min_size=1, max_size=30).map(
        lambda s: s.encode("latin-1")
    ),
    st.text(st.sampled_from(CP1252), min_size=1, max_size=30).map(lambda s: s.encode("cp1252")),
)


@st.composite
def mixed_encodings(draw):
    """UTF-8 text with a Latin-1 or Windows-1252 fragment spliced in (a file pasted together)."""
    raw = draw(text).encode("utf-8")
    at = draw(st.integers(0, len(raw)))
    return raw[:at] + draw(legacy_fragment) + raw[at:]


encoded = st.one_of(
    text.map(lambda s: s.encode("utf-8")),
    text.map(lambda s: s.encode("utf-8-sig")),
    st.tuples(text, st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"])).map(lambda t: t[0].encode(t[1])),
    mixed_encodings(),
    st.binary(max_size=2000),
    st.sampled_from([b"", b"   \n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", b"\xc0\xaf", b"\xed\xa0\x80 x"]),
)
# For the tests that load: as often text with sentences as anything else.
loadable = st.one_of(structured_text.map(str.encode), encoded)


# Lines that once took minutes to hours to split or read at a megabyte (see test_ingest, test_signals).
HARD_FRAGMENTS = [
    "“He left the house early. ",
    "The “We. ",
    "They seized him. Gen. Caine said so. The house fell down on them. ",
    "he said ",
    "to say ",
    "was reported by of ",
    "“We \u200csaid. ",
]


@st.composite
def huge_line(draw):
    """One line of 1 to 2 million characters: a fragment repeated, perhaps after an ordinary line."""
    fragment = draw(
        st.one_of(
            sentence, st.text(any_character, min_size=1, max_size=40), st.sampled_from(ODD),
            st.sampled_from(HARD_FRAGMENTS),
        )
    )  # fmt: skip
    fragment = fragment.replace("\n", " ") or "x"
    size = draw(st.integers(1_000_000, 2_000_000))
    line = (fragment * (size // len(fragment) + 1))[:size]
    head = draw(st.sampled_from(["", BASE_ARTICLE]))
    return (head + line).encode("utf-8")


# --- Helpers ------------------------------------------------------------------------------------

REASONS = ("looks binary (", "looks like a PDF", "is not UTF-", "is empty", documents.MSG_NO_SENTENCES)
DETECTED = object()  # bytes that are not UTF-8: decoded by detection, or refused


def written(folder, data: bytes, name="article.txt") -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def decoded(data: bytes):
    """Return what the loader should read from UTF-8 ``data``, None if it should refuse it, or DETECTED.

    Line ends are read as "\n" (``\r\n`` and a lone ``\r`` too), a byte order mark is dropped.
    """
    if data.lstrip()[:5] == b"%PDF-":
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return DETECTED
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text if "\0" not in text and text.strip() else None


def tally(what: str) -> None:
    """Count what the examples covered (``pytest --hypothesis-show-statistics`` shows it)."""
    if currently_in_test_context():
        event(what)


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_app_config("annotations").get_models()}


@contextmanager
def rolled_back():
    """Run the block in a savepoint rolled back at its end: the next example sees the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def parsed_or_refusal(path):
    """Return ``(ParsedDocument, None)`` or ``(None, LoadError)``: any other exception is a bug."""
    try:
        return documents.document_from_path(path), None
    except LoadError as error:
        tally(f"refused: {error.reason[:20]}")
        assert error.path == str(path)
        assert error.reason.startswith(REASONS), error.reason
        assert "\n" not in str(error)
        return None, error


def assert_sentences_index_the_text(text, sentences):
    tally(f"parsed: {min(len(sentences), 10)}{'+' if len(sentences) >= 10 else ''} sentences")
    previous_end = 0
    for sentence in sentences:
        assert previous_end <= sentence.start < sentence.end <= len(text)
        original = text[sentence.start : sentence.end]
        assert "\n" not in original  # a sentence never spans two paragraphs
        assert original == original.strip()
        assert sentence.text and normalise_claim_text(original) == sentence.text
        previous_end = sentence.end


def assert_stored_as_parsed(document: SourceDocument, parsed):
    assert document.text == parsed.document.text
    occurrences = list(
        ClaimOccurrence.objects.filter(document=document)
        .order_by("position")
        .values_list("position", "start", "end", "claim__text")
    )
    assert [(p, s, e) for p, s, e, _ in occurrences] == [
        (position, sentence.start, sentence.end) for position, sentence in enumerate(parsed.document.sentences)
    ]
    for _, start, end, claim_text in occurrences:
        assert normalise_claim_text(document.text[start:end]) == claim_text


# --- Parsing: any bytes -------------------------------------------------------------------------


@bounded(300)
@given(data=encoded)
def test_any_bytes_are_parsed_or_refused_with_a_reason(data):
    with tempfile.TemporaryDirectory() as folder:
        path = written(folder, data)
        parsed, refusal = parsed_or_refusal(path)
    expected = decoded(data)
    if expected is DETECTED:  # whatever the detection read, its sentences index it
        if refusal is None:
            assert_sentences_index_the_text(parsed.document.text, parsed.document.sentences)
        return
    if expected is None:
        assert refusal is not None and refusal.reason != documents.MSG_NO_SENTENCES
        return
    if refusal is not None:
        assert refusal.reason == documents.MSG_NO_SENTENCES
        return
    assert parsed.document.text == expected  # stored as read, so that offsets index what readers see
    assert_sentences_index_the_text(expected, parsed.document.sentences)


@bounded(150)
@given(body=text)
def test_odd_unicode_text_gives_sentences_that_index_it(body):
    with tempfile.TemporaryDirectory() as folder:
        parsed, refusal = parsed_or_refusal(written(folder, body.encode("utf-8")))
    if refusal is None:
        assert parsed.document.text == decoded(body.encode("utf-8"))
        assert_sentences_index_the_text(parsed.document.text, parsed.document.sentences)


@bounded(6)
@given(data=huge_line())
def test_huge_lines_are_parsed_in_bounded_time(data):
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        parsed, refusal = parsed_or_refusal(written(folder, data))
    assert time.perf_counter() - started < 30  # linear: a second or two a megabyte
    if refusal is None:
        assert parsed.document.text == decoded(data)
        assert_sentences_index_the_text(parsed.document.text, parsed.document.sentences)


# --- Loading: the database ----------------------------------------------------------------------


@bounded(40)
@given(data=loadable)
def test_loading_any_file_stores_it_as_parsed_or_changes_nothing(data):
    with rolled_back(), tempfile.TemporaryDirectory() as folder:
        assert loader.load_paths([written(folder, BASE_ARTICLE.encode(), "base.txt")]).documents_new == 1
        path = written(folder, data)
        parsed, refusal = parsed_or_refusal(path)
        before = row_counts()

        summary = loader.load_paths([path])

        assert summary.files == 1
        if refusal is not None:
            assert [str(error) for error in summary.errors] == [str(refusal)]
            assert row_counts() == before
            return
        assert summary.errors == []
        tally(f"stored: {'some' if summary.claims_existing else 'no'} claims known before")
        document = SourceDocument.objects.get(content_hash=parsed.document.content_hash)
        assert_stored_as_parsed(document, parsed)
        assert list(history.verify()) == []
        # Every claim has one created event: a statement already loaded got no second one.
        created = ReviewEvent.objects.filter(action=Action.CREATED)
        assert created.count() == created.values("claim").distinct().count() == Claim.objects.count()


@bounded(25)
@given(files=st.lists(loadable, min_size=2, max_size=4))
def test_bad_files_among_good_ones_change_nothing_of_their_own(files):
    """Loading several files at once stores exactly what loading the good ones alone would."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [written(folder, data, f"{index:02d}.txt") for index, data in enumerate(files)]
        outcomes = [parsed_or_refusal(path) for path in paths]
        good = [path for path, (parsed, _) in zip(paths, outcomes, strict=True) if parsed is not None]
        tally(f"{len(good)} of {len(paths)} files good")
        with rolled_back():
            if good:
                loader.load_paths(good)
            expected = row_counts()
        with rolled_back():
            summary = loader.load_paths(paths)
            assert sorted(str(error) for error in summary.errors) == sorted(
                str(refusal) for _, refusal in outcomes if refusal is not None
            )
            assert row_counts() == expected
            for parsed, _ in outcomes:
                if parsed is not None:
                    document = SourceDocument.objects.get(content_hash=parsed.document.content_hash)
                    assert_stored_as_parsed(document, parsed)


@pytest.mark.parametrize(
    "line",
    [
        # Sixteen thousand sentences on one line, written four ways that are one claim.
        (" \u200f".join(SHARED) + " ") * 4000,
        # One sentence of a megabyte, in right-to-left overrides and zero-width joiners.
        "Officials \u202esaid\u202c " + "\u202eabcdefghijkl\u200d mnopqrstu\u0301vwx " * 36000 + "on Monday.",
    ],
    ids=["many sentences", "one sentence"],
)
def test_a_huge_line_loads_as_parsed(tmp_path, line):
    path = written(tmp_path, (BASE_ARTICLE + line).encode("utf-8"))
    parsed, refusal = parsed_or_refusal(path)
    assert refusal is None and len(parsed.document.text) > 1_000_000

    summary = loader.load_paths([path])

    assert (summary.documents_new, summary.errors) == (1, [])
    assert_stored_as_parsed(SourceDocument.objects.get(content_hash=parsed.document.content_hash), parsed)
    assert list(history.verify()) == []
