"""Partitions and partitioning: a partition is created ``PARTITION OF`` its parent with its
bound, leaves it (``DETACH``) before it is dropped or given another bound, and is never a
plain table. What PostgreSQL cannot change in place — a plain table becoming partitioned
or the reverse, a new partition key, a table joining or leaving a parent — is a blocking
``manual-step`` hazard, never a silent rebuild.

A partition's columns, NOT NULLs and defaults are its parent's (the model keeps them on the
parent only), so a column change on the parent is the change of every partition; the
parent's keys and indexes reach its partitions the same way. Tables are diffed by
:mod:`puckdb.kinds.tables`, which asks this module about partitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from puckdb.expressions import column_references
from puckdb.kinds.base import Hazard, Key, Operation, Phase, PlanContext, name_in_message
from puckdb.kinds.constraints import constraint_definition
from puckdb.kinds.indexes import CreateIndex, DropIndex
from puckdb.model import Index, Schema, Table
from puckdb.quoting import ident, literal


@dataclass(frozen=True)
class CreatePartition(Operation):
    """``CREATE TABLE … PARTITION OF parent <bound> [PARTITION BY …]``, then the partition's
    own constraints (those it inherits come with it)."""

    table: Table

    phase = Phase.CREATE_TABLES

    def render(self) -> tuple[str, ...]:
        t = self.table
        assert t.partition_of is not None and t.partition_bound is not None
        name = ident(t.schema, t.name)
        unlogged = "UNLOGGED " if t.unlogged else ""
        sub = f" PARTITION BY {t.partition_by}" if t.partition_by is not None else ""
        own = [
            c
            for c in (t.primary_key, *t.unique_constraints, *t.check_constraints, *t.exclusion_constraints)
            if c is not None
        ]
        return (
            f"CREATE {unlogged}TABLE {name} PARTITION OF {ident(*t.partition_of)} {t.partition_bound}{sub}",
            *(f"ALTER TABLE {name} ADD {constraint_definition(c)}" for c in own),
        )


@dataclass(frozen=True)
class DetachPartition(Operation):
    """``ALTER TABLE parent DETACH PARTITION x``: before ``x`` is dropped (as the plain table
    it then is) or attached again with another bound."""

    schema: str
    name: str
    parent: Key

    phase = Phase.DETACH_PARTITIONS

    def render(self) -> tuple[str, ...]:
        return (f"ALTER TABLE {ident(*self.parent)} DETACH PARTITION {ident(self.schema, self.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not context.holds_data(*self.parent):
            return ()
        parent = name_in_message(*self.parent)
        message = (
            f"detaches {name_in_message(self.schema, self.name)} from {parent}, "
            f"locking {parent} against reads and writes meanwhile"
        )
        return (Hazard("access-exclusive-lock", message),)


@dataclass(frozen=True)
class AttachPartition(Operation):
    """``ALTER TABLE parent ATTACH PARTITION x <bound>``: a partition given a new bound."""

    table: Table

    phase = Phase.ATTACH_PARTITIONS

    def render(self) -> tuple[str, ...]:
        t = self.table
        assert t.partition_of is not None and t.partition_bound is not None
        return (
            f"ALTER TABLE {ident(*t.partition_of)} ATTACH PARTITION {ident(t.schema, t.name)} "
            f"{t.partition_bound}",
        )

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        t = self.table
        assert t.partition_of is not None
        if not context.holds_data(t.schema, t.name):
            return ()
        name, parent = name_in_message(t.schema, t.name), name_in_message(*t.partition_of)
        message = (
            f"attaches {name} to {parent} {t.partition_bound}: {name} is locked and scanned to check "
            f"that every row fits (the statement fails if one does not), and so is a default "
            f"partition of {parent}"
        )
        return (Hazard("access-exclusive-lock", message),)


@dataclass(frozen=True)
class RefuseManualChange(Operation):
    """A change PostgreSQL cannot make in place: the statement stops the migration with
    ``message``, and the plan carries it as a blocking hazard, so that the migration is
    written by hand rather than applied."""

    schema: str
    name: str
    message: str

    # First of all: nothing else of the migration runs before it stops.
    phase = Phase.CREATE_SCHEMAS

    def render(self) -> tuple[str, ...]:
        # USING MESSAGE: the text is not a format string, so a % in a name stays as it is.
        return (f"DO $puckdb$BEGIN RAISE EXCEPTION USING MESSAGE = {literal(self.message)}; END$puckdb$",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        return (Hazard("manual-step", self.message),)


def partition_depth(table: Table, tables: Mapping[Key, Table]) -> int:
    """How many parents ``table`` has above it in ``tables`` (0 for a table that is no
    partition): parents are created before, and dropped after, their partitions."""
    depth, seen = 0, {table.key}
    parent = table.partition_of
    while parent is not None and parent in tables and parent not in seen:
        depth, seen = depth + 1, seen | {parent}
        parent = tables[parent].partition_of
    return depth


def partitions_below(schema: Schema, keys: Iterable[Key]) -> set[Key]:
    """The partitions of the tables ``keys`` name, at any depth: a change of a parent's
    column is a change of theirs (a view reading a partition's column must know it)."""
    children: dict[Key, list[Key]] = {}
    for table in schema.tables:
        if table.partition_of is not None:
            children.setdefault(table.partition_of, []).append(table.key)
    found: set[Key] = set()
    pending = list(keys)
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def adopted_partition_indexes(
    source: Schema, target: Schema, planned: Sequence[Operation]
) -> list[Operation]:
    """PostgreSQL builds an index on a partitioned table by *adopting* each partition's own
    index that matches it (same method, keys, predicate, uniqueness) instead of making a
    new one: the partition's own index would silently become the parent's. So a partition
    index that stays its own and matches a parent index the plan creates is dropped first
    and created again after it (then the parent's is built fresh on the partition)."""
    created = [o for o in planned if isinstance(o, CreateIndex)]
    if not created:
        return []
    before = {t.key: t for t in source.tables}
    after = {t.key: t for t in target.tables}
    remade = {(o.schema, o.table, o.index.name) for o in created}
    operations: list[Operation] = []
    for parent_index in created:
        parent = after.get((parent_index.schema, parent_index.table))
        if parent is None or parent.partition_by is None:
            continue
        for key in sorted(partitions_below(target, [parent.key])):
            old, new = before.get(key), after.get(key)
            if old is None or new is None:
                continue  # a new partition's own indexes come after the parent's anyway
            kept = {i.name: i for i in old.indexes}
            for index in new.indexes:
                if (
                    (*key, index.name) not in remade
                    and kept.get(index.name) == index
                    and _matches(index, parent_index.index)
                ):
                    operations += [DropIndex(*key, kept[index.name]), CreateIndex(*key, index)]
                    remade.add((*key, index.name))
    return operations


def _matches(one: Index, other: Index) -> bool:
    def shape(index: Index) -> Index:
        return replace(index, name="", comment=None, options=())

    return shape(one) == shape(other)


def partitioning_changes(source: Table, target: Table) -> tuple[list[Operation], bool]:
    """The operations for a change of ``source``'s partitioning (key, parent, bound), and
    whether the rest of the table is compared as usual (not when it joins or leaves a
    parent: a partition's columns are its parent's, a plain table's its own)."""
    name = name_in_message(target.schema, target.name)
    if source.partition_of != target.partition_of:
        return [RefuseManualChange(target.schema, target.name, _parent_change(name, source, target))], False
    if source.partition_by != target.partition_by:
        return [RefuseManualChange(target.schema, target.name, _key_change(name, source, target))], True
    held = _key_columns_changed(source, target)
    if held:
        return [RefuseManualChange(target.schema, target.name, _key_column_change(name, source, held))], True
    if source.partition_bound != target.partition_bound and source.partition_of is not None:
        return [
            DetachPartition(source.schema, source.name, source.partition_of),
            AttachPartition(target),
        ], True
    return [], True


def _key_change(name: str, source: Table, target: Table) -> str:
    if source.partition_by is None:
        what = f"{name} is a plain table in the database but partitioned by {target.partition_by} in the code"
    elif target.partition_by is None:
        what = f"{name} is partitioned by {source.partition_by} in the database but a plain table in the code"
    else:
        what = (
            f"{name} is partitioned by {source.partition_by} in the database but by "
            f"{target.partition_by} in the code"
        )
    return (
        f"{what}, and PostgreSQL cannot change a table's partitioning in place; puckdb does not rebuild "
        f"a table unasked. Write this migration by hand (`puckdb generate --custom`): create the new "
        f"table under another name, copy the rows, then swap the names; or keep {name} as the database "
        "has it."
    )


def _key_columns_changed(source: Table, target: Table) -> list[str]:
    """The columns of ``source``'s partition key that ``target`` drops or gives another
    type or collation: PostgreSQL refuses both while the table is partitioned by them."""
    if source.partition_by is None:
        return []
    named = column_references(source.partition_by)
    after = {column.name: column for column in target.columns}
    changed: list[str] = []
    for column in source.columns:
        if column.name not in named:
            continue
        new = after.get(column.name)
        if new is None or (new.data_type, new.collation) != (column.data_type, column.collation):
            changed.append(column.name)
    return changed


def _key_column_change(name: str, source: Table, columns: list[str]) -> str:
    listed = ", ".join(columns)
    return (
        f"{name} is partitioned by {source.partition_by}, and the code drops or re-types its column "
        f"{listed}, which PostgreSQL refuses while the table is partitioned by it. Write this migration by "
        f"hand (`puckdb generate --custom`): create the new table under another name, copy the rows, then "
        f"swap the names; or keep {listed} as the database has it."
    )


def _parent_change(name: str, source: Table, target: Table) -> str:
    def role(table: Table) -> str:
        if table.partition_of is None:
            return "a plain table"
        return f"a partition of {name_in_message(*table.partition_of)}"

    return (
        f"{name} is {role(source)} in the database but {role(target)} in the code, which puckdb does not "
        f"change by itself. Write this migration by hand (`puckdb generate --custom`) with ALTER TABLE … "
        f"DETACH PARTITION / ATTACH PARTITION (the columns must match the parent's exactly), or declare "
        f"{name} as the database has it."
    )
