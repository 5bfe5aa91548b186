"""``lint``: the hazards of migration SQL, as a review aid and a deploy gate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from puckdb.cli import output
from puckdb.cli.options import ConfigOption, JsonOption, UrlOption
from puckdb.errors import UsageError
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.lint import Finding, LintReport

FilesArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="SQL files to lint (any .sql path). Default: every migration of the migrations folder.",
        metavar="FILES",
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
PendingOption = Annotated[
    bool,
    typer.Option(
        "--pending",
        help="Lint only the migrations the target database has not applied yet (a gate before `apply`).",
    ),
]


def lint(
    files: FilesArgument = None,
    pending: PendingOption = False,
    config: ConfigOption = None,
    url: UrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report the hazards of migration SQL; exit 1 on a blocking one its header does not acknowledge."""
    # pglast and the rules load only when lint runs: every other command starts faster.
    from puckdb.lint import BlockingFindingsError, lint_files, lint_folder, lint_pending

    if files and pending:
        raise UsageError(
            "`puckdb lint` takes FILES or --pending, not both: --pending lints the migrations the "
            "database has not applied, FILES lints exactly the files named."
        )
    empty = ""
    if files:
        report = lint_files(files)
    else:
        project = Project.load(config, url)
        folder = project.config.migrations
        if pending:
            report = lint_pending(project.target().url, folder)
            empty = "No pending migrations: nothing to lint."
        else:
            report = lint_folder(folder)
            empty = f"No migrations in {escape(str(_shown(folder)))}: nothing to lint."
    if as_json:
        output.emit_json(report.to_json())
    elif not report.files:
        output.stdout.print(empty)
    else:
        _print(report)
    if report.failed:
        raise BlockingFindingsError.of(report)


def _print(report: LintReport) -> None:
    for finding in report.findings:
        _print_finding(finding)
    output.stdout.print(_summary(report))


def _print_finding(finding: Finding) -> None:
    if finding.severity == "warning":
        label = "[yellow]warning[/yellow]"
    elif finding.acknowledged:
        label = "[green]blocking, acknowledged[/green]"
    else:
        label = "[bold red]blocking[/bold red]"
    output.stdout.print(
        f"[bold]{escape(str(_shown(finding.file)))}:{finding.line}[/bold] {label} "
        f"[cyan]{escape(finding.kind)}[/cyan]: {escape(finding.message)}"
    )
    output.stdout.print(f"  [dim]{escape(finding.statement)}[/dim]")
    if not finding.acknowledged:
        output.stdout.print(f"  fix: {escape(finding.hint)}")


def _summary(report: LintReport) -> str:
    count = len(report.files)
    linted = f"Linted {count} file{'s' if count != 1 else ''}"
    if not report.findings:
        return f"{linted}: [green]no hazards found[/green]."
    blocking, warnings = len(report.blocking), len(report.warnings)
    acknowledged = blocking - len(report.unacknowledged)
    parts = [
        f"{blocking} blocking ({acknowledged} acknowledged)" if blocking else "0 blocking",
        f"{warnings} warning{'s' if warnings != 1 else ''}",
    ]
    return f"{linted}: {', '.join(parts)}."


def _shown(path: Path) -> Path:
    """Paths relative to the working directory when they are below it: shorter to read."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path
