"""Compute the check-worthiness signals of the claims stored before 0007 added them.

Claims loaded from now on get them at load time (``workflow.documents_load``); this fills in the
rest with the same function. Claims are read by id in batches (a walk along the primary key: flat
memory and one indexed query per batch, however many claims there are), and only claims with a
signal are written back, since the columns default to "none". Signals are derived from the text,
not an editor's change: neither ``version`` nor ``updated_at`` moves, and no history is written.

The write is raw SQL: ``bulk_update`` sends a ``CASE`` with a branch per row, which PostgreSQL
evaluates branch by branch for every row (896 claims/s over 90,000 claims); one ``UPDATE ... FROM
unnest(...)`` per batch joins the new values by id instead.
"""

from django.db import migrations

from annotations.ingest.signals import claim_signals

BATCH_SIZE = 2_000


def backfill_signals(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    connection = schema_editor.connection
    claims = Claim.objects.using(connection.alias)
    last_id = 0
    while batch := list(claims.filter(id__gt=last_id).order_by("id").values_list("id", "text")[:BATCH_SIZE]):
        last_id = batch[-1][0]
        changed = []
        for pk, text in batch:
            signals = claim_signals(text)
            if signals.has_number or signals.has_quote or signals.speaker:
                changed.append((pk, signals.has_number, signals.has_quote, signals.speaker))
        if changed:
            _write(connection, connection.ops.quote_name(Claim._meta.db_table), changed)


def _write(connection, table: str, rows: list[tuple]) -> None:
    """Set ``(id, has_number, has_quote, speaker)`` for each of ``rows``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, numbers, quotes, speakers = (list(column) for column in zip(*rows))
            cursor.execute(
                f"UPDATE {table} AS claim SET has_number = new.has_number, has_quote = new.has_quote, "
                "speaker = new.speaker "
                "FROM unnest(%s::bigint[], %s::boolean[], %s::boolean[], %s::text[]) "
                "AS new (id, has_number, has_quote, speaker) WHERE claim.id = new.id",
                [ids, numbers, quotes, speakers],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET has_number = %s, has_quote = %s, speaker = %s WHERE id = %s",
                [(number, quote, speaker, pk) for pk, number, quote, speaker in rows],
            )


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0007_claim_signals_and_suggestions"),
    ]

    operations = [
        # Going back, 0007 drops the columns: nothing to undo here.
        migrations.RunPython(backfill_signals, migrations.RunPython.noop, elidable=True),
    ]
