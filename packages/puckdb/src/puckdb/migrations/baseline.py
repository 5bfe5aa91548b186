"""Recording migrations as applied without running them (``baseline``, ``mark-applied``).

For a database that already holds what the migrations do — built by another tool, or by a
migration someone ran by hand. The rows say so in ``applied_by``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from puckdb.connect import connect
from puckdb.errors import PuckdbError
from puckdb.migrations.advisory import migration_lock
from puckdb.migrations.apply import DEFAULT_LOCK_WAIT_SECONDS, refuse_changed_history
from puckdb.migrations.files import Migration, format_version
from puckdb.migrations.lockfile import verified_migrations
from puckdb.migrations.state import database_state
from puckdb.migrations.tracking import ensure_tracking_table, read_applied, record_applied


class BaselineError(PuckdbError):
    """A baseline or mark-applied that names migrations puckdb cannot record."""

    exit_code = 2


def record_without_running(
    url: str,
    folder: Path,
    versions: Sequence[int],
    *,
    how: str,
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS,
) -> list[Migration]:
    """Record ``versions`` as applied; the ones already recorded are left alone.

    ``how`` goes into ``applied_by`` ("baseline", "mark-applied", "adopted from drizzle").
    """
    migrations = {m.version: m for m in verified_migrations(folder)}
    unknown = [v for v in versions if v not in migrations]
    if unknown:
        raise BaselineError(
            f"There is no migration {format_version(unknown[0])} in {folder}. `puckdb status` lists them."
        )
    recorded: list[Migration] = []
    with connect(url, autocommit=True) as conn, migration_lock(conn, lock_wait_seconds):
        ensure_tracking_table(conn)
        state = database_state(list(migrations.values()), read_applied(conn))
        refuse_changed_history(state)
        done = {e.version for e in state.having("applied", "partial")}
        with conn.transaction():
            for version in sorted(versions):
                if version in done:
                    continue
                migration = migrations[version]
                record_applied(
                    conn, version, migration.name, migration.checksum, timedelta(0), applied_by_note=how
                )
                recorded.append(migration)
    return recorded


def baseline(
    url: str, folder: Path, up_to: int, lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
) -> list[Migration]:
    """Record every migration up to and including ``up_to`` as applied."""
    versions = [m.version for m in verified_migrations(folder) if m.version <= up_to]
    if not versions or up_to not in versions:
        raise BaselineError(
            f"There is no migration {format_version(up_to)} in {folder} to baseline up to. "
            "`puckdb status` lists the migrations."
        )
    return record_without_running(url, folder, versions, how="baseline", lock_wait_seconds=lock_wait_seconds)
