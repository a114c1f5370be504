import datetime
import io

import orjson
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from annotations import bulk, workflow
from annotations.exports import ExportFilters
from annotations.exports.json_format import stream_json
from annotations.ingest.documents import DocumentInput
from annotations.ingest.sentence import Sentence
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
from annotations.tests.conftest import CLAIM_TEXT, SECOND_CLAIM_TEXT, SURVEY_CLAIM_TEXT, SURVEY_TEXT, triggers_off

pytestmark = pytest.mark.django_db

TABLES = (
    Correction, ReviewEvent, Evidence, ClaimOccurrence, DocumentEvent, DocumentVersion, Claim, SourceDocument,
)  # referrers first  # fmt: skip

FOLLOW_UP_TEXT = f"Residents repeat it: {CLAIM_TEXT} The mayor’s office  disputes the figure."
MAYOR_CLAIM_TEXT = "The mayor's office disputes the figure."  # straight quote, single space
# A web article that changed after the first claim was ruled: the cost went, a delay came, and it got shorter.
DAM_COST_TEXT = "The new dam will cost 2 billion dollars."
DAM_DELAY_TEXT = "Construction was delayed by two years."
DAM_TAIL = "The council will publish its own figures next week."
DAM_FIRST_TEXT = f"{CLAIM_TEXT} {DAM_COST_TEXT} {DAM_TAIL}"
DAM_TEXT_NOW = f"{DAM_DELAY_TEXT} {CLAIM_TEXT}"


def empty_claim_tables():
    """Empty the claim tables and restart their ids, as in a new database (the history too: test only).

    Raw SQL with triggers off, because the history refuses deletes; DELETE, not TRUNCATE, which
    PostgreSQL refuses inside the test's transaction once deferred foreign-key checks are pending.
    """
    quote = connection.ops.quote_name
    with triggers_off(), connection.cursor() as cursor:
        for model in TABLES:
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {quote(table)}")
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [table])
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])


def export_backup() -> bytes:
    """Return a whole backup: every claim, those closed in triage too, with the history."""
    return b"".join(stream_json(ExportFilters(include_closed=True), history=True))


def snapshot() -> dict:
    """Return everything a backup holds, read from the database (users by username, ids kept where it keeps them).

    The backup carries no ids for versions, occurrences and corrections, which nothing refers to: those are
    compared by what identifies them (document and number; claim, document, version and position; the event).
    """
    return {
        "documents": list(SourceDocument.objects.order_by("id").values()),
        "versions": list(
            DocumentVersion.objects.order_by("document_id", "number").values(
                "document_id", "number", "text", "content_hash", "html", "url", "created_at"
            )
        ),
        "document_history": list(
            DocumentEvent.objects.order_by("document_id", "id").values(
                "id", "document_id", "actor__username", "action", "version", "details", "created_at"
            )
        ),
        "claims": list(
            Claim.objects.order_by("id").values(
                "id",
                "text",
                "text_hash",
                "search_text",
                "status",
                "verdict",
                "note",
                "version",
                "assignee__username",
                "submitted_by__username",
                "approved_by__username",
                "approved_at",
                "published_at",
                "published_verdict",
                "published_note",
                "speaker",
                "has_number",
                "has_quote",
                "created_at",
                "updated_at",
                "source_changed_at",
                "wording",
                "published_wording",
                "checkworthiness",
                "checkworthiness_features",
                "dismissal_reason",
                "dismissal_note",
                "merged_into_id",
                "split_from_id",
            )
        ),
        "occurrences": list(
            ClaimOccurrence.objects.order_by("claim_id", "document_id", "version", "position").values(
                "claim_id", "document_id", "start", "end", "position", "version", "removed_in"
            )
        ),
        "evidence": list(
            Evidence.objects.order_by("id").values(
                "id",
                "claim_id",
                "url",
                "document_id",
                "start",
                "end",
                "title",
                "excerpt",
                "stance",
                "added_by__username",
                "added_at",
            )
        ),
        "corrections": list(
            Correction.objects.order_by("claim_id", "id").values(
                "claim_id",
                "event_id",
                "old_verdict",
                "new_verdict",
                "old_note",
                "new_note",
                "old_wording",
                "new_wording",
                "note",
                "approved_by__username",
                "created_at",
            )
        ),
        "history": list(
            ReviewEvent.objects.order_by("claim_id", "id").values(
                "id",
                "claim_id",
                "action",
                "actor__username",
                "status_before",
                "status_after",
                "verdict_before",
                "verdict_after",
                "comment",
                "details",
                "claim_version",
                "created_at",
                "hash",  # the same chain
            )
        ),
    }


