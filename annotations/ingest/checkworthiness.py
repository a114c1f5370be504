"""How worth checking a claim is: a score from 0 to 1, from features of its sentence that explain it.

``checkworthiness(text, has_number=..., has_quote=..., speaker=...)`` weighs what fact-checkers look
for first (the features Full Fact's and ClaimBuster's rankers rest on): a number or a statistic, a
comparison, a superlative or a rank, a change over time, a cause, an event that happened, a named
source and named people, places and bodies; and what makes a sentence less checkable: a question, a
hedge, an opinion, a prediction, a state of mind, a first-person view, a sentence in the speaker's
own words, a very short one. Each feature found adds its weight to a base; the score is the logistic
of the sum, so it reads as a 0-to-1 ranking, not a probability. Every feature that moved the score
is kept with its weight and the words that triggered it, for the claim page to show ("states a
number: 32 +1.2").

Rules and word lists, like the other signals: no model is downloaded. The word rules are one
regular expression (a trie of every word and phrase) run once over the sentence, so the work is done
in ``re``'s C code: under 20 microseconds a sentence (``bench/checkworthiness_bench.py``). They read
English news prose; they rank, they do not decide (``docs/CHECKWORTHINESS.md`` has the method, its
measured quality on claims labelled by hand and its limits).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Rule:
    """A feature found by any of its words or phrases (as written inside a sentence; "_" is a space)."""

    name: str
    weight: float
    words: str


_COMPARATIVES = "more less fewer higher lower greater larger smaller bigger faster slower cheaper better worse"
RULES: tuple[Rule, ...] = (
    Rule("a statistic", 0.8, """percent percentage rate rates average median majority minority proportion
        share total tally toll estimate estimated census survey poll figures data statistics gdp inflation
        unemployment per_cent per_capita"""),
    Rule("a comparison", 0.7, " ".join(["twice double doubled triple tripled half halved compared_with",
        "compared_to times_as", *(f"{word}_than" for word in _COMPARATIVES.split())])),
    Rule("a superlative or a rank", 0.7, """most least largest biggest highest lowest smallest longest deadliest
        worst best first last only record unprecedented never_before second third fourth fifth sixth seventh
        eighth ninth tenth"""),
    Rule("a change", 0.5, """rose risen rise rises fell fallen falls increase increased increases decrease
        decreased decreases grew grown shrank dropped drops climbed jumped surged plunged cut cuts soared decline
        declined"""),
    Rule("a cause", 0.5, """because caused causes blamed due_to led_to leads_to result_of result_in resulted_in
        as_a_result responsible_for thanks_to"""),
    Rule("an event that happened", 0.4, """killed died dead arrested seized captured signed voted approved announced
        confirmed declared imposed launched attacked struck won lost paid spent sentenced charged elected"""),
    Rule("a hedge", -0.5, """may might could perhaps possibly probably likely unlikely reportedly unclear rumour
        rumours rumor rumors speculation appear_to appears_to seem_to seems_to believed_to thought_to"""),
    Rule("an opinion", -1.0, """should must disastrous shameful disgrace disgraceful outrageous ridiculous wonderful
        terrible incompetent senile heroic heroism dignity evil great amazing beautiful sad ought_to I_think
        I_believe I_feel I_hope we_think we_believe we_feel we_hope in_my_view in_my_opinion in_our_view
        in_our_opinion"""),
    Rule("a prediction", -0.8, """will won't shall would going_to plan_to plans_to intend_to intends_to expect expects
        expected_to forecast forecasts"""),
    Rule("a state of mind", -0.6, """aware wondered wonders wanted wants hoped fear fears feared felt feels knew know
        mourning condolences solidarity"""),
)  # fmt: skip

# Phrases in which a rule's word means nothing of the rule ("at least 60 homes" is not a superlative,
# "last week" is a date): the longer match is taken first and triggers no rule.
_IDIOMS = """at_least at_most at_first at_last last_week last_weekend last_month last_year last_night last_summer
    last_winter last_spring last_autumn last_season last_monday last_tuesday last_wednesday last_thursday
    last_friday last_saturday last_sunday"""


def _trie(words, after_first: str = "") -> str:
    """Return a regular expression matching any of ``words``, shaped as a trie of their letters.

    A flat alternation of some 250 words and phrases is tried branch by branch at every position;
    as a trie, all but a few are ruled out at the first letter. Where a word is the start of a
    longer one ("won", "won't"; "last", "last week"), the longer is tried first. ``after_first``
    follows each first letter, ``{}`` standing for it.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict, first: bool = False) -> str:
        branches = [
            re.escape(char) + (after_first.format(re.escape(char)) if first else "") + pattern(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie, first=True)


# Each word or phrase (as written: "more than"), to the rule it triggers (None for an idiom).
_RULE_OF: dict[str, Rule | None] = {word.replace("_", " "): None for word in _IDIOMS.split()}
for _rule in RULES:
    for _word in _rule.words.split():
        _RULE_OF.setdefault(_word.replace("_", " "), _rule)
# Case-sensitive: a capitalised word inside a sentence is a name ("May", "Will Smith", "US"), not a rule word.
_RULE_WORDS = re.compile(rf"\b{_trie(_RULE_OF)}\b")
_FIRST_LETTER = re.compile(r"^[\W_]*\w")  # the sentence's first letter, after an opening quote or bracket

# Words capitalised inside a sentence name people, places and bodies ("Maduro", "Havana", "CIA"):
# not the first word, nor the first after a "!", a "?" or a quoted sentence's end (a full stop inside
# a claim is mostly an abbreviation's: "Lt. Col. Aaron Reyes"), nor a word that opens sentences
# ("But", "No"), a title, a day, a month or a single letter.
# (A capital, then checks behind it: much faster than a lookbehind at every position.)
_NAME = re.compile(r"[A-Z](?<![!?]\s.)(?<![.!?][\"'”’]\s.)(?<!\w.)[\w'’.-]+")
# What ends a name but is not part of it: a possessive ("Maduro's"), a hyphen.
_NAME_END = re.compile(r"(?:['’]s?|-)$")
_NOT_NAMES = frozenset(
    """I A The An This That These Those It He She We They You His Her Its Our Their There Here If In On At As But And
    Or No Not So Yet Then Now What When Where Who Why How After Before For From With By To Of All Some Many Most
    More Both Each Every Yes Still Also Even Just Only
    Mr Mrs Ms Dr Prof Gen Lt Col Sgt Capt Gov Sen Rep Cllr St Mt Ft
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec""".split()
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|we|we're|our|us|We|We're|Our|Us|My)\b(?!['’]\w)")
_QUESTION = re.compile(r"\?\s*[\"'”’»)]*\s*$")
_OPENING_QUOTE = re.compile(r"^\s*[\"“„«‘]")

# A number is a quantity unless it only tells the time, the day or a telephone number ("6 p.m.",
# "4 and 9 p.m.", "21:00", "Dec. 14", "1 March", "800-555-0123"): those say when, not how much. Two
# expressions, one opening with a digit and one with a month, each checking behind its first
# character that a word starts there: ``re`` then skips the other positions quickly.
_MONTHS = """Jan January Feb February Mar March Apr April May Jun June Jul July Aug August Sep Sept September
    Oct October Nov November Dec December""".split()
_CLOCK_OR_DAY = re.compile(
    r"\d(?<!\w\d)(?:\d?(?::\d\d)?(?:\s?(?:and|to|-|–)\s?\d\d?(?::\d\d)?)?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)"
    rf"|\d?:\d\d\b|\d?(?:st|nd|rd|th)?\s{_trie(_MONTHS)}\b|\d\d-\d{{3}}-\d{{4}}\b)"
)
_MONTH_DAY = re.compile(_trie(_MONTHS, after_first=r"(?<!\w{})") + r"\.?\s\d{1,2}(?:st|nd|rd|th)?\b(?![,.]?\d)")
_DIGITS = re.compile(r"\d[\d,.]*%?")
_NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozens?|hundreds?|thousands?|"
    r"millions?|billions?|trillions?|half|one)\b",
    re.I,
)


def checkworthiness(text: str, *, has_number: bool, has_quote: bool, speaker: str) -> Checkworthiness:
    """Return how worth checking ``text`` is, with the features found (the arguments: its signals)."""
    features: list[Feature] = []
    if has_number:
        features.append(_number(text))
    if speaker:
        features.append(Feature("names its source", 0.6, speaker))
    if has_quote:
        if _OPENING_QUOTE.match(text):
            features.append(Feature("in the speaker's own words", -0.3, text.lstrip()[:1]))
        else:
            features.append(Feature("quotes someone", 0.3, ""))
    first = _FIRST_LETTER.match(text)
    start = first.end() if first else 0
    names = [_bare_name(name) for name in _NAME.findall(text, start)]
    names = [name for name in dict.fromkeys(names) if name not in _NOT_NAMES and len(name) > 1]
    if names:
        weight = round(min(0.2 * len(names), 0.6), 2)
        features.append(Feature("names people, places or bodies", weight, ", ".join(names)[:80]))
    # The rules read the sentence with its first letter in lower case ("Most are ..."), curly apostrophes straight.
    prepared = text.replace("’", "'")
    if first:
        prepared = prepared[: start - 1] + prepared[start - 1].lower() + prepared[start:]
    found: dict[str, str] = {}
    for word in _RULE_WORDS.findall(prepared):
        rule = _RULE_OF[word]
        if rule is not None and rule.name not in found:
            found[rule.name] = word
    if "%" in text and "a statistic" not in found:
        found["a statistic"] = "%"
    for rule in RULES:
        if rule.name in found:
            features.append(Feature(rule.name, rule.weight, found[rule.name]))
    if _QUESTION.search(text):
        features.append(Feature("a question", -1.6, "?"))
    first_person = _FIRST_PERSON.search(text)
    if first_person:
        features.append(Feature("a first-person view", -0.4, first_person.group()))
    if len(text.split()) < 6:
        features.append(Feature("very short", -0.5, ""))
    total = BASE + sum(feature.weight for feature in features)
    return Checkworthiness(score=round(1 / (1 + math.exp(-total)), 3), features=tuple(features))


def _number(text: str) -> Feature:
    """Return the feature of a sentence with a number: a quantity, or only a time or a date."""
    when = _CLOCK_OR_DAY.search(text) or _MONTH_DAY.search(text)
    rest = _MONTH_DAY.sub(" ", _CLOCK_OR_DAY.sub(" ", text)) if when else text
    quantity = _DIGITS.search(rest) or _NUMBER_WORDS.search(rest)
    if when and not quantity:
        return Feature("gives a time or a date", 0.3, when.group())
    return Feature("states a number", 1.2, quantity.group().rstrip(".,") if quantity else "")


def _bare_name(word: str) -> str:
    """Return the name in ``word``: without a full stop that ends the sentence ("U.S." keeps its own), a possessive."""
    if word.endswith(".") and word.count(".") == 1:
        word = word[:-1]
    return _NAME_END.sub("", word)
