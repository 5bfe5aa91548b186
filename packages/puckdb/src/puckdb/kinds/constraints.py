"""Table constraints: primary keys, unique, foreign keys, checks and exclusions. Matched by
name; leftovers of equal content are renames (a renamed table keeps ``old_pkey``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from puckdb.kinds.base import Hazard, Operation, Phase, PlanContext, Row, name_in_message
from puckdb.model import (
    CheckConstraint,
    ExclusionConstraint,
    ForeignKey,
    MatchType,
    PrimaryKey,
    ReferentialAction,
    Table,
    UniqueConstraint,
)
from puckdb.quoting import ident

Constraint = PrimaryKey | UniqueConstraint | ForeignKey | CheckConstraint | ExclusionConstraint

# PostgreSQL 18 records NOT NULL as constraints too (contype 'n'); nullability is a
# column property in the model, so those are left out. Only checks and exclusions are kept
# as their printed definition: deparsing every key costs a third of the query. A foreign key that references a
# partitioned table gets one clone per partition on the referencing table, marked by
# conparentid: only the constraint that was declared counts. A partition's keys and
# foreign keys cloned from its parent's have a conparentid too, and the checks it inherits
# are not local: only its own are its constraints.
CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype::text AS kind,
       CASE WHEN con.contype IN ('c', 'x') THEN pg_get_constraintdef(con.oid, true) END AS definition,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.position) AS columns,
       fn.nspname AS ref_schema, fc.relname AS ref_table,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.position) AS ref_columns,
       con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete,
       con.confmatchtype::text AS match,
       con.condeferrable, con.condeferred, con.convalidated,
       -- conenforced exists from PostgreSQL 18 on; read through the row's JSON so that one
       -- query serves 16 too (where every constraint is enforced)
       CASE WHEN con.contype = 'f' THEN coalesce((to_jsonb(con) ->> 'conenforced')::boolean, true)
            ELSE true END AS enforced,
       coalesce(ix.indnullsnotdistinct, false) AS nulls_not_distinct,
       -- conkey lists a key's own columns; its index's columns past indnkeyatts are INCLUDE
       ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             WHERE k.position > ix.indnkeyatts
             ORDER BY k.position) AS include,
       d.description AS comment
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype IN ('p', 'u')
LEFT JOIN pg_description d ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass
     AND d.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND con.contype IN ('p', 'u', 'f', 'c', 'x')
  AND con.conparentid = 0
  AND (con.conislocal OR NOT c.relispartition)
ORDER BY con.conrelid, con.conname
"""

_ACTIONS: dict[str, ReferentialAction] = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_MATCH: dict[str, MatchType] = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}


@dataclass(frozen=True)
class TableConstraints:
    """A table's constraints as its model fields take them."""

    primary_key: PrimaryKey | None
    unique_constraints: tuple[UniqueConstraint, ...]
    foreign_keys: tuple[ForeignKey, ...]
    check_constraints: tuple[CheckConstraint, ...]
    exclusion_constraints: tuple[ExclusionConstraint, ...]


def constraints_from_rows(rows: list[Row]) -> TableConstraints:
    """One table's rows of the ``constraints`` query → its constraints."""
    primary_key: PrimaryKey | None = None
    uniques: list[UniqueConstraint] = []
    foreign_keys: list[ForeignKey] = []
    checks: list[CheckConstraint] = []
    exclusions: list[ExclusionConstraint] = []
    for row in rows:
        kind, name, comment = row["kind"], row["conname"], row["comment"]
        if kind == "p":
            primary_key = PrimaryKey(
                name,
                tuple(row["columns"]),
                deferrable=row["condeferrable"],
                initially_deferred=row["condeferred"],
                comment=comment,
                include=tuple(row["include"]),
            )
        elif kind == "u":
            uniques.append(
                UniqueConstraint(
                    name,
                    tuple(row["columns"]),
                    nulls_not_distinct=row["nulls_not_distinct"],
                    deferrable=row["condeferrable"],
                    initially_deferred=row["condeferred"],
                    comment=comment,
                    include=tuple(row["include"]),
                )
            )
        elif kind == "f":
            foreign_keys.append(_foreign_key(row))
        elif kind == "c":
            checks.append(CheckConstraint(name, row["definition"], comment))
        elif kind == "x":
            exclusions.append(ExclusionConstraint(name, row["definition"], comment))
    return TableConstraints(
        primary_key, tuple(uniques), tuple(foreign_keys), tuple(checks), tuple(exclusions)
    )


