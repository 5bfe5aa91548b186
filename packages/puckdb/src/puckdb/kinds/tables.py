"""Tables: created with their columns and inline constraints, dropped, renamed, and
compared child by child (``columns.py``, ``constraints.py``, ``indexes.py``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from puckdb.kinds.base import Hazard, Key, Kind, Operation, Phase, PlanContext, Row, Rows, name_in_message
from puckdb.kinds.columns import (
    COLUMNS,
    AddColumn,
    DropColumn,
    column_definition,
    column_from_row,
    diff_column,
)
from puckdb.kinds.comments import SetComment
from puckdb.kinds.constraints import (
    CONSTRAINTS,
    AddConstraint,
    Constraint,
    DropConstraint,
    RenameConstraint,
    constraint_definition,
    constraints_from_rows,
    constraints_of,
)
from puckdb.kinds.foreign_keys import foreign_keys_in_the_way
from puckdb.kinds.indexes import INDEXES, CreateIndex, diff_indexes, index_from_row
from puckdb.kinds.matching import diff_named
from puckdb.kinds.partitions import (
    CreatePartition,
    DetachPartition,
    adopted_partition_indexes,
    partition_depth,
    partitioning_changes,
)
from puckdb.kinds.underlying_types import domains_by_key
from puckdb.model import Column, Domain, Index, Schema, Table
from puckdb.quoting import ident

# Children (columns, constraints, indexes) are attached in Python to the relations this
# query admitted, so it alone decides what is managed; views read it too. A partition is a
# table with its parent and bound (a partition has one parent, in pg_inherits); its
# columns are its parent's, so the columns query skips partitions.
RELATIONS = """
SELECT c.oid, n.nspname, c.relname, c.relkind,
       c.relpersistence = 'u' AS unlogged, c.relrowsecurity, c.relforcerowsecurity,
       obj_description(c.oid, 'pg_class') AS comment,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by,
       pn.nspname AS parent_schema, pc.relname AS parent_name,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_class pc ON pc.oid = i.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
