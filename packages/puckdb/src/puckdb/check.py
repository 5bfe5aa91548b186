"""``check``: do the code, the migrations folder and the database agree?

Four questions, each answered with findings that say what is wrong and what fixes it:

- *ungenerated changes*: the state the migrations build differs from the code;
- *folder integrity*: names, numbers, the lock file;
- *database vs folder*: pending, partial (applied or rolled back part-way), edited and unknown
  migrations;
- *drift*: the live database differs from what its applied migrations build (changes made
  by hand), listed as the statements that would repair it;
- *missing roles*: roles the code's grants name that the database's server lacks (roles
  are cluster-wide, outside the schema: puckdb never creates them, so a migration granting
  to one would fail there);
- *not managed*: objects puckdb does not model (functions, triggers, policies…), named so
  that check's silence is never read as agreement; the database's are compared with the
  migrations' by definition (a changed one is drift), but never with the code, which
  cannot declare them.
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
from puckdb.unmanaged_report import counted, unmanaged_drift

FindingKind = Literal[
    "ungenerated-changes", "folder-integrity", "database-vs-folder", "drift", "missing-roles", "not-managed"
]
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
    notes: tuple[Finding, ...] = ()
    """Findings reported without failing the check: the ``not-managed`` one when
    ``allow_unmanaged`` is given."""

    @property
    def ok(self) -> bool:
        return not self.findings


def check(project: Project, *, database: bool = True, allow_unmanaged: bool = False) -> CheckResult:
    """Run every check; ``database=False`` leaves out the two that need the target (the
    objects puckdb does not manage are then those the migrations build).
    ``allow_unmanaged`` reports those objects as a note that does not fail the check;
    a difference in them between the database and the migrations fails it still."""
    result = _check(project, database=database)
    if not allow_unmanaged:
        return result
    notes = tuple(f for f in result.findings if f.kind == "not-managed")
    kept = tuple(f for f in result.findings if f.kind != "not-managed")
    return CheckResult(kept, result.database, notes)


def _check(project: Project, *, database: bool) -> CheckResult:
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
                statement_lines(ungenerated),
            )
        )
    if not database:
        findings.extend(_not_managed(folder_state, "the migrations build"))
        return CheckResult(tuple(findings), None)

    target = project.target()
    live, state, roles = _read_database(target.url, migrations, schemas)
    live = project.managed(live)
    findings.extend(_database_findings(state))
    findings.extend(_missing_roles(code, roles))
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
        findings.extend(_unmanaged_drift(expected, live, len(applied)))
        if not repair.is_empty:
            findings.append(
                Finding(
                    "drift",
                    f"The database differs from what its {len(applied)} applied migration(s) build: it was "
                    f"changed outside migrations ({_count(repair)} to repair).",
                    "Put intended changes in the schema code and a migration (`puckdb generate`); undo "
                    "unintended ones with the statements below (or `puckdb push` on a development database).",
                    statement_lines(repair),
                )
            )
    findings.extend(_not_managed(live, "the database holds"))
    return CheckResult(tuple(findings), redact(target.url))


def _not_managed(schema: Schema, where: str) -> list[Finding]:
    if not schema.unmanaged:
        return []
    message = (
        f"puckdb does not manage {counted(schema.unmanaged)} that {where}: the schema code cannot "
        "declare them, so check cannot tell whether the code agrees with them."
    )
    hint = (
        "Keep them in hand-written migrations (`puckdb generate --custom`); check compares the "
        "database's with the migrations' and reports any that differ as drift. "
        "`puckdb check --allow-unmanaged` accepts them."
    )
    return [Finding("not-managed", message, hint, tuple(item.label for item in schema.unmanaged))]


def _unmanaged_drift(expected: Schema, live: Schema, applied: int) -> list[Finding]:
    drift = unmanaged_drift(expected, live)
    if drift.is_empty:
        return []
    message = (
        f"Objects puckdb does not manage differ between the database and what its {applied} applied "
        "migration(s) build."
    )
    hint = (
        "puckdb cannot write the statements that mend these: put the intended definitions in a "
        "migration (`puckdb generate --custom`), or undo the changes made by hand."
    )
    return [Finding("drift", message, hint, drift.lines())]


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


def _missing_roles(code: Schema, roles: Sequence[str]) -> list[Finding]:
    from puckdb.kinds.grants import missing_roles

    missing = missing_roles(code, roles)
    if not missing:
        return []
    message = (
        f"The schema code grants privileges to {len(missing)} role(s) that do not exist on the "
        "database's server: " + ", ".join(missing) + "."
    )
    hint = (
        "Roles are cluster-wide and not part of the schema, so puckdb does not create them: create "
        "them on this server (CREATE ROLE name NOLOGIN, or with LOGIN for an application) before "
        "applying the migrations that grant to them, or remove those Grants from the schema code."
    )
    return [Finding("missing-roles", message, hint, tuple(missing))]


def _read_database(
    url: str, migrations: Sequence[Migration], schemas: Sequence[str]
) -> tuple[Schema, DatabaseState, list[str]]:
    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.tracking import read_applied

    with connect(url, autocommit=True) as conn:
        state = database_state(migrations, read_applied(conn))
        live = inspect_schema(conn, schemas)
        roles = [str(row[0]) for row in conn.execute("SELECT rolname FROM pg_roles").fetchall()]
    return live, state, roles


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


def statement_lines(plan: Plan) -> tuple[str, ...]:
    """The first line of each statement: a finding's details, every one of them (``--json``
    readers get the whole list; the terminal shows the first ones)."""
    return tuple(
        statement.sql.splitlines()[0] + (" …" if "\n" in statement.sql else "")
        for statement in plan.statements
    )


def statement_summary(plan: Plan) -> tuple[str, ...]:
    """The first line of each statement, at most twenty of them: enough to see what differs."""
    shown = list(statement_lines(plan))
    if len(shown) > _SHOWN_STATEMENTS:
        shown = [*shown[:_SHOWN_STATEMENTS], f"… and {len(shown) - _SHOWN_STATEMENTS} more"]
    return tuple(shown)
