"""Check-worthiness signals of a claim: does it state a number, quote someone, name who said it?

``claim_signals(text)`` is a pure function of a claim's text, run on every new claim at load time
(``workflow.documents_load``) and once over the stored claims by migration 0008. The rules are
regular expressions and word lists: no maintained package in the registries extracts English
attribution without a statistical model, and models cannot be downloaded on the machines this
runs on (spaCy's come from GitHub). The rules run at tens of thousands of claims a second.

**Numbers.** Digits ("32", "1962", "40%", "mid-2020"), except digits glued to a name ("G7",
"F-16", "COVID-19"); and number words ("thirty-two", "two days", "a dozen", "hundreds", "half").
A capitalised number word inside a sentence is part of a name ("Air Force One") and does not
count; "one" does not count where it is a pronoun ("no one", "one of", "one another").
Ordinals written as words ("the first count") and "a number of" do not count.

**Quotes.** Double quotation marks of every kind (" “ ” „ « »), single guillemets, and single
quotes (' ‘ ’) when they open and close a passage: an opening mark after a space or the start,
a closing mark before a space, punctuation or the end. An apostrophe inside a word ("Maduro's",
"don't") or after a plural ("the Cubans' families") is not a quote.

**Speaker.** The source a claim is attributed to, found from reporting verbs ("the Cuban
government says", "Rubio said.", "President Trump told reporters", "stated that", "noted that"),
"according to X", "X said in a statement", passives with an agent ("as reported by X"), and
statements ("An official statement from the Cuban government read:", "X's statement said",
"a statement read on Cuban state TV"), where the speaker is the statement's author or outlet.
When several are found, the first in the sentence wins. The speaker is returned as written in the
sentence, with two changes so that one source reads the same wherever it stands:

- a leading article is kept but lower-cased ("The Cuban government says" -> "the Cuban
  government", as in "..., the Cuban government said Sunday");
- a trailing time ("on Sunday night", "yesterday") is dropped.

A bare pronoun ("It described", "He said", "they did not confirm") is not a useful attribution:
the speaker stays empty and the next attribution in the sentence, if any, is used. A noun phrase
with a possessive pronoun ("its armed forces stated") is kept as written. Negated reporting verbs
("has not confirmed", "were not disclosed by") and agentless passives ("has been reported") name
nobody. A statement with no author named ("the official statement said") is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from .checkworthiness import checkworthiness
from .sentences import TITLE_ABBREVIATIONS

SPEAKER_MAX_LENGTH = 200  # Claim.speaker's max_length
_MAX_SPEAKER_WORDS = 10  # a longer "noun phrase" is a clause the rules misread: no speaker


@dataclass(frozen=True)
class Signals:
    has_number: bool
    has_quote: bool
    speaker: str
    checkworthiness: float = 0.0  # the score of ``ingest.checkworthiness``
    features: tuple = ()  # its features, as stored: (name, weight, found) each


def claim_signals(text: str) -> Signals:
    """Return the check-worthiness signals of a claim's ``text``, with its score and what made it."""
    has_quote = _QUOTE.search(text) is not None
    has_number, speaker = _has_number(text), _speaker(text, quoted=has_quote)
    worth = checkworthiness(text, has_number=has_number, has_quote=has_quote, speaker=speaker)
    return Signals(
        has_number=has_number, has_quote=has_quote, speaker=speaker, checkworthiness=worth.score,
        features=tuple(tuple(row) for row in worth.as_json()),
    )  # fmt: skip


# --- Numbers ------------------------------------------------------------------------------------

_NUMBER_WORDS = (
    "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half"
)
_NUMBER = re.compile(
    # Digits not glued to a name ("G7", "F-16"); "mid-2020" is a year. (Lookbehinds after the
    # match: tested only where a digit is, which keeps the search fast.)
    r"\d(?<!\w\d)(?<![^\W\d_]-\d)|\bmid-\d"
    rf"|\b(?:{_NUMBER_WORDS})\b"
    # "one", unless a pronoun: "no one", "the one", "one of", "one another".
    r"|\bone\b(?<!\bno one)(?<!\bany one)(?<!\bevery one)(?<!\bsome one)(?<!\bthe one)(?<!\bthis one)"
    r"(?<!\bthat one)(?<!\beach one)(?<!\bwhich one)(?! of\b)(?! another\b)"
)
# A capital at the start of the sentence (after an opening quote or bracket) is not a name.
_FIRST_LETTER = re.compile(r"^[\W_]*[A-Z]")


def _has_number(text: str) -> bool:
    first = _FIRST_LETTER.match(text)
    if first:
        end = first.end()
        text = text[: end - 1] + text[end - 1].lower() + text[end:]
    return _NUMBER.search(text) is not None


# --- Quotes -------------------------------------------------------------------------------------

