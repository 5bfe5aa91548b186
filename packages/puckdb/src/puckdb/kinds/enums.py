"""Enum types: labels added in place when the old ones keep their order, otherwise the
type is re-created (PostgreSQL cannot remove or reorder labels) and its columns converted
through text."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from puckdb.kinds.base import Hazard, Key, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.model import EnumType, Schema
from puckdb.quoting import ident, literal

ENUMS = """
SELECT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder)::text[] AS labels,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, t.typname
"""


@dataclass(frozen=True)
class CreateEnum(Operation):
    enum: EnumType

    phase = Phase.CREATE_TYPES

    def render(self) -> tuple[str, ...]:
        labels = ", ".join(literal(label) for label in self.enum.labels)
        return (f"CREATE TYPE {ident(self.enum.schema, self.enum.name)} AS ENUM ({labels})",)


@dataclass(frozen=True)
class DropEnum(Operation):
    enum: EnumType

    phase = Phase.DROP_TYPES_AND_SEQUENCES

    def render(self) -> tuple[str, ...]:
        return (f"DROP TYPE {ident(self.enum.schema, self.enum.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = f"drops type {name_in_message(self.enum.schema, self.enum.name)}"
        return (Hazard("backward-incompatible", message),)


@dataclass(frozen=True)
class AddEnumValue(Operation):
    """``ALTER TYPE … ADD VALUE`` placed before ``before`` (or appended when None)."""

    enum: EnumType
    value: str
    before: str | None

    phase = Phase.CREATE_TYPES
    # A new label cannot be used before it is committed, so ADD VALUE runs on its own (it
    # is rendered IF NOT EXISTS, so running it again after a failure is safe).
    transactional = False

    def render(self) -> tuple[str, ...]:
        place = f" BEFORE {literal(self.before)}" if self.before is not None else ""
        name = ident(self.enum.schema, self.enum.name)
        return (f"ALTER TYPE {name} ADD VALUE IF NOT EXISTS {literal(self.value)}{place}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.enum.schema, self.enum.name)
        return (Hazard("non-transactional", f"adds {self.value!r} to enum {name} in its own transaction"),)


@dataclass(frozen=True)
class RenameEnumValue(Operation):
    enum: EnumType
    old: str
    new: str

    phase = Phase.RENAME_KEYS_AND_INDEXES

    def render(self) -> tuple[str, ...]:
        name = ident(self.enum.schema, self.enum.name)
        return (f"ALTER TYPE {name} RENAME VALUE {literal(self.old)} TO {literal(self.new)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.enum.schema, self.enum.name)
        message = (
            f"renames value {self.old!r} of enum {name} to {self.new!r}; code writing the old value breaks"
        )
        return (Hazard("backward-incompatible", message),)


@dataclass(frozen=True)
class EnumColumn:
    """A column whose type is an enum being re-created, with what it needs around it."""

    schema: str
    table: str
    column: str
    data_type: str
    default: str | None


@dataclass(frozen=True)
class RecreateEnum(Operation):
    """Remove or reorder labels: PostgreSQL cannot, so the old type is renamed out of the
    way (see :attr:`parked_name`), the new one created, and every column that keeps the
    type is converted through text. The old type is dropped by :class:`DropReplacedEnum`
    once nothing uses it: columns leaving the type are converted later, in their own
    operations."""

    old: EnumType
    new: EnumType
    columns: tuple[EnumColumn, ...]

    phase = Phase.RECREATE_ENUMS

    @property
    def parked_name(self) -> str:
        return f"{self.old.name}__puckdb_old"[:63]

    def render(self) -> tuple[str, ...]:
        name = ident(self.new.schema, self.new.name)
        labels = ", ".join(literal(label) for label in self.new.labels)
        statements = [
            f"ALTER TYPE {name} RENAME TO {ident(self.parked_name)}",
            f"CREATE TYPE {name} AS ENUM ({labels})",
        ]
        for column in self.columns:
            table = ident(column.schema, column.table)
            target = ident(column.column)
            array = "[]" if column.data_type.endswith("[]") else ""
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} DROP DEFAULT")
            cast = f"{target}::text{array}::{name}{array}"
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} TYPE {name}{array} USING {cast}")
            if column.default is not None:
                statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} SET DEFAULT {column.default}")
        return tuple(statements)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        found: list[Hazard] = []
        removed = [label for label in self.old.labels if label not in self.new.labels]
        if removed:
            found.append(
                Hazard(
                    "data-loss",
                    f"removes value(s) {', '.join(removed)} from enum "
                    f"{name_in_message(self.old.schema, self.old.name)}; rows holding them make the "
                    "migration fail",
                )
            )
        for converted in self.columns:
            table_name = name_in_message(converted.schema, converted.table)
            found.append(Hazard("table-rewrite", f"rewrites {table_name} to convert {converted.column}"))
        return tuple(found)


@dataclass(frozen=True)
class DropReplacedEnum(Operation):
    """Drop the old type a :class:`RecreateEnum` parked under another name."""

    schema: str
    parked_name: str

    phase = Phase.DROP_TYPES_AND_SEQUENCES

    def render(self) -> tuple[str, ...]:
        return (f"DROP TYPE {ident(self.schema, self.parked_name)}",)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    enums = (EnumType(r["nspname"], r["typname"], tuple(r["labels"]), r["comment"]) for r in rows["enums"])
    return {"enums": tuple(enums)}


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    operations: list[Operation] = []
    recreated: set[Key] = set()
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


def with_labels_of(source: Schema, target: Schema, keys: Collection[Key]) -> Schema:
    """``source`` with the enums named by ``keys`` holding ``target``'s labels, the rest
    as they were: the state between a migration that only adds (and renames) enum labels
    and the one that does everything else with them."""
    wanted = {e.key: e for e in target.enums if e.key in keys}
    enums = tuple(
        dataclasses.replace(e, labels=wanted[e.key].labels) if e.key in wanted else e for e in source.enums
    )
    return dataclasses.replace(source, enums=enums)


KIND = Kind("enums", queries=(("enums", ENUMS),), assemble=_assemble, diff=_diff)
