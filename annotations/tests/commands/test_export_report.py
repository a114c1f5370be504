"""export_report: each format to a file or to standard output; bad input refused in one line, no partial file."""

import errno
import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.exports import ExportFilters, export
from annotations.management.commands import export_report
from annotations.models import Claim
from annotations.tests.exports.conftest import exported, exported_ids

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "json", "jsonl", "claimreview", "html"]


def run(*args, **options) -> str:
    """Run the command; return what it wrote to its standard error."""
    stderr = io.StringIO()
    call_command("export_report", *args, stderr=stderr, **options)
    return stderr.getvalue()


def all_ids(**lookups) -> list[int]:
    return list(Claim.objects.filter(**lookups).order_by("id").values_list("id", flat=True))


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_is_written_to_a_file(newsroom, tmp_path, name):
    path = tmp_path / f"export.{name}"
    message = run("--format", name, "--output", str(path))
    data = path.read_bytes()
    published = name in ("claimreview", "html")
    assert exported_ids(name, data) == (all_ids(status="approved") if published else all_ids())
    described = "status approved" if published else "all claims but those closed in triage"
    assert message == f"Wrote {len(data):,} bytes to {path} ({described}).\n"
    if name not in ("json", "html"):  # those two carry the time they were made
        assert data == exported(name, ExportFilters.parse(published=published))
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left beside it


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_is_written_to_standard_output(newsroom, capsysbinary, name):
    message = run("--format", name)
    captured = capsysbinary.readouterr()
    published = name in ("claimreview", "html")
    assert exported_ids(name, captured.out) == (all_ids(status="approved") if published else all_ids())
    if name not in ("json", "html"):
        assert captured.out == exported(name, ExportFilters.parse(published=published))
    assert message == ""  # nothing but the export on standard output, no summary without a file


def test_the_filters_reach_the_export(newsroom, capsysbinary):
    digest = str(newsroom.docs.digest.pk)
    run("--format", "jsonl", "--status", "approved,returned", "--verdict", "disputed", "--document", digest)
    assert exported_ids("jsonl", capsysbinary.readouterr().out) == sorted(
        [newsroom.claims.returned.pk, newsroom.claims.disputed.pk]
    )
    run("--format", "csv", "--since", "2025-03-02T10:12")
    assert newsroom.claims.approved.pk not in exported_ids("csv", capsysbinary.readouterr().out)


def test_a_published_format_can_be_asked_for_other_statuses(newsroom, capsysbinary):
    run("--format", "html", "--status", "in_review")
    assert exported_ids("html", capsysbinary.readouterr().out) == [newsroom.claims.in_review.pk]


@pytest.mark.parametrize("name", FORMATS)
def test_closed_claims_are_exported_only_with_include_closed_or_a_status_naming_them(triaged, capsysbinary, name):
    closed = sorted(claim.pk for claim in triaged.closed)
    listed = closed if name != "html" else [triaged.dismissed.pk, triaged.split.pk]  # merged: in no article
    run("--format", name)
    assert not set(exported_ids(name, capsysbinary.readouterr().out)) & set(closed)
    run("--format", name, "--include-closed")
    everything = exported_ids(name, capsysbinary.readouterr().out)
    if name == "claimreview":  # publishes approved claims only: none is closed
        assert everything == all_ids(status="approved")
    else:
        assert set(listed) <= set(everything)
        assert everything == (all_ids() if name != "html" else all_ids(status__in=["approved", "dismissed", "split"]))
    run("--format", name, "--status", "dismissed,merged")
    named = [triaged.dismissed.pk, *(claim.pk for claim in triaged.merged)]
    expected = {"claimreview": [], "html": [triaged.dismissed.pk]}.get(name, sorted(named))
    assert exported_ids(name, capsysbinary.readouterr().out) == expected


def test_include_closed_is_said_in_the_closing_line(triaged, tmp_path):
    path = tmp_path / "claims.csv"
    assert run("--format", "csv", "--include-closed", "--output", str(path)).endswith(
        " (all claims, those closed in triage too).\n"
    )
    assert run("--format", "csv", "--output", str(path)).endswith(" (all claims but those closed in triage).\n")


