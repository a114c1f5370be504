"""Reading a backup back (``workflow.backup``): each bad file is refused naming its first bad record, writing nothing.

The backups here are written by hand, small and complete, so that each test spoils one thing in them: one of
format version 1 (``conftest.valid_backup``), the same in version 2 with documents' versions and history
(``valid_backup_v2`` below) and in version 3 with triage (``valid_backup_v3``); ``test_restore.py`` restores
them whole, and
``tests/commands/test_import_claims.py`` restores real exports of a database built through the workflow.
"""

import copy
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from annotations.models import (
    Claim,
    ClaimOccurrence,
    Correction,
    DocumentEvent,
    DocumentVersion,
    Evidence,
    ReviewEvent,
    SourceDocument,
)
from annotations.workflow.backup import RestoreError, parse_backup

from .conftest import CLAIM, PASSAGE, REPORT, SECOND, SURVEY, at, event, import_file, sha, valid_backup

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def refused(tmp_path, content) -> str:
    """Import ``content``; return the refusal's message after checking that nothing was written."""
    users = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        import_file(tmp_path, content)
    for model in (SourceDocument, DocumentVersion, DocumentEvent, Claim, ClaimOccurrence, Evidence, ReviewEvent,
                  Correction):  # fmt: skip
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
        lambda data: data.update(version=4),
        "file: version: 4 is not supported (this tool reads versions 1, 2 and 3)",
    ),
    "version-not-a-number": (
        lambda data: data.update(version=True),
        "file: version: true is not supported (this tool reads versions 1, 2 and 3)",
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


def test_a_version_1_backup_gives_each_document_its_first_version_and_a_loaded_event():
    backup = parse_backup(valid_backup())
    assert backup.version == 1
    assert [
        (v["document"], v["number"], v["text"], v["content_hash"], v["html"], v["url"]) for v in backup.versions
    ] == [
        (3, 1, REPORT, sha(REPORT), "", "https://example.org/river"),
        (5, 1, SURVEY, sha(SURVEY), "", ""),
    ]
    loaded = datetime.datetime(2025, 3, 1, 9, tzinfo=UTC)
    assert {v["created_at"] for v in backup.versions} == {loaded}
    assert backup.document_events == [
        {"document": pk, "actor": None, "action": "loaded", "version": 1, "details": {}, "created_at": loaded}
        for pk in (3, 5)
    ]
    for document in backup.documents:
        assert {key: document[key] for key in ("author", "language", "origin", "version", "revision")} == {
            "author": "", "language": "", "origin": "file", "version": 1, "revision": 1,
        }  # fmt: skip
        assert document["updated_at"] == document["loaded_at"]
    assert {(o["version"], o["removed_in"]) for o in backup.occurrences} == {(1, None)}
    assert {c["source_changed_at"] for c in backup.claims} == {None}


# --- Format version 2: documents' versions and history ----------------------------------------------

GONE = "The river is 300 kilometres long."
# The report's first version: the first claim, a sentence its second version (REPORT, the text of now) dropped,
# and a longer tail; the second claim came with the second version.
FIRST_REPORT = f"{CLAIM} {GONE} The council will publish its own figures next week."
CHANGED = {"document_id": 3, "document": "River report", "version": 2}


def document_event(pk, action, actor, version, day, details=None):
    return {"id": pk, "action": action, "actor": actor, "version": version, "details": details or {},
            "created_at": at(day)}  # fmt: skip


def occurrence(start, text, position, version, removed_in=None):
    return {
        "document": 3, "document_title": "River report", "document_url": "https://example.org/river",
        "document_publisher": "River Times", "document_author": "Ana Ruiz", "document_published_on": "2025-02-27",
        "start": start, "end": start + len(text), "position": position, "version": version, "removed_in": removed_in,
    }  # fmt: skip


def valid_backup_v2() -> dict:
    """Return the hand-written backup in format version 2: the report changed on day 7, after the last ruling.

    Its second version kept the first claim (ruled: its source changed), dropped claim 12's sentence (kept as an
    occurrence of version 1, ``removed_in`` 2) and brought the second claim; its language was edited on day 8.
    Claim 11 cites a passage of the first version that the shorter second one no longer reaches.
    """
    data = valid_backup()
    data["version"] = 2
    report, survey = data["documents"]
    report.update(
        author="Ana Ruiz", language="en", origin="web", version=2, revision=3, updated_at=at(8),
        versions=[
            {"number": 1, "content_hash": sha(FIRST_REPORT), "url": "https://example.org/river",
             "html": "<p>First</p>", "created_at": at(1), "text": FIRST_REPORT},
            {"number": 2, "content_hash": sha(REPORT), "url": "https://example.org/river?page=1", "html": "",
             "created_at": at(7), "text": None},
        ],
        history=[
            document_event(50, "loaded", None, 1, day=1),
            document_event(51, "versioned", "editor1", 2, day=7,
                           details={"claims_added": [11], "claims_removed": [12], "metadata": {}}),
            document_event(52, "edited", "reviewer1", 2, day=8, details={"language": ["", "en"]}),
        ],
    )  # fmt: skip
    survey.update(
        author="", language="", origin="file", version=1, revision=1, updated_at=at(1),
        versions=[{"number": 1, "content_hash": sha(SURVEY), "url": "", "html": "", "created_at": at(1), "text": None}],
        history=[document_event(53, "loaded", None, 1, day=1)],
    )  # fmt: skip
    first, second = data["claims"]
    first["source_changed_at"] = at(7)
    first["occurrences"] = [occurrence(0, CLAIM, 0, 2)]  # moved to the second version, where it stands the same
    first["history"].append(
        event(45, "source_changed", None, "approved", "approved", ("disputed", "disputed"), 11, 7,
              details={**CHANGED, "sentence": "kept"})
    )  # fmt: skip
    second.update(source_changed_at=None, created_at=at(7), updated_at=at(7))
    second["occurrences"] = [occurrence(len(CLAIM) + 1, SECOND, 1, 2)]
    for item in second["history"]:
        item["created_at"] = at(7)
    tail = FIRST_REPORT.index("The council")
    second["evidence"] = [
        {"id": 22, "stance": "context", "url": "", "document": 3, "start": tail, "end": len(FIRST_REPORT),
         "title": "", "excerpt": FIRST_REPORT[tail:], "added_by": "reviewer1", "added_at": at(7)},
    ]  # fmt: skip
    data["claims"].append(
        {
            "id": 12, "text": GONE, "text_hash": sha(GONE), "status": "pending", "verdict": "", "note": "",
            "version": 1, "assignee": None, "submitted_by": None, "approved_by": None, "approved_at": None,
            "published_at": None, "published_verdict": "", "published_note": "", "speaker": "",
            "has_number": True, "has_quote": False, "created_at": at(1), "updated_at": at(1),
            "source_changed_at": None,
            "occurrences": [occurrence(len(CLAIM) + 1, GONE, 1, 1, removed_in=2)],  # position 1 of version 1
            "evidence": [], "corrections": [],
            "history": [
                event(38, "created", None, "", "pending", details={"document_id": 3, "document": "River report"}),
                event(39, "source_changed", None, "pending", "pending", day=7,
                      details={**CHANGED, "sentence": "removed"}),
            ],
        }
    )  # fmt: skip
    return data


def test_parse_a_version_2_backup_gives_the_versions_history_and_removed_occurrences():
    backup = parse_backup(valid_backup_v2())
    assert backup.version == 2
    assert backup.usernames == {"editor1", "reviewer1", "reviewer2"}
    assert [(v["document"], v["number"], v["text"], v["url"], v["html"]) for v in backup.versions] == [
        (3, 1, FIRST_REPORT, "https://example.org/river", "<p>First</p>"),
        (3, 2, REPORT, "https://example.org/river?page=1", ""),  # the current version's text is the document's
        (5, 1, SURVEY, "", ""),
    ]
    assert [(e["id"], e["document"], e["action"], e["actor"], e["version"]) for e in backup.document_events] == [
        (50, 3, "loaded", None, 1), (51, 3, "versioned", "editor1", 2), (52, 3, "edited", "reviewer1", 2),
        (53, 5, "loaded", None, 1),
    ]  # fmt: skip
    report = backup.documents[0]
    assert {key: report[key] for key in ("author", "language", "origin", "version", "revision", "updated_at")} == {
        "author": "Ana Ruiz", "language": "en", "origin": "web", "version": 2, "revision": 3,
        "updated_at": datetime.datetime(2025, 3, 8, 9, tzinfo=UTC),
    }  # fmt: skip
    assert [(o["claim"], o["version"], o["removed_in"], o["position"]) for o in backup.occurrences] == [
        (10, 2, None, 0), (11, 2, None, 1), (12, 1, 2, 1),
    ]  # fmt: skip
    assert [c["source_changed_at"] for c in backup.claims] == [datetime.datetime(2025, 3, 7, 9, tzinfo=UTC), None, None]
    assert backup.evidence[-1]["end"] == len(FIRST_REPORT) > len(REPORT)  # a passage of the longer first version


def report_of(data):
    return data["documents"][0]


def gone_occurrence(data):
    return data["claims"][2]["occurrences"][0]


def without_first_version(data):
    report_of(data)["versions"].pop(0)
    data["claims"][1]["evidence"] = []  # its passage is the first version's: it would be refused first


GONE_START = len(CLAIM) + 1
BAD_FILES_V2 = {
    "origin": (
        lambda data: report_of(data).update(origin="email"),
        "documents[0] (id 3): origin: 'email' is not a document origin",
    ),
    "version-zero": (
        lambda data: report_of(data).update(version=0),
        "documents[0] (id 3): version: 0 is out of range (1 to 2147483647)",
    ),
    "revision-missing": (lambda data: report_of(data).pop("revision"), "documents[0] (id 3): revision: missing"),
    "author-too-long": (
        lambda data: report_of(data).update(author="x" * 301),
        "documents[0] (id 3): author: is too long (301 characters; at most 300)",
    ),
    "language-not-text": (
        lambda data: report_of(data).update(language=5),
        "documents[0] (id 3): language: expected text, got 5",
    ),
    "updated-at-naive": (
        lambda data: report_of(data).update(updated_at="2025-03-08T09:00:00"),
        "documents[0] (id 3): updated_at: expected a date-time with its time zone (ISO 8601), "
        "got '2025-03-08T09:00:00'",
    ),
    "versions-missing": (lambda data: report_of(data).pop("versions"), "documents[0] (id 3): versions: missing"),
    "current-version-missing": (
        lambda data: report_of(data)["versions"].pop(),
        "documents[0] (id 3): versions: version 2, the current one, is missing",
    ),
    "version-number-zero": (
        lambda data: report_of(data)["versions"][0].update(number=0),
        "documents[0] (id 3): versions[0].number: 0 is out of range (1 to 2147483647)",
    ),
    "version-after-current": (
        lambda data: report_of(data)["versions"][0].update(number=3),
        "documents[0] (id 3): versions[0].number: 3 is after the document's current version 2",
    ),
    "version-twice": (
        lambda data: report_of(data)["versions"][1].update(number=1),
        "documents[0] (id 3): versions[1].number: version 1 is used twice (first by documents[0] (id 3) versions[0])",
    ),
    "version-hash": (
        lambda data: report_of(data)["versions"][0].update(content_hash=sha("another text")),
        "documents[0] (id 3): versions[0].content_hash: is not the SHA-256 of the version's text",
    ),
    "current-version-hash": (
        lambda data: report_of(data)["versions"][1].update(content_hash=sha(FIRST_REPORT)),
        "documents[0] (id 3): versions[1].content_hash: is not the SHA-256 of the version's text",
    ),
    "current-version-text": (
        lambda data: report_of(data)["versions"][1].update(text=REPORT),
        "documents[0] (id 3): versions[1].text: expected null: the current version's text is the document's own",
    ),
    "older-version-without-text": (
        lambda data: report_of(data)["versions"][0].update(text=None),
        "documents[0] (id 3): versions[0].text: expected a value, got null",
    ),
    "version-url-too-long": (
        lambda data: report_of(data)["versions"][0].update(url="https://example.org/" + "a" * 2000),
        "documents[0] (id 3): versions[0].url: is too long (2020 characters; at most 2000)",
    ),
    "version-date": (
        lambda data: report_of(data)["versions"][1].update(created_at=None),
        "documents[0] (id 3): versions[1].created_at: expected a value, got null",
    ),
    "history-missing": (lambda data: report_of(data).pop("history"), "documents[0] (id 3): history: missing"),
    "document-action": (
        lambda data: report_of(data)["history"][1].update(action="deleted"),
        "documents[0] (id 3): history[1].action: 'deleted' is not a document action",
    ),
    "document-event-after-current": (
        lambda data: report_of(data)["history"][2].update(version=3),
        "documents[0] (id 3): history[2].version: 3 is after the document's current version 2",
    ),
    "document-event-id-twice": (
        lambda data: data["documents"][1]["history"][0].update(id=50),
        "documents[1] (id 5): history[0].id: id 50 is used twice (first by documents[0] (id 3) history[0])",
    ),
    "document-event-actor": (
        lambda data: report_of(data)["history"][1].update(actor=""),
        "documents[0] (id 3): history[1].actor: expected a username (at most 150 characters), got ''",
    ),
    "document-event-details": (
        lambda data: report_of(data)["history"][1].update(details="changed"),
        "documents[0] (id 3): history[1].details: expected an object, got 'changed'",
    ),
    "source-changed-at": (
        lambda data: claim0(data).update(source_changed_at="yesterday"),
        "claims[0] (id 10): source_changed_at: expected a date-time with its time zone (ISO 8601), got 'yesterday'",
    ),
    "source-changed-at-missing": (
        lambda data: claim0(data).pop("source_changed_at"),
        "claims[0] (id 10): source_changed_at: missing",
    ),
    "occurrence-version-missing": (
        lambda data: gone_occurrence(data).pop("version"),
        "claims[2] (id 12): occurrences[0].version: missing",
    ),
    "occurrence-version-after-current": (
        lambda data: gone_occurrence(data).update(version=3),
        "claims[2] (id 12): occurrences[0].version: 3 is after document 3's current version 2",
    ),
    "occurrence-version-not-in-the-file": (
        without_first_version,
        "claims[2] (id 12): occurrences[0].version: version 1 of document 3 is not in the file",
    ),
    "removed-in-not-after-version": (
        lambda data: gone_occurrence(data).update(removed_in=1),
        "claims[2] (id 12): occurrences[0].removed_in: 1 is not after its version 1",
    ),
    "removed-in-after-current": (
        lambda data: gone_occurrence(data).update(removed_in=3),
        "claims[2] (id 12): occurrences[0].removed_in: 3 is after document 3's current version 2",
    ),
    "removed-in-not-a-number": (
        lambda data: gone_occurrence(data).update(removed_in="2"),
        "claims[2] (id 12): occurrences[0].removed_in: expected a whole number, got '2'",
    ),
    "occurrence-in-the-wrong-version": (
        lambda data: gone_occurrence(data).update(version=2, removed_in=None),
        f"claims[2] (id 12): occurrences[0].end: {GONE_START}-{GONE_START + len(GONE)} of version 2 of document 3 "
        f"reads {REPORT[GONE_START : GONE_START + len(GONE)]!r}, not the claim's text",
    ),
    "occurrence-outside-its-version": (
        lambda data: claim0(data)["occurrences"][0].update(start=len(REPORT) - 5, end=len(REPORT) + 5),
        f"claims[0] (id 10): occurrences[0].end: {len(REPORT) - 5}-{len(REPORT) + 5} is not a passage of version 2 "
        f"of document 3 (its text is {len(REPORT)} characters)",
    ),
    "same-position-in-the-same-version": (
        lambda data: data["claims"][1]["occurrences"][0].update(position=0),
        "claims[1] (id 11): occurrences[0].position: position 0 in version 2 of document 3 is used twice "
        "(first by claims[0] (id 10) occurrences[0])",
    ),
    "evidence-outside-every-version": (
        lambda data: data["claims"][1]["evidence"][0].update(end=len(FIRST_REPORT) + 1),
        f"claims[1] (id 11): evidence[0].end: {FIRST_REPORT.index('The council')}-{len(FIRST_REPORT) + 1} is not a "
        f"passage of document 3 (its longest version is {len(FIRST_REPORT)} characters)",
    ),
}


def spoil_v2(change):
    data = valid_backup_v2()
    change(data)
    return data


@pytest.mark.parametrize("change, message", BAD_FILES_V2.values(), ids=BAD_FILES_V2.keys())
def test_a_bad_version_2_file_is_refused_naming_the_record_and_nothing_is_written(tmp_path, change, message):
    assert refused(tmp_path, spoil_v2(change)) == message


def test_a_version_1_record_needs_none_of_the_fields_version_2_added():
    data = valid_backup()
    assert "versions" not in data["documents"][0] and "version" not in claim0(data)["occurrences"][0]
    parse_backup(data)  # no refusal
    data["version"] = 2
    with pytest.raises(RestoreError, match=r"^documents\[0\] \(id 3\): author: missing$"):
        parse_backup(data)


# --- Format version 3: triage -------------------------------------------------------------------------

WORDING = "The river carries 300 tonnes of plastic a year, officials said in 2024."
FEATURES = [["states a number", 0.4, "300 tonnes"], ["a change", 0.5, ""]]


def valid_backup_v3() -> dict:
    """Return the hand-written backup in format version 3: version 2's, triaged.

    The first claim was worded before its correction (the correction carries the wording); claim 12, whose
    sentence the report's second version dropped, was merged into the second claim, which took its occurrence.
    """
    data = valid_backup_v2()
    data["version"] = 3
    data["filters"]["include_closed"] = True
    data["filters_described"] = "all claims, those closed in triage too"
    for claim in data["claims"]:
        claim.update(
            wording="", published_wording="", checkworthiness=0.25, checkworthiness_features=[], dismissal_reason="",
            dismissal_note="", merged_into=None, split_from=None,
        )  # fmt: skip
        for correction in claim["corrections"]:
            correction.update(old_wording="", new_wording="")
    first, second, merged = data["claims"]
    features = copy.deepcopy(FEATURES)
    first.update(wording=WORDING, published_wording=WORDING, checkworthiness=0.9, checkworthiness_features=features)
    first["corrections"][0]["new_wording"] = WORDING
    second["occurrences"].insert(0, merged.pop("occurrences")[0])  # by document, position, then version
    second["history"].append(
        event(46, "merged_from", "editor1", "pending", "pending", version=2, day=8, details={"claims": [12]})
    )
    second["version"] = 2
    merged.update(status="merged", merged_into=11, version=3, occurrences=[])
    merged["history"].append(
        event(47, "merged_into", "editor1", "pending", "merged", version=3, day=8, details={"merged_into": 11})
    )
    return data


def test_parse_a_version_3_backup_gives_each_claims_triage():
    backup = parse_backup(valid_backup_v3())
    assert (backup.version, backup.filtered, backup.closed_left_out) == (3, False, False)
    keys = (
        "id", "status", "wording", "published_wording", "checkworthiness", "checkworthiness_features",
        "dismissal_reason", "dismissal_note", "merged_into", "split_from",
    )  # fmt: skip
    assert [tuple(claim[key] for key in keys) for claim in backup.claims] == [
        (10, "approved", WORDING, WORDING, 0.9, FEATURES, "", "", None, None),
        (11, "pending", "", "", 0.25, [], "", "", None, None),
        (12, "merged", "", "", 0.25, [], "", "", 11, None),
    ]
    assert [(c["old_wording"], c["new_wording"]) for c in backup.corrections] == [("", WORDING)]
    # The second claim took the merged claim's occurrence: it reads the merged claim's text.
    assert [(o["claim"], o["version"], o["removed_in"], o["start"]) for o in backup.occurrences] == [
        (10, 2, None, 0), (11, 1, 2, len(CLAIM) + 1), (11, 2, None, len(CLAIM) + 1),
    ]  # fmt: skip


def test_older_versions_give_claims_without_triage_and_leave_the_score_to_compute():
    for data in (valid_backup(), valid_backup_v2()):
        backup = parse_backup(data)
        for claim in backup.claims:
            assert (claim["wording"], claim["published_wording"], claim["dismissal_reason"]) == ("", "", "")
            assert (claim["dismissal_note"], claim["merged_into"], claim["split_from"]) == ("", None, None)
            assert "checkworthiness" not in claim and "checkworthiness_features" not in claim
        assert [(c["old_wording"], c["new_wording"]) for c in backup.corrections] == [("", "")]


def test_a_version_3_export_that_left_out_the_closed_claims_is_filtered():
    data = valid_backup_v3()
    del data["claims"][2]  # the merged claim, as an export without --include-closed leaves it out
    data["claims"][1]["occurrences"].pop(0)  # and with it the sentence it brought
    data["filters"]["include_closed"] = False
    backup = parse_backup(data)
    assert (backup.filtered, backup.closed_left_out) == (True, True)
    data["filters"]["status"] = ["approved", "pending"]  # a status filter says which claims are in
    assert (parse_backup(data).filtered, parse_backup(data).closed_left_out) == (True, False)


def spoil_v3(change):
    data = valid_backup_v3()
    change(data)
    return data


def merged_claim(data):
    return data["claims"][2]


def relinked(**changes):
    """Return a change giving the merged claim ``changes``, its sentence given back, so that only they are wrong."""

    def change(data):
        merged_claim(data)["occurrences"] = [data["claims"][1]["occurrences"].pop(0)]
        merged_claim(data).update(changes)

    return change


def left_out_closed(data):
    del data["claims"][2]
    data["filters"]["include_closed"] = False


BAD_FILES_V3 = {
    "score-missing": (lambda data: claim0(data).pop("checkworthiness"), "claims[0] (id 10): checkworthiness: missing"),
    "score-null": (
        lambda data: claim0(data).update(checkworthiness=None),
        "claims[0] (id 10): checkworthiness: expected a value, got null",
    ),
    "score-above-one": (
        lambda data: claim0(data).update(checkworthiness=1.5),
        "claims[0] (id 10): checkworthiness: expected a score from 0 to 1, got 1.5",
    ),
    "score-not-a-number": (
        lambda data: claim0(data).update(checkworthiness=True),
        "claims[0] (id 10): checkworthiness: expected a score from 0 to 1, got true",
    ),
    "features-missing": (
        lambda data: claim0(data).pop("checkworthiness_features"),
        "claims[0] (id 10): checkworthiness_features: missing",
    ),
    "features-not-a-list": (
        lambda data: claim0(data).update(checkworthiness_features={"number": 0.4}),
        "claims[0] (id 10): checkworthiness_features: expected a list, got an object",
    ),
    "feature-malformed": (
        lambda data: claim0(data)["checkworthiness_features"].append(["quotes someone", "0.3"]),
        "claims[0] (id 10): checkworthiness_features[2]: expected [name, weight, words found], got a list",
    ),
    "wording-missing": (lambda data: claim0(data).pop("wording"), "claims[0] (id 10): wording: missing"),
    "unknown-reason": (
        lambda data: claim0(data).update(dismissal_reason="boring"),
        "claims[0] (id 10): dismissal_reason: 'boring' is not a dismissal reason",
    ),
    "dismissed-without-reason": (
        lambda data: data["claims"][1].update(status="dismissed"),
        "claims[1] (id 11): dismissal_reason: a dismissed claim needs one",
    ),
    "merged-without-link": (
        relinked(merged_into=None),
        "claims[2] (id 12): merged_into: a merged claim needs one",
    ),
    "link-on-an-open-claim": (
        lambda data: data["claims"][1].update(merged_into=10),
        "claims[1] (id 11): merged_into: a claim that is pending has none",
    ),
    "merged-into-itself": (
        relinked(merged_into=12),
        "claims[2] (id 12): merged_into: is the claim itself",
    ),
    "merged-into-a-claim-not-in-the-file": (
        relinked(merged_into=99),
        "claims[2] (id 12): merged_into: claim 99 is not among the file's claims",
    ),
    "split-from-a-claim-not-in-the-file": (
        lambda data: data["claims"][1].update(split_from=98),
        "claims[1] (id 11): split_from: claim 98 is not among the file's claims",
    ),
    "occurrence-of-another-claims-text": (
        lambda data: merged_claim(data).update(merged_into=10),  # the second claim no longer took its sentence
        f"claims[1] (id 11): occurrences[0].end: {len(CLAIM) + 1}-{len(CLAIM) + 1 + len(GONE)} of version 1 of "
        f"document 3 reads {GONE!r}, not the claim's text",
    ),
    "closed-claims-left-out": (
        left_out_closed,
        f"claims[1] (id 11): occurrences[0].end: {len(CLAIM) + 1}-{len(CLAIM) + 1 + len(GONE)} of version 1 of "
        f"document 3 reads {GONE!r}, not the claim's text (the export left out the claims closed in triage: "
        "export again with --include-closed)",
    ),
    "correction-wording-missing": (
        lambda data: claim0(data)["corrections"][0].pop("new_wording"),
        "claims[0] (id 10): corrections[0].new_wording: missing",
    ),
}


@pytest.mark.parametrize("change, message", BAD_FILES_V3.values(), ids=BAD_FILES_V3.keys())
def test_a_bad_version_3_file_is_refused_naming_the_record_and_nothing_is_written(tmp_path, change, message):
    assert refused(tmp_path, spoil_v3(change)) == message
