"""How worth checking a claim is: a score from 0 to 1, from features of its sentence that explain it.

``checkworthiness(text, signals)`` weighs what fact-checkers look for first (the features Full
Fact's and ClaimBuster's rankers rest on): a number or a statistic, a comparison or a superlative,
a change over time, a cause, a named source and named people, places and bodies; and what makes a
sentence less checkable: a question, a hedge, an opinion, a prediction, a first-person view. Each
feature found adds its weight to a base; the score is the logistic of the sum, so it reads as a
0-to-1 ranking, not a probability. Every feature that moved the score is kept with its weight and
the words that triggered it, for the claim page to show ("states a number: 32 +1.2").

Rules and word lists, like the other signals: no model is downloaded, and the rules run at tens of
thousands of sentences a second. They read English news prose; they rank, they do not decide
(``docs/CHECKWORTHINESS.md`` has the method, its measured quality and its limits).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .signals import Signals

BASE = -1.4  # the sum of a sentence with no feature: a low score


@dataclass(frozen=True)
class Feature:
    name: str  # what was found: "states a number", "a hedge"
    weight: float  # what it added to the score's sum (negative: what it took away)
    found: str  # the words that triggered it


@dataclass(frozen=True)
class Checkworthiness:
    score: float  # 0 to 1, rounded to three places
    features: tuple[Feature, ...]

    def as_json(self) -> list[list]:
        """Return the features as stored beside the score: ``[name, weight, found]`` each."""
        return [[feature.name, feature.weight, feature.found] for feature in self.features]


def _words(text: str) -> str:
    return "|".join(re.escape(word) for word in text.split())


# (name, weight, pattern): each pattern is searched once; the first match is what "triggered" it.
_RULES: list[tuple[str, float, re.Pattern[str]]] = [
    (
        "a statistic",
        0.8,
        re.compile(
            r"(?:\d\s?%|\b(?:"
            + _words("""percent per cent percentage rate rates average median majority
        minority proportion share total tally toll estimate estimated census survey poll figures data
        statistics per capita GDP inflation unemployment""")
            + r")\b)",
            re.I,
        ),
    ),
    (
        "a comparison",
        0.7,
        re.compile(
            r"\b(?:more|less|fewer|higher|lower|greater|larger|smaller|bigger|faster|slower|cheaper|"
            r"better|worse)\s+than\b|\bcompared (?:with|to)\b|\b(?:twice|double|doubled|triple|tripled|"
            r"half|halved|times as)\b",
            re.I,
        ),
    ),
    (
        "a superlative",
        0.7,
        re.compile(
            r"\b(?:most|least|largest|biggest|highest|lowest|smallest|longest|deadliest|worst|best|"
            r"first|last|only|record|unprecedented|never before)\b",
            re.I,
        ),
    ),
    (
        "a change",
        0.5,
        re.compile(
            r"\b(?:rose|risen|rise|rises|fell|fallen|falls|increased?|decreased?|increases|decreases|grew|"
            r"grown|shrank|dropped|drops|climbed|jumped|surged|plunged|cut|cuts|soared|declined?)\b",
            re.I,
        ),
    ),
    (
        "a cause",
        0.5,
        re.compile(
            r"\b(?:because|caused|causes|due to|led to|leads to|result(?:ed)? (?:of|in)|as a result|"
            r"blamed|responsible for|thanks to)\b",
            re.I,
        ),
    ),
    (
        "an event that happened",
        0.4,
        re.compile(
            r"\b(?:killed|died|dead|arrested|seized|captured|signed|voted|approved|announced|confirmed|"
            r"declared|imposed|launched|attacked|struck|won|lost|paid|spent|sentenced|charged|elected)\b",
            re.I,
        ),
    ),
    ("a question", -1.6, re.compile(r"\?\s*[\"'”’»)]*\s*$")),
    (
        "a hedge",
        -0.5,
        re.compile(
            r"\b(?:may|might|could|perhaps|possibly|probably|likely|unlikely|appears? to|seems? to|"
            r"reportedly|believed to|thought to|unclear|rumou?rs?|speculation)\b",
            re.I,
        ),
    ),
    (
        "an opinion",
        -1.0,
        re.compile(
            r"\b(?:I|we) (?:think|believe|feel|hope)\b|\bin (?:my|our) (?:view|opinion)\b|\b(?:should|"
            r"ought to|must)\b|\b(?:disaster|shameful|disgrace(?:ful)?|outrageous|ridiculous|wonderful|"
            r"terrible|incompetent|senile|heroic|heroism|dignity|evil|great|amazing|beautiful|sad)\b",
            re.I,
        ),
    ),
    (
        "a prediction",
        -0.8,
        re.compile(r"\b(?:will|won't|shall|going to|plans? to|intends? to|expects? to|expected to|would)\b", re.I),
    ),
    ("a first-person view", -0.4, re.compile(r"\b(?:I|I'm|I've|me|my|we|we're|our|us)\b")),
    (
        "a state of mind",
        -0.6,
        re.compile(
            r"\b(?:aware|wondered|wonders|wanted|wants|hoped|fears?|feared|felt|feels|knew|know|"
            r"mourning|condolences|solidarity)\b",
            re.I,
        ),
    ),
]
# Words capitalised inside a sentence name people, places and bodies ("Maduro", "Havana", "CIA").
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Zà-ÿ'’.-]+")
_NOT_NAMES = frozenset("I A The An This That These Those It He She We They His Her Its Our Their Mr Mrs Ms".split())


def checkworthiness(text: str, signals: Signals) -> Checkworthiness:
    """Return how worth checking ``text`` is, with the features found (``signals`` are its others)."""
    features: list[Feature] = []
    if signals.has_number:
        features.append(Feature("states a number", 1.2, _first_number(text)))
    if signals.speaker:
        features.append(Feature("names its source", 0.6, signals.speaker))
    if signals.has_quote:
        features.append(Feature("quotes someone", 0.3, ""))
    names = [word for word in _NAME.findall(text) if word.rstrip(".") not in _NOT_NAMES]
    if names:
        weight = round(min(0.2 * len(set(names)), 0.6), 2)
        features.append(Feature("names people, places or bodies", weight, ", ".join(dict.fromkeys(names))[:80]))
    for name, weight, pattern in _RULES:
        match = pattern.search(text)
        if match:
            features.append(Feature(name, weight, match.group().strip()))
    if len(text.split()) < 6:
        features.append(Feature("very short", -0.5, ""))
    total = BASE + sum(feature.weight for feature in features)
    return Checkworthiness(score=round(1 / (1 + math.exp(-total)), 3), features=tuple(features))


_NUMBER = re.compile(
    r"\d[\d,.]*%?|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|half)\b",
    re.I,
)


def _first_number(text: str) -> str:
    match = _NUMBER.search(text)
    return match.group() if match else ""
