"""Settling plain tables by their column defaults alone.

Once its inert parts are out (inert.py), a table often holds no expression but its column
defaults: no CHECK, no expression index, no generated column, and nothing else in the
schema names it. What settling can learn about such a *plain* table is how PostgreSQL
re-prints each default, and that depends on the default's text, the column's type and
collation, and the rest of the catalog, not on the table. So the plain tables are not
rebuilt: each distinct (schema, type, collation, default) is built once, as a column of a
probe table in that schema, and the settled text is carried back to every column that
has it. A large schema repeats the same few defaults (``now()``, ``gen_random_uuid()``,
``0``, ``false``) hundreds of times.

:func:`collapsed` makes the reduced schema; :func:`expanded` turns the settled reduced
schema back into the whole one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from puckdb.model import Column, Schema, Table

_PROBE_PREFIX = "puckdb_settle_defaults"
# PostgreSQL allows 1600 columns a table; probe tables stay well below it.
_COLUMNS_PER_PROBE = 1000

_DefaultKey = tuple[str, str, str | None, str]
"""(schema, data type, collation, default)."""


@dataclass(frozen=True)
class Collapsed:
    """The plain tables taken out of a schema, and where their defaults were probed."""

    tables: tuple[Table, ...]
    probes: dict[_DefaultKey, tuple[tuple[str, str], str]]
    """Each distinct default: the probe table's key and the probe column's name."""


def collapsed(schema: Schema) -> tuple[Schema, Collapsed]:
    """``schema`` with its plain tables replaced by probe tables of their defaults."""
    referenced = _referenced_tables(schema)
    plain = tuple(table for table in schema.tables if table.key not in referenced and _plain(table))
    if not plain:
        return schema, Collapsed((), {})
    kept = tuple(table for table in schema.tables if table.key in referenced or not _plain(table))
    taken = _taken_names(schema)
    defaults: dict[_DefaultKey, None] = {}
    for table in plain:
        for column in table.columns:
            if column.default is not None:
                defaults[(table.schema, column.data_type, column.collation, column.default)] = None
    probes: dict[_DefaultKey, tuple[tuple[str, str], str]] = {}
    probe_tables: list[Table] = []
    for schema_name in sorted({key[0] for key in defaults}):
        keys = [key for key in defaults if key[0] == schema_name]
        for start in range(0, len(keys), _COLUMNS_PER_PROBE):
            chunk = keys[start : start + _COLUMNS_PER_PROBE]
            name = _free_name(schema_name, taken)
            taken.add((schema_name, name))
            columns = []
            for number, key in enumerate(chunk, start=1):
                column = Column(f"c{number}", key[1], default=key[3], collation=key[2])
                columns.append(column)
                probes[key] = ((schema_name, name), column.name)
            probe_tables.append(Table(schema_name, name, tuple(columns)))
    return replace(schema, tables=kept + tuple(probe_tables)), Collapsed(plain, probes)


def expanded(settled: Schema, collapsed_parts: Collapsed) -> Schema:
    """``settled`` (the reduced schema, settled) with the plain tables back, their
    defaults as their probe columns settled, and without the probe tables."""
    if not collapsed_parts.tables:
        return settled
    probe_keys = {key for key, _ in collapsed_parts.probes.values()}
    by_key = {table.key: table for table in settled.tables}
    tables = [table for table in settled.tables if table.key not in probe_keys]
    for table in collapsed_parts.tables:
        columns = tuple(_settled(table, column, by_key, collapsed_parts) for column in table.columns)
        tables.append(replace(table, columns=columns))
    return replace(settled, tables=tuple(tables))


def _settled(table: Table, column: Column, by_key: dict[tuple[str, str], Table], parts: Collapsed) -> Column:
    if column.default is None:
        return column
    probe_key, probe_column = parts.probes[(table.schema, column.data_type, column.collation, column.default)]
    found = by_key[probe_key].column(probe_column)
    assert found is not None, "a probe column is missing from the settled schema"
    return replace(column, default=found.default)


def _plain(table: Table) -> bool:
    return (
        table.partition_by is None
        and table.partition_of is None
        and table.primary_key is None
        and not table.unique_constraints
        and not table.foreign_keys
        and not table.check_constraints
        and not table.exclusion_constraints
        and not table.indexes
        and all(column.generated is None for column in table.columns)
    )


def _referenced_tables(schema: Schema) -> set[tuple[str, str]]:
    """Tables something else in ``schema`` needs to exist (or may name by type)."""
    referenced = {relation for view in schema.views for relation in view.depends_on}
    referenced.update((trigger.schema, trigger.table) for trigger in schema.triggers)
    referenced.update((policy.schema, policy.table) for policy in schema.policies)
    referenced.update((grant.schema, grant.name) for grant in schema.grants)
    for sequence in schema.sequences:
        if sequence.owned_by is not None:
            referenced.add((sequence.schema, sequence.owned_by[0]))
    for table in schema.tables:
        referenced.update((fk.ref_schema, fk.ref_table) for fk in table.foreign_keys)
    for function in schema.functions:
        referenced.update((schema_name, relation) for _, schema_name, relation, _ in function.used_by)
    # A table's row type may be a column's, a domain's, a composite type's, a function's
    # or an aggregate's type (``RETURNS SETOF customer``): a name that any type text
    # mentions keeps its table.
    type_texts = [column.data_type for table in schema.tables for column in table.columns]
    type_texts += [domain.base for domain in schema.domains]
    type_texts += [
        attribute.data_type for composite in schema.composite_types for attribute in composite.attributes
    ]
    type_texts += [f"{f.arguments} {f.returns or ''}" for f in schema.functions]
    type_texts += [f"{a.arguments} {a.stype} {a.returns}" for a in schema.aggregates]
    mentioned = {word for text in type_texts for word in re.findall(r'[^\s."\[\]()]+', text)}
    referenced.update(table.key for table in schema.tables if table.name in mentioned)
    return referenced


def _taken_names(schema: Schema) -> set[tuple[str, str]]:
    """(schema, name) of every relation and type: a table's name must be free among both
    (its row type is a type of the same name)."""
    taken = {table.key for table in schema.tables}
    taken.update(view.key for view in schema.views)
    taken.update(sequence.key for sequence in schema.sequences)
    for kinds in (schema.enums, schema.domains, schema.composite_types):
        taken.update(kind.key for kind in kinds)
    for table in schema.tables:
        taken.update((table.schema, index.name) for index in table.indexes)
        taken.update((table.schema, unique.name) for unique in table.unique_constraints)
        if table.primary_key is not None:
            taken.add((table.schema, table.primary_key.name))
    for view in schema.views:
        taken.update((view.schema, index.name) for index in view.indexes)
    return taken


def _free_name(schema_name: str, taken: set[tuple[str, str]]) -> str:
    number = 0
    while (schema_name, f"{_PROBE_PREFIX}_{number}") in taken:
        number += 1
    return f"{_PROBE_PREFIX}_{number}"
