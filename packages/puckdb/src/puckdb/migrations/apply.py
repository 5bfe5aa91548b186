"""``apply``: run pending migrations in order, each in its own transaction with its row.

Under the migration lock the tracking table is read again, so concurrent runs apply each
migration exactly once: whoever gets the lock second finds the work done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

from puckdb.connect import connect
from puckdb.errors import PuckdbError
from puckdb.migrations.advisory import migration_lock
from puckdb.migrations.files import Migration, format_version
from puckdb.migrations.lockfile import verified_migrations
from puckdb.migrations.runner import run_in_transaction, run_statements
from puckdb.migrations.state import DatabaseState, database_state
from puckdb.migrations.tracking import (
    ensure_tracking_table,
    read_applied,
    record_applied,
    record_finished,
    record_progress,
    record_started,
)

DEFAULT_LOCK_WAIT_SECONDS = 60.0
DEFAULT_LOCK_TIMEOUT_SECONDS = 10.0


class AppliedMigrationChangedError(PuckdbError):
    """An applied migration's file changed, or an applied migration has no file."""


@dataclass(frozen=True)
class ApplyOptions:
    to: int | None = None
    dry_run: bool = False
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS


@dataclass(frozen=True)
class MigrationStarted:
    migration: Migration
    resume_at: int
    """1-based statement a resumed run starts with (1 for a fresh start)."""


@dataclass(frozen=True)
class MigrationApplied:
    migration: Migration
    seconds: float
    statements: int


ApplyEvent = MigrationStarted | MigrationApplied


@dataclass(frozen=True)
class ApplyResult:
    applied: tuple[MigrationApplied, ...]
    planned: tuple[Migration, ...]
    """What was (or, with --dry-run, would be) applied."""
    already_applied: int
    seconds: float


def apply_migrations(
    url: str,
    folder: Path,
    options: ApplyOptions = ApplyOptions(),
    report: Callable[[ApplyEvent], None] = lambda event: None,
) -> ApplyResult:
    started = time.perf_counter()
    migrations = verified_migrations(folder)
    with connect(url, autocommit=True) as conn:
        if options.dry_run:
            state = database_state(migrations, read_applied(conn))
            planned = _planned(state, options.to)
            return ApplyResult(
                (), tuple(planned), len(state.having("applied")), time.perf_counter() - started
            )
        with migration_lock(conn, options.lock_wait_seconds):
            ensure_tracking_table(conn)
            state = database_state(migrations, read_applied(conn))
            planned = _planned(state, options.to)
            done: list[MigrationApplied] = []
            for migration in planned:
                resume_at = _resume_point(state, migration)
                report(MigrationStarted(migration, resume_at + 1))
                done.append(_apply_one(conn, migration, resume_at, options.lock_timeout_seconds))
                report(done[-1])
    return ApplyResult(
        tuple(done), tuple(planned), len(state.having("applied")), time.perf_counter() - started
    )


def _planned(state: DatabaseState, to: int | None) -> list[Migration]:
    refuse_changed_history(state)
    return [m for m in state.to_apply if to is None or m.version <= to]


def refuse_changed_history(state: DatabaseState) -> None:
    """Raise when an applied migration's file changed or disappeared: what the database
    holds is then no longer described by the folder."""
    modified = state.having("modified")
    if modified:
        entry = modified[0]
        assert entry.migration is not None and entry.record is not None
        raise AppliedMigrationChangedError(
            f"{entry.migration.path} was changed after it was applied to this database (applied "
            f"{entry.record.applied_at:%Y-%m-%d %H:%M} with checksum {entry.record.checksum[:12]}…, the "
            f"file's is now {entry.migration.checksum[:12]}…). An applied migration must not change: restore "
            "it from git and put the change in a new migration (`puckdb generate`)."
        )
    unknown = state.having("unknown")
    if unknown:
        entry = unknown[0]
        raise AppliedMigrationChangedError(
            f"This database has applied migration {format_version(entry.version)}_{entry.name}, but the "
            "migrations folder has no such file (deleted, renumbered, or this checkout is behind). "
            "Restore the file from git, or check out the branch it came from; puckdb will not apply "
            "anything on top of a history it cannot see."
        )


def _resume_point(state: DatabaseState, migration: Migration) -> int:
    for entry in state.having("partial"):
        if entry.version == migration.version and entry.record is not None:
            return entry.record.statements_done
    return 0


def _apply_one(
    conn: psycopg.Connection[Any], migration: Migration, resume_at: int, lock_timeout: float
) -> MigrationApplied:
    statements = migration.statements
    started = time.perf_counter()
    if migration.header.transactional:
        run_in_transaction(
            conn,
            statements,
            migration.path,
            then=lambda: record_applied(
                conn,
                migration.version,
                migration.name,
                migration.checksum,
                timedelta(seconds=time.perf_counter() - started),
            ),
            lock_timeout_seconds=lock_timeout,
        )
    else:
        record_started(conn, migration.version, migration.name, migration.checksum)
        conn.execute(f"SET lock_timeout = '{int(lock_timeout * 1000)}ms'")
        try:
            run_statements(
                conn,
                statements,
                migration.path,
                first=resume_at,
                after_each=lambda number: record_progress(conn, migration.version, number),
                rolled_back=False,
                lock_timeout_seconds=lock_timeout,
            )
        finally:
            if not conn.broken:
                conn.execute("RESET lock_timeout")
        record_finished(conn, migration.version, timedelta(seconds=time.perf_counter() - started))
    return MigrationApplied(migration, time.perf_counter() - started, len(statements) - resume_at)


def pending_count(migrations: Sequence[Migration], url: str) -> int:
    with connect(url, autocommit=True) as conn:
        return len(database_state(migrations, read_applied(conn)).to_apply)
