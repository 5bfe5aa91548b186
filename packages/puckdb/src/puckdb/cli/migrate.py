"""``generate``, ``apply``, ``status``, ``drop``, ``down`` and ``lock``: the migration loop."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from puckdb.cli import output
from puckdb.cli.options import ConfigOption, JsonOption, UrlOption
from puckdb.errors import UsageError
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.migrations.files import Migration
    from puckdb.migrations.state import MigrationStatus, Status

VersionArgument = Annotated[
    int | None, typer.Argument(help="A migration number, e.g. 3 or 0003.", show_default=False)
]


LockWaitOption = Annotated[
    float | None,
    typer.Option(
        "--lock-wait", help="Seconds to wait for another apply or down to finish.", show_default=False
    ),
]

LockTimeoutOption = Annotated[
    float | None,
    typer.Option("--lock-timeout", help="Seconds a statement may wait for a table lock.", show_default=False),
]


def interactive() -> bool:
    """Prompts only on a terminal: a command run by CI must fail, never hang."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _confirm(question: str) -> bool:
    # Imported here, like rich's tables and syntax colouring: every command imports this
    # module (the others reuse its options), and most never prompt.
    from rich.prompt import Confirm

    return Confirm.ask(question, default=False)


def register(app: typer.Typer) -> None:
    app.command()(generate)
    app.command()(apply)
    app.command()(status)
    app.command(name="drop")(drop_command)
    app.command()(down)
    app.command()(lock)
    app.command()(protect)


