"""Normalizing only the tables that changed since the last normalization.

Building a 500-table schema in a scratch database takes PostgreSQL seconds of catalog
work, twice (see the fixed point in :func:`puckdb.normalize.normalize_ddl`). After editing
a few tables, the rest are as they were: their normalized form is taken from the previous
result, and only the changed tables are built — next to the shared types and sequences,
and to *stubs* of the tables their foreign keys reference (columns and keys only, which is
all a foreign key needs).

The previous result is a *manifest*: the normalized schema plus a hash of each table's
DDL and of everything shared. It is used only when it is safe to: the shared part is
unchanged, no view reads a changed table (a view's printed form depends on its tables),
no unchanged table references a removed one, and at most half the tables changed
(otherwise a full build is as fast). Tables whose foreign keys reference a changed table
are rebuilt with it, so that PostgreSQL checks those references again. The oracle checks
that the result equals a full normalization.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Column, ForeignKeyConstraint, MetaData, Table, UniqueConstraint
from sqlalchemy.dialects import postgresql

from puckdb.model import Schema
from puckdb.normalize.ddl import TableKey, table_key
from puckdb.schema_cache import read_cached_object, write_cached_object


@dataclass(frozen=True)
class DdlUnits:
    """The schema code's DDL, split into what tables share and what each table owns."""

    shared: tuple[str, ...]
    """Schemas, extensions, types and sequences, in order (views are not included)."""
    views: tuple[str, ...]
    tables: dict[TableKey, tuple[str, ...]]
    """Each table's statements (CREATE TABLE, its indexes and comments), in create order."""
    references: dict[TableKey, frozenset[TableKey]]
    """The tables each table's foreign keys reference."""

    @property
    def shared_hash(self) -> str:
        return _hash([*self.shared, "--views--", *self.views])

    def table_hashes(self) -> dict[TableKey, str]:
        return {key: _hash(statements) for key, statements in self.tables.items()}


@dataclass(frozen=True)
class Manifest:
    shared_hash: str
    table_hashes: dict[TableKey, str]
    schema: Schema


def ddl_units(
    owned: Sequence[tuple[TableKey | None, str]],
    prelude: Sequence[str],
    views: Sequence[str],
    metadata: MetaData,
) -> DdlUnits:
    """From the pieces of :func:`puckdb.normalize.ddl.compile_metadata`: the prelude
    (schemas, extensions), ``create_all``'s statements with their tables, the views."""
    shared = list(prelude)
    tables: dict[TableKey, list[str]] = {}
    for owner, sql in owned:
        if owner is None:
            shared.append(sql)
        else:
            tables.setdefault(owner, []).append(sql)
    references = {
        table_key(table): frozenset(
            _referenced(constraint)
            for constraint in table.constraints
            if isinstance(constraint, ForeignKeyConstraint)
        )
        for table in metadata.tables.values()
    }
    return DdlUnits(tuple(shared), tuple(views), {k: tuple(v) for k, v in tables.items()}, references)


def _referenced(constraint: ForeignKeyConstraint) -> TableKey:
    target = constraint.elements[0].column.table
    assert isinstance(target, Table)
    return table_key(target)


def tables_to_rebuild(
    units: DdlUnits, metadata: MetaData, manifest: Manifest | None
) -> list[TableKey] | None:
    """The tables to rebuild (possibly none, when tables were only removed), or None when
    a full normalization is needed."""
    if manifest is None or manifest.shared_hash != units.shared_hash:
        return None
    hashes = units.table_hashes()
    changed = [key for key in units.tables if manifest.table_hashes.get(key) != hashes[key]]
    removed = set(manifest.table_hashes) - set(hashes)
    touched = set(changed) | removed
    if not touched:
        return []  # the same DDL in another order
    # An unchanged table whose foreign key references a changed one is rebuilt with it:
    # PostgreSQL must see that the key it references still exists (and what a stub
    # cannot tell, e.g. its type), or an invalid schema would pass until a migration fails.
    changed_set = set(changed)
    referrers = [
        key for key in units.tables if key not in changed_set and units.references[key] & changed_set
    ]
    rebuild = changed + referrers
    if len(rebuild) * 2 > len(hashes):
        return None
    if any(set(view.depends_on) & touched for view in manifest.schema.views):
        return None
    if any(table.partition_by is not None and table.key in touched for table in manifest.schema.tables):
        return None  # its partitions (declared apart, in the shared part) are built with it
    if any(
        (key.ref_schema, key.ref_table) in touched
        for table in manifest.schema.tables
        if table.partition_of is not None
        for key in table.foreign_keys
    ):
        return None  # a partition's own foreign key must see what it references still exists
    if any((trigger.schema, trigger.table) in touched for trigger in manifest.schema.triggers):
        return None  # its definition (UPDATE OF a column) is checked against the table
    secured = {t.key for t in manifest.schema.tables if t.rls_enabled or t.rls_forced}
    if touched & secured or any((p.schema, p.table) in touched for p in manifest.schema.policies):
        return None  # row security and policies are built with the views, not with their table
    if any(units.references[key] & removed for key in units.tables):
        return None  # a full build reports the broken reference properly
    return rebuild