def nothing_written(users_before: int) -> bool:
    return not any(model.objects.exists() for model in TABLES) and get_user_model().objects.count() == users_before


def text_input(text, title, sentences, **metadata) -> DocumentInput:
    spans = [Sentence(start=(at := text.index(s)), end=at + len(s), text=s) for s in sentences]
    return DocumentInput(text=text, title=title, sentences=spans, **metadata)


@pytest.fixture
def varied(documents, load_document, advance, editor, editor2, reviewer, reviewer2):
    """Build claims in every kind of state and a document in two versions through the workflow; return the survey."""
    follow_up = DocumentInput(
        text=FOLLOW_UP_TEXT,
        title="Follow-up",
        sentences=[
            Sentence(start=(at := FOLLOW_UP_TEXT.index(CLAIM_TEXT)), end=at + len(CLAIM_TEXT), text=CLAIM_TEXT),
            Sentence(start=(at := FOLLOW_UP_TEXT.index("The mayor")), end=len(FOLLOW_UP_TEXT), text=MAYOR_CLAIM_TEXT),
        ],
    )
    workflow.document_load(document=follow_up, actor=editor)  # a loader event with an actor
    survey = documents.survey

    # Approved, with evidence of both kinds, then corrected: reopened, re-ruled, re-approved.
    corrected = advance(Claim.objects.get(text=CLAIM_TEXT), "approved")
    passage = SURVEY_TEXT.index("120 tonnes")
    workflow.claim_reopen(claim_id=corrected.pk, actor=reviewer, reason="The survey contradicts it.")
    workflow.evidence_add(
        claim_id=corrected.pk, actor=editor, stance="refutes", document=survey.pk,
        start=passage, end=passage + len("120 tonnes"), title="The survey's figure",
    )  # fmt: skip
    workflow.claim_set_verdict(claim_id=corrected.pk, actor=editor, verdict="disputed", note="The survey says 120.")
    workflow.claim_submit(claim_id=corrected.pk, actor=editor)
    workflow.claim_approve(
        claim_id=corrected.pk, actor=reviewer2, comment="Agreed.", correction="The survey measured 120 tonnes."
    )
    workflow.claim_comment(claim_id=corrected.pk, actor=editor2, comment="Worth a follow-up piece.")

    # Returned, after one evidence item was removed.
    returned = Claim.objects.get(text=SECOND_CLAIM_TEXT)
    workflow.claim_assign(claim_id=returned.pk, actor=editor2)
    removed = workflow.evidence_add(
        claim_id=returned.pk, actor=editor2, stance="context", url="https://example.org/wrong", title="Wrong page"
    )
    workflow.evidence_remove(claim_id=returned.pk, evidence_id=removed.pk, actor=editor2)
    workflow.evidence_add(claim_id=returned.pk, actor=editor2, stance="supports", url="https://example.org/2010")
    workflow.claim_set_verdict(claim_id=returned.pk, actor=editor2, verdict="verified")
    workflow.claim_submit(claim_id=returned.pk, actor=editor2)
    workflow.claim_return(claim_id=returned.pk, actor=reviewer, comment="Which year is the baseline?")

    # In progress with an unverified verdict; pending with a comment.
    mayor = Claim.objects.get(text=MAYOR_CLAIM_TEXT)
    workflow.claim_assign(claim_id=mayor.pk, actor=editor, assignee=editor2)
    workflow.claim_set_verdict(claim_id=mayor.pk, actor=editor2, verdict="unverified", note="No reply yet.")
    pending = Claim.objects.get(text=SURVEY_CLAIM_TEXT)
    workflow.claim_comment(claim_id=pending.pk, actor=reviewer, comment="Check the survey's method.")

    # A web article with all its metadata, changed after the corrected claim in it was ruled: its second
    # version keeps that claim (its source changed), drops the cost (kept, removed in version 2), brings a
    # delay and is shorter than the passage of its first version cited as evidence. Then its author is edited.
    dam = workflow.document_load(
        document=text_input(
            DAM_FIRST_TEXT, "Dam plans revised", [CLAIM_TEXT, DAM_COST_TEXT], url="https://example.org/dam",
            publisher="Valley Herald", author="Jo Reyes", language="en", origin="web",
            published_on=datetime.date(2025, 2, 20), html="<p>The dam</p>", fetched_from="https://example.org/dam?a=1",
        ),
        actor=editor,
    ).document  # fmt: skip
    tail = DAM_FIRST_TEXT.index(DAM_TAIL)
    workflow.evidence_add(
        claim_id=mayor.pk, actor=editor2, stance="context", document=dam.pk, start=tail, end=len(DAM_FIRST_TEXT)
    )
    workflow.document_new_version(
        document_id=dam.pk, new=text_input(DAM_TEXT_NOW, "", [DAM_DELAY_TEXT, CLAIM_TEXT]), actor=editor
    )
    workflow.document_edit(document_id=dam.pk, actor=editor2, author="Jo Reyes and Sam Lee")
    return survey


