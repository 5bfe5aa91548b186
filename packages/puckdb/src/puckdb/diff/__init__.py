"""diff: two :class:`~puckdb.model.Schema` states → the operations between them.

Equal objects produce nothing. The operations come out grouped by object, not in a safe
order; :func:`puckdb.plan.plan` orders them and attaches hazards. Renames cannot be
detected reliably, so they are given (:class:`Renames`) and applied to the source first.
"""

from __future__ import annotations

from puckdb.diff.foreign_keys import foreign_keys_in_the_way
from puckdb.diff.operations import (
    AddEnumValue,
    AlterSequence,
    CreateEnum,
    CreateExtension,
    CreateIndex,
    CreateSchema,
    CreateSequence,
    CreateTable,
    DropEnum,
    DropExtension,
    DropReplacedEnum,
    DropSchema,
    DropSequence,
    DropTable,
    EnumColumn,
    Operation,
    RecreateEnum,
    SetComment,
    SetRowSecurity,
    SetSequenceOwner,
)
from puckdb.diff.renames import RenameError, Renames, apply_renames
from puckdb.diff.tables import diff_table
from puckdb.diff.views import diff_views
from puckdb.model import EnumType, Schema, Sequence, Table

__all__ = ["RenameError", "Renames", "diff"]


def diff(source: Schema, target: Schema, renames: Renames | None = None) -> list[Operation]:
    """The operations that turn a database at ``source`` into ``target``.

    ``renames`` says which tables, columns and enum values of ``source`` are renamed (not
    dropped and re-added); :class:`RenameError` when one names something that does not
    exist. The result is unordered and carries no SQL: :func:`puckdb.plan.plan` orders it,
    renders it and attaches hazards (:func:`puckdb.engine.migration_plan` does both)."""
    operations: list[Operation] = []
    if renames:
        source, rename_operations = apply_renames(source, target, renames)
        operations.extend(rename_operations)

    for name in target.schemas:
        if name not in source.schemas:
            operations.append(CreateSchema(name))
    for name in source.schemas:
        if name not in target.schemas and name != "public":
            operations.append(DropSchema(name))
    operations.extend(_diff_schema_comments(source, target))

    source_extensions = {e.name: e for e in source.extensions}
    target_extensions = {e.name: e for e in target.extensions}
    # Versions are not compared: which version CREATE EXTENSION installs is the server's
    # business, and an upgrade is an explicit, hand-written migration.
    operations.extend(CreateExtension(e) for n, e in target_extensions.items() if n not in source_extensions)
    operations.extend(DropExtension(e) for n, e in source_extensions.items() if n not in target_extensions)

    enum_changes = _diff_enums(source, target)
    operations.extend(enum_changes)
    operations.extend(_diff_sequences(source, target))

    source_tables = {(t.schema, t.name): t for t in source.tables}
    target_tables = {(t.schema, t.name): t for t in target.tables}
    for key, table in target_tables.items():
        before = source_tables.get(key)
        if before is None:
            operations.extend(_create_table(table))
        else:
            operations.extend(diff_table(before, table))
    for key, table in source_tables.items():
        if key not in target_tables:
            operations.append(DropTable(table))

    operations.extend(foreign_keys_in_the_way(source, target, operations))
    operations.extend(diff_views(source, target, operations))
    return operations


def _diff_schema_comments(source: Schema, target: Schema) -> list[Operation]:
    """A comment for each schema of the target whose comment differs (a new schema's
    comment follows its CREATE SCHEMA; a dropped schema's goes with it)."""
    operations: list[Operation] = []
    for name in target.schemas:
        before = source.schema_comment(name) if name in source.schemas else None
        after = target.schema_comment(name)
        if before != after:
            operations.append(SetComment("SCHEMA", name, name, None, after))
    return operations


def _create_table(table: Table) -> list[Operation]:
    operations: list[Operation] = [CreateTable(table)]
    operations.extend(_add_foreign_keys(table))
    operations.extend(CreateIndex(table.schema, table.name, index) for index in table.indexes)
    if table.rls_enabled or table.rls_forced:
        operations.append(SetRowSecurity(table.schema, table.name, table.rls_enabled, table.rls_forced))
    if table.comment is not None:
        operations.append(SetComment("TABLE", table.schema, table.name, None, table.comment))
    for column in table.columns:
        if column.comment is not None:
            operations.append(SetComment("COLUMN", table.schema, table.name, column.name, column.comment))
    for constraint in (
        table.primary_key,
        *table.unique_constraints,
        *table.check_constraints,
        *table.exclusion_constraints,
    ):
        if constraint is not None and constraint.comment is not None:
            operations.append(
                SetComment("CONSTRAINT", table.schema, table.name, constraint.name, constraint.comment)
            )
    for index in table.indexes:
        if index.comment is not None:
            operations.append(SetComment("INDEX", table.schema, index.name, None, index.comment))
    return operations


