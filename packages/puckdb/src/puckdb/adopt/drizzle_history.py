"""What a database applied under drizzle-kit, and what drizzle silently skipped.

``drizzle.__drizzle_migrations`` (or the table drizzle.config.ts names, see
:mod:`puckdb.adopt.history_table`) holds one row per applied migration: the sha256 of the
file's text and the journal's ``when``. drizzle's applier runs a migration only when its
``when`` is newer than the newest recorded one — so a migration with an older timestamp
(a hand-written one, or one from a branch merged late) is skipped while ``migrate``
reports success. Rows are matched to files by hash here, never by timestamp, and every
migration older than the newest recorded one but not recorded itself is reported, with
whether its effects are in the database anyway.

Whether they are is decided at the migration's own position in the folder: the state the
migrations before it build is replayed in a shadow database, then the skipped file one
statement at a time, and each statement's effect (the difference between the states before
and after it) is looked for in the live database. Comparing whole states instead would be
fooled by a later migration that repeated the skipped one's DDL with ``IF NOT EXISTS``
(StudyPuck's 0007 did): replayed after it, the skipped file changes nothing, yet running
it on the database fails.

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
from puckdb.migrations.shadow import statement_states
from puckdb.model import Schema
from puckdb.normalize.scratch import DevServer

Effects = Literal["present", "absent", "partly", "no-schema-effect"]
StatementEffects = Literal["present", "absent", "partly", "none"]


@dataclass(frozen=True)
class DrizzleRecord:
    id: int
    hash: str
    created_at: int


@dataclass(frozen=True)
class StatementEffect:
    number: int
    """1-based, in the file."""
    line: int
    first_line: str
    effects: StatementEffects
    """present / absent: what the statement changes is in the live database, or not;
    partly: the objects it changes are there, but not as it leaves them; none: it changes
    no schema (data, or nothing left to do at its position)."""

    @property
    def label(self) -> str:
        return f"statement {self.number} (line {self.line}: {self.first_line})"


@dataclass(frozen=True)
class SkippedMigration:
    migration: DrizzleMigration
    effects: Effects
    """present: the database holds what each of its statements does (someone ran it by
    hand, or a later migration repeated it); absent: none of it; partly: some statements'
    effects are there and others' are not (see ``statements``); no-schema-effect: it
    changes no schema, so the schema cannot tell."""
    statements: tuple[StatementEffect, ...] = ()
    """Each statement's verdict, in file order."""
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
    extensions: Sequence[str] = (),
) -> DrizzleHistory:
    """Match ``records`` to ``migrations`` by hash. ``settled`` holds the checksums puckdb
    already records as applied: a skipped one among them was dealt with, not reported.
    Tables ``ignore_tables`` matches are left out of every schema comparison; ``extensions``
    are created in the shadow databases before any migration replays."""
    by_hash = {record.hash: record for record in records}
    applied = [m for m in migrations if m.checksum in by_hash]
    matched = {m.checksum for m in applied}
    unmatched = tuple(r for r in records if r.hash not in matched)
    newest = max((r.created_at for r in records), default=None)
    missing = [m for m in migrations if m.checksum not in by_hash and m.checksum not in settled]
    skipped_ones = [m for m in missing if newest is not None and m.when <= newest]
    not_yet = tuple(m for m in missing if m not in skipped_ones)

    live = without_ignored(live, ignore_tables)
    ordered = sorted(puckdb_migrations, key=lambda m: m.version)
    skipped: list[SkippedMigration] = []
    for migration in skipped_ones:
        position = next(i for i, m in enumerate(ordered) if m.version == migration.version)
        states = statement_states(
            ordered[:position], ordered[position], server, schemas=schemas, extensions=extensions
        )
        verdicts = _statement_effects(
            live, [without_ignored(s, ignore_tables) for s in states], ordered[position]
        )
        text = migration.path.read_text(encoding="utf-8")
        skipped.append(SkippedMigration(migration, _overall(verdicts), verdicts, data_statements(text)))
    return DrizzleHistory(tuple(applied), tuple(skipped), not_yet, unmatched)


def _statement_effects(
    live: Schema, states: Sequence[Schema], migration: Migration
) -> tuple[StatementEffect, ...]:
    """Each statement's effect looked for in ``live``. ``states[i]`` is the state after
    statement ``i`` (``states[0]``: before the first). What would turn the live database
    into the state before a statement, and not into the one after it, undoes the
    statement's effect: it is there. What turns it into the state after and not into the
    one before is its effect still to be done: it is not. Everything else the database and
    the folder disagree on (later migrations, drift) is in both and cancels out."""
    towards = [{statement.sql for statement in migration_plan(live, state).statements} for state in states]
    verdicts: list[StatementEffect] = []
    for number, statement in enumerate(migration.statements, start=1):
        undoes = towards[number - 1] - towards[number]
        does = towards[number] - towards[number - 1]
        effects: StatementEffects = (
            "partly" if undoes and does else "present" if undoes else "absent" if does else "none"
        )
        first_line = statement.sql.strip().splitlines()[0].strip() if statement.sql.strip() else ""
        verdicts.append(StatementEffect(number, statement.line, first_line, effects))
    return tuple(verdicts)


def _overall(verdicts: Sequence[StatementEffect]) -> Effects:
    seen = {v.effects for v in verdicts} - {"none"}
    if not seen:
        return "no-schema-effect"
    if seen == {"present"}:
        return "present"
    if seen == {"absent"}:
        return "absent"
    return "partly"
