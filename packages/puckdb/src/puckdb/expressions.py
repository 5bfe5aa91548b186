"""Column references in SQL expressions as PostgreSQL prints them (``pg_get_expr``,
``pg_get_indexdef``, ``pg_get_partkeydef``): which columns an expression names, and the
expression once a column is renamed. A token scan, not a parser: string constants,
function names (a word before ``(``) and type names (after ``::``) are not references.
"""

from __future__ import annotations

import re

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
