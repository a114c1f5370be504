"""A file to a parsed document (``ingest.documents``): the seeds pinned, refusals, paths expanded."""

import json

import pytest

from annotations.ingest.documents import MSG_NO_SENTENCES, document_from_path, expand_paths
from annotations.ingest.files import LoadError
from annotations.tests.conftest import GOLDEN

from .conftest import SEEDS

# --- The seeds, pinned --------------------------------------------------------------------------


def test_seed_claims_match_the_golden_file():
    """If this fails after an intended change, run annotations/tests/golden/regenerate.py."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = {
        path.name: [
            {"start": s.start, "end": s.end, "text": s.text} for s in document_from_path(path).document.sentences
        ]
        for path in SEEDS
    }

    assert sorted(golden) == [path.name for path in SEEDS]
    for name in golden:
        assert actual[name] == golden[name], name


def test_seed_documents():
    parsed = [document_from_path(path) for path in SEEDS]

    # Each seed ships its metadata beside it (NAME.json): a BBC summary and an AP story of one event.
    assert [(p.document.title, p.document.publisher, p.document.language) for p in parsed] == [
        ("Cuba says 32 of its nationals were killed in the US operation to seize Maduro", "BBC News", "en"),
        ("Cuba says 32 of its officers were killed in the US strikes in Venezuela", "Associated Press", "en"),
    ]
    assert [str(p.document.published_on) for p in parsed] == ["2026-01-05", "2026-01-05"]
    assert parsed[1].document.author == "Rodríguez"
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


def test_a_document_of_boilerplate_only_is_refused(tmp_path):
    path = tmp_path / "ads.txt"
    path.write_text("Advertisement\n\nAdvertisement\n")

    with pytest.raises(LoadError) as caught:
        document_from_path(path)

    assert str(caught.value) == f"{path}: {MSG_NO_SENTENCES}"


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
