"""The objects of a database schema, as puckdb compares them.

Every value is an immutable, hashable frozen dataclass whose collections are tuples.
Text that PostgreSQL normalizes (types, defaults, expressions, view bodies) is kept exactly
as PostgreSQL prints it, so equal text means an equal object. Comments are ``None`` when
absent. Collections that have no order of their own in PostgreSQL (constraints of one
kind, indexes, view dependencies) are sorted on construction, so equal schemas are equal
values however they were built; table columns, index keys and constraint columns keep
their order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar

ReferentialAction = Literal["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"]
"""A foreign key's ON UPDATE / ON DELETE action."""
MatchType = Literal["SIMPLE", "FULL", "PARTIAL"]
"""A foreign key's MATCH type."""


@dataclass(frozen=True, slots=True)
class Extension:
    """An installed extension (database-wide, whatever the managed schemas)."""

    name: str
    schema: str
    """The schema that holds the extension's objects."""
    version: str


@dataclass(frozen=True, slots=True)
class EnumType:
    """``CREATE TYPE schema.name AS ENUM (labels)``."""

    schema: str
    name: str
    labels: tuple[str, ...]
    """In sort order, which is the order ``ALTER TYPE … ADD VALUE`` positions define."""
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Domain:
    """``CREATE DOMAIN schema.name AS base …``: a type with a default, NOT NULL and
    checks that every column of it gets."""

    schema: str
    name: str
    base: str
    """``format_type`` of the underlying type (``integer``, ``character varying(20)``,
    another domain), qualified outside public like a column's type."""
    default: str | None = None
    """As ``pg_get_expr`` prints it (``1``, ``'x'::text``)."""
    not_null: bool = False
    collation: str | None = None
    """Quoted collation name, only when it differs from the base type's."""
    checks: tuple[tuple[str, str], ...] = ()
    """(name, ``pg_get_constraintdef``: ``CHECK ((VALUE > 0))``) of each check, by name."""
    comment: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", tuple(sorted(self.checks)))

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class CompositeAttribute:
    """One attribute of a composite type."""

    name: str
    data_type: str
    """``format_type``, as for a column."""
    collation: str | None = None
    """Quoted collation name, only when it differs from the type's default."""


