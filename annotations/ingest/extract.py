"""Text -> the document's check-worthy sentences, and a count of what was dropped and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .boilerplate import line_rules, sentence_rule
from .normalise import bullet_length, normalise_claim_text
from .sentence import Sentence
from .sentences import paragraphs, split_paragraph

REPEATED_HEADLINE = "repeated headline"


@dataclass
class Extraction:
    sentences: list[Sentence] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)


def extract_sentences(text: str, *, title: str = "", summary: str = "") -> Extraction:
    """Split ``text`` into sentences, dropping furniture; spans index ``text`` as given.

    A line that repeats the document's ``title`` or ``summary`` (the headline and standfirst the
    page shows above its text) is dropped as a "repeated headline". A sentence's span starts after
    its leading bullet ("• ", "1. "), which is not part of its claim.
    """
    result = Extraction()
    spans = list(paragraphs(text))
    rules = line_rules([text[start:end] for start, end in spans])
    repeated = {_headline_key(title), _headline_key(summary)} - {""}
    longest = max(map(len, (title, summary))) * 2
    for (start, end), rule in zip(spans, rules, strict=True):
        if repeated and end - start <= longest and _headline_key(text[start:end]) in repeated:
            result.dropped[REPEATED_HEADLINE] += 1
            continue
        if rule is not None:
            result.dropped[rule.name] += 1
            continue
        for s, e in split_paragraph(text, start, end):
            claim_text = normalise_claim_text(text[s:e])
            rule = sentence_rule(claim_text)
            if rule is not None:
                result.dropped[rule.name] += 1
                continue
            result.sentences.append(Sentence(start=_after_bullet(text, s, e, claim_text), end=e, text=claim_text))
    return result


def _headline_key(text: str) -> str:
    return normalise_claim_text(text).casefold().rstrip(".")


def _after_bullet(text: str, start: int, end: int, claim_text: str) -> int:
    """Return where the sentence at ``text[start:end]`` starts once its leading bullets are skipped."""
    skip = bullet_length(text[start:end])
    # Kept only if the shorter span still reads as the claim (it always does but for odd Unicode).
    if skip and normalise_claim_text(text[start + skip : end]) == claim_text:
        return start + skip
    return start
