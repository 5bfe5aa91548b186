"""``status``: the migrations folder against a database's tracking table."""

from __future__ import annotations

from pathlib import Path

from puckdb.connect import connect
from puckdb.migrations.lockfile import verified_migrations
from puckdb.migrations.state import DatabaseState, database_state
from puckdb.migrations.tracking import read_applied


def migration_status(url: str, folder: Path) -> DatabaseState:
    migrations = verified_migrations(folder)
    with connect(url, autocommit=True) as conn:
        return database_state(migrations, read_applied(conn))


def applied_versions(url: str) -> set[int]:
    with connect(url, autocommit=True) as conn:
        return {row.version for row in read_applied(conn)}
