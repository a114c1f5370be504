"""Lines that are not claims: the furniture of a news page, and fragments too short to check.

Text copied from a news site keeps the page around the article: the masthead and the menu, the
byline, photo captions and credits, a player ("Listen to this article 5 min"), related links,
newsletter and social prompts, contact lines, the copyright footer, embedded posts. Each rule says
what it drops by a name (the load summary counts drops by name) and a test:

- Line rules (scope ``PARAGRAPH``) see one line of the document as written, before it is split
  into sentences; a line they match is dropped whole. Most recognise furniture by what it says
  ("Sign up for our newsletter", "(CP Photo/Evan Marsh)", "© 2026 ..."). The last, ``heading``,
  recognises it by its shape: a short line that does not end like a sentence (no full stop,
  question or exclamation mark) is a heading, a label, a menu item, a date or a link, not a claim;
  so is a line that is one short question ("Why did the service stop?"). A line of list items
  ("• 30,000 homes lost power") is a list, not a heading, and is kept.
- Sentence rules (scope ``SENTENCE``) see each sentence's normalised text (straight quotes,
  single spaces, no leading bullet). ``fragment`` drops a single word, two or three words that do
  not end like a sentence or have no word in lower case ("Getty Images.", "March 3, 2026."), and
  a sentence none of whose words is in lower case ("Our Standards: The Meridian Trust Principles.").
- ``line_rules`` adds what only the lines around tell: the text of an embedded post
  is the line just above its "— Name (@handle) March 3, 2026"; the lines under a list's label
  ("Related coverage", "Trending", "More on this story") that read like links (no full stop) are
  the list's; and where a document separates its paragraphs by blank lines, a caption is the line
  next to a credit ("Photo Credit: Sam Reyes/The Courier") in the same block.

The first rule that matches drops the text. Why rules by content and shape, and not a word count:
the word count (every sentence of three words or fewer) dropped real sentences ("Volume was high.",
"Nobody was hurt.") and let through every piece of furniture of four words or more ("Sign up for
our newsletter", "Listen to this article 5 min", "Image source, Getty Images"). The rules are
measured on ``annotations/tests/ingest/pages/`` (``test_pages.py``; ``docs/INGEST.md``): add a
case to ``tests/ingest/test_boilerplate.py`` with every new rule, and a page when a new kind of
site shows new furniture.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .normalise import BULLETS

PARAGRAPH = "paragraph"
SENTENCE = "sentence"

# Line rules look at lines of at most this many characters: furniture is short, and a line of a
# megabyte is searched by none of them.
MAX_FURNITURE_LINE = 1000
# A line without a sentence's ending is a heading if it has at most this many words.
MAX_HEADING_WORDS = 20
# A line that is one question is a heading (a subheading) if it has at most this many words.
MAX_QUESTION_HEADING_WORDS = 10
# A caption next to a credit has at most this many words.
MAX_CAPTION_WORDS = 40

# What ends a sentence, perhaps followed by closing quotes and brackets.
SENTENCE_ENDS = ".!?…;:。！？؟।"
_CLOSERS = "\"'”’»)]*"
_OPENERS = "\"'“‘«(["
_LIST_ITEM = re.compile(rf"^\s*(?:[{re.escape(BULLETS)}]|\d{{1,2}}(?:\.\)|\)|\.)\s|[a-z](?:\.\)|\))\s)")


@dataclass(frozen=True)
class Rule:
    """A reason to drop a line or a sentence: its name, its scope and its test (a pattern or a function).

    A rule with ``needs`` is tried only on a text that holds one of them (in lower case): a cheap
    test that spares most lines a search for a pattern that can match anywhere in them.
    """

    name: str
    scope: str
    pattern: re.Pattern | None = None
    test: Callable[[str], bool] | None = field(default=None, compare=False)
    needs: tuple[str, ...] = ()
    # Every alternative of the pattern is anchored at the start ("^"): it is matched there only.
    anchored: bool = False

    def matches(self, text: str, lower: str | None = None) -> bool:
        """Tell whether the rule drops ``text`` (``lower``: the text in lower case, if known)."""
        if self.needs:
            lower = text.lower() if lower is None else lower
            if not any(need in lower for need in self.needs):
                return False
        if self.pattern is not None:
            found = self.pattern.match(text) if self.anchored else self.pattern.search(text)
            return found is not None
        assert self.test is not None
        return self.test(text)


def _rule(name: str, scope: str, pattern: str, flags: int = 0, needs: tuple[str, ...] = ()) -> Rule:
    """Return a rule of ``pattern``, anchored if it starts with "^" (as each of its alternatives then must)."""
    anchored = pattern.startswith("^") and not needs
    return Rule(name=name, scope=scope, pattern=re.compile(pattern, flags), needs=needs, anchored=anchored)


def _words(text: str) -> int:
    return len(text.split())


def _ending(text: str) -> str:
    """Return the last character of ``text`` that is not space, a closing quote or a bracket."""
    text = text.rstrip().rstrip(_CLOSERS)
    return text[-1:]


def is_heading(line: str) -> bool:
    """Tell whether ``line`` is shaped like a heading, a label or a link rather than prose."""
    words = _words(line)
    if not words or _LIST_ITEM.match(line):
        return False
    ending = _ending(line)
    if ending not in SENTENCE_ENDS:
        return words <= MAX_HEADING_WORDS
    if ending == ":":
        return words < 5  # "Key points:", "Related:"; "They set out three objections:" is a sentence
    return ending in "?？؟" and words <= MAX_QUESTION_HEADING_WORDS and _sentences(line) == 1


def _sentences(line: str) -> int:
    return len(re.findall(r"[.!?]+(?=\s|$)", line))


def is_fragment(sentence: str) -> bool:
    """Tell whether the (normalised) ``sentence`` is too fragmentary to be a claim."""
    words = sentence.split()
    if len(words) <= 1:
        return True
    capitalised = False
    for word in words[1:]:
        first = word.lstrip(_OPENERS)[:1]
        if first.islower():
            return len(words) <= 3 and _ending(sentence) not in SENTENCE_ENDS
        capitalised = capitalised or first.isupper()
    # No word after the first begins in lower case: a title, a name or a label ("Getty Images."),
    # unless its words have no case at all (Arabic, Hindi, Chinese).
    return capitalised or len(words) <= 3


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_POST_DATE = rf"(?:{_MONTH}\.? \d{{1,2}}, \d{{4}}|\d{{1,2}} {_MONTH} \d{{4}})"
_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|del|da|van|von|der|bin|al|le|la))*"
_EMAIL = r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
_PHONE = r"(?:\+?\d{1,3}[\s.\-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.\-])?\d{3}[\s.\-]\d{4}\b"
_EMAIL_ADDRESS = re.compile(_EMAIL)
# A line with an e-mail address is a contact line if it has at most this many words.
MAX_CONTACT_WORDS = 50


def _is_contact_line(line: str) -> bool:
    return _words(line) <= MAX_CONTACT_WORDS and _EMAIL_ADDRESS.search(line) is not None


_CREDIT_WORD = r"(?:Photo|Photograph|Photography|Picture|Image|Illustration|File|Video|Graphic)s?"
# A caption's credit at the end of its line: "(CP Photo/Evan Marsh)", "(Photo by Jane Doe/Getty
# Images)", "(Jane Doe/The Courier via AP)"; "Picture: PA", "Photograph: Ana Ruiz/The Ledger".
_BRACKETED_CREDIT = re.compile(
    rf"\((?:[^()]*\b{_CREDIT_WORD}\b[^()]*|[^()]*/[^()]*\bvia\b[^()]*|(?:photo|image) by [^()]*)\)", re.IGNORECASE
)
_TRAILING_CREDIT = re.compile(rf"\b(?:{_CREDIT_WORD}|credit)(?: credit)?:\s*[^.!?:]{{1,80}}$", re.IGNORECASE)


def _ends_with_credit(line: str) -> bool:
    """Tell whether ``line`` ends with a photo's credit, bracketed or after "Picture:" and the like."""
    line = line.rstrip()
    if line.endswith(")"):
        opening = line.rfind("(")
        return opening != -1 and _BRACKETED_CREDIT.fullmatch(line, opening) is not None
    colon = line.rfind(":")
    return colon != -1 and _TRAILING_CREDIT.search(line, max(0, colon - 30)) is not None