@pytest.fixture
def backup_file(varied, tmp_path):
    """Return the path of a full backup of the varied database, and its snapshot; then empty the tables."""
    path = tmp_path / "backup.json"
    path.write_bytes(export_backup())
    before = snapshot()
    empty_claim_tables()
    return path, before


def test_the_varied_database_is_what_the_round_trip_covers(varied):
    data = snapshot()
    assert {c["status"] for c in data["claims"]} == {"approved", "returned", "in_progress", "pending"}
    assert {e["stance"] for e in data["evidence"]} == {"supports", "refutes", "context"}
    assert any(e["document_id"] for e in data["evidence"]) and any(e["url"] for e in data["evidence"])
    assert len(data["corrections"]) == 1
    actions = {e["action"] for e in data["history"]}
    assert {"created", "evidence_removed", "returned", "reopened", "commented", "approved"} <= actions
    assert any(e["action"] == "created" and e["actor__username"] for e in data["history"])
    assert any(e["action"] == "created" and not e["actor__username"] for e in data["history"])
    # The article that changed: its versions, its history, an occurrence kept from its first version, a flagged claim.
    assert [(v["number"], len(v["text"])) for v in data["versions"] if v["html"]] == [(1, len(DAM_FIRST_TEXT))]
    assert len(data["versions"]) == len(data["documents"]) + 1
    assert {e["action"] for e in data["document_history"]} == {"loaded", "versioned", "edited"}
    assert [o["removed_in"] for o in data["occurrences"] if o["removed_in"]] == [2]
    assert [c["text"] for c in data["claims"] if c["source_changed_at"]] == [CLAIM_TEXT]
    assert any(e["end"] == len(DAM_FIRST_TEXT) > len(DAM_TEXT_NOW) for e in data["evidence"] if e["document_id"])


def test_restores_documents_claims_evidence_corrections_and_history_as_they_were(backup_file, capsys):
    path, before = backup_file
    assert snapshot() != before  # emptied

    call_command("import_claims", str(path))

    after = snapshot()
    for table in before:
        assert len(after[table]) == len(before[table]), table
        for restored, original in zip(after[table], before[table], strict=True):
            assert restored == original, table
    out = capsys.readouterr().out
    assert "Restored 4 documents and 6 claims" in out
    assert "5 document versions, 6 document events," in out
    assert "1 correction" in out
    assert "Every user named in the file already existed." in out
    assert "format version" not in out and "filtered" not in out and "left out" not in out


