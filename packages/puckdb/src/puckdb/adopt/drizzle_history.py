"""What a database applied under drizzle-kit, and what drizzle silently skipped.

``drizzle.__drizzle_migrations`` holds one row per applied migration: the sha256 of the
file's text and the journal's ``when``. drizzle's applier runs a migration only when its
``when`` is newer than the newest recorded one — so a migration with an older timestamp
(a hand-written one, or one from a branch merged late) is skipped while ``migrate``
reports success. Rows are matched to files by hash here, never by timestamp, and every
migration older than the newest recorded one but not recorded itself is reported, with
whether its effects are in the database anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

from puckdb.adopt.drizzle_folder import DrizzleMigration
from puckdb.engine import migration_plan
from puckdb.migrations.files import Migration
from puckdb.migrations.shadow import migrations_schema
from puckdb.model import Schema
from puckdb.normalize.scratch import DevServer

Effects = Literal["present", "absent", "unclear"]


@dataclass(frozen=True)
class DrizzleRecord:
    id: int
    hash: str
    created_at: int


@dataclass(frozen=True)
class SkippedMigration:
    migration: DrizzleMigration
    effects: Effects
    """present: the database holds what it does (someone ran it by hand): mark it applied;
    absent: it never ran: apply it; unclear: the database matches neither."""


@dataclass(frozen=True)
class DrizzleHistory:
    applied: tuple[DrizzleMigration, ...]
    """Migrations the database recorded (matched by hash)."""
    skipped: tuple[SkippedMigration, ...]
    not_yet: tuple[DrizzleMigration, ...]
    """Newer than every recorded one: drizzle itself would apply them next."""
    unmatched: tuple[DrizzleRecord, ...]
    """Rows whose hash matches no file (edited or lost migrations)."""


def read_drizzle_records(conn: psycopg.Connection[Any]) -> list[DrizzleRecord] | None:
    """The rows of ``drizzle.__drizzle_migrations``; None when the table does not exist."""
    exists = conn.execute("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    query = "SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id"
    rows = conn.execute(query).fetchall()
    return [DrizzleRecord(int(row[0]), str(row[1]), int(row[2] or 0)) for row in rows]


def classify(
    migrations: Sequence[DrizzleMigration],
    records: Sequence[DrizzleRecord],
    live: Schema,
    puckdb_migrations: Sequence[Migration],
    server: DevServer,
    schemas: Sequence[str],
) -> DrizzleHistory:
    by_hash = {record.hash: record for record in records}
    applied = [m for m in migrations if m.checksum in by_hash]
    matched = {m.checksum for m in applied}
    unmatched = tuple(r for r in records if r.hash not in matched)
    newest = max((r.created_at for r in records), default=None)
    missing = [m for m in migrations if m.checksum not in by_hash]
    skipped_ones = [m for m in missing if newest is not None and m.when <= newest]
    not_yet = tuple(m for m in missing if m not in skipped_ones)

    by_version = {m.version: m for m in puckdb_migrations}
    applied_versions = {m.version for m in applied}
    skipped: list[SkippedMigration] = []
    for migration in skipped_ones:
        without = [by_version[v] for v in sorted(applied_versions)]
        with_it = [by_version[v] for v in sorted(applied_versions | {migration.version})]
        skipped.append(SkippedMigration(migration, _effects(live, without, with_it, server, schemas)))
    return DrizzleHistory(tuple(applied), tuple(skipped), not_yet, unmatched)


def _effects(
    live: Schema,
    without: Sequence[Migration],
    with_it: Sequence[Migration],
    server: DevServer,
    schemas: Sequence[str],
) -> Effects:
    """Compare the live database with the states the recorded migrations build, with and
    without the skipped one (replayed in shadow databases)."""
    if migration_plan(live, migrations_schema(with_it, server, schemas=schemas)).is_empty:
        return "present"
    if migration_plan(live, migrations_schema(without, server, schemas=schemas)).is_empty:
        return "absent"
    return "unclear"
