"""Undoing migrations: ``down`` runs down files on a database, ``drop`` deletes files.

``down`` runs each down file in one transaction with the removal of its tracking row, so a
migration is either still recorded and in place, or neither. A down file marked
``Transaction: no`` runs statement by statement and records its progress in the row
(status "partial-down"), so a stopped one neither claims to be applied nor is re-run from
its start. ``drop`` is for a migration
that was a mistake before it went anywhere, and refuses one a database has applied.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from puckdb.connect import connect, reporting_lost_connection
from puckdb.errors import PuckdbError, UsageError
from puckdb.migrations.advisory import migration_lock
from puckdb.migrations.apply import (
    DEFAULT_LOCK_TIMEOUT_SECONDS,
    DEFAULT_LOCK_WAIT_SECONDS,
    refuse_changed_history,
)
from puckdb.migrations.files import Migration, format_version
from puckdb.migrations.lockfile import verified_migrations, write_lock
from puckdb.migrations.resume import check_ran_unchanged
from puckdb.migrations.runner import (
    Blockers,
    BlockerWatch,
    InterruptedAtCommit,
    InterruptedByUserError,
    run_in_transaction,
    run_statements,
    session_lock_timeout,
)
from puckdb.migrations.sqltext import SqlStatement, statement_span
from puckdb.migrations.state import DatabaseState, database_state
from puckdb.migrations.status import applied_versions
from puckdb.migrations.tracking import (
    ensure_tracking_table,
    forget,
    read_applied,
    record_down_progress,
    statement_checksum,
)
from puckdb.protection import refuse_if_protected

_LOST_OUTCOME = (
    "`puckdb status` shows where the database stands: a down step in a transaction that did not "
    "commit left its migration applied, and one outside a transaction is recorded as partly rolled "
    "back; `puckdb down` continues from there."
)


class RollbackError(PuckdbError):
    """A down step or a drop that puckdb will not do as asked."""


@dataclass(frozen=True)
class RolledBack:
    migration: Migration
    seconds: float
    empty: bool = False
    """The down file has no statements (allowed with ``force``): only the record went."""
    resumed_at: int = 1
    """The 1-based down statement this run started with (above 1: a stopped down resumed)."""


def down(
    url: str,
    folder: Path,
    *,
    to: int | None = None,
    force: bool = False,
    confirm: Callable[[Migration, list[str]], bool] | None = None,
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
    lock_timeout_seconds: float | None = DEFAULT_LOCK_TIMEOUT_SECONDS,
    report: Callable[[RolledBack], None] = lambda event: None,
) -> list[RolledBack]:
    """Roll back the newest applied migration, or every one newer than ``to``.

    A down file whose header declares data loss runs only when ``confirm`` says yes (a
    terminal prompt) or with ``force``; so does an empty down file (it would undo nothing).
    A down file that runs outside a transaction records its progress, and a stopped one
    resumes where it stopped. A database marked protected (production) is refused.
    """
    refuse_if_protected(url, "down")
    migrations = verified_migrations(folder)
    done: list[RolledBack] = []
    running: _Step | None = None
    asking = False
    with connect(url, autocommit=True) as conn:
        try:
            with (
                reporting_lost_connection(conn, url, "preparing to roll back", _LOST_OUTCOME) as activity,
                migration_lock(conn, lock_wait_seconds),
                # As apply does: a lock timeout then names the sessions that held the lock.
                BlockerWatch(
                    url, conn.info.backend_pid, delay=min(0.5, (lock_timeout_seconds or 2.0) / 4)
                ) as watch,
            ):
                applied = read_applied(conn)
                if applied:
                    # A table made by an older puckdb lacks the columns a down's progress goes in.
                    ensure_tracking_table(conn)
                state = database_state(migrations, applied)
                for step in _steps(state, to, force):
                    activity.what = f"rolling back {step.migration.label}"
                    running, asking = step, True
                    _confirm_losses(step.migration, force, confirm)
                    asking = False
                    blockers = _blockers_within(watch, lock_timeout_seconds)
                    done.append(_roll_back(conn, step, lock_timeout_seconds, blockers))
                    running = None
                    report(done[-1])
        except KeyboardInterrupt as interrupt:
            message = _interrupted(conn, running, asking, done, interrupt)
            raise InterruptedByUserError(message) from interrupt
    return done


def _interrupted(
    conn: psycopg.Connection[Any],
    step: _Step | None,
    asking: bool,
    done: list[RolledBack],
    interrupt: KeyboardInterrupt,
) -> str:
    """What Ctrl-C left: which rollback it interrupted and in what state, as one paragraph."""
    before = (
        f" The {len(done)} migration(s) this run rolled back before it stay rolled back "
        f"({', '.join(d.migration.label for d in done)})."
        if done
        else ""
    )
    if step is None or asking:
        where = f"while asking about {step.migration.label}" if step is not None else "before a down file ran"
        return (
            f"`puckdb down` was interrupted (Ctrl-C) {where}: nothing was left half rolled back.{before} "
            "Run `puckdb down` again to roll back what is still applied."
        )
    label = step.migration.label
    if step.transactional:
        if isinstance(interrupt, InterruptedAtCommit):
            return (
                f"`puckdb down` was interrupted (Ctrl-C) while the transaction rolling back {label} "
                f"committed, so it may or may not have taken effect.{before} `puckdb status` shows whether "
                f"{label} is still recorded as applied; `puckdb down` rolls it back if it is."
            )
        return (
            f"`puckdb down` was interrupted (Ctrl-C) while rolling back {label}: its transaction was "
            f"rolled back, so {label} is still applied and recorded.{before} Run `puckdb down` again to "
            "roll it back."
        )
    total = len(step.statements)
    try:
        row = next((r for r in read_applied(conn) if r.version == step.migration.version), None)
    except psycopg.Error:
        row = None
    if row is None:
        state = "it is no longer recorded, so its down file had finished."
    elif row.down_statements_done is None:
        state = (
            f"none of its {total} down statements had run, so it is still applied. Run `puckdb down` again."
        )
    else:
        ran = row.down_statements_done
        state = (
            f"it is now partly rolled back, {ran} of {total} down statements done (down statement {ran + 1}, "
            f"line {step.statements[ran].line} of {step.down_path.name}, was running and was canceled). "
            f"Running `puckdb down` resumes it at down statement {ran + 1}; `puckdb apply` refuses until "
            "then."
        )
    return (
        f"`puckdb down` was interrupted (Ctrl-C) while rolling back {label}, whose down file runs outside a "
        f"transaction: {state}{before}"
    )


@dataclass(frozen=True)
class _Step:
    migration: Migration
    down_path: Path
    statements: list[SqlStatement]
    transactional: bool
    done: int
    """Down statements that already ran (a stopped down outside a transaction)."""


def _steps(state: DatabaseState, to: int | None, force: bool) -> list[_Step]:
    """The down steps to run, newest first, each checked before any runs."""
    refuse_changed_history(state)
    partial = state.having("partial")
    if partial:
        raise RollbackError(
            f"Migration {format_version(partial[0].version)}_{partial[0].name} stopped part-way (it runs "
            "outside a transaction). Finish it with `puckdb apply` before rolling anything back."
        )
    entries = list(reversed(state.having("applied", "partial-down")))
    chosen = entries[:1] if to is None else [e for e in entries if e.version > to]
    steps: list[_Step] = []
    for entry in chosen:
        assert entry.migration is not None and entry.record is not None
        migration = entry.migration
        if migration.down_path is None:
            raise RollbackError(
                f"{migration.path} has no down file ({migration.label}.down.sql), so puckdb cannot roll it "
                "back. Write the down file (the SQL that undoes the migration) and run the command again; "
                "nothing was rolled back."
            )
        header = migration.down_header()
        assert header is not None
        statements = migration.down_statements()
        if not statements and migration.statements and not force:
            raise RollbackError(
                f"{migration.down_path} has no statements, so rolling {migration.label} back would only "
                "delete its tracking row and leave everything it did in the database. Write the SQL that "
                "undoes it in the down file, or pass --force to remove the record anyway (for a migration "
                "whose effects you undid by hand). Nothing was rolled back."
            )
        ran = entry.record.down_statements_done or 0
        if ran:
            where = (
                f"{migration.down_path} stopped part-way on this database ({statement_span(1, ran)} ran, "
                "outside a transaction)"
            )
            if header.transactional:
                raise RollbackError(
                    f"{where}, and its header now says it runs in a transaction. What already ran cannot "
                    "be rolled back, so it must finish as it started: put back `-- Transaction: no` and run "
                    "the command again."
                )
            check_ran_unchanged(where, statements, entry.record.down_checksums[:ran], "")
        steps.append(_Step(migration, migration.down_path, statements, header.transactional, ran))
    return steps


def _confirm_losses(
    migration: Migration, force: bool, confirm: Callable[[Migration, list[str]], bool] | None
) -> None:
    header = migration.down_header()
    losses = [h.message for h in header.hazards if h.kind == "data-loss"] if header else []
    if not losses or force or (confirm is not None and confirm(migration, losses)):
        return
    raise UsageError(
        f"Rolling back {migration.label} loses data ({'; '.join(losses)}), and that needs a "
        "yes on a terminal or --force. Nothing was rolled back from here on."
        if confirm is None
        else f"Rolling back {migration.label} was declined. Nothing was rolled back from here on."
    )


def _blockers_within(watch: BlockerWatch, lock_timeout: float | None) -> Blockers:
    return lambda: watch.blockers(within=lock_timeout if lock_timeout is not None else 60.0)


def _roll_back(
    conn: psycopg.Connection[Any], step: _Step, lock_timeout: float | None, blockers: Blockers
) -> RolledBack:
    started = time.perf_counter()
    version = step.migration.version
    if step.transactional:
        run_in_transaction(
            conn,
            step.statements,
            step.down_path,
            then=lambda: forget(conn, version),
            lock_timeout_seconds=lock_timeout,
            blockers=blockers,
        )
    else:
        with session_lock_timeout(conn, lock_timeout):
            run_statements(
                conn,
                step.statements,
                step.down_path,
                first=step.done,
                after_each=lambda number: record_down_progress(
                    conn, version, number, statement_checksum(step.statements[number - 1].sql)
                ),
                rolled_back=False,
                atomic_progress=True,
                lock_timeout_seconds=lock_timeout,
                blockers=blockers,
            )
        forget(conn, version)
    return RolledBack(
        step.migration, time.perf_counter() - started, empty=not step.statements, resumed_at=step.done + 1
    )


def drop(
    folder: Path,
    version: int | None,
    target_url: Callable[[], str],
    *,
    force: bool = False,
) -> list[Migration]:
    """Delete the newest migration, or every migration from the newest down to ``version``;
    returns them newest first, the order they are deleted in.

    A migration the target database has applied is refused: its file is the record of
    what the database holds. ``force`` drops it anyway, unless that database is marked
    protected (production). ``target_url`` is called only when the database is needed
    (resolving it may create a branch or start the embedded server).
    """
    if force:
        refuse_if_protected(target_url(), "drop --force")
    migrations = verified_migrations(folder)
    if not migrations:
        raise RollbackError(f"There is no migration to drop in {folder}.")
    if version is None:
        doomed = migrations[-1:]
    else:
        if version not in {m.version for m in migrations}:
            raise RollbackError(
                f"There is no migration {format_version(version)} in {folder} (the newest is "
                f"{migrations[-1].label})."
            )
        doomed = [m for m in migrations if m.version >= version]
    if not force:
        applied = applied_versions(target_url())
        on_database = [m for m in doomed if m.version in applied]
        if on_database:
            raise RollbackError(
                f"{on_database[0].label} is applied on the target database, so dropping its file would "
                "leave the database with history the folder cannot explain. Roll it back first "
                "(`puckdb down`), or pass --force if that database is disposable."
            )
    for migration in reversed(doomed):
        if migration.down_path is not None:
            migration.down_path.unlink(missing_ok=True)
        migration.path.unlink()
    remaining = [m for m in migrations if m not in doomed]
    write_lock(folder, remaining)
    return doomed[::-1]
