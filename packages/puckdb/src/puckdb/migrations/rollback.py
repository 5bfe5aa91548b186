"""Undoing migrations: ``down`` runs down files on a database, ``drop`` deletes files.

``down`` runs each down file in one transaction with the removal of its tracking row, so a
migration is either still recorded and in place, or neither. ``drop`` is for a migration
that was a mistake before it went anywhere, and refuses one a database has applied.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from puckdb.connect import connect
from puckdb.errors import PuckdbError, UsageError
from puckdb.migrations.advisory import migration_lock
from puckdb.migrations.apply import DEFAULT_LOCK_WAIT_SECONDS, refuse_changed_history
from puckdb.migrations.files import Migration, format_version
from puckdb.migrations.lockfile import verified_migrations, write_lock
from puckdb.migrations.runner import run_statements
from puckdb.migrations.state import database_state
from puckdb.migrations.tracking import forget, read_applied


class RollbackError(PuckdbError):
    """A down step or a drop that puckdb will not do as asked."""


@dataclass(frozen=True)
class RolledBack:
    migration: Migration
    seconds: float


def down(
    url: str,
    folder: Path,
    *,
    to: int | None = None,
    force: bool = False,
    confirm: Callable[[Migration, list[str]], bool] | None = None,
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
    report: Callable[[RolledBack], None] = lambda event: None,
) -> list[RolledBack]:
    """Roll back the newest applied migration, or every one newer than ``to``.

    A down file whose header declares data loss runs only when ``confirm`` says yes (a
    terminal prompt) or with ``force``.
    """
    migrations = verified_migrations(folder)
    done: list[RolledBack] = []
    with connect(url, autocommit=True) as conn, migration_lock(conn, lock_wait_seconds):
        state = database_state(migrations, read_applied(conn))
        refuse_changed_history(state)
        partial = state.having("partial")
        if partial:
            raise RollbackError(
                f"Migration {format_version(partial[0].version)}_{partial[0].name} stopped part-way (it runs "
                "outside a transaction). Finish it with `puckdb apply` before rolling anything back."
            )
        applied = [e.migration for e in reversed(state.having("applied")) if e.migration is not None]
        steps = applied[:1] if to is None else [m for m in applied if m.version > to]
        if not steps:
            return done
        for migration in steps:
            _check_down_file(migration)
        for migration in steps:
            header = migration.down_header()
            assert header is not None and migration.down_path is not None  # checked above
            losses = [h.message for h in header.hazards if h.kind == "data-loss"]
            if losses and not force and not (confirm is not None and confirm(migration, losses)):
                raise UsageError(
                    f"Rolling back {migration.label} loses data ({'; '.join(losses)}), and that needs a "
                    "yes on a terminal or --force. Nothing was rolled back from here on."
                    if confirm is None
                    else f"Rolling back {migration.label} was declined. Nothing was rolled back from here on."
                )
            started = time.perf_counter()
            statements = migration.down_statements()
            if header.transactional:
                with conn.transaction():
                    run_statements(conn, statements, migration.down_path)
                    forget(conn, migration.version)
            else:
                run_statements(conn, statements, migration.down_path, rolled_back=False)
                forget(conn, migration.version)
            done.append(RolledBack(migration, time.perf_counter() - started))
            report(done[-1])
    return done


def _check_down_file(migration: Migration) -> None:
    if migration.down_path is None:
        raise RollbackError(
            f"{migration.path} has no down file ({migration.label}.down.sql), so puckdb cannot roll it "
            "back. Write the down file (the SQL that undoes the migration) and run the command again; "
            "nothing was rolled back."
        )


def drop(
    folder: Path,
    version: int | None,
    applied_versions: Callable[[], set[int]] | None,
) -> list[Migration]:
    """Delete the newest migration, or every migration from the newest down to ``version``.

    ``applied_versions`` reads what the target database has applied (None with --force);
    a migration it has applied is refused: its file is the record of what the database
    holds.
    """
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
    if applied_versions is not None:
        applied = applied_versions()
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
    return doomed
