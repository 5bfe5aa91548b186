"""Turning a PostgreSQL error on one statement into a paragraph a person can act on:
where (file and statement number, when known), Postgres' own message, and a caret
under the position it reports."""

from __future__ import annotations

import psycopg


def describe_statement_error(
    error: psycopg.Error, statement: str, where: str, first_line: int = 1, position: int | None = None
) -> str:
    """``where`` names the statement ("statement 3 of migrations/0002_x.sql");
    ``first_line`` is the line of its file the statement starts on, so that the caret's
    line number is the file's. ``position`` replaces the one PostgreSQL reports when the
    statement ran inside a longer script (PostgreSQL's counts from the script's start)."""
    diag = error.diag
    message = diag.message_primary or str(error).strip().splitlines()[0]
    parts = [f"PostgreSQL rejected {where}: {message}"]
    if diag.sqlstate:
        parts[0] += f" (SQLSTATE {diag.sqlstate})"
    parts[0] += "."
    if diag.message_detail:
        parts.append(f"Detail: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"Hint: {diag.message_hint}")
    excerpt = statement_excerpt(
        statement, diag.statement_position if position is None else position, first_line
    )
    if excerpt:
        parts.append(excerpt)
    return "\n".join(parts)


def statement_excerpt(statement: str, position: str | int | None, first_line: int = 1) -> str:
    """The line of ``statement`` holding the 1-based character ``position``, with a caret
    under it; the whole (short) statement when no position is known."""
    text = statement.strip("\n")
    if position is None or not str(position).isdigit():
        lines = text.splitlines()
        return "\n".join(f"    {line}" for line in lines[:6]) + ("\n    ..." if len(lines) > 6 else "")
    offset = int(position) - 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end != -1 else len(text)]
    line_number = text.count("\n", 0, offset) + first_line
    caret = " " * (offset - start) + "^"
    return f"    line {line_number}: {line}\n    {' ' * len(f'line {line_number}: ')}{caret}"
