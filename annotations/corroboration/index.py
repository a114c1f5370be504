"""The candidate index: for each claim, the other claims close enough to suggest, with their scores.

``CandidateIndex`` is what suggestions need from it; ``TermIndex``, an inverted index of the rarer
terms kept in the database and scored by TF-IDF cosine, is the one implementation, chosen by
``candidate_index()``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from django.db import connection

from .. import bulk
from ..models import Claim, TermCount, TermPosting
from ._queries import among, chunks, ids_per_query
from .terms import similarities, term_counts, weighted

# --- Settings, measured on the seeds and the benchmark (docs/CORROBORATION.md) -----------------

THRESHOLD = 0.15  # the least cosine similarity suggested
INDEX_MAX_CLAIMS = 500  # a term held by more claims is too common to look candidates up by
QUERY_TERMS = 8  # the rarest terms of a claim used to look up its candidates...
QUERY_POSTINGS = 1_000  # ...as long as they hold this many claims between them
MAX_CANDIDATES = 50  # candidates scored exactly per claim, those sharing the rarest terms first
READ_CHUNK = 2_000  # claims read at a time by a rebuild

# --- The interface ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimText:
    text: str
    speaker: str


class ClaimTexts(dict[int, ClaimText]):
    """Claims' texts and speakers by id, each read from the database once and then kept."""

    def read(self, claim_ids: Iterable[int]) -> None:
        """Read the claims not held yet (a claim deleted meanwhile stays missing)."""
        wanted = sorted(set(claim_ids) - self.keys())
        for chunk in chunks(wanted, ids_per_query()):
            rows = Claim.objects.filter(among("pk", chunk)).values_list("pk", "text", "speaker")
            for pk, text, speaker in rows:
                self[pk] = ClaimText(text, speaker)


class CandidateIndex(Protocol):
    """Finds, for each claim, the other claims whose sentences may state the same fact.

    Its data is derived from the claims and kept in the caller's transaction.
    """

    def add(self, claim_ids: Sequence[int], texts: ClaimTexts) -> None:
        """Index claims not indexed before; ``texts`` holds theirs."""

    def rebuild(self) -> int:
        """Index every claim from scratch, dropping what was indexed; return how many claims it holds."""

    def candidates(self, claim_ids: Sequence[int], texts: ClaimTexts) -> dict[int, list[tuple[int, float]]]:
        """Return ``{claim: [(other claim, score), ...]}`` for the indexed others close enough to suggest.

        ``texts`` holds the claims' texts and may be given the candidates' as they are read. Every
        claim of ``claim_ids`` is a key; a score is a similarity from 0 to 1.
        """


def candidate_index() -> CandidateIndex:
    """Return the index suggestions are computed with: the one place it is chosen."""
    return TermIndex()


# --- The term index -----------------------------------------------------------------------------
# Candidates come from an inverted index of the rarer terms (``TermPosting``), and the TF-IDF
# statistics are counts kept up to date as claims are added (``TermCount``): every lookup reads a
# bounded number of rows per claim, and nothing reads the whole corpus again.