def rebuild_statements(units: DdlUnits, metadata: MetaData, changed: Sequence[TableKey]) -> list[str]:
    """Shared statements, stubs of the referenced tables, then the changed tables."""
    changed_set = set(changed)
    context = sorted({ref for key in changed for ref in units.references[key]} - changed_set)
    by_key = {table_key(table): table for table in metadata.tables.values()}
    statements = list(units.shared)
    for key in context:
        statements.extend(stub_statements(by_key[key]))
    for key in units.tables:  # create order: referenced tables first
        if key in changed_set:
            statements.extend(units.tables[key])
    return statements


def stub_statements(table: Table) -> list[str]:
    """A table with the same columns and keys, nothing else: enough to be referenced."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    quote = dialect.identifier_preparer.quote
    name = f"{quote(table.schema or 'public')}.{quote(table.name)}"
    columns = ", ".join(f"{quote(c.name)} {c.type.compile(dialect=dialect)}" for c in table.columns)
    statements = [f"CREATE TABLE {name} ({columns})"]

    def listed(cols: Sequence[Column[object]]) -> str:
        return ", ".join(quote(c.name) for c in cols)

    if table.primary_key.columns:
        statements.append(f"ALTER TABLE {name} ADD PRIMARY KEY ({listed(list(table.primary_key.columns))})")
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.columns:
            statements.append(f"ALTER TABLE {name} ADD UNIQUE ({listed(list(constraint.columns))})")
    for index in table.indexes:
        plain = all(isinstance(e, Column) for e in index.expressions)
        if index.unique and plain and index.dialect_options["postgresql"].get("where") is None:
            statements.append(f"CREATE UNIQUE INDEX ON {name} ({listed(list(index.columns))})")
    return statements


def merge(manifest: Manifest, rebuilt: Schema, changed: Sequence[TableKey], units: DdlUnits) -> Schema:
    """The previous schema with the changed tables (and their serial sequences) replaced
    and the removed ones gone."""
    current = set(units.tables)
    replaced = set(changed)
    # Partitions are no tables of the MetaData: they stay as long as their parent does
    # (a changed parent means a full build).
    keep = [
        t
        for t in manifest.schema.tables
        if ((t.schema, t.name) in current or t.partition_of is not None)
        and (t.schema, t.name) not in replaced
    ]
    fresh = [t for t in rebuilt.tables if (t.schema, t.name) in replaced]

    def owned_by_kept(sequence_schema: str, owner: tuple[str, str] | None) -> bool:
        return owner is None or (
            (sequence_schema, owner[0]) in current and (sequence_schema, owner[0]) not in replaced
        )

    sequences = [s for s in manifest.schema.sequences if owned_by_kept(s.schema, s.owned_by)]
    sequences += [
        s for s in rebuilt.sequences if s.owned_by is not None and (s.schema, s.owned_by[0]) in replaced
    ]
    return replace(manifest.schema, tables=tuple(keep + fresh), sequences=tuple(sequences))


def manifest_path(cache_dir: Path, server_key: str, schemas: Sequence[str]) -> tuple[Path, str]:
    key = hashlib.sha256(json.dumps({"server": server_key, "schemas": list(schemas)}).encode()).hexdigest()
    return cache_dir, f"manifest-{key[:24]}"


def read_manifest(cache_dir: Path | None, server_key: str, schemas: Sequence[str]) -> Manifest | None:
    if cache_dir is None:
        return None
    folder, name = manifest_path(cache_dir, server_key, schemas)
    found = read_cached_object(folder, name)
    return found if isinstance(found, Manifest) else None


def write_manifest(
    cache_dir: Path | None, server_key: str, schemas: Sequence[str], units: DdlUnits, schema: Schema
) -> None:
    if cache_dir is None:
        return
    folder, name = manifest_path(cache_dir, server_key, schemas)
    write_cached_object(folder, name, Manifest(units.shared_hash, units.table_hashes(), schema))


def _hash(statements: Sequence[str]) -> str:
    return hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()
