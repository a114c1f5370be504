"""The normalised claim text: what a claim is, whatever the typography of its source."""

import re
import unicodedata

# Typographic quotes and primes -> straight quotes, so "Maduro’s" and "Maduro's" are one claim.
QUOTES = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "‹": "'", "›": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
}  # fmt: skip
_QUOTE_TABLE = str.maketrans(QUOTES)

# A list line's bullet or number is layout, not part of what it says: "• 30,000 homes lost power",
# "- 30,000 homes lost power" and "1. 30,000 homes lost power" are one claim. A bullet is one of
# these characters followed by a space (or by a number: "⁃9. "); a number is one or two digits or one
# lowercase letter and ".", ")" or ".)", followed by a space and not by a digit ("1. 5 million" is
# left alone).
BULLETS = "•◦‣⁃▪▫●○■□·*-–+"
_NUMBER = r"(?:\d{1,2}|[a-z])(?:\.\)|\)|\.)"
LEADING_BULLET = re.compile(rf"^(?:[{re.escape(BULLETS)}](?:\s+|(?=\d{{1,2}}(?:\.\)|\)|\.)\s))|{_NUMBER}\s+(?!\d))+")


def normalise_claim_text(text: str) -> str:
    """Return ``text`` in Unicode NFC with straight quotes and single spaces, trimmed, without a leading bullet."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.translate(_QUOTE_TABLE).split())
    if text[:1] in BULLETS or text[:1].isdigit() or text[1:2] in ".)":
        text = LEADING_BULLET.sub("", text, count=1)
    return text


def bullet_length(text: str) -> int:
    """Return how many characters of ``text`` (as written) its leading bullets and their spaces take."""
    match = LEADING_BULLET.match(text)
    return match.end() if match else 0
