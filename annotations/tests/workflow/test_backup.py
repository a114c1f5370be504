"""Reading a backup back (``workflow.backup``): each bad file is refused naming its first bad record, writing nothing.

The backup here is written by hand (``conftest.valid_backup``), small and complete, so that each test spoils one
thing in it; ``test_restore.py`` restores it whole, and ``tests/commands/test_import_claims.py`` restores real
exports of a database built through the workflow.
"""

import copy
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from annotations.models import Claim, ClaimOccurrence, Correction, Evidence, ReviewEvent, SourceDocument
from annotations.workflow.backup import RestoreError, parse_backup

from .conftest import CLAIM, PASSAGE, REPORT, at, import_file, sha, valid_backup

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def refused(tmp_path, content) -> str:
    """Import ``content``; return the refusal's message after checking that nothing was written."""
    users = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        import_file(tmp_path, content)
    for model in (SourceDocument, Claim, ClaimOccurrence, Evidence, ReviewEvent, Correction):
        assert not model.objects.exists(), model
    assert get_user_model().objects.count() == users
    message = str(raised.value)
    assert message.endswith("; nothing was imported.")
    return message.removesuffix("; nothing was imported.")


def test_parse_gives_model_values():
    backup = parse_backup(valid_backup())
    assert backup.exported_at == datetime.datetime(2025, 3, 9, 9, tzinfo=UTC)
    assert not backup.filtered
    assert backup.usernames == {"editor1", "reviewer1", "reviewer2"}
    assert [row["id"] for row in backup.events] == [30, 31, 32, 33, 34, 35, 40, 41, 42, 43, 44, 36, 37]
    assert backup.corrections[0]["event"] == 44
    assert backup.evidence[1] | {"added_at": None} == {
        "id": 21, "claim": 10, "url": "", "document": 5, "start": PASSAGE, "end": PASSAGE + 10, "title": "",
        "excerpt": "120 tonnes", "stance": "refutes", "added_by": "editor1", "added_at": None,
    }  # fmt: skip


def spoil(change):
    data = valid_backup()
    change(data)
    return data


def claim0(data):
    return data["claims"][0]


