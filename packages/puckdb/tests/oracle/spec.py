"""A small, immutable description of a generated schema, and how it becomes MetaData.

The strategies draw and change *specs* rather than SQLAlchemy MetaData: MetaData is a
mutable object graph that can be neither copied nor compared, while a spec is a frozen
value that hypothesis can shrink and print readably in a falsifying example. Only the
final specs A and B are built into MetaData (:func:`build_metadata`).

Changes are drawn freely and :func:`repair` then restores validity (a foreign key whose
key was dropped goes, a default that does not fit a new type goes, …), so every change
can be written without knowing what the others did. The rules live here, next to the
types they talk about, so a generated pair is valid PostgreSQL by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.type_api import TypeEngine

from puckdb import (
    Collation,
    Domain,
    Function,
    Grant,
    Partition,
    Policy,
    RowLevelSecurity,
    SchemaComment,
    Trigger,
    View,
)
from puckdb.quoting import ident

INTEGERS = frozenset({"smallint", "integer", "bigint"})
NUMBERS = INTEGERS | {"numeric", "real", "double"}
STRINGS = frozenset({"text", "varchar"})
ARRAYS = frozenset({"integer[]", "bigint[]", "text[]"})
# Types a primary key, unique constraint, foreign key or plain b-tree index is drawn on:
# the ones a real schema keys on (PostgreSQL would accept more).
KEYABLE = INTEGERS | STRINGS | {"numeric", "date", "timestamp", "timestamptz", "uuid", "enum", "domain"}


@dataclass(frozen=True)
class ColumnType:
    """A column type: ``kind`` plus the parameters that kind takes."""

    kind: str
    size: int | None = None  # varchar length, numeric precision, vector dimensions
    scale: int | None = None  # numeric scale
    enum: str | None = None  # the enum type's name when kind == "enum"
    domain: str | None = None  # the domain's name when kind == "domain"

    def __str__(self) -> str:
        if self.kind == "enum":
            return f"enum {self.enum}"
        if self.kind == "domain":
            return f"domain {self.domain}"
        if self.kind == "numeric":
            return f"numeric({self.size},{self.scale})"
        if self.size is not None:
            return f"{self.kind}({self.size})"
        return self.kind

    def sqlalchemy(
        self, named: Mapping[str, TypeEngine[Any]], collation: str | None = None
    ) -> TypeEngine[Any]:
        """The SQLAlchemy type; ``named`` holds the enums and domains by name."""
        if collation is not None:
            if self.kind == "text":
                return Text(collation=collation)
            if self.kind == "varchar":
                return String(self.size, collation=collation)
        return self._sqlalchemy(named)

    def _sqlalchemy(self, named: Mapping[str, TypeEngine[Any]]) -> TypeEngine[Any]:
        simple: dict[str, TypeEngine[Any]] = {
            "smallint": SmallInteger(),
            "integer": Integer(),
            "bigint": BigInteger(),
            "text": Text(),
            "boolean": Boolean(),
            "timestamptz": postgresql.TIMESTAMP(timezone=True),
            "timestamp": postgresql.TIMESTAMP(timezone=False),
            "date": Date(),
            "uuid": postgresql.UUID(),
            "jsonb": postgresql.JSONB(),
            "bytea": LargeBinary(),
            "real": postgresql.REAL(),
            "double": postgresql.DOUBLE_PRECISION(),
            "integer[]": ARRAY(Integer()),
            "bigint[]": ARRAY(BigInteger()),
            "text[]": ARRAY(Text()),
        }
        if self.kind in simple:
            return simple[self.kind]
        if self.kind == "varchar":
            return String(self.size)
        if self.kind == "numeric":
            return Numeric(self.size, self.scale)
        if self.kind == "vector":
            return Vector(self.size)
        if self.kind == "enum":
            assert self.enum is not None
            return named[self.enum]
        if self.kind == "domain":
            assert self.domain is not None
            return named[self.domain]
        raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class EnumSpec:
    name: str
    labels: tuple[str, ...]


DOMAIN_BASES: dict[str, tuple[str, ...]] = {"posint": ("integer", "bigint"), "code": ("text", "varchar")}
"""The generated domains by name, with the base types each is drawn over (a new base type
re-creates the domain and converts its columns)."""


@dataclass(frozen=True)
class DomainSpec:
    """A domain over ``base`` (one of :data:`DOMAIN_BASES`), with its one named check
    (positive numbers, non-empty strings) when ``check``."""

    name: str
    base: str
    not_null: bool = False
    check: bool = True
    default: bool = False  # a default that passes the check

    @property
    def numeric(self) -> bool:
        return self.base in INTEGERS

    def base_type(self) -> ColumnType:
        return ColumnType("varchar", 20) if self.base == "varchar" else ColumnType(self.base)


@dataclass(frozen=True)
class CollationSpec:
    """A libc collation; ``ctype`` changes its definition (it is dropped and created again)."""

    name: str
    ctype: str = "C"  # C | POSIX


COLLATION_NAME = "bytes"
"""The one collation the generator creates; columns may also use the built-in "C"."""


@dataclass(frozen=True)
class IdentitySpec:
    always: bool
    start: int


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: ColumnType
    nullable: bool = True
    default: str | None = None  # SQL text, one of defaults_for(type)
    identity: IdentitySpec | None = None
    comment: str | None = None
    # SQLAlchemy's autoincrement: SERIAL (a sequence and a nextval() default) for the sole
    # integer primary key column, when it has neither default nor identity.
    serial: bool = False
    collation: str | None = None  # of a text or varchar column: "C" or COLLATION_NAME


@dataclass(frozen=True)
class UniqueSpec:
    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False


@dataclass(frozen=True)
class CheckSpec:
    """``kind`` names the expression (see :data:`CHECKS`) over ``columns``."""

    name: str
    kind: str
    columns: tuple[str, ...]

    def sql(self) -> str:
        return CHECKS[self.kind][1].format(*self.columns)


@dataclass(frozen=True)
class ForeignKeySpec:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str | None = None


@dataclass(frozen=True)
class IndexSpec:
    """An index; ``expression`` (``lower`` or ``desc``) applies to the first column,
    ``where`` is a partial index's predicate as (kind, column), see :data:`PREDICATES`."""

    name: str
    columns: tuple[str, ...]
    method: str = "btree"  # btree | gin | hnsw
    unique: bool = False
    expression: str | None = None
    where: tuple[str, str] | None = None
    include: tuple[str, ...] = ()
    ops: str | None = None  # operator class of the first column
    options: tuple[tuple[str, int], ...] = ()  # WITH (...) storage parameters


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()
    uniques: tuple[UniqueSpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    foreign_keys: tuple[ForeignKeySpec, ...] = ()
    indexes: tuple[IndexSpec, ...] = ()
    comment: str | None = None
    partition_by: tuple[str, str] | None = None  # (RANGE | LIST | HASH, the key column)
    row_security: str | None = None  # None | "enabled" | "forced"

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class ViewSpec:
    """``SELECT columns FROM table [WHERE where IS NOT NULL]``."""

    name: str
    table: str
    columns: tuple[str, ...]
    where: str | None = None
    materialized: bool = False
    comment: str | None = None
    column_comments: tuple[tuple[str, str], ...] = ()
    function: str | None = None  # a FunctionSpec's name, called as an extra output column

    def sql(self) -> str:
        computed = f", {self.function}() AS computed" if self.function else ""
        body = f"SELECT {', '.join(self.columns)}{computed} FROM {self.table}"
        return body + (f" WHERE {self.where} IS NOT NULL" if self.where else "")


@dataclass(frozen=True)
class FunctionSpec:
    """A SQL function returning a constant: its body changes by CREATE OR REPLACE, its
    result type only by dropping and creating it again (with whatever uses it)."""

    name: str
    returns: str  # integer | bigint
    value: int

    def definition(self) -> str:
        return f"RETURNS {self.returns} LANGUAGE sql IMMUTABLE AS $$ SELECT {self.value}::{self.returns} $$"


TRIGGER_FUNCTION = "oracle_keep_row"
"""The trigger function every generated trigger executes (created when one exists)."""


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    table: str  # a table's name, or a view's (then timing is INSTEAD OF)
    timing: str  # BEFORE | AFTER | INSTEAD OF
    events: str  # INSERT | UPDATE | INSERT OR UPDATE | DELETE

    def definition(self) -> str:
        return f"{self.timing} {self.events} FOR EACH ROW EXECUTE FUNCTION {TRIGGER_FUNCTION}()"


@dataclass(frozen=True)
class PartitionSpec:
    """A partition of ``parent``: ``bound`` is the n-th bound of the parent's partitioning
    (see :func:`partition_bound`), or None for the default partition."""

    name: str
    parent: str
    bound: int | None
    own_index: str | None = None
    """A parent's column that this partition alone has an index on (``<name>_own``)."""

    def sql(self, parent: TableSpec) -> str | None:
        """The ``FOR VALUES`` clause, or None when ``parent`` cannot take this partition."""
        if parent.partition_by is None:
            return None
        method, key = parent.partition_by
        column = parent.column(key)
        if column is None:
            return None
        if self.bound is None:
            return None if method == "HASH" else "DEFAULT"
        return partition_bound(method, column.type.kind, self.bound)


PARTITION_KEY_KINDS: dict[str, frozenset[str]] = {
    "RANGE": frozenset({"integer", "bigint", "date"}),
    "LIST": frozenset({"integer", "bigint", "text"}),
    "HASH": frozenset({"integer", "bigint", "text", "date"}),
}
"""The column kinds each partitioning method is drawn over."""


def partition_bound(method: str, kind: str, n: int) -> str | None:
    """The n-th (0 or 1) bound of a partition by ``method`` over a ``kind`` key; bounds
    with different n never overlap."""
    if kind not in PARTITION_KEY_KINDS[method]:
        return None
    if method == "HASH":
        return f"FOR VALUES WITH (MODULUS 2, REMAINDER {n})"
    if method == "LIST":
        values = ("'a', 'b'", "'c'") if kind == "text" else ("1, 2", "3")
        return f"FOR VALUES IN ({values[n]})"
    if kind == "date":
        return f"FOR VALUES FROM ('{2024 + n}-01-01') TO ('{2025 + n}-01-01')"
    return f"FOR VALUES FROM ({n * 100}) TO ({n * 100 + 100})"


POLICY_COMMANDS = ("all", "select", "insert", "update", "delete")
# Built-in roles every server has: the test workers share one cluster, and roles are its.
ROLES = ("pg_monitor", "pg_read_all_data")


@dataclass(frozen=True)
class PolicySpec:
    """A policy on ``table``; ``using`` and ``with_check`` are a column's name (``col IS NOT
    NULL``), ``"true"``, or None (no such clause)."""

    name: str
    table: str
    command: str = "all"
    restrictive: bool = False
    roles: tuple[str, ...] = ()  # () is PUBLIC
    using: str | None = None
    with_check: str | None = None


def policy_expression(clause: str | None) -> str | None:
    if clause is None:
        return None
    return "true" if clause == "true" else f"{clause} IS NOT NULL"


TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@dataclass(frozen=True)
class GrantSpec:
    """Privileges on a table, view or function (``on`` is (kind, name)) to a built-in role
    or to public; a grant to public of nothing on a function revokes its default EXECUTE."""

    on: tuple[str, str]  # ("table" | "view" | "function", name)
    grantee: str  # one of ROLES, or "public"
    privileges: tuple[str, ...]
    with_grant_option: bool = False


@dataclass(frozen=True)
class SchemaSpec:
    enums: tuple[EnumSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    views: tuple[ViewSpec, ...] = ()
    public_comment: str | None = None
    """The comment the code declares on the public schema (none: leaves initdb's)."""
    functions: tuple[FunctionSpec, ...] = ()
    triggers: tuple[TriggerSpec, ...] = ()
    domains: tuple[DomainSpec, ...] = ()
    collations: tuple[CollationSpec, ...] = ()
    partitions: tuple[PartitionSpec, ...] = ()
    policies: tuple[PolicySpec, ...] = ()
    grants: tuple[GrantSpec, ...] = ()

    def table(self, name: str) -> TableSpec | None:
        return next((t for t in self.tables if t.name == name), None)

    def enum(self, name: str) -> EnumSpec | None:
        return next((e for e in self.enums if e.name == name), None)

    def domain(self, name: str) -> DomainSpec | None:
        return next((d for d in self.domains if d.name == name), None)


# Check kinds: (the column kinds each operand must have, the expression). Several are
# written in a form PostgreSQL rewrites (BETWEEN, IN), so normalization is exercised too.
CHECKS: dict[str, tuple[tuple[frozenset[str] | None, ...], str]] = {
    "positive": ((NUMBERS,), "{0} > 0"),
    "bounded": ((NUMBERS,), "{0} BETWEEN 0 AND 1000"),
    "nonempty": ((STRINGS,), "length({0}) > 0"),
    "listed": ((STRINGS,), "{0} IN ('a', 'b', 'it''s')"),
    "either": ((None, None), "{0} IS NOT NULL OR {1} IS NOT NULL"),
}

# Partial index predicates: kind → (the column kinds it applies to, the expression).
PREDICATES: dict[str, tuple[frozenset[str] | None, str]] = {
    "present": (None, "{0} IS NOT NULL"),
    "positive": (NUMBERS, "{0} > 0"),
}

HNSW_OPS = ("vector_l2_ops", "vector_cosine_ops", "vector_ip_ops")


def defaults_for(kind: ColumnType, spec: SchemaSpec | None = None) -> tuple[str, ...]:
    """The server defaults a column of this type may have (SQL text); ``spec``'s enums,
    domains and functions (an integer column's default may call one) included."""
    k = kind.kind
    if k == "domain":
        domain = spec.domain(kind.domain or "") if spec is not None else None
        if domain is None:
            return ()
        return ("1", "42") if domain.numeric else ("'x'",)
    if k in INTEGERS:
        calls = tuple(f"{f.name}()" for f in spec.functions) if spec is not None else ()
        return ("0", "42", "-1", *calls)
    if k in ("numeric", "real", "double"):
        return ("0", "1.5")
    if k in STRINGS:
        return ("'x'", "'it''s'")
    if k == "boolean":
        return ("true", "false")
    if k in ("timestamptz", "timestamp"):
        return ("now()", "CURRENT_TIMESTAMP", "'2024-01-01 12:00:00'")
    if k == "date":
        return ("CURRENT_DATE", "'2024-01-01'")
    if k == "uuid":
        return ("gen_random_uuid()",)
    if k == "jsonb":
        return ("'{}'::jsonb", "'[]'::jsonb")
    if k == "bytea":
        return ("''::bytea",)
    if k in ("integer[]", "bigint[]"):
        return ("'{}'", "'{1,2}'")
    if k == "text[]":
        return ("'{}'", "'{a,b}'")
    if k == "vector":
        assert kind.size is not None
        return ("'[" + ",".join("0" * kind.size) + "]'",)
    if k == "enum":
        enum = spec.enum(kind.enum or "") if spec is not None else None
        return tuple(f"'{label}'" for label in enum.labels) if enum else ()
    return ()


def cast_targets(kind: ColumnType) -> tuple[ColumnType, ...]:
    """Types a column of type ``kind`` may change to: pairs with a sensible cast (widening,
    narrowing of empty columns, and anything to text), pairs that need a path through
    another type (boolean → bigint, boolean → jsonb) and pairs PostgreSQL has no cast for
    (uuid → integer), whose plan must be flagged rather than fail."""
    k = kind.kind
    targets: dict[str, tuple[ColumnType, ...]] = {
        "smallint": (ColumnType("integer"), ColumnType("bigint")),
        "integer": (
            ColumnType("bigint"),
            ColumnType("smallint"),
            ColumnType("text"),
            ColumnType("numeric", 12, 2),
            ColumnType("boolean"),
        ),
        "bigint": (ColumnType("integer"),),
        "text": (ColumnType("varchar", 20), ColumnType("varchar", 64)),
        "numeric": (ColumnType("double"),),
        "real": (ColumnType("double"),),
        "double": (ColumnType("real"), ColumnType("numeric", 12, 2)),
        "timestamp": (ColumnType("timestamptz"),),
        "timestamptz": (ColumnType("timestamp"), ColumnType("jsonb")),
        "date": (ColumnType("timestamp"), ColumnType("timestamptz")),
        "integer[]": (ColumnType("bigint[]"),),
        "bigint[]": (ColumnType("integer[]"),),
        "boolean": (ColumnType("text"), ColumnType("integer"), ColumnType("bigint"), ColumnType("jsonb")),
        "uuid": (ColumnType("text"), ColumnType("integer")),
        "jsonb": (ColumnType("text"), ColumnType("boolean")),
        "enum": (ColumnType("text"),),
    }
    found = list(targets.get(k, ()))
    if k == "varchar":
        found += [ColumnType("text")] + [ColumnType("varchar", n) for n in (8, 20, 64) if n != kind.size]
    elif k == "numeric":
        found += [
            ColumnType("numeric", p, s) for p, s in ((10, 2), (12, 4)) if (p, s) != (kind.size, kind.scale)
        ]
    elif k == "vector":
        found += [ColumnType("vector", n) for n in (3, 4) if n != kind.size]
    return tuple(found)


# Names end in a kind suffix so that a table's constraints and indexes never collide with
# each other or with another table's (PostgreSQL keeps them in one namespace per schema).
def primary_key_name(table: str) -> str:
    return f"{table}_pkey"


def unique_name(table: str, columns: tuple[str, ...]) -> str:
    return f"{table}_{'_'.join(columns)}_key"


def check_name(table: str, kind: str, columns: tuple[str, ...]) -> str:
    return f"{table}_{'_'.join(columns)}_{kind}"


def foreign_key_name(table: str, columns: tuple[str, ...]) -> str:
    return f"{table}_{'_'.join(columns)}_fkey"


def index_name(table: str, columns: tuple[str, ...], kind: str) -> str:
    return f"{table}_{'_'.join(columns)}_{kind}_idx"


def _fits(kinds: frozenset[str] | None, column: ColumnSpec | None) -> bool:
    return column is not None and (kinds is None or column.type.kind in kinds)


def _index_is_valid(table: TableSpec, index: IndexSpec) -> bool:
    columns = [table.column(name) for name in index.columns]
    if not columns or any(c is None for c in columns):
        return False
    if any(table.column(name) is None or name in index.columns for name in index.include):
        return False
    if index.where is not None:
        kind, column = index.where
        if not _fits(PREDICATES[kind][0], table.column(column)):
            return False
    first = columns[0]
    assert first is not None
    if index.method == "hnsw":
        return len(columns) == 1 and first.type.kind == "vector"
    if index.method == "gin":
        if len(columns) != 1:
            return False
        if first.type.kind == "jsonb":
            return index.ops in (None, "jsonb_path_ops")
        return first.type.kind in ARRAYS and index.ops is None
    if index.expression == "lower" and first.type.kind not in STRINGS:
        return False
    return all(c is not None and c.type.kind in KEYABLE for c in columns)


def _repair_table(table: TableSpec, spec: SchemaSpec) -> TableSpec:
    enum_names, domain_names = {e.name for e in spec.enums}, {d.name for d in spec.domains}
    collations = {"C"} | {c.name for c in spec.collations}
    columns: list[ColumnSpec] = []
    for column in table.columns:
        if column.type.kind == "enum" and column.type.enum not in enum_names:
            continue  # its type was dropped; so is the column
        if column.type.kind == "domain" and column.type.domain not in domain_names:
            continue
        if column.collation is not None and (
            column.type.kind not in STRINGS or column.collation not in collations
        ):
            column = replace(column, collation=None)
        if column.identity is not None and (column.type.kind not in INTEGERS or table.partition_by):
            # PostgreSQL 16 has no identity columns on partitioned tables.
            column = replace(column, identity=None)
        if column.identity is not None or column.name in table.primary_key:
            # PostgreSQL makes these NOT NULL whatever the code says; say it in the code.
            column = replace(column, nullable=False)
        if column.identity is not None or column.default not in (
            None,
            *defaults_for(column.type, spec),
        ):
            column = replace(column, default=None)
        columns.append(column)
    table = replace(table, columns=tuple(columns))
    if table.partition_by is not None:
        method, key = table.partition_by
        column = table.column(key)
        if column is None or column.type.kind not in PARTITION_KEY_KINDS[method]:
            # Its key column went or changed type: as a fresh schema, the table is plain.
            table = replace(table, partition_by=None)
    partition_key = () if table.partition_by is None else (table.partition_by[1],)

    primary_key = table.primary_key
    if not all(_fits(KEYABLE, table.column(name)) for name in primary_key):
        primary_key = ()
    if not set(partition_key) <= set(primary_key):
        primary_key = ()  # a partitioned table's keys include its partition key
    table = replace(
        table,
        columns=tuple(
            replace(c, serial=False)
            if c.serial
            and (
                c.type.kind not in INTEGERS or c.identity or c.default is not None or primary_key != (c.name,)
            )
            else c
            for c in table.columns
        ),
    )
    uniques = _unique_by_name(
        u
        for u in table.uniques
        if u.columns
        and all(_fits(KEYABLE, table.column(n)) for n in u.columns)
        and set(partition_key) <= set(u.columns)
    )
    checks = _unique_by_name(
        c
        for c in table.checks
        if all(_fits(kinds, table.column(n)) for kinds, n in zip(CHECKS[c.kind][0], c.columns, strict=True))
    )
    indexes = _unique_by_name(
        replace(i, unique=False) if i.unique and not set(partition_key) <= set(i.columns) else i
        for i in table.indexes
        if _index_is_valid(table, i)
    )
    return replace(
        table,
        primary_key=primary_key,
        uniques=uniques,
        checks=checks,
        indexes=indexes,
    )


def _unique_by_name(items: Any) -> tuple[Any, ...]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(item.name, item)
    return tuple(seen.values())


def referenceable_keys(table: TableSpec) -> list[tuple[str, ...]]:
    """Column lists a foreign key may reference: the primary key and unique constraints."""
    keys = [table.primary_key] if table.primary_key else []
    keys.extend(u.columns for u in table.uniques)
    return keys


def _foreign_key_is_valid(spec: SchemaSpec, position: int, foreign_key: ForeignKeySpec) -> bool:
    table = spec.tables[position]
    parent_position = next((i for i, t in enumerate(spec.tables) if t.name == foreign_key.ref_table), None)
    # Parents come first (or are the table itself): no cycles, so no ALTER-added keys.
    if parent_position is None or parent_position > position:
        return False
    parent = spec.tables[parent_position]
    if not any(set(key) == set(foreign_key.ref_columns) for key in referenceable_keys(parent)):
        return False
    for name, ref_name in zip(foreign_key.columns, foreign_key.ref_columns, strict=True):
        column, referenced = table.column(name), parent.column(ref_name)
        if column is None or referenced is None or column.type != referenced.type:
            return False
    return True


def repair(spec: SchemaSpec) -> SchemaSpec:
    """``spec`` with whatever its changes made invalid removed or adjusted."""
    enums = tuple(e for e in spec.enums if e.labels)
    spec = replace(spec, enums=enums)
    spec = replace(spec, tables=tuple(_repair_table(t, spec) for t in spec.tables))
    tables = tuple(
        replace(
            table,
            foreign_keys=_unique_by_name(
                fk for fk in table.foreign_keys if _foreign_key_is_valid(spec, i, fk)
            ),
        )
        for i, table in enumerate(spec.tables)
    )
    spec = replace(spec, tables=tables)
    views: list[ViewSpec] = []
    for view in spec.views:
        table = spec.table(view.table)
        if table is None:
            continue
        columns = tuple(name for name in view.columns if table.column(name) is not None)
        if not columns:
            continue
        where = view.where if view.where is not None and table.column(view.where) is not None else None
        comments = tuple((name, text) for name, text in view.column_comments if name in columns)
        function = view.function if any(f.name == view.function for f in spec.functions) else None
        views.append(replace(view, columns=columns, where=where, column_comments=comments, function=function))
    triggers = _unique_by_name(t for t in spec.triggers if _trigger_is_valid(spec, t))
    spec = replace(spec, views=tuple(views), triggers=triggers)
    return replace(
        spec,
        partitions=_repair_partitions(spec),
        policies=_unique_by_name(
            p for policy in spec.policies if (p := _repair_policy(spec, policy)) is not None
        ),
        grants=_repair_grants(spec),
    )


def _trigger_is_valid(spec: SchemaSpec, trigger: TriggerSpec) -> bool:
    """On a table BEFORE or AFTER; on a (plain) view INSTEAD OF, as PostgreSQL requires."""
    if spec.table(trigger.table) is not None:
        return trigger.timing != "INSTEAD OF"
    view = next((v for v in spec.views if v.name == trigger.table), None)
    return view is not None and not view.materialized and trigger.timing == "INSTEAD OF"


def _repair_partitions(spec: SchemaSpec) -> tuple[PartitionSpec, ...]:
    relations = {t.name for t in spec.tables} | {v.name for v in spec.views}
    partitions: dict[str, PartitionSpec] = {}
    bounds: set[tuple[str, int | None]] = set()
    for partition in spec.partitions:
        parent = spec.table(partition.parent)
        if parent is None or partition.name in relations or partition.name in partitions:
            continue
        if partition.sql(parent) is None or (partition.parent, partition.bound) in bounds:
            continue
        if partition.own_index is not None and not _fits(KEYABLE, parent.column(partition.own_index)):
            partition = replace(partition, own_index=None)
        partitions[partition.name] = partition
        bounds.add((partition.parent, partition.bound))
    return tuple(partitions.values())


def _repair_policy(spec: SchemaSpec, policy: PolicySpec) -> PolicySpec | None:
    table = spec.table(policy.table)
    if table is None:
        return None

    def kept(clause: str | None) -> str | None:
        return clause if clause == "true" or (clause is not None and table.column(clause)) else None

    using, with_check = kept(policy.using), kept(policy.with_check)
    if policy.command in ("select", "delete"):
        with_check = None  # PostgreSQL allows only USING on these
    if policy.command == "insert":
        using = None  # and only WITH CHECK on this one
    return replace(policy, using=using, with_check=with_check)


def _repair_grants(spec: SchemaSpec) -> tuple[GrantSpec, ...]:
    kept: dict[tuple[tuple[str, str], str], GrantSpec] = {}
    for grant in spec.grants:
        kind, name = grant.on
        exists = {
            "table": spec.table(name) is not None,
            "view": any(v.name == name for v in spec.views),
            "function": any(f.name == name for f in spec.functions),
        }[kind]
        if not exists or (grant.on, grant.grantee) in kept:
            continue
        if grant.grantee == "public" and grant.with_grant_option:
            grant = replace(grant, with_grant_option=False)  # PUBLIC cannot hold a grant option
        if not grant.privileges and not (kind == "function" and grant.grantee == "public"):
            continue  # nothing granted: PostgreSQL's default, which the model does not hold
        if grant.privileges == ("EXECUTE",) and grant.grantee == "public" and not grant.with_grant_option:
            continue  # public's default EXECUTE is no grant either
        kept[(grant.on, grant.grantee)] = grant
    return tuple(kept.values())


def build_metadata(spec: SchemaSpec) -> MetaData:
    """The SQLAlchemy MetaData (with puckdb views) that ``spec`` describes."""
    metadata = MetaData()
    for collation in spec.collations:
        Collation(collation.name, metadata, provider="libc", lc_collate="C", lc_ctype=collation.ctype)
    named: dict[str, TypeEngine[Any]] = {
        e.name: postgresql.ENUM(*e.labels, name=e.name, metadata=metadata) for e in spec.enums
    }
    for domain in spec.domains:
        named[domain.name] = _build_domain(domain, metadata)
    tables: dict[str, Table] = {}
    for table_spec in spec.tables:
        items: list[Any] = []
        for column in table_spec.columns:
            arguments: list[Any] = []
            if column.identity is not None:
                arguments.append(Identity(always=column.identity.always, start=column.identity.start))
            items.append(
                Column(
                    column.name,
                    column.type.sqlalchemy(named, column.collation),
                    *arguments,
                    nullable=column.nullable,
                    # Never SERIAL unless asked for: SQLAlchemy would add it to integer keys
                    # (and refuses autoincrement=False beside an Identity).
                    autoincrement="auto" if column.identity is not None else column.serial,
                    server_default=text(column.default) if column.default is not None else None,
                    comment=column.comment,
                )
            )
        if table_spec.primary_key:
            items.append(
                PrimaryKeyConstraint(*table_spec.primary_key, name=primary_key_name(table_spec.name))
            )
        for unique in table_spec.uniques:
            items.append(
                UniqueConstraint(
                    *unique.columns, name=unique.name, postgresql_nulls_not_distinct=unique.nulls_not_distinct
                )
            )
        for check in table_spec.checks:
            items.append(CheckConstraint(check.sql(), name=check.name))
        for foreign_key in table_spec.foreign_keys:
            items.append(
                ForeignKeyConstraint(
                    list(foreign_key.columns),
                    [f"{foreign_key.ref_table}.{name}" for name in foreign_key.ref_columns],
                    name=foreign_key.name,
                    ondelete=foreign_key.on_delete,
                )
            )
        options: dict[str, Any] = {}
        if table_spec.partition_by is not None:
            method, key = table_spec.partition_by
            options["postgresql_partition_by"] = f"{method} ({key})"
        table = Table(table_spec.name, metadata, *items, comment=table_spec.comment, **options)
        tables[table.name] = table
        for index in table_spec.indexes:
            _build_index(table, index)
        if table_spec.row_security is not None:
            RowLevelSecurity(table, force=table_spec.row_security == "forced")
    for partition in spec.partitions:
        parent_spec = spec.table(partition.parent)
        assert parent_spec is not None
        bound = partition.sql(parent_spec)
        Partition(
            partition.name,
            of=tables[partition.parent],
            bound=None if bound == "DEFAULT" else bound,
            default=bound == "DEFAULT",
            indexes=[
                f"CREATE INDEX {ident(partition.name + '_own')} ON {ident(partition.name)} "
                f"({ident(partition.own_index)})"
            ]
            if partition.own_index is not None
            else (),
        )
    functions = {
        function.name: Function(f"{function.name}()", metadata, function.definition())
        for function in spec.functions
    }
    if spec.triggers:
        Function(
            f"{TRIGGER_FUNCTION}()",
            metadata,
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        )
    views: dict[str, View] = {}
    for view in spec.views:
        views[view.name] = View(
            view.name,
            metadata,
            view.sql(),
            materialized=view.materialized,
            comment=view.comment,
            column_comments=dict(view.column_comments),
        )
    for trigger in spec.triggers:
        Trigger(trigger.name, trigger.table, trigger.definition(), metadata=metadata)
    for policy in spec.policies:
        Policy(
            policy.name,
            tables[policy.table],
            command=policy.command,
            as_="restrictive" if policy.restrictive else "permissive",
            to=policy.roles or ("public",),
            using=policy_expression(policy.using),
            with_check=policy_expression(policy.with_check),
        )
    objects: dict[str, Mapping[str, Any]] = {"table": tables, "view": views, "function": functions}
    for grant in spec.grants:
        kind, name = grant.on
        Grant(
            list(grant.privileges),
            on=objects[kind][name],
            to=grant.grantee,
            with_grant_option=grant.with_grant_option,
        )
    if spec.public_comment is not None:
        SchemaComment("public", metadata, spec.public_comment)
    return metadata


def _build_domain(domain: DomainSpec, metadata: MetaData) -> Domain:
    checks = {}
    if domain.check:
        checks[f"{domain.name}_valid"] = "VALUE > 0" if domain.numeric else "length(VALUE) > 0"
    default = ("1" if domain.numeric else "'x'") if domain.default else None
    return Domain(
        domain.name,
        domain.base_type().sqlalchemy({}),
        not_null=domain.not_null,
        checks=checks,
        default=default,
        metadata=metadata,
    )


def _build_index(table: Table, index: IndexSpec) -> Index:
    first, *rest = (table.c[name] for name in index.columns)
    key: Any = first
    if index.expression == "lower":
        key = func.lower(first)
    elif index.expression == "desc":
        key = first.desc()
    options: dict[str, Any] = {}
    if index.method != "btree":
        options["postgresql_using"] = index.method
    if index.ops is not None:
        options["postgresql_ops"] = {first.name: index.ops}
    if index.options:
        options["postgresql_with"] = dict(index.options)
    if index.where is not None:
        kind, column = index.where
        options["postgresql_where"] = text(PREDICATES[kind][1].format(column))
    if index.include:
        options["postgresql_include"] = list(index.include)
    return Index(index.name, key, *rest, unique=index.unique, **options)
