import sys

from django.core.management.base import BaseCommand

from annotations import corroboration


class Command(BaseCommand):
    help = (
        "Recompute every claim's suggested evidence (passages of other documents stating the same fact) "
        "and the index behind it, from scratch. Loading documents keeps them up to date; run this once "
        "for a database loaded before suggestions existed, after restoring a backup, or after changing "
        "the method's settings. Best run while no load is running."
    )

    def handle(self, *args, verbosity, **options):
        bar = None
        if verbosity >= 1 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(unit=" claims", file=sys.stderr, desc="Suggesting")

        def progress(done, total):
            assert bar is not None
            bar.total = total
            bar.update(done - bar.n)

        try:
            written = corroboration.suggestions_rebuild(progress=progress if bar else None)
        finally:
            if bar is not None:
                bar.close()
        if verbosity >= 1:
            self.stdout.write(f"Wrote {written} suggestion{'' if written == 1 else 's'}.")
