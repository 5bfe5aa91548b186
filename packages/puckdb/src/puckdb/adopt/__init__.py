"""Taking over another tool's migrations and applied history (drizzle-kit for now)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from puckdb.adopt.drizzle_folder import DrizzleFolderError, ImportResult, import_drizzle_folder
from puckdb.adopt.drizzle_history import DrizzleHistory, classify, read_drizzle_records
from puckdb.adopt.history_table import (
    DEFAULT_TABLE,
    HistoryTable,
    history_table_from_config,
    tables_shaped_like_drizzles,
)
from puckdb.errors import PuckdbError
from puckdb.ignored import is_ignored
from puckdb.model import Schema
from puckdb.project import Project

__all__ = ["DEFAULT_ORIGIN", "AdoptHistoryError", "AdoptResult", "adopt_drizzle"]

DEFAULT_ORIGIN = "drizzle's default"
"""Why the history table was read when neither a flag nor a config named it."""


class AdoptHistoryError(PuckdbError):
    """The history was recorded, but what drizzle skipped could not be classified."""


@dataclass(frozen=True)
class AdoptResult:
    imported: ImportResult
    history: DrizzleHistory | None
    """None when no database was consulted or it has no drizzle history."""
    recorded: int
    """Migrations recorded as applied in puckdb's tracking table (by hash)."""
    database: str | None
    history_table: HistoryTable = DEFAULT_TABLE
    """The table drizzle's applied migrations were read from."""
    history_table_origin: str = DEFAULT_ORIGIN
    """Why that table: the --history-table flag, the config file that names it, or the default."""
    candidates: tuple[HistoryTable, ...] = ()
    """When that table does not exist: the tables shaped like drizzle's that do."""
    history_table_managed: bool = False
    """The history table lies in a schema puckdb manages and ``ignore_tables`` does not
    name it: `check` would report it as drift and `push` would drop it."""


def adopt_drizzle(
    project: Project,
    source: Path | None = None,
    *,
    database: bool = True,
    history_table: HistoryTable | None = None,
) -> AdoptResult:
    """Import the drizzle folder into the migrations folder, then (with ``database``)
    record what the target database applied under drizzle and find what it skipped.

    drizzle's records are read from ``history_table`` when given, else from the table the
    drizzle config beside the folder (or the project) names, else from drizzle's default."""
    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.baseline import record_without_running
    from puckdb.migrations.lockfile import verified_migrations
    from puckdb.migrations.shadow import ShadowReplayError, replay_failure
    from puckdb.migrations.tracking import read_applied
    from puckdb.urls import redact

    folder = project.config.migrations
    drizzle_folder = source or _default_source(project)
    imported = import_drizzle_folder(drizzle_folder, folder)
    if not database:
        return AdoptResult(imported, None, 0, None)
    table, origin = _history_table(project, drizzle_folder, history_table)
    target = project.target()
    with connect(target.url, autocommit=True) as conn:
        records = read_drizzle_records(conn, table)
        candidates = () if records is not None else tuple(tables_shaped_like_drizzles(conn))
        live = inspect_schema(conn, project.config.schemas)
        # A re-run after `puckdb apply` or `mark-applied` took care of a skipped migration
        # must not report it again.
        settled = {row.checksum for row in read_applied(conn)}
    if records is None:
        return AdoptResult(imported, None, 0, redact(target.url), table, origin, candidates)
    migrations = verified_migrations(folder)
    # Recorded first: matching rows to files by hash needs no replay, so a folder that
    # cannot be replayed still leaves the database's history taken over.
    by_hash = {record.hash for record in records}
    recorded = record_without_running(
        target.url,
        folder,
        [m.version for m in imported.migrations if m.checksum in by_hash],
        how="adopted from drizzle",
        lock_wait_seconds=project.config.lock_wait,
    )
    try:
        history = classify(
            imported.migrations,
            records,
            live,
            migrations,
            project.dev_server(),
            project.config.schemas,
            settled=settled,
            ignore_tables=project.config.ignore_tables,
            extensions=_needed_extensions(project, live),
        )
    except ShadowReplayError as error:
        applied = error.migration.checksum in by_hash
        where = f"{redact(target.url)} (drizzle recorded it)" if applied else None
        raise AdoptHistoryError(
            f"{len(recorded)} migration(s) drizzle applied were recorded in puckdb.migrations, but the "
            "migrations drizzle skipped could not be checked against the database. "
            + replay_failure(error.migration, error.cause, applied_on=where).message
        ) from error
    managed = table[0] in project.config.schemas and not is_ignored(project.config.ignore_tables, *table)
    return AdoptResult(
        imported, history, len(recorded), redact(target.url), table, origin, history_table_managed=managed
    )


def _needed_extensions(project: Project, live: Schema) -> list[str]:
    """The extensions shadow databases get before replaying drizzle's folder: the
    configured ones, the target's in the managed schemas (drizzle-kit projects created
    pgvector by hand, and the history ran on top of it) and those the schema code needs."""
    needed = set(project.config.extensions)
    needed.update(e.name for e in live.extensions if e.schema in project.config.schemas)
    # Adoption comes before the schema code is right (or written): the target's
    # extensions are the ones its history ran with, and they are enough to replay it.
    with contextlib.suppress(PuckdbError):
        needed.update(e.name for e in project.normalized_code().extensions)
    return sorted(needed)


def _history_table(
    project: Project, drizzle_folder: Path, chosen: HistoryTable | None
) -> tuple[HistoryTable, str]:
    if chosen is not None:
        return chosen, "--history-table"
    # drizzle.config.ts sits beside its `out` folder, usually at the project root.
    configured = history_table_from_config(
        dict.fromkeys([drizzle_folder.resolve().parent, project.config.root])
    )
    if configured is not None:
        table, path = configured
        return table, f"the migrations setting of {path}"
    return DEFAULT_TABLE, DEFAULT_ORIGIN


def _default_source(project: Project) -> Path:
    """The migrations folder itself when it is drizzle's, else ``drizzle/`` beside the config."""
    for candidate in (project.config.migrations, project.config.root / "drizzle"):
        if (candidate / "meta" / "_journal.json").is_file():
            return candidate
    raise DrizzleFolderError(
        f"No drizzle-kit folder found (looked for meta/_journal.json in {project.config.migrations} and "
        f"{project.config.root / 'drizzle'}). Name it with --from DIR (the `out` of drizzle.config.ts)."
    )
