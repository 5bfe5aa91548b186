"""The SQL console: one statement per run, read-only unless writes are allowed and asked for.

A read-only run is held by three locks, any one of which would stop a write:

- the statement is sent with the extended query protocol (a prepared statement), which
  PostgreSQL refuses to run with more than one command: ``COMMIT; DELETE FROM cards`` never
  gets to its second half;
- it runs in a ``READ ONLY`` transaction that has taken its snapshot (so the statement cannot
  switch it to read-write) and is always rolled back, so a ``SET`` it makes
  (``default_transaction_read_only``, ``statement_timeout``, ``SET SESSION
  CHARACTERISTICS``) is undone with it;
- its connection is opened for this run alone with ``default_transaction_read_only`` on,
  and closed afterwards, so nothing a statement changes in the session outlives the run.

The studio's ``statement_timeout`` is a connection option: PostgreSQL arms the timer when a
statement starts, so even a statement that changes the setting (``set_config`` inside a
``SELECT`` or a ``DO`` block) is cancelled on time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors

from puckdb.sqlerrors import statement_excerpt

MAX_ROWS = 500

Connect = Callable[[bool], psycopg.Connection[Any]]
"""Opens a new connection for one run; the argument asks for a read-only session."""

# PostgreSQL's words when a prepared statement holds several commands (SQLSTATE 42601).
_SEVERAL_COMMANDS = "cannot insert multiple commands into a prepared statement"


@dataclass(frozen=True)
class ConsoleResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    status: str
    error: str | None = None


def run_console(
    connect: Connect, statement: str, *, write: bool, page: int = 0, timeout_ms: int | None = None
) -> ConsoleResult:
    """Run ``statement`` on a connection of its own: in a rolled-back READ ONLY transaction
    on a read-only session unless ``write``. Results are paged by ``MAX_ROWS``; ``timeout_ms``
    (the connection's statement_timeout) only words the message when it strikes."""
    if not statement.strip():
        return ConsoleResult([], [], False, "", "There is no statement to run: write one above.")
    try:
        with connect(not write) as conn, conn.transaction(force_rollback=not write):
            if not write:
                conn.execute("SET TRANSACTION READ ONLY")
                # A first query takes the transaction's snapshot, after which PostgreSQL
                # refuses ``SET transaction_read_only = off`` ("must be set before any query").
                conn.execute("SELECT")
            cursor = conn.execute(statement.encode(), prepare=True)
            if cursor.description is None:
                return ConsoleResult([], [], False, cursor.statusmessage or "OK")
            columns = [d.name for d in cursor.description]
            skip = page * MAX_ROWS
            if skip >= max(cursor.rowcount, 1):  # past the end: an empty page, not an error
                return ConsoleResult(columns, [], False, cursor.statusmessage or "")
            cursor.scroll(skip)
            rows = cursor.fetchmany(MAX_ROWS + 1)
            return ConsoleResult(columns, rows[:MAX_ROWS], len(rows) > MAX_ROWS, cursor.statusmessage or "")
    except psycopg.Error as error:
        return ConsoleResult([], [], False, "", _explain(error, statement, timeout_ms))


def _explain(error: psycopg.Error, statement: str, timeout_ms: int | None) -> str:
    diag = error.diag
    message = diag.message_primary or str(error).strip().splitlines()[0]
    if isinstance(error, errors.SyntaxError) and message == _SEVERAL_COMMANDS:
        return (
            "The console runs one statement at a time, and this text holds several (separated by ';'). "
            "Run them one by one; nothing was run."
        )
    if isinstance(error, errors.QueryCanceled) and "statement timeout" in message:
        limit = f"{timeout_ms / 1000:g} s" if timeout_ms is not None else "its limit"
        return (
            f"The statement ran longer than the studio's statement_timeout ({limit}) and was cancelled; "
            "nothing it did was kept. Narrow it down (a WHERE clause, a LIMIT) and run it again."
        )
    if diag.message_detail:
        message += f"\n{diag.message_detail}"
    if diag.message_hint:
        message += f"\nHint: {diag.message_hint}"
    excerpt = statement_excerpt(statement, diag.statement_position)
    return f"{message}\n{excerpt}" if excerpt else message
