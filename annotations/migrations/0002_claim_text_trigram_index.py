"""A trigram index for the claim text search on PostgreSQL.

Django's ``text__icontains`` (the admin's and the API's search) becomes
``UPPER("text"::text) LIKE UPPER(%s)`` on PostgreSQL; a GIN trigram index on exactly that expression
lets it skip the full scan. Other databases get no index (SQLite has no trigram indexes).
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS claim_text_trgm_idx ON annotations_claim '
    'USING gin ((UPPER("text"::text)) gin_trgm_ops)',
]
DROP = ["DROP INDEX IF EXISTS claim_text_trgm_idx"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
