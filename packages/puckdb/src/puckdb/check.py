"""``check``: do the code, the migrations folder and the database agree?

Four questions, each answered with findings that say what is wrong and what fixes it:

- *ungenerated changes*: the state the migrations build differs from the code;
- *folder integrity*: names, numbers, the lock file;
- *database vs folder*: pending, partial (applied or rolled back part-way), edited and unknown
  migrations;
- *drift*: the live database differs from what its applied migrations build (changes made
  by hand), listed as the statements that would repair it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from puckdb.engine import migration_plan
from puckdb.migrations.files import Migration, MigrationsFolderError, format_version, read_migrations
from puckdb.migrations.lockfile import verify_lock
from puckdb.migrations.shadow import migrations_schema
from puckdb.migrations.state import DatabaseState, database_state
from puckdb.model import Schema
from puckdb.plan import Plan
from puckdb.project import Project

FindingKind = Literal["ungenerated-changes", "folder-integrity", "database-vs-folder", "drift"]
_SHOWN_STATEMENTS = 20


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    message: str
    hint: str
    details: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    database: str | None
    """The redacted URL of the database checked (None with ``database=False``)."""

    @property
    def ok(self) -> bool:
        return not self.findings


def check(project: Project, *, database: bool = True) -> CheckResult:
    """Run every check; ``database=False`` leaves out the two that need the target."""
    from puckdb.urls import redact

    findings: list[Finding] = []
    folder = project.config.migrations
    try:
        migrations = read_migrations(folder)
    except MigrationsFolderError as error:
        # Nothing else can be judged without knowing which migrations there are.
        hint = "Mend the files as described, then run `puckdb lock` and `puckdb check` again."
        findings.append(Finding("folder-integrity", error.message, hint))
        return CheckResult(tuple(findings), None)
    findings.extend(_folder_findings(project, migrations))

    server = project.dev_server()
    schemas = project.config.schemas
    shadow_cache = project.cache_dir / "shadow"
    code = project.normalized_code()
    # The code's extensions exist in every shadow database first: a folder may use one it
    # never creates (made by hand). Against the code, the folder is seen without it.
    extensions = [e.name for e in code.extensions]
    folder_state = project.managed(
        migrations_schema(migrations, server, schemas=schemas, cache_dir=shadow_cache, extensions=extensions)
    )
    ungenerated = migration_plan(folder_state, code)
    if not ungenerated.is_empty:
        findings.append(
            Finding(
                "ungenerated-changes",
                f"The schema code differs from what the migrations build: {_count(ungenerated)} to generate.",
                "Run `puckdb generate` and commit the new migration.",
                statement_summary(ungenerated),
            )
        )
    if not database:
        return CheckResult(tuple(findings), None)

    target = project.target()
    live, state = _read_database(target.url, migrations, schemas)
    live = project.managed(live)
    findings.extend(_database_findings(state))
    if not state.having("modified", "unknown", "partial", "partial-down"):
        applied = [e.migration for e in state.having("applied") if e.migration is not None]
        # Against the database, an extension the code needs and the database has is no drift
        # for lack of a migration creating it: that is the ungenerated change above.
        present = {e.name for e in live.extensions}
        expected = project.managed(
            migrations_schema(
                applied,
                server,
                schemas=schemas,
                cache_dir=shadow_cache,
                extensions=[name for name in extensions if name in present],
                include_given_extensions=True,
            )
        )
        repair = migration_plan(live, expected)
        if not repair.is_empty:
            findings.append(
                Finding(
                    "drift",
                    f"The database differs from what its {len(applied)} applied migration(s) build: it was "
                    f"changed outside migrations ({_count(repair)} to repair).",
                    "Put intended changes in the schema code and a migration (`puckdb generate`); undo "
                    "unintended ones with the statements below (or `puckdb push` on a development database).",
                    statement_summary(repair),
                )
            )
    return CheckResult(tuple(findings), redact(target.url))


def _folder_findings(project: Project, migrations: Sequence[Migration]) -> list[Finding]:
    findings: list[Finding] = []
    try:
        verify_lock(project.config.migrations, migrations)
    except MigrationsFolderError as error:
        hint = "Once the files are the ones you want, `puckdb lock` rewrites the lock file from them."
        findings.append(Finding("folder-integrity", error.message, hint))
    versions = [m.version for m in migrations]
    missing = sorted(set(range(1, versions[-1] + 1)) - set(versions)) if versions else []
    if missing:
        numbers = ", ".join(format_version(v) for v in missing)
        findings.append(
            Finding(
                "folder-integrity",
                f"Migration number(s) {numbers} are missing from {project.config.migrations}.",
                "Restore the deleted file(s) from git; migrations are never deleted once shared "
                "(`puckdb drop` removes only the newest ones).",
            )
        )
    return findings


def _read_database(
    url: str, migrations: Sequence[Migration], schemas: Sequence[str]
) -> tuple[Schema, DatabaseState]:
    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.tracking import read_applied

    with connect(url, autocommit=True) as conn:
        state = database_state(migrations, read_applied(conn))
        live = inspect_schema(conn, schemas)
    return live, state


def _database_findings(state: DatabaseState) -> list[Finding]:
    findings: list[Finding] = []
    pending = state.having("pending")
    if pending:
        findings.append(
            Finding(
                "database-vs-folder",
                f"{len(pending)} migration(s) are not applied to the database.",
                "Run `puckdb apply`.",
                tuple(_label(e.version, e.name) for e in pending),
            )
        )
    for entry in state.having("partial"):
        findings.append(
            Finding(
                "database-vs-folder",
                f"Migration {_label(entry.version, entry.name)} stopped part-way "
                "(it runs outside a transaction).",
                "Run `puckdb apply` to resume it at the statement that failed.",
            )
        )
    for entry in state.having("partial-down"):
        findings.append(
            Finding(
                "database-vs-folder",
                f"Rolling back migration {_label(entry.version, entry.name)} stopped part-way "
                "(its down file runs outside a transaction).",
                "Run `puckdb down` to resume the roll-back at the statement that failed.",
            )
        )
    for entry in state.having("modified"):
        findings.append(
            Finding(
                "database-vs-folder",
                f"Migration {_label(entry.version, entry.name)} was changed after it was applied "
                "to the database.",
                "Restore the file from git and put the change in a new migration.",
            )
        )
    for entry in state.having("unknown"):
        findings.append(
            Finding(
                "database-vs-folder",
                f"The database has applied migration {_label(entry.version, entry.name)}, which has no file.",
                "Restore the file from git, or check out the branch it came from.",
            )
        )
    return findings


def _label(version: int, name: str) -> str:
    return f"{format_version(version)}_{name}"


def _count(plan: Plan) -> str:
    n = len(plan.statements)
    return f"{n} statement{'s' if n != 1 else ''}"


def statement_summary(plan: Plan) -> tuple[str, ...]:
    """The first line of each statement, at most twenty of them: enough to see what differs."""
    shown = [
        statement.sql.splitlines()[0] + (" …" if "\n" in statement.sql else "")
        for statement in plan.statements
    ]
    if len(shown) > _SHOWN_STATEMENTS:
        shown = [*shown[:_SHOWN_STATEMENTS], f"… and {len(shown) - _SHOWN_STATEMENTS} more"]
    return tuple(shown)
