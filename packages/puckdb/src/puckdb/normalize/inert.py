"""The parts of a schema that settling need not build again.

Settling (see fixed_point.py) rebuilds the schema from puckdb's own SQL to see which
expressions PostgreSQL re-prints. Most of a large schema holds no expression at all:
foreign keys, indexes on plain columns, primary keys and unique constraints print the
same names they were given, and building them is much of what makes a rebuild slow (each
one an index or triggers: half the build of bench/synthetic.py's 400 tables). They are
*inert* when, in addition, no expression's parsing can look at them:

- a foreign key never: nothing is parsed against one;
- a plain non-unique index (column keys, no predicate) never: nothing names it;
- a primary key or a unique constraint (or a plain unique index) only when nothing that
  PostgreSQL analyses on creation could depend on it: a view's GROUP BY may rely on a
  primary key, and a SQL function's or a policy's query on a unique index (ON CONFLICT).
  So they stay for the tables a view reads, everywhere when the schema has functions or
  policies, and on the tables a foreign key that stays refers to.

Partitioned tables and partitions are left whole: their indexes and keys are shared
between parent and partitions. :func:`without_inert` takes the inert parts out of a
schema, :func:`with_inert` puts them back into the settled one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from puckdb.model import ForeignKey, Index, PrimaryKey, Schema, Table, UniqueConstraint

_TableKey = tuple[str, str]


@dataclass(frozen=True)
class InertParts:
    """What :func:`without_inert` took out of each table, by table key."""

    foreign_keys: dict[_TableKey, tuple[ForeignKey, ...]]
    indexes: dict[_TableKey, tuple[Index, ...]]
    primary_keys: dict[_TableKey, PrimaryKey]
    unique_constraints: dict[_TableKey, tuple[UniqueConstraint, ...]]


def without_inert(schema: Schema) -> tuple[Schema, InertParts]:
    """``schema`` without its inert parts, and those parts."""
    parts = InertParts({}, {}, {}, {})
    whole = {table.key for table in schema.tables if _partitioned(table)}
    keep_keys = _tables_keeping_keys(schema, whole)
    tables = []
    for table in schema.tables:
        if table.key in whole:
            tables.append(table)
            continue
        keys_inert = table.key not in keep_keys
        indexes = tuple(index for index in table.indexes if not _inert_index(index, keys_inert))
        removed_indexes = tuple(index for index in table.indexes if _inert_index(index, keys_inert))
        if table.foreign_keys:
            parts.foreign_keys[table.key] = table.foreign_keys
        if removed_indexes:
            parts.indexes[table.key] = removed_indexes
        primary_key, unique_constraints = table.primary_key, table.unique_constraints
        if keys_inert:
            if primary_key is not None:
                parts.primary_keys[table.key] = primary_key
            if unique_constraints:
                parts.unique_constraints[table.key] = unique_constraints
            primary_key, unique_constraints = None, ()
        tables.append(
            replace(
                table,
                foreign_keys=(),
                indexes=indexes,
                primary_key=primary_key,
                unique_constraints=unique_constraints,
            )
        )
    return replace(schema, tables=tuple(tables)), parts


def with_inert(schema: Schema, parts: InertParts) -> Schema:
    """``schema`` (settled from :func:`without_inert`'s result) with ``parts`` put back."""
    tables = []
    for table in schema.tables:
        key = table.key
        tables.append(
            replace(
                table,
                foreign_keys=table.foreign_keys + parts.foreign_keys.get(key, ()),
                indexes=table.indexes + parts.indexes.get(key, ()),
                primary_key=parts.primary_keys.get(key, table.primary_key),
                unique_constraints=table.unique_constraints + parts.unique_constraints.get(key, ()),
            )
        )
    return replace(schema, tables=tuple(tables))


def _partitioned(table: Table) -> bool:
    return table.partition_by is not None or table.partition_of is not None


def _tables_keeping_keys(schema: Schema, whole: set[_TableKey]) -> set[_TableKey]:
    """The tables whose primary key and unique constraints something may depend on."""
    if schema.functions or schema.policies:
        return {table.key for table in schema.tables}
    kept = {relation for view in schema.views for relation in view.depends_on}
    for table in schema.tables:
        if table.key in whole:
            kept.update((fk.ref_schema, fk.ref_table) for fk in table.foreign_keys)
    return kept


def _inert_index(index: Index, keys_inert: bool) -> bool:
    plain = index.where is None and all(key.expression.replace('"', "").isidentifier() for key in index.keys)
    return plain and (keys_inert or not index.unique)
