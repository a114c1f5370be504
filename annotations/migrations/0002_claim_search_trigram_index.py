"""A trigram index for the claim text search on PostgreSQL.

The search (``selectors.search_claims``) runs ``search_text LIKE '%term%'`` on the lower-cased
text; a GIN trigram index on that column lets selective terms skip the full scan. Other databases
get no index (SQLite has no trigram indexes). The migration creates the ``pg_trgm`` extension,
which needs a database user allowed to create extensions.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS claim_search_trgm_idx ON annotations_claim "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS claim_search_trgm_idx"]


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
