import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.exports import FORMATS, ExportFilters, FilterError, export


class Command(BaseCommand):
    help = (
        "Export claims as CSV, JSON, JSON Lines, schema.org ClaimReview or an HTML report, to standard "
        "output or a file. ClaimReview and HTML default to approved claims, the others to all claims but "
        "those closed in triage (dismissed, merged, split): --include-closed, or a --status naming them, adds "
        "them. Filters take several values separated by commas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), help="The export's format.")
        parser.add_argument("--status", default="", help="Only claims in these statuses, e.g. approved,in_review.")
        parser.add_argument("--verdict", default="", help="Only claims with these verdicts.")
        parser.add_argument("--document", default="", help="Only claims occurring in these documents (ids).")
        parser.add_argument("--since", default="", help="Only claims changed since this date (YYYY-MM-DD[THH:MM]).")
        parser.add_argument(
            "--include-closed",
            action="store_true",
            help="Include the claims closed in triage (dismissed, merged, split); a backup needs them.",
        )
        parser.add_argument(
            "--history", action="store_true", help="Include each claim's review history (json and jsonl)."
        )
        parser.add_argument("--output", "-o", default="", help="Write to this file (default: standard output).")

    def handle(
        self, *args, format, status, verdict, document, since, include_closed, history, output, verbosity, **options
    ):
        fmt = FORMATS[format]
        if history and not fmt.takes_history:
            raise CommandError(f"--history is for json and jsonl exports, not {format}.")
        try:
            filters = ExportFilters.parse(
                status=status, verdict=verdict, document=document, since=since, include_closed=include_closed,
                published=fmt.published,
            )  # fmt: skip
        except FilterError as error:
            raise CommandError(f"--{error.field}: {error}") from None
        total = filters.claims().count() if fmt.name != "html" else None
        progress = self._progress_bar(total, fmt) if verbosity >= 1 else None
        try:
            if output:
                written = _write_file(Path(output), export(format, filters, history=history, progress=progress))
            else:
                written = 0
                for chunk in export(format, filters, history=history, progress=progress):
                    sys.stdout.buffer.write(chunk)
                    written += len(chunk)
                sys.stdout.buffer.flush()
        finally:
            if progress:
                progress.close()
        if output and verbosity >= 1:
            self.stderr.write(f"Wrote {written:,} bytes to {output} ({filters.describe()}).")

    def _progress_bar(self, total, fmt):
        """Return a progress bar on the terminal (standard error), or None when it is not one."""
        if not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        unit = "documents" if fmt.name == "html" else "claims"
        return _Progress(tqdm(total=total, unit=f" {unit}", file=sys.stderr, desc=f"Exporting {fmt.name}"))


class _Progress:
    def __init__(self, bar):
        self.bar = bar

    def __call__(self, n):
        self.bar.update(n)

    def close(self):
        self.bar.close()


def _write_file(path: Path, chunks) -> int:
    """Write to a temporary file beside ``path``, renamed into place only when whole."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"Cannot write {path}: folder {folder} does not exist.")
    written = 0
    try:
        handle = tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{path.name}.", delete=False)  # noqa: SIM115 - closed by the "with" below
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
    try:
        with handle:
            for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
        os.replace(handle.name, path)
    except BaseException as error:
        os.unlink(handle.name)
        if isinstance(error, OSError):  # a full disk, a destination that is a folder, ...
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
        raise
    return written
