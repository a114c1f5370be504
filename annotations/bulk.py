"""Fast multi-row inserts for the loader.

On PostgreSQL rows are streamed with ``COPY`` (psycopg encodes them in C), after taking their ids
from the table's sequence when the caller needs them: several times faster than ``bulk_create``,
which builds a model instance and binds every value as a separate parameter. Elsewhere
``bulk_create`` does the job.
"""

from collections.abc import Sequence

from django.db import connection


def stored_values(model, field: str, values: Sequence) -> dict:
    """Return ``{value: pk}`` for the given values of a unique ``field`` already stored."""
    # SQLite refuses statements with more than a few thousand parameters.
    chunk_size = 5_000 if connection.vendor == "postgresql" else 500
    found = {}
    values = list(values)
    for at in range(0, len(values), chunk_size):
        chunk = values[at : at + chunk_size]
        found.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "pk"))
    return found


def insert_rows(
    model,
    fields: Sequence[str],
    rows: Sequence[tuple],
    *,
    returning: str | None = None,
) -> list[tuple]:
    """Insert ``rows`` (tuples ordered as ``fields``); return ``(id, row[returning])`` pairs if asked.

    ``returning`` names a field whose value is returned beside each new id, so callers can map
    ids back without relying on row order.
    """
    fields = list(fields)
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows])
        return [(obj.pk, getattr(obj, returning)) for obj in objs] if returning else []
    if returning is None:
        _copy(model, fields, rows)
        return []
    ids = _allocate_ids(model, len(rows))
    _copy(model, [model._meta.pk.attname, *fields], [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
    position = fields.index(returning)
    return [(pk, row[position]) for pk, row in zip(ids, rows, strict=True)]


def _allocate_ids(model, count: int) -> list[int]:
    """Take ``count`` ids from the table's identity sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, fields, rows):
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(field.column) for field in columns)
    json_positions = [i for i, field in enumerate(columns) if field.get_internal_type() == "JSONField"]
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    # The psycopg cursor underneath Django's wrapper: COPY is not part of the DB-API.
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = columns[i].get_db_prep_value(row[i], connection)
            copy.write_row(row)
