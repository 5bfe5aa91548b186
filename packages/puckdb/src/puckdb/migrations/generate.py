"""``generate``: the migration from the state the migrations folder builds to the code.

Previous state: the folder replayed into a shadow database (see :mod:`.shadow`). Desired
state: the normalized schema code. The forward plan becomes ``NNNN_<name>.sql``; the plan
from the desired state back becomes ``NNNN_<name>.down.sql`` — computed from the two states
rather than by inverting statements, so it is exactly as correct as the forward one.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from puckdb import __version__
from puckdb.diff.rename_candidates import RenameCandidate, renames_from_flags, resolve_renames
from puckdb.diff.renames import Renames
from puckdb.engine import MigrationStep, migration_steps
from puckdb.errors import ConfigError
from puckdb.migrations.files import Migration, format_version, next_version, read_migrations
from puckdb.migrations.header import render_header
from puckdb.migrations.lockfile import verified_migrations, write_atomically, write_lock
from puckdb.migrations.naming import migration_name
from puckdb.migrations.shadow import migrations_schema
from puckdb.model import UnmanagedObject
from puckdb.plan import Plan
from puckdb.project import Project

_NAME_PATTERN = "lowercase letters, digits and underscores, starting with a letter or digit"

_NO_TRANSACTION_REASON = (
    "ALTER TYPE … ADD VALUE is here: a new enum label cannot be used in the transaction that adds it."
)

_LABELS_FIRST_NOTE = """\
Only the enum labels of this change, each added IF NOT EXISTS (running one again is harmless).
The rest of the change, which may use them, runs in one transaction in the next migration:
{next}"""

_AFTER_LABELS_NOTE = """\
The enum labels this change adds are committed by the previous migration, before a statement
here can use them: {previous}"""

_CUSTOM_NOTE = """\
Hand-written migration: put the SQL below, each statement ending with ';'.
Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY) need
'Transaction: no' above. Later `puckdb generate` runs start from what this does."""

_CUSTOM_DOWN_NOTE = """\
Hand-written down migration: the SQL that undoes the migration, each statement ending with ';'.
Left empty while the migration does something, `puckdb down` refuses to roll it back
(with --force it removes only the migration's tracking row)."""


@dataclass(frozen=True)
class GenerateOptions:
    name: str | None = None
    custom: bool = False
    rename_flags: Sequence[str] = ()
    no_rename: bool = False
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class GenerateResult:
    migration: Migration | None
    """None when the code and the migrations agree (nothing written); the last one written
    when the change took two (see :attr:`written`)."""
    plan: Plan
    down_plan: Plan
    renames: Renames
    unmanaged: tuple[UnmanagedObject, ...] = ()
    """What the migrations build that puckdb does not manage (hand-written functions,
    triggers…): the code cannot declare them, so no migration is generated for them."""
    written: tuple[WrittenMigration, ...] = ()
    """Every migration written, in order, with the plan it holds: one, or two when enum
    labels are added first (:func:`puckdb.engine.migration_steps`)."""


@dataclass(frozen=True)
class WrittenMigration:
    migration: Migration
    plan: Plan


def generate(
    project: Project, options: GenerateOptions, ask: Callable[[RenameCandidate], bool] | None = None
) -> GenerateResult:
    """Write the next migration (or nothing, when in sync). ``ask`` answers possible
    renames (a terminal prompt); without it they must come as flags."""
    if options.name is not None:
        _check_name(options.name)
    folder = project.config.migrations
    with _generating(project.config.state_dir):
        migrations = verified_migrations(folder)
        if options.custom:
            return _write_custom(folder, migrations, options)
        desired = project.normalized_code()
        current = project.managed(
            migrations_schema(
                migrations,
                project.dev_server(),
                schemas=project.config.schemas,
                cache_dir=project.cache_dir / "shadow",
                # a folder may use an extension it never creates (made by hand)
                extensions=[e.name for e in desired.extensions],
            )
        )
        given = renames_from_flags(list(options.rename_flags), current, desired)
        renames = resolve_renames(current, desired, given, ask, assume_none=options.no_rename)
        steps = migration_steps(current, desired, renames)
        forward = Plan(tuple(s for step in steps for s in step.forward.statements))
        backward = Plan(tuple(s for step in reversed(steps) for s in step.backward.statements))
        if forward.is_empty:
            return GenerateResult(None, forward, backward, renames, current.unmanaged)
        written = _write(folder, migrations, steps, options)
        return GenerateResult(written[-1].migration, forward, backward, renames, current.unmanaged, written)


def _check_name(name: str) -> None:
    if not name or not all(c.islower() or c.isdigit() or c == "_" for c in name) or name[0] == "_":
        raise ConfigError(
            f"--name {name!r} cannot be part of a migration file name: use {_NAME_PATTERN} "
            "(e.g. --name add_cards_deleted_at)."
        )


@contextmanager
def _generating(state_dir: Path) -> Iterator[None]:
    """One generate at a time per checkout: two would pick the same number."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / "generate.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _write(
    folder: Path, migrations: list[Migration], steps: Sequence[MigrationStep], options: GenerateOptions
) -> tuple[WrittenMigration, ...]:
    """One file (and down file) per step, numbered in order; the name asked for goes to
    the last, which holds the change itself."""
    now = options.now()
    version = next_version(migrations)
    labels = []
    for number, step in enumerate(steps):
        operations = [statement.operation for statement in step.forward.statements]
        last = number == len(steps) - 1
        name = (options.name if last else None) or migration_name(operations, first=not migrations)
        labels.append(f"{format_version(version + number)}_{name}")
    written: list[WrittenMigration] = []
    for number, (label, step) in enumerate(zip(labels, steps, strict=True)):
        note = ""
        if len(steps) > 1:
            note = (
                _LABELS_FIRST_NOTE.format(next=labels[number + 1])
                if number == 0
                else _AFTER_LABELS_NOTE.format(previous=labels[number - 1])
            )
        up = render_migration(label, step.forward, now, title="migration", note=note)
        down = render_migration(label, step.backward, now, title="down migration")
        written.append(WrittenMigration(_write_files(folder, label, up, down), step.forward))
    return tuple(written)


def _write_custom(folder: Path, migrations: list[Migration], options: GenerateOptions) -> GenerateResult:
    version = next_version(migrations)
    label = f"{format_version(version)}_{options.name or 'custom'}"
    now = options.now()
    empty = Plan(())
    up = render_header(
        label=label, version=__version__, created=now, transactional=True, hazards=(), note=_CUSTOM_NOTE
    )
    down = render_header(
        label=label,
        version=__version__,
        created=now,
        transactional=True,
        hazards=(),
        title="down migration",
        note=_CUSTOM_DOWN_NOTE,
    )
    migration = _write_files(folder, label, up, down)
    return GenerateResult(migration, empty, empty, Renames())


def _write_files(folder: Path, label: str, up: str, down: str) -> Migration:
    """Migration, then down file, then lock file, each written atomically: a crash in
    between leaves a folder that says what is missing (``puckdb lock``)."""
    up_path = folder / f"{label}.sql"
    down_path = folder / f"{label}.down.sql"
    write_atomically(up_path, up)
    write_atomically(down_path, down)
    migrations = read_migrations(folder)
    write_lock(folder, migrations)
    return next(m for m in migrations if m.path == up_path)


def render_migration(label: str, plan: Plan, created: datetime, *, title: str, note: str = "") -> str:
    """Header, then each statement (with its hazards as a comment above it)."""
    header = render_header(
        note=note,
        label=label,
        version=__version__,
        created=created,
        transactional=plan.transactional,
        hazards=[(hazard.kind, hazard.message) for hazard in plan.hazards],
        why_no_transaction="" if plan.transactional else _NO_TRANSACTION_REASON,
        title=title,
    )
    blocks: list[str] = []
    previous = None
    for statement in plan.statements:
        # An operation of several statements carries its hazards once, above the first.
        first_of_operation = statement.operation is not previous
        previous = statement.operation
        hazards = statement.hazards if first_of_operation else ()
        notes = "".join(f"-- {hazard.kind}: {hazard.message}\n" for hazard in hazards)
        blocks.append(f"{notes}{statement.sql};\n")
    return header + "\n".join(blocks)
