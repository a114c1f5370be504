from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.ingest.files import LoadError
from annotations.workflow import LoadSummary, load_paths


class Command(BaseCommand):
    help = (
        "Load source documents (.txt files, or folders of them) and split them into claims. "
        "A NAME.json beside NAME.txt may give its title, publisher, url and published date "
        "(YYYY-MM-DD). Documents already loaded are skipped, so running it again is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="A .txt file or a folder of them (default: the seeds folder, settings.FACTCHECK_SEEDS_DIR).",
        )

    def handle(self, *args, paths, verbosity, **options):
        paths = [Path(path) for path in paths] or [_relative(Path(settings.FACTCHECK_SEEDS_DIR))]
        try:
            summary = load_paths(paths, progress=self._progress if verbosity >= 2 else None)
        except LoadError as error:
            raise CommandError(str(error)) from None
        for refused in summary.errors:
            self.stderr.write(f"error: {refused}")
        if summary.files == 0:
            raise CommandError(f"No .txt files found in {', '.join(map(str, paths))}.")
        if verbosity >= 1:
            self.stdout.write(describe(summary))
        if summary.errors:
            failed, total = len(summary.errors), summary.files
            if failed == total:
                raise CommandError(f"{_count(failed, 'file')} could not be loaded (see above).")
            raise CommandError(f"{failed} of {total} files could not be loaded (see above); the others were.")

    def _progress(self, done: int, total: int, path: Path) -> None:
        self.stdout.write(f"[{done}/{total}] {path}")


def describe(summary: LoadSummary) -> str:
    """Return the load summary as a few plain lines."""
    loaded = summary.documents_new + summary.documents_existing
    if summary.documents_new == 0:
        if not loaded:
            return "Nothing was loaded."
        return f"Nothing new was added: {_count(loaded, 'document')} {'was' if loaded == 1 else 'were'} already loaded."
    lines = [
        f"Loaded {_count(summary.documents_new, 'new document')} ({summary.documents_existing} already loaded).",
        f"Claims: {summary.claims_new} new, {summary.claims_existing} already known; "
        f"{_count(summary.occurrences, 'occurrence')}.",
    ]
    if summary.suggestions:
        lines.append(f"Suggested evidence: {_count(summary.suggestions, 'passage')} in other documents.")
    if summary.dropped:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(summary.dropped.items()))
        lines.append(f"Dropped {_count(sum(summary.dropped.values()), 'line')}: {reasons}.")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _relative(path: Path) -> Path:
    """Return ``path`` relative to the working folder when inside it, for shorter messages."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path