def _foreign_key(row: Row) -> ForeignKey:
    return ForeignKey(
        row["conname"],
        tuple(row["columns"]),
        ref_schema=row["ref_schema"],
        ref_table=row["ref_table"],
        ref_columns=tuple(row["ref_columns"]),
        on_update=_ACTIONS[row["on_update"]],
        on_delete=_ACTIONS[row["on_delete"]],
        match=_MATCH[row["match"]],
        deferrable=row["condeferrable"],
        initially_deferred=row["condeferred"],
        validated=row["convalidated"] or not row["enforced"],
        enforced=row["enforced"],
        comment=row["comment"],
    )


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


def constraint_definition(constraint: Constraint, quote: Callable[[str], str] = ident) -> str:
    """``CONSTRAINT name …`` as CREATE TABLE / ADD CONSTRAINT write it; ``quote`` writes
    each name (every one quoted, unless pull asks for the bare names people write)."""
    head = f"CONSTRAINT {quote(constraint.name)}"

    def listed(names: tuple[str, ...]) -> str:
        return ", ".join(quote(name) for name in names)

    if isinstance(constraint, PrimaryKey):
        key = f"PRIMARY KEY ({listed(constraint.columns)}){_include(constraint, listed)}"
        return f"{head} {key}{_deferral(constraint)}"
    if isinstance(constraint, UniqueConstraint):
        nulls = " NULLS NOT DISTINCT" if constraint.nulls_not_distinct else ""
        key = f"UNIQUE{nulls} ({listed(constraint.columns)}){_include(constraint, listed)}"
        return f"{head} {key}{_deferral(constraint)}"
    if isinstance(constraint, CheckConstraint):
        return f"{head} {constraint.expression}"
    if isinstance(constraint, ExclusionConstraint):
        return f"{head} {constraint.definition}"
    referenced = f"{quote(constraint.ref_schema)}.{quote(constraint.ref_table)}"
    references = f"REFERENCES {referenced} ({listed(constraint.ref_columns)})"
    text = f"{head} FOREIGN KEY ({listed(constraint.columns)}) {references}"
    if constraint.match != "SIMPLE":
        text += f" MATCH {constraint.match}"
    if constraint.on_update != "NO ACTION":
        text += f" ON UPDATE {constraint.on_update}"
    if constraint.on_delete != "NO ACTION":
        text += f" ON DELETE {constraint.on_delete}"
    text += _deferral(constraint)
    if not constraint.enforced:
        text += " NOT ENFORCED"
    elif not constraint.validated:
        text += " NOT VALID"
    return text


def _include(constraint: PrimaryKey | UniqueConstraint, listed: Callable[[tuple[str, ...]], str]) -> str:
    return f" INCLUDE ({listed(constraint.include)})" if constraint.include else ""


def _deferral(constraint: PrimaryKey | UniqueConstraint | ForeignKey) -> str:
    if not constraint.deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if constraint.initially_deferred else " DEFERRABLE"


@dataclass(frozen=True)
class AddConstraint(Operation):
    schema: str
    table: str
    constraint: Constraint

    phase = Phase.ADD_CONSTRAINTS

    def phase_in(self, context: PlanContext) -> Phase:
        if isinstance(self.constraint, PrimaryKey):
            return Phase.ADD_PRIMARY_KEYS
        if isinstance(self.constraint, ForeignKey):
            return Phase.ADD_FOREIGN_KEYS
        return self.phase

    def render(self) -> tuple[str, ...]:
        return (f"ALTER TABLE {ident(self.schema, self.table)} ADD {constraint_definition(self.constraint)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not context.holds_data(self.schema, self.table):
            return ()
        table = name_in_message(self.schema, self.table)
        if isinstance(self.constraint, ForeignKey):
            message = (
                f"checks foreign key {self.constraint.name} on {table} while blocking writes "
                "(add it NOT VALID and VALIDATE it later to avoid that)"
            )
            return (Hazard("access-exclusive-lock", message),)
        return (Hazard("access-exclusive-lock", f"locks {table} while adding {self.constraint.name}"),)


@dataclass(frozen=True)
class DropConstraint(Operation):
    schema: str
    table: str
    constraint: Constraint

    phase = Phase.DROP_KEYS_AND_INDEXES

    def phase_in(self, context: PlanContext) -> Phase:
        return Phase.DROP_FOREIGN_KEYS if isinstance(self.constraint, ForeignKey) else self.phase

    def render(self) -> tuple[str, ...]:
        table = ident(self.schema, self.table)
        return (f"ALTER TABLE {table} DROP CONSTRAINT {ident(self.constraint.name)}",)


@dataclass(frozen=True)
class RenameConstraint(Operation):
    schema: str
    table: str
    old: str
    new: str

    phase = Phase.RENAME_KEYS_AND_INDEXES

    def render(self) -> tuple[str, ...]:
        table = ident(self.schema, self.table)
        return (f"ALTER TABLE {table} RENAME CONSTRAINT {ident(self.old)} TO {ident(self.new)}",)
