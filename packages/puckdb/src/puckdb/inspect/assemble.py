"""Turning the rows of the catalog queries (:mod:`puckdb.inspect.queries`) into the model:
each object kind assembles its own fields of the :class:`Schema` (:mod:`puckdb.kinds`).

Children are attached to their relation by oid; the children of relations that the
``relations`` query did not admit (extension members) are dropped there.
"""

from __future__ import annotations

from typing import Any

from puckdb.kinds import REGISTRY
from puckdb.kinds.base import Row, Rows
from puckdb.model import Schema

__all__ = ["Row", "assemble"]


def assemble(rows: Rows) -> Schema:
    """The :class:`Schema` described by the rows of every catalog query, by query name."""
    fields: dict[str, Any] = {}
    for kind in REGISTRY:
        fields.update(kind.assemble(rows))
    return Schema(**fields)
