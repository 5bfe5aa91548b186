"""``CREATE INDEX CONCURRENTLY`` left behind: the index an interrupted build leaves.

A concurrent build commits its catalog entry first and marks the index valid only at the
end. When it fails or its session dies, an INVALID index stays: PostgreSQL maintains it on
every write but never uses it, and ``CREATE INDEX CONCURRENTLY IF NOT EXISTS`` silently
keeps it. A migration step that builds an index this way is therefore checked afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import psycopg

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CONCURRENT_INDEX = re.compile(
    rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_NAME})\s+"
    rf"ON\s+(?:ONLY\s+)?(?P<table>{_NAME}(?:\s*\.\s*{_NAME})?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ConcurrentIndex:
    name: str
    """As PostgreSQL stores it (quotes removed, unquoted names folded to lower case)."""
    table: str
    """As written in the statement, for ``to_regclass``."""


def concurrent_index(statement: str) -> ConcurrentIndex | None:
    """The index a ``CREATE INDEX CONCURRENTLY name ON table`` statement builds."""
    match = _CONCURRENT_INDEX.match(statement)
    if match is None:
        return None
    raw = match.group("name")
    name = raw[1:-1].replace('""', '"') if raw.startswith('"') else raw.lower()
    return ConcurrentIndex(name, match.group("table"))


def index_validity(conn: psycopg.Connection[Any], index: ConcurrentIndex) -> bool | None:
    """True or False for an existing index (``pg_index.indisvalid``), None when there is
    no such index in the table's schema."""
    row = conn.execute(
        """
        SELECT i.indisvalid
        FROM pg_class t
        JOIN pg_class c ON c.relnamespace = t.relnamespace AND c.relname = %s AND c.relkind IN ('i', 'I')
        JOIN pg_index i ON i.indexrelid = c.oid
        WHERE t.oid = to_regclass(%s)
        """,
        (index.name, index.table),
    ).fetchone()
    return None if row is None else bool(row[0])


def invalid_index_advice(index: ConcurrentIndex) -> str:
    quoted = '"' + index.name.replace('"', '""') + '"'
    return (
        f"Index {index.name} is INVALID: an interrupted or failed concurrent build left it behind, and "
        f"PostgreSQL does not use it. Drop it with DROP INDEX CONCURRENTLY {quoted} (in the table's schema), "
        "then run the command again to build it anew."
    )