@dataclass(frozen=True, slots=True)
class CompositeType:
    """``CREATE TYPE schema.name AS (attributes)`` (a free-standing composite type, not a
    table's row type)."""

    schema: str
    name: str
    attributes: tuple[CompositeAttribute, ...]
    """In the type's order."""
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence that is not an identity column's (those belong to the column): a
    standalone sequence, or a serial column's (``owned_by``)."""

    schema: str
    name: str
    data_type: str
    """``smallint``, ``integer`` or ``bigint``."""
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool
    owned_by: tuple[str, str] | None = None
    """(table, column) in the same schema, for a serial column's sequence."""
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Identity:
    """``GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`` and its sequence's options. The
    sequence's own name is not modelled: PostgreSQL picks it and never renames it."""

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
    """A table column, in PostgreSQL's own words."""

    name: str
    data_type: str
    """``format_type()``: ``character varying(200)``, ``numeric(10,2)``, ``vector(768)``,
    ``text[]``; types outside the inspection's search path (``public``) are qualified."""
    nullable: bool = True
    default: str | None = None
    """The default expression as ``pg_get_expr`` prints it (``now()``, ``'x'::text``)."""
    collation: str | None = None
    """Quoted collation name (``"C"``), only when it differs from the type's default."""
    identity: Identity | None = None
    generated: str | None = None
    """The expression of a GENERATED ALWAYS AS (…) column."""
    generated_virtual: bool = False
    """A VIRTUAL generated column (PostgreSQL 18+); STORED otherwise."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    """``PRIMARY KEY (columns) [INCLUDE (include)]``; its backing index belongs to it."""

    name: str
    columns: tuple[str, ...]
    """In key order."""
    comment: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    include: tuple[str, ...] = ()
    """INCLUDE columns (stored in the key's index, not part of the key), in index order."""


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    """``UNIQUE [NULLS NOT DISTINCT] (columns) [INCLUDE (include)]``; its backing index
    belongs to it."""

    name: str
    columns: tuple[str, ...]
    """In key order."""
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    comment: str | None = None
    include: tuple[str, ...] = ()
    """INCLUDE columns (stored in the constraint's index, not part of the key), in index order."""


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """``FOREIGN KEY (columns) REFERENCES ref_schema.ref_table (ref_columns) …``."""

    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    """Pairwise with ``columns``."""
    on_update: ReferentialAction = "NO ACTION"
    on_delete: ReferentialAction = "NO ACTION"
    match: MatchType = "SIMPLE"
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    """False for a constraint added NOT VALID and not validated since (True when not
    enforced: there is nothing to validate)."""
    enforced: bool = True
    """False for ``NOT ENFORCED`` (PostgreSQL 18+): declared for readers and planners, not
    checked."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class CheckConstraint:
    """A CHECK constraint, kept whole as PostgreSQL prints it."""

    name: str
    expression: str
    """``pg_get_constraintdef``: ``CHECK (price > 0::numeric)``, with NOT VALID / NO INHERIT."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ExclusionConstraint:
    """An EXCLUDE constraint, kept whole as PostgreSQL prints it."""

    name: str
    definition: str
    """``pg_get_constraintdef``: ``EXCLUDE USING gist (during WITH &&)``."""
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class IndexKey:
    """One key of an index: a column or an expression, with operator class and order."""

    expression: str
    """The column name (quoted if it needs to be) or the expression, as
    ``pg_get_indexdef(index, k, true)`` prints it: ``email``, ``lower(email)``."""
    opclass: str | None = None
    """Only when it is not the default operator class for the type and method."""
    descending: bool = False
    nulls_first: bool = False
    """Stored as PostgreSQL resolves it: True by default for DESC keys."""
    collation: str | None = None
    """``COLLATE "C"``'s quoted name, only when it differs from the key column's collation
    (an expression key's: from its type's default, so ``lower(c)`` on a ``"C"`` column
    shows ``"C"``, which says the same thing explicitly)."""


@dataclass(frozen=True, slots=True)
class Index:
    """An index that is not a constraint's (primary key, unique and exclusion constraints
    own theirs)."""

    name: str
    unique: bool
    method: str
    """The access method: ``btree``, ``gin``, ``gist``, ``hnsw``, ``ivfflat``, …"""
    keys: tuple[IndexKey, ...]
    """In index order."""
    include: tuple[str, ...] = ()
    """INCLUDE columns, in index order."""
    where: str | None = None
    """A partial index's predicate as ``pg_get_expr(…, true)`` prints it."""
    options: tuple[tuple[str, str], ...] = ()
    """Storage parameters (``WITH (m='16')``), sorted by name."""
    nulls_not_distinct: bool = False
    definition: str = field(default="", compare=False)
    """``pg_get_indexdef``: what CREATE INDEX statement re-creates it. Not compared: it
    repeats the fields above, with the options in the order they were written."""
    comment: str | None = None


_Named = TypeVar("_Named", UniqueConstraint, ForeignKey, CheckConstraint, ExclusionConstraint, Index)


def _by_name(items: tuple[_Named, ...]) -> tuple[_Named, ...]:
    return tuple(sorted(items, key=lambda item: item.name))


@dataclass(frozen=True, slots=True)
class Table:
    """An ordinary (or partitioned) table with its columns, constraints and indexes."""

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
    """ALTER TABLE … ENABLE ROW LEVEL SECURITY."""
    rls_forced: bool = False
    """ALTER TABLE … FORCE ROW LEVEL SECURITY (the owner is subject to policies too)."""
    partition_by: str | None = None
    """The partition key of a partitioned table as ``pg_get_partkeydef`` prints it
    (``RANGE (created_at)``); None for a table that is not partitioned."""
    partition_of: tuple[str, str] | None = None
    """(schema, name) of the partitioned table this one is a partition of, or None. A
    partition's columns, NOT NULLs and defaults are its parent's: ``columns`` is empty, and
    the constraints and indexes it inherits are the parent's too (only its own are here)."""
    partition_bound: str | None = None
    """A partition's bound as ``pg_get_expr(relpartbound)`` prints it: ``FOR VALUES FROM
    ('2024-01-01') TO ('2025-01-01')``, ``FOR VALUES IN ('a')``, ``DEFAULT``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "unique_constraints", _by_name(self.unique_constraints))
        object.__setattr__(self, "foreign_keys", _by_name(self.foreign_keys))
        object.__setattr__(self, "check_constraints", _by_name(self.check_constraints))
        object.__setattr__(self, "exclusion_constraints", _by_name(self.exclusion_constraints))
        object.__setattr__(self, "indexes", _by_name(self.indexes))

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or None."""
        return next((column for column in self.columns if column.name == name), None)


@dataclass(frozen=True, slots=True)
class View:
    """A view or materialized view."""

    schema: str
    name: str
    definition: str = field(compare=False)
    """``pg_get_viewdef(oid, true)``: what re-creates it. Compared through
    :attr:`definition_key`, which leaves out what PostgreSQL's printing does not settle on."""
    materialized: bool = False
    columns: tuple[str, ...] = ()
    """Output column names, in order."""
    depends_on: tuple[tuple[str, str], ...] = ()
    """(schema, name) of the managed tables and views it reads, sorted."""
    indexes: tuple[Index, ...] = ()
    """Materialized views only."""
    comment: str | None = None
    column_comments: tuple[tuple[str, str], ...] = ()
    """(column, comment) of the output columns that have a comment, sorted by column name."""
    depends_on_columns: tuple[tuple[str, str, str], ...] = ()
    """(schema, relation, column) of the columns it reads, sorted: a change to another column
    of those relations leaves it alone."""
    depends_on_rows: tuple[tuple[str, str], ...] = ()
    """(schema, name) of the relations it reads as a whole (a whole-row reference,
    ``count(*)``): any column change there touches it."""
    definition_key: str = field(init=False, repr=False)
    """The definition as two equal views share it (see :mod:`puckdb.model.view_key`),
    derived from :attr:`definition` (so ``replace(view, definition=…)`` renews it)."""

    def __post_init__(self) -> None:
        from puckdb.model.view_key import view_key

        object.__setattr__(self, "definition_key", view_key(self.definition))
        object.__setattr__(self, "depends_on", tuple(sorted(self.depends_on)))
        object.__setattr__(self, "depends_on_columns", tuple(sorted(self.depends_on_columns)))
        object.__setattr__(self, "depends_on_rows", tuple(sorted(self.depends_on_rows)))
        object.__setattr__(self, "indexes", _by_name(self.indexes))
        object.__setattr__(self, "column_comments", tuple(sorted(self.column_comments)))

    def column_comment(self, column: str) -> str | None:
        """The comment on the output column ``column``, or None."""
        return next((comment for name, comment in self.column_comments if name == column), None)

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class UnmanagedObject:
    """Something a managed schema holds that no kind of puckdb's models: a function, a
    trigger, a policy, a range type, an inheriting table… It is never compared attribute by
    attribute, created or altered; it is named (``check``, ``pull``, ``generate``, ``push``)
    so that nobody mistakes puckdb's silence for agreement, and a plan that would drop it
    with its table says so with a blocking hazard."""

    kind: str
    """What it is, in PostgreSQL's words: ``function``, ``trigger``, ``policy``, ``domain``…"""
    schema: str
    name: str
    """Its name as SQL would write it (a function with its argument types)."""
    relation: tuple[str, str] | None = None
    """(schema, name) of the table or view it belongs to, when it goes with one (a trigger,
    a policy on a partition, a rule, an inheriting table)."""
    fingerprint: str = ""
    """A digest of its definition as PostgreSQL prints it: equal objects have equal
    fingerprints, so a changed definition is drift even though puckdb cannot say how."""

    @property
    def label(self) -> str:
        """How messages name it: ``trigger set_updated_at on public.cards``, ``function
        public.touch()``, ``inheritance public.child inheriting from public.parent``."""
        owner = ".".join(self.relation) if self.relation is not None else ""
        if self.kind in ("trigger", "constraint trigger", "policy", "rule"):
            return f"{self.kind} {self.name} on {owner}"
        if self.kind == "inheritance":
            return f"inheritance {self.schema}.{self.name} inheriting from {owner}"
        if self.kind == "table settings" and owner:
            return f"{self.kind} of {owner}"
        if self.kind in ("event trigger", "default privileges"):
            return f"{self.kind} {self.name}"
        return f"{self.kind} {self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Collation:
    """A collation made by ``CREATE COLLATION`` (extension members are their extension's)."""

    schema: str
    name: str
    provider: str
    """``libc``, ``icu`` or ``builtin`` (PostgreSQL 17+)."""
    locale: str | None = None
    """The ICU or builtin locale (``und-u-ks-level2``); None for libc."""
    lc_collate: str | None = None
    """libc's LC_COLLATE; None for the other providers."""
    lc_ctype: str | None = None
    """libc's LC_CTYPE; None for the other providers."""
    deterministic: bool = True
    """False when strings that compare equal may differ byte-wise (case-insensitive ICU)."""
    rules: str | None = None
    """ICU tailoring rules (PostgreSQL 16+)."""
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(schema, name)``."""
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Function:
    """A function or procedure (``CREATE FUNCTION`` / ``CREATE PROCEDURE``), kept whole as
    PostgreSQL prints it. Aggregates are :class:`Aggregate`; window functions are not
    modelled (they are named as unmanaged objects)."""

    schema: str
    name: str
    arguments: str
    """``pg_get_function_identity_arguments``: ``a integer, b text`` — with the name, what
    tells overloads apart."""
    definition: str
    """``pg_get_functiondef``: the whole ``CREATE OR REPLACE FUNCTION …`` statement, with
    language, volatility, security, settings and body."""
    returns: str | None = None
    """``pg_get_function_result`` (``integer``, ``trigger``, ``TABLE(…)``); None for a
    procedure. A change of it cannot be made by ``CREATE OR REPLACE``."""
    procedure: bool = False
    comment: str | None = None
    used_by: tuple[tuple[str, str, str, str], ...] = field(default=(), compare=False)
    """(kind, schema, relation, member) of what holds on to it in the database: ``view``,
    ``default``, ``generated`` (columns), ``constraint``, ``index``, ``routine`` (a function
    with a SQL-standard body, or an aggregate using it), ``policy``. Not compared (it
    describes the objects that use it, compared themselves); read when it must be re-created."""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(schema, name, arguments)``."""
        return (self.schema, self.name, self.arguments)

    @property
    def signature(self) -> str:
        """``public.touch()`` — how messages name it."""
        return f"{self.schema}.{self.name}({self.arguments})"


FinalModify = Literal["READ_ONLY", "SHAREABLE", "READ_WRITE"]
"""What an aggregate's final function may do to the state (``FINALFUNC_MODIFY``)."""
Parallel = Literal["SAFE", "RESTRICTED", "UNSAFE"]


@dataclass(frozen=True, slots=True)
class Aggregate:
    """An aggregate (``CREATE AGGREGATE name(args) (SFUNC = …, STYPE = …, …)``), read from
    ``pg_aggregate`` option by option. Ordered-set and hypothetical-set aggregates
    (``WITHIN GROUP``) are not modelled: they are named as unmanaged objects.

    Support functions are written as ``CREATE AGGREGATE`` takes them: a name, qualified
    unless it is in ``pg_catalog`` or ``public`` (``int4pl``, ``audit.accumulate``); types as
    ``format_type`` prints them; the sort operator as ``schema.operator``."""

    schema: str
    name: str
    arguments: str
    """``pg_get_function_identity_arguments``: ``integer``, ``x integer, y text``; empty
    for ``name(*)``."""
    sfunc: str
    stype: str
    returns: str
    """``pg_get_function_result``: the final function's result, or the state type. A change
    of it cannot be made by ``CREATE OR REPLACE``."""
    sspace: int = 0
    finalfunc: str | None = None
    finalfunc_extra: bool = False
    finalfunc_modify: FinalModify = "READ_ONLY"
    combinefunc: str | None = None
    serialfunc: str | None = None
    deserialfunc: str | None = None
    initcond: str | None = None
    msfunc: str | None = None
    minvfunc: str | None = None
    mstype: str | None = None
    msspace: int = 0
    mfinalfunc: str | None = None
    mfinalfunc_extra: bool = False
    mfinalfunc_modify: FinalModify = "READ_ONLY"
    minitcond: str | None = None
    sortop: str | None = None
    """``pg_catalog.>``: the operator for which it is a min or max (``SORTOP``)."""
    parallel: Parallel = "UNSAFE"
    comment: str | None = None
    functions: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)
    """(schema, name, identity arguments) of its support functions, sorted: it is created
    after them, and created again when one of them is. Not compared (the options say it)."""
    used_by: tuple[tuple[str, str, str, str], ...] = field(default=(), compare=False)
    """(kind, schema, relation, member) of what holds on to it, as :attr:`Function.used_by`
    (``view``, ``routine``, ``policy``). Not compared; read when it must be dropped."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "functions", tuple(sorted(set(self.functions))))

    @property
    def key(self) -> tuple[str, str, str]:
        """``(schema, name, arguments)``."""
        return (self.schema, self.name, self.arguments)

    @property
    def signature(self) -> str:
        """``public.total(integer)``, ``public.tally(*)`` — how messages name it."""
        return f"{self.schema}.{self.name}({self.arguments or '*'})"


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger on a table or view (``CREATE [CONSTRAINT] TRIGGER``), kept whole as
    PostgreSQL prints it: timing, events, ``WHEN``, transition tables, level and the
    function it executes."""

    schema: str
    table: str
    """The table or view it is on, in ``schema``."""
    name: str
    definition: str
    """``pg_get_triggerdef``: ``CREATE TRIGGER touch BEFORE UPDATE ON public.cards FOR EACH
    ROW EXECUTE FUNCTION touch()``."""
    enabled: str = "O"
    """``pg_trigger.tgenabled``: O (origin and local), D (disabled), R (replica), A (always)."""
    function: tuple[str, str] | None = None
    """(schema, name) of the function it executes (``tgfoid``): a trigger is created again
    when that function is."""
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """``(schema, table, name)``."""
        return (self.schema, self.table, self.name)


