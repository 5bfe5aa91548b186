"""``adopt drizzle``, ``baseline`` and ``mark-applied``: taking over an existing history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from puckdb.cli import output
from puckdb.cli.migrate import LockWaitOption
from puckdb.cli.options import ConfigOption, UrlOption
from puckdb.cli.pooler import warn_if_pooler
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.adopt.drizzle_history import SkippedMigration
    from puckdb.migrations.files import Migration

adopt_app = typer.Typer(
    help="Take over another tool's migrations folder and applied history.", no_args_is_help=True
)

Version = Annotated[int, typer.Argument(help="A migration number, e.g. 3 or 0003.")]


def register(app: typer.Typer) -> None:
    app.add_typer(adopt_app, name="adopt")
    app.command()(baseline)
    app.command(name="mark-applied")(mark_applied)


@adopt_app.command()
def drizzle(
    source: Annotated[
        Path | None,
        typer.Option("--from", help="The drizzle-kit folder (with meta/_journal.json).", show_default=False),
    ] = None,
    no_database: Annotated[
        bool, typer.Option("--no-database", help="Only import the files; record nothing in a database.")
    ] = False,
    history_table: Annotated[
        str | None,
        typer.Option(
            "--history-table",
            help=(
                "drizzle's applied-migrations table, SCHEMA.TABLE (default: what drizzle.config.ts "
                "sets in `migrations`, else drizzle.__drizzle_migrations)."
            ),
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
    url: UrlOption = None,
) -> None:
    """Import a drizzle-kit folder unchanged and record what the database applied (by hash)."""
    from puckdb.adopt import DEFAULT_ORIGIN, adopt_drizzle
    from puckdb.adopt.history_table import display, parse_history_table

    chosen = parse_history_table(history_table) if history_table is not None else None
    project = Project.load(config, url)
    if not no_database:
        warn_if_pooler(project.target().url)
    result = adopt_drizzle(project, source, database=not no_database, history_table=chosen)
    imported = result.imported
    folder = project.config.migrations
    output.stdout.print(
        f"Imported {len(imported.migrations)} drizzle-kit migration(s) into {escape(str(folder))} "
        f"({imported.copied} file(s) copied unchanged) and wrote puckdb.lock."
    )
    for name in imported.unjournaled:
        output.warning(
            f"{name} is not in drizzle's journal: drizzle never applied it, so it was not imported."
        )
    if result.database is None:
        return
    history = result.history
    table = display(result.history_table)
    if history is None:
        if result.candidates:
            names = ", ".join(display(candidate) for candidate in result.candidates)
            output.warning(
                f"{result.database} has no table {table} ({result.history_table_origin}), so nothing was "
                f"recorded; but {names} has the columns of drizzle's history. If drizzle.config.ts "
                "renamed its migrations table, adopt again with `--history-table SCHEMA.TABLE` naming it."
            )
        else:
            output.stdout.print(
                f"{escape(result.database)} has no drizzle history (no table {escape(table)}): "
                "nothing recorded."
            )
        return
    if result.history_table_origin != DEFAULT_ORIGIN:
        output.stdout.print(f"drizzle's history: {escape(table)} ({escape(result.history_table_origin)}).")
    if result.history_table_managed:
        output.warning(
            f"drizzle's history table {table} is in a schema puckdb manages, so `puckdb check` would report "
            f'it as drift and `puckdb push` would drop it. Add `ignore_tables = ["{table}"]` to puckdb\'s '
            "settings to leave it alone (puckdb no longer needs it once the history is adopted)."
        )
    output.stdout.print(
        f"{escape(result.database)}: {len(history.applied)} migration(s) applied under drizzle, "
        f"{result.recorded} newly recorded in puckdb.migrations."
    )
    for skipped in history.skipped:
        output.warning(
            f"{skipped.migration.tag} was skipped by drizzle (its journal timestamp is older than a recorded "
            f"migration's) and never recorded; {_advice(skipped)}."
        )
    if history.not_yet:
        names = ", ".join(m.tag for m in history.not_yet)
        output.stdout.print(f"Not applied yet (newer than the database's history): {escape(names)}.")
    for record in history.unmatched:
        output.warning(
            f"drizzle recorded a migration (id {record.id}, hash {record.hash[:12]}…) that matches no file: "
            "it was edited or deleted after it was applied."
        )


def _advice(skipped: SkippedMigration) -> str:
    """What to do about a skipped migration: the schema decides only what DDL can show."""
    from puckdb.migrations.files import format_version

    version = format_version(skipped.migration.version)
    data = "; ".join(skipped.data_statements)
    if skipped.effects == "no-schema-effect":
        what = f"it writes data ({data})" if data else "its statements write no schema puckdb can see"
        return (
            f"it changes no schema, so the schema cannot tell whether it ran ({what}). Review the data it "
            f"would change in the database: when that data is missing, `puckdb apply` runs it; mark it "
            f"applied (`puckdb mark-applied {version}`) only once the data shows it ran"
        )
    if skipped.effects == "present":
        advice = f"its schema changes are in the database: record it with `puckdb mark-applied {version}`"
        if data:
            advice += (
                f"; but it also writes data ({data}), which the schema cannot show: check that data "
                "first, and run those statements by hand if it is missing"
            )
        return advice
    if skipped.effects == "absent":
        return "its effects are not in the database: `puckdb apply` runs it" + (
            f" (with its data changes: {data})" if data else ""
        )
    return _partly_advice(skipped, version)


def _partly_advice(skipped: SkippedMigration, version: str) -> str:
    """Which statements' effects are there and which are not, and what to do."""
    groups = {
        effects: [s.label for s in skipped.statements if s.effects == effects]
        for effects in ("present", "absent", "partly")
    }
    parts = [
        f"In the database: {'; '.join(groups['present'])}" if groups["present"] else "",
        f"Not in it: {'; '.join(groups['absent'])}" if groups["absent"] else "",
        f"In it only in part (the objects exist, but not as the statement leaves them): "
        f"{'; '.join(groups['partly'])}"
        if groups["partly"]
        else "",
    ]
    listed = ". ".join(part for part in parts if part)
    return (
        f"its effects are partly in the database, so neither `puckdb apply` (which runs all of it) nor "
        f"`puckdb mark-applied {version}` fits as it is. {listed}. Run by hand what is missing (or make the "
        f"database match the file), then record it with `puckdb mark-applied {version}`"
    )


