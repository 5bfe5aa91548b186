"""Domains: created, altered in place (default, NOT NULL, checks), re-created under a new
base type or collation (ALTER DOMAIN cannot change those) with their columns converted,
dropped once nothing uses them. The kind also carries composite types
(:mod:`puckdb.kinds.composites`): both are created before the tables and functions that
use them and dropped after, composites (which may hold domains) dropped first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from puckdb.kinds import composites
from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.kinds.type_changes import is_narrowing
from puckdb.kinds.type_usage import (
    TypedColumn,
    column_names,
    dependency_order,
    kept_columns_using,
    type_key,
)
from puckdb.model import Domain, Schema
from puckdb.quoting import ident

# NOT NULL is typnotnull; PostgreSQL 17+ also lists it as a constraint (contype 'n').
DOMAINS = """
SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod) AS base,
       pg_get_expr(t.typdefaultbin, 0) AS default, t.typnotnull AS not_null,
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       ARRAY(SELECT c.conname FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'
             ORDER BY c.conname)::text[] AS check_names,
       ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)::text[] AS check_definitions,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE t.typtype = 'd'
  AND n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, t.typname
"""


def _label(domain: Domain) -> str:
    return name_in_message(domain.schema, domain.name)


def create_domain_sql(domain: Domain, name: str | None = None) -> str:
    """``CREATE DOMAIN`` with everything the model holds but the comment."""
    parts = [f"CREATE DOMAIN {name or ident(domain.schema, domain.name)} AS {domain.base}"]
    if domain.collation is not None:
        parts.append(f"COLLATE {domain.collation}")
    if domain.default is not None:
        parts.append(f"DEFAULT {domain.default}")
    if domain.not_null:
        parts.append("NOT NULL")
    parts.extend(f"CONSTRAINT {ident(check)} {definition}" for check, definition in domain.checks)
    return " ".join(parts)


@dataclass(frozen=True)
class CreateDomain(Operation):
    domain: Domain

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        return (create_domain_sql(self.domain),)


@dataclass(frozen=True)
class DropDomain(Operation):
    domain: Domain

    phase = Phase.DROP_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        return (f"DROP DOMAIN {ident(self.domain.schema, self.domain.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        return (Hazard("backward-incompatible", f"drops domain {_label(self.domain)}"),)


@dataclass(frozen=True)
class SetDomainDefault(Operation):
    """``ALTER DOMAIN … SET DEFAULT`` (or ``DROP DEFAULT`` when ``default`` is None):
    columns of the domain without a default of their own get it on later inserts."""

    domain: Domain
    default: str | None

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        action = "DROP DEFAULT" if self.default is None else f"SET DEFAULT {self.default}"
        return (f"ALTER DOMAIN {ident(self.domain.schema, self.domain.name)} {action}",)


@dataclass(frozen=True)
class SetDomainNotNull(Operation):
    domain: Domain
    not_null: bool

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        action = "SET NOT NULL" if self.not_null else "DROP NOT NULL"
        return (f"ALTER DOMAIN {ident(self.domain.schema, self.domain.name)} {action}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not self.not_null:
            return ()
        message = (
            f"makes domain {_label(self.domain)} NOT NULL: every column of it is scanned, and a NULL "
            "in one makes the migration fail"
        )
        return (Hazard("backfill-required", message),)


@dataclass(frozen=True)
class AddDomainCheck(Operation):
    """``ALTER DOMAIN … ADD CONSTRAINT``: PostgreSQL checks every value of the domain in
    every table, which fails the migration if one does not pass."""

    domain: Domain
    name: str
    definition: str

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        domain = ident(self.domain.schema, self.domain.name)
        return (f"ALTER DOMAIN {domain} ADD CONSTRAINT {ident(self.name)} {self.definition}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = (
            f"adds check {self.name} to domain {_label(self.domain)}: every column of it is scanned, "
            "and a value that fails the check makes the migration fail"
        )
        return (Hazard("backfill-required", message),)


@dataclass(frozen=True)
class DropDomainCheck(Operation):
    domain: Domain
    name: str

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        return (
            f"ALTER DOMAIN {ident(self.domain.schema, self.domain.name)} DROP CONSTRAINT {ident(self.name)}",
        )


@dataclass(frozen=True)
class RecreateDomain(Operation):
    """A new base type or collation, which ALTER DOMAIN cannot make: the old domain is
    renamed out of the way (:attr:`parked_name`), the new one created, and every column
    that keeps the domain converted to it through the new base type. The old domain is
    dropped by :class:`DropReplacedDomain` once nothing uses it."""

    old: Domain
    new: Domain
    columns: tuple[TypedColumn, ...]

    phase = Phase.CREATE_COMPOUND_TYPES

    @property
    def parked_name(self) -> str:
        return f"{self.old.name}__puckdb_old"[:63]

    def render(self) -> tuple[str, ...]:
        name = ident(self.new.schema, self.new.name)
        statements = [
            f"ALTER DOMAIN {name} RENAME TO {ident(self.parked_name)}",
            create_domain_sql(self.new),
        ]
        for column in self.columns:
            table, target = ident(column.schema, column.table), ident(column.column)
            array = "[]" if column.data_type.endswith("[]") else ""
            cast = f"{target}::{self.new.base}{array}::{name}{array}"
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} DROP DEFAULT")
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} TYPE {name}{array} USING {cast}")
            if column.default is not None:
                statements.append(f"ALTER TABLE {table} ALTER COLUMN {target} SET DEFAULT {column.default}")
        return tuple(statements)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        found: list[Hazard] = []
        label = _label(self.new)
        if self.columns and is_narrowing(self.old.base, self.new.base):
            found.append(
                Hazard(
                    "data-loss",
                    f"re-creates domain {label} as {self.new.base} (was {self.old.base}) and converts "
                    f"{column_names(self.columns)}: values that do not fit are cut or make the "
                    "migration fail",
                )
            )
        found.extend(
            Hazard("table-rewrite", f"rewrites {name_in_message(c.schema, c.table)} to convert {c.column}")
            for c in self.columns
        )
        return tuple(found)


@dataclass(frozen=True)
class DropReplacedDomain(Operation):
    """Drop the old domain a :class:`RecreateDomain` parked under another name."""

    schema: str
    parked_name: str

    phase = Phase.DROP_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        return (f"DROP DOMAIN {ident(self.schema, self.parked_name)}",)


def _domain(row: Mapping[str, Any]) -> Domain:
    return Domain(
        schema=row["nspname"],
        name=row["typname"],
        base=row["base"],
        default=row["default"],
        not_null=row["not_null"],
        collation=row["collation"],
        checks=tuple(zip(row["check_names"], row["check_definitions"], strict=True)),
        comment=row["comment"],
    )


def _assemble(rows: Rows) -> Mapping[str, Any]:
    return {
        "domains": tuple(_domain(row) for row in rows["domains"]),
        **composites.assemble(rows),
    }


def _domain_changes(before: Domain, after: Domain, source: Schema, target: Schema) -> list[Operation]:
    kept = kept_columns_using(source, target, after.key)
    validates = (after.not_null and not before.not_null) or not set(after.checks) <= set(before.checks)
    # PostgreSQL cannot check existing values of a domain stored in an array column (it
    # refuses ALTER DOMAIN … ADD CONSTRAINT / SET NOT NULL), but converting the column to
    # a new domain checks each element.
    in_arrays = validates and any(column.data_type.endswith("[]") for column in kept)
    if (before.base, before.collation) != (after.base, after.collation) or in_arrays:
        recreate = RecreateDomain(before, after, kept)
        operations: list[Operation] = [recreate, DropReplacedDomain(after.schema, recreate.parked_name)]
        if after.comment is not None:
            operations.append(SetComment("DOMAIN", after.schema, after.name, None, after.comment))
        return operations
    operations = []
    if before.default != after.default:
        operations.append(SetDomainDefault(after, after.default))
    if before.not_null != after.not_null:
        operations.append(SetDomainNotNull(after, after.not_null))
    old_checks, new_checks = dict(before.checks), dict(after.checks)
    # A changed check is dropped and added again: ALTER DOMAIN cannot alter one.
    operations.extend(
        DropDomainCheck(after, name)
        for name, definition in before.checks
        if new_checks.get(name) != definition
    )
    operations.extend(
        AddDomainCheck(after, name, definition)
        for name, definition in after.checks
        if old_checks.get(name) != definition
    )
    if before.comment != after.comment:
        operations.append(SetComment("DOMAIN", after.schema, after.name, None, after.comment))
    return operations


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    before = {d.key: d for d in source.domains}
    after = {d.key: d for d in target.domains}
    operations: list[Operation] = []
    created = dependency_order(
        [d for key, d in after.items() if key not in before], lambda d: d.key, lambda d: _uses(d)
    )
    for domain in created:
        operations.append(CreateDomain(domain))
        if domain.comment is not None:
            operations.append(SetComment("DOMAIN", domain.schema, domain.name, None, domain.comment))
    for key, domain in after.items():
        if key in before:
            operations.extend(_domain_changes(before[key], domain, source, target))
    operations.extend(composites.diff(source, target))
    dropped = dependency_order(
        [d for key, d in before.items() if key not in after], lambda d: d.key, lambda d: _uses(d)
    )
    operations.extend(DropDomain(domain) for domain in reversed(dropped))
    return operations


def _uses(domain: Domain) -> list[tuple[str, str]]:
    found = type_key(domain.base)
    return [found] if found is not None else []


KIND = Kind(
    "domains",
    queries=(("domains", DOMAINS), ("composite_types", composites.COMPOSITE_TYPES)),
    assemble=_assemble,
    diff=_diff,
)