def test_a_second_export_equals_the_first_but_for_its_date(backup_file):
    path, _ = backup_file
    call_command("import_claims", str(path), verbosity=0)
    first, second = orjson.loads(path.read_bytes()), orjson.loads(export_backup())
    assert first.pop("exported_at") and second.pop("exported_at")
    assert second == first


def as_format_version_2(data: dict) -> dict:
    """Return a backup as format version 2 wrote it: without what version 3 added (triage)."""
    data["version"] = 2
    del data["filters"]["include_closed"]
    for claim in data["claims"]:
        for key in TRIAGE_KEYS:
            del claim[key]
        for correction in claim["corrections"]:
            del correction["old_wording"], correction["new_wording"]
    return data


def as_format_version_1(data: dict) -> dict:
    """Return a backup as format version 1 wrote it: without what versions 2 and 3 added."""
    data = as_format_version_2(data)
    data["version"] = 1
    for document in data["documents"]:
        for key in ("author", "language", "origin", "version", "revision", "updated_at", "versions", "history"):
            del document[key]
    for claim in data["claims"]:
        del claim["source_changed_at"]
        for occurrence in claim["occurrences"]:
            for key in ("document_publisher", "document_author", "document_published_on", "version", "removed_in"):
                del occurrence[key]
    return data


def test_a_version_1_backup_restores_each_document_as_loaded_in_its_first_version(documents, advance, tmp_path, capsys):
    advance(Claim.objects.get(text=CLAIM_TEXT), "approved")
    path = tmp_path / "old.json"
    path.write_bytes(orjson.dumps(as_format_version_1(orjson.loads(export_backup()))))
    before = snapshot()
    empty_claim_tables()

    call_command("import_claims", str(path))

    after = snapshot()
    for event in before["document_history"] + after["document_history"]:
        del event["id"]  # a version 1 file holds no document events: they are written anew
    assert after == before
    assert len(after["versions"]) == len(after["document_history"]) == 2
    out = capsys.readouterr().out
    assert "2 document versions, 2 document events," in out
    assert (
        "The file is of format version 1, made before documents had versions: each document was restored as its" in out
    )


def test_a_version_2_backup_restores_with_each_claims_score_computed_from_its_text(varied, tmp_path, capsys):
    path = tmp_path / "old.json"
    path.write_bytes(orjson.dumps(as_format_version_2(orjson.loads(export_backup()))))
    before = snapshot()
    assert len({claim["checkworthiness"] for claim in before["claims"]}) > 1
    empty_claim_tables()

    call_command("import_claims", str(path))

    assert snapshot() == before  # the scores computed as loading computed them
    out = capsys.readouterr().out
    assert "The file is of format version 2, made before triage: each claim's check-worthiness was computed" in out
    assert "closed in triage" not in out


# --- Triage ---------------------------------------------------------------------------------------

TRIAGE_KEYS = (
    "wording", "published_wording", "checkworthiness", "checkworthiness_features", "dismissal_reason",
    "dismissal_note", "merged_into", "split_from",
)  # fmt: skip
OPINION_TEXT = "The new bridge is an eyesore."
TOLL_TEXT = "The bridge toll is 4 dollars."
TOLL_AGAIN_TEXT = "Drivers pay 4 dollars to cross the bridge."
TOLL_THIRD_TEXT = "A crossing costs 4 dollars."
SPLIT_TEXT = "The bridge opened in 1990 and carries 20,000 cars a day."
COST_TEXT = "It cost 30 million dollars."
SPAN_TEXT = "The bridge is 300 metres long and 20 metres wide."
SPAN_AGAIN_TEXT = "At 300 metres long and 20 metres wide, the bridge is the largest in the valley."
BRIEFING_CLAIMS = [
    OPINION_TEXT, TOLL_TEXT, TOLL_AGAIN_TEXT, TOLL_THIRD_TEXT, SPLIT_TEXT, COST_TEXT, SPAN_TEXT, SPAN_AGAIN_TEXT,
]  # fmt: skip
SPAN_AGAIN_AT = len(" ".join(BRIEFING_CLAIMS[:-1])) + 1  # where the last sentence starts in the briefing


