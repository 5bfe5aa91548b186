"""The closed set of changes puckdb makes to a database, as plain immutable objects.

``diff`` produces them, ``plan`` orders them and attaches hazards, ``render`` turns each into
one SQL statement. An operation carries everything its SQL and its hazards need, so no later
stage has to look anything up again.
"""

from __future__ import annotations

from dataclasses import dataclass

from puckdb.model import (
    CheckConstraint,
    Column,
    EnumType,
    ExclusionConstraint,
    Extension,
    ForeignKey,
    Identity,
    Index,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)

Constraint = PrimaryKey | UniqueConstraint | ForeignKey | CheckConstraint | ExclusionConstraint


@dataclass(frozen=True)
class Operation:
    """Base class of every change."""


# -- schemas and extensions -------------------------------------------------------------


@dataclass(frozen=True)
class CreateSchema(Operation):
    name: str


@dataclass(frozen=True)
class DropSchema(Operation):
    name: str


@dataclass(frozen=True)
class CreateExtension(Operation):
    extension: Extension


@dataclass(frozen=True)
class DropExtension(Operation):
    extension: Extension


# -- types and sequences ----------------------------------------------------------------


@dataclass(frozen=True)
class CreateEnum(Operation):
    enum: EnumType


@dataclass(frozen=True)
class DropEnum(Operation):
    enum: EnumType


@dataclass(frozen=True)
class AddEnumValue(Operation):
    """``ALTER TYPE … ADD VALUE`` placed before ``before`` (or appended when None)."""

    enum: EnumType
    value: str
    before: str | None


@dataclass(frozen=True)
class RenameEnumValue(Operation):
    enum: EnumType
    old: str
    new: str


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

    @property
    def parked_name(self) -> str:
        return f"{self.old.name}__puckdb_old"[:63]


@dataclass(frozen=True)
class DropReplacedEnum(Operation):
    """Drop the old type a :class:`RecreateEnum` parked under another name."""

    schema: str
    parked_name: str


@dataclass(frozen=True)
class CreateSequence(Operation):
    sequence: Sequence


@dataclass(frozen=True)
class DropSequence(Operation):
    sequence: Sequence


@dataclass(frozen=True)
class AlterSequence(Operation):
    old: Sequence
    new: Sequence


@dataclass(frozen=True)
class SetSequenceOwner(Operation):
    sequence: Sequence


@dataclass(frozen=True)
class RenameSequence(Operation):
    """A serial column's sequence following its renamed table or column, so that it keeps
    its counter (PostgreSQL renames neither by itself)."""

    schema: str
    old: str
    new: str


# -- tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateTable(Operation):
    """The table with its columns, primary key, unique, check and exclusion constraints.
    Foreign keys, indexes, comments and row security are separate operations."""

    table: Table


@dataclass(frozen=True)
class DropTable(Operation):
    table: Table


@dataclass(frozen=True)
class RenameTable(Operation):
    schema: str
    old: str
    new: str


@dataclass(frozen=True)
class SetLogged(Operation):
    schema: str
    table: str
    unlogged: bool


@dataclass(frozen=True)
class SetRowSecurity(Operation):
    schema: str
    table: str
    enabled: bool
    forced: bool


# -- columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AddColumn(Operation):
    schema: str
    table: str
    column: Column


@dataclass(frozen=True)
class DropColumn(Operation):
    schema: str
    table: str
    column: Column


@dataclass(frozen=True)
class RenameColumn(Operation):
    schema: str
    table: str
    old: str
    new: str


@dataclass(frozen=True)
class AlterColumnType(Operation):
    schema: str
    table: str
    column: str
    old_type: str
    new_type: str
    collation: str | None
    using: str | None
    """``USING`` expression when PostgreSQL has no assignment cast between the types."""


@dataclass(frozen=True)
class SetColumnDefault(Operation):
    schema: str
    table: str
    column: str
    default: str | None
    """None drops the default."""


@dataclass(frozen=True)
class SetColumnNullable(Operation):
    schema: str
    table: str
    column: str
    nullable: bool


@dataclass(frozen=True)
class AddIdentity(Operation):
    schema: str
    table: str
    column: str
    identity: Identity


@dataclass(frozen=True)
class DropIdentity(Operation):
    schema: str
    table: str
    column: str


@dataclass(frozen=True)
class AlterIdentity(Operation):
    schema: str
    table: str
    column: str
    old: Identity
    new: Identity


# -- constraints and indexes ------------------------------------------------------------


@dataclass(frozen=True)
class AddConstraint(Operation):
    schema: str
    table: str
    constraint: Constraint


@dataclass(frozen=True)
class DropConstraint(Operation):
    schema: str
    table: str
    constraint: Constraint


@dataclass(frozen=True)
class RenameConstraint(Operation):
    schema: str
    table: str
    old: str
    new: str


@dataclass(frozen=True)
class CreateIndex(Operation):
    schema: str
    table: str
    index: Index


@dataclass(frozen=True)
class DropIndex(Operation):
    schema: str
    table: str
    index: Index


@dataclass(frozen=True)
class RenameIndex(Operation):
    schema: str
    old: str
    new: str


# -- views ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateView(Operation):
    view: View


@dataclass(frozen=True)
class DropView(Operation):
    view: View


# -- comments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetComment(Operation):
    """``COMMENT ON <kind> … IS …``; ``comment`` None removes it.

    ``kind`` is SCHEMA, TABLE, VIEW, MATERIALIZED VIEW, INDEX, TYPE, SEQUENCE, COLUMN or
    CONSTRAINT; ``name`` is the object's name, or for COLUMN and CONSTRAINT the table's (or
    view's, for COLUMN), with ``member`` the column or constraint name. For SCHEMA,
    ``schema`` and ``name`` are both the schema's name.
    """

    kind: str
    schema: str
    name: str
    member: str | None
    comment: str | None
