"""Reading a database's managed schemas: one snapshot, pinned settings, fixed queries.

All queries run in one transaction (REPEATABLE READ, read-only, when the connection is
idle), so they see one snapshot. The functions that print types, defaults and view bodies
depend on session settings: names outside the search_path come out schema-qualified, and
constants print in the session's DateStyle, IntervalStyle and TimeZone. The inspection
pins these for its own transaction, so two databases with the same schema inspect equal
whatever their connections' settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence as Seq
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row, tuple_row

from puckdb.errors import PuckdbError
from puckdb.inspect import queries
from puckdb.inspect.assemble import Row, assemble
from puckdb.model import Schema

EXCLUDED_SCHEMAS = frozenset({"puckdb", "pg_catalog", "information_schema", "pg_toast"})
"""Never inspected, even when named: puckdb's own bookkeeping and PostgreSQL's."""

PINNED_SETTINGS: dict[str, str] = {
    # Objects in public print unqualified, as in SQL written for the default search_path;
    # objects in any other schema print qualified.
    "search_path": "public",
    "DateStyle": "ISO, MDY",
    "IntervalStyle": "postgres",
    "TimeZone": "UTC",
    "extra_float_digits": "1",
    "quote_all_identifiers": "off",
}
"""The session settings an inspection runs under."""


class InspectionError(PuckdbError):
    """The catalog of a database could not be read."""


@dataclass
class InspectStats:
    """How an inspection went: the catalog queries sent (a constant number by design)."""

    queries: int = 0
    names: list[str] = field(default_factory=list)


def inspect_schema(
    conn: psycopg.Connection[Any],
    schemas: Seq[str],
    stats: InspectStats | None = None,
) -> Schema:
    """Read the managed ``schemas`` of the database behind ``conn`` into a :class:`Schema`.

    Sends a fixed number of catalog queries (:data:`puckdb.inspect.queries.ALL`) whatever
    the number of objects; ``stats``, when given, records them. On an idle connection the
    queries share one REPEATABLE READ, read-only transaction; inside the caller's
    transaction they run in a savepoint of it (one snapshot only if its isolation level
    is REPEATABLE READ or SERIALIZABLE), and the caller's settings are given back.
    ``puckdb``, ``pg_catalog``, ``information_schema`` and ``pg_toast`` are never read.
    Raises :class:`InspectionError` when the catalog cannot be read.
    """
    managed = sorted(set(schemas) - EXCLUDED_SCHEMAS)
    stats = stats if stats is not None else InspectStats()
    try:
        with _snapshot(conn), conn.cursor(row_factory=dict_row) as cursor:
            rows: dict[str, list[Row]] = {}
            for name, query in queries.ALL:
                cursor.execute(query, {"schemas": managed})
                rows[name] = cursor.fetchall()
                stats.queries += 1
                stats.names.append(name)
    except psycopg.Error as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InspectionError(
            f"Reading the schema of the database {conn.info.dbname!r} failed: {reason}. "
            "puckdb reads pg_catalog; check that the connected role may read it."
        ) from error
    return assemble(rows)


@contextmanager
def _snapshot(conn: psycopg.Connection[Any]) -> Iterator[None]:
    status = conn.info.transaction_status
    if status not in (TransactionStatus.IDLE, TransactionStatus.INTRANS):
        raise InspectionError(
            "The connection passed to inspect_schema is inside a failed transaction (or busy); "
            "roll it back, or pass an idle connection, and inspect again."
        )
    idle = status == TransactionStatus.IDLE
    # On an idle connection this begins (and at the end commits) a transaction; inside
    # the caller's it is a savepoint, so a failure here does not abort theirs.
    with conn.transaction():
        if idle:
            # Legal only as the first statement of the transaction just begun.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        previous = {} if idle else _current_settings(conn, list(PINNED_SETTINGS))
        _set_local(conn, PINNED_SETTINGS)
        yield
        if not idle:
            # Releasing a savepoint keeps its SET LOCALs: give the caller its own back.
            _set_local(conn, previous)


def _current_settings(conn: psycopg.Connection[Any], names: list[str]) -> dict[str, str]:
    with conn.cursor(row_factory=tuple_row) as cursor:
        cursor.execute("SELECT s.name, current_setting(s.name) FROM unnest(%s::text[]) AS s(name)", [names])
        return {str(name): str(value) for name, value in cursor.fetchall()}


def _set_local(conn: psycopg.Connection[Any], settings: dict[str, str]) -> None:
    """Set ``settings`` until the end of the (sub)transaction."""
    names = list(settings)
    with conn.cursor(row_factory=tuple_row) as cursor:
        cursor.execute(
            "SELECT set_config(s.name, s.value, true) FROM unnest(%s::text[], %s::text[]) AS s(name, value)",
            [names, [settings[name] for name in names]],
        )
