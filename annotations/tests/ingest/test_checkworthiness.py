"""Check-worthiness: the quality of the ranking on claims labelled by hand, then what each feature does.

``golden/checkworthiness_labels.json`` labels by hand (1 worth checking, 0 not) every claim the
loader makes of the seeds and of the intake's labelled pages (``pages/``). The claims are made
here the way the loader and an import make them, so a change to the sentences shows as a claim
missing its label. Over each set the ranking by score is measured by:

- precision at the top half: of the half of the claims that score highest, the share worth checking
  (claims tied with the last one in the half count at their average label, so the order of ties does
  not matter); to read beside the set's base rate, the share worth checking of all its claims;
- Spearman's rank correlation of score and label (ties averaged);
- ROC AUC: the chance that a claim worth checking scores above one that is not (ties count half).

``python bench/checkworthiness_bench.py`` prints the figures (``docs/CHECKWORTHINESS.md``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from annotations.ingest.checkworthiness import BASE, Checkworthiness, Feature, checkworthiness
from annotations.ingest.documents import document_from_path, expand_paths
from annotations.ingest.signals import claim_signals
from annotations.tests.ingest.test_pages import labelled_pages, produced_claims

LABELS = Path(__file__).parents[1] / "golden" / "checkworthiness_labels.json"

# The floors, a little below the figures measured when the rules were last changed (in brackets;
# docs/CHECKWORTHINESS.md): precision at the top half and Spearman's rho, per set. The seeds are 30
# claims, where one claim moves precision by 0.07: their floors leave more room.
FLOORS = {
    "seeds": {"precision": 0.75, "spearman": 0.25},  # (0.800, 0.307)
    "pages": {"precision": 0.82, "spearman": 0.60},  # (0.854, 0.637)
    "all": {"precision": 0.82, "spearman": 0.56},  # (0.847, 0.599)
}


# --- The labelled claims and the measures ---------------------------------------------------------


def labels() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def made_claims() -> dict[str, dict[str, list[str]]]:
    """Return the claims made of each seed (as ``load_seeds`` reads it) and each labelled page (as an import does)."""
    seeds = {
        path.name: [sentence.text for sentence in document_from_path(path).document.sentences]
        for path in expand_paths([settings.FACTCHECK_SEEDS_DIR])
    }
    pages = {path.name: produced_claims(path) for path in labelled_pages()}
    return {"seeds": seeds, "pages": pages}


def labelled_sets() -> dict[str, list[tuple[str, int]]]:
    """Return, for each set ("seeds", "pages", "all"), its claims (each text once) with their labels."""
    given = labels()
    sets: dict[str, dict[str, int]] = {"seeds": {}, "pages": {}, "all": {}}
    for name in ("seeds", "pages"):
        for claims in given[name].values():
            sets[name].update(claims)
            sets["all"].update(claims)
    return {name: list(claims.items()) for name, claims in sets.items()}


def ranks(values: list[float]) -> list[float]:
    """Return the rank of each value (1 for the lowest), tied values sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for index in order[start : end + 1]:
            result[index] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(scores: list[float], labels: list[int]) -> float:
    """Return Spearman's rank correlation: Pearson's correlation of the ranks, ties averaged."""
    x, y = ranks(scores), ranks([float(label) for label in labels])
    mean_x, mean_y = sum(x) / len(x), sum(y) / len(y)
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True))
    spread = math.sqrt(sum((a - mean_x) ** 2 for a in x) * sum((b - mean_y) ** 2 for b in y))
    return covariance / spread if spread else 0.0


