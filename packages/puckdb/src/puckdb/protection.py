"""``protect``: a mark, kept in the database itself, that it is a production database.

A mark in the database (not in a local file) protects it from every checkout and every
machine: ``push``, ``down``, ``drop --force`` and ``branch restore`` refuse it.
"""

from __future__ import annotations

from typing import Any

import psycopg

from puckdb.errors import PuckdbError
from puckdb.migrations.tracking import TRACKING_SCHEMA, applied_by

_TABLE = f"{TRACKING_SCHEMA}.settings"


class ProtectedDatabaseError(PuckdbError):
    """A development-only command aimed at a protected database."""

    exit_code = 2


def set_protected(conn: psycopg.Connection[Any], protected: bool) -> None:
    with conn.transaction():
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {TRACKING_SCHEMA}")
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {_TABLE} (key text PRIMARY KEY, value text NOT NULL, "
            "set_at timestamptz NOT NULL DEFAULT now(), set_by text NOT NULL)"
        )
        if protected:
            conn.execute(
                f"INSERT INTO {_TABLE} (key, value, set_by) VALUES ('protected', 'true', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = 'true', set_at = now(), set_by = excluded.set_by",
                (applied_by(),),
            )
        else:
            conn.execute(f"DELETE FROM {_TABLE} WHERE key = 'protected'")


def is_protected(conn: psycopg.Connection[Any]) -> bool:
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (_TABLE,)).fetchone()
    if not exists or not exists[0]:
        return False
    row = conn.execute(f"SELECT value FROM {_TABLE} WHERE key = 'protected'").fetchone()
    return bool(row and row[0] == "true")


def refuse_if_protected(url: str, command: str) -> None:
    """Raise :class:`ProtectedDatabaseError` when the database at ``url`` is marked
    protected. Called by the library function of each development-only ``command``
    itself, before it changes anything, so no caller can skip it."""
    from puckdb.connect import connect

    with connect(url, autocommit=True) as conn:
        refuse_connected_if_protected(conn, url, command)


def refuse_connected_if_protected(conn: psycopg.Connection[Any], url: str, command: str) -> None:
    """:func:`refuse_if_protected` on an open connection ``conn`` to ``url``'s database."""
    from puckdb.urls import redact

    if is_protected(conn):
        raise ProtectedDatabaseError(
            f"{redact(url)} is marked protected (production), and `puckdb {command}` is for "
            "development databases only. Point the command at a development database or branch; if "
            "this one really is not production, lift the mark with `puckdb protect --off --url …`."
        )
