"""The session advisory lock that makes one ``apply`` (or ``down``) at a time per database.

A session lock, not a transaction lock: it must outlive the one-transaction-per-migration
loop, and PostgreSQL releases it by itself when the session ends, however it ends (kill -9
included), so a crashed run never leaves the database locked.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from puckdb.errors import PuckdbError

# One key for every puckdb on every database (advisory locks are per database anyway),
# derived from a name rather than picked, to stay clear of applications' own small keys.
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"puckdb.migrations").digest()[:8], "big", signed=True)
_POLL_SECONDS = 0.05


class MigrationLockTimeoutError(PuckdbError):
    """Another session held the migration lock for longer than we were willing to wait."""


@contextmanager
def migration_lock(conn: psycopg.Connection[Any], wait_seconds: float) -> Iterator[None]:
    """Hold the migration lock on ``conn``'s database for the ``with`` block.

    Waits up to ``wait_seconds`` for another holder, then raises
    :class:`MigrationLockTimeoutError` naming the session that holds it.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
        if row and row[0]:
            break
        if time.monotonic() >= deadline:
            raise MigrationLockTimeoutError(
                f"Another puckdb session is applying or rolling back migrations on this database "
                f"({_describe_holder(conn)}); waited {wait_seconds:g} s for it. Wait for it to finish and "
                "run the command again, or raise the wait with --lock-wait SECONDS. If that session is "
                "stuck, end it with SELECT pg_terminate_backend(<pid>)."
            )
        time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        if not conn.closed and not conn.broken:
            conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))


def _describe_holder(conn: psycopg.Connection[Any]) -> str:
    unsigned = ADVISORY_KEY & 0xFFFFFFFFFFFFFFFF
    row = conn.execute(
        """
        SELECT l.pid, a.application_name, a.client_addr::text, a.usename,
               to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ')
        FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid AND l.objsubid = 1
        """,
        (unsigned >> 32, unsigned & 0xFFFFFFFF),
    ).fetchone()
    if row is None:
        return "it was released just now"
    pid, application, address, user, started = row
    parts = [f"pid {pid}"]
    if application:
        parts.append(f"application {application!r}")
    if user:
        parts.append(f"role {user}")
    if address:
        parts.append(f"from {address}")
    if started:
        parts.append(f"connected since {started}")
    return ", ".join(parts)
