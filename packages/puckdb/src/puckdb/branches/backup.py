"""``apply --backup``: a branch copy of exactly the database about to be migrated.

The backup is a branch of the database ``apply`` migrates (main, the current branch, or
the database ``--url`` names), and records that database as its origin, so ``branch
restore`` puts it back there and nowhere else. Nothing pending, nothing copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from puckdb.branches.admin import database_of
from puckdb.branches.errors import (
    BranchError,
    BranchExistsError,
    CreateDatabaseDeniedError,
    DatabaseBusyError,
)
from puckdb.branches.metadata import BACKUP_PREFIX, Branch
from puckdb.branches.server import BranchServer
from puckdb.migrations.apply import ApplyOptions, apply_migrations

# Two backups in one second (two deploys, a retry) get -2, -3, … rather than colliding.
_MAX_SAME_SECOND = 100


class BackupError(BranchError):
    """The backup before applying could not be taken; nothing was applied."""


@dataclass(frozen=True)
class Backup:
    branch: Branch
    """The new backup branch; its ``origin`` is the database it copies."""
    source: Branch
    """main, or the branch, that lives in the database about to be migrated."""


def backup_before_apply(
    main_url: str, target_url: str, migrations: Path, *, to: int | None = None
) -> Backup | None:
    """Copy the database at ``target_url`` into a branch ``backup-<UTC time>`` of
    ``main_url``'s database, when ``apply`` (with ``to``) has something to apply there;
    None when nothing is pending."""
    # The same verification and plan as apply itself (a changed history fails here too).
    if not apply_migrations(target_url, migrations, ApplyOptions(to=to, dry_run=True)).planned:
        return None
    server = BranchServer(main_url)
    database = database_of(target_url)
    source = server.branch_of(database)
    if source is None:
        raise BackupError(
            f"Could not back up {database} before applying: it is neither {server.main_database} nor one of "
            "its branches, so puckdb does not know where to keep the backup. Nothing was applied. Pass the "
            "database with --url, or apply without a backup: `puckdb apply --no-backup`."
        )
    stamp = f"{BACKUP_PREFIX}{datetime.now(UTC):%Y%m%d-%H%M%S}"
    for number in range(1, _MAX_SAME_SECOND + 1):
        name = stamp if number == 1 else f"{stamp}-{number}"
        try:
            return Backup(server.create(name, source.name), source)
        except BranchExistsError:
            continue
        except DatabaseBusyError as error:
            raise BackupError(
                f"Could not back up {database} before applying: PostgreSQL copies a database only while "
                f"nobody is connected to it, and it has {error.sessions}. Nothing was applied. Close those "
                "sessions (the app, a studio, psql) and run again, or apply without a backup: "
                "`puckdb apply --no-backup`."
            ) from error
        except CreateDatabaseDeniedError as error:
            raise BackupError(
                f"Could not back up {database} before applying: the role may not create databases on this "
                f"server ({error.reason}), and a backup branch is a new database. Nothing was applied. "
                "Take a backup your own way (your provider's snapshot, pg_dump) and run "
                "`puckdb apply --no-backup`, or use a role with CREATEDB."
            ) from error
        except BranchError as error:
            raise BackupError(
                f"Could not back up {database} before applying: {error.message} Nothing was applied; "
                "`puckdb apply --no-backup` applies without a backup."
            ) from error
    raise BackupError(
        f"Could not back up {database} before applying: {_MAX_SAME_SECOND} backups named {stamp}… already "
        "exist. Nothing was applied; wait a second and run again."
    )