def baseline(
    version: Version,
    force: Annotated[
        bool,
        typer.Option("--force", help="Record even when the database's schema differs from the migrations'."),
    ] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
    lock_wait: LockWaitOption = None,
) -> None:
    """Record migrations up to NUMBER as applied on a database that already has them."""
    from puckdb.migrations.baseline import baseline as run_baseline
    from puckdb.migrations.baseline import verify_baseline

    project = Project.load(config, url)
    target = project.target()
    warn_if_pooler(target.url)
    if not force:
        verify_baseline(project, version)
    recorded = run_baseline(
        target.url,
        project.config.migrations,
        version,
        project.config.lock_wait if lock_wait is None else lock_wait,
    )
    _report(recorded, "baseline")


def mark_applied(
    version: Version,
    config: ConfigOption = None,
    url: UrlOption = None,
    lock_wait: LockWaitOption = None,
) -> None:
    """Record one migration as applied without running it."""
    from puckdb.migrations.baseline import record_without_running

    project = Project.load(config, url)
    warn_if_pooler(project.target().url)
    recorded = record_without_running(
        project.target().url,
        project.config.migrations,
        [version],
        how="mark-applied",
        lock_wait_seconds=project.config.lock_wait if lock_wait is None else lock_wait,
    )
    _report(recorded, "mark-applied")


def _report(recorded: list[Migration], how: str) -> None:
    if not recorded:
        output.stdout.print("Nothing to record: already recorded as applied.")
        return
    for migration in recorded:
        output.stdout.print(f"Recorded {escape(migration.label)} as applied ({how}, not run).")
