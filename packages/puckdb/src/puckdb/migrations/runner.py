"""Running a migration file's statements, with errors that name the file, the statement,
its line and PostgreSQL's position."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from puckdb.errors import PuckdbError
from puckdb.migrations.sqltext import SqlStatement
from puckdb.sqlerrors import describe_statement_error


class MigrationSqlError(PuckdbError):
    """PostgreSQL rejected a statement of a migration (or down) file."""


def script_of(statements: Sequence[SqlStatement] | Sequence[str]) -> bytes:
    """The statements as one query string, for one round trip. Each is terminated on a line
    of its own, so a statement ending in a ``--`` comment cannot swallow the semicolon."""
    texts = [s.sql if isinstance(s, SqlStatement) else s for s in statements]
    return "".join(f"{text}\n;\n" for text in texts).encode()


def run_in_transaction(
    conn: psycopg.Connection[Any],
    statements: Sequence[SqlStatement],
    path: Path,
    *,
    then: Callable[[], None] = lambda: None,
    lock_timeout_seconds: float | None = None,
) -> None:
    """Run ``statements`` and ``then`` in one transaction on an autocommit connection.

    The statements go as one script (one round trip instead of one per statement: 3x faster
    on a large migration). When PostgreSQL rejects the script, it is rolled back and run
    again statement by statement, to name the statement that fails.
    """
    setting = (
        f"SET LOCAL lock_timeout = '{int(lock_timeout_seconds * 1000)}ms'\n;\n".encode()
        if lock_timeout_seconds is not None
        else b""
    )
    try:
        with conn.transaction():
            conn.execute(setting + script_of(statements))
            then()
        return
    except psycopg.Error:
        pass
    with conn.transaction():
        if setting:
            conn.execute(setting)
        run_statements(conn, statements, path, lock_timeout_seconds=lock_timeout_seconds)
        then()


def run_statements(
    conn: psycopg.Connection[Any],
    statements: Sequence[SqlStatement],
    path: Path,
    *,
    first: int = 0,
    after_each: Callable[[int], None] | None = None,
    rolled_back: bool = True,
    lock_timeout_seconds: float | None = None,
) -> None:
    """Execute ``statements[first:]`` on ``conn``; ``after_each(n)`` runs after statement
    number ``n`` (1-based) succeeded. ``rolled_back`` says whether a failure undoes the
    statements before it (inside a transaction) or not, for the error message."""
    for number, statement in enumerate(statements[first:], start=first + 1):
        try:
            conn.execute(statement.sql.encode())  # bytes: run as written, no %-placeholders
        except psycopg.Error as error:
            raise MigrationSqlError(
                _failure(error, statement, number, path, rolled_back, lock_timeout_seconds)
            ) from error
        if after_each is not None:
            after_each(number)


def _failure(
    error: psycopg.Error,
    statement: SqlStatement,
    number: int,
    path: Path,
    rolled_back: bool,
    lock_timeout_seconds: float | None,
) -> str:
    where = f"statement {number} (line {statement.line}) of {path}"
    text = describe_statement_error(error, statement.sql, where, first_line=statement.line)
    if isinstance(error, pg_errors.LockNotAvailable):
        waited = f"{lock_timeout_seconds:g} s" if lock_timeout_seconds is not None else "lock_timeout"
        text += (
            f"\nThis was a lock wait: the statement waited {waited} for a lock another session holds on "
            "the same table (a long query or an open transaction). Run again when it is quiet, or "
            "raise the wait with --lock-timeout SECONDS."
        )
    if rolled_back:
        text += "\nNothing of this migration was applied (its transaction was rolled back)."
    else:
        text += (
            f"\nThis migration runs outside a transaction: statements 1 to {number - 1} stay applied and "
            "are recorded; after fixing the cause, run the command again to resume at this statement."
        )
    return text
