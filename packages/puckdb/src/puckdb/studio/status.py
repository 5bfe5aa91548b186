"""The overview's migrations section: where the database stands against the folder, and on
request ``check``'s findings.

The migration status is cheap (the folder and the tracking table), so the overview always
shows it; ``check`` builds the code and the folder in scratch databases, which takes seconds
on a cold cache, so it runs only when asked (``?check=1``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from puckdb.errors import PuckdbError

if TYPE_CHECKING:
    from puckdb.check import Finding  # the engine loads only when check runs

CheckRunner = Callable[[], "Sequence[Finding]"]


@dataclass(frozen=True)
class MigrationLine:
    version: int
    name: str
    status: str
    """applied, pending, partial, modified or unknown."""


@dataclass(frozen=True)
class OverviewStatus:
    migrations: tuple[MigrationLine, ...] = ()
    migrations_error: str | None = None
    """Why the status could not be read (a damaged lock file, an unreadable folder)."""
    findings: tuple[Finding, ...] | None = None
    """``check``'s findings; None when it was not asked for."""
    check_error: str | None = None
    can_check: bool = False
    """Whether the studio can run ``check`` (it knows the project)."""


def overview_status(
    conn: psycopg.Connection[Any], folder: Path | None, check: CheckRunner | None, *, run_check: bool
) -> OverviewStatus | None:
    """None when the studio knows no migrations folder. ``conn`` is the studio's own (its
    statement_timeout, read-only when the studio is)."""
    if folder is None:
        return None
    from puckdb.migrations.lockfile import verified_migrations
    from puckdb.migrations.state import database_state
    from puckdb.migrations.tracking import read_applied

    lines: tuple[MigrationLine, ...] = ()
    migrations_error = None
    try:
        state = database_state(verified_migrations(folder), read_applied(conn))
        lines = tuple(MigrationLine(e.version, e.name, e.status) for e in state.entries)
    except PuckdbError as error:
        migrations_error = error.message
    except psycopg.Error as error:
        # A role that may not read puckdb's tracking table still gets the overview.
        reason = error.diag.message_primary or type(error).__name__
        migrations_error = f"The migrations' status could not be read: {reason}."
    findings = None
    check_error = None
    if run_check and check is not None:
        try:
            findings = tuple(check())
        except PuckdbError as error:
            check_error = error.message
    return OverviewStatus(lines, migrations_error, findings, check_error, can_check=check is not None)
