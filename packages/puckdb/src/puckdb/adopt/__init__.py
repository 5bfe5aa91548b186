"""Taking over another tool's migrations and applied history (drizzle-kit for now)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from puckdb.adopt.drizzle_folder import DrizzleFolderError, ImportResult, import_drizzle_folder
from puckdb.adopt.drizzle_history import DrizzleHistory, classify, read_drizzle_records
from puckdb.project import Project

__all__ = ["AdoptResult", "adopt_drizzle"]


@dataclass(frozen=True)
class AdoptResult:
    imported: ImportResult
    history: DrizzleHistory | None
    """None when no database was consulted or it has no drizzle history."""
    recorded: int
    """Migrations recorded as applied in puckdb's tracking table (by hash)."""
    database: str | None


def adopt_drizzle(project: Project, source: Path | None = None, *, database: bool = True) -> AdoptResult:
    """Import the drizzle folder into the migrations folder, then (with ``database``)
    record what the target database applied under drizzle and find what it skipped."""
    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.baseline import record_without_running
    from puckdb.migrations.lockfile import verified_migrations
    from puckdb.migrations.tracking import read_applied
    from puckdb.urls import redact

    folder = project.config.migrations
    imported = import_drizzle_folder(source or _default_source(project), folder)
    if not database:
        return AdoptResult(imported, None, 0, None)
    target = project.target()
    with connect(target.url, autocommit=True) as conn:
        records = read_drizzle_records(conn)
        live = inspect_schema(conn, project.config.schemas)
        # A re-run after `puckdb apply` or `mark-applied` took care of a skipped migration
        # must not report it again.
        settled = {row.checksum for row in read_applied(conn)}
    if records is None:
        return AdoptResult(imported, None, 0, redact(target.url))
    migrations = verified_migrations(folder)
    history = classify(
        imported.migrations,
        records,
        live,
        migrations,
        project.dev_server(),
        project.config.schemas,
        settled=settled,
    )
    recorded = record_without_running(
        target.url,
        folder,
        [m.version for m in history.applied],
        how="adopted from drizzle",
        lock_wait_seconds=project.config.lock_wait,
    )
    return AdoptResult(imported, history, len(recorded), redact(target.url))


def _default_source(project: Project) -> Path:
    """The migrations folder itself when it is drizzle's, else ``drizzle/`` beside the config."""
    for candidate in (project.config.migrations, project.config.root / "drizzle"):
        if (candidate / "meta" / "_journal.json").is_file():
            return candidate
    raise DrizzleFolderError(
        f"No drizzle-kit folder found (looked for meta/_journal.json in {project.config.migrations} and "
        f"{project.config.root / 'drizzle'}). Name it with --from DIR (the `out` of drizzle.config.ts)."
    )