class TermIndex:
    """Candidates sharing a claim's rarest terms, scored by the cosine of TF-IDF vectors.

    Scores of ``THRESHOLD`` or more are returned.
    """

    def add(self, claim_ids: Sequence[int], texts: ClaimTexts) -> None:
        """Count the claims' terms and index their rare ones (claims not indexed before)."""
        if not claim_ids:
            return
        counts = term_counts([texts[pk].text for pk in claim_ids])
        added: Counter[int] = Counter()
        for features in _features_by_row(counts):
            added.update(features.tolist())
        added[TermCount.ALL_CLAIMS] = len(claim_ids)
        before = _stored_counts(added)
        _add_counts(added)
        after = {feature: before.get(feature, 0) + n for feature, n in added.items()}
        rows = [
            (int(feature), claim_id)
            for claim_id, features in zip(claim_ids, _features_by_row(counts), strict=True)
            for feature in features
            if after[feature] <= INDEX_MAX_CLAIMS
        ]
        bulk.insert_rows(TermPosting, ["term", "claim_id"], rows)
        # Terms that have just become too common: their postings will never be read again.
        crossed = [f for f, n in after.items() if n > INDEX_MAX_CLAIMS >= before.get(f, 0) and f >= 0]
        for chunk in chunks(crossed, ids_per_query()):
            TermPosting.objects.filter(among("term", chunk)).delete()

    def rebuild(self) -> int:
        """Count and index every claim from scratch; return how many claims it holds."""
        TermPosting.objects.all().delete()
        TermCount.objects.all().delete()
        frequency: Counter[int] = Counter()
        total = 0
        for ids, counts in _all_claim_counts():
            for features in _features_by_row(counts):
                frequency.update(features.tolist())
            total += len(ids)
        frequency[TermCount.ALL_CLAIMS] = total
        bulk.insert_rows(TermCount, ["term", "claims"], sorted(frequency.items()))
        for ids, counts in _all_claim_counts():
            rows = [
                (int(feature), claim_id)
                for claim_id, features in zip(ids, _features_by_row(counts), strict=True)
                for feature in features
                if frequency[int(feature)] <= INDEX_MAX_CLAIMS
            ]
            bulk.insert_rows(TermPosting, ["term", "claim_id"], rows)
        return total

    def candidates(self, claim_ids: Sequence[int], texts: ClaimTexts) -> dict[int, list[tuple[int, float]]]:
        """Return ``{claim: [(other claim, similarity), ...]}`` for the pairs at ``THRESHOLD`` or more.

        The candidates' texts are read into ``texts``.
        """
        counts = term_counts([texts[pk].text for pk in claim_ids])
        frequency = _stored_counts([*np.unique(counts.indices).tolist(), TermCount.ALL_CLAIMS])
        total = frequency.get(TermCount.ALL_CLAIMS, 0)
        candidates = _candidates(claim_ids, counts, frequency, total)
        texts.read({c for found in candidates for c in found})
        candidates = [[c for c in found if c in texts] for found in candidates]  # (a claim deleted since)
        others = sorted({c for found in candidates for c in found})
        position = {pk: row for row, pk in enumerate(others)}
        other_counts = term_counts([texts[pk].text for pk in others])
        frequency.update(_stored_counts(set(np.unique(other_counts.indices).tolist()) - frequency.keys()))
        mine, theirs = weighted(counts, frequency, total), weighted(other_counts, frequency, total)
        left = [row for row, found in enumerate(candidates) for _ in found]
        right = [position[c] for found in candidates for c in found]
        scores = similarities(mine[left], theirs[right]) if left else np.zeros(0)
        result: dict[int, list[tuple[int, float]]] = {pk: [] for pk in claim_ids}
        for row, column, score in zip(left, right, scores.tolist(), strict=True):
            if score >= THRESHOLD:
                result[claim_ids[row]].append((others[column], score))
        return result


def _features_by_row(counts: sp.csr_matrix) -> list[np.ndarray]:
    return [counts.indices[counts.indptr[row] : counts.indptr[row + 1]] for row in range(counts.shape[0])]


def _stored_counts(features: Iterable[int]) -> dict[int, int]:
    """Return ``{feature: claims holding it}`` for the features counted so far."""
    found: dict[int, int] = {}
    for chunk in chunks(sorted(set(features)), ids_per_query()):
        found.update(TermCount.objects.filter(among("term", chunk)).values_list("term", "claims"))
    return found


