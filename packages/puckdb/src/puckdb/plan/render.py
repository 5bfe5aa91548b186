"""render: one operation → the SQL statements that perform it.

Names are always quoted (see ``ident``); types, defaults and expressions are used exactly as
PostgreSQL printed them when the target was inspected, so what runs is what PostgreSQL
itself would write. Output is deterministic: the same operation always renders the same.
"""

from __future__ import annotations

from functools import singledispatch

from puckdb.diff import operations as op
from puckdb.model import (
    CheckConstraint,
    Column,
    ExclusionConstraint,
    ForeignKey,
    Identity,
    PrimaryKey,
    Sequence,
    UniqueConstraint,
)


def ident(*parts: str) -> str:
    """A quoted, dot-joined identifier: ``ident("public", "cards")`` → ``"public"."cards"``.

    Always quoted, embedded quotes doubled: PostgreSQL's own rule, so any name round-trips.
    (Written here rather than borrowed from psycopg, whose import would cost every command
    that only renders a tenth of a second.)"""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def literal(value: str | None) -> str:
    """A string constant. Quotes are doubled and nothing else is escaped: migrations run
    with standard_conforming_strings on (PostgreSQL's default since 9.1), where a backslash
    is an ordinary character. A NUL cannot occur in PostgreSQL text."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def column_list(names: tuple[str, ...]) -> str:
    return ", ".join(ident(name) for name in names)


@singledispatch
def render(operation: op.Operation) -> tuple[str, ...]:
    """The SQL statements (usually one) that perform ``operation``."""
    raise NotImplementedError(f"no SQL rendering for {type(operation).__name__}")


# -- schemas, extensions, types, sequences ---------------------------------------------


@render.register
def _(o: op.CreateSchema) -> tuple[str, ...]:
    return (f"CREATE SCHEMA {ident(o.name)}",)


@render.register
def _(o: op.DropSchema) -> tuple[str, ...]:
    return (f"DROP SCHEMA {ident(o.name)}",)


@render.register
def _(o: op.CreateExtension) -> tuple[str, ...]:
    return (
        f"CREATE EXTENSION IF NOT EXISTS {ident(o.extension.name)} WITH SCHEMA {ident(o.extension.schema)}",
    )


@render.register
def _(o: op.DropExtension) -> tuple[str, ...]:
    return (f"DROP EXTENSION {ident(o.extension.name)}",)


@render.register
def _(o: op.CreateEnum) -> tuple[str, ...]:
    labels = ", ".join(literal(label) for label in o.enum.labels)
    return (f"CREATE TYPE {ident(o.enum.schema, o.enum.name)} AS ENUM ({labels})",)


@render.register
def _(o: op.DropEnum) -> tuple[str, ...]:
    return (f"DROP TYPE {ident(o.enum.schema, o.enum.name)}",)


@render.register
def _(o: op.AddEnumValue) -> tuple[str, ...]:
    place = f" BEFORE {literal(o.before)}" if o.before is not None else ""
    return (
        f"ALTER TYPE {ident(o.enum.schema, o.enum.name)} ADD VALUE IF NOT EXISTS {literal(o.value)}{place}",
    )


@render.register
def _(o: op.RenameEnumValue) -> tuple[str, ...]:
    name = ident(o.enum.schema, o.enum.name)
    return (f"ALTER TYPE {name} RENAME VALUE {literal(o.old)} TO {literal(o.new)}",)


@render.register
def _(o: op.RecreateEnum) -> tuple[str, ...]:
    name = ident(o.new.schema, o.new.name)
    parked = o.parked_name
    labels = ", ".join(literal(label) for label in o.new.labels)
    statements = [
        f"ALTER TYPE {name} RENAME TO {ident(parked)}",
        f"CREATE TYPE {name} AS ENUM ({labels})",
    ]
    for column in o.columns:
        table = ident(column.schema, column.table)
        target = ident(column.column)
        array = "[]" if column.data_type.endswith("[]") else ""
        statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} DROP DEFAULT")
        cast = f"{target}::text{array}::{name}{array}"
        statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} TYPE {name}{array} USING {cast}")
        if column.default is not None:
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} SET DEFAULT {column.default}")
    return tuple(statements)


@render.register
def _(o: op.DropReplacedEnum) -> tuple[str, ...]:
    return (f"DROP TYPE {ident(o.schema, o.parked_name)}",)


def _sequence_options(sequence: Sequence | Identity) -> str:
    cycle = "CYCLE" if sequence.cycle else "NO CYCLE"
    return (
        f"START WITH {sequence.start} INCREMENT BY {sequence.increment} MINVALUE {sequence.min_value} "
        f"MAXVALUE {sequence.max_value} CACHE {sequence.cache} {cycle}"
    )


@render.register
def _(o: op.CreateSequence) -> tuple[str, ...]:
    s = o.sequence
    return (f"CREATE SEQUENCE {ident(s.schema, s.name)} AS {s.data_type} {_sequence_options(s)}",)


@render.register
def _(o: op.DropSequence) -> tuple[str, ...]:
    return (f"DROP SEQUENCE {ident(o.sequence.schema, o.sequence.name)}",)


@render.register
def _(o: op.AlterSequence) -> tuple[str, ...]:
    s = o.new
    return (f"ALTER SEQUENCE {ident(s.schema, s.name)} AS {s.data_type} {_sequence_options(s)}",)


@render.register
def _(o: op.RenameSequence) -> tuple[str, ...]:
    return (f"ALTER SEQUENCE {ident(o.schema, o.old)} RENAME TO {ident(o.new)}",)


@render.register
def _(o: op.SetSequenceOwner) -> tuple[str, ...]:
    s = o.sequence
    owner = "NONE" if s.owned_by is None else ident(s.schema, s.owned_by[0], s.owned_by[1])
    return (f"ALTER SEQUENCE {ident(s.schema, s.name)} OWNED BY {owner}",)


# -- tables and columns ----------------------------------------------------------------


def column_definition(column: Column) -> str:
    """A column as CREATE TABLE / ADD COLUMN write it."""
    parts = [ident(column.name), column.data_type]
    if column.collation is not None:
        parts.append(f"COLLATE {column.collation}")
    if column.generated is not None:
        storage = "VIRTUAL" if column.generated_virtual else "STORED"
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) {storage}")
    elif column.identity is not None:
        kind = "ALWAYS" if column.identity.always else "BY DEFAULT"
        parts.append(f"GENERATED {kind} AS IDENTITY ({_sequence_options(column.identity)})")
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def constraint_definition(constraint: op.Constraint) -> str:
    """``CONSTRAINT name …`` as CREATE TABLE / ADD CONSTRAINT write it."""
    head = f"CONSTRAINT {ident(constraint.name)}"
    if isinstance(constraint, PrimaryKey):
        return f"{head} PRIMARY KEY ({column_list(constraint.columns)})"
    if isinstance(constraint, UniqueConstraint):
        nulls = " NULLS NOT DISTINCT" if constraint.nulls_not_distinct else ""
        return f"{head} UNIQUE{nulls} ({column_list(constraint.columns)}){_deferral(constraint)}"
    if isinstance(constraint, CheckConstraint):
        return f"{head} {constraint.expression}"
    if isinstance(constraint, ExclusionConstraint):
        return f"{head} {constraint.definition}"
    if isinstance(constraint, ForeignKey):
        referenced = ident(constraint.ref_schema, constraint.ref_table)
        text = (
            f"{head} FOREIGN KEY ({column_list(constraint.columns)}) "
            f"REFERENCES {referenced} ({column_list(constraint.ref_columns)})"
        )
        if constraint.match != "SIMPLE":
            text += f" MATCH {constraint.match}"
        if constraint.on_update != "NO ACTION":
            text += f" ON UPDATE {constraint.on_update}"
        if constraint.on_delete != "NO ACTION":
            text += f" ON DELETE {constraint.on_delete}"
        text += _deferral(constraint)
        if not constraint.validated:
            text += " NOT VALID"
        return text
    raise NotImplementedError(type(constraint).__name__)


def _deferral(constraint: UniqueConstraint | ForeignKey) -> str:
    if not constraint.deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if constraint.initially_deferred else " DEFERRABLE"


@render.register
def _(o: op.CreateTable) -> tuple[str, ...]:
    t = o.table
    lines = [column_definition(column) for column in t.columns]
    inline: list[op.Constraint] = []
    added_after: list[op.Constraint] = []
    keys: set[tuple[str, ...]] = set()
    if t.primary_key is not None:
        inline.append(t.primary_key)
        keys.add(t.primary_key.columns)
    for unique in t.unique_constraints:
        # CREATE TABLE silently drops a unique constraint over the same columns as the
        # primary key or an earlier one; ALTER TABLE … ADD keeps it, as the source has it.
        (added_after if unique.columns in keys else inline).append(unique)
        keys.add(unique.columns)
    inline.extend(t.check_constraints)
    inline.extend(t.exclusion_constraints)
    lines.extend(constraint_definition(constraint) for constraint in inline)
    body = ",\n".join(f"    {line}" for line in lines)
    unlogged = "UNLOGGED " if t.unlogged else ""
    name = ident(t.schema, t.name)
    return (
        f"CREATE {unlogged}TABLE {name} (\n{body}\n)",
        *(f"ALTER TABLE {name} ADD {constraint_definition(c)}" for c in added_after),
    )


@render.register
def _(o: op.DropTable) -> tuple[str, ...]:
    return (f"DROP TABLE {ident(o.table.schema, o.table.name)}",)


@render.register
def _(o: op.RenameTable) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.old)} RENAME TO {ident(o.new)}",)


@render.register
def _(o: op.SetLogged) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} SET {'UNLOGGED' if o.unlogged else 'LOGGED'}",)


@render.register
def _(o: op.SetRowSecurity) -> tuple[str, ...]:
    table = ident(o.schema, o.table)
    return (
        f"ALTER TABLE {table} {'ENABLE' if o.enabled else 'DISABLE'} ROW LEVEL SECURITY",
        f"ALTER TABLE {table} {'FORCE' if o.forced else 'NO FORCE'} ROW LEVEL SECURITY",
    )


@render.register
def _(o: op.AddColumn) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} ADD COLUMN {column_definition(o.column)}",)


@render.register
def _(o: op.DropColumn) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} DROP COLUMN {ident(o.column.name)}",)


@render.register
def _(o: op.RenameColumn) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} RENAME COLUMN {ident(o.old)} TO {ident(o.new)}",)


def _alter_column(schema: str, table: str, column: str) -> str:
    return f"ALTER TABLE {ident(schema, table)} ALTER COLUMN {ident(column)}"


@render.register
def _(o: op.AlterColumnType) -> tuple[str, ...]:
    text = f"{_alter_column(o.schema, o.table, o.column)} TYPE {o.new_type}"
    if o.collation is not None:
        text += f" COLLATE {o.collation}"
    if o.using is not None:
        text += f" USING {o.using}"
    return (text,)


@render.register
def _(o: op.SetColumnDefault) -> tuple[str, ...]:
    change = "DROP DEFAULT" if o.default is None else f"SET DEFAULT {o.default}"
    return (f"{_alter_column(o.schema, o.table, o.column)} {change}",)


@render.register
def _(o: op.SetColumnNullable) -> tuple[str, ...]:
    return (f"{_alter_column(o.schema, o.table, o.column)} {'DROP' if o.nullable else 'SET'} NOT NULL",)


@render.register
def _(o: op.AddIdentity) -> tuple[str, ...]:
    kind = "ALWAYS" if o.identity.always else "BY DEFAULT"
    options = _sequence_options(o.identity)
    return (f"{_alter_column(o.schema, o.table, o.column)} ADD GENERATED {kind} AS IDENTITY ({options})",)


@render.register
def _(o: op.DropIdentity) -> tuple[str, ...]:
    return (f"{_alter_column(o.schema, o.table, o.column)} DROP IDENTITY",)


@render.register
def _(o: op.AlterIdentity) -> tuple[str, ...]:
    new = o.new
    kind = "ALWAYS" if new.always else "BY DEFAULT"
    options = (
        f"SET GENERATED {kind} SET START WITH {new.start} SET INCREMENT BY {new.increment} "
        f"SET MINVALUE {new.min_value} SET MAXVALUE {new.max_value} SET CACHE {new.cache} "
        f"SET {'CYCLE' if new.cycle else 'NO CYCLE'}"
    )
    return (f"{_alter_column(o.schema, o.table, o.column)} {options}",)


# -- constraints and indexes -----------------------------------------------------------


@render.register
def _(o: op.AddConstraint) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} ADD {constraint_definition(o.constraint)}",)


@render.register
def _(o: op.DropConstraint) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} DROP CONSTRAINT {ident(o.constraint.name)}",)


@render.register
def _(o: op.RenameConstraint) -> tuple[str, ...]:
    return (f"ALTER TABLE {ident(o.schema, o.table)} RENAME CONSTRAINT {ident(o.old)} TO {ident(o.new)}",)


@render.register
def _(o: op.CreateIndex) -> tuple[str, ...]:
    return (o.index.definition,)


@render.register
def _(o: op.DropIndex) -> tuple[str, ...]:
    return (f"DROP INDEX {ident(o.schema, o.index.name)}",)


@render.register
def _(o: op.RenameIndex) -> tuple[str, ...]:
    return (f"ALTER INDEX {ident(o.schema, o.old)} RENAME TO {ident(o.new)}",)


# -- views and comments ----------------------------------------------------------------


@render.register
def _(o: op.CreateView) -> tuple[str, ...]:
    v = o.view
    body = v.definition.strip().rstrip(";")
    if v.materialized:
        return (f"CREATE MATERIALIZED VIEW {ident(v.schema, v.name)} AS\n{body}",)
    return (f"CREATE VIEW {ident(v.schema, v.name)} AS\n{body}",)


@render.register
def _(o: op.DropView) -> tuple[str, ...]:
    kind = "MATERIALIZED VIEW" if o.view.materialized else "VIEW"
    return (f"DROP {kind} {ident(o.view.schema, o.view.name)}",)


@render.register
def _(o: op.SetComment) -> tuple[str, ...]:
    if o.kind == "COLUMN":
        assert o.member is not None
        target = ident(o.schema, o.name, o.member)
    elif o.kind == "CONSTRAINT":
        assert o.member is not None
        target = f"{ident(o.member)} ON {ident(o.schema, o.name)}"
    elif o.kind == "SCHEMA":
        target = ident(o.schema)
    else:
        target = ident(o.schema, o.name)
    return (f"COMMENT ON {o.kind} {target} IS {literal(o.comment)}",)
