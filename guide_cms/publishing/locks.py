"""The lock that serialises a channel's export across machines.

On PostgreSQL, a session-level advisory lock on the database every machine
shares: two exports of a channel, from any number of machines, never
interleave. Other databases (SQLite, the embedded default) serve one machine,
where the exporter's file lock already serialises them.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager

from django.db import connection


def lock_key(name: str) -> int:
    """A signed 64-bit key for pg_advisory_lock, stable across machines and Python versions."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


@contextmanager
def database_lock(name: str):
    """Hold the database's lock called name (waiting for it) for the duration of the block."""
    if connection.vendor != "postgresql":
        yield
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        # An export waits for the one before it however long it takes: not bound by the connection's lock_timeout
        # (settings.database), which is for requests. RESET restores the connection's own setting.
        cursor.execute("SET lock_timeout = 0")
        try:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        finally:
            cursor.execute("RESET lock_timeout")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
