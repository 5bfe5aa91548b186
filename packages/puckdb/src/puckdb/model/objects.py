"""The objects of a database schema, as puckdb compares them.

Every value is immutable and hashable. Text that PostgreSQL normalizes (types, defaults,
expressions, view bodies) is kept exactly as PostgreSQL prints it, so equal text means an
equal object. Comments are ``None`` when absent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    schema: str
    version: str


@dataclass(frozen=True, slots=True)
class EnumType:
    schema: str
    name: str
    labels: tuple[str, ...]
    """In sort order, which is the order ``ALTER TYPE … ADD VALUE`` positions define."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence that is not an identity column's (those belong to the column)."""

    schema: str
    name: str
    data_type: str
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool
    owned_by: tuple[str, str] | None = None
    """(table, column) in the same schema, for a serial column's sequence."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    always: bool
    """GENERATED ALWAYS (True) or BY DEFAULT (False)."""
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str
    """``format_type()``: ``character varying(200)``, ``numeric(10,2)``, ``vector(768)``, ``text[]``."""
    nullable: bool = True
    default: str | None = None
    """The default expression as ``pg_get_expr`` prints it."""
    collation: str | None = None
    """Quoted collation name, only when it differs from the type's default."""
    identity: Identity | None = None
    generated: str | None = None
    """The expression of a GENERATED ALWAYS AS (…) column."""
    generated_virtual: bool = False
    """A VIRTUAL generated column (PostgreSQL 18+); STORED otherwise."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    on_update: str = "NO ACTION"
    """NO ACTION, RESTRICT, CASCADE, SET NULL or SET DEFAULT."""
    on_delete: str = "NO ACTION"
    match: str = "SIMPLE"
    """SIMPLE, FULL or PARTIAL."""
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class CheckConstraint:
    name: str
    expression: str
    """``pg_get_constraintdef``: ``CHECK ((price > 0))``, with NOT VALID / NO INHERIT."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ExclusionConstraint:
    name: str
    definition: str
    """``pg_get_constraintdef``: ``EXCLUDE USING gist (during WITH &&)``."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class IndexKey:
    expression: str
    """The column name (quoted if it needs to be) or the expression, as PostgreSQL prints it."""
    opclass: str | None = None
    """Only when it is not the default operator class for the type and method."""
    descending: bool = False
    nulls_first: bool = False
    """Stored as PostgreSQL resolves it: True by default for DESC keys."""


@dataclass(frozen=True, slots=True)
class Index:
    """An index that is not a constraint's (primary key, unique and exclusion constraints
    own theirs)."""

    name: str
    unique: bool
    method: str
    keys: tuple[IndexKey, ...]
    include: tuple[str, ...] = ()
    where: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    """Storage parameters (``WITH (m='16')``), sorted by name."""
    nulls_not_distinct: bool = False
    definition: str = ""
    """``pg_get_indexdef``: what CREATE INDEX statement re-creates it. Not compared."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    columns: tuple[Column, ...]
    """In the table's column order."""
    primary_key: PrimaryKey | None = None
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    check_constraints: tuple[CheckConstraint, ...] = ()
    exclusion_constraints: tuple[ExclusionConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    unlogged: bool = False
    rls_enabled: bool = False
    rls_forced: bool = False

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)


@dataclass(frozen=True, slots=True)
class View:
    schema: str
    name: str
    definition: str
    """``pg_get_viewdef(oid, true)``."""
    materialized: bool = False
    columns: tuple[str, ...] = ()
    depends_on: tuple[tuple[str, str], ...] = ()
    """(schema, name) of the managed tables and views it reads, sorted."""
    indexes: tuple[Index, ...] = ()
    """Materialized views only."""
    comment: str | None = None
