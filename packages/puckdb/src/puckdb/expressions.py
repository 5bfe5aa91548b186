"""Reading SQL text as PostgreSQL prints it (``pg_get_expr``, ``pg_get_indexdef``,
``pg_get_partkeydef``, function signatures) far enough for puckdb's rules: brackets and
commas outside string literals and quoted names; the identifiers of a text; which columns
an expression names, and the expression once a column is renamed. Token scans, not a
parser: string constants, function names (a word before ``(``) and type names (after
``::``) are not column references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from puckdb.quoting import as_printed

_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*""")


def rename_in_expression(expression: str, old: str, new: str) -> str:
    """``expression`` as PostgreSQL prints it once column ``old`` is renamed ``new``: each
    reference to the column, bare or quoted, takes the new name (quoted where it needs to
    be); string constants, function names (a word before ``(``) and type names (after
    ``::``) are left alone."""
    replacement = as_printed(new)

    def swap(match: re.Match[str]) -> str:
        return replacement if _referenced(expression, match) == old else match.group(0)

    return _TOKEN.sub(swap, expression)


def column_references(expression: str) -> frozenset[str]:
    """The words of ``expression`` that may name a column (``lower(title)`` → ``{"title"}``).

    Keywords (``and``, ``null``) and a qualified name's first part come along: intersect
    with the columns there are."""
    words = (_referenced(expression, match) for match in _TOKEN.finditer(expression))
    return frozenset(word for word in words if word is not None)


def _referenced(expression: str, match: re.Match[str]) -> str | None:
    """The column name the token ``match`` is, or None for a constant, a function name, a
    type name or a qualified name's later part."""
    token = match.group(0)
    if token.startswith("'"):
        return None
    before = expression[: match.start()].rstrip()
    after = expression[match.end() :].lstrip()
    if before.endswith(("::", ".")) or after.startswith("("):
        return None
    # A bare word is folded to lower case; a quoted one is taken as written.
    return token[1:-1].replace('""', '"') if token.startswith('"') else token.lower()


def outside_quotes(text: str) -> Iterator[tuple[int, str, int]]:
    """(position, character, bracket depth) of every character outside '…' literals and
    "…" names. PostgreSQL prints literals with doubled quotes, never backslash escapes
    (standard_conforming_strings is on in every supported version by default)."""
    depth = 0
    quote: str | None = None
    position = 0
    while position < len(text):
        character = text[position]
        if quote is not None:
            if character == quote:
                if text.startswith(quote, position + 1):
                    position += 1  # a doubled quote stays inside
                else:
                    quote = None
        elif character in "'\"":
            quote = character
        else:
            if character == "(":
                depth += 1
            yield position, character, depth
            if character == ")":
                depth -= 1
        position += 1


def closing_bracket(text: str, opening: int) -> int | None:
    """Where the bracket opened at ``opening`` closes."""
    target: int | None = None
    for position, character, depth in outside_quotes(text):
        if position == opening:
            target = depth
        elif target is not None and character == ")" and depth == target:
            return position
    return None


def split_top_level(text: str) -> list[str]:
    """``text`` split at commas outside brackets and quotes, each part stripped."""
    parts: list[str] = []
    start = 0
    for position, character, depth in outside_quotes(text):
        if character == "," and depth == 0:
            parts.append(text[start:position].strip())
            start = position + 1
    parts.append(text[start:].strip())
    return parts


def find_top_level(text: str, word: str) -> int:
    """The last position of ``word`` outside brackets and quotes, or -1."""
    found = -1
    for position, _character, depth in outside_quotes(text):
        if depth == 0 and text.startswith(word, position):
            found = position
    return found


def identifiers(text: str) -> list[str]:
    """The identifiers of ``text`` outside string constants, as PostgreSQL folds them
    (bare words to lower case, quoted ones as written)."""
    return [
        token[1:-1].replace('""', '"') if token.startswith('"') else token.lower()
        for token in _TOKEN.findall(text)
        if not token.startswith("'")
    ]
