"""Where a database stands against the migrations folder, by identity (version + checksum).

Never by a watermark: a migration is pending when its version has no row, whatever the
newest applied version is, so an older migration added late is applied, not skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from puckdb.migrations.files import Migration
from puckdb.migrations.tracking import AppliedMigration

Status = Literal["applied", "pending", "partial", "partial-down", "modified", "unknown"]


@dataclass(frozen=True)
class MigrationStatus:
    version: int
    name: str
    status: Status
    """applied; pending (no row); partial (a run outside a transaction stopped part-way;
    its file may have been fixed since, which ``apply`` checks before resuming);
    partial-down (a down file outside a transaction stopped part-way); modified (applied,
    but the file changed since); unknown (a row with no file)."""
    migration: Migration | None
    record: AppliedMigration | None
    problem: str | None = None
    """Why a migration still to run cannot run (its file is not UTF-8 text), as one
    paragraph: ``status`` reports it as needing attention, ``apply`` refuses it."""


@dataclass(frozen=True)
class DatabaseState:
    entries: tuple[MigrationStatus, ...]

    def having(self, *statuses: Status) -> list[MigrationStatus]:
        return [entry for entry in self.entries if entry.status in statuses]

    @property
    def with_problems(self) -> list[MigrationStatus]:
        return [entry for entry in self.entries if entry.problem is not None]

    @property
    def to_apply(self) -> list[Migration]:
        """Partial migrations (to resume) and pending ones, in version order."""
        return [e.migration for e in self.having("partial", "pending") if e.migration is not None]

    @property
    def newest_applied(self) -> int | None:
        versions = [e.version for e in self.having("applied", "modified")]
        return max(versions) if versions else None


def database_state(migrations: Sequence[Migration], applied: Sequence[AppliedMigration]) -> DatabaseState:
    rows = {row.version: row for row in applied}
    entries: list[MigrationStatus] = []
    for migration in migrations:
        row = rows.pop(migration.version, None)
        status: Status
        if row is None:
            status = "pending"
        elif not row.finished:
            status = "partial"
        elif row.checksum != migration.checksum:
            status = "modified"
        elif row.down_statements_done is not None:
            status = "partial-down"
        else:
            status = "applied"
        # Only a file still to run must be readable: an applied one is checked by its bytes.
        problem = migration.unreadable if status in ("pending", "partial") else None
        entries.append(MigrationStatus(migration.version, migration.name, status, migration, row, problem))
    entries.extend(MigrationStatus(row.version, row.name, "unknown", None, row) for row in rows.values())
    entries.sort(key=lambda entry: entry.version)
    return DatabaseState(tuple(entries))
