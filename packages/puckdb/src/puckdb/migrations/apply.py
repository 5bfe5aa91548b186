"""``apply``: run pending migrations in order, each in its own transaction with its row.

Under the migration lock the tracking table is read again, so concurrent runs apply each
migration exactly once: whoever gets the lock second finds the work done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

from puckdb.connect import connect, reporting_lost_connection
from puckdb.errors import PuckdbError, UsageError
from puckdb.migrations.advisory import migration_lock
from puckdb.migrations.concurrent_index import concurrent_index, index_validity, invalid_index_advice
from puckdb.migrations.files import Migration, MigrationsFolderError, format_version
from puckdb.migrations.lockfile import verified_migrations
from puckdb.migrations.resume import Resume, resumes
from puckdb.migrations.runner import (
    Blockers,
    BlockerWatch,
    InterruptedAtCommit,
    InterruptedByUserError,
    run_in_transaction,
    run_statements,
    session_lock_timeout,
)
from puckdb.migrations.state import DatabaseState, database_state
from puckdb.migrations.tracking import (
    ensure_tracking_table,
    forget,
    read_applied,
    record_applied,
    record_finished,
    record_progress,
    record_resumed,
    record_started,
    statement_checksum,
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
    resume_at: Mapping[int, int] = field(default_factory=dict)
    """Version → the 1-based statement a stopped migration resumes at."""


_LOST_OUTCOME = (
    "`puckdb status` shows what is recorded: a migration that committed is recorded, one in a "
    "transaction that did not commit is not, and one that runs outside a transaction is recorded as "
    "partial; `puckdb apply` continues from there."
)


class NoSuchMigrationError(UsageError):
    """``--to`` names a migration number the folder does not have."""


class PartlyRolledBackError(PuckdbError):
    """A down file that runs outside a transaction stopped part-way."""


def apply_migrations(
    url: str,
    folder: Path,
    options: ApplyOptions = ApplyOptions(),
    report: Callable[[ApplyEvent], None] = lambda event: None,
) -> ApplyResult:
    started = time.perf_counter()
    migrations = verified_migrations(folder)
    refuse_unknown_target(migrations, options.to)
    with connect(url, autocommit=True) as conn:
        if options.dry_run:
            state = database_state(migrations, read_applied(conn))
            planned, resumes = _planned(state, migrations, options.to)
            return ApplyResult(
                (),
                tuple(planned),
                len(state.having("applied")),
                time.perf_counter() - started,
                {v: r.statements_done + 1 for v, r in resumes.items()},
            )
        done: list[MigrationApplied] = []
        running: Migration | None = None
        try:
            # Statements report a broken connection themselves (naming the statement); this
            # covers the bookkeeping around them (the lock, the tracking rows).
            with (
                reporting_lost_connection(conn, url, "preparing to apply", _LOST_OUTCOME) as activity,
                migration_lock(conn, options.lock_wait_seconds),
                BlockerWatch(
                    url, conn.info.backend_pid, delay=min(0.5, options.lock_timeout_seconds / 4)
                ) as watch,
            ):
                ensure_tracking_table(conn)
                state = database_state(migrations, read_applied(conn))
                planned, resumes = _planned(state, migrations, options.to)
                for migration in planned:
                    activity.what = f"applying {migration.label}"
                    resume = resumes.get(migration.version)
                    running = migration
                    report(MigrationStarted(migration, (resume.statements_done if resume else 0) + 1))
                    done.append(
                        _apply_one(
                            conn,
                            migration,
                            resume,
                            options.lock_timeout_seconds,
                            lambda: watch.blockers(within=options.lock_timeout_seconds),
                        )
                    )
                    running = None
                    report(done[-1])
        except KeyboardInterrupt as interrupt:
            raise InterruptedByUserError(_interrupted(conn, running, done, interrupt)) from interrupt
    return ApplyResult(
        tuple(done), tuple(planned), len(state.having("applied")), time.perf_counter() - started
    )


def _planned(
    state: DatabaseState, migrations: Sequence[Migration], to: int | None
) -> tuple[list[Migration], dict[int, Resume]]:
    refuse_changed_history(state)
    refuse_partly_rolled_back(state)
    planned = [m for m in state.to_apply if to is None or m.version <= to]
    for migration in planned:  # refused before anything runs, not when its turn comes
        if migration.unreadable is not None:
            raise MigrationsFolderError(migration.unreadable)
    found = resumes(state)
    return planned, {m.version: found[m.version] for m in planned if m.version in found}


def refuse_unknown_target(migrations: Sequence[Migration], to: int | None) -> None:
    """``--to`` must name a migration of the folder (checked before touching the database)."""
    if to is not None and to not in {m.version for m in migrations}:
        known = (
            f"its migrations are {migrations[0].label} to {migrations[-1].label}"
            if migrations
            else "it holds no migrations"
        )
        folder = migrations[0].path.parent if migrations else "the migrations folder"
        raise NoSuchMigrationError(
            f"--to {format_version(to)}: there is no migration {format_version(to)} in {folder} ({known}). "
            "--to takes the number of the last migration to apply; `puckdb status` lists them."
        )


def refuse_partly_rolled_back(state: DatabaseState) -> None:
    for entry in state.having("partial-down"):
        assert entry.record is not None and entry.record.down_statements_done is not None
        raise PartlyRolledBackError(
            f"Migration {format_version(entry.version)}_{entry.name} is partly rolled back on this "
            f"database: its down file runs outside a transaction and stopped after statement "
            f"{entry.record.down_statements_done}. Finish the rollback with `puckdb down` (it resumes there) "
            "before applying anything; then `puckdb apply` applies it again."
        )


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


def _interrupted(
    conn: psycopg.Connection[Any],
    migration: Migration | None,
    done: Sequence[MigrationApplied],
    interrupt: KeyboardInterrupt,
) -> str:
    """What Ctrl-C left: which migration it interrupted and in what state, as one paragraph."""
    before = (
        f" The {len(done)} migration(s) this run applied before it stay applied "
        f"({', '.join(d.migration.label for d in done)})."
        if done
        else ""
    )
    if migration is None:
        where = "between two migrations" if done else "before it began to apply a migration"
        return (
            f"`puckdb apply` was interrupted (Ctrl-C) {where}: no migration was left half done.{before} "
            "Run `puckdb apply` again to apply what is still pending."
        )
    label = migration.label
    if migration.header.transactional:
        if isinstance(interrupt, InterruptedAtCommit):
            return (
                f"`puckdb apply` was interrupted (Ctrl-C) while the transaction of {label} committed, so "
                f"it may or may not have taken effect.{before} `puckdb status` shows whether it is recorded "
                "(its row commits with it); `puckdb apply` applies it if it is not."
            )
        return (
            f"`puckdb apply` was interrupted (Ctrl-C) while applying {label}: its transaction was rolled "
            f"back, so nothing of it was applied or recorded.{before} Run `puckdb apply` to apply it "
            "(and what follows it)."
        )
    return (
        f"`puckdb apply` was interrupted (Ctrl-C) while applying {label}, which runs outside a "
        f"transaction: {_progress_left(conn, migration)}{before}"
    )


def _progress_left(conn: psycopg.Connection[Any], migration: Migration) -> str:
    """How far an interrupted migration outside a transaction got, read from its row."""
    statements = migration.statements
    try:
        row = next((r for r in read_applied(conn) if r.version == migration.version), None)
    except psycopg.Error:
        return (
            "it stopped part-way and puckdb could not read how far it got; `puckdb status` shows it and "
            "`puckdb apply` resumes it."
        )
    if row is None:
        return "none of its statements had run. Run `puckdb apply` to apply it."
    if row.finished:
        return "all its statements had run and it is recorded as applied."
    ran = row.statements_done
    statement = statements[ran]
    left = (
        f"it is now partial, {ran} of {len(statements)} statements done (statement {ran + 1}, line "
        f"{statement.line}, was running and was canceled). Running `puckdb apply` resumes it at statement "
        f"{ran + 1}."
    )
    index = concurrent_index(statement.sql)
    try:
        invalid = index is not None and index_validity(conn, index) is False
    except psycopg.Error:
        invalid = False
    if invalid and index is not None:
        left += " " + invalid_index_advice(index)
    return left


def _apply_one(
    conn: psycopg.Connection[Any],
    migration: Migration,
    resume: Resume | None,
    lock_timeout: float,
    blockers: Blockers,
) -> MigrationApplied:
    statements = migration.statements
    started = time.perf_counter()
    resume_at = resume.statements_done if resume is not None else 0
    if migration.header.transactional:

        def record() -> None:
            if resume is not None:  # a stopped run that ran nothing; its file is now transactional
                forget(conn, migration.version)
            record_applied(
                conn,
                migration.version,
                migration.name,
                migration.checksum,
                timedelta(seconds=time.perf_counter() - started),
            )

        run_in_transaction(
            conn,
            statements,
            migration.path,
            then=record,
            lock_timeout_seconds=lock_timeout,
            blockers=blockers,
        )
    else:
        record_started(conn, migration.version, migration.name, migration.checksum)
        if resume is not None and resume.file_changed:
            record_resumed(conn, migration.version, migration.name, migration.checksum)
        with session_lock_timeout(conn, lock_timeout):
            run_statements(
                conn,
                statements,
                migration.path,
                first=resume_at,
                after_each=lambda number: record_progress(
                    conn, migration.version, number, statement_checksum(statements[number - 1].sql)
                ),
                rolled_back=False,
                atomic_progress=True,
                lock_timeout_seconds=lock_timeout,
                blockers=blockers,
            )
        record_finished(conn, migration.version, timedelta(seconds=time.perf_counter() - started))
    return MigrationApplied(migration, time.perf_counter() - started, len(statements) - resume_at)


def pending_count(migrations: Sequence[Migration], url: str) -> int:
    with connect(url, autocommit=True) as conn:
        return len(database_state(migrations, read_applied(conn)).to_apply)
