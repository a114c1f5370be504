"""The normalised claim text: what a claim is, whatever the typography of its source."""

import unicodedata

# Typographic quotes and primes -> straight quotes, so "Maduro’s" and "Maduro's" are one claim.
QUOTES = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "‹": "'", "›": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
}  # fmt: skip
_QUOTE_TABLE = str.maketrans(QUOTES)


def normalise_claim_text(text: str) -> str:
    """Return ``text`` in Unicode NFC with straight quotes and single spaces, trimmed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_QUOTE_TABLE).split())
