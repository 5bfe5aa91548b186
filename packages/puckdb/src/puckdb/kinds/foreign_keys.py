"""Foreign keys that must step aside while the keys or columns they join are changed.

A foreign key depends on its columns' types and on the unique index of the key it
references. PostgreSQL refuses to drop that key, or to retype a column on either side into
a type the other side cannot be compared with, while the foreign key exists — even when the
foreign key's table is about to be dropped or the foreign key will look the same afterwards.
Such foreign keys are dropped first (the plan drops foreign keys before anything else) and,
when they survive, added again once every key exists (the plan adds them last).
"""

from __future__ import annotations

from collections.abc import Sequence

from puckdb.kinds.base import Operation
from puckdb.kinds.columns import AlterColumnType
from puckdb.kinds.constraints import AddConstraint, DropConstraint
from puckdb.kinds.enums import RecreateEnum
from puckdb.kinds.indexes import DropIndex
from puckdb.model import ForeignKey, PrimaryKey, Schema, UniqueConstraint

TableKey = tuple[str, str]
ColumnKey = tuple[str, str, str]


def foreign_keys_in_the_way(
    source: Schema, target: Schema, operations: Sequence[Operation]
) -> list[Operation]:
    """Drop (and re-add, when they stay) the foreign keys of ``source`` that ``operations``
    would otherwise trip over."""
    dropped_tables = {(t.schema, t.name) for t in source.tables} - {(t.schema, t.name) for t in target.tables}
    losing_keys = _tables_losing_a_key(operations)
    retyped = _retyped_columns(operations)
    already_dropped = {
        (o.schema, o.table, o.constraint.name)
        for o in operations
        if isinstance(o, DropConstraint) and isinstance(o.constraint, ForeignKey)
    }

    result: list[Operation] = []
    for table in source.tables:
        key = (table.schema, table.name)
        for foreign_key in table.foreign_keys:
            referenced = (foreign_key.ref_schema, foreign_key.ref_table)
            if (*key, foreign_key.name) in already_dropped:
                continue
            in_the_way = (
                (referenced in dropped_tables and referenced != key)
                or referenced in losing_keys
                or any((*key, column) in retyped for column in foreign_key.columns)
                or any((*referenced, column) in retyped for column in foreign_key.ref_columns)
            )
            if not in_the_way:
                continue
            if key in dropped_tables and referenced == key:
                continue  # goes with its table, which nothing else waits for
            result.append(DropConstraint(table.schema, table.name, foreign_key))
            after = target.table(table.schema, table.name)
            kept = after and next((fk for fk in after.foreign_keys if fk.name == foreign_key.name), None)
            if kept:
                result.append(AddConstraint(table.schema, table.name, kept))
    return result


def _tables_losing_a_key(operations: Sequence[Operation]) -> set[TableKey]:
    losing: set[TableKey] = set()
    for operation in operations:
        if isinstance(operation, DropConstraint):
            if isinstance(operation.constraint, PrimaryKey | UniqueConstraint):
                losing.add((operation.schema, operation.table))
        elif isinstance(operation, DropIndex) and operation.index.unique:
            losing.add((operation.schema, operation.table))
    return losing


def _retyped_columns(operations: Sequence[Operation]) -> set[ColumnKey]:
    retyped: set[ColumnKey] = set()
    for operation in operations:
        if isinstance(operation, AlterColumnType):
            retyped.add((operation.schema, operation.table, operation.column))
        elif isinstance(operation, RecreateEnum):
            retyped.update((c.schema, c.table, c.column) for c in operation.columns)
    return retyped
