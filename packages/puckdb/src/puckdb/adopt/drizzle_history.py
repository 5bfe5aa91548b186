"""What a database applied under drizzle-kit, and what drizzle silently skipped.

``drizzle.__drizzle_migrations`` (or the table drizzle.config.ts names, see
:mod:`puckdb.adopt.history_table`) holds one row per applied migration: the sha256 of the
file's text and the journal's ``when``. drizzle's applier runs a migration only when its
``when`` is newer than the newest recorded one — so a migration with an older timestamp
(a hand-written one, or one from a branch merged late) is skipped while ``migrate``
reports success. Rows are matched to files by hash here, never by timestamp, and every
migration older than the newest recorded one but not recorded itself is reported, with
whether its effects are in the database anyway.

The schema can only witness DDL. A migration that only writes rows (a backfill ``UPDATE``,
a seed ``INSERT``) builds the same schema with or without it, so no comparison can say
whether it ran: it is reported as ``no-schema-effect``, never as ``present`` (marking a
backfill applied without running it is the failure this module exists to prevent), and
every skipped migration carries its data statements for the user to check.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from psycopg import sql

from puckdb.adopt.data_changes import data_statements
from puckdb.adopt.drizzle_folder import DrizzleMigration
from puckdb.adopt.history_table import DEFAULT_TABLE, HistoryTable, history_table_exists
from puckdb.engine import migration_plan
from puckdb.ignored import without_ignored
from puckdb.migrations.files import Migration
from puckdb.migrations.shadow import migrations_schema
from puckdb.model import Schema
from puckdb.normalize.scratch import DevServer

Effects = Literal["present", "absent", "unclear", "no-schema-effect"]


@dataclass(frozen=True)
class DrizzleRecord:
    id: int
    hash: str
    created_at: int


@dataclass(frozen=True)
class SkippedMigration:
    migration: DrizzleMigration
    effects: Effects
    """present: the database holds the schema it builds (someone ran it by hand);
    absent: the schema is as if it never ran; unclear: the database matches neither;
    no-schema-effect: it builds no schema change, so the schema cannot tell."""
    data_statements: tuple[str, ...] = ()
    """The first lines of its statements that write rows (INSERT, UPDATE, DELETE, COPY, DO …):
    whether those ran is visible only in the data."""


@dataclass(frozen=True)
class DrizzleHistory:
    applied: tuple[DrizzleMigration, ...]
    """Migrations the database recorded (matched by hash)."""
    skipped: tuple[SkippedMigration, ...]
    not_yet: tuple[DrizzleMigration, ...]
    """Newer than every recorded one: drizzle itself would apply them next."""
    unmatched: tuple[DrizzleRecord, ...]
    """Rows whose hash matches no file (edited or lost migrations)."""


def read_drizzle_records(
    conn: psycopg.Connection[Any], table: HistoryTable = DEFAULT_TABLE
) -> list[DrizzleRecord] | None:
    """The rows of drizzle's applied-migrations ``table``; None when it does not exist."""
    if not history_table_exists(conn, table):
        return None
    query = sql.SQL("SELECT id, hash, created_at FROM {} ORDER BY id").format(sql.Identifier(*table))
    rows = conn.execute(query).fetchall()
    return [DrizzleRecord(int(row[0]), str(row[1]), int(row[2] or 0)) for row in rows]


def classify(
    migrations: Sequence[DrizzleMigration],
    records: Sequence[DrizzleRecord],
    live: Schema,
    puckdb_migrations: Sequence[Migration],
    server: DevServer,
    schemas: Sequence[str],
    *,
    settled: Set[str] = frozenset(),
    ignore_tables: Sequence[str] = (),
) -> DrizzleHistory:
    """Match ``records`` to ``migrations`` by hash. ``settled`` holds the checksums puckdb
    already records as applied: a skipped one among them was dealt with, not reported.
    Tables ``ignore_tables`` matches are left out of every schema comparison."""
    by_hash = {record.hash: record for record in records}
    applied = [m for m in migrations if m.checksum in by_hash]
    matched = {m.checksum for m in applied}
    unmatched = tuple(r for r in records if r.hash not in matched)
    newest = max((r.created_at for r in records), default=None)
    missing = [m for m in migrations if m.checksum not in by_hash and m.checksum not in settled]
    skipped_ones = [m for m in missing if newest is not None and m.when <= newest]
    not_yet = tuple(m for m in missing if m not in skipped_ones)

    by_version = {m.version: m for m in puckdb_migrations}
    applied_versions = {m.version for m in applied}
    skipped: list[SkippedMigration] = []
    for migration in skipped_ones:
        without = [by_version[v] for v in sorted(applied_versions)]
        with_it = [by_version[v] for v in sorted(applied_versions | {migration.version})]
        effects = _effects(live, without, with_it, server, schemas, ignore_tables)
        text = migration.path.read_text(encoding="utf-8")
        skipped.append(SkippedMigration(migration, effects, data_statements(text)))
    return DrizzleHistory(tuple(applied), tuple(skipped), not_yet, unmatched)


def _effects(
    live: Schema,
    without: Sequence[Migration],
    with_it: Sequence[Migration],
    server: DevServer,
    schemas: Sequence[str],
    ignore_tables: Sequence[str],
) -> Effects:
    """Compare the live database with the states the recorded migrations build, with and
    without the skipped one (replayed in shadow databases)."""
    live = without_ignored(live, ignore_tables)
    state_with = without_ignored(migrations_schema(with_it, server, schemas=schemas), ignore_tables)
    state_without = without_ignored(migrations_schema(without, server, schemas=schemas), ignore_tables)
    if migration_plan(state_without, state_with).is_empty:
        return "no-schema-effect"
    if migration_plan(live, state_with).is_empty:
        return "present"
    if migration_plan(live, state_without).is_empty:
        return "absent"
    return "unclear"