# A list's label alone on its line: the lines under it are its links.
_LIST_LABEL = re.compile(
    r"^\s*(?:related(?: (?:stories|articles|coverage|content|topics|links|reading|videos?|news))?"
    r"|read (?:more|next|also)|also read|see also|more (?:on|from|in|about) .{1,40}|more (?:for you|stories|news)"
    r"|most (?:read|popular|viewed|shared)|trending(?: now| stories| news)?|top (?:stories|news)|popular(?: now)?"
    r"|editor'?s picks|recommended(?: for you| stories)?|you (?:may|might) also (?:like|enjoy)|don'?t miss"
    r"|latest(?: news| stories)?|further reading|what to read next|in other news|elsewhere)\s*:?\s*$",
    re.IGNORECASE,
)
_POST_ATTRIBUTION = re.compile(rf"^\s*[—–\-]\s*[^()\n]{{1,80}}\(@\w{{1,30}}\)\s*{_POST_DATE}\s*$")
_CREDIT_ONLY = re.compile(
    rf"(?i)^\s*(?:{_CREDIT_WORD} ?(?:credit|source)?s?\s*[:,|]|credit\s*(?::|\.\.\.|…)|image source,)\s*\S.{{0,80}}$"
)

RULES = (
    _rule("empty line", PARAGRAPH, r"^\s*$"),
    _rule(
        "advertisement",
        PARAGRAPH,
        r"^\s*(?:advertisement|ad|sponsored(?: content)?|paid (?:content|post)|ad feedback|skip advert(?:isement)?"
        r"|story continues below(?: this)? advertisement|continue reading (?:the main story|below)"
        r"|advertisement\s*[-–—:]\s*scroll to continue)\s*$",
        re.IGNORECASE,
    ),
    _rule(
        "read-aloud notice",
        PARAGRAPH,
        r"^\s*This is read by an automated voice\.|^\s*(?i:voiced by artificial intelligence)",
    ),
    # "By Maria Okafor and Tom Lindqvist, Continental Press", "By Jane Doe | The Times",
    # "Story by Daniel Park • 1d • 3 min read"; never a sentence ("By Tuesday, the river had crested.").
    _rule(
        "byline",
        PARAGRAPH,
        rf"^\s*(?:By|BY|Story by|Written by|Words by|Analysis by)\s+{_NAME}(?:\s*(?:,|and|&)\s+{_NAME})*"
        rf"(?:\s*(?:[,|•·—–\-]|\bfor\b)\s*[^.!?]{{0,80}})?\s*$",
    ),
    _rule(
        "timestamp",
        PARAGRAPH,
        r"^\s*(?:published|updated|last updated|posted|first published|modified)\b[^.!?]{0,80}$"
        r"|^\s*\d{1,2} (?:min|mins|minutes?|hours?|hrs?|days?) ago\s*$",
        re.IGNORECASE,
    ),
    # Captions and credits: "Image caption, ...", "Photo Credit: ...", "... (CP Photo/Evan Marsh)",
    # "... Picture: PA", "... MERIDIAN/Ines Duarte/File Photo".
    _rule(
        "photo credit",
        PARAGRAPH,
        rf"^\s*(?:(?:{_CREDIT_WORD}(?: (?:credit|source|caption|illustration))?s?|pictured|caption|media caption"
        r"|credit|courtesy)\s*(?:[:|,]|\.\.\.|…))",
        re.IGNORECASE,
    ),
    Rule(name="photo credit", scope=PARAGRAPH, test=_ends_with_credit),
    _rule(
        "photo credit",
        PARAGRAPH,
        r"\b[A-Z]{2,}/[A-Z][\w.'’ \-]+(?:/File Photo)?(?: Purchase Licen[cs]ing Rights)?\s*$",
        needs=("/",),
    ),
    _rule("copyright", PARAGRAPH, r"^\s*(?:©|\(c\)\s|copyright\b)", re.IGNORECASE),
    _rule("copyright", PARAGRAPH, r"\ball rights reserved\b", re.IGNORECASE, needs=("reserved",)),
    _rule(
        "related links",
        PARAGRAPH,
        r"^\s*(?:related(?: (?:stories|articles|coverage|content|topics|links|reading|videos?|news))?"
        r"|read (?:more|next|also)|also read|see also|more (?:on|from|in|about)|more for you"
        r"|most (?:read|popular|viewed)"
        r"|trending(?: now)?|top stories|editor'?s picks|recommended|you (?:may|might) also like|watch|listen)"
        r"\s*(?:[:|›»>]|$)|" + _LIST_LABEL.pattern,
        re.IGNORECASE,
    ),
    _rule(
        "newsletter or social prompt",
        PARAGRAPH,
        r"^\s*(?:sign up|subscribe|register|get|join)\b[^.!?]{0,80}\b(?:newsletters?|inbox|alerts|briefing)\b"
        r"|^\s*(?:follow|find|like|join|connect with|message)\s+us\b"
        r"|^\s*(?:sign up|subscribe(?: now)?|sign in|log in|register|already a subscriber\b.*"
        r"|support (?:our|us)\b.*)\s*$"
        r"|^\s*download (?:the|our)\b[^.!?]{0,60}\bapp\b"
        r"|^\s*(?:share|share (?:this|on) [\w ]{1,20}|copy link|save|print|email|comments?(?: \(\d+\))?|"
        r"tweet|whatsapp|facebook|x|reddit|linkedin)\s*$",
        re.IGNORECASE,
    ),
    # A short line with an e-mail address: "Contact her at jdoe@courier.example or 555-0142."
    Rule(name="contact line", scope=PARAGRAPH, test=_is_contact_line, needs=("@",)),
    _rule(
        "contact line",
        PARAGRAPH,
        r"^\s*have a (?:news )?tip\b"
        rf"|^\s*(?:contact|reach|email|e-mail|call|phone|tel|telephone|text)\b[^.!?]{{0,40}}(?:{_EMAIL}|{_PHONE})"
        rf"|^\s*(?:tel|phone|telephone|fax)?\s*[:.]?\s*{_PHONE}\s*$",
        re.IGNORECASE,
    ),
    # Widgets: a temperature ("72°F Partly cloudy"), a player ("Listen to this article 5 min",
    # "Video duration 2:14"), markup ("<iframe src=...>").
    _rule("widget", PARAGRAPH, r"^[^.!?°]{0,30}-?\d{1,3}(?:\.\d)?\s?°\s?[FC]?(?:\s[^.!?]{0,30})?$", needs=("°",)),
    _rule(
        "widget",
        PARAGRAPH,
        r"^\s*(?:listen to this (?:article|story)|listen now|press play|play video|watch now|watch live|now playing"
        r"|video duration|audio duration)\b"
        r"|^\s*\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}\s*$",
        re.IGNORECASE,
    ),
    _rule(
        "widget",
        PARAGRAPH,
        r"^\s*</?[A-Za-z][\w:\-]*(?:\s[^<>]*)?/?>|<(?:iframe|script|style|embed|object|video|audio|img|source)\b",
        re.IGNORECASE,
        needs=("<",),
    ),
    # Mastheads and page markers: "Vol. 14--No. 266", "(Continued from page 14)", "See MARKETS, Page B4".
    _rule(
        "masthead or page marker",
        PARAGRAPH,
        r"^\s*(?i:vol(?:ume)?\.?\s*[\dIVXLC]+\b.{0,12}\bno\.?\s*\d+)"
        r"|^\s*(?i:\(?\s*(?:continued|cont(?:'|’)?d\.?)\s+(?:from|on)\s+(?:page|p\.)\s*[A-Z]?\d+\s*\)?\s*\.?\s*$)"
        r"|^\s*See [A-Z][A-Z'’\- ]+,\s*(?:Page|page|P\.)\s*[A-Z]?\d+\s*$"
        r"|^\s*(?i:page\s+[A-Z]?\d+(?:\s+of\s+\d+)?\s*$)",
    ),
    # Embedded posts: "pic.twitter.com/abc", "— Name (@handle) January 3, 2026", Instagram's frame.
    _rule("embedded post", PARAGRAPH, r"\bpic\.twitter\.com/\w+", needs=("pic.twitter.com/",)),
    _rule("embedded post", PARAGRAPH, rf"[—–]\s*[^()\n]{{1,80}}\(@\w{{1,30}}\)\s*{_POST_DATE}\s*$", needs=("(@",)),
    _rule(
        "embedded post",
        PARAGRAPH,
        r"^\s*(?:a post shared by\b|view this post on (?:instagram|x|facebook|threads)|view on (?:instagram|threads))",
        re.IGNORECASE,
    ),
    # Notes about the article rather than its news: where it first appeared, who pays for it, links
    # that earn a commission, the comment section.
    _rule(
        "publication notice",
        PARAGRAPH,
        r"\bis solely responsible for (?:all )?(?:this )?content\b|\bstandards for working with philanthropies\b",
        needs=("solely responsible", "philanthropies"),
    ),
    _rule(
        "publication notice",
        PARAGRAPH,
        r"\b(?:we|site) may (?:earn|receive) (?:a )?(?:small )?(?:commission|share of sales|affiliate)",
        re.IGNORECASE,
        needs=("may earn", "may receive"),
    ),
    _rule(
        "publication notice",
        PARAGRAPH,
        r"^\s*(?:(?:this (?:article|story|piece) (?:is|was) (?:republished|originally published"
        r"|first published|adapted)|this (?:article|story) (?:originally|first) appeared"
        r"|read the original (?:article|story))\b"
        r"|comments (?:are|have been) (?:closed|disabled|turned off)|comments?\s*\(\d+\)"
        r"|(?:sign in|log in|register)\b[^.!?]{0,60}\bto (?:comment|join the (?:discussion|conversation)))",
        re.IGNORECASE,
    ),
    Rule(name="heading", scope=PARAGRAPH, test=is_heading),
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
        needs=("contributed",),
    ),
    # "Cole covers education for Continental Press."
    _rule(
        "reporter credit",
        SENTENCE,
        r"^(?:[A-Z][\w'\-]+ ){0,2}[A-Z][\w'\-]+ (?:covers|writes about|reports on) [a-z][\w ,&'\-]{0,60} "
        r"(?:for|at) (?:the )?[A-Z][\w .,&'\-]*\.$",
    ),
    # "(Reporting by Jane Doe; Editing by John Roe)", "Lindqvist reported from Seattle."
    _rule(
        "reporter credit",
        SENTENCE,
        r"^\(?(?:Reporting|Additional reporting|Writing) by [A-Z]"
        r"|^(?:[A-Z][\w'’\-]+ ){0,2}[A-Z][\w'’\-]+ (?:reported|wrote) (?:from|this (?:story|report) from)"
        r" [A-Z][\w .,'’\-]*\.$",
    ),
    _rule("contact line", SENTENCE, _EMAIL, needs=("@",)),
    _rule("embedded post", SENTENCE, r"\bpic\.twitter\.com/\w+", needs=("pic.twitter.com/",)),
    _rule(
        "related links",
        SENTENCE,
        r"^(?:read more|click here|find out more|learn more|more here|see more)\b[^.!?]{0,40}[.!?]?$",
        re.IGNORECASE,
    ),
    _rule(
        "newsletter or social prompt",
        SENTENCE,
        r"^(?:sign up|subscribe|get)\b[^.!?]{0,80}\b(?:newsletters?|inbox)\b|^(?:follow|find|like) us\b",
        re.IGNORECASE,
    ),
    Rule(name="fragment", scope=SENTENCE, test=is_fragment),
)

