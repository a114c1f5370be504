"""Reading a backup back: each kind of bad file is refused naming its first bad record, writing nothing.

The backup here is written by hand, small and complete, so that each test spoils one thing in it;
``tests/commands/test_import_claims.py`` restores real exports of a database built through the workflow.
"""

import copy
import datetime
import hashlib

import orjson
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotations.exports.restore import RestoreError, parse_backup
from annotations.models import Claim, ClaimOccurrence, Correction, Evidence, ReviewEvent, SourceDocument

pytestmark = pytest.mark.django_db

UTC = datetime.timezone.utc
CLAIM = "The river carries 300 tonnes of plastic to the sea every year."
SECOND = "Officials say the figure has doubled since 2010."
REPORT = f"{CLAIM} {SECOND}"
SURVEY = "A 2023 survey measured 120 tonnes of plastic at the river mouth."
CORRECTION = "The survey measured 120 tonnes, not 300."
PASSAGE = SURVEY.index("120 tonnes")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def at(day: int, hour: int = 9) -> str:
    return f"2025-03-{day:02d}T{hour:02d}:00:00.000000Z"


def event(pk, action, actor, before, after, verdicts=("", ""), version=1, day=1, comment="", details=None):
    return {
        "id": pk, "action": action, "actor": actor, "status_before": before, "status_after": after,
        "verdict_before": verdicts[0], "verdict_after": verdicts[1], "comment": comment,
        "details": details or {}, "claim_version": version, "created_at": at(day),
    }  # fmt: skip


def valid_backup() -> dict:
    """Return a whole backup: two documents, a corrected claim with both kinds of evidence, a pending one."""
    v, d = ("verified", "verified"), ("disputed", "disputed")
    return {
        "format": "factcheck-export",
        "version": 1,
        "exported_at": at(9),
        "filters": {"status": [], "verdict": [], "document": [], "since": None, "claims": []},
        "filters_described": "all claims",
        "history": True,
        "documents": [
            {
                "id": 3, "title": "River report", "publisher": "River Times", "url": "https://example.org/river",
                "published_on": "2025-02-27", "file_name": "report.txt", "content_hash": sha(REPORT),
                "loaded_at": at(1), "text": REPORT,
            },
            {
                "id": 5, "title": "Plastic survey", "publisher": "", "url": "", "published_on": None, "file_name": "",
                "content_hash": sha(SURVEY), "loaded_at": at(1), "text": SURVEY,
            },
        ],  # fmt: skip
        "claims": [
            {
                "id": 10, "text": CLAIM, "text_hash": sha(CLAIM), "status": "approved", "verdict": "disputed",
                "note": "The survey says 120.", "version": 9, "assignee": "editor1", "submitted_by": "editor1",
                "approved_by": "reviewer2", "approved_at": at(6), "published_at": at(3),
                "published_verdict": "disputed", "published_note": "The survey says 120.",
                "created_at": at(1), "updated_at": at(6),
                "occurrences": [
                    {"document": 3, "document_title": "River report", "document_url": "https://example.org/river",
                     "start": 0, "end": len(CLAIM), "position": 0},
                ],
                "evidence": [
                    {"id": 20, "stance": "supports", "url": "https://example.org/survey", "document": None,
                     "start": None, "end": None, "title": "Survey page", "excerpt": "", "added_by": "editor1",
                     "added_at": at(2)},
                    {"id": 21, "stance": "refutes", "url": "", "document": 5, "start": PASSAGE, "end": PASSAGE + 10,
                     "title": "", "excerpt": "120 tonnes", "added_by": "editor1", "added_at": at(5)},
                ],
                "corrections": [
                    {"date": at(6), "old_verdict": "verified", "new_verdict": "disputed",
                     "old_note": "Matches.", "new_note": "The survey says 120.", "note": CORRECTION,
                     "approved_by": "reviewer2"},
                ],
                "history": [
                    event(30, "created", None, "", "pending", details={"document_id": 3, "document": "River report"}),
                    event(31, "assigned", "editor1", "pending", "in_progress", version=2, day=2,
                          details={"assignee_before": None, "assignee_after": "editor1"}),
                    event(32, "verdict_set", "editor1", "in_progress", "in_progress", ("", "verified"), 3, 2,
                          details={"note_before": "", "note_after": "Matches."}),
                    event(33, "evidence_added", "editor1", "in_progress", "in_progress", v, 4, 2,
                          details={"evidence_id": 20}),
                    event(34, "submitted", "editor1", "in_progress", "in_review", v, 5, 2),
                    event(35, "approved", "reviewer1", "in_review", "approved", v, 6, 3, comment="Fine."),
                    event(40, "reopened", "reviewer1", "approved", "in_progress", v, 7, 4, comment="New survey."),
                    event(41, "evidence_added", "editor1", "in_progress", "in_progress", v, 8, 5,
                          details={"evidence_id": 21}),
                    event(42, "verdict_set", "editor1", "in_progress", "in_progress", ("verified", "disputed"), 9, 5),
                    event(43, "submitted", "editor1", "in_progress", "in_review", d, 10, 5),
                    event(44, "approved", "reviewer2", "in_review", "approved", d, 11, 6,
                          details={"correction": CORRECTION}),
                ],
            },
            {
                "id": 11, "text": SECOND, "text_hash": sha(SECOND), "status": "pending", "verdict": "", "note": "",
                "version": 1, "assignee": None, "submitted_by": None, "approved_by": None, "approved_at": None,
                "published_at": None, "published_verdict": "", "published_note": "", "created_at": at(1),
                "updated_at": at(1),
                "occurrences": [
                    {"document": 3, "document_title": "River report", "document_url": "https://example.org/river",
                     "start": len(CLAIM) + 1, "end": len(REPORT), "position": 1},
                ],
                "evidence": [],
                "corrections": [],
                "history": [
                    event(36, "created", None, "", "pending", details={"document_id": 3, "document": "River report"}),
                    event(37, "commented", "reviewer1", "pending", "pending", comment="Which baseline?"),
                ],
            },
        ],  # fmt: skip
    }


