"""Rewrite seed_claims.json from what the loader makes of the seeds now.

    python annotations/tests/golden/regenerate.py

Run it only after checking that a change to the sentences is intended: ingest/test_documents.py compares the
loader's output with this file exactly, and `git diff` then shows every claim that changed.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).with_name("seed_claims.json")


def seed_claims() -> dict:
    """Return, for each seed file, its sentences as ``{start, end, text}``."""
    from django.conf import settings

    from annotations.ingest.documents import document_from_path

    claims = {}
    for path in sorted(Path(settings.FACTCHECK_SEEDS_DIR).glob("*.txt")):
        document = document_from_path(path).document
        claims[path.name] = [{"start": s.start, "end": s.end, "text": s.text} for s in document.sentences]
    return claims


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    claims = seed_claims()
    GOLDEN.write_text(json.dumps(claims, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}: {sum(map(len, claims.values()))} claims")


if __name__ == "__main__":
    main()
