"""The ``puckdb`` command: argument parsing and output only; the work is in the library."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from puckdb import __version__
from puckdb.cli import adopt, branch, db, migrate, output, sync
from puckdb.cli.lint import lint as lint_command
from puckdb.cli.options import ConfigOption, JsonOption, UrlOption
from puckdb.cli.pull import pull as pull_command
from puckdb.cli.studio import studio as studio_command
from puckdb.errors import PuckdbError
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.info import ProjectInfo  # loaded by the command itself: it connects

app = typer.Typer(
    name="puckdb",
    help=(
        "Schema-as-code migrations for PostgreSQL + pgvector: generate, apply, check, push, "
        "branch and browse your database."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(branch.app, name="branch")
migrate.register(app)
sync.register(app)
adopt.register(app)
app.command()(lint_command)
app.command(name="studio")(studio_command)
app.command(name="pull")(pull_command)


def _version(value: bool) -> None:
    if value:
        output.stdout.print(f"puckdb {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """puckdb: the database workflow for PostgreSQL + pgvector projects."""


def _counts(details: ProjectInfo) -> str:
    def counted(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    partitions = f", {counted(details.partitions, 'partition')}" if details.partitions else ""
    return f"{counted(details.tables, 'table')}{partitions}, {counted(details.views, 'view')}"


@app.command()
def info(config: ConfigOption = None, url: UrlOption = None, as_json: JsonOption = False) -> None:
    """Show the configuration, the schema code and the database puckdb would use."""
    from puckdb.info import info as project_info

    details = project_info(Project.load(config, url))
    if as_json:
        output.emit_json(asdict(details))
        return
    rows = [
        ("config", details.config_file),
        ("schema", f"{details.schema_origin} ({_counts(details)})"),
        ("migrations", details.migrations_dir),
        ("database", details.database_url),
        ("  from", details.database_source),
        ("  server", f"PostgreSQL {details.server_version}"),
        ("  extensions", ", ".join(details.extensions) or "none"),
    ]
    for label, value in rows:
        output.stdout.print(f"[bold]{label:<12}[/bold] {value}", markup=True)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; turns puckdb's errors into a paragraph and an exit code.

    Typer (in standalone mode) already handles usage errors (exit 2) and --help; puckdb's
    own errors carry their message and exit code.
    """
    try:
        app(args=argv, prog_name="puckdb")
    except PuckdbError as error:
        output.error(error.message)
        sys.exit(error.exit_code)
