"""Text -> the document's check-worthy sentences, and a count of what was dropped and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .boilerplate import paragraph_rule, sentence_rule
from .normalise import normalise_claim_text
from .sentence import Sentence
from .sentences import paragraphs, split_paragraph


@dataclass
class Extraction:
    sentences: list[Sentence] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)


def extract_sentences(text: str) -> Extraction:
    """Split ``text`` into sentences, dropping boilerplate; spans index ``text`` as given."""
    result = Extraction()
    for start, end in paragraphs(text):
        rule = paragraph_rule(text[start:end])
        if rule is not None:
            result.dropped[rule.name] += 1
            continue
        for s, e in split_paragraph(text, start, end):
            claim_text = normalise_claim_text(text[s:e])
            rule = sentence_rule(claim_text)
            if rule is not None:
                result.dropped[rule.name] += 1
                continue
            result.sentences.append(Sentence(start=s, end=e, text=claim_text))
    return result
