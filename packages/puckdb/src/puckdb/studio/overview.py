"""The overview's list of relations: every table, view and materialized view of the managed
schemas with the catalog's row estimate and size (both free), and an exact count on request
(a full scan, so only for the one relation asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from puckdb.model import Schema
from puckdb.studio.browse import table_ref

_KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str
    """table, view or materialized view."""
    estimated_rows: int
    exact_rows: int | None
    size_bytes: int


def relations(
    conn: psycopg.Connection[Any], model: Schema, schemas: Sequence[str], count_of: str | None
) -> list[Relation]:
    """``count_of`` (``schema.name``) names the relation to count exactly."""
    rows = conn.execute(
        "SELECT n.nspname, c.relname, c.relkind, greatest(c.reltuples, 0)::bigint, "
        "pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1, 2",
        (list(schemas),),
    ).fetchall()
    exact: dict[str, int] = {}
    if count_of:
        schema_name, _, name = count_of.partition(".")
        ref = table_ref(model, schema_name, name)  # refuses anything it does not know
        found = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(ref.identifier)).fetchone()
        exact[count_of] = int(found[0]) if found else 0
    return [Relation(s, n, _KINDS[k], int(e), exact.get(f"{s}.{n}"), int(z)) for s, n, k, e, z in rows]