def generate(
    name: Annotated[
        str | None,
        typer.Option("--name", help="The file name part, e.g. add_cards_deleted_at.", show_default=False),
    ] = None,
    custom: Annotated[
        bool, typer.Option("--custom", help="Write an empty migration for hand-written SQL or data changes.")
    ] = False,
    rename: Annotated[
        list[str] | None,
        typer.Option(
            "--rename",
            help="Say a drop plus an add is a rename: table old=new, column table.old=new. Repeatable.",
            show_default=False,
        ),
    ] = None,
    no_rename: Annotated[
        bool, typer.Option("--no-rename", help="Treat every possible rename left as a drop plus an add.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Write the next migration from the difference between the migrations and the code."""
    from puckdb.migrations.generate import GenerateOptions
    from puckdb.migrations.generate import generate as run_generate

    project = Project.load(config)
    options = GenerateOptions(name=name, custom=custom, rename_flags=tuple(rename or ()), no_rename=no_rename)
    ask = (lambda candidate: _confirm(candidate.question)) if interactive() else None
    from puckdb.cli.interrupt import reporting_interrupted_generate

    with reporting_interrupted_generate(project.config.migrations):
        result = run_generate(project, options, ask)
    output.not_managed(
        result.unmanaged,
        "the migrations build",
        "the schema code cannot declare them, so generate leaves them as the migrations made them.",
    )
    if result.migration is None:
        output.stdout.print("No schema changes: the migrations already build what the code describes.")
        return
    migration = result.migration
    relative = migration.path.relative_to(project.config.root)
    if custom:
        output.stdout.print(f"Wrote {relative} (empty, for hand-written SQL) and its .down.sql.")
        return
    for written in result.written:
        _print_sql(written.migration.text)
        statements = len(written.plan.statements)
        path = written.migration.path.relative_to(project.config.root)
        output.stdout.print(
            f"[bold green]Wrote[/bold green] {escape(str(path))} ({statements} statement"
            f"{'s' if statements != 1 else ''}) and its .down.sql."
        )
    if len(result.written) > 1:
        output.stdout.print(
            "The enum labels come first, in a migration of their own outside a transaction: a new label "
            "cannot be used in the transaction that adds it, and so the rest runs in one transaction."
        )
    hazards = result.plan.hazards
    if hazards:
        output.stdout.print(f"[bold yellow]{len(hazards)} hazard(s)[/bold yellow] — review before applying:")
        for hazard in hazards:
            output.stdout.print(f"  {escape(str(hazard))}")


def apply(
    to: Annotated[
        int | None,
        typer.Option("--to", help="Apply up to and including this migration number.", show_default=False),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would run; change nothing.")] = False,
    lock_timeout: LockTimeoutOption = None,
    lock_wait: LockWaitOption = None,
    backup: Annotated[
        bool,
        typer.Option(
            "--backup/--no-backup",
            help="First copy the database into a branch backup-<time> (`puckdb branch restore` undoes).",
        ),
    ] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply pending migrations in order, each in its own transaction."""
    from puckdb.migrations.apply import ApplyEvent, ApplyOptions, MigrationStarted, apply_migrations

    project = Project.load(config, url)
    target = project.target()
    if not as_json:
        from puckdb.cli.pooler import warn_if_pooler

        warn_if_pooler(target.url)
    options = ApplyOptions(
        to=to,
        dry_run=dry_run,
        lock_timeout_seconds=project.config.lock_timeout if lock_timeout is None else lock_timeout,
        lock_wait_seconds=project.config.lock_wait if lock_wait is None else lock_wait,
    )

    if backup and not dry_run:
        _backup(project, target.url, to, as_json)

    def report(event: ApplyEvent) -> None:
        if as_json:
            return
        if isinstance(event, MigrationStarted):
            if event.resume_at > 1:
                output.stdout.print(f"Resuming {event.migration.label} at statement {event.resume_at}")
            return
        output.stdout.print(
            f"[green]Applied[/green] {escape(event.migration.label)} "
            f"[dim]({event.statements} statements, {event.seconds:.2f} s)[/dim]"
        )

    result = apply_migrations(target.url, project.config.migrations, options, report)
    if as_json:
        output.emit_json(
            {
                "dry_run": dry_run,
                "database": _redacted(target.url),
                "applied": [
                    {"version": a.migration.version, "name": a.migration.name, "seconds": round(a.seconds, 4)}
                    for a in result.applied
                ],
                "would_apply": [m.label for m in result.planned] if dry_run else [],
                "would_run": [
                    {
                        "migration": m.label,
                        "resume_at": result.resume_at.get(m.version, 1),
                        "statements": [s.sql for s in m.statements[result.resume_at.get(m.version, 1) - 1 :]],
                    }
                    for m in result.planned
                ]
                if dry_run
                else [],
                "already_applied": result.already_applied,
                "seconds": round(result.seconds, 4),
            }
        )
        return
    where = _redacted(target.url)
    if dry_run:
        if not result.planned:
            output.stdout.print(f"Nothing to apply on {where}: it is up to date.")
            return
        output.stdout.print(f"Would apply {len(result.planned)} migration(s) on {escape(where)}:")
        for migration in result.planned:
            _print_would_run(migration, result.resume_at.get(migration.version, 1))
        return
    if not result.applied:
        output.stdout.print(
            f"Nothing to apply on {where}: {result.already_applied} migration(s), all applied."
        )
        return
    output.stdout.print(
        f"[bold green]Done:[/bold green] {len(result.applied)} migration(s) applied on {escape(where)} "
        f"in {result.seconds:.2f} s."
    )


def _print_would_run(migration: Migration, resume_at: int) -> None:
    """The SQL ``apply`` would run for ``migration``: its statements exactly as they run."""
    statements = migration.statements
    mode = "in one transaction" if migration.header.transactional else "one by one, outside a transaction"
    if resume_at > 1:
        what = f"resumes at statement {resume_at} of {len(statements)}, {mode}"
    else:
        what = f"{len(statements)} statement{'s' if len(statements) != 1 else ''}, {mode}"
    output.stdout.print(f"[bold]-- {escape(migration.label)}[/bold] ({what})")
    remaining = statements[resume_at - 1 :]
    if remaining:
        _print_sql("\n\n".join(f"{statement.sql};" for statement in remaining) + "\n")


def _print_sql(text: str) -> None:
    if output.stdout.is_terminal:
        from rich.syntax import Syntax  # pygments: loaded only to colour SQL on a terminal

        output.stdout.print(Syntax(text, "sql", theme="ansi_dark", background_color="default"))
    else:
        output.stdout.out(text, highlight=False)  # out(): no wrapping work on long SQL


def _backup(project: Project, target_url: str, to: int | None, quiet: bool) -> None:
    """A branch backup-<UTC time> of exactly the database apply migrates (``target_url``),
    taken only when something up to ``to`` is pending there."""
    from puckdb.branches.backup import backup_before_apply

    taken = backup_before_apply(project.main_target().url, target_url, project.config.migrations, to=to)
    if quiet:
        return
    if taken is None:
        output.stdout.print("No backup taken: nothing is pending.")
        return
    name = taken.branch.name
    again = f"puckdb branch restore {name}" + (" --url <the same URL>" if project.explicit_url else "")
    output.stdout.print(
        f"Backup: branch {escape(name)} of {escape(taken.source.database)} (restore with `{escape(again)}`)"
    )


_NEEDS_ATTENTION: tuple[Status, ...] = ("partial", "partial-down", "modified", "unknown")


def status(config: ConfigOption = None, url: UrlOption = None, as_json: JsonOption = False) -> None:
    """List applied, pending, partial, modified and unknown migrations of the database.

    Exits 1 when a migration needs attention before `apply` can go on (partial, partly
    rolled back, modified or unknown); pending migrations are the normal case and exit 0.
    """
    from puckdb.migrations.status import migration_status

    project = Project.load(config, url)
    target = project.target()
    state = migration_status(target.url, project.config.migrations)
    attention = [e for e in state.entries if e.status in _NEEDS_ATTENTION or e.problem is not None]
    if as_json:
        output.emit_json(
            {
                "database": _redacted(target.url),
                "migrations": [
                    {
                        "version": e.version,
                        "name": e.name,
                        "status": e.status,
                        "file": str(e.migration.path) if e.migration else None,
                        "applied_at": e.record.applied_at.isoformat() if e.record else None,
                        "applied_by": e.record.applied_by if e.record else None,
                        "problem": e.problem,
                        # a partial one resumes after these, at statements_done + 1
                        "statements_done": e.record.statements_done
                        if e.status == "partial" and e.record
                        else None,
                    }
                    for e in state.entries
                ],
                "needs_attention": len(attention),
            }
        )
        if attention:
            raise typer.Exit(1)
        return
    if not state.entries:
        output.stdout.print(
            f"No migrations in {project.config.migrations}, none applied on {_redacted(target.url)}."
        )
        return
    from rich.table import Table

    table = Table(title=f"Migrations on {escape(_redacted(target.url))}", title_justify="left")
    for column in ("version", "name", "status", "applied at"):
        table.add_column(column)
    for entry in state.entries:
        applied = f"{entry.record.applied_at:%Y-%m-%d %H:%M}" if entry.record else ""
        colour = "green" if entry.status == "applied" else "yellow" if entry.status == "pending" else "red"
        colour = "red" if entry.problem else colour
        table.add_row(
            f"{entry.version:04d}", escape(entry.name), f"[{colour}]{_status_text(entry)}[/]", applied
        )
    output.stdout.print(table)
    shown: tuple[Status, ...] = ("applied", "pending", *_NEEDS_ATTENTION)
    counts = {s: len(state.having(s)) for s in shown}
    output.stdout.print(", ".join(f"{n} {s}" for s, n in counts.items() if n))
    if attention:
        output.stdout.print(
            f"{len(attention)} migration(s) need attention before `puckdb apply` can go on: partial ones "
            "resume with `puckdb apply`, partly rolled back ones with `puckdb down`; a modified or unknown "
            "one needs its file restored from git."
        )
        for entry in state.with_problems:
            output.stdout.print(escape(entry.problem or ""))
        raise typer.Exit(1)


def _status_text(entry: MigrationStatus) -> str:
    if entry.problem is not None:
        return f"{entry.status}, unreadable (not UTF-8)"
    record = entry.record
    if entry.status == "partial" and record is not None and entry.migration is not None:
        statements = entry.migration.statements
        done = record.statements_done
        text = f"partial ({done} of {len(statements)} ran"
        if done < len(statements):  # where a resumed run starts, as the file is now
            text += f"; resumes at statement {done + 1}, line {statements[done].line}"
        return text + ")"
    if entry.status == "partial-down" and record is not None:
        return f"partly rolled back ({record.down_statements_done} down statement(s) ran)"
    return entry.status


def drop_command(
    version: VersionArgument = None,
    force: Annotated[
        bool, typer.Option("--force", help="Drop even if the target database has applied it.")
    ] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
) -> None:
    """Delete the newest migration (or every one from the newest down to NUMBER) and its down file."""
    from puckdb.migrations.rollback import drop

    project = Project.load(config, url)
    dropped = drop(project.config.migrations, version, lambda: project.target().url, force=force)
    for migration in dropped:
        output.stdout.print(
            f"Deleted {migration.label}.sql" + (" and its .down.sql" if migration.down_path else "")
        )


def down(
    to: Annotated[
        int | None,
        typer.Option(
            "--to", help="Roll back every migration newer than this number (0: all).", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Run down steps that lose data without asking; allow empty down files (record only).",
        ),
    ] = False,
    lock_timeout: LockTimeoutOption = None,
    lock_wait: LockWaitOption = None,
    config: ConfigOption = None,
    url: UrlOption = None,
) -> None:
    """Roll back the newest migration (or down to --to) with its down file."""
    from puckdb.migrations.rollback import RolledBack
    from puckdb.migrations.rollback import down as run_down

    project = Project.load(config, url)
    target = project.target()
    from puckdb.cli.pooler import warn_if_pooler

    warn_if_pooler(target.url)  # before connecting: the warning also explains a failure

    def confirm(migration: Migration, losses: list[str]) -> bool:
        output.stdout.print(f"Rolling back {escape(migration.label)} loses data:")
        for loss in losses:
            output.stdout.print(f"  {escape(loss)}")
        return _confirm("Roll it back?")

    def report(event: RolledBack) -> None:
        label = escape(event.migration.label)
        if event.empty:
            output.stdout.print(
                f"[yellow]Removed the record of[/yellow] {label}: its down file is empty, so nothing in the "
                "database was undone."
            )
            return
        resumed = f", resumed at down statement {event.resumed_at}" if event.resumed_at > 1 else ""
        output.stdout.print(f"[green]Rolled back[/green] {label} [dim]({event.seconds:.2f} s{resumed})[/dim]")

    done = run_down(
        target.url,
        project.config.migrations,
        to=to,
        force=force,
        confirm=confirm if interactive() else None,
        lock_wait_seconds=project.config.lock_wait if lock_wait is None else lock_wait,
        lock_timeout_seconds=project.config.lock_timeout if lock_timeout is None else lock_timeout,
        report=report,
    )
    if not done:
        output.stdout.print("Nothing to roll back.")


def protect(
    off: Annotated[bool, typer.Option("--off", help="Lift the mark.")] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
) -> None:
    """Mark the database as protected (production): push, down, drop --force and branch restore refuse it."""
    from puckdb.connect import connect
    from puckdb.protection import set_protected
    from puckdb.urls import redact

    target = Project.load(config, url).target()
    with connect(target.url, autocommit=True) as conn:
        set_protected(conn, not off)
    state = (
        "no longer protected" if off else "protected: push, down, drop --force and branch restore refuse it"
    )
    output.stdout.print(f"{redact(target.url)} is {state}.")


def lock(config: ConfigOption = None) -> None:
    """Rewrite migrations/puckdb.lock from the files (after editing an unapplied migration or a merge)."""
    from puckdb.migrations.files import read_migrations
    from puckdb.migrations.lockfile import write_lock

    project = Project.load(config)
    folder = project.config.migrations
    if not folder.is_dir():
        raise UsageError(f"There is no migrations folder at {folder}; `puckdb generate` creates it.")
    migrations = read_migrations(folder)
    write_lock(folder, migrations)
    output.stdout.print(f"Wrote {folder / 'puckdb.lock'} for {len(migrations)} migration(s).")


def _redacted(url: str) -> str:
    from puckdb.urls import redact

    return redact(url)