_QUOTE = re.compile(
    r"[\"“”„‟«»‹›″]"
    # A single quote that opens (after the start, a space or a bracket; not "'90s") and one that
    # closes later (after a non-space; not followed by a letter, so not "Maduro's").
    r"|['‘’](?<![^\s(\[{—–\"-]['‘’])(?!\d+s\b)(?=\S).*?['‘’](?<=[^\s'‘’]['‘’])(?<![^\W\d_]s['‘’])(?!\w)"
    # The same with a closing quote after a word ending in "s" ("'in combat actions'"), when the
    # passage is short: without this limit a plural possessive ("Cubans'") would close it.
    r"|['‘’](?<![^\s(\[{—–\"-]['‘’])(?!\d+s\b)(?=\S)[^'‘’]{0,300}?s['‘’](?=[\s.,;:!?)\]}—–-]|$)"
)


# --- Speaker ------------------------------------------------------------------------------------

_REPORTING_VERBS = frozenset(
    [
        *"""says said states stated adds added notes noted tells told declares declared announces announced
        mentions mentioned confirms confirmed reports reported claims claimed warns warned describes
        described suggests suggested acknowledges acknowledged insists insisted argues argued explains
        explained writes wrote tweeted posted admits admitted denies denied estimates estimated alleges
        alleged asserts asserted reveals revealed recalls recalled replies replied responds responded
        stresses stressed emphasises emphasised emphasizes emphasized concedes conceded predicts predicted
        maintains maintained discloses disclosed testifies testified urges urged vows vowed indicates
        indicated reiterates reiterated cautions cautioned counters countered observes observed remarks
        remarked comments commented contends contended read""".split(),
        *["points out", "pointed out", "points to", "pointed to"],
        # The plural present ("officials say"), leaving out the forms that are mostly nouns ("state", "report").
        *"""say tell warn insist argue confirm deny suggest acknowledge admit allege predict maintain contend
        explain""".split(),
    ]
)
# Participles that name their source after "by" ("as reported by X"), only after "be" or "as".
_BY_PARTICIPLES = frozenset(
    "said stated reported announced confirmed disclosed claimed told described quoted cited released issued "
    "published read".split()
)
# Verbs with other common senses ("the army added 32 tanks", "the attack claimed 32 lives"): they
# attribute only before "that", a colon or a comma, at the end, or in a sentence that quotes.
_AMBIGUOUS_VERBS = frozenset(
    "adds|added|claims|claimed|reports|reported|posted|writes|wrote|maintains|maintained|observes|observed|"
    "indicates|indicated|estimates|estimated|points to|pointed to".split("|")
)
_ATTRIBUTING_NEXT = re.compile(r"\s*(?:that\b|[:,.]|$)|\s+(?:on|in|to)\s+[^,.;:]{1,40}?\s+that\b")
_INVERTED_SUBJECT = re.compile(r"\s+(?:[A-Z]|the\b|an?\b)")


