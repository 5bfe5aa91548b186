"""A small tree of Python expressions and the layout ruff's formatter would give them.

The pulled module is built as expression trees (calls, collections, string literals), not
as strings, so that one layout rule applies everywhere: an expression stays on one line
when it fits in :data:`LINE_LENGTH`, and is otherwise exploded one item per line with a
trailing comma. A trailing comma makes ``ruff format`` keep an explosion as written (the
"magic trailing comma"), so the output is stable under the formatter the project uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from puckdb.pull.sqltext import outside_quotes

LINE_LENGTH = 110
INDENT = "    "


class Code:
    """An expression of the generated module."""

    def flat(self) -> str | None:
        """The expression on one line, or None when it cannot be (it holds a comment or a
        multi-line string)."""
        raise NotImplementedError

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        """The expression laid out ``indent`` levels deep, after ``head`` on the first
        line and followed by ``tail`` on the last."""
        flat = self.flat()
        if flat is not None:
            return [_pad(indent) + head + flat + tail]
        raise NotImplementedError


@dataclass(frozen=True)
class Atom(Code):
    """Code written as it is: a name, a number, ``True``."""

    text: str

    def flat(self) -> str:
        return self.text


@dataclass(frozen=True)
class Str(Code):
    """A string literal; a long one is split into implicitly concatenated pieces when it
    stands alone as an item of an exploded call or collection."""

    value: str

    def flat(self) -> str:
        return string_literal(self.value)

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        single = _pad(indent) + head + self.flat() + tail
        if len(single) <= LINE_LENGTH or head:
            return [single]
        width = LINE_LENGTH - len(_pad(indent)) - len(tail)
        pieces = _split_for_width(self.value, width)
        return [_pad(indent) + string_literal(piece) for piece in pieces[:-1]] + [
            _pad(indent) + string_literal(pieces[-1]) + tail
        ]


@dataclass(frozen=True)
class Block(Code):
    """A triple-quoted string of several lines, each indented like the code around it.

    Only for text whose meaning does not depend on leading whitespace (SQL outside its
    string literals); :func:`block_or_str` decides.
    """

    text_lines: tuple[str, ...]
    exact: bool = False
    """The text must come back as it is (a function's body): never wrapped, and written as
    a string literal instead when a line does not fit."""

    def flat(self) -> None:
        return None

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        width = LINE_LENGTH - len(_pad(indent))
        if self.exact:
            if any(len(line) > width for line in self.text_lines):
                return Str("\n".join(self.text_lines)).lines(indent, head, tail)
            body = [(_pad(indent) + line) if line else "" for line in self.text_lines]
            return [_pad(indent) + head + '"""', *body, _pad(indent) + '"""' + tail]
        body = [
            (_pad(indent) + piece) if piece else ""
            for line in self.text_lines
            for piece in _wrap_sql_line(line, width)
        ]
        return [_pad(indent) + head + '"""', *body, _pad(indent) + '"""' + tail]


@dataclass(frozen=True)
class Comment(Code):
    """A ``#`` comment among the items of an exploded call or collection."""

    text: str

    def flat(self) -> None:
        return None

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        return comment_lines(self.text, indent)


@dataclass(frozen=True)
class Chained(Code):
    """``base`` followed by attribute accesses or method calls: ``column("x").desc()``."""

    base: Code
    suffix: str

    def flat(self) -> str | None:
        base = self.base.flat()
        return None if base is None else base + self.suffix

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        return self.base.lines(indent, head, self.suffix + tail)


@dataclass(frozen=True)
class Keyword(Code):
    """``name=value`` in a call."""

    name: str
    value: Code

    def flat(self) -> str | None:
        value = self.value.flat()
        return None if value is None else f"{self.name}={value}"

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        return self.value.lines(indent, head + self.name + "=", tail)


@dataclass(frozen=True)
class Pair(Code):
    """``key: value`` in a dict."""

    key: Code
    value: Code

    def flat(self) -> str | None:
        key, value = self.key.flat(), self.value.flat()
        return None if key is None or value is None else f"{key}: {value}"

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        key = self.key.flat()
        assert key is not None, "dict keys are always simple"
        return self.value.lines(indent, head + key + ": ", tail)


@dataclass(frozen=True)
class Bracketed(Code):
    """Items between an opening and a closing bracket: a call's arguments, a list, a
    tuple (``one_tuple`` adds the comma a single item needs), a dict."""

    opening: str
    items: tuple[Code, ...]
    closing: str
    one_tuple: bool = False

    def flat(self) -> str | None:
        parts = [item.flat() for item in self.items]
        if any(part is None for part in parts):
            return None
        inner = ", ".join(part for part in parts if part is not None)
        if self.one_tuple and len(self.items) == 1:
            inner += ","
        return self.opening + inner + self.closing

    def lines(self, indent: int, head: str, tail: str) -> list[str]:
        flat = self.flat()
        if flat is not None and len(_pad(indent) + head + flat + tail) <= LINE_LENGTH:
            return [_pad(indent) + head + flat + tail]
        if not self.items:
            return [_pad(indent) + head + self.opening + self.closing + tail]
        out = [_pad(indent) + head + self.opening]
        for item in self.items:
            item_tail = "" if isinstance(item, Comment) else ","
            out += item.lines(indent + 1, "", item_tail)
        out.append(_pad(indent) + self.closing + tail)
        return out


def call(function: str, *args: Code | None, **kwargs: Code | None) -> Bracketed:
    """``function(args..., name=value...)``; None arguments are left out."""
    items: list[Code] = [arg for arg in args if arg is not None]
    items += [Keyword(name, value) for name, value in kwargs.items() if value is not None]
    return Bracketed(function + "(", tuple(items), ")")


def list_of(items: Sequence[Code]) -> Bracketed:
    return Bracketed("[", tuple(items), "]")


def tuple_of(items: Sequence[Code]) -> Bracketed:
    return Bracketed("(", tuple(items), ")", one_tuple=True)


def dict_of(pairs: Sequence[tuple[str, Code]]) -> Bracketed:
    return Bracketed("{", tuple(Pair(Str(key), value) for key, value in pairs), "}")


def statement(target: str, value: Code, indent: int = 0) -> list[str]:
    """``target = value`` (``target`` may carry an annotation)."""
    return value.lines(indent, target + " = ", "")


def comment_lines(text: str, indent: int) -> list[str]:
    """``text`` as ``#`` comment lines that fit the line length, words kept whole."""
    width = max(20, LINE_LENGTH - indent * len(INDENT) - 2)
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return [_pad(indent) + ("# " + line if line else "#") for line in out]


def string_literal(value: str) -> str:
    """A Python string literal for ``value``: double quotes unless single quotes need
    fewer escapes (ruff's preference), printable characters as themselves."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    out = [quote]
    for character in value:
        if character == "\\":
            out.append("\\\\")
        elif character == quote:
            out.append("\\" + quote)
        elif character == "\n":
            out.append("\\n")
        elif character == "\t":
            out.append("\\t")
        elif character == "\r":
            out.append("\\r")
        elif not character.isprintable():
            out.append(_escape(character))
        else:
            out.append(character)
    out.append(quote)
    return "".join(out)


def block_or_str(text: str, safe_to_reindent: bool) -> Code:
    """A multi-line SQL text as an indented triple-quoted block when that changes nothing
    that matters (``safe_to_reindent``: no line break inside a SQL string literal) and the
    text can be written in one without escapes; otherwise as a plain string literal."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    simple = all(character.isprintable() for line in lines for character in line)
    if safe_to_reindent and len(lines) > 1 and simple and '"""' not in text and "\\" not in text:
        return Block(tuple(lines))
    return Str(text.strip())


def exact_block_or_str(text: str) -> Code:
    """A multi-line text that must come back exactly (``puckdb.Function`` dedents what it
    is given, which takes back the block's indentation) as a triple-quoted block when it
    can be written as one without escapes or lost trailing spaces; otherwise a string."""
    lines = text.strip().split("\n")
    writable = all(character.isprintable() for line in lines for character in line)
    if (
        len(lines) > 1
        and writable
        and all(line == line.rstrip() for line in lines)
        and '"""' not in text
        and "\\" not in text
    ):
        return Block(tuple(lines), exact=True)
    return Str(text.strip())


def _wrap_sql_line(line: str, width: int) -> list[str]:
    """A line of SQL longer than ``width`` broken at spaces outside literals and quoted
    names (where a line break means what the space meant), continued one level deeper."""
    pieces: list[str] = []
    continuation = line[: len(line) - len(line.lstrip())] + INDENT
    while len(line) > width:
        spaces = [p for p, character, _depth in outside_quotes(line) if character == " " and p <= width]
        cut = max((p for p in spaces if line[:p].strip()), default=None)
        if cut is None:
            break
        pieces.append(line[:cut].rstrip())
        line = continuation + line[cut:].lstrip()
    pieces.append(line)
    return pieces


def _escape(character: str) -> str:
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _split_for_width(value: str, width: int) -> list[str]:
    """``value`` in pieces whose literals fit ``width`` columns, broken after spaces
    where possible (the pieces concatenate back to ``value``)."""
    pieces: list[str] = []
    rest = value
    while rest:
        if len(string_literal(rest)) <= width:
            pieces.append(rest)
            break
        cut = _longest_fitting_prefix(rest, width)
        space = rest.rfind(" ", 0, cut)
        if space > 0:
            cut = space + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces or [""]


def _longest_fitting_prefix(value: str, width: int) -> int:
    length = 1
    while length < len(value) and len(string_literal(value[: length + 1])) <= width:
        length += 1
    return length


def _pad(indent: int) -> str:
    return INDENT * indent
