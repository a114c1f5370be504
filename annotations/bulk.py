"""Fast multi-row inserts for the loader.

On PostgreSQL one ``INSERT ... SELECT FROM unnest(arrays)`` statement writes a whole batch in a
single round trip (several times faster than ``bulk_create``, which builds a model instance and
a parameter tuple per row). Elsewhere ``bulk_create`` does the job.
"""

import json
from collections.abc import Sequence

from django.db import connection


def insert_rows(model, fields: Sequence[str], rows: Sequence[tuple], *, returning: str | None = None):
    """Insert ``rows`` (tuples ordered as ``fields``) and return ``(id, returning)`` pairs if asked.

    ``returning`` names a field whose value is returned beside each new id, so callers can map
    ids back without relying on row order.
    """
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _insert_unnest(model, fields, rows, returning)
    objs = model.objects.bulk_create([model(**dict(zip(fields, row))) for row in rows])
    if returning is None:
        return []
    return [(obj.pk, getattr(obj, returning)) for obj in objs]


def _insert_unnest(model, fields, rows, returning):
    opts = model._meta
    quote = connection.ops.quote_name
    columns, casts, arrays = [], [], []
    for index, name in enumerate(fields):
        field = opts.get_field(name)
        columns.append(quote(field.column))
        db_type = field.db_type(connection)
        values = [row[index] for row in rows]
        if db_type == "jsonb":
            values = [json.dumps(v) for v in values]
        casts.append(f"%s::{db_type}[]")
        arrays.append(values)
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(columns)}) "
        f"SELECT * FROM unnest({', '.join(casts)})"
    )
    if returning:
        sql += f" RETURNING {quote(opts.pk.column)}, {quote(opts.get_field(returning).column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [tuple(r) for r in cursor.fetchall()] if returning else []