"""


@dataclass(frozen=True)
class CreateTable(Operation):
    """The table with its columns, primary key, unique, check and exclusion constraints.
    Foreign keys, indexes, comments and row security are separate operations."""

    table: Table

    phase = Phase.CREATE_TABLES

    def render(self) -> tuple[str, ...]:
        t = self.table
        lines = [column_definition(column) for column in t.columns]
        inline: list[Constraint] = []
        added_after: list[Constraint] = []
        keys: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
        if t.primary_key is not None:
            inline.append(t.primary_key)
            keys.add((t.primary_key.columns, t.primary_key.include))
        for unique in t.unique_constraints:
            # CREATE TABLE silently drops a unique constraint over the same columns (and
            # INCLUDE columns) as the primary key or an earlier one; ALTER TABLE … ADD
            # keeps it, as the source has it.
            key = (unique.columns, unique.include)
            (added_after if key in keys else inline).append(unique)
            keys.add(key)
        inline.extend(t.check_constraints)
        inline.extend(t.exclusion_constraints)
        lines.extend(constraint_definition(constraint) for constraint in inline)
        body = ",\n".join(f"    {line}" for line in lines)
        unlogged = "UNLOGGED " if t.unlogged else ""
        name = ident(t.schema, t.name)
        partitioned = f" PARTITION BY {t.partition_by}" if t.partition_by is not None else ""
        return (
            f"CREATE {unlogged}TABLE {name} (\n{body}\n){partitioned}",
            *(f"ALTER TABLE {name} ADD {constraint_definition(c)}" for c in added_after),
        )


@dataclass(frozen=True)
class DropTable(Operation):
    table: Table

    phase = Phase.DROP_TABLES

    def render(self) -> tuple[str, ...]:
        return (f"DROP TABLE {ident(self.table.schema, self.table.name)}",)

    def dropped_relations(self) -> tuple[Key, ...]:
        return (self.table.key,)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.table.schema, self.table.name)
        return (
            Hazard("data-loss", f"drops table {name} and all its rows"),
            Hazard("backward-incompatible", f"code that uses table {name} breaks"),
        )


@dataclass(frozen=True)
class RenameTable(Operation):
    schema: str
    old: str
    new: str

    phase = Phase.RENAME_RELATIONS

    def render(self) -> tuple[str, ...]:
        return (f"ALTER TABLE {ident(self.schema, self.old)} RENAME TO {ident(self.new)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        old = name_in_message(self.schema, self.old)
        return (
            Hazard(
                "backward-incompatible", f"renames table {old} to {self.new}; code using the old name breaks"
            ),
        )


@dataclass(frozen=True)
class SetLogged(Operation):
    schema: str
    table: str
    unlogged: bool

    phase = Phase.TABLE_SETTINGS

    def render(self) -> tuple[str, ...]:
        return (
            f"ALTER TABLE {ident(self.schema, self.table)} SET {'UNLOGGED' if self.unlogged else 'LOGGED'}",
        )

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not context.holds_data(self.schema, self.table):
            return ()
        table = name_in_message(self.schema, self.table)
        return (Hazard("table-rewrite", f"rewrites {table} to change whether it is logged"),)


@dataclass(frozen=True)
class SetRowSecurity(Operation):
    """ENABLE / DISABLE and FORCE / NO FORCE ROW LEVEL SECURITY."""

    schema: str
    table: str
    enabled: bool
    forced: bool
    previously_enabled: bool = False
    previously_forced: bool = False

    phase = Phase.TABLE_SETTINGS

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        # Whether the table holds rows yet does not matter: what its policies hide is
        # exposed from the next write on, so turning security off always needs a yes.
        table = name_in_message(self.schema, self.table)
        if self.previously_enabled and not self.enabled:
            message = (
                f"disables row-level security on {table}: every role with privileges on it then reads and "
                "writes all of its rows, whatever its policies say"
            )
            return (Hazard("security", message),)
        if self.previously_forced and not self.forced and self.enabled:
            message = (
                f"stops forcing row-level security on {table}: its owner then reads and writes all of "
                "its rows, whatever its policies say"
            )
            return (Hazard("security", message),)
        return ()

    def render(self) -> tuple[str, ...]:
        # Only what changes: a NO FORCE that changes nothing would read (and lint) as
        # security being loosened.
        table = ident(self.schema, self.table)
        statements: list[str] = []
        if self.enabled != self.previously_enabled:
            statements.append(
                f"ALTER TABLE {table} {'ENABLE' if self.enabled else 'DISABLE'} ROW LEVEL SECURITY"
            )
        if self.forced != self.previously_forced:
            statements.append(
                f"ALTER TABLE {table} {'FORCE' if self.forced else 'NO FORCE'} ROW LEVEL SECURITY"
            )
        return tuple(statements)


def columns_by_relation(rows: Rows, relations: Mapping[int, Row]) -> dict[int, list[Column]]:
    """The columns of each relation in ``relations``, in column order."""
    columns: dict[int, list[Column]] = defaultdict(list)
    for row in rows["columns"]:
        if row["attrelid"] in relations:
            columns[row["attrelid"]].append(column_from_row(row))
    return columns


def indexes_by_relation(rows: Rows, relations: Mapping[int, Row]) -> dict[int, list[Index]]:
    """The indexes (no constraint's) of each relation in ``relations``."""
    indexes: dict[int, list[Index]] = defaultdict(list)
    for row in rows["indexes"]:
        if row["indrelid"] in relations:
            indexes[row["indrelid"]].append(index_from_row(row))
    return indexes


def _assemble(rows: Rows) -> Mapping[str, Any]:
    relations = {row["oid"]: row for row in rows["relations"] if row["relkind"] in ("r", "p")}
    columns = columns_by_relation(rows, relations)
    indexes = indexes_by_relation(rows, relations)
    constraints: dict[int, list[Row]] = defaultdict(list)
    for row in rows["constraints"]:
        constraints[row["conrelid"]].append(row)
    tables = []
    for oid, relation in relations.items():
        found = constraints_from_rows(constraints[oid])
        tables.append(
            Table(
                schema=relation["nspname"],
                name=relation["relname"],
                columns=tuple(columns[oid]),
                primary_key=found.primary_key,
                unique_constraints=found.unique_constraints,
                foreign_keys=found.foreign_keys,
                check_constraints=found.check_constraints,
                exclusion_constraints=found.exclusion_constraints,
                indexes=tuple(indexes[oid]),
                comment=relation["comment"],
                unlogged=relation["unlogged"],
                rls_enabled=relation["relrowsecurity"],
                rls_forced=relation["relforcerowsecurity"],
                partition_by=relation["partition_by"],
                partition_of=(
                    None
                    if relation["parent_name"] is None
                    else (relation["parent_schema"], relation["parent_name"])
                ),
                partition_bound=relation["partition_bound"],
            )
        )
    return {"tables": tuple(tables)}


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    operations: list[Operation] = []
    source_tables = {(t.schema, t.name): t for t in source.tables}
    target_tables = {(t.schema, t.name): t for t in target.tables}
    domains = (domains_by_key(source.domains), domains_by_key(target.domains))
    # Parents before their partitions; partitions are dropped before their parents.
    for key, table in sorted(target_tables.items(), key=lambda item: partition_depth(item[1], target_tables)):
        before = source_tables.get(key)
        if before is None:
            operations.extend(_create_table(table))
            continue
        changes, compare_rest = partitioning_changes(before, table)
        operations.extend(changes)
        if compare_rest:
            operations.extend(diff_table(before, table, domains))
    operations.extend(adopted_partition_indexes(source, target, operations))
    dropped = [table for key, table in source_tables.items() if key not in target_tables]
    for table in sorted(dropped, key=lambda t: -partition_depth(t, source_tables)):
        if table.partition_of is not None and table.partition_of in target_tables:
            operations.append(DetachPartition(table.schema, table.name, table.partition_of))
        operations.append(DropTable(table))
    operations.extend(foreign_keys_in_the_way(source, target, [*earlier, *operations]))
    return operations


def _create_table(table: Table) -> list[Operation]:
    schema, name = table.schema, table.name
    # Never a partition as a plain table: it is created PARTITION OF its parent.
    operations: list[Operation] = [
        CreateTable(table) if table.partition_of is None else CreatePartition(table)
    ]
    for foreign_key in table.foreign_keys:
        operations.append(AddConstraint(schema, name, foreign_key))
        if foreign_key.comment is not None:
            operations.append(SetComment("CONSTRAINT", schema, name, foreign_key.name, foreign_key.comment))
    operations.extend(CreateIndex(schema, name, index) for index in table.indexes)
    if table.rls_enabled or table.rls_forced:
        operations.append(SetRowSecurity(schema, name, table.rls_enabled, table.rls_forced))
    if table.comment is not None:
        operations.append(SetComment("TABLE", schema, name, None, table.comment))
    for column in table.columns:
        if column.comment is not None:
            operations.append(SetComment("COLUMN", schema, name, column.name, column.comment))
    for constraint in (
        table.primary_key,
        *table.unique_constraints,
        *table.check_constraints,
        *table.exclusion_constraints,
    ):
        if constraint is not None and constraint.comment is not None:
            operations.append(SetComment("CONSTRAINT", schema, name, constraint.name, constraint.comment))
    for index in table.indexes:
        if index.comment is not None:
            operations.append(SetComment("INDEX", schema, index.name, None, index.comment))
    return operations


def diff_table(
    source: Table,
    target: Table,
    domains: tuple[Mapping[Key, Domain], Mapping[Key, Domain]] = ({}, {}),
) -> list[Operation]:
    """Operations that turn ``source`` into ``target`` (same schema and name); ``domains``
    (the source's and the target's) are what its columns' type changes are judged through."""
    schema, name = target.schema, target.name
    operations: list[Operation] = []
    if source.unlogged != target.unlogged:
        operations.append(SetLogged(schema, name, target.unlogged))
    if (source.rls_enabled, source.rls_forced) != (target.rls_enabled, target.rls_forced):
        operations.append(
            SetRowSecurity(
                schema, name, target.rls_enabled, target.rls_forced, source.rls_enabled, source.rls_forced
            )
        )
    if source.comment != target.comment:
        operations.append(SetComment("TABLE", schema, name, None, target.comment))

    source_columns = {column.name: column for column in source.columns}
    target_columns = {column.name: column for column in target.columns}
    for column in target.columns:
        before = source_columns.get(column.name)
        if before is None:
            operations.append(AddColumn(schema, name, column))
            if column.comment is not None:
                operations.append(SetComment("COLUMN", schema, name, column.name, column.comment))
        else:
            operations.extend(diff_column(schema, name, before, column, domains))
    operations.extend(
        DropColumn(schema, name, column) for column in source.columns if column.name not in target_columns
    )
    operations.extend(
        diff_named(
            constraints_of(source),
            constraints_of(target),
            _constraint_content,
            add=lambda c: AddConstraint(schema, name, c),
            drop=lambda c: DropConstraint(schema, name, c),
            rename=lambda old, new: RenameConstraint(schema, name, old, new),
            comment=lambda c: SetComment("CONSTRAINT", schema, name, c.name, c.comment),
        )
    )
    operations.extend(diff_indexes(schema, name, source.indexes, target.indexes))
    return operations


def _constraint_content(constraint: Constraint) -> object:
    return replace(constraint, name="", comment=None)


KIND = Kind(
    "tables",
    queries=(
        ("relations", RELATIONS),
        ("columns", COLUMNS),
        ("constraints", CONSTRAINTS),
        ("indexes", INDEXES),
    ),
    assemble=_assemble,
    diff=_diff,
)
