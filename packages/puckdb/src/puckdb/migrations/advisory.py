"""The session advisory lock that makes one ``apply`` (or ``down``) at a time per database.

A session lock, not a transaction lock: it must outlive the one-transaction-per-migration
loop, and PostgreSQL releases it by itself when the session ends, however it ends (kill -9
included), so a crashed run never leaves the database locked.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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
    holders = read_sessions(
        conn,
        """
        SELECT l.pid FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid AND l.objsubid = 1
        """,
        (unsigned >> 32, unsigned & 0xFFFFFFFF),
    )
    return describe_session(holders[0]) if holders else "it was released just now"


@dataclass(frozen=True)
class Session:
    """Another database session, as pg_stat_activity shows it, for messages that must say
    who holds what puckdb is waiting for."""

    pid: int
    application: str | None
    user: str | None
    address: str | None
    state: str | None
    connected_since: str | None
    transaction_seconds: float | None
    """How long its transaction has been open; None outside a transaction."""
    query: str | None
    """Its current (or, when idle, last) query."""


_QUERY_SHOWN = 80


def read_sessions(conn: psycopg.Connection[Any], pids_query: str, params: Sequence[object]) -> list[Session]:
    """The sessions whose pids ``pids_query`` (one ``pid`` column) returns, by pid."""
    rows = conn.execute(
        f"""
        SELECT a.pid, a.application_name, a.usename, a.client_addr::text, a.state,
               to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'),
               extract(epoch FROM clock_timestamp() - a.xact_start)::float8,
               left(a.query, 500)
        FROM pg_stat_activity a WHERE a.pid IN ({pids_query}) ORDER BY a.pid
        """,
        params,
    ).fetchall()
    return [Session(*row) for row in rows]


def describe_session(session: Session) -> str:
    """``pid 4242, application 'psql', role alice, idle in transaction, transaction open
    12 s, query 'LOCK TABLE cards …', connected since …``: what a user needs to find the
    session, judge it and end it."""
    parts = [f"pid {session.pid}"]
    if session.application:
        parts.append(f"application {session.application!r}")
    if session.user:
        parts.append(f"role {session.user}")
    if session.address:
        parts.append(f"from {session.address}")
    if session.state:
        parts.append(session.state)
    if session.transaction_seconds is not None:
        parts.append(f"transaction open {_duration(session.transaction_seconds)}")
    if session.query:
        query = " ".join(session.query.split())
        shown = query if len(query) <= _QUERY_SHOWN else query[: _QUERY_SHOWN - 1] + "…"
        # An idle session's query is the one it last ran (e.g. the LOCK TABLE it still holds).
        last = "last " if (session.state or "").startswith("idle") else ""
        parts.append(f"{last}query {shown!r}")
    if session.connected_since:
        parts.append(f"connected since {session.connected_since}")
    return ", ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
