"""The load_seeds command: the seeds and other files into the database, and what it reports."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Action, Claim, ClaimOccurrence, ReviewEvent, SourceDocument, Suggestion
from annotations.tests.conftest import GOLDEN
from annotations.tests.ingest.test_signals import SEED_LABELS

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.FACTCHECK_SEEDS_DIR)
SEED_000 = SEEDS / "000_cc4867dd70f73411.txt"
GOLDEN_CLAIMS = json.loads(GOLDEN.read_text(encoding="utf-8"))
SEED_CLAIMS = sum(len(claims) for claims in GOLDEN_CLAIMS.values())


def run(*paths):
    """Run load_seeds; return (stdout, stderr, the CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("load_seeds", *map(str, paths), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def counts():
    return (
        SourceDocument.objects.count(),
        Claim.objects.count(),
        ClaimOccurrence.objects.count(),
        ReviewEvent.objects.count(),
    )


def seed_sentences(count):
    """Return the first ``count`` claims of seed 000 as they appear in its text."""
    text = SEED_000.read_text(encoding="utf-8")
    return [text[c["start"] : c["end"]] for c in GOLDEN_CLAIMS[SEED_000.name][:count]]


def test_load_seeds_stores_the_golden_claims():
    out, err, error = run()

    assert error is None and err == ""
    assert out.splitlines() == [
        "Loaded 2 new documents (0 already loaded).",
        f"Claims: {SEED_CLAIMS} new, 0 already known; {SEED_CLAIMS} occurrences.",
        f"Suggested evidence: {Suggestion.objects.count()} passages in other documents.",
        "Dropped 37 lines: advertisement 2, empty line 32, read-aloud notice 1, reporter credit 2.",
    ]
    assert counts() == (2, SEED_CLAIMS, SEED_CLAIMS, SEED_CLAIMS)
    for name, claims in GOLDEN_CLAIMS.items():
        document = SourceDocument.objects.get(file_name=name)
        assert document.text == (SEEDS / name).read_text(encoding="utf-8")
        stored = [
            {"start": o.start, "end": o.end, "text": o.claim.text}
            for o in document.occurrences.select_related("claim").order_by("position")
        ]
        assert stored == claims


def test_each_seed_claim_is_stored_with_its_labelled_signals():
    run()
    for name in GOLDEN_CLAIMS:
        document = SourceDocument.objects.get(file_name=name)
        stored = [
            (o.claim.speaker, o.claim.has_number, o.claim.has_quote)
            for o in document.occurrences.select_related("claim").order_by("position")
        ]
        assert stored == SEED_LABELS[name]


def test_each_new_claim_gets_one_created_event_by_the_loader():
    run()

    for claim in Claim.objects.all():
        events = list(claim.events.all())
        assert len(events) == 1
        event = events[0]
        assert event.action == Action.CREATED
        assert event.actor is None
        assert (event.status_before, event.status_after) == ("", Claim.Status.PENDING)
        assert event.claim_version == 1 == claim.version
        document = claim.occurrences.get().document
        assert event.details == {"document_id": document.pk, "document": document.title}


def test_second_run_adds_nothing_and_says_so():
    run()
    before = counts()
    events = list(ReviewEvent.objects.values_list("id", flat=True))

    out, err, error = run()

    assert error is None and err == ""
    assert out.strip() == "Nothing new was added: 2 documents were already loaded."
    assert counts() == before
    assert list(ReviewEvent.objects.values_list("id", flat=True)) == events


def test_default_path_is_the_seeds_setting(settings, tmp_path):
    shutil.copy(SEED_000, tmp_path)
    settings.FACTCHECK_SEEDS_DIR = tmp_path

    out, _, error = run()

    assert error is None
    assert SourceDocument.objects.get().file_name == SEED_000.name
    assert out.startswith("Loaded 1 new document (0 already loaded).")


def test_a_sentence_in_two_documents_is_one_claim_with_two_occurrences(tmp_path):
    run(SEED_000)
    repeated = seed_sentences(3)
    third = tmp_path / "third.txt"
    # Same sentences with other spacing and quotes: the normalised text is what identifies them.
    third.write_text(
        "A new sentence that no seed contains at all.\n\n" + "  ".join(s.replace("'", "’") for s in repeated) + "\n",
        encoding="utf-8",
    )
    before_claims, before_events = Claim.objects.count(), ReviewEvent.objects.count()

    out, _, error = run(third)

    assert error is None
    assert "Claims: 1 new, 3 already known; 4 occurrences." in out
    assert Claim.objects.count() == before_claims + 1
    assert ReviewEvent.objects.count() == before_events + 1
    document = SourceDocument.objects.get(file_name="third.txt")
    for sentence in repeated:
        claim = Claim.objects.get(text=sentence)
        occurrences = claim.occurrences.order_by("document_id")
        assert [o.document.file_name for o in occurrences] == [SEED_000.name, "third.txt"]
        assert ReviewEvent.objects.filter(claim=claim, action=Action.CREATED).count() == 1
        mine = occurrences.get(document=document)
        assert document.text[mine.start : mine.end].replace("’", "'") == sentence


def test_a_sentence_repeated_in_one_document_is_one_claim_with_two_occurrences(tmp_path):
    sentence = "Cuba announced two days of national mourning on Sunday."
    path = tmp_path / "twice.txt"
    path.write_text(f"{sentence} Officials gave no details.\n\n{sentence}\n", encoding="utf-8")

    out, _, error = run(path)

    assert error is None
    assert "Claims: 2 new, 0 already known; 3 occurrences." in out
    claim = Claim.objects.get(text=sentence)
    occurrences = list(claim.occurrences.all())
    assert [o.position for o in occurrences] == [0, 2]
    text = path.read_text(encoding="utf-8")
    assert [text[o.start : o.end] for o in occurrences] == [sentence, sentence]
    assert occurrences[0].start != occurrences[1].start
    assert claim.events.count() == 1


GOOD_TEXT = "Officials in Havana said 32 Cuban officers were killed over the weekend.\n"


@pytest.mark.parametrize(
    "name, content, reported, reason",
    [
        ("empty.txt", b"", "empty.txt", "is empty"),
        ("blank.txt", b"\n \n\t\n", "blank.txt", "is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt",
         "looks binary (NUL bytes)"),
        ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.txt", "looks like a PDF, not text"),
        ("meta.json", b'{"title": "Unclosed"', "meta.json",
         "is not valid JSON (Expecting ',' delimiter at line 1 column 21)"),
        ("meta.json", b'{"published": "Jan 5 2026"}', "meta.json",
         "field 'published' must be a date as YYYY-MM-DD, not 'Jan 5 2026'"),
    ],
)  # fmt: skip
def test_a_bad_file_is_reported_and_the_others_still_load(tmp_path, name, content, reported, reason):
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    if name == "meta.json":
        (tmp_path / "meta.txt").write_text("The sidecar of this text is broken, so it fails.")

    out, err, error = run(tmp_path)

    assert err.splitlines() == [f"error: {tmp_path / reported}: {reason}"]
    assert error is not None
    assert str(error) == "1 of 2 files could not be loaded (see above); the others were."
    assert "Loaded 1 new document (0 already loaded)." in out
    assert list(SourceDocument.objects.values_list("file_name", flat=True)) == ["good.txt"]
    assert Claim.objects.get().text == GOOD_TEXT.strip()


def test_bad_files_alone_leave_the_database_untouched(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01")

    out, err, error = run(tmp_path)

    assert len(err.splitlines()) == 2
    assert str(error) == "2 files could not be loaded (see above)."
    assert out.strip() == "Nothing was loaded."
    assert counts() == (0, 0, 0, 0)


def test_a_missing_path_stops_before_loading_anything(tmp_path):
    _, _, error = run(SEED_000, tmp_path / "missing")

    assert str(error) == f"{tmp_path / 'missing'}: does not exist"
    assert counts() == (0, 0, 0, 0)


def test_a_folder_without_text_files_is_an_error(tmp_path):
    _, _, error = run(tmp_path)

    assert str(error) == f"No .txt files found in {tmp_path}."


def test_metadata_is_stored_with_the_document(tmp_path):
    (tmp_path / "cuba.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "cuba.json").write_text(
        json.dumps(
            {
                "title": "Cuba says 32 officers died",
                "publisher": "Associated Press",
                "url": "https://apnews.com/article/cuba",
                "published": "2026-01-05",
            }
        )
    )

    run(tmp_path)

    document = SourceDocument.objects.get()
    assert (document.title, document.publisher, document.url, str(document.published_on)) == (
        "Cuba says 32 officers died",
        "Associated Press",
        "https://apnews.com/article/cuba",
        "2026-01-05",
    )


def test_verbosity_zero_prints_only_errors_and_two_prints_each_file(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    quiet_out, quiet_err = StringIO(), StringIO()

    with pytest.raises(CommandError):
        call_command("load_seeds", str(tmp_path), verbosity=0, stdout=quiet_out, stderr=quiet_err)

    assert quiet_out.getvalue() == ""
    assert quiet_err.getvalue() == f"error: {tmp_path / 'bad.txt'}: is empty\n"

    out = StringIO()
    call_command("load_seeds", str(tmp_path / "good.txt"), verbosity=2, stdout=out)
    assert out.getvalue().splitlines() == [
        f"[1/1] {tmp_path / 'good.txt'}",
        "Nothing new was added: 1 document was already loaded.",
    ]
