"""render: one operation → the SQL statements that perform it.

Each operation renders itself (its kind's module holds the SQL, beside the operation); names
are always quoted (:mod:`puckdb.quoting`); types, defaults and expressions are used exactly
as PostgreSQL printed them when the target was inspected, so what runs is what PostgreSQL
itself would write. Output is deterministic: the same operation always renders the same.
"""

from __future__ import annotations

from puckdb.kinds.base import Operation
from puckdb.kinds.columns import column_definition
from puckdb.kinds.constraints import constraint_definition
from puckdb.quoting import column_list, ident, literal

__all__ = ["column_definition", "column_list", "constraint_definition", "ident", "literal", "render"]


def render(operation: Operation) -> tuple[str, ...]:
    """The SQL statements (usually one) that perform ``operation``."""
    return operation.render()
