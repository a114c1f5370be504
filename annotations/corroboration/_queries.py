"""Reading rows by long lists of ids, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

T = TypeVar("T")


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield ``values`` ``size`` at a time."""
    for at in range(0, len(values), size):
        yield values[at : at + size]


def ids_per_query() -> int:
    """Return how many ids one query may filter on."""
    # SQLite refuses statements with more than a few thousand parameters; PostgreSQL gets one array.
    return 1_000_000 if connection.vendor == "postgresql" else 500


def among(field: str, values: Sequence[int]) -> Q:
    """Return the condition "``field`` is one of ``values``" (whole numbers)."""
    if connection.vendor == "postgresql":
        # One array parameter: a list of thousands of placeholders costs more to build than to run.
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [list(values)])})
    return Q(**{f"{field}__in": list(values)})
