"""What the ingest tests share: the seed files."""

from pathlib import Path

from django.conf import settings

SEEDS = sorted(Path(settings.FACTCHECK_SEEDS_DIR).glob("*.txt"))
