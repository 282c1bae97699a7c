"""Operations shared by migrations (kept stable: applied migrations import them)."""
from django.db import migrations


def run_on_postgresql(forward_sql: str, backward_sql: str) -> migrations.RunPython:
    """A migration operation that runs forward_sql (backward_sql when unapplied) on PostgreSQL only:
    the append-only triggers are PL/pgSQL; SQLite gets none (the sealed audit trail still reports edits)."""

    def on_postgresql(sql):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)  # params=None: '%' in PL/pgSQL is not a placeholder

        return run

    return migrations.RunPython(on_postgresql(forward_sql), on_postgresql(backward_sql))
