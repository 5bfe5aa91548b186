"""What a table page reads of a vector column: its dimension and first components.

A ``vector(768)`` is about 10 KB of text; fifty of them made a table page of 425 KB that
showed four numbers of each. The page asks PostgreSQL for those numbers instead, so the rest
of the vector never leaves the server. The whole value stays on the row page, in the row's
and the table's ``.json`` and in the exports.

Only functions every pgvector with the type has are used: ``vector_dims`` and the cast to
``real[]`` (vector since 0.1.8; halfvec came in 0.7.0 with both), sliced in SQL. ``subvector``
would do for a dense vector too, but needs pgvector 0.7.0. A sparsevec has neither, so its
text form is cut up in SQL (``{1:0.5,7:2}/1000``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg import sql

from puckdb.model import Column

VECTOR_PREVIEW = 4
"""How many components a table cell shows."""

_VECTOR_TYPE = re.compile(r"^(vector|halfvec|sparsevec)(\(\d+\))?$")


@dataclass(frozen=True)
class VectorSummary:
    """A vector as a table page holds it: never the whole value."""

    dims: int
    head: tuple[str, ...]
    """The first components as PostgreSQL writes them (``index:value`` for a sparsevec)."""
    more: bool
    """Whether the vector has components beyond ``head``."""
    sparse: bool = False


def vector_type(data_type: str) -> str | None:
    """``vector``, ``halfvec`` or ``sparsevec`` for a pgvector column type (not an array of
    them), None otherwise."""
    found = _VECTOR_TYPE.match(data_type)
    return found.group(1) if found else None


def summary_expression(column: Column) -> sql.Composable | None:
    """A ``text[]`` expression for ``column``: its dimension, then its first components
    (one more than shown for a sparsevec, whose dimension does not say how many it holds);
    NULL for NULL. None when the column is not a vector."""
    kind = vector_type(column.data_type)
    if kind is None:
        return None
    name = sql.Identifier(column.name)
    if kind == "sparsevec":
        summary = sql.SQL(
            "ARRAY[split_part({c}::text, '/', 2)]"
            " || (string_to_array(btrim(split_part({c}::text, '/', 1), '{{}}'), ','))[1:{n}]"
        ).format(c=name, n=sql.Literal(VECTOR_PREVIEW + 1))
    else:
        summary = sql.SQL(
            "ARRAY[vector_dims({c})::text] || CAST((CAST({c} AS real[]))[1:{n}] AS text[])"
        ).format(c=name, n=sql.Literal(VECTOR_PREVIEW))
    return sql.SQL("CASE WHEN {c} IS NULL THEN NULL ELSE {s} END").format(c=name, s=summary)


def read_summary(parts: list[str] | None, data_type: str) -> VectorSummary | None:
    """The :class:`VectorSummary` of what :func:`summary_expression` returned."""
    if parts is None:
        return None
    dims, components = int(parts[0]), tuple(parts[1:])
    if vector_type(data_type) == "sparsevec":
        return VectorSummary(dims, components[:VECTOR_PREVIEW], len(components) > VECTOR_PREVIEW, True)
    return VectorSummary(dims, components, dims > len(components))
