"""Editing the database behind the application's back, as an attacker with SQL access would."""
import contextlib
import re
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection

APPEND_ONLY_TABLES = ("core_auditevent", "guides_version", "review_signature", "publishing_publication")


@contextlib.contextmanager
def as_table_owner():
    """On PostgreSQL the append-only triggers refuse these edits to every role; an attacker who owns the
    tables can switch the triggers off first, which is what this does (inside the test's transaction)."""
    if connection.vendor != "postgresql":
        yield
        return
    # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now, and check
    # the tampering statement's own at once.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in APPEND_ONLY_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def sql(statement: str, params=()):
    """Run one statement as the tables' owner (append-only triggers off, on PostgreSQL)."""
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def touches_append_only(statement: str) -> bool:
    return bool(re.search(r"\b(" + "|".join(APPEND_ONLY_TABLES) + r")\b", statement))


def verify_integrity() -> tuple[int, str]:
    """(exit code, everything printed) of manage.py verify_integrity, as an operator sees it."""
    out = StringIO()
    try:
        call_command("verify_integrity", stdout=out, stderr=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()
