"""Settling schema code where PostgreSQL's printing and re-parsing agree.

PostgreSQL's printed form of an expression is not always a fixed point: re-parsing
``ARRAY['a'::varchar]::text[]`` prints ``ARRAY['a'::varchar::text]``. A database built by
puckdb's own migrations holds the re-parsed form, so the model of the code is taken where
printing and re-parsing agree. Only expression text may change on the way: if anything
else differs, puckdb's rendering lost or altered part of the schema, and accepting the
rebuilt model would hide that loss from every comparison made afterwards.
"""

from __future__ import annotations

from dataclasses import replace

from puckdb.errors import PuckdbError
from puckdb.model import Column, Index, IndexKey, Schema, Table, View

_ERASED = "<expression>"


class RenderingLossError(PuckdbError):
    """puckdb's own SQL for a schema does not build that schema again: a puckdb defect."""


def check_only_expressions_changed(first: Schema, rebuilt: Schema, origin: str) -> None:
    """Raise :class:`RenderingLossError` when ``rebuilt`` (the schema built from puckdb's
    rendering of ``first``) differs from ``first`` in anything but expression text."""
    from puckdb.model.compare import differences

    left, right = expressions_erased(first), expressions_erased(rebuilt)
    if left == right:
        return
    found = differences(left, right)
    shown = "\n".join(f"  {line}" for line in found[:10])
    more = f"\n  … and {len(found) - 10} more" if len(found) > 10 else ""
    raise RenderingLossError(
        f"puckdb could not reproduce {origin}: a database built from puckdb's own SQL for it "
        f"differs from the one built from the code itself (left: from the code, right: from "
        f"puckdb's SQL):\n{shown}{more}\nThis is a defect in puckdb, not in your schema: please "
        "report it with the schema code. Until it is fixed, a migration generated for this "
        "schema would not build what the code says."
    )


def expressions_erased(schema: Schema) -> Schema:
    """``schema`` with every expression PostgreSQL may re-print replaced by a placeholder."""
    return replace(
        schema,
        tables=tuple(_table(table) for table in schema.tables),
        views=tuple(_view(view) for view in schema.views),
    )


def _table(table: Table) -> Table:
    return replace(
        table,
        columns=tuple(_column(column) for column in table.columns),
        check_constraints=tuple(replace(c, expression=_ERASED) for c in table.check_constraints),
        exclusion_constraints=tuple(replace(c, definition=_ERASED) for c in table.exclusion_constraints),
        indexes=tuple(_index(index) for index in table.indexes),
    )


def _column(column: Column) -> Column:
    return replace(
        column,
        default=None if column.default is None else _ERASED,
        generated=None if column.generated is None else _ERASED,
    )


def _index(index: Index) -> Index:
    return replace(
        index,
        keys=tuple(replace(key, expression=_key_expression(key)) for key in index.keys),
        where=None if index.where is None else _ERASED,
    )


def _key_expression(key: IndexKey) -> str:
    # A plain column key is a name, not an expression: it must survive unchanged.
    return key.expression if key.expression.replace('"', "").isidentifier() else _ERASED


def _view(view: View) -> View:
    return replace(view, definition=_ERASED, indexes=tuple(_index(index) for index in view.indexes))
