"""The tracking table ``puckdb.migrations``: which migrations a database has applied.

A row is written in the same transaction as its migration, so the two cannot disagree. A
migration that runs outside a transaction gets its row first, with ``finished`` false and
``statements_done`` counting up, so that a run cut short resumes where it stopped;
``statement_checksums`` holds a checksum of each statement that ran, so that the file may be
fixed after a failure as long as what already ran stays as it was. A down file that runs
outside a transaction and stops part-way records its progress the same way
(``down_statements_done``, ``down_checksums``), so the row never claims "applied" for a
migration that is half undone.
"""

from __future__ import annotations

import getpass
import hashlib
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from puckdb import __version__
from puckdb.errors import PuckdbError

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
    statements_done integer NOT NULL DEFAULT 0,
    statement_checksums text[] NOT NULL DEFAULT '{{}}',
    down_statements_done integer,
    down_checksums text[] NOT NULL DEFAULT '{{}}'
)""",
    f"COMMENT ON TABLE {TRACKING_SCHEMA}.{TRACKING_TABLE} IS "
    "'Migrations applied by puckdb: one row per migration, written in its transaction.'",
)

# Columns added after the first release, with what a table created before them gets.
_ADDED_COLUMNS = {
    "statement_checksums": "text[] NOT NULL DEFAULT '{}'",
    "down_statements_done": "integer",
    "down_checksums": "text[] NOT NULL DEFAULT '{}'",
}


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
    statement_checksums: tuple[str, ...] = ()
    """A checksum per statement that ran (see :func:`statement_checksum`), for a row whose
    migration runs outside a transaction; empty for rows written before puckdb kept them."""
    down_statements_done: int | None = None
    """Set while a down file that runs outside a transaction has stopped part-way."""
    down_checksums: tuple[str, ...] = ()


def statement_checksum(sql_text: str) -> str:
    """A short checksum of one statement's text: enough to tell that a statement which
    already ran was edited, small enough to keep one per statement in the row."""
    return hashlib.sha256(sql_text.encode()).hexdigest()[:16]


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
    """Create the schema and table when missing, and add the columns a table made by an
    older puckdb lacks (call under the advisory lock)."""
    columns = tracking_columns(conn)
    if columns is not None and not set(_ADDED_COLUMNS) - columns:
        return
    try:
        with conn.transaction():
            if columns is None:
                for statement in _CREATE:
                    conn.execute(statement)
                return
            for column, definition in _ADDED_COLUMNS.items():
                if column not in columns:
                    conn.execute(
                        sql.SQL("ALTER TABLE {}.{} ADD COLUMN IF NOT EXISTS {} {}").format(
                            sql.Identifier(TRACKING_SCHEMA),
                            sql.Identifier(TRACKING_TABLE),
                            sql.Identifier(column),
                            sql.SQL(definition),
                        )
                    )
    except pg_errors.InsufficientPrivilege as error:
        action = "create" if columns is None else "add the columns this puckdb records to"
        raise PuckdbError(
            f"This role may not {action} puckdb's tracking table {TRACKING_SCHEMA}.{TRACKING_TABLE} "
            f"({error.diag.message_primary or 'permission denied'}). Run the command once as the "
            "role that owns the schema (or give this role CREATE on the database), then again as "
            "this one."
        ) from error


def tracking_columns(conn: psycopg.Connection[Any]) -> set[str] | None:
    """The tracking table's column names; None when there is no tracking table."""
    row = conn.execute(
        "SELECT array_agg(attname::text) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
        (f"{TRACKING_SCHEMA}.{TRACKING_TABLE}",),
    ).fetchone()
    return set(row[0]) if row and row[0] else None


def read_applied(conn: psycopg.Connection[Any]) -> list[AppliedMigration]:
    """Every recorded migration in version order; none when the table does not exist.
    Reads a table made by an older puckdb too (read-only commands do not upgrade it)."""
    columns = tracking_columns(conn)
    if columns is None:
        return []
    added = [
        # A missing column reads as NULL of its type ("text[] NOT NULL …" → NULL::text[]).
        sql.Identifier(column) if column in columns else sql.SQL("NULL::" + definition.split()[0])
        for column, definition in _ADDED_COLUMNS.items()
    ]
    query = sql.SQL(
        "SELECT version, name, checksum, applied_at, duration, applied_by, finished, statements_done, {} "
        "FROM {}.{} ORDER BY version"
    ).format(sql.SQL(", ").join(added), sql.Identifier(TRACKING_SCHEMA), sql.Identifier(TRACKING_TABLE))
    return [_applied(row) for row in conn.execute(query).fetchall()]


def _applied(row: tuple[Any, ...]) -> AppliedMigration:
    version, name, checksum, applied_at, duration, by, finished, done, checksums, down_done, downs = row
    return AppliedMigration(
        version,
        name,
        checksum,
        applied_at,
        duration,
        by,
        finished,
        done,
        tuple(checksums or ()),
        down_done,
        tuple(downs or ()),
    )


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


def record_progress(conn: psycopg.Connection[Any], version: int, statements_done: int, checksum: str) -> None:
    """Statement number ``statements_done`` (1-based) ran; ``checksum`` is its
    :func:`statement_checksum`. Written by position, so a re-run of a statement replaces
    its entry rather than appending a second one."""
    conn.execute(
        f"UPDATE {TRACKING_SCHEMA}.{TRACKING_TABLE} "
        "SET statements_done = %s, statement_checksums = statement_checksums[1:%s] || %s::text "
        "WHERE version = %s",
        (statements_done, statements_done - 1, checksum, version),
    )


def record_resumed(conn: psycopg.Connection[Any], version: int, name: str, checksum: str) -> None:
    """A stopped migration resumes from a fixed file: the row takes the file's checksum."""
    conn.execute(
        f"UPDATE {TRACKING_SCHEMA}.{TRACKING_TABLE} SET name = %s, checksum = %s WHERE version = %s",
        (name, checksum, version),
    )


def record_down_progress(
    conn: psycopg.Connection[Any], version: int, statements_done: int, checksum: str
) -> None:
    """Statement ``statements_done`` of a down file running outside a transaction ran."""
    conn.execute(
        f"UPDATE {TRACKING_SCHEMA}.{TRACKING_TABLE} "
        "SET down_statements_done = %s, down_checksums = down_checksums[1:%s] || %s::text "
        "WHERE version = %s",
        (statements_done, statements_done - 1, checksum, version),
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
