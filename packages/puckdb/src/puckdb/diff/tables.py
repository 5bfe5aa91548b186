"""Comparing one table in two states: its columns, constraints, indexes and settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from puckdb.diff.casts import needs_using
from puckdb.diff.operations import (
    AddColumn,
    AddConstraint,
    AddIdentity,
    AlterColumnType,
    AlterIdentity,
    Constraint,
    CreateIndex,
    DropColumn,
    DropConstraint,
    DropIdentity,
    DropIndex,
    Operation,
    RenameConstraint,
    RenameIndex,
    SetColumnDefault,
    SetColumnNullable,
    SetComment,
    SetLogged,
    SetRowSecurity,
)
from puckdb.model import Column, Index, Table

Named = TypeVar("Named", Constraint, Index)


def constraints_of(table: Table) -> list[Constraint]:
    """Every constraint of ``table``, primary key first."""
    found: list[Constraint] = []
    if table.primary_key is not None:
        found.append(table.primary_key)
    found.extend(table.unique_constraints)
    found.extend(table.check_constraints)
    found.extend(table.exclusion_constraints)
    found.extend(table.foreign_keys)
    return found


def diff_table(source: Table, target: Table) -> list[Operation]:
    """Operations that turn ``source`` into ``target`` (same schema and name)."""
    schema, name = target.schema, target.name
    operations: list[Operation] = []
    if source.unlogged != target.unlogged:
        operations.append(SetLogged(schema, name, target.unlogged))
    if (source.rls_enabled, source.rls_forced) != (target.rls_enabled, target.rls_forced):
        operations.append(SetRowSecurity(schema, name, target.rls_enabled, target.rls_forced))
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
            operations.extend(diff_column(schema, name, before, column))
    for column in source.columns:
        if column.name not in target_columns:
            operations.append(DropColumn(schema, name, column))

    operations.extend(
        _diff_named(
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


def diff_indexes(
    schema: str, table: str, source: Iterable[Index], target: Iterable[Index]
) -> list[Operation]:
    """Index operations for a table or materialized view."""
    return _diff_named(
        list(source),
        list(target),
        _index_content,
        add=lambda i: CreateIndex(schema, table, i),
        drop=lambda i: DropIndex(schema, table, i),
        rename=lambda old, new: RenameIndex(schema, old, new),
        comment=lambda i: SetComment("INDEX", schema, i.name, None, i.comment),
    )


def diff_column(schema: str, table: str, source: Column, target: Column) -> list[Operation]:
    """Operations that turn column ``source`` into ``target`` (same name)."""
    name = target.name
    if (source.generated, source.generated_virtual) != (target.generated, target.generated_virtual) or (
        target.generated is not None and source.data_type != target.data_type
    ):
        # A generated column's expression cannot be altered on every supported version
        # (SET EXPRESSION is PostgreSQL 17+); its values are derived, so nothing is lost.
        operations: list[Operation] = [DropColumn(schema, table, source), AddColumn(schema, table, target)]
        if target.comment is not None:
            operations.append(SetComment("COLUMN", schema, table, name, target.comment))
        return operations

    operations = []
    type_changes = source.data_type != target.data_type or source.collation != target.collation
    default_changes = source.default != target.default
    if source.default is not None and (default_changes or type_changes):
        # The old default may not cast to the new type; it goes first and returns after.
        operations.append(SetColumnDefault(schema, table, name, None))
    if source.identity is not None and target.identity is None:
        operations.append(DropIdentity(schema, table, name))
    if type_changes:
        operations.append(
            AlterColumnType(
                schema,
                table,
                name,
                source.data_type,
                target.data_type,
                target.collation,
                using=_cast(name, target.data_type)
                if needs_using(source.data_type, target.data_type)
                else None,
            )
        )
    if source.nullable != target.nullable:
        operations.append(SetColumnNullable(schema, table, name, target.nullable))
    if source.identity is None and target.identity is not None:
        operations.append(AddIdentity(schema, table, name, target.identity))
    elif source.identity is not None and target.identity is not None and source.identity != target.identity:
        operations.append(AlterIdentity(schema, table, name, source.identity, target.identity))
    if target.default is not None and (default_changes or type_changes):
        operations.append(SetColumnDefault(schema, table, name, target.default))
    if source.comment != target.comment:
        operations.append(SetComment("COLUMN", schema, table, name, target.comment))
    return operations


def _cast(column: str, data_type: str) -> str:
    """``"column"::type``, the column name quoted as PostgreSQL quotes identifiers."""
    quoted = '"' + column.replace('"', '""') + '"'
    return f"{quoted}::{data_type}"


def _diff_named(
    source: list[Named],
    target: list[Named],
    content: Callable[[Named], object],
    *,
    add: Callable[[Named], Operation],
    drop: Callable[[Named], Operation],
    rename: Callable[[str, str], Operation],
    comment: Callable[[Named], Operation],
) -> list[Operation]:
    """Match objects by name, then pair leftovers of equal content as renames (a table
    rename leaves ``old_pkey`` where a fresh table would have ``new_pkey``)."""
    operations: list[Operation] = []
    by_name = {item.name: item for item in source}
    unmatched_source = {item.name: item for item in source if item.name not in {t.name for t in target}}
    unmatched_target: list[Named] = []
    for item in target:
        before = by_name.get(item.name)
        if before is None:
            unmatched_target.append(item)
        elif before == item:
            continue  # the common case, decided without building the content twice
        elif content(before) != content(item):
            operations.append(drop(before))
            operations.append(add(item))
            if item.comment is not None:
                operations.append(comment(item))
        elif before.comment != item.comment:
            operations.append(comment(item))
    for item in unmatched_target:
        twin = next((s for s in unmatched_source.values() if content(s) == content(item)), None)
        if twin is not None:
            del unmatched_source[twin.name]
            operations.append(rename(twin.name, item.name))
            if twin.comment != item.comment:
                operations.append(comment(item))
        else:
            operations.append(add(item))
            if item.comment is not None:
                operations.append(comment(item))
    operations.extend(drop(item) for item in unmatched_source.values())
    return operations


def _constraint_content(constraint: Constraint) -> object:
    return replace(constraint, name="", comment=None)


def _index_content(index: Index) -> object:
    # The definition text repeats the name and table; compare the structure instead.
    return replace(index, name="", comment=None, definition="")
