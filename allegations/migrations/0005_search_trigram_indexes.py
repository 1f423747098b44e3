"""Trigram indexes for the lists' text search (reference or location contains the words typed).

`icontains` is `UPPER(col::text) LIKE UPPER('%…%')`: a B-tree cannot serve a leading wildcard, so at
100,000 allegations a rare match meant reading the whole table (README "Load test"). PostgreSQL only:
pg_trgm is a trusted extension (the database owner may create it); SQLite keeps scanning its small table.
"""

from django.db import migrations

INDEXES = [
    ("allegation_reference_trgm", "reference"),
    ("allegation_location_trgm", "location"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON allegations_allegation USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
    # Statistics on the indexed expressions, so the planner knows a rare match is rare.
    schema_editor.execute("ANALYZE allegations_allegation")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("allegations", "0004_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
