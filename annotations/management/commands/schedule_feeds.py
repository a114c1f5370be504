import time

from django.core.management.base import BaseCommand, CommandError

from annotations import workflow


class Command(BaseCommand):
    help = (
        "Queue a check of every feed that is due (see FACTCHECK_FEED_MINUTES), for the workers to run. "
        "With --loop, go on doing so every minute until stopped; several schedulers may run at once, "
        "each due check is queued once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep checking, every --every seconds.")
        parser.add_argument("--every", type=float, default=60, help="Seconds between two rounds (default 60).")

    def handle(self, *args, loop, every, verbosity, **options):
        if every <= 0:
            raise CommandError("--every must be a positive number of seconds.")
        while True:
            queued = workflow.feeds_queue_due()
            if verbosity >= 2 or (verbosity >= 1 and not loop):
                self.stdout.write(f"Queued {queued} feed check{'' if queued == 1 else 's'}.")
            if not loop:
                return
            time.sleep(every)
