"""Composite types: created, changed attribute by attribute with one ``ALTER TYPE``,
dropped. PostgreSQL adds attributes only at the end and cannot change the type of one
that a table column stores: such attributes are dropped and added again (their values in
stored rows are lost, which is a blocking hazard). Registered with the domains
(:mod:`puckdb.kinds.domains`), which order both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from puckdb.kinds.base import Hazard, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.kinds.type_usage import TypedColumn, column_names, columns_using, dependency_order, type_key
from puckdb.model import CompositeAttribute, CompositeType, Schema
from puckdb.quoting import ident

COMPOSITE_TYPES = """
SELECT n.nspname, t.typname,
       ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
               AND NOT a.attisdropped ORDER BY a.attnum)::text[] AS attribute_names,
       ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum)::text[] AS attribute_types,
       ARRAY(SELECT CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN
                    CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END END
             FROM pg_attribute a
             JOIN pg_type at ON at.oid = a.atttypid
             LEFT JOIN pg_collation co ON co.oid = a.attcollation
             LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum)::text[] AS attribute_collations,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid
WHERE t.typtype = 'c' AND c.relkind = 'c'
  AND n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, t.typname
"""


def _attribute_sql(attribute: CompositeAttribute) -> str:
    collation = f" COLLATE {attribute.collation}" if attribute.collation is not None else ""
    return f"{ident(attribute.name)} {attribute.data_type}{collation}"


def _label(composite: CompositeType) -> str:
    return name_in_message(composite.schema, composite.name)


@dataclass(frozen=True)
class CreateCompositeType(Operation):
    composite: CompositeType

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        attributes = ", ".join(_attribute_sql(a) for a in self.composite.attributes)
        return (f"CREATE TYPE {ident(self.composite.schema, self.composite.name)} AS ({attributes})",)


@dataclass(frozen=True)
class DropCompositeType(Operation):
    composite: CompositeType

    phase = Phase.DROP_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        return (f"DROP TYPE {ident(self.composite.schema, self.composite.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        return (Hazard("backward-incompatible", f"drops composite type {_label(self.composite)}"),)


@dataclass(frozen=True)
class AlterCompositeType(Operation):
    """One ``ALTER TYPE`` with the attributes to drop, the attribute types to change and
    the attributes to add, in that order (added ones go last, as PostgreSQL places them).
    ``columns`` are the table columns that store the type: what dropped attributes lose."""

    composite: CompositeType
    dropped: tuple[str, ...]
    altered: tuple[CompositeAttribute, ...]
    added: tuple[CompositeAttribute, ...]
    columns: tuple[TypedColumn, ...]

    phase = Phase.CREATE_COMPOUND_TYPES

    def render(self) -> tuple[str, ...]:
        actions = [f"DROP ATTRIBUTE {ident(name)}" for name in self.dropped]
        for attribute in self.altered:
            collation = f" COLLATE {attribute.collation}" if attribute.collation is not None else ""
            actions.append(f"ALTER ATTRIBUTE {ident(attribute.name)} TYPE {attribute.data_type}{collation}")
        actions.extend(f"ADD ATTRIBUTE {_attribute_sql(attribute)}" for attribute in self.added)
        return (f"ALTER TYPE {ident(self.composite.schema, self.composite.name)} {', '.join(actions)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not self.dropped:
            return ()
        label, names = _label(self.composite), ", ".join(self.dropped)
        if self.columns:
            message = (
                f"drops attribute(s) {names} of composite type {label}, whose values in "
                f"{column_names(self.columns)} are lost (re-added ones start NULL)"
            )
            return (Hazard("data-loss", message),)
        return (Hazard("backward-incompatible", f"drops attribute(s) {names} of composite type {label}"),)


def assemble(rows: Rows) -> Mapping[str, Any]:
    """The ``composite_types`` field from the rows of :data:`COMPOSITE_TYPES`."""
    composites = (
        CompositeType(
            schema=row["nspname"],
            name=row["typname"],
            attributes=tuple(
                CompositeAttribute(name, data_type, collation)
                for name, data_type, collation in zip(
                    row["attribute_names"], row["attribute_types"], row["attribute_collations"], strict=True
                )
            ),
            comment=row["comment"],
        )
        for row in rows["composite_types"]
    )
    return {"composite_types": tuple(composites)}


def _changes(before: CompositeType, after: CompositeType, source: Schema) -> list[Operation]:
    columns = columns_using(source, after.key)
    new_names = [a.name for a in after.attributes]
    old = {a.name: a for a in before.attributes}
    kept = [a.name for a in before.attributes if a.name in new_names]
    # Attributes stay in place up to the first one out of the target's order; from there
    # on they are dropped and added again in order, since ADD ATTRIBUTE only appends.
    in_place = 0
    while in_place < len(kept) and kept[in_place] == new_names[in_place]:
        in_place += 1
    dropped = [a.name for a in before.attributes if a.name not in new_names[:in_place]]
    altered: list[CompositeAttribute] = []
    for attribute in after.attributes[:in_place]:
        previous = old[attribute.name]
        if (previous.data_type, previous.collation) == (attribute.data_type, attribute.collation):
            continue
        if columns:
            # PostgreSQL refuses to change an attribute type that a table column stores.
            position = new_names.index(attribute.name)
            return _changes_from(before, after, position, columns)
        altered.append(attribute)
    added = after.attributes[in_place:]
    operations: list[Operation] = []
    if dropped or altered or added:
        operations.append(AlterCompositeType(after, tuple(dropped), tuple(altered), tuple(added), columns))
    return operations


def _changes_from(
    before: CompositeType, after: CompositeType, position: int, columns: tuple[TypedColumn, ...]
) -> list[Operation]:
    """Keep the first ``position`` attributes, drop the others and add the target's rest."""
    keep = {a.name for a in after.attributes[:position]}
    dropped = tuple(a.name for a in before.attributes if a.name not in keep)
    return [AlterCompositeType(after, dropped, (), after.attributes[position:], columns)]


def diff(source: Schema, target: Schema) -> list[Operation]:
    """Creations and changes, then drops (dependencies first, dependents last dropped
    first); the domains' diff places them around its own."""
    before = {c.key: c for c in source.composite_types}
    after = {c.key: c for c in target.composite_types}
    operations: list[Operation] = []
    for composite in dependency_order([c for k, c in after.items() if k not in before], _key, _uses):
        operations.append(CreateCompositeType(composite))
        if composite.comment is not None:
            operations.append(SetComment("TYPE", composite.schema, composite.name, None, composite.comment))
    for key, composite in after.items():
        previous = before.get(key)
        if previous is None:
            continue
        operations.extend(_changes(previous, composite, source))
        if previous.comment != composite.comment:
            operations.append(SetComment("TYPE", composite.schema, composite.name, None, composite.comment))
    dropped = dependency_order([c for k, c in before.items() if k not in after], _key, _uses)
    operations.extend(DropCompositeType(composite) for composite in reversed(dropped))
    return operations


def _key(composite: CompositeType) -> tuple[str, str]:
    return composite.key


def _uses(composite: CompositeType) -> list[tuple[str, str]]:
    return [key for a in composite.attributes if (key := type_key(a.data_type)) is not None]
