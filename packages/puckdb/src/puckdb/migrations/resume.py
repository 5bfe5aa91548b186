"""Resuming a migration that stopped part-way outside a transaction.

Its failed statement usually has to be fixed in the file, which changes the file's
checksum. That is safe as long as the statements that already ran are unchanged: the
database holds exactly their effects, and the rest has not run. The tracking row keeps a
checksum per statement that ran, so that is what is compared, not the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from puckdb.errors import PuckdbError
from puckdb.migrations.files import Migration
from puckdb.migrations.sqltext import SqlStatement, statement_span
from puckdb.migrations.state import DatabaseState
from puckdb.migrations.tracking import AppliedMigration, statement_checksum


class PartialMigrationChangedError(PuckdbError):
    """A stopped migration's file changed in the statements that already ran."""


@dataclass(frozen=True)
class Resume:
    migration: Migration
    statements_done: int
    """Statements that ran before the run stopped; the resumed run starts after them."""
    file_changed: bool
    """The file differs from the one the stopped run started with (its fix)."""


def resumes(state: DatabaseState) -> dict[int, Resume]:
    """How each stopped migration resumes, by version; raises
    :class:`PartialMigrationChangedError` when one cannot."""
    found: dict[int, Resume] = {}
    for entry in state.having("partial"):
        if entry.migration is not None and entry.record is not None:
            found[entry.version] = resume_of(entry.migration, entry.record)
    return found


def resume_of(migration: Migration, record: AppliedMigration) -> Resume:
    done = record.statements_done
    if record.checksum == migration.checksum:
        return Resume(migration, done, file_changed=False)
    if done == 0:
        return Resume(migration, 0, file_changed=True)  # nothing ran: any fix is fine
    where = (
        f"{migration.path} stopped part-way on this database ({statement_span(1, done)} ran, outside a "
        "transaction)"
    )
    if migration.header.transactional:
        raise PartialMigrationChangedError(
            f"{where}, and its header now says it runs in a transaction. What already ran cannot be "
            "undone by a rollback, so it must finish as it started: put back `-- Transaction: no` and "
            "run `puckdb lock`, then run the command again."
        )
    if len(record.statement_checksums) < done:
        raise PartialMigrationChangedError(
            f"{where}, and the file changed since. The stopped run was recorded by an older puckdb "
            "that kept no per-statement checksums, so puckdb cannot tell whether the statements that "
            "ran are still the same: restore the file as it was (git), fix the cause in the database "
            "instead, and run the command again."
        )
    check_ran_unchanged(where, migration.statements, record.statement_checksums[:done], "puckdb lock")
    return Resume(migration, done, file_changed=True)


def check_ran_unchanged(
    where: str, statements: Sequence[SqlStatement], ran: Sequence[str], after_restoring: str
) -> None:
    """Raise unless the first statements of a file still have the checksums ``ran``
    recorded when they ran. ``where`` starts the message; ``after_restoring`` is the
    command to run once the statements are restored."""
    then = f", run `{after_restoring}`," if after_restoring else ""
    if len(statements) < len(ran):
        raise PartialMigrationChangedError(
            f"{where}, and the file now has only {len(statements)} statement(s). Statements that ran "
            "must stay in the file unchanged (only the failed statement and the ones after it may be "
            f"edited): restore them{then} and run the command again."
        )
    for number, (statement, checksum) in enumerate(zip(statements, ran, strict=False), start=1):
        if statement_checksum(statement.sql) != checksum:
            raise PartialMigrationChangedError(
                f"{where}, and statement {number} (line {statement.line}), which already ran, was "
                "edited since. Only the failed statement and the ones after it may change: restore "
                f"statement {number} as it ran (git){then} and run the command again."
            )
