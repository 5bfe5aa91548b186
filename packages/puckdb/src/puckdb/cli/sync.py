"""``check`` and ``push``: compare code, migrations and database; sync a dev database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from puckdb.cli import output
from puckdb.cli.migrate import interactive
from puckdb.cli.options import ConfigOption, JsonOption, UrlOption
from puckdb.cli.pooler import warn_if_pooler
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.check import Finding


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(push)


def check(
    no_database: Annotated[
        bool,
        typer.Option("--no-database", help="Only compare the code with the migrations folder."),
    ] = False,
    allow_unmanaged: Annotated[
        bool,
        typer.Option(
            "--allow-unmanaged",
            help="Report objects puckdb does not manage (functions, triggers, …) without failing.",
        ),
    ] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Exit 0 only when code, migrations and database agree; otherwise list what differs.

    Exit 1 when a finding needs attention, including objects puckdb does not manage
    (the `not-managed` finding) unless --allow-unmanaged is given."""
    from puckdb.check import check as run_check

    result = run_check(Project.load(config, url), database=not no_database, allow_unmanaged=allow_unmanaged)
    if as_json:
        output.emit_json(
            {
                "ok": result.ok,
                "database": result.database,
                "findings": [_finding_json(f) for f in result.findings],
                "notes": [_finding_json(f) for f in result.notes],
            }
        )
        if not result.ok:
            raise typer.Exit(1)
        return
    for note in result.notes:
        _print_finding(note, "yellow")
    if result.ok:
        scope = "code and migrations agree" if no_database else "code, migrations and database agree"
        if result.notes:
            scope += " on everything puckdb manages"
        output.stdout.print(
            f"[bold green]OK:[/bold green] {scope}" + (f" ({result.database})" if result.database else ".")
        )
    else:
        for finding in result.findings:
            _print_finding(finding, "bold red")
    if not result.ok:
        raise typer.Exit(1)


def _finding_json(finding: Finding) -> dict[str, object]:
    return {
        "kind": finding.kind,
        "message": finding.message,
        "hint": finding.hint,
        "details": list(finding.details),
    }


_SHOWN_DETAILS = 20
"""A finding's details the terminal shows (``--json`` has them all)."""


def _print_finding(finding: Finding, style: str) -> None:
    output.stdout.print(f"[{style}]{finding.kind}[/{style}]: {escape(finding.message)}")
    for detail in finding.details[:_SHOWN_DETAILS]:
        output.stdout.print(f"    {escape(detail)}", markup=True)
    if len(finding.details) > _SHOWN_DETAILS:
        output.stdout.print(f"    … and {len(finding.details) - _SHOWN_DETAILS} more (all of them: --json)")
    output.stdout.print(f"  [dim]fix:[/dim] {escape(finding.hint)}")


def push(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; change nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Run data-losing steps without asking.")] = False,
    rename: Annotated[
        list[str] | None,
        typer.Option(
            "--rename",
            help="A drop plus an add that is a rename: old=new, table.old=new.",
            show_default=False,
        ),
    ] = None,
    no_rename: Annotated[
        bool, typer.Option("--no-rename", help="Treat possible renames as drops and adds.")
    ] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
) -> None:
    """Make a development database match the code without writing a migration."""
    from puckdb.plan import Plan
    from puckdb.push import PushOptions
    from puckdb.push import push as run_push

    def ask(candidate: object) -> bool:
        from rich.prompt import Confirm  # loaded only when asked for

        return Confirm.ask(candidate.question, default=False)  # type: ignore[attr-defined]

    def show(plan: Plan, applied_migrations: int) -> None:
        """The plan and its hazards before anything runs or is asked."""
        if plan.is_empty:
            return
        output.stdout.out(plan.sql(), highlight=False)  # out(): no wrapping work on long SQL
        for hazard in plan.hazards:
            output.stdout.print(f"[yellow]{escape(hazard.kind)}[/yellow]: {escape(hazard.message)}")
        if applied_migrations and not dry_run:
            output.warning(
                f"This database has {applied_migrations} applied migration(s); after this push it no "
                "longer matches them (`puckdb check` reports the drift). Generate a migration for these "
                "changes before sharing them."
            )

    def confirm(plan: Plan) -> bool:
        losses = "; ".join(hazard.message for hazard in plan.blocking_hazards)
        output.stdout.print(f"[bold red]This push loses data[/bold red] ({escape(losses)}).")
        from rich.prompt import Confirm  # loaded only when asked for

        return Confirm.ask("Push anyway?", default=False)

    terminal = interactive()
    project = Project.load(config, url)
    if not dry_run:
        warn_if_pooler(project.target().url)
    options = PushOptions(dry_run=dry_run, force=force, rename_flags=tuple(rename or ()), no_rename=no_rename)
    result = run_push(
        project,
        options,
        ask=ask if terminal else None,
        confirm=confirm if terminal else None,
        show=show,
    )
    output.not_managed(
        result.unmanaged,
        "the database holds",
        "push leaves them as they are (a step that would drop one needs --force or a yes).",
    )
    if result.plan.is_empty:
        output.stdout.print("No changes: the database already matches the code.")
    elif not result.applied:
        output.stdout.print(
            f"Dry run: {len(result.plan.statements)} statement(s) would run; nothing changed."
        )
    else:
        count = len(result.plan.statements)
        output.stdout.print(
            f"[bold green]Pushed[/bold green] {count} statement(s) in {result.seconds:.2f} s."
        )
