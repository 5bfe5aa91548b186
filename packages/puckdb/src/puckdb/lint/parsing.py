"""Migration SQL → parse trees from PostgreSQL's own grammar (pglast), each with its line.

The whole file is parsed at once first: PostgreSQL's parser then decides where each
statement ends, including the cases puckdb's splitter cannot see (``BEGIN ATOMIC``
bodies). When the file does not parse, it is split with puckdb's splitter and each
statement is parsed on its own, so one statement the parser rejects (a typo, or syntax
newer than pglast's copy of the grammar) is reported by itself and the rest is still linted.

A file with drizzle-kit's ``--> statement-breakpoint`` markers (an adopted migration) is
parsed piece by piece, as drizzle's applier sends it: a statement may end at a marker
without a semicolon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pglast import ast
from pglast.parser import ParseError, parse_sql

from puckdb.migrations.sqltext import breakpoint_pieces, split_statements


@dataclass(frozen=True)
class ParsedStatement:
    line: int
    """1-based line of the file on which the statement starts."""
    sql: str
    """The statement as written, without its semicolon."""
    node: ast.Node | None
    """The statement's parse tree; None when the parser rejected it."""
    error: str | None = None
    """The parser's message (with the line it points at) when ``node`` is None."""

    @property
    def first_line(self) -> str:
        return self.sql.strip().splitlines()[0].strip() if self.sql.strip() else ""


def parse_statements(text: str) -> list[ParsedStatement]:
    """The statements of ``text`` in order; never raises for SQL the parser rejects."""
    parsed: list[ParsedStatement] = []
    lines_before, counted = 0, 0  # newlines are counted once, not from the start per piece
    for offset, piece in breakpoint_pieces(text):
        lines_before += text.count("\n", counted, offset)
        counted = offset
        parsed.extend(replace(s, line=s.line + lines_before) for s in _parse_piece(piece))
    return parsed


def _parse_piece(text: str) -> list[ParsedStatement]:
    try:
        raw_statements = parse_sql(text)
    except ParseError:
        return [_parse_one(statement.sql, statement.line) for statement in split_statements(text)]
    parsed: list[ParsedStatement] = []
    line, counted = 1, 0  # statements come in order: count each newline once
    for raw in raw_statements:
        if raw.stmt is None:
            continue
        # pglast gives character offsets; a zero length means "to the end of the text".
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(text)
        start = _skip_space_and_comments(text, start, end)
        line += text.count("\n", counted, start)
        counted = start
        parsed.append(ParsedStatement(line, text[start:end].strip(), raw.stmt))
    return parsed


def _parse_one(sql: str, line: int) -> ParsedStatement:
    try:
        nodes = parse_sql(sql)
    except ParseError as error:
        message, position = _error_parts(error)
        where = line + sql.count("\n", 0, position) if position is not None else line
        return ParsedStatement(line, sql, None, f"{message} (line {where})")
    # The splitter found one statement, so the parser finds one (or none for a lone comment).
    node = nodes[0].stmt if nodes else None
    if node is None:
        return ParsedStatement(line, sql, None, "no statement found")
    return ParsedStatement(line, sql, node)


def _error_parts(error: ParseError) -> tuple[str, int | None]:
    message = str(error.args[0]) if error.args else str(error)
    position = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None
    return message, position


def _skip_space_and_comments(text: str, start: int, end: int) -> int:
    """The first character of code at or after ``start``: the parser's location of a
    statement can include the comments before it."""
    position = start
    while position < end:
        if text[position].isspace():
            position += 1
        elif text.startswith("--", position):
            newline = text.find("\n", position)
            position = end if newline < 0 else newline + 1
        elif text.startswith("/*", position):
            closing = text.find("*/", position + 2)
            # Block comments nest, but a nested one before a statement is rare enough
            # that an approximate line is acceptable.
            position = end if closing < 0 else closing + 2
        else:
            return position
    return start
