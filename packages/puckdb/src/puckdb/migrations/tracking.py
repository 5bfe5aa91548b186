"""The tracking table ``puckdb.migrations``: which migrations a database has applied.

A row is written in the same transaction as its migration, so the two cannot disagree. A
migration that runs outside a transaction gets its row first, with ``finished`` false and
``statements_done`` counting up, so that a run cut short resumes where it stopped.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from puckdb import __version__

TRACKING_SCHEMA = "puckdb"
TRACKING_TABLE = "migrations"

_CREATE = (
    f"CREATE SCHEMA IF NOT EXISTS {TRACKING_SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {TRACKING_SCHEMA}.{TRACKING_TABLE} (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration interval,
    applied_by text NOT NULL,
    finished boolean NOT NULL DEFAULT true,
    statements_done integer NOT NULL DEFAULT 0
)""",
    f"COMMENT ON TABLE {TRACKING_SCHEMA}.{TRACKING_TABLE} IS "
    "'Migrations applied by puckdb: one row per migration, written in its transaction.'",
)


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    checksum: str
    applied_at: datetime
    duration: timedelta | None
    applied_by: str
    finished: bool
    statements_done: int


def applied_by(note: str | None = None) -> str:
    """Who applies: the operating-system user and host (the database role is in the
    server's own logs), and the puckdb version; ``note`` says how, when it was not run
    ("baseline", "adopted from drizzle")."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    how = f", {note}" if note else ""
    return f"{user}@{socket.gethostname()} (puckdb {__version__}{how})"


def ensure_tracking_table(conn: psycopg.Connection[Any]) -> None:
    """Create the schema and table when missing (call under the advisory lock)."""
    if tracking_table_exists(conn):
        return
    with conn.transaction():
        for statement in _CREATE:
            conn.execute(statement)


def tracking_table_exists(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{TRACKING_SCHEMA}.{TRACKING_TABLE}",)
    ).fetchone()
    return bool(row and row[0])


def read_applied(conn: psycopg.Connection[Any]) -> list[AppliedMigration]:
    """Every recorded migration in version order; none when the table does not exist."""
    if not tracking_table_exists(conn):
        return []
    rows = conn.execute(
        f"SELECT version, name, checksum, applied_at, duration, applied_by, finished, statements_done "
        f"FROM {TRACKING_SCHEMA}.{TRACKING_TABLE} ORDER BY version"
    ).fetchall()
    return [AppliedMigration(*row) for row in rows]


def record_applied(
    conn: psycopg.Connection[Any],
    version: int,
    name: str,
    checksum: str,
    duration: timedelta,
    *,
    applied_by_note: str | None = None,
) -> None:
    conn.execute(
        f"INSERT INTO {TRACKING_SCHEMA}.{TRACKING_TABLE} "
        "(version, name, checksum, duration, applied_by, finished, statements_done) "
        "VALUES (%s, %s, %s, %s, %s, true, 0)",
        (version, name, checksum, duration, applied_by(applied_by_note)),
    )


def record_started(conn: psycopg.Connection[Any], version: int, name: str, checksum: str) -> None:
    """The row of a migration that runs outside a transaction, before its first statement."""
    conn.execute(
        f"INSERT INTO {TRACKING_SCHEMA}.{TRACKING_TABLE} "
        "(version, name, checksum, applied_by, finished, statements_done) "
        "VALUES (%s, %s, %s, %s, false, 0) ON CONFLICT (version) DO NOTHING",
        (version, name, checksum, applied_by()),
    )


def record_progress(conn: psycopg.Connection[Any], version: int, statements_done: int) -> None:
    conn.execute(
        f"UPDATE {TRACKING_SCHEMA}.{TRACKING_TABLE} SET statements_done = %s WHERE version = %s",
        (statements_done, version),
    )


def record_finished(conn: psycopg.Connection[Any], version: int, duration: timedelta) -> None:
    conn.execute(
        f"UPDATE {TRACKING_SCHEMA}.{TRACKING_TABLE} "
        "SET finished = true, duration = %s, applied_at = now() WHERE version = %s",
        (duration, version),
    )


def forget(conn: psycopg.Connection[Any], version: int) -> None:
    """Remove a migration's row (``down``), in the transaction that undid it."""
    conn.execute(f"DELETE FROM {TRACKING_SCHEMA}.{TRACKING_TABLE} WHERE version = %s", (version,))