def _add_counts(added: dict[int, int]) -> None:
    """Add ``added[feature]`` to each feature's count of claims, creating the rows missing."""
    rows = sorted(added.items())  # always the same order, so that concurrent loads cannot deadlock
    table = connection.ops.quote_name(TermCount._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (term, claims) SELECT * FROM unnest(%s::integer[], %s::integer[]) "
                f"ON CONFLICT (term) DO UPDATE SET claims = {table}.claims + EXCLUDED.claims",
                [[term for term, _ in rows], [count for _, count in rows]],
            )
            return
        for chunk in chunks(rows, 400):
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (term, claims) VALUES {values} "
                f"ON CONFLICT (term) DO UPDATE SET claims = {table}.claims + excluded.claims",
                [value for row in chunk for value in row],
            )


def _postings(features: Iterable[int]) -> dict[int, list[int]]:
    """Return ``{feature: ids of the claims holding it}`` from the index."""
    found = defaultdict(list)
    for chunk in chunks(sorted(set(features)), ids_per_query()):
        for term, claim_id in TermPosting.objects.filter(among("term", chunk)).values_list("term", "claim_id"):
            found[term].append(claim_id)
    return found


def _candidates(
    claim_ids: Sequence[int], counts: sp.csr_matrix, frequency: dict[int, int], total: int
) -> list[list[int]]:
    """Return, for each claim, up to ``MAX_CANDIDATES`` other claims sharing its rarest terms.

    Candidates are ranked by the inverse document frequencies of the terms they share with the
    claim, added up: a sparse product of the claims' chosen terms by the index's postings.
    """
    chosen = []
    for features in _features_by_row(counts):
        usable = sorted((frequency.get(int(f), 0), int(f)) for f in features)
        picked: list[tuple[int, float]] = []
        postings = 0
        for n, feature in usable:
            if n < 2 or n > INDEX_MAX_CLAIMS:
                continue  # held by this claim alone, or too common to be indexed
            if len(picked) == QUERY_TERMS or postings + n > QUERY_POSTINGS:
                break
            picked.append((feature, math.log((1 + total) / (1 + n)) + 1))
            postings += n
        chosen.append(picked)
    held_by = _postings(feature for picked in chosen for feature, _ in picked)
    terms_at = {feature: column for column, feature in enumerate(held_by)}
    others = sorted({other for found in held_by.values() for other in found})
    if not others:
        return [[] for _ in claim_ids]
    others_at = {pk: column for column, pk in enumerate(others)}
    rows = [(row, terms_at[f], idf) for row, picked in enumerate(chosen) for f, idf in picked if f in terms_at]
    wanted = sp.csr_matrix(
        ([idf for _, _, idf in rows], ([r for r, _, _ in rows], [c for _, c, _ in rows])),
        shape=(len(claim_ids), len(terms_at)),
    )
    cells = [(terms_at[f], others_at[pk]) for f, found in held_by.items() for pk in found]
    held = sp.csr_matrix(
        (np.ones(len(cells)), ([t for t, _ in cells], [o for _, o in cells])), shape=(len(terms_at), len(others))
    )
    weights = (wanted @ held).tocsr()
    result = []
    for row, claim_id in enumerate(claim_ids):
        columns = weights.indices[weights.indptr[row] : weights.indptr[row + 1]]
        values = weights.data[weights.indptr[row] : weights.indptr[row + 1]].copy()
        own = others_at.get(claim_id)
        if own is not None:
            values[columns == own] = -1.0
        if len(values) > MAX_CANDIDATES:
            best = np.argpartition(-values, MAX_CANDIDATES)[:MAX_CANDIDATES]
            columns, values = columns[best], values[best]
        result.append([others[c] for c, v in zip(columns.tolist(), values.tolist(), strict=True) if v > 0])
    return result


def _all_claim_counts() -> Iterator[tuple[list[int], sp.csr_matrix]]:
    """Yield (claim ids, term counts) for every claim, ``READ_CHUNK`` at a time, in id order."""
    last = 0
    while rows := list(Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "text")[:READ_CHUNK]):
        last = rows[-1][0]
        yield [pk for pk, _ in rows], term_counts([text for _, text in rows])
