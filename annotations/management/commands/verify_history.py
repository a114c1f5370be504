import sys

from django.core.management.base import BaseCommand, CommandError

from annotations import history
from annotations.models import Claim

MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Recompute every claim's review-history hash chain and check that it leads to the claim as it "
        "stands. Lists each break (an event changed, removed or moved behind the application's back) and "
        "exits non-zero if there is any."
    )

    def handle(self, *args, verbosity, **options):
        bar = None
        if verbosity >= 1 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=Claim.objects.count(), unit=" claims", file=sys.stderr, desc="Verifying history")
        breaks = 0
        try:
            for found in history.verify(progress=bar.update if bar else None):
                breaks += 1
                if breaks <= MAX_LISTED:
                    self.stdout.write(str(found))
        finally:
            if bar:
                bar.close()
        if breaks:
            more = f" (the first {MAX_LISTED} listed)" if breaks > MAX_LISTED else ""
            raise CommandError(f"The review history has {breaks:,} break{'s' * (breaks != 1)}{more}.")
        if verbosity >= 1:
            claims = Claim.objects.count()
            self.stdout.write(f"The review history of all {claims:,} claims is intact.")
