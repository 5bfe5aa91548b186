"""Recording migrations as applied without running them (``baseline``, ``mark-applied``).

For a database that already holds what the migrations do — built by another tool, or by a
migration someone ran by hand. The rows say so in ``applied_by``.

A baseline is a claim about the database, so :func:`schema_differences` checks it: the
live schema against the state the recorded migrations build (replayed in a shadow
database). Only the schema can be checked; what data migrations wrote cannot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from puckdb.connect import connect
from puckdb.errors import DatabaseUnreachableError, PuckdbError
from puckdb.migrations.advisory import migration_lock
from puckdb.migrations.apply import DEFAULT_LOCK_WAIT_SECONDS, refuse_changed_history
from puckdb.migrations.files import Migration, format_version
from puckdb.migrations.lockfile import verified_migrations
from puckdb.migrations.state import database_state
from puckdb.migrations.tracking import ensure_tracking_table, read_applied, record_applied

if TYPE_CHECKING:
    from puckdb.plan import Plan
    from puckdb.project import Project


class BaselineError(PuckdbError):
    """A baseline or mark-applied that names migrations puckdb cannot record."""

    exit_code = 2


class BaselineMismatchError(PuckdbError):
    """The database does not hold the schema a baseline would record (a finding: exit 1)."""


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
    versions = [m.version for m in _up_to(folder, up_to)]
    return record_without_running(url, folder, versions, how="baseline", lock_wait_seconds=lock_wait_seconds)


def _up_to(folder: Path, up_to: int) -> list[Migration]:
    """The migrations a baseline to ``up_to`` records; ``up_to`` must be one of them."""
    migrations = [m for m in verified_migrations(folder) if m.version <= up_to]
    if up_to not in {m.version for m in migrations}:
        raise BaselineError(
            f"There is no migration {format_version(up_to)} in {folder} to baseline up to. "
            "`puckdb status` lists the migrations."
        )
    return migrations


def schema_differences(project: Project, up_to: int) -> Plan:
    """The statements that would turn the target database into the schema its migrations up
    to ``up_to`` build: empty when the database holds what a baseline to ``up_to`` records."""
    from puckdb.engine import migration_plan
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.shadow import migrations_schema

    schemas = project.config.schemas
    recorded = _up_to(project.config.migrations, up_to)
    with connect(project.target().url, autocommit=True) as conn:
        live = inspect_schema(conn, schemas)
    # The database's own extensions exist in the shadow database first: its history may
    # use one that no migration creates (made by hand, as drizzle-kit projects did).
    extensions = {*project.config.extensions, *(e.name for e in live.extensions if e.schema in schemas)}
    expected = migrations_schema(
        recorded,
        project.dev_server(),
        schemas=schemas,
        cache_dir=project.cache_dir / "shadow",
        extensions=sorted(extensions),
        include_given_extensions=True,
    )
    return migration_plan(project.managed(live), project.managed(expected))


def verify_baseline(project: Project, up_to: int) -> None:
    """Refuse a baseline to ``up_to`` on a database whose schema is not what those
    migrations build: recording migrations it does not hold would mean they never run."""
    from puckdb.check import statement_summary
    from puckdb.migrations.shadow import ShadowReplayError, replay_failure

    upto = format_version(up_to)
    try:
        differences = schema_differences(project, up_to)
    except (BaselineError, DatabaseUnreachableError):
        raise
    except ShadowReplayError as error:
        # The baseline says the database holds this migration: editing it is no remedy.
        failure = replay_failure(
            error.migration, error.cause, applied_on="the database (the baseline says so)"
        )
        raise BaselineError(
            f"Cannot compare the database with the schema migrations up to {upto} build, so nothing was "
            f"recorded: {failure.message} `puckdb baseline {upto} --force` records without comparing."
        ) from error
    except PuckdbError as error:  # the folder could not be replayed into a shadow database
        raise BaselineError(
            f"Cannot compare the database with the schema migrations up to {upto} build, so nothing was "
            f"recorded: {error.message} `puckdb baseline {upto} --force` records without comparing."
        ) from error
    if differences.is_empty:
        return
    count = len(differences.statements)
    lines = "".join(f"\n    {line}" for line in statement_summary(differences))
    raise BaselineMismatchError(
        f"The database's schema differs from what migrations up to {upto} build ({count} statement(s) "
        "would make it match, below), so it does not hold all of them: recorded as applied, they would "
        "never run. Nothing was recorded. Baseline at the number the database really is at; when the "
        "differences are changes made by hand, record anyway with --force (`puckdb check` then reports "
        "them as drift)." + lines
    )