PolicyCommand = Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"]
"""The command a row-level security policy applies to (``FOR …``)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """A row-level security policy on a table (``CREATE POLICY``). It filters rows only
    while the table's :attr:`Table.rls_enabled` is on."""

    schema: str
    table: str
    """The table it is on, in ``schema``."""
    name: str
    permissive: bool = True
    """AS PERMISSIVE (policies of a command are OR-ed) or AS RESTRICTIVE (AND-ed)."""
    command: PolicyCommand = "ALL"
    roles: tuple[str, ...] = ("public",)
    """The roles it applies to (``TO …``), sorted; PUBLIC is ``public`` (and alone)."""
    using: str | None = None
    """The USING expression as ``pg_get_expr`` prints it: which existing rows are visible."""
    with_check: str | None = None
    """The WITH CHECK expression: which new or updated rows are allowed."""
    functions: tuple[tuple[str, str], ...] = ()
    """(schema, name) of the managed functions its expressions call, sorted: the policy is
    created again when one of them is (PostgreSQL refuses to drop a function a policy uses)."""
    relations: tuple[tuple[str, str], ...] = ()
    """(schema, name) of the other tables and views its expressions read, sorted."""
    comment: str | None = None

    def __post_init__(self) -> None:
        # PostgreSQL keeps only PUBLIC when it is among the roles: it covers all of them.
        roles = ("public",) if "public" in self.roles else tuple(sorted(set(self.roles)))
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "functions", tuple(sorted(set(self.functions))))
        object.__setattr__(self, "relations", tuple(sorted(set(self.relations))))

    @property
    def key(self) -> tuple[str, str, str]:
        """``(schema, table, name)``."""
        return (self.schema, self.table, self.name)