def roc_auc(scores: list[float], labels: list[int]) -> float:
    """Return the chance that a claim labelled 1 scores above one labelled 0 (a tie counts half)."""
    rank = ranks(scores)
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(r for r, label in zip(rank, labels, strict=True) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def precision_at_top_half(scores: list[float], labels: list[int]) -> float:
    """Return the share labelled 1 of the half of the claims scoring highest (ties at the cut at their mean)."""
    top = len(scores) // 2
    cut = sorted(scores, reverse=True)[top - 1]
    above = [label for score, label in zip(scores, labels, strict=True) if score > cut]
    tied = [label for score, label in zip(scores, labels, strict=True) if score == cut]
    return (sum(above) + (top - len(above)) * sum(tied) / len(tied)) / top


@dataclass(frozen=True)
class Quality:
    claims: int
    worth: int  # how many are labelled worth checking
    base_rate: float
    precision: float  # at the top half
    spearman: float
    auc: float

    def __str__(self) -> str:
        return (
            f"{self.claims} claims, {self.worth} worth checking (base rate {self.base_rate:.2f}): "
            f"precision at top half {self.precision:.3f}, Spearman {self.spearman:.3f}, ROC AUC {self.auc:.3f}"
        )


def claim_score(text: str) -> float:
    """Return the score the loader gives a claim of ``text``."""
    return claim_signals(text).checkworthiness


def quality(score: Callable[[str], float] = claim_score) -> dict[str, Quality]:
    """Return the quality of ``score`` (a claim's text to its score) on each labelled set."""
    result = {}
    for name, claims in labelled_sets().items():
        scores = [score(text) for text, _ in claims]
        worth = [label for _, label in claims]
        result[name] = Quality(
            claims=len(claims), worth=sum(worth), base_rate=sum(worth) / len(worth),
            precision=precision_at_top_half(scores, worth), spearman=spearman(scores, worth),
            auc=roc_auc(scores, worth),
        )  # fmt: skip
    return result


# --- The labels and the quality ---------------------------------------------------------------------


def test_every_claim_of_the_seeds_and_the_labelled_pages_is_labelled():
    given = labels()
    for name, files in made_claims().items():
        assert sorted(given[name]) == sorted(files), f"{name}: a file was added or removed: label its claims"
        for file_name, claims in files.items():
            labelled = given[name][file_name]
            missing = [claim for claim in claims if claim not in labelled]
            stale = [claim for claim in labelled if claim not in claims]
            assert not missing, f"{file_name}: claims without a label (add them, 1 or 0, by hand): {missing}"
            assert not stale, f"{file_name}: labels of claims no longer made: {stale}"
            assert set(labelled.values()) <= {0, 1}


def test_the_ranking_holds_its_floors_on_each_labelled_set():
    measured = quality()
    print("\n" + "\n".join(f"{name}: {figures}" for name, figures in measured.items()))

    for name, floors in FLOORS.items():
        figures = measured[name]
        assert figures.precision >= floors["precision"], f"{name}: {figures}"
        assert figures.spearman >= floors["spearman"], f"{name}: {figures}"
        assert figures.precision > figures.base_rate  # better than taking claims at random


@pytest.mark.parametrize(
    ("scores", "labels", "expected"),
    [
        ([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0], 1.0),
        ([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0.0),
        ([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0], 0.5),  # all tied: the average label, whatever the order
        ([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0], 0.75),  # one place for two tied claims, one worth checking
    ],
)
def test_precision_at_the_top_half_counts_ties_at_the_cut_at_their_average(scores, labels, expected):
    assert precision_at_top_half(scores, labels) == expected


def test_spearman_and_auc_average_ties_as_scipy_and_scikit_learn_do():
    stats = pytest.importorskip("scipy.stats")
    metrics = pytest.importorskip("sklearn.metrics")
    scores = [0.2, 0.2, 0.5, 0.9, 0.9, 0.9, 0.1, 0.5]
    labels = [0, 1, 0, 1, 1, 0, 0, 1]

    assert spearman(scores, labels) == pytest.approx(stats.spearmanr(scores, labels).statistic)
    assert roc_auc(scores, labels) == pytest.approx(metrics.roc_auc_score(labels, scores))


# --- Each feature ----------------------------------------------------------------------------------

PLAIN = "The committee met the residents in the hall."  # no feature: the base score
FEATURES = [
    # (text, its signals (has_number, has_quote, speaker), the one feature found, its words)
    ("The committee met 40 residents in the hall.", (True, False, ""), "states a number", "40"),
    ("The committee met the residents at 6 p.m. in the hall.", (True, False, ""), "gives a time or a date", "6 p.m."),
    ("The committee met the residents in the hall, the mayor said.", (False, False, "the mayor"), "names its source",
     "the mayor"),
    ('The committee met the residents in the "old" hall.', (False, True, ""), "quotes someone", ""),
    ('"The committee met the residents in the hall."', (False, True, ""), "in the speaker's own words", '"'),
    ("The committee met the residents of Leeds in the hall.", (False, False, ""), "names people, places or bodies",
     "Leeds"),
    ("The committee met the residents about the unemployment figures.", (False, False, ""), "a statistic",
     "unemployment"),
    ("The committee met twice as many residents in the hall.", (False, False, ""), "a comparison", "twice"),
    ("The hall was larger than the committee room.", (False, False, ""), "a comparison", "larger than"),
    ("The committee met the residents in the largest hall.", (False, False, ""), "a superlative or a rank", "largest"),
    ("The committee met the residents in the third hall.", (False, False, ""), "a superlative or a rank", "third"),
    ("Attendance at the committee rose in the spring.", (False, False, ""), "a change", "rose"),
    ("The committee met in the hall because of the rain.", (False, False, ""), "a cause", "because"),
    ("The committee voted with the residents in the hall.", (False, False, ""), "an event that happened", "voted"),
    ("The committee may meet the residents in the hall.", (False, False, ""), "a hedge", "may"),
    ("The committee is believed to meet residents in the hall.", (False, False, ""), "a hedge", "believed to"),
    ("The committee should meet the residents in the hall.", (False, False, ""), "an opinion", "should"),
    ("The committee will meet the residents in the hall.", (False, False, ""), "a prediction", "will"),
    ("Forecasters expect the river to fall by the weekend.", (False, False, ""), "a prediction", "expect"),
    ("The committee wants to meet the residents in the hall.", (False, False, ""), "a state of mind", "wants"),
    ("Did the committee meet the residents in the hall?", (False, False, ""), "a question", "?"),
    ("Our committee met the residents in the hall.", (False, False, ""), "a first-person view", "Our"),
    ("The committee met.", (False, False, ""), "very short", ""),
]  # fmt: skip


def worth(text: str, signals: tuple[bool, bool, str] = (False, False, "")) -> Checkworthiness:
    has_number, has_quote, speaker = signals
    return checkworthiness(text, has_number=has_number, has_quote=has_quote, speaker=speaker)


def test_a_sentence_with_no_feature_scores_the_base():
    assert worth(PLAIN) == Checkworthiness(score=round(1 / (1 + math.exp(-BASE)), 3), features=())


@pytest.mark.parametrize(
    ("text", "signals", "name", "found"), FEATURES, ids=[row[2] + ": " + row[3] for row in FEATURES]
)
def test_each_feature_raises_or_lowers_the_score_by_its_weight_and_names_its_words(text, signals, name, found):
    result = worth(text, signals)
    [feature] = result.features

    assert (feature.name, feature.found) == (name, found)
    assert result.score == round(1 / (1 + math.exp(-(BASE + feature.weight))), 3)
    assert (result.score > worth(PLAIN).score) == (feature.weight > 0)
    assert result.as_json() == [[name, feature.weight, found]]


def test_the_weights_add_up_to_the_score_and_each_feature_shows_once():
    text = "Unemployment fell to 4% last year, the lowest since 1974, the minister said."
    result = claim_signals(text)
    names = [name for name, _, _ in result.features]

    assert len(names) == len(set(names))
    assert set(names) >= {"states a number", "names its source", "a statistic", "a change", "a superlative or a rank"}
    total = BASE + sum(weight for _, weight, _ in result.features)
    assert result.checkworthiness == round(1 / (1 + math.exp(-total)), 3)


def test_more_names_raise_the_score_up_to_a_cap():
    one = worth("The committee met the residents of Leeds in the hall.")
    three = worth("The committee met the residents of Leeds, York and Hull in the hall.")
    five = worth("The committee met residents of Leeds, York, Hull, Bath and Ely in the hall.")

    assert [feature.weight for feature in (*one.features, *three.features, *five.features)] == [0.2, 0.6, 0.6]
    assert three.features[0].found == "Leeds, York, Hull"


@pytest.mark.parametrize(
    "text",
    [
        "The committee met the residents on Monday in the hall.",  # a day
        "The committee met the residents in January in the hall.",  # a month
        "The committee met Dr. Smith in the hall.",  # a title, before the name
        "The committee met the residents. They stayed in the hall.",  # a new sentence's first word
    ],
)
def test_days_months_titles_and_first_words_are_not_names(text):
    found = [feature.found for feature in worth(text).features if feature.name == "names people, places or bodies"]
    assert found in ([], ["Smith"])


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The fire destroyed at least 60 homes.", "a superlative or a rank"),  # "at least" is no superlative
        ("The council met last week in the hall.", "a superlative or a rank"),  # "last week" is a date
        ("The committee met the residents in May in the hall.", "a hedge"),  # a month, not "may"
        ("The committee met Will Smith in the hall.", "a prediction"),  # a name, not "will"
        ("The committee met the US delegation in the hall.", "a first-person view"),  # the country, not "us"
        ("The disaster aid was approved by the committee.", "an opinion"),  # a disaster is a fact, not a view
    ],
)
def test_words_that_only_look_like_a_rule_do_not_trigger_it(text, absent):
    assert absent not in [name for name, _, _ in claim_signals(text).features]


