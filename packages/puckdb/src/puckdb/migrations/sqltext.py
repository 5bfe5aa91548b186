"""Splitting migration SQL into statements, each with the line it starts on.

A migration is run statement by statement so that an error names the statement (and its
line in the file), and so that a migration outside a transaction can record how far it
got. The splitter is a small lexer, not a parser: it knows where PostgreSQL's strings,
quoted identifiers, dollar-quoted bodies and comments begin and end, so a semicolon inside
any of them does not end a statement. (A SQL-standard ``BEGIN ATOMIC … END`` function body,
whose semicolons are bare, is the one construct it cannot see; write such a function with a
dollar-quoted body.)

A file with drizzle-kit's ``--> statement-breakpoint`` markers (an adopted migration, whose
bytes production recorded) is split the way drizzle's applier splits it: at the markers
only, each piece one unit sent as written, so statements that end at a marker without a
semicolon, or ``BEGIN ATOMIC`` bodies, run as they did under drizzle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$")


@dataclass(frozen=True)
class SqlStatement:
    sql: str
    """The statement as written, without its terminating semicolon or surrounding space."""
    line: int
    """1-based line of the file on which the statement starts."""


BREAKPOINT = "--> statement-breakpoint"
"""drizzle-kit's statement separator."""


def breakpoint_pieces(text: str) -> list[tuple[int, str]]:
    """The text between breakpoint markers, each with its offset in ``text`` (the whole
    text when there are none). drizzle splits on the bare marker wherever it is, and so
    does this."""
    pieces: list[tuple[int, str]] = []
    offset = 0
    for piece in text.split(BREAKPOINT):
        pieces.append((offset, piece))
        offset += len(piece) + len(BREAKPOINT)
    return pieces


def split_statements(text: str) -> list[SqlStatement]:
    """The statements of ``text`` in order; comments between statements are dropped,
    comments inside a statement are kept. A drizzle file's pieces are its statements."""
    if BREAKPOINT in text:
        return _split_at_breakpoints(text)
    statements: list[SqlStatement] = []
    lines = _Lines(text)
    start = 0
    position = 0
    length = len(text)
    # Jump from one character that matters to the next: plain SQL text is most of a file,
    # and stepping through it a character at a time in Python costs a quarter of a second
    # on a 2,500-statement migration.
    while (found := _SPECIAL.search(text, position)) is not None:
        position = found.start()
        token = found.group()
        if token == "--":
            newline = text.find("\n", position)
            position = length if newline < 0 else newline + 1
        elif token == "/*":
            position = _end_of_block_comment(text, position)
        elif token == "'":
            escapes = position > 0 and text[position - 1] in "eE" and not _is_word_char(text, position - 2)
            position = _end_of_quoted(text, position, "'", backslash_escapes=escapes)
        elif token == '"':
            position = _end_of_quoted(text, position, '"', backslash_escapes=False)
        elif token == "$":
            tag = None if _is_word_char(text, position - 1) else _DOLLAR_TAG.match(text, position)
            if tag is None:
                position += 1
            else:
                closing = text.find(tag.group(0), tag.end())
                position = length if closing < 0 else closing + len(tag.group(0))
        else:  # ";"
            _append(statements, text, start, position, lines)
            position += 1
            start = position
    _append(statements, text, start, length, lines)
    return statements


def _split_at_breakpoints(text: str) -> list[SqlStatement]:
    statements: list[SqlStatement] = []
    lines = _Lines(text)
    for offset, piece in breakpoint_pieces(text):
        code_start = _skip_space_and_comments(piece)
        if code_start is None:
            continue
        body = piece[code_start:].rstrip()
        # The piece's own final semicolon is dropped like any statement's; one that a
        # trailing comment follows stays, harmlessly (the runner ends each statement
        # on a line of its own).
        body = body.removesuffix(";").rstrip()
        statements.append(SqlStatement(body, lines.at(offset + code_start)))
    return statements


_SPECIAL = re.compile(r"--|/\*|['\";$]")
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_QUOTE_OR_BACKSLASH = {"'": re.compile(r"['\\]"), '"': re.compile(r'["\\]')}


class _Lines:
    """Line numbers of increasing positions, counting each newline once (counting from
    the start for every statement is quadratic in the file's size)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._position = 0
        self._line = 1

    def at(self, position: int) -> int:
        self._line += self._text.count("\n", self._position, position)
        self._position = position
        return self._line


def _is_word_char(text: str, index: int) -> bool:
    return index >= 0 and (text[index].isalnum() or text[index] in "_$")


def _end_of_block_comment(text: str, position: int) -> int:
    """Block comments nest in PostgreSQL."""
    depth = 0
    while (edge := _COMMENT_EDGE.search(text, position)) is not None:
        position = edge.end()
        depth += 1 if edge.group() == "/*" else -1
        if depth == 0:
            return position
    return len(text)


def _end_of_quoted(text: str, position: int, quote: str, *, backslash_escapes: bool) -> int:
    """Past the closing quote; a doubled quote is an escaped one."""
    position += 1
    while True:
        if backslash_escapes:
            found = _QUOTE_OR_BACKSLASH[quote].search(text, position)
            index = -1 if found is None else found.start()
        else:
            index = text.find(quote, position)
        if index < 0:
            return len(text)
        if text[index] == "\\" or text.startswith(quote * 2, index):  # an escaped character
            position = index + 2
        else:
            return index + 1


def _append(statements: list[SqlStatement], text: str, start: int, end: int, lines: _Lines) -> None:
    chunk = text[start:end]
    code_start = _skip_space_and_comments(chunk)
    if code_start is None:
        return
    body = chunk[code_start:].rstrip()
    statements.append(SqlStatement(body, lines.at(start + code_start)))


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


SCRIPT_SEPARATOR = "\n;\n"
"""What ends each statement of a script: on a line of its own, so that a statement ending
in a ``--`` comment cannot swallow the semicolon."""


def script_text(statements: Sequence[str]) -> str:
    """``statements`` as one query string, for one round trip."""
    return "".join(f"{statement}{SCRIPT_SEPARATOR}" for statement in statements)


def statement_span(first: int, last: int) -> str:
    """``statement 2`` or ``statements 1 to 3`` (1-based, inclusive), for messages."""
    return f"statement {first}" if first == last else f"statements {first} to {last}"
