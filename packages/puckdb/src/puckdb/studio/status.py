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
from typing import TYPE_CHECKING

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
    url: str, folder: Path | None, check: CheckRunner | None, *, run_check: bool
) -> OverviewStatus | None:
    """None when the studio knows no migrations folder."""
    if folder is None:
        return None
    from puckdb.migrations.status import migration_status

    lines: tuple[MigrationLine, ...] = ()
    migrations_error = None
    try:
        state = migration_status(url, folder)
        lines = tuple(MigrationLine(e.version, e.name, e.status) for e in state.entries)
    except PuckdbError as error:
        migrations_error = error.message
    findings = None
    check_error = None
    if run_check and check is not None:
        try:
            findings = tuple(check())
        except PuckdbError as error:
            check_error = error.message
    return OverviewStatus(lines, migrations_error, findings, check_error, can_check=check is not None)
