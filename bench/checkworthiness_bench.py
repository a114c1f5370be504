"""Print the check-worthiness score's quality on the hand-labelled claims, its bands and its speed.

    python bench/checkworthiness_bench.py [--repeat 40]

The labelled claims are every claim of the seeds and of the intake's labelled pages, each labelled
by hand worth checking or not (``annotations/tests/golden/checkworthiness_labels.json``). For each
set (seeds, pages, all) it prints the base rate, precision at the top half, Spearman's rho and ROC
AUC, as ``annotations/tests/ingest/test_checkworthiness.py`` measures them (the test holds floors
below these); then how many claims fall in each score band (``vocabulary.CHECKWORTHINESS_BANDS``)
and how many of them are worth checking; then the time a sentence takes, best of several runs: the
score alone (``ingest.checkworthiness``) and all the signals with it (``ingest.signals.claim_signals``,
what the loader runs on each new claim). Needs no database. Figures are in docs/CHECKWORTHINESS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


def per_sentence(run, sentences: list, repeat: int) -> float:
    """Return the best time, in microseconds, that ``run`` took per sentence over ``repeat`` passes, of 5 tries."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            for sentence in sentences:
                run(sentence)
        best = min(best, (time.perf_counter() - started) / (repeat * len(sentences)))
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="passes over the claims per timing (default 40)")
    options = parser.parse_args()

    import django

    django.setup()
    from annotations.ingest.checkworthiness import checkworthiness
    from annotations.ingest.signals import claim_signals
    from annotations.tests.ingest.test_checkworthiness import labelled_sets, quality
    from annotations.vocabulary import CHECKWORTHINESS_BANDS

    print("Quality on the hand-labelled claims (each text once):")
    for name, figures in quality().items():
        print(f"  {name:5}  {figures}")

    print("Bands (claims in the band, and how many of them are worth checking):")
    for name, labelled in labelled_sets().items():
        scores = [(claim_signals(text).checkworthiness, label) for text, label in labelled]
        cells = []
        for band, _label, low, high in CHECKWORTHINESS_BANDS:
            inside = [label for score, label in scores if low <= score < high]
            share = sum(inside) / len(inside) if inside else 0.0
            cells.append(f"{band} {len(inside)} ({len(inside) / len(scores):.0%}), {share:.0%} worth")
        print(f"  {name:5}  " + "; ".join(cells))

    claims = [text for text, _ in labelled_sets()["all"]]
    found = [claim_signals(text) for text in claims]
    arguments = [
        (text, signals.has_number, signals.has_quote, signals.speaker)
        for text, signals in zip(claims, found, strict=True)
    ]

    def score_alone(row):
        text, has_number, has_quote, speaker = row
        return checkworthiness(text, has_number=has_number, has_quote=has_quote, speaker=speaker)

    alone = per_sentence(score_alone, arguments, options.repeat)
    signals = per_sentence(claim_signals, claims, max(1, options.repeat // 4))
    print(f"Speed over {len(claims)} claims, best of 5: the score alone {alone:.1f} µs a sentence; "
          f"all the signals with it (claim_signals) {signals:.1f} µs a sentence")  # fmt: skip


if __name__ == "__main__":
    main()