BAD_FILES = {
    "empty-object": (
        lambda data: data.clear(),
        "file: format: null is not 'factcheck-export': this is not an export of claims",
    ),
    "format": (
        lambda data: data.update(format="claimreview"),
        "file: format: 'claimreview' is not 'factcheck-export': this is not an export of claims",
    ),
    "version": (
        lambda data: data.update(version=2),
        "file: version: 2 is not supported (this tool reads version 1)",
    ),
    "without-history": (
        lambda data: data.update(history=False),
        "file: history: the file was exported without --history, so it holds no review history and cannot be "
        "restored: export again with --history",
    ),
    "claims-not-a-list": (lambda data: data.update(claims={}), "file: claims: expected a list, got an object"),
    "claim-not-an-object": (lambda data: data["claims"].insert(1, "x"), "claims[1]: expected an object, got 'x'"),
    "history-missing": (lambda data: data["claims"][1].pop("history"), "claims[1] (id 11): history: missing"),
    "field-missing": (lambda data: claim0(data).pop("verdict"), "claims[0] (id 10): verdict: missing"),
    "document-field-missing": (lambda data: data["documents"][1].pop("text"), "documents[1] (id 5): text: missing"),
    "wrong-type": (
        lambda data: claim0(data).update(version="9"),
        "claims[0] (id 10): version: expected a whole number, got '9'",
    ),
    "boolean-id": (
        lambda data: claim0(data)["evidence"][0].update(id=True),
        "claims[0] (id 10): evidence[0].id: expected a whole number, got true",
    ),
    "null-text": (lambda data: claim0(data).update(note=None), "claims[0] (id 10): note: expected a value, got null"),
    "signal-not-a-flag": (
        lambda data: claim0(data).update(speaker="Officials", has_number="yes", has_quote=False),
        "claims[0] (id 10): has_number: expected true or false, got 'yes'",
    ),
    "signal-missing": (
        lambda data: claim0(data).update(speaker="Officials", has_number=True),
        "claims[0] (id 10): has_quote: missing",
    ),
    "unknown-status": (
        lambda data: claim0(data).update(status="done"),
        "claims[0] (id 10): status: 'done' is not a status",
    ),
    "unknown-verdict": (
        lambda data: claim0(data).update(verdict="true"),
        "claims[0] (id 10): verdict: 'true' is not a verdict",
    ),
    "unknown-stance": (
        lambda data: claim0(data)["evidence"][0].update(stance="maybe"),
        "claims[0] (id 10): evidence[0].stance: 'maybe' is not a stance",
    ),
    "unknown-action": (
        lambda data: data["claims"][1]["history"][1].update(action="liked"),
        "claims[1] (id 11): history[1].action: 'liked' is not a review action",
    ),
    "reviewed-without-verdict": (
        lambda data: claim0(data).update(verdict=""),
        "claims[0] (id 10): verdict: a claim that is approved needs one",
    ),
    "naive-date": (
        lambda data: claim0(data)["history"][2].update(created_at="2025-03-02T09:00:00"),
        "claims[0] (id 10): history[2].created_at: expected a date-time with its time zone (ISO 8601), "
        "got '2025-03-02T09:00:00'",
    ),
    "bad-day": (
        lambda data: data["documents"][0].update(published_on="27/02/2025"),
        "documents[0] (id 3): published_on: expected a date (YYYY-MM-DD), got '27/02/2025'",
    ),
    "details-not-an-object": (
        lambda data: claim0(data)["history"][0].update(details=[]),
        "claims[0] (id 10): history[0].details: expected an object, got a list",
    ),
    "occurrence-unknown-document": (
        lambda data: data["claims"][1]["occurrences"][0].update(document=7),
        "claims[1] (id 11): occurrences[0].document: document 7 is not among the file's documents",
    ),
    "occurrence-wrong-offsets": (
        lambda data: claim0(data)["occurrences"][0].update(start=4, end=9),
        "claims[0] (id 10): occurrences[0].end: 4-9 of document 3 reads 'river', not the claim's text",
    ),
    "occurrence-outside-text": (
        lambda data: claim0(data)["occurrences"][0].update(end=len(REPORT) + 5),
        f"claims[0] (id 10): occurrences[0].end: 0-{len(REPORT) + 5} is not a passage of document 3 "
        f"(its text is {len(REPORT)} characters)",
    ),
    "occurrence-same-position": (
        lambda data: data["claims"][1]["occurrences"][0].update(position=0),
        "claims[1] (id 11): occurrences[0].position: position 0 in document 3 is used twice "
        "(first by claims[0] (id 10) occurrences[0])",
    ),
    "evidence-passage-without-offsets": (
        lambda data: claim0(data)["evidence"][1].update(start=None),
        "claims[0] (id 10): evidence[1].start: expected a value, got null",
    ),
    "evidence-without-source": (
        lambda data: claim0(data)["evidence"][0].update(url=""),
        "claims[0] (id 10): evidence[0].url: evidence needs a web address or a passage of a document",
    ),
    "evidence-not-http": (
        lambda data: claim0(data)["evidence"][0].update(url="ftp://example.org/survey"),
        "claims[0] (id 10): evidence[0].url: is not an http:// or https:// address",
    ),
    "duplicate-document-id": (
        lambda data: data["documents"][1].update(id=3),
        "documents[1] (id 3): id: id 3 is used twice (first by documents[0] (id 3))",
    ),
    "duplicate-claim-id": (
        lambda data: data["claims"][1].update(id=10),
        "claims[1] (id 10): id: id 10 is used twice (first by claims[0] (id 10))",
    ),
    "duplicate-evidence-id": (
        lambda data: claim0(data)["evidence"][1].update(id=20),
        "claims[0] (id 10): evidence[1].id: id 20 is used twice (first by claims[0] (id 10) evidence[0])",
    ),
    "duplicate-event-id": (
        lambda data: data["claims"][1]["history"][0].update(id=35),
        "claims[1] (id 11): history[0].id: id 35 is used twice (first by claims[0] (id 10) history[5])",
    ),
    "duplicate-text": (
        lambda data: data["claims"][1].update(text=CLAIM, text_hash=sha(CLAIM)),
        "claims[1] (id 11): text_hash: the same text is used twice (first by claims[0] (id 10))",
    ),
    "duplicate-document-text": (
        lambda data: data["documents"][1].update(text=REPORT, content_hash=sha(REPORT)),
        "documents[1] (id 5): content_hash: the same text is used twice (first by documents[0] (id 3))",
    ),
    "text-hash-mismatch": (
        lambda data: claim0(data).update(text_hash=sha("something else")),
        "claims[0] (id 10): text_hash: is not the SHA-256 of the claim's text",
    ),
    "content-hash-mismatch": (
        lambda data: data["documents"][0].update(text=REPORT + " More."),
        "documents[0] (id 3): content_hash: is not the SHA-256 of the document's text",
    ),
    "too-long": (
        lambda data: data["documents"][0].update(title="x" * 501),
        "documents[0] (id 3): title: is too long (501 characters; at most 500)",
    ),
    "correction-without-approval": (
        lambda data: claim0(data)["corrections"][0].update(note="Another note."),
        "claims[0] (id 10): corrections[0]: no approval in the claim's history made this correction",
    ),
    "correction-at-another-date": (
        lambda data: claim0(data)["corrections"][0].update(date=at(7)),
        "claims[0] (id 10): corrections[0]: no approval in the claim's history made this correction",
    ),
    "empty-username": (
        lambda data: data["claims"][1]["history"][1].update(actor=" "),
        "claims[1] (id 11): history[1].actor: expected a username (at most 150 characters), got ' '",
    ),
}