GrantObjectKind = Literal[
    "table", "view", "materialized view", "sequence", "function", "procedure", "schema", "type"
]
"""What a :class:`Grant` is on."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What one role (or PUBLIC) may do with one managed object, where that differs from
    PostgreSQL's default for a new object.

    The model holds the effective ACL minus the default one (``acldefault``): a grantee
    appears only when its privileges differ from what a newly created object gives it.
    Only PUBLIC has defaults that are not the owner's (EXECUTE on functions and
    procedures, USAGE on types), so ``REVOKE EXECUTE … FROM PUBLIC`` is a ``Grant`` to
    ``public`` with no privileges. The owner's own privileges are never modelled: owners
    differ between a shadow database and the real one.
    """

    kind: GrantObjectKind
    schema: str
    """The object's schema (for a schema: its name)."""
    name: str
    """The object's name (for a schema: its name too)."""
    arguments: str | None
    """A function's or procedure's identity arguments; None for anything else."""
    grantee: str
    """A role name, or ``public``."""
    privileges: tuple[str, ...]
    """``SELECT``, ``INSERT``, ``EXECUTE``, … sorted."""
    grantable: tuple[str, ...] = ()
    """The privileges held WITH GRANT OPTION (a subset of :attr:`privileges`), sorted."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "privileges", tuple(sorted(set(self.privileges))))
        object.__setattr__(self, "grantable", tuple(sorted(set(self.grantable))))

    @property
    def on(self) -> tuple[str, str, str, str]:
        """``(kind, schema, name, arguments)``: the object it is on."""
        return (self.kind, self.schema, self.name, self.arguments or "")

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """``(kind, schema, name, arguments, grantee)``."""
        return (*self.on, self.grantee)