@pytest.fixture
def triaged(varied, editor, editor2, reviewer, reviewer2):
    """The varied database and a briefing whose claims were dismissed, merged, split and worded.

    One claim took in another, then was split: its parts share the sentence it took in, whole.
    """
    workflow.document_load(document=text_input(" ".join(BRIEFING_CLAIMS), "Briefing", BRIEFING_CLAIMS), actor=editor)
    claim = {text: Claim.objects.get(text=text).pk for text in BRIEFING_CLAIMS}
    workflow.claim_dismiss(claim_id=claim[OPINION_TEXT], actor=editor, reason="opinion", note="A view, not a fact.")
    workflow.claim_set_wording(claim_id=claim[TOLL_TEXT], actor=editor2, wording="Crossing the bridge costs 4 dollars.")
    workflow.claims_merge(
        claim_id=claim[TOLL_TEXT], actor=editor2, claims=[claim[TOLL_AGAIN_TEXT], claim[TOLL_THIRD_TEXT]]
    )
    workflow.claim_split(
        claim_id=claim[SPLIT_TEXT], actor=editor, parts=["The bridge opened in 1990", "carries 20,000 cars a day."]
    )
    workflow.claims_merge(claim_id=claim[SPAN_TEXT], actor=editor, claims=[claim[SPAN_AGAIN_TEXT]])
    workflow.claim_split(
        claim_id=claim[SPAN_TEXT], actor=editor, parts=["The bridge is 300 metres long", "20 metres wide."]
    )
    cost = claim[COST_TEXT]
    workflow.claim_set_wording(claim_id=cost, actor=editor, wording="The bridge cost 30 million dollars.")
    workflow.claim_assign(claim_id=cost, actor=editor)
    workflow.claim_set_verdict(claim_id=cost, actor=editor, verdict="unverified", note="No accounts published.")
    workflow.claim_submit(claim_id=cost, actor=editor)
    workflow.claim_approve(claim_id=cost, actor=reviewer)
    workflow.claim_reopen(claim_id=cost, actor=reviewer, reason="Name the builder.")
    workflow.claim_set_wording(claim_id=cost, actor=editor, wording="The town's bridge cost 30 million dollars.")
    workflow.claim_submit(claim_id=cost, actor=editor)
    workflow.claim_approve(claim_id=cost, actor=reviewer2, correction="The wording now names the town.")
    return claim


def export_with_closed(path, *options) -> None:
    call_command(
        "export_report", "--format", "json", "--history", *options, "--output", str(path), stderr=io.StringIO()
    )


def test_the_triaged_database_is_what_the_triage_round_trip_covers(triaged):
    claims = snapshot()["claims"]
    assert {c["status"] for c in claims} >= {"dismissed", "merged", "split", "approved", "pending"}
    assert [c["dismissal_reason"] for c in claims if c["dismissal_reason"]] == ["opinion"]
    assert len([c for c in claims if c["merged_into_id"]]) == 3 and len([c for c in claims if c["split_from_id"]]) == 4
    # The parts of the claim that took in another share its sentence, whole.
    parts = [c["id"] for c in claims if c["split_from_id"] == triaged[SPAN_TEXT]]
    taken_in = ClaimOccurrence.objects.get(claim_id=triaged[SPAN_TEXT], start=SPAN_AGAIN_AT)
    sharing = ClaimOccurrence.objects.filter(claim_id__in=parts, start=taken_in.start, end=taken_in.end)
    assert len(parts) == 2 and sorted(sharing.values_list("claim_id", flat=True)) == parts
    assert len([c for c in claims if c["wording"]]) == 2 and len([c for c in claims if c["published_wording"]]) == 1
    assert [(c["old_wording"], c["new_wording"]) for c in snapshot()["corrections"] if c["new_wording"]] == [
        ("The bridge cost 30 million dollars.", "The town's bridge cost 30 million dollars.")
    ]