@pytest.mark.parametrize("change, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_naming_the_record_and_nothing_is_written(tmp_path, change, message):
    assert refused(tmp_path, spoil(change)) == message


def test_the_first_bad_record_is_named(tmp_path):
    def two_bad_records(data):
        data["claims"][1]["status"] = "done"
        claim0(data)["history"][3]["action"] = "liked"  # comes first in the file

    assert refused(tmp_path, spoil(two_bad_records)) == (
        "claims[0] (id 10): history[3].action: 'liked' is not a review action"
    )


def test_a_bad_record_after_many_good_ones_is_refused_too(tmp_path):
    data = valid_backup()
    for index in range(2, 300):
        text = f"Claim number {index} is about the river."
        data["documents"].append(
            {
                "id": 100 + index, "title": f"Note {index}", "publisher": "", "url": "", "published_on": None,
                "file_name": "", "content_hash": sha(text), "loaded_at": at(1), "text": text,
            }
        )  # fmt: skip
        claim = copy.deepcopy(data["claims"][1])
        claim.update(id=100 + index, text=text, text_hash=sha(text))
        claim["occurrences"] = [
            {"document": 100 + index, "document_title": "", "document_url": "", "start": 0, "end": len(text),
             "position": 0},
        ]  # fmt: skip
        claim["history"] = [dict(event, id=1000 + 2 * index + n) for n, event in enumerate(claim["history"])]
        data["claims"].append(claim)
    data["claims"][-1]["history"][-1]["claim_version"] = -1
    assert refused(tmp_path, data) == (
        "claims[299] (id 399): history[1].claim_version: -1 is out of range (0 to 2147483647)"
    )


def test_restore_error_is_a_value_error_naming_the_record():
    with pytest.raises(RestoreError, match=r"^claims\[0\] \(id 10\): evidence\[0\]\.stance: 'maybe' is not a stance$"):
        parse_backup(spoil(lambda data: claim0(data)["evidence"][0].update(stance="maybe")))
