"""Splitting migration SQL into statements, each with the line it starts on.

A migration is run statement by statement so that an error names the statement (and its
line in the file), and so that a migration outside a transaction can record how far it
got. The splitter is a small lexer, not a parser: it knows where PostgreSQL's strings,
quoted identifiers, dollar-quoted bodies and comments begin and end, so a semicolon inside
any of them does not end a statement. (A SQL-standard ``BEGIN ATOMIC … END`` function body,
whose semicolons are bare, is the one construct it cannot see; write such a function with a
dollar-quoted body.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$")


@dataclass(frozen=True)
class SqlStatement:
    sql: str
    """The statement as written, without its terminating semicolon or surrounding space."""
    line: int
    """1-based line of the file on which the statement starts."""


def split_statements(text: str) -> list[SqlStatement]:
    """The statements of ``text`` in order; comments between statements are dropped,
    comments inside a statement are kept."""
    statements: list[SqlStatement] = []
    start = 0
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == "-" and text.startswith("--", position):
            newline = text.find("\n", position)
            position = length if newline < 0 else newline + 1
        elif char == "/" and text.startswith("/*", position):
            position = _end_of_block_comment(text, position)
        elif char == "'":
            escapes = position > 0 and text[position - 1] in "eE" and not _is_word_char(text, position - 2)
            position = _end_of_quoted(text, position, "'", backslash_escapes=escapes)
        elif char == '"':
            position = _end_of_quoted(text, position, '"', backslash_escapes=False)
        elif char == "$" and not _is_word_char(text, position - 1):
            match = _DOLLAR_TAG.match(text, position)
            if match:
                closing = text.find(match.group(0), match.end())
                position = length if closing < 0 else closing + len(match.group(0))
            else:
                position += 1
        elif char == ";":
            _append(statements, text, start, position)
            position += 1
            start = position
        else:
            position += 1
    _append(statements, text, start, length)
    return statements


def _is_word_char(text: str, index: int) -> bool:
    return index >= 0 and (text[index].isalnum() or text[index] in "_$")


def _end_of_block_comment(text: str, position: int) -> int:
    """Block comments nest in PostgreSQL."""
    depth = 0
    while position < len(text):
        if text.startswith("/*", position):
            depth += 1
            position += 2
        elif text.startswith("*/", position):
            depth -= 1
            position += 2
            if depth == 0:
                return position
        else:
            position += 1
    return position


def _end_of_quoted(text: str, position: int, quote: str, *, backslash_escapes: bool) -> int:
    """Past the closing quote; a doubled quote is an escaped one."""
    position += 1
    while position < len(text):
        char = text[position]
        if backslash_escapes and char == "\\":
            position += 2
        elif char == quote:
            if text.startswith(quote * 2, position):
                position += 2
            else:
                return position + 1
        else:
            position += 1
    return position


def _append(statements: list[SqlStatement], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    code_start = _skip_space_and_comments(chunk)
    if code_start is None:
        return
    body = chunk[code_start:].rstrip()
    line = text.count("\n", 0, start + code_start) + 1
    statements.append(SqlStatement(body, line))


def _skip_space_and_comments(chunk: str) -> int | None:
    """Index of the first character of code in ``chunk``, None when there is none."""
    position = 0
    while position < len(chunk):
        if chunk[position].isspace():
            position += 1
        elif chunk.startswith("--", position):
            newline = chunk.find("\n", position)
            if newline < 0:
                return None
            position = newline + 1
        elif chunk.startswith("/*", position):
            position = _end_of_block_comment(chunk, position)
        else:
            return position
    return None


def statement_span(first: int, last: int) -> str:
    """``statement 2`` or ``statements 1 to 3`` (1-based, inclusive), for messages."""
    return f"statement {first}" if first == last else f"statements {first} to {last}"
