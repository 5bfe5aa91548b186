"""Where drizzle-kit keeps its applied-migrations table.

drizzle records applied migrations in ``drizzle.__drizzle_migrations`` unless the project's
``drizzle.config.ts`` says otherwise with ``migrations: { table: "…", schema: "…" }`` (the
schema defaults to ``drizzle`` even when only the table is renamed). A project that renamed
it and was adopted with the default would look as if it had applied nothing, and every
migration would then be run again on a database that already has them; so the table is
taken, in this order, from an explicit choice, from the config file beside the drizzle
folder, or the default, and when none of them exists the database is searched for tables
shaped like drizzle's so the user can be told which one to name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg

from puckdb.errors import UsageError

HistoryTable = tuple[str, str]
"""(schema, table)."""

DEFAULT_TABLE: HistoryTable = ("drizzle", "__drizzle_migrations")
DEFAULT_SCHEMA = "drizzle"
CONFIG_NAMES = ("drizzle.config.ts", "drizzle.config.mts", "drizzle.config.js", "drizzle.config.mjs")

# `migrations: { ... }` holds only string-valued keys in drizzle's config, so the object
# ends at its first closing brace.
_MIGRATIONS_BLOCK = re.compile(r"\bmigrations\s*:\s*\{(?P<body>[^}]*)\}", re.DOTALL)
_STRING_KEY = r"\b{key}\s*:\s*(?P<quote>[\"'`])(?P<value>[^\"'`]*)(?P=quote)"
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)


def parse_history_table(text: str) -> HistoryTable:
    """``schema.table`` or ``table`` (in schema drizzle, as drizzle itself defaults) as
    given on the command line. Raises :class:`UsageError` for anything else."""
    parts = text.split(".")
    if len(parts) == 1 and parts[0]:
        return (DEFAULT_SCHEMA, parts[0])
    if len(parts) == 2 and all(parts):
        return (parts[0], parts[1])
    raise UsageError(
        f"--history-table {text!r} is not a table name: give SCHEMA.TABLE (for example "
        "public.my_migrations) or TABLE alone for a table in schema drizzle, as in the `migrations` "
        "setting of drizzle.config.ts."
    )


def configured_history_table(config_text: str) -> HistoryTable | None:
    """The table a drizzle config's ``migrations`` setting names; None when it names none
    (or names it with anything but a string literal, which only running the config could
    resolve)."""
    block = _MIGRATIONS_BLOCK.search(_COMMENT.sub("", config_text))
    if block is None:
        return None
    body = block.group("body")
    table = re.search(_STRING_KEY.format(key="table"), body)
    schema = re.search(_STRING_KEY.format(key="schema"), body)
    if table is None and schema is None:
        return None
    return (
        schema.group("value") if schema else DEFAULT_SCHEMA,
        table.group("value") if table else DEFAULT_TABLE[1],
    )


def history_table_from_config(folders: Iterable[Path]) -> tuple[HistoryTable, Path] | None:
    """The table named by the first drizzle config found in ``folders``, with that file."""
    for folder in folders:
        for name in CONFIG_NAMES:
            path = folder / name
            if path.is_file() and (table := configured_history_table(path.read_text(encoding="utf-8"))):
                return table, path
    return None


def history_table_exists(conn: psycopg.Connection[Any], table: HistoryTable) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p'))",
        table,
    ).fetchone()
    return bool(row and row[0])


def tables_shaped_like_drizzles(conn: psycopg.Connection[Any]) -> list[HistoryTable]:
    """Tables with drizzle's three columns (id, hash text, created_at bigint), outside the
    system schemas: candidates when the expected table is missing."""
    rows = conn.execute(
        """
        SELECT n.nspname, c.relname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'puckdb')
          AND (SELECT count(*) FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 AND (a.attname, format_type(a.atttypid, NULL)) IN
                     (('id', 'integer'), ('hash', 'text'), ('created_at', 'bigint'))) = 3
        ORDER BY 1, 2
        """
    ).fetchall()
    return [(str(schema), str(name)) for schema, name in rows]


def display(table: HistoryTable) -> str:
    return f"{table[0]}.{table[1]}"