def test_a_backup_with_the_closed_claims_restores_every_triage_field(triaged, tmp_path, capsys):
    path = tmp_path / "backup.json"
    export_with_closed(path, "--include-closed")
    before = snapshot()
    empty_claim_tables()

    call_command("import_claims", str(path))

    after = snapshot()
    for table in before:
        assert after[table] == before[table], table
    out = capsys.readouterr().out
    assert "Restored 5 documents and 18 claims" in out
    assert "Of the claims, 6 were closed in triage (dismissed, merged or split)." in out
    assert "filtered" not in out and "format version" not in out
    # A second export is the first, but for its date.
    again = tmp_path / "again.json"
    export_with_closed(again, "--include-closed")
    first, second = orjson.loads(path.read_bytes()), orjson.loads(again.read_bytes())
    assert first.pop("exported_at") and second.pop("exported_at")
    assert second == first


def test_an_export_without_the_closed_claims_restores_the_others_and_says_so(varied, editor, tmp_path, capsys):
    dismissed = Claim.objects.get(text=SURVEY_CLAIM_TEXT)
    workflow.claim_dismiss(claim_id=dismissed.pk, actor=editor, reason="out_of_scope")
    path = tmp_path / "claims.json"
    export_with_closed(path)  # without --include-closed
    before = snapshot()
    empty_claim_tables()

    call_command("import_claims", str(path))

    after = snapshot()
    assert [c["id"] for c in after["claims"]] == [c["id"] for c in before["claims"] if c["id"] != dismissed.pk]
    out = capsys.readouterr().out
    assert "The export was filtered (all claims but those closed in triage): only those claims were in it." in out
    assert "a whole backup is exported with --include-closed." in out


def test_a_backup_without_the_closed_claims_is_refused_saying_how_to_export_it(triaged, tmp_path):
    path = tmp_path / "backup.json"
    export_with_closed(path)
    assert triaged[TOLL_AGAIN_TEXT] not in {claim["id"] for claim in orjson.loads(path.read_bytes())["claims"]}
    empty_claim_tables()
    users_before = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_claims", str(path))
    assert str(raised.value).endswith(
        "(the export left out the claims closed in triage: export again with --include-closed); nothing was imported."
    )
    assert nothing_written(users_before)


def test_new_rows_after_a_restore_take_new_ids(backup_file, load_document, editor, reviewer):
    path, before = backup_file
    call_command("import_claims", str(path), verbosity=0)

    result = load_document(
        "A new report says 40 tonnes reach the sea.", "New report", ["A new report says 40 tonnes reach the sea."]
    )
    claim = Claim.objects.get(pk=result.new_claim_ids[0])
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    evidence = workflow.evidence_add(claim_id=claim.pk, actor=editor, stance="supports", url="https://example.org/40")

    assert result.document.pk > max(d["id"] for d in before["documents"])
    assert DocumentEvent.objects.get(document=result.document).pk > max(e["id"] for e in before["document_history"])
    assert DocumentVersion.objects.get(document=result.document).pk == DocumentVersion.objects.order_by("id").last().pk
    assert claim.pk > max(c["id"] for c in before["claims"])
    assert evidence.pk > max(e["id"] for e in before["evidence"])
    assert ReviewEvent.objects.order_by("-id").first().pk > max(e["id"] for e in before["history"])


def test_missing_users_are_created_inactive_without_a_password(backup_file, capsys, editor2):
    path, before = backup_file
    editor2.delete()  # nothing refers to them once the tables are empty
    data = orjson.loads(path.read_bytes())
    data["claims"][0]["history"][0]["actor"] = "ghost"  # the loader event of the first claim
    path.write_bytes(orjson.dumps(data))

    call_command("import_claims", str(path))

    out = capsys.readouterr().out
    assert "Created 2 users missing from this database, inactive and without a password: editor2, ghost." in out
    for username in ("editor2", "ghost"):
        user = get_user_model().objects.get(username=username)
        assert not user.is_active and not user.has_usable_password()
        assert not user.groups.exists()
    after = snapshot()
    assert [c["assignee__username"] for c in after["claims"]] == [c["assignee__username"] for c in before["claims"]]
    assert after["history"][0]["actor__username"] == "ghost"


