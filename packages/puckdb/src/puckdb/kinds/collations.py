"""Collations (``CREATE COLLATION``): created before the types and tables that use them,
dropped after; PostgreSQL cannot alter one's definition, so a changed collation is dropped
and created again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.model import Collation, Schema
from puckdb.quoting import as_printed, ident, literal

# The locale column is colliculocale on PostgreSQL 15-16 and colllocale from 17 on, and
# the ICU rules exist from 16 on: read through the row's JSON so one query serves both.
COLLATIONS = """
SELECT n.nspname, co.collname,
       CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin'
                            ELSE 'default' END AS provider,
       co.collcollate, co.collctype,
       coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale') AS locale,
       to_jsonb(co) ->> 'collicurules' AS rules,
       co.collisdeterministic,
       obj_description(co.oid, 'pg_collation') AS comment
FROM pg_collation co
JOIN pg_namespace n ON n.oid = co.collnamespace
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_collation'::regclass AND d.objid = co.oid AND d.deptype = 'e')
ORDER BY n.nspname, co.collname
"""


def collation_options(collation: Collation) -> str:
    """The parenthesized options of ``CREATE COLLATION`` for ``collation``."""
    options = [f"provider = {collation.provider}"]
    if collation.provider == "libc":
        if collation.lc_collate == collation.lc_ctype and collation.lc_collate is not None:
            options.append(f"locale = {literal(collation.lc_collate)}")
        else:
            options.append(f"lc_collate = {literal(collation.lc_collate or '')}")
            options.append(f"lc_ctype = {literal(collation.lc_ctype or '')}")
    elif collation.locale is not None:
        options.append(f"locale = {literal(collation.locale)}")
    if not collation.deterministic:
        options.append("deterministic = false")
    if collation.rules is not None:
        options.append(f"rules = {literal(collation.rules)}")
    return f"({', '.join(options)})"


@dataclass(frozen=True)
class CreateCollation(Operation):
    collation: Collation

    phase = Phase.CREATE_TYPES

    def render(self) -> tuple[str, ...]:
        name = ident(self.collation.schema, self.collation.name)
        return (f"CREATE COLLATION {name} {collation_options(self.collation)}",)


@dataclass(frozen=True)
class DropCollation(Operation):
    collation: Collation

    phase = Phase.DROP_TYPES_AND_SEQUENCES

    def render(self) -> tuple[str, ...]:
        return (f"DROP COLLATION {ident(self.collation.schema, self.collation.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = f"drops collation {name_in_message(self.collation.schema, self.collation.name)}"
        return (Hazard("backward-incompatible", message),)


@dataclass(frozen=True)
class RecreateCollation(Operation):
    """A collation whose definition changes. PostgreSQL refuses to drop one that a column
    or index still uses: ``users`` names them, and the hazard says what to do."""

    old: Collation
    new: Collation
    users: tuple[str, ...]

    phase = Phase.CREATE_TYPES

    def render(self) -> tuple[str, ...]:
        name = ident(self.new.schema, self.new.name)
        return (f"DROP COLLATION {name}", f"CREATE COLLATION {name} {collation_options(self.new)}")

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.new.schema, self.new.name)
        message = (
            f"re-creates collation {name} with a new definition; text compared with it sorts differently"
        )
        found = [Hazard("backward-incompatible", message)]
        if self.users:
            found.append(
                Hazard(
                    "manual-step",
                    f"collation {name} is used by {', '.join(self.users)}, and PostgreSQL refuses to drop it "
                    "while they do: move them to another collation in a migration of their own first, or "
                    "give the new definition a new name",
                )
            )
        return tuple(found)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    collations = (
        Collation(
            schema=row["nspname"],
            name=row["collname"],
            provider=row["provider"],
            locale=row["locale"] if row["provider"] != "libc" else None,
            lc_collate=row["collcollate"] if row["provider"] == "libc" else None,
            lc_ctype=row["collctype"] if row["provider"] == "libc" else None,
            deterministic=row["collisdeterministic"],
            rules=row["rules"],
            comment=row["comment"],
        )
        for row in rows["collations"]
    )
    return {"collations": tuple(collations)}


def _users(schema: Schema, collation: Collation) -> tuple[str, ...]:
    """The columns and index keys of ``schema`` that use ``collation``."""
    printed = as_printed(collation.name)
    names = {printed, f"{as_printed(collation.schema)}.{printed}"}
    found: list[str] = []
    for table in schema.tables:
        found += [f"column {table.name}.{c.name}" for c in table.columns if c.collation in names]
        found += [f"index {i.name}" for i in table.indexes if any(k.collation in names for k in i.keys)]
    return tuple(found)


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    before = {c.key: c for c in source.collations}
    after = {c.key: c for c in target.collations}
    operations: list[Operation] = []
    for key, collation in after.items():
        old = before.get(key)
        same = old is not None and replace(old, comment=None) == replace(collation, comment=None)
        if old is None:
            operations.append(CreateCollation(collation))
        elif not same:
            operations.append(RecreateCollation(old, collation, _users(source, old)))
        # A new or re-created collation has no comment yet.
        if (old.comment if old is not None and same else None) != collation.comment:
            operations.append(
                SetComment("COLLATION", collation.schema, collation.name, None, collation.comment)
            )
    operations.extend(DropCollation(c) for key, c in before.items() if key not in after)
    return operations


KIND = Kind("collations", queries=(("collations", COLLATIONS),), assemble=_assemble, diff=_diff)