def _alternation(words) -> str:
    """Return a regular expression matching any of ``words``, shaped as a trie of their letters.

    ``re`` tries a flat alternation's branches one by one at every position: with 150 verbs that
    was most of the time spent on a claim. As a trie it rules out all but a few at the first letter.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


# Where an attribution may be, in one pass: a reporting verb or participle (with "by" after it, if
# it is there) or "according to".
_CUE = re.compile(
    rf"\b(?:(?P<verb>{_alternation(_REPORTING_VERBS | _BY_PARTICIPLES)})\b(?P<by> by\b)?"
    r"|(?P<according>[Aa]ccording to\b))"
)

# Between the subject and its verb: "has", "had also", "later", ... ; a form of "be" makes it passive.
_AUXILIARIES = frozenset(
    "has have had also later earlier previously repeatedly again recently then now further publicly "
    "separately officially reportedly first initially once just only still".split()
)
_PASSIVE = frozenset("is are was were be been being".split())
_NEGATIONS = frozenset("not never no n't cannot".split())
# Words that end a subject when read backwards from its verb, or an "according to" phrase forwards.
_STOP_WORDS = frozenset(
    """and or but nor yet so although though while whereas as because since if unless when whenever
    after before until once that which who whom whose what where why how than then there is are was
    were be been being has have had do does did will would can could should may might must not never
    saying adding according despite amid""".split()
)
_PREPOSITIONS = frozenset("of for from at in on with to by".split())
_ARTICLES = frozenset("the a an".split())
_APPOSITION_STARTS = _ARTICLES | {"who", "whose", "which", "himself", "herself", "itself"}
_PRONOUNS = frozenset(
    """i you he she it we they me him her us them this that these those one someone somebody anyone
    anybody everyone everybody nobody who whoever some others both all""".split()
)
_PERSONAL_PRONOUNS = frozenset("i you he she it we they".split())
_TIME_WORDS = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|"
    r"(?:last|this|next|on|late|early|earlier|later)\s+(?:the\s+)?(?:week|weekend|month|year|morning|"
    r"afternoon|evening|night|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"over\s+the\s+weekend|earlier|later)"
)
# Not before a capital: "the Sunday Times" is a name.
_TIME_TAIL = re.compile(rf"\s+(?:(?:on|in|at|during)\s+(?:the\s+)?)?{_TIME_WORDS}\b(?!\s+[A-Z]).*$")
_STATEMENT_NOUNS = r"(?:statement|communiqu[ée]|press release|announcement|message|report|note|post)"
_STATEMENT_OF = re.compile(
    rf"^(?:(?:the|a|an)\s+)?(?:(?:official|joint|written|brief|new|short|separate|government)\s+)*"
    rf"{_STATEMENT_NOUNS}\s+(?:(?:read|issued|released|published|broadcast|aired|posted|sent|carried)\s+)?"
    r"(?:from|by|of|on|through)\s+(?P<author>.+)$",
    re.IGNORECASE,
)
_STATEMENT_OWNED = re.compile(
    rf"^(?P<author>.+?)(?:'s|s')\s+(?:(?:official|joint|written|brief|new)\s+)*{_STATEMENT_NOUNS}$",
    re.IGNORECASE,
)
# A word of a name or noun phrase: letters, digits, dots ("U.S."), hyphens, inner apostrophes.
_WORD = re.compile(r"^[^\W_][\w.&'’-]*$")
_TITLES = frozenset(TITLE_ABBREVIATIONS)
_STATE = re.compile(r"^(?:[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.)$")  # "Fla.", "Calif.", "D.C."
_CONTRACTION = re.compile(r"['’](?:re|ve|d|ll|m)$")
_QUOTE_CHARS = "\"'‘’“”„«»‹›"


# The most reporting cues tried in one claim. Each costs a pass over the text, and a line of a
# megabyte repeating "he said" holds a hundred thousand of them: that took hours. A sentence has a few.
_MAX_CUES = 20


def _speaker(text: str, *, quoted: bool) -> str:
    for match in islice(_CUE.finditer(text), _MAX_CUES):
        if match.group("according"):
            speaker, _ = _phrase_after(text, match.end())
        elif match.group("by"):
            speaker = _agent(text, match)
        elif match.group("verb") in _REPORTING_VERBS:
            speaker = _subject_of(text, match, quoted=quoted)
        else:
            continue
        speaker = _tidy(speaker)
        if speaker:
            return speaker
    return ""


def _agent(text: str, cue: re.Match) -> str:
    """Return X in "was reported by X", "as announced by X"; "" elsewhere ("the deaths reported by X rose")."""
    words = text[: cue.start()].lower().split()[-2:]
    if words[-1:] and words[-1].endswith("ly"):  # "was officially announced by"
        words.pop()
    if not words or words[-1] not in _PASSIVE | {"as"} or cue.group("verb") not in _BY_PARTICIPLES:
        return ""
    if _negated(text[: cue.start()]):  # "were not immediately disclosed by"
        return ""
    return _phrase_after(text, cue.end())[0]


def _subject_of(text: str, verb: re.Match, *, quoted: bool) -> str:
    """Return the noun phrase before (or, inverted, after) the reporting ``verb``, or ""."""
    word = verb.group()
    after = text[verb.end() :]
    if word == "described" and after.startswith(" as "):
        return ""  # a participle: "a building described as a bunker"
    if word in _AMBIGUOUS_VERBS and not (quoted or _ATTRIBUTING_NEXT.match(after)):
        return ""
    if (
        word == "read"
        and not after.lstrip().startswith(":")
        and not _STATEMENT_OF.match(text[: verb.start()].strip().split(",")[-1].strip())
    ):
        return ""
    words = text[: verb.start()].split()
    if words and words[-1].lower() == "to":
        return ""  # "declined to say", "has yet to confirm": nothing said
    # Skip "has", "also", "later" ...; give up on a negated or passive verb.
    while words and (words[-1].lower() in _AUXILIARIES or _negation_or_passive(words[-1])):
        if _negation_or_passive(words.pop()):
            return ""
    phrase = _phrase_before(words)
    if phrase:
        return phrase
    # Inverted, after a quotation or a comma, at the end of a clause: '"...," said Rubio.'
    if text[: verb.start()].rstrip().endswith((",", *_QUOTE_CHARS)) and _INVERTED_SUBJECT.match(after):
        phrase, closed = _phrase_after(text, verb.end())
        if closed:
            return phrase
    return ""


def _phrase_before(words: list[str]) -> str:
    """Return the noun phrase that ``words`` end with, read backwards to a stop, or ""."""
    taken: list[str] = []
    index = len(words) - 1
    while index >= 0:
        word = words[index]
        if word.endswith(",") and not taken:
            # An apposition: "Marco Rubio, the son of Cuban immigrants, also pointed to ..."
            start = index
            while start >= 0 and not (start < index and words[start].endswith(",")):
                start -= 1
            inner = words[start + 1 : index + 1]
            if start >= 0 and inner and (inner[0].lower() in _APPOSITION_STARTS or inner[0][:1].isdigit()):
                index = start
                words = words[: start + 1]
                words[start] = words[start][:-1]
                continue
            # "The NATO chief, Mark Rutte, said": the name in the apposition is the speaker.
            inner[-1] = inner[-1][:-1]
            if start >= 0 and len(inner) <= 5 and all(_WORD.match(word) and word[:1].isupper() for word in inner):
                return " ".join(inner)
            return ""
        # "St. Petersburg, Fla. said": a place and its abbreviated state are one name.
        if word.endswith(",") and len(taken) == 1 and _STATE.match(taken[0]) and _WORD.match(word[:-1]):
            taken.insert(0, word)
            index -= 1
            continue
        if not _WORD.match(word) or (word.endswith(("'", "’")) and not word.endswith(("s'", "s’"))):
            break
        lower = word.lower()
        if lower in _STOP_WORDS:
            # "Raúl Castro and President Miguel Díaz-Canel said": "and" between two names.
            between_names = (
                lower == "and" and taken and taken[0][:1].isupper()
                and index > 0 and words[index - 1][:1].isupper() and _WORD.match(words[index - 1])
            )  # fmt: skip
            if not between_names:
                break
        taken.insert(0, word)
        if len(taken) > _MAX_SPEAKER_WORDS:
            return ""
        index -= 1
    # A phrase opening with a preposition ("In Havana the ministry said"): keep from the article on.
    while taken and taken[0].lower() in _PREPOSITIONS:
        articles = [i for i, word in enumerate(taken) if word.lower() in _ARTICLES]
        if not articles:
            return ""
        taken = taken[articles[0] :]
    while taken and taken[-1].lower() in _PREPOSITIONS | _ARTICLES:
        taken.pop()
    return " ".join(taken)


def _phrase_after(text: str, at: int) -> tuple[str, bool]:
    """Return the noun phrase starting at ``at`` ("according to X, ...", "said Rubio."), or "".

    The flag says whether punctuation ended it (rather than a stop word or too many words).
    """
    taken: list[str] = []
    closed = False
    for word in text[at:].split():
        core = word.rstrip(".,;:!?)\"'‘’“”»")
        if not core or not _WORD.match(core) or (core.lower() in _STOP_WORDS and taken):
            break
        if core.lower() in _STOP_WORDS:  # "according to which ...", "said that ..."
            return "", False
        tail = word[len(core) :]
        if tail.startswith(".") and _is_abbreviation(core + "."):
            core, tail = core + ".", tail[1:]
        taken.append(core)
        if len(taken) > _MAX_SPEAKER_WORDS + 4:  # the time tail is cut afterwards
            return "", False
        if tail:
            closed = True
            break
    else:
        closed = bool(taken)  # the end of the text
    while taken and taken[-1].lower() in _PREPOSITIONS | _ARTICLES:
        taken.pop()
    return " ".join(taken), closed


def _is_abbreviation(word: str) -> bool:
    """Return whether ``word``'s final dot is part of it ("U.S.", "Gen.") rather than a full stop."""
    return "." in word[:-1] or word[:-1] in _TITLES


