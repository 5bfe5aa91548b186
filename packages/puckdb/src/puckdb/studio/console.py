"""The SQL console: a statement run read-only unless writes are allowed and asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from puckdb.sqlerrors import statement_excerpt

MAX_ROWS = 500


@dataclass(frozen=True)
class ConsoleResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    status: str
    error: str | None = None


def run_console(
    conn: psycopg.Connection[Any], statement: str, *, write: bool, page: int = 0
) -> ConsoleResult:
    """Run ``statement`` in its own transaction: READ ONLY unless ``write``, always rolled
    back when read-only. Results are paged by ``MAX_ROWS``."""
    try:
        with conn.transaction(force_rollback=not write):
            if not write:
                conn.execute("SET TRANSACTION READ ONLY")
            cursor = conn.execute(statement.encode())
            if cursor.description is None:
                return ConsoleResult([], [], False, cursor.statusmessage or "OK")
            columns = [d.name for d in cursor.description]
            if page:
                cursor.scroll(page * MAX_ROWS)
            rows = cursor.fetchmany(MAX_ROWS + 1)
            return ConsoleResult(columns, rows[:MAX_ROWS], len(rows) > MAX_ROWS, cursor.statusmessage or "")
    except psycopg.Error as error:
        diag = error.diag
        message = diag.message_primary or str(error).strip().splitlines()[0]
        if diag.message_detail:
            message += f"\n{diag.message_detail}"
        excerpt = statement_excerpt(statement, diag.statement_position)
        return ConsoleResult([], [], False, "", f"{message}\n{excerpt}")
