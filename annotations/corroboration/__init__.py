"""Cross-source corroboration: passages of other documents that state the same fact as a claim.

``terms`` (words, TF-IDF vectors) and ``stance`` (supports, refutes, context) are pure text work;
``index`` finds each claim's candidate passages with their scores, behind ``CandidateIndex``;
``suggestions`` writes the ``Suggestion`` rows from them. ``docs/CORROBORATION.md`` explains the
method, its measured precision and recall and its limits.
Callers use the names re-exported here.
"""

from .index import INDEX_MAX_CLAIMS, MAX_CANDIDATES, QUERY_POSTINGS, QUERY_TERMS, THRESHOLD
from .stance import NUMBER_CONTEXT_AFTER, NUMBER_CONTEXT_BEFORE, STRONG, highlighted, stance_for
from .suggestions import CHUNK, MAX_SUGGESTIONS, suggestions_after_load, suggestions_rebuild
from .terms import NAME_WEIGHT, TERMS_CACHE, tokens

__all__ = [
    "CHUNK",
    "INDEX_MAX_CLAIMS",
    "MAX_CANDIDATES",
    "MAX_SUGGESTIONS",
    "NAME_WEIGHT",
    "NUMBER_CONTEXT_AFTER",
    "NUMBER_CONTEXT_BEFORE",
    "QUERY_POSTINGS",
    "QUERY_TERMS",
    "STRONG",
    "TERMS_CACHE",
    "THRESHOLD",
    "highlighted",
    "stance_for",
    "suggestions_after_load",
    "suggestions_rebuild",
    "tokens",
]