def _negation_or_passive(word: str) -> bool:
    word = word.lower()
    return word in _NEGATIONS or word in _PASSIVE or word.endswith("n't")


def _negated(before: str) -> bool:
    """Return whether the last words of ``before`` negate what follows ("not", "has yet to be")."""
    words = before.lower().split()[-4:]
    return any(word in _NEGATIONS or word.endswith("n't") for word in words) or "yet to" in " ".join(words)


def _tidy(speaker: str) -> str:
    """Return ``speaker`` as shown: the statement's author, no time tail, a lower-case article."""
    if not speaker:
        return ""
    for pattern in (_STATEMENT_OF, _STATEMENT_OWNED):
        match = pattern.match(speaker)
        if match:
            speaker = match.group("author")
    speaker = _TIME_TAIL.sub("", speaker).strip()
    words = speaker.split()
    if not words or len(words) > _MAX_SPEAKER_WORDS:
        return ""
    if words[0] in ("The", "A", "An"):
        words[0] = words[0].lower()
    # "We're", "they'd": the pronoun without its contraction.
    lower = [_CONTRACTION.sub("", word.lower()) for word in words]
    if all(word in _PRONOUNS or word in _ARTICLES for word in lower) or lower[0] in _PERSONAL_PRONOUNS:
        return ""
    return " ".join(words)[:SPEAKER_MAX_LENGTH].rstrip()