PARAGRAPH_RULES = tuple(rule for rule in RULES if rule.scope == PARAGRAPH)
SENTENCE_RULES = tuple(rule for rule in RULES if rule.scope == SENTENCE)


def _checks(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, tuple[str, ...], Callable[[str], object]], ...]:
    """Return each rule with its needs and the one call that tests it (the same test as ``Rule.matches``)."""
    checks = []
    for rule in rules:
        if rule.pattern is not None:
            check: Callable[[str], object] = rule.pattern.match if rule.anchored else rule.pattern.search
        else:
            assert rule.test is not None
            check = rule.test
        checks.append((rule, rule.needs, check))
    return tuple(checks)


# Every line and every sentence of every document is tested: the loop is kept to plain calls.
_PARAGRAPH_CHECKS = _checks(PARAGRAPH_RULES)
_SENTENCE_CHECKS = _checks(SENTENCE_RULES)

_BY_NAME = {rule.name: rule for rule in RULES}


def paragraph_rule(text: str) -> Rule | None:
    """Return the rule that drops the whole line ``text``, if any (without looking at its neighbours)."""
    if len(text) > MAX_FURNITURE_LINE:
        return None
    return _first_match(_PARAGRAPH_CHECKS, text)


def sentence_rule(text: str) -> Rule | None:
    """Return the rule that drops the (normalised) sentence ``text``, if any."""
    return _first_match(_SENTENCE_CHECKS, text)


