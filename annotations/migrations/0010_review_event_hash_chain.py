"""Chain every review event to the claim's previous one by hash; on PostgreSQL, refuse history changes.

The events stored before this migration get their hashes here, claim by claim in id order, with
the same function the workflow uses (``annotations.history.event_hash``). Then, on PostgreSQL, a
trigger refuses every UPDATE and DELETE of a review event or a published correction, whoever
sends it: the model layer refuses them already, and this holds for SQL sent around the app too.
(SQLite has the model layer only.)
"""

from django.db import migrations, models

from annotations.history import HASHED_FIELDS, event_hash

BATCH_SIZE = 2_000

APPEND_ONLY_TABLES = {
    "annotations_reviewevent": "Review history is append-only: events cannot be updated or deleted.",
    "annotations_correction": "Corrections are published: they cannot be changed or deleted.",
}


def hash_stored_events(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    ReviewEvent = apps.get_model("annotations", "ReviewEvent")
    alias = schema_editor.connection.alias
    claims, events = Claim.objects.using(alias), ReviewEvent.objects.using(alias)
    last_id = 0
    while batch := list(claims.filter(id__gt=last_id).order_by("id").values_list("id", "text_hash")[:BATCH_SIZE]):
        first_id, last_id = batch[0][0], batch[-1][0]
        previous = dict(batch)
        rows = events.filter(claim_id__gte=first_id, claim_id__lte=last_id).order_by("claim_id", "id")
        changed = []
        for row in rows.values("id", "claim_id", *HASHED_FIELDS):
            digest = previous[row["claim_id"]] = event_hash(previous[row["claim_id"]], row)
            changed.append(ReviewEvent(id=row["id"], hash=digest))
        events.bulk_update(changed, ["hash"], batch_size=BATCH_SIZE)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, message in APPEND_ONLY_TABLES.items():
        schema_editor.execute(
            f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege';
            END $$;
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
            """
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}; DROP FUNCTION IF EXISTS {table}_append_only();"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0009_corroboration_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewevent",
            name="hash",
            field=models.CharField(
                default="",
                editable=False,
                help_text="SHA-256 of the event chained to the claim's previous event (annotations.history).",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(hash_stored_events, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
