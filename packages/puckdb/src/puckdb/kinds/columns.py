"""Table columns: added, dropped, renamed, and altered attribute by attribute (type,
default, nullability, identity); a generated column whose expression changes is re-created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from puckdb.kinds.base import Hazard, Key, Operation, Phase, PlanContext, Row, name_in_message
from puckdb.kinds.casts import MANUAL_USING, conversion
from puckdb.kinds.comments import SetComment
from puckdb.kinds.sequences import sequence_option_values, sequence_options
from puckdb.kinds.type_changes import changes_dimensions, is_narrowing, is_volatile_default, rewrites_table
from puckdb.kinds.underlying_types import UnderlyingType, added_constraints, underlying
from puckdb.model import Column, Domain, Identity
from puckdb.quoting import ident

# The collation is reported only when it differs from the type's own default, which is
# what a column declared without COLLATE gets.
COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod) AS data_type,
       NOT a.attnotnull AS nullable,
       pg_get_expr(ad.adbin, ad.adrelid) AS expression,
       a.attgenerated::text AS generated,
       a.attidentity::text AS identity,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       seq.seqstart, seq.seqincrement, seq.seqmin, seq.seqmax, seq.seqcache, seq.seqcycle,
       d.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_depend idep ON a.attidentity <> '' AND idep.classid = 'pg_class'::regclass
     AND idep.refclassid = 'pg_class'::regclass AND idep.refobjid = a.attrelid
     AND idep.refobjsubid = a.attnum AND idep.deptype = 'i'
LEFT JOIN pg_sequence seq ON seq.seqrelid = idep.objid
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass
     AND d.objsubid = a.attnum
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""


def column_from_row(row: Row) -> Column:
    generated = row["generated"] or ""
    identity = None
    if row["identity"]:
        identity = Identity(always=row["identity"] == "a", **sequence_option_values(row))
    # pg_attrdef holds a generated column's expression where others keep their default.
    return Column(
        name=row["attname"],
        data_type=row["data_type"],
        nullable=row["nullable"],
        default=row["expression"] if not generated else None,
        collation=row["collation"],
        identity=identity,
        generated=row["expression"] if generated else None,
        generated_virtual=generated == "v",
        comment=row["comment"],
    )


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
        parts.append(f"GENERATED {kind} AS IDENTITY ({sequence_options(column.identity)})")
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def _alter_column(schema: str, table: str, column: str) -> str:
    return f"ALTER TABLE {ident(schema, table)} ALTER COLUMN {ident(column)}"


@dataclass(frozen=True)
class AddColumn(Operation):
    schema: str
    table: str
    column: Column

    phase = Phase.ADD_COLUMNS

    def render(self) -> tuple[str, ...]:
        return (f"ALTER TABLE {ident(self.schema, self.table)} ADD COLUMN {column_definition(self.column)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not context.holds_data(self.schema, self.table):
            return ()
        column = self.column
        name = name_in_message(self.schema, self.table, column.name)
        found: list[Hazard] = []
        filled = column.default is not None or column.identity is not None or column.generated is not None
        if not column.nullable and not filled:
            message = f"adds NOT NULL column {name} without a default; fails if rows exist"
            found.append(Hazard("backfill-required", message))
        if column.generated is not None or column.identity is not None or is_volatile_default(column.default):
            found.append(Hazard("table-rewrite", f"computes {name} for every existing row"))
        return tuple(found)


@dataclass(frozen=True)
class DropColumn(Operation):
    schema: str
    table: str
    column: Column

    phase = Phase.DROP_COLUMNS

    def phase_in(self, context: PlanContext) -> Phase:
        if (self.schema, self.table, self.column.name) in context.added_columns:
            return Phase.DROP_REPLACED_COLUMNS
        return self.phase

    def render(self) -> tuple[str, ...]:
        return (f"ALTER TABLE {ident(self.schema, self.table)} DROP COLUMN {ident(self.column.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.schema, self.table, self.column.name)
        found: list[Hazard] = []
        if self.column.generated is None:
            found.append(Hazard("data-loss", f"drops column {name}"))
        found.append(Hazard("backward-incompatible", f"code that uses column {name} breaks"))
        return tuple(found)


@dataclass(frozen=True)
class RenameColumn(Operation):
    schema: str
    table: str
    old: str
    new: str

    phase = Phase.RENAME_RELATIONS

    def render(self) -> tuple[str, ...]:
        table = ident(self.schema, self.table)
        return (f"ALTER TABLE {table} RENAME COLUMN {ident(self.old)} TO {ident(self.new)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        old = name_in_message(self.schema, self.table, self.old)
        message = f"renames column {old} to {self.new}; code using the old name breaks"
        return (Hazard("backward-incompatible", message),)


@dataclass(frozen=True)
class AlterColumnType(Operation):
    schema: str
    table: str
    column: str
    old_type: str
    new_type: str
    collation: str | None
    using: str | None
    """``USING`` expression when PostgreSQL has no assignment cast between the types (see
    :mod:`puckdb.kinds.casts`); a placeholder when it has no way at all."""
    old_underlying: UnderlyingType | None = None
    """The old type under its domains, when it names one (its base is what narrowing is
    judged on)."""
    new_underlying: UnderlyingType | None = None

    phase = Phase.ALTER_COLUMN_TYPES

    @property
    def _old(self) -> UnderlyingType:
        return self.old_underlying or UnderlyingType(self.old_type, frozenset())

    @property
    def _new(self) -> UnderlyingType:
        return self.new_underlying or UnderlyingType(self.new_type, frozenset())

    def render(self) -> tuple[str, ...]:
        text = f"{_alter_column(self.schema, self.table, self.column)} TYPE {self.new_type}"
        if self.collation is not None:
            text += f" COLLATE {self.collation}"
        if self.using is not None:
            text += f" USING {self.using}"
        return (text,)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.schema, self.table, self.column)
        change = f"{self.old_type} → {self.new_type}"
        found: list[Hazard] = []
        if self.using is not None and MANUAL_USING in self.using:
            # PostgreSQL refuses the statement even on an empty table: no cast, no plan.
            message = (
                f"PostgreSQL has no cast for {name} ({change}): write the USING expression in place of "
                f"{MANUAL_USING}(…) before applying"
            )
            found.append(Hazard("manual-using", message))
        if not context.holds_data(self.schema, self.table):
            return tuple(found)
        table = name_in_message(self.schema, self.table)
        if changes_dimensions(self.old_type, self.new_type):
            message = (
                f"changes the dimensions of {name} ({change}); existing vectors cannot be converted, "
                "so the migration fails unless the column is emptied (or re-embedded) first"
            )
            found.append(Hazard("data-loss", message))
        elif is_narrowing(self._old.base, self._new.base):
            found.append(
                Hazard("data-loss", f"narrows column {name} ({change}); values that do not fit fail")
            )
        checks = added_constraints(self._old, self._new)
        if checks:
            # No value changes, but a row that fails a new check stops the migration.
            message = (
                f"{name} becomes {' over '.join(self._new.domains) or self.new_type}, whose "
                f"{'constraint' if len(checks) == 1 else 'constraints'} {', '.join(sorted(checks))} "
                "every existing value must pass: one that fails makes the migration fail"
            )
            found.append(Hazard("backfill-required", message))
        # A domain with constraints is checked by rewriting the table, even over the same base.
        if rewrites_table(self._old.base, self._new.base) or (self._new.domains and self._new.constraints):
            found.append(Hazard("table-rewrite", f"rewrites {table} to change {name} ({change})"))
        found.append(Hazard("access-exclusive-lock", f"locks {table} while {name} changes type"))
        return tuple(found)


@dataclass(frozen=True)
class SetColumnDefault(Operation):
    schema: str
    table: str
    column: str
    default: str | None
    """None drops the default."""

    phase = Phase.SET_DEFAULTS

    def phase_in(self, context: PlanContext) -> Phase:
        # The old default may not cast to a new type: it goes before the type changes.
        return Phase.DROP_DEFAULTS if self.default is None else self.phase

    def render(self) -> tuple[str, ...]:
        change = "DROP DEFAULT" if self.default is None else f"SET DEFAULT {self.default}"
        return (f"{_alter_column(self.schema, self.table, self.column)} {change}",)


@dataclass(frozen=True)
class SetColumnNullable(Operation):
    schema: str
    table: str
    column: str
    nullable: bool

    phase = Phase.SET_NULLABILITY

    def render(self) -> tuple[str, ...]:
        change = "DROP" if self.nullable else "SET"
        return (f"{_alter_column(self.schema, self.table, self.column)} {change} NOT NULL",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if self.nullable or not context.holds_data(self.schema, self.table):
            return ()
        table = name_in_message(self.schema, self.table)
        message = f"scans and locks {table} to check {self.column} holds no NULLs"
        return (Hazard("access-exclusive-lock", message),)


@dataclass(frozen=True)
class AddIdentity(Operation):
    schema: str
    table: str
    column: str
    identity: Identity

    phase = Phase.ALTER_IDENTITIES

    def render(self) -> tuple[str, ...]:
        kind = "ALWAYS" if self.identity.always else "BY DEFAULT"
        options = sequence_options(self.identity)
        column = _alter_column(self.schema, self.table, self.column)
        return (f"{column} ADD GENERATED {kind} AS IDENTITY ({options})",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not context.holds_data(self.schema, self.table):
            return ()
        name = name_in_message(self.schema, self.table, self.column)
        return (Hazard("table-rewrite", f"fills identity {name} for every existing row"),)


@dataclass(frozen=True)
class DropIdentity(Operation):
    schema: str
    table: str
    column: str

    phase = Phase.DROP_IDENTITIES

    def render(self) -> tuple[str, ...]:
        return (f"{_alter_column(self.schema, self.table, self.column)} DROP IDENTITY",)


@dataclass(frozen=True)
class AlterIdentity(Operation):
    schema: str
    table: str
    column: str
    old: Identity
    new: Identity

    phase = Phase.ALTER_IDENTITIES

    def render(self) -> tuple[str, ...]:
        new = self.new
        kind = "ALWAYS" if new.always else "BY DEFAULT"
        options = (
            f"SET GENERATED {kind} SET START WITH {new.start} SET INCREMENT BY {new.increment} "
            f"SET MINVALUE {new.min_value} SET MAXVALUE {new.max_value} SET CACHE {new.cache} "
            f"SET {'CYCLE' if new.cycle else 'NO CYCLE'}"
        )
        return (f"{_alter_column(self.schema, self.table, self.column)} {options}",)


def diff_column(
    schema: str,
    table: str,
    source: Column,
    target: Column,
    domains: tuple[Mapping[Key, Domain], Mapping[Key, Domain]] = ({}, {}),
) -> list[Operation]:
    """Operations that turn column ``source`` into ``target`` (same name); ``domains``
    are the source's and the target's, which a type change is judged through."""
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
        using = conversion(source.data_type, target.data_type).using(name, source.data_type, target.data_type)
        old, new = underlying(source.data_type, domains[0]), underlying(target.data_type, domains[1])
        operations.append(
            AlterColumnType(
                schema,
                table,
                name,
                source.data_type,
                target.data_type,
                target.collation,
                using,
                old if old.domains else None,
                new if new.domains else None,
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