def import_file(tmp_path, content) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(content if isinstance(content, bytes) else orjson.dumps(content))
    call_command("import_claims", str(path), verbosity=0)


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


def test_the_hand_written_backup_restores(tmp_path):
    import_file(tmp_path, valid_backup())

    claim = Claim.objects.get(pk=10)
    assert (claim.status, claim.verdict, claim.version, claim.approved_by.username) == ("approved", "disputed", 9, "reviewer2")
    assert claim.approved_at == datetime.datetime(2025, 3, 6, 9, tzinfo=UTC)
    assert list(claim.evidence.values_list("id", "stance", "document_id")) == [(20, "supports", None), (21, "refutes", 5)]
    assert list(ReviewEvent.objects.filter(claim=claim).values_list("id", flat=True)) == [30, 31, 32, 33, 34, 35, 40, 41, 42, 43, 44]
    [correction] = Correction.objects.all()
    assert (correction.event_id, correction.claim_id, correction.note) == (44, 10, CORRECTION)
    assert SourceDocument.objects.get(pk=3).published_on == datetime.date(2025, 2, 27)
    assert list(ClaimOccurrence.objects.values_list("claim_id", "document_id", "position")) == [(10, 3, 0), (11, 3, 1)]
    users = get_user_model().objects.filter(username__in=["editor1", "reviewer1", "reviewer2"])
    assert users.count() == 3 and not any(user.is_active or user.has_usable_password() for user in users)


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


def test_signals_in_the_backup_are_restored_and_older_backups_get_them_computed(tmp_path):
    from annotations.ingest.signals import claim_signals

    data = valid_backup()
    data["claims"][0].update(speaker="the river authority", has_number=False, has_quote=True)  # as the file says
    import_file(tmp_path, data)
    kept = Claim.objects.get(pk=10)
    assert (kept.speaker, kept.has_number, kept.has_quote) == ("the river authority", False, True)
    computed, expected = Claim.objects.get(pk=11), claim_signals(SECOND)  # this record has none
    assert (computed.speaker, computed.has_number, computed.has_quote) == (
        expected.speaker, expected.has_number, expected.has_quote
    )
    assert computed.has_number  # "since 2010"


def spoil(change):
    data = valid_backup()
    change(data)
    return data


def claim0(data):
    return data["claims"][0]


BAD_FILES = {
    "empty-object": (lambda data: data.clear(), "file: format: null is not 'factcheck-export': this is not an export of claims"),
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
    "boolean-id": (lambda data: claim0(data)["evidence"][0].update(id=True), "claims[0] (id 10): evidence[0].id: expected a whole number, got true"),
    "null-text": (lambda data: claim0(data).update(note=None), "claims[0] (id 10): note: expected a value, got null"),
    "signal-not-a-flag": (
        lambda data: claim0(data).update(speaker="Officials", has_number="yes", has_quote=False),
        "claims[0] (id 10): has_number: expected true or false, got 'yes'",
    ),
    "signal-missing": (
        lambda data: claim0(data).update(speaker="Officials", has_number=True),
        "claims[0] (id 10): has_quote: missing",
    ),
    "unknown-status": (lambda data: claim0(data).update(status="done"), "claims[0] (id 10): status: 'done' is not a status"),
    "unknown-verdict": (
        lambda data: claim0(data).update(verdict="true"), "claims[0] (id 10): verdict: 'true' is not a verdict"
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
        claim["occurrences"] = [{"document": 100 + index, "document_title": "", "document_url": "", "start": 0, "end": len(text), "position": 0}]
        claim["history"] = [dict(event, id=1000 + 2 * index + n) for n, event in enumerate(claim["history"])]
        data["claims"].append(claim)
    data["claims"][-1]["history"][-1]["claim_version"] = -1
    assert refused(tmp_path, data) == "claims[299] (id 399): history[1].claim_version: -1 is out of range (0 to 2147483647)"


def test_restore_error_is_a_value_error_naming_the_record():
    with pytest.raises(RestoreError, match=r"^claims\[0\] \(id 10\): evidence\[0\]\.stance: 'maybe' is not a stance$"):
        parse_backup(spoil(lambda data: claim0(data)["evidence"][0].update(stance="maybe")))
