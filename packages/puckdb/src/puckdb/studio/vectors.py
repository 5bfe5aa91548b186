"""Nearest neighbours of a row by one of its vector columns, with the distance operator of
the column's index (cosine ``<=>``, L2 ``<->``, inner product ``<#>``), so the index serves
the search and the distances mean what the application means by them."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from puckdb.studio.browse import (
    StudioRequestError,
    TableRef,
    decode_key,
    encode_key,
    key_condition,
    key_values,
    typed,
)

NEIGHBOURS = 10


def neighbours(
    conn: psycopg.Connection[Any], ref: TableRef, key: str, column: str, k: int = NEIGHBOURS
) -> list[dict[str, Any]]:
    """The ``k`` rows nearest to this row's ``column`` by the operator of its index."""
    operator = ref.vector_ops.get(column)
    if operator is None:
        raise StudioRequestError(f"{column} is not a vector column of {ref.schema}.{ref.name}.")
    condition, params = key_condition(ref, decode_key(key, len(ref.key) or 1))
    target = sql.Identifier(column)
    found = conn.execute(
        sql.SQL("SELECT {}::text FROM {} WHERE {}").format(target, ref.identifier, condition), params
    )
    origin = found.fetchone()
    if origin is None or origin[0] is None:
        return []
    query = sql.SQL(
        "SELECT {key} AS __key, {target} " + operator + " CAST(%s AS {kind}) AS distance, * "
        "FROM {table} WHERE NOT ({cond}) ORDER BY {target} " + operator + " CAST(%s AS {kind}) LIMIT {k}"
    ).format(
        key=key_values(ref),
        target=target,
        kind=typed(ref.column(column)),
        table=ref.identifier,
        cond=condition,
        k=sql.Literal(k),
    )
    with conn.transaction(), conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        if column in ref.indexed_vectors:
            # The planner underrates a scan of vectors stored out of line (TOAST) and picks
            # it over the index: 5 s instead of milliseconds on a million rows.
            cursor.execute("SET LOCAL enable_seqscan = off")
        rows = cursor.execute(query, [origin[0], *params, origin[0]]).fetchall()
    for row_found in rows:
        row_found["__key"] = encode_key(row_found["__key"])
    return rows