def test_history_is_included_in_json_when_asked_for(newsroom, tmp_path):
    path = tmp_path / "backup.json"
    run("--format", "json", "--history", "--output", str(path))
    export = json.loads(path.read_bytes())
    assert (export["version"], export["history"]) == (3, True)
    assert all(claim["history"] for claim in export["claims"])
    # Every document has its history (loaded first) and its versions, the last one the current one.
    assert all(document["history"][0]["action"] == "loaded" for document in export["documents"])
    assert all(document["versions"][-1]["number"] == document["version"] for document in export["documents"])
    [dam] = [document for document in export["documents"] if document["id"] == newsroom.docs.dam.pk]
    assert [event["action"] for event in dam["history"]] == ["loaded", "versioned", "edited"]
    assert [version["number"] for version in dam["versions"]] == [1, 2]


def test_without_history_the_documents_have_their_versions_but_no_history(newsroom, tmp_path):
    path = tmp_path / "claims.json"
    run("--format", "json", "--output", str(path))
    export = json.loads(path.read_bytes())
    assert export["history"] is False
    assert all("history" not in item for item in export["documents"] + export["claims"])
    assert all(document["versions"] for document in export["documents"])


@pytest.mark.parametrize("name", ["csv", "claimreview", "html"])
def test_history_is_refused_for_formats_without_it(newsroom, tmp_path, capsysbinary, name):
    path = tmp_path / "out"
    with pytest.raises(CommandError, match=f"^--history is for json and jsonl exports, not {name}.$"):
        run("--format", name, "--history", "--output", str(path))
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert capsysbinary.readouterr().out == b""


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--status", "done", "--status: Unknown status 'done': choose from"),
        ("--verdict", "false", "--verdict: Unknown verdict 'false': choose from"),
        ("--document", "abc", "--document: 'abc' is not a document id"),
        ("--document", "²", "--document: '²' is not a document id"),
        ("--document", "999999", "--document: Document 999999 does not exist."),
        ("--since", "last week", "--since: 'last week' is not a date"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(newsroom, tmp_path, capsysbinary, option, value, message):
    path = tmp_path / "out.csv"
    with pytest.raises(CommandError) as raised:
        run("--format", "csv", option, value, "--output", str(path))
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []
    assert capsysbinary.readouterr().out == b""


def test_an_unknown_format_is_refused(db):
    with pytest.raises(CommandError, match="--format: invalid choice: 'xml'"):
        run("--format", "xml")


def test_an_output_in_a_missing_folder_is_refused(newsroom, tmp_path):
    path = tmp_path / "missing" / "out.csv"
    with pytest.raises(CommandError, match=r"^Cannot write .*out\.csv: folder .*missing does not exist\.$"):
        run("--format", "csv", "--output", str(path))
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_is_a_folder_is_refused_and_nothing_is_left_behind(newsroom, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.raises(CommandError, match=r"^Cannot write .*reports: Is a directory\.$"):
        run("--format", "csv", "--output", str(folder))
    assert list(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


def test_an_output_folder_that_cannot_be_written_is_refused(newsroom, tmp_path, monkeypatch):
    # Checked with a refusing file system call: the tests may run as root, who may write anywhere.
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export_report.tempfile, "NamedTemporaryFile", refuse)
    with pytest.raises(CommandError, match=r"^Cannot write .*out\.csv: Permission denied\.$"):
        run("--format", "csv", "--output", str(tmp_path / "out.csv"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "failure, expected",
    [
        (OSError(errno.ENOSPC, "No space left on device"), CommandError),
        (RuntimeError("the database went away"), RuntimeError),
    ],
    ids=["disk full", "export failed"],
)
def test_a_write_failing_midway_leaves_no_partial_file_and_the_old_one_untouched(
    newsroom, tmp_path, monkeypatch, failure, expected
):
    path = tmp_path / "claims.csv"
    path.write_bytes(b"the previous export\n")

    def failing(name, filters, **options):
        chunks = export(name, filters, **options)
        yield next(chunks)
        raise failure

    monkeypatch.setattr(export_report, "export", failing)
    with pytest.raises(expected) as raised:
        run("--format", "csv", "--output", str(path))
    if expected is CommandError:
        assert str(raised.value) == f"Cannot write {path}: No space left on device."
    assert path.read_bytes() == b"the previous export\n"
    assert list(tmp_path.iterdir()) == [path]
