"""Lines that are not claims: adverts, read-aloud notices, reporter credits, fragments.

Each rule is data: a name (shown in the load summary as the reason a line was dropped), the
scope it is tested on, and a regular expression searched in the text. Paragraph rules see a
whole line of the document before it is split into sentences; sentence rules see each sentence's
normalised text (straight quotes, single spaces). The first rule that matches drops the text.
To drop a new kind of line, add a rule here and a case to ``tests/ingest/test_boilerplate.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH = "paragraph"
SENTENCE = "sentence"


@dataclass(frozen=True)
class Rule:
    name: str
    scope: str
    pattern: re.Pattern

    def matches(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def _rule(name: str, scope: str, pattern: str) -> Rule:
    return Rule(name=name, scope=scope, pattern=re.compile(pattern))


RULES = (
    _rule("empty line", PARAGRAPH, r"^\s*$"),
    _rule("advertisement", PARAGRAPH, r"^\s*(?:Advertisement|ADVERTISEMENT)\s*$"),
    _rule("read-aloud notice", PARAGRAPH, r"^\s*This is read by an automated voice\."),
    # "Rodríguez writes for the Associated Press."
    _rule(
        "reporter credit",
        SENTENCE,
        r"^(?:[A-Z][\w'.\-]*,? ){0,4}(?:[A-Z][\w'.\-]*) writes? for (?:the )?[A-Z][\w .,&'\-]*\.$",
    ),
    # "Associated Press reporters ... contributed to this report."
    _rule(
        "reporter credit",
        SENTENCE,
        r"\bcontributed(?: reporting)? to this (?:report|story|article)\.$",
    ),
    # "(Reporting by Jane Doe; Editing by John Roe)"
    _rule("reporter credit", SENTENCE, r"^\(?(?:Reporting|Additional reporting|Writing) by [A-Z]"),
    # Fewer than four words ("Read more.", "Photo: Reuters") cannot carry a checkable claim.
    _rule("too short", SENTENCE, r"^\s*(?:\S+\s+){0,2}\S*\s*$"),
)

PARAGRAPH_RULES = tuple(rule for rule in RULES if rule.scope == PARAGRAPH)
SENTENCE_RULES = tuple(rule for rule in RULES if rule.scope == SENTENCE)


def paragraph_rule(text: str) -> Rule | None:
    """Return the rule that drops the whole paragraph ``text``, if any."""
    return _first_match(PARAGRAPH_RULES, text)


def sentence_rule(text: str) -> Rule | None:
    """Return the rule that drops the (normalised) sentence ``text``, if any."""
    return _first_match(SENTENCE_RULES, text)


def _first_match(rules, text: str) -> Rule | None:
    for rule in rules:
        if rule.pattern.search(text):
            return rule
    return None