def _add_foreign_keys(table: Table) -> list[Operation]:
    from puckdb.diff.operations import AddConstraint

    operations: list[Operation] = []
    for foreign_key in table.foreign_keys:
        operations.append(AddConstraint(table.schema, table.name, foreign_key))
        if foreign_key.comment is not None:
            operations.append(
                SetComment("CONSTRAINT", table.schema, table.name, foreign_key.name, foreign_key.comment)
            )
    return operations


def _diff_enums(source: Schema, target: Schema) -> list[Operation]:
    """Enum operations: labels added in place when the old ones keep their order,
    otherwise the type is re-created (PostgreSQL cannot remove or reorder labels)."""
    operations: list[Operation] = []
    recreated: set[tuple[str, str]] = set()
    source_enums = {(e.schema, e.name): e for e in source.enums}
    target_enums = {(e.schema, e.name): e for e in target.enums}
    for key, enum in target_enums.items():
        before = source_enums.get(key)
        if before is None:
            operations.append(CreateEnum(enum))
            if enum.comment is not None:
                operations.append(SetComment("TYPE", enum.schema, enum.name, None, enum.comment))
            continue
        if before.labels != enum.labels:
            if _is_subsequence(before.labels, enum.labels):
                operations.extend(_added_labels(before, enum))
            else:
                recreate = RecreateEnum(before, enum, _columns_using(source, target, enum))
                operations.append(recreate)
                operations.append(DropReplacedEnum(enum.schema, recreate.parked_name))
                recreated.add(key)
        if before.comment != enum.comment or (key in recreated and enum.comment is not None):
            operations.append(SetComment("TYPE", enum.schema, enum.name, None, enum.comment))
    operations.extend(DropEnum(e) for key, e in source_enums.items() if key not in target_enums)
    return operations


def _is_subsequence(shorter: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    remaining = iter(longer)
    return all(label in remaining for label in shorter)


def _added_labels(before: EnumType, after: EnumType) -> list[Operation]:
    """ADD VALUE for each new label, each placed before the next label that already
    exists (or appended), added from the last to the first so each anchor exists."""
    existing = set(before.labels)
    operations: list[Operation] = []
    for position in range(len(after.labels) - 1, -1, -1):
        label = after.labels[position]
        if label in existing:
            continue
        anchor = after.labels[position + 1] if position + 1 < len(after.labels) else None
        operations.append(AddEnumValue(after, label, anchor))
        existing.add(label)
    return operations


def _columns_using(source: Schema, target: Schema, enum: EnumType) -> tuple[EnumColumn, ...]:
    """Columns of the enum type that exist before and after (new ones are created with the
    new type already; dropped ones are gone before the type is re-created)."""
    found: list[EnumColumn] = []
    for table in target.tables:
        before = source.table(table.schema, table.name)
        if before is None:
            continue
        for column in table.columns:
            old = before.column(column.name)
            if old is not None and _refers_to(old.data_type, enum) and _refers_to(column.data_type, enum):
                found.append(
                    EnumColumn(table.schema, table.name, column.name, column.data_type, column.default)
                )
    return tuple(found)


def _refers_to(data_type: str, enum: EnumType) -> bool:
    bare = data_type.removesuffix("[]")
    return bare in (
        enum.name,
        f'"{enum.name}"',
        f"{enum.schema}.{enum.name}",
        f'"{enum.schema}"."{enum.name}"',
    )


def _diff_sequences(source: Schema, target: Schema) -> list[Operation]:
    operations: list[Operation] = []
    source_sequences = {(s.schema, s.name): s for s in source.sequences}
    target_sequences = {(s.schema, s.name): s for s in target.sequences}
    dropped_tables = {(t.schema, t.name) for t in source.tables} - {(t.schema, t.name) for t in target.tables}
    for key, sequence in target_sequences.items():
        before = source_sequences.get(key)
        if before is None:
            operations.append(CreateSequence(sequence))
            if sequence.owned_by is not None:
                operations.append(SetSequenceOwner(sequence))
        elif _without_owner(before) != _without_owner(sequence):
            operations.append(AlterSequence(before, sequence))
        elif before.owned_by != sequence.owned_by:
            operations.append(SetSequenceOwner(sequence))
        if sequence.comment is not None and (before is None or before.comment != sequence.comment):
            operations.append(SetComment("SEQUENCE", sequence.schema, sequence.name, None, sequence.comment))
        elif before is not None and before.comment is not None and sequence.comment is None:
            operations.append(SetComment("SEQUENCE", sequence.schema, sequence.name, None, None))
    for key, sequence in source_sequences.items():
        if key in target_sequences:
            continue
        # A sequence owned by a column goes away with its table or column.
        owner = sequence.owned_by
        if owner is not None and (
            (sequence.schema, owner[0]) in dropped_tables or _column_dropped(source, target, sequence)
        ):
            continue
        operations.append(DropSequence(sequence))
    return operations


def _without_owner(sequence: Sequence) -> Sequence:
    from dataclasses import replace

    return replace(sequence, owned_by=None, comment=None)


def _column_dropped(source: Schema, target: Schema, sequence: Sequence) -> bool:
    assert sequence.owned_by is not None
    table, column = sequence.owned_by
    after = target.table(sequence.schema, table)
    return after is not None and after.column(column) is None
