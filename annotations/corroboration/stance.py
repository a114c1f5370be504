"""The suggested stance of a passage towards a claim, and the words they share.

Pure text work: a passage refutes a claim, or gives context on it, when it differs on a number,
a negation or who said it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..models import Stance
from .terms import terms, token_term, tokens

# --- Settings, measured on the seeds and the benchmark (docs/CORROBORATION.md) -----------------

STRONG = 0.35  # from this similarity on, a passage that differs on a number or a negation refutes
NUMBER_CONTEXT_BEFORE, NUMBER_CONTEXT_AFTER = 3, 4  # the words around a number that say what it counts

NEGATIONS = frozenset(
    ["not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without",
     "deny", "denies", "denied"]
)  # fmt: skip
_SAYING = frozenset(
    ["say", "says", "said", "tell", "tells", "told", "announce", "announces", "announced", "state", "states",
     "stated", "report", "reports", "reported", "add", "adds", "added", "according", "declare", "declares",
     "declared", "note", "notes", "noted", "write", "writes", "wrote", "claim", "claims", "claimed"]
)  # fmt: skip
# Words that say a source spoke without naming it: "the official statement", "a source".
_GENERIC_SOURCES = frozenset(
    ["offici", "statement", "sourc", "report", "spokesman", "spokeswoman", "spokesperson", "author", "unnam",
     "anonym", "media", "press", "releas"]
)  # fmt: skip


@lru_cache(maxsize=50_000)
def _numbers(text: str) -> dict[float, set[str]]:
    """Return the numbers of ``text``, each with the terms around it (what it counts)."""
    found = tokens(text)
    result: dict[float, set[str]] = {}
    for index, token in enumerate(found):
        if token.number is None:
            continue
        before = list(reversed(found[max(0, index - NUMBER_CONTEXT_BEFORE) : index]))
        after = found[index + 1 : index + 1 + NUMBER_CONTEXT_AFTER]
        around = result.setdefault(token.number, set())
        for side in (before, after):
            for neighbour in side:
                if neighbour.text in _SAYING:  # "the government says 32": what is said, not counted
                    break
                term = token_term(neighbour)
                if term is not None and term[0].isalpha():
                    around.add(term)
    return result


@lru_cache(maxsize=50_000)
def _negation(text: str) -> str | None:
    """Return the first negating word of ``text`` ("not", "never", "didn't"...), or None."""
    lowered = text.lower().replace("’", "'")
    for match in re.finditer(r"\b[a-z]+n't\b|\b[a-z]+\b", lowered):
        word = match.group()
        if word in NEGATIONS or word.endswith("n't"):
            return word
        if word == "yet" and lowered[match.end() : match.end() + 3] == " to":
            return "yet to"
    return None


def _shown(numbers: Iterable[float]) -> str:
    return ", ".join(f"{number:,g}" for number in sorted(numbers))


def _is_year(number: float) -> bool:
    return number.is_integer() and 1900 <= number <= 2100


@lru_cache(maxsize=10_000)
def _source_terms(speaker: str) -> frozenset[str]:
    words, names = terms(speaker)
    return frozenset(words + names) - _GENERIC_SOURCES


def stance_for(
    claim_text: str, passage_text: str, *, score: float, claim_speaker: str = "", passage_speaker: str = ""
) -> tuple[str, str]:
    """Return the suggested stance of a passage towards a claim, and the reason ("" if it supports).

    A passage that differs on a number (a figure of the claim against another of the passage
    counting the same thing: they share a neighbouring word) or on a negation refutes the claim
    when it is close to it (``STRONG``), else gives context. A passage that does not give the
    claim's figure, or that names another source than the claim's, gives context.
    """
    conflicts, differences = [], []
    claim_numbers = _numbers(claim_text)
    if claim_numbers:  # (a claim without figures differs on none)
        passage_numbers = _numbers(passage_text)
        only_claim = {n: around for n, around in claim_numbers.items() if n not in passage_numbers}
        only_passage = {n: around for n, around in passage_numbers.items() if n not in claim_numbers}
        clashing = {
            (mine, theirs)
            for mine, around in only_claim.items()
            for theirs, their_around in only_passage.items()
            if around & their_around
        }
        if clashing:
            mine, theirs = {pair[0] for pair in clashing}, {pair[1] for pair in clashing}
            conflicts.append(f"number differs: {_shown(mine)} vs {_shown(theirs)}")
        missing = [n for n in only_claim if not _is_year(n) and n not in {pair[0] for pair in clashing}]
        if missing:
            differences.append(f"the passage does not give the number {_shown(missing)}")
    claim_negation, passage_negation = _negation(claim_text), _negation(passage_text)
    if (claim_negation is None) != (passage_negation is None):
        if claim_negation:
            conflicts.append(f"negation differs: the claim says “{claim_negation}”, the passage does not")
        else:
            conflicts.append(f"negation differs: the passage says “{passage_negation}”, the claim does not")
    claim_source, passage_source = _source_terms(claim_speaker), _source_terms(passage_speaker)
    if claim_source and passage_source and not claim_source & passage_source:
        differences.append(f"said by someone else: {claim_speaker} vs {passage_speaker}")
    reason = "; ".join(conflicts + differences)
    if len(reason) > 300:
        reason = reason[:299] + "…"
    if conflicts:
        return (Stance.REFUTES if score >= STRONG else Stance.CONTEXT), reason
    if differences:
        return Stance.CONTEXT, reason
    return Stance.SUPPORTS, ""


def highlighted(claim_text: str, passage_text: str) -> list[tuple[str, bool]]:
    """Split ``passage_text`` into segments, each marked True where it shares a term with the claim."""
    words, names = terms(claim_text)
    shared = set(words) | set(names)
    segments, cursor = [], 0
    for token in tokens(passage_text):
        if token_term(token) in shared:
            if token.start > cursor:
                segments.append((passage_text[cursor : token.start], False))
            segments.append((passage_text[token.start : token.end], True))
            cursor = token.end
    if cursor < len(passage_text):
        segments.append((passage_text[cursor:], False))
    return segments
