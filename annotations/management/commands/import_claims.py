import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from annotations import workflow
from annotations.vocabulary import CLOSED_STATUSES


class Command(BaseCommand):
    help = (
        "Restore a JSON export made with --history (export_report --format json --history) into an "
        "empty database: the same documents (their versions and history), claims (closed in triage too, with "
        "their wording, score, dismissal and merge and split links), evidence, corrections and review history, "
        "with their ids. Export with --include-closed: the claims closed in triage are left out otherwise. "
        "Users are matched by username; missing ones are created "
        "inactive, without a password. The whole file is read into memory and checked before anything "
        "is written; a bad record refuses the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The JSON export to restore.")

    def handle(self, *args, file, verbosity, **options):
        # Refuse a database with data before reading what may be a large file.
        refusal = workflow.restore_refusal()
        if refusal:
            raise CommandError(refusal)
        try:
            backup = workflow.read_backup(Path(file))
        except workflow.RestoreError as error:
            raise CommandError(f"{error}; nothing was imported.") from None
        try:
            result = workflow.claims_restore(backup=backup)
        except workflow.WorkflowError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"The database refused the backup ({error}). Nothing was imported.") from None
        if verbosity >= 1:
            self.stdout.write(describe(result, backup, file))


def describe(result: workflow.RestoreResult, backup, file) -> str:
    """Return what was restored as a few plain lines."""
    lines = [
        f"Restored {_count(result.documents, 'document')} and {_count(result.claims, 'claim')} from {file} "
        f"(exported {backup.exported_at.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC): "
        f"{_count(result.versions, 'document version')}, {_count(result.document_events, 'document event')}, "
        f"{_count(result.occurrences, 'occurrence')}, "
        f"{_count(result.evidence, 'evidence item')}, {_count(result.corrections, 'correction')}, "
        f"{_count(result.events, 'review event')}.",
    ]
    closed = sum(claim["status"] in CLOSED_STATUSES for claim in backup.claims)
    if closed:
        lines.append(
            f"Of the claims, {closed} {'was' if closed == 1 else 'were'} closed in triage (dismissed, merged or split)."
        )
    if backup.version == 1:
        lines.append(
            "The file is of format version 1, made before documents had versions: each document was restored "
            'as its version 1, with a "loaded" event.'
        )
    if backup.version < 3:
        lines.append(
            f"The file is of format version {backup.version}, made before triage: each claim's check-worthiness "
            "was computed from its text."
        )
    if backup.filtered:
        lines.append(f"The export was filtered ({backup.filters_described}): only those claims were in it.")
    if backup.closed_left_out:
        lines.append(
            "It left out the claims closed in triage (dismissed, merged, split), if there were any: a whole backup "
            "is exported with --include-closed."
        )
    created = result.users_created
    if created:
        shown = ", ".join(created[:10]) + (f" and {len(created) - 10} more" if len(created) > 10 else "")
        lines.append(
            f"Created {_count(len(created), 'user')} missing from this database, inactive and without a "
            f"password: {shown}."
        )
    else:
        lines.append("Every user named in the file already existed.")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