def line_rules(lines: Sequence[str]) -> list[Rule | None]:
    """Return, for each line of a document, the rule that drops it whole (or None), its neighbours seen."""
    found = [paragraph_rule(line) for line in lines]
    blank = [not line.strip() for line in lines]
    for index, line in enumerate(lines):
        if len(line) > MAX_FURNITURE_LINE:
            continue
        if _POST_ATTRIBUTION.match(line) and index and not blank[index - 1]:
            found[index - 1] = _BY_NAME["embedded post"]  # the post's text, just above its attribution
        elif _LIST_LABEL.match(line):
            for following in range(index + 1, len(lines)):
                if blank[following] or not _reads_like_a_link(lines[following]):
                    break
                found[following] = found[following] or _BY_NAME["related links"]
    if _has_blocks(blank):
        for index, (line, rule) in enumerate(zip(lines, list(found), strict=True)):
            if rule is not None and rule.name == "photo credit" and _CREDIT_ONLY.match(line):
                for neighbour in (index - 1, index + 1):
                    if _is_caption(lines, blank, found, neighbour):
                        found[neighbour] = _BY_NAME["photo credit"]
    return found


def _is_caption(lines: Sequence[str], blank: list[bool], found: list[Rule | None], index: int) -> bool:
    """Tell whether the line at ``index``, next to a credit, is that credit's caption."""
    return (
        0 <= index < len(lines)
        and not blank[index]
        and found[index] is None
        and _words(lines[index]) <= MAX_CAPTION_WORDS
    )


def _reads_like_a_link(line: str) -> bool:
    """Tell whether ``line`` reads like a link's text: a headline, not a sentence of prose."""
    return len(line) <= 200 and _ending(line) not in ".!;" and _sentences(line.rstrip("?")) == 0


def _has_blocks(blank: list[bool]) -> bool:
    """Tell whether the document separates its paragraphs by blank lines (a blank line between two others)."""
    text_lines = [index for index, is_blank in enumerate(blank) if not is_blank]
    return len(text_lines) > 1 and any(blank[text_lines[0] : text_lines[-1]])


def _first_match(checks, text: str) -> Rule | None:
    lower = None
    for rule, needs, check in checks:
        if needs:
            lower = text.lower() if lower is None else lower
            for need in needs:
                if need in lower:
                    break
            else:
                continue
        if check(text):
            return rule
    return None