def test_refuses_a_database_that_holds_claims(varied, tmp_path, capsys):
    path = tmp_path / "backup.json"
    path.write_bytes(export_backup())
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import_claims", str(path))
    assert str(raised.value) == (
        "The database already holds documents, document versions, document events, claims and review events: "
        "a backup is restored into an empty database only (no documents or their history, no claims or review "
        "history). Nothing was imported."
    )
    assert snapshot() == before


@pytest.mark.parametrize("failing", [DocumentVersion, DocumentEvent, ReviewEvent], ids=lambda model: model.__name__)
def test_a_failure_while_writing_writes_nothing_not_even_the_users(backup_file, editor2, monkeypatch, failing):
    path, _ = backup_file
    editor2.delete()
    users_before = get_user_model().objects.count()
    insert_rows = bulk.insert_rows

    def fail_on_history(model, *args, **kwargs):
        if model is failing:
            raise RuntimeError("disk full")
        return insert_rows(model, *args, **kwargs)

    monkeypatch.setattr(bulk, "insert_rows", fail_on_history)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("import_claims", str(path), verbosity=0)
    assert nothing_written(users_before)


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"format": "factcheck-export", "version": 1,, }', "backup.json is not valid JSON: unexpected character"),
        (b" \n", "backup.json is empty; nothing was imported."),
        (b'["factcheck-export"]', "file: expected an object, got a list; nothing was imported."),
    ],
    ids=["invalid", "empty", "not-an-object"],
)
def test_refuses_a_file_that_is_not_json_or_not_an_object(db, tmp_path, content, message):
    path = tmp_path / "backup.json"
    path.write_bytes(content)
    users_before = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_claims", str(path))
    assert message in str(raised.value)
    assert nothing_written(users_before)


@pytest.mark.parametrize(
    "cut",
    [
        lambda whole: len(whole) * 2 // 3,
        lambda whole: whole.index("’".encode()) + 1,  # inside a character
        lambda whole: len(whole.rstrip()) - 1,  # only the last brace missing
    ],
    ids=["two-thirds", "inside-a-character", "last-brace"],
)
def test_refuses_a_truncated_backup(backup_file, cut):
    path, _ = backup_file
    whole = path.read_bytes()
    path.write_bytes(whole[: cut(whole)])
    users_before = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_claims", str(path))
    assert str(raised.value).startswith(f"{path} ends before its JSON does (line ")
    assert str(raised.value).endswith("the file is truncated; nothing was imported.")
    assert nothing_written(users_before)


def test_refuses_an_export_made_without_history(varied, tmp_path):
    path = tmp_path / "claims.json"
    path.write_bytes(b"".join(stream_json(ExportFilters(), history=False)))
    empty_claim_tables()
    users_before = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_claims", str(path))
    assert str(raised.value) == (
        "file: history: the file was exported without --history, so it holds no review history and cannot be "
        "restored: export again with --history; nothing was imported."
    )
    assert nothing_written(users_before)


def test_refuses_a_bad_record_in_an_export_naming_it(backup_file):
    path, before = backup_file
    data = orjson.loads(path.read_bytes())
    data["claims"][0]["evidence"][0]["stance"] = "maybe"
    path.write_bytes(orjson.dumps(data))
    users_before = get_user_model().objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_claims", str(path))
    first = before["claims"][0]["id"]
    assert (
        str(raised.value)
        == f"claims[0] (id {first}): evidence[0].stance: 'maybe' is not a stance; nothing was imported."
    )
    assert nothing_written(users_before)


def test_refuses_a_file_that_cannot_be_read(db, tmp_path):
    with pytest.raises(
        CommandError, match=r"^Cannot read .*missing\.json: No such file or directory; nothing was imported\.$"
    ):
        call_command("import_claims", str(tmp_path / "missing.json"))