def test_a_rule_word_at_the_start_of_the_sentence_counts():
    assert [feature.name for feature in worth("Most of the residents met in the hall.").features] == [
        "a superlative or a rank"
    ]


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("The hearing is at 6 p.m. May 19 at the courthouse.", ("gives a time or a date", 0.3, "6 p.m.")),
        ("Sentencing is set for Dec. 14 in the city.", ("gives a time or a date", 0.3, "Dec. 14")),
        ("The line is open from 8 a.m. to 8 p.m. on weekdays.", ("gives a time or a date", 0.3, "8 a.m.")),
        ("Call the office on 800-555-0123 for the details.", ("gives a time or a date", 0.3, "800-555-0123")),
        ("At 6 p.m., 300 people were waiting in the hall.", ("states a number", 1.2, "300")),
        ("The bridge opened in 1931 and was rebuilt.", ("states a number", 1.2, "1931")),  # a year says what happened
        ("Two shelters were opened on 1 March in the city.", ("states a number", 1.2, "Two")),
    ],
)
def test_a_number_that_only_tells_the_time_or_the_day_counts_less_than_a_quantity(text, feature):
    assert worth(text, (True, False, "")).features[0] == Feature(*feature)


def test_a_huge_sentence_is_scored_in_linear_time():
    """The expressions must not backtrack: a megabyte of prose is scored in well under a second or two."""
    text = "The 3 councils of Leeds said on May 4 at 6 p.m. that it may rise because of the rain, " * 12_000
    started = time.perf_counter()
    worth(text, (True, True, "the councils"))
    assert time.perf_counter() - started < 5
