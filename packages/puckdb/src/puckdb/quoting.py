"""SQL text from names and values: the one place puckdb quotes identifiers and literals.

Every stage that writes SQL (the plan's rendering, normalize's DDL, the oracle, the
studio's schema page) composes names and constants with these, so a name with a quote, a
capital or a keyword in it round-trips the same way everywhere. Written here rather than
borrowed from psycopg, whose import would cost a tenth of a second to every command that
only renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_BARE = re.compile(r"[a-z_][a-z0-9_$]*")


def ident(*parts: str) -> str:
    """A quoted, dot-joined identifier: ``ident("public", "cards")`` → ``"public"."cards"``.

    Always quoted, embedded quotes doubled: PostgreSQL's own rule, so any name round-trips."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def as_printed(name: str) -> str:
    """``name`` as PostgreSQL prints it in expressions and definitions (``quote_ident``'s
    rule): bare when it is lower case letters, digits, ``_`` and ``$``, quoted otherwise.

    (``quote_ident`` also quotes a reserved keyword; puckdb's catalog queries print such a
    name quoted, and a comparison against this form then differs, which errs towards
    reporting a change, never towards hiding one.)"""
    return name if _BARE.fullmatch(name) else ident(name)


def qualified(schema: str | None, name: str) -> str:
    """``"schema"."name"``, or ``"name"`` alone when no schema is given (the search path's)."""
    return ident(schema, name) if schema else ident(name)


def literal(value: str | None) -> str:
    """A string constant. Quotes are doubled and nothing else is escaped: migrations run
    with standard_conforming_strings on (PostgreSQL's default since 9.1), where a backslash
    is an ordinary character. A NUL cannot occur in PostgreSQL text."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def column_list(names: Iterable[str]) -> str:
    """``"a", "b"``: the names of a key, an index or a column list."""
    return ", ".join(ident(name) for name in names)
