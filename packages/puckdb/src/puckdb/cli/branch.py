"""``puckdb branch …``: database branches for feature work and backups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from puckdb.cli import output
from puckdb.cli.migrate import interactive
from puckdb.cli.options import ConfigOption, JsonOption, UrlOption
from puckdb.errors import UsageError
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.branches import BranchServer

app = typer.Typer(help="Database branches: copies of the configured database for features and backups.")

Name = Annotated[str, typer.Argument(help="The branch name, e.g. feature-review-queue.")]
Force = Annotated[bool, typer.Option("--force", help="End open connections / skip the confirmation.")]
MainUrl = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="The main database whose branches to work on, instead of the configured one.",
        show_default=False,
    ),
]


def _branches(config: ConfigOption, url: UrlOption = None) -> tuple[Project, BranchServer]:
    from puckdb.branches import BranchServer

    project = Project.load(config, url)
    return project, BranchServer(project.main_target().url)


@app.command()
def create(
    name: Name,
    parent: Annotated[str, typer.Option("--from", help="The branch to copy.")] = "main",
    force: Force = False,
    config: ConfigOption = None,
    url: MainUrl = None,
) -> None:
    """Copy PARENT (default: main) into a new branch."""
    _, server = _branches(config, url)
    branch = server.create(name, parent, force=force)
    output.stdout.print(f"Created branch {escape(branch.name)} from {escape(parent)} ({branch.database}).")


@app.command(name="list")
def list_branches(config: ConfigOption = None, url: MainUrl = None, as_json: JsonOption = False) -> None:
    """The branches, their parents, creation times and sizes; * marks the current one."""
    project, server = _branches(config, url)
    current = project.target_branch()
    branches = server.branches()
    if as_json:
        output.emit_json(
            [
                {
                    "name": b.name,
                    "database": b.database,
                    "parent": b.parent,
                    "origin": b.origin,
                    "created": b.created.isoformat() if b.created else None,
                    "size_bytes": b.size_bytes,
                    "current": b.name == current,
                }
                for b in branches
            ]
        )
        return
    from rich.table import Table  # loaded only when asked for

    table = Table(title=f"Branches of {server.main_database}", title_justify="left")
    for column in ("", "name", "parent", "created", "size"):
        table.add_column(column)
    for b in branches:
        created = f"{b.created:%Y-%m-%d %H:%M}" if b.created else ""
        # None: the role may not see the size (no CONNECT on that database).
        size = "?" if b.size_bytes is None else f"{b.size_bytes / 1_048_576:.1f} MB"
        table.add_row("*" if b.name == current else "", escape(b.name), escape(b.parent or ""), created, size)
    output.stdout.print(table)


@app.command()
def switch(name: Name, config: ConfigOption = None) -> None:
    """Work on branch NAME from now on (in this checkout)."""
    from puckdb.branches import BRANCH_ENV, MAIN, pinned_branch, select_branch

    project, server = _branches(config)
    if project.config.branch == "git":
        raise UsageError(
            'This project selects branches by git branch (setting branch = "git"): switch git branches '
            "instead, or remove the setting to choose with `puckdb branch switch`."
        )
    if name != MAIN and server.get(name) is None:
        raise UsageError(f"There is no branch {name!r}; create it with `puckdb branch create {name}`.")
    select_branch(project.config.state_dir, name)
    output.stdout.print(f"Now on branch {escape(name)}: {escape(server.url(name))}")
    pinned = pinned_branch(project.environ)
    if pinned is not None and pinned != name:
        output.warning(f"{BRANCH_ENV}={pinned} is set, and wins over this choice while it is.")


@app.command()
def url(name: Name, config: ConfigOption = None, main_url: MainUrl = None) -> None:
    """The URL an application should use for branch NAME."""
    _, server = _branches(config, main_url)
    if server.get(name) is None:
        raise UsageError(f"There is no branch {name!r}.")
    output.stdout.print(server.url(name), markup=False, highlight=False)


@app.command()
def reset(name: Name, force: Force = False, config: ConfigOption = None, url: MainUrl = None) -> None:
    """Re-copy NAME from its parent's current state (its own changes are lost)."""
    _, server = _branches(config, url)
    branch = server.reset(name, force=force)
    output.stdout.print(f"Reset branch {escape(branch.name)} from {escape(branch.parent or '')}.")


@app.command()
def delete(name: Name, force: Force = False, config: ConfigOption = None, url: MainUrl = None) -> None:
    """Delete branch NAME (not main; not the current branch unless --force)."""
    from puckdb.branches import MAIN, select_branch

    project, server = _branches(config, url)
    current = project.target_branch()
    if name == current and name != MAIN and not force:
        raise UsageError(
            f"{name!r} is the current branch. Switch first (`puckdb branch switch main`) or pass --force."
        )
    server.delete(name, force=force)
    if name == current and project.config.branch != "git":
        select_branch(project.config.state_dir, MAIN)
    output.stdout.print(f"Deleted branch {escape(name)}.")


@app.command()
def restore(name: Name, force: Force = False, config: ConfigOption = None, url: MainUrl = None) -> None:
    """Make the database NAME was copied from (for a backup: the one it backed up) a copy of
    NAME again."""
    _, server = _branches(config, url)
    origin = server.restore_origin(name)  # refuses a protected database before asking
    if not force:
        if not interactive():
            raise UsageError(
                f"Restoring replaces {origin} with a copy of {name!r}: everything written to it since is "
                "lost. Run on a terminal to confirm, or pass --force."
            )
        from rich.prompt import Confirm  # loaded only when asked for

        if not Confirm.ask(f"Replace {origin} with a copy of {name}?", default=False):
            raise UsageError("Restore declined; nothing changed.")
    server.restore(name, force=force)
    output.stdout.print(f"Restored {escape(origin)} from branch {escape(name)}.")


@app.command()
def prune(
    keep: Annotated[
        int, typer.Option("--keep", min=0, help="How many of the newest backup branches to keep.")
    ] = 5,
    force: Force = False,
    config: ConfigOption = None,
    url: MainUrl = None,
) -> None:
    """Delete older backup-* branches."""
    _, server = _branches(config, url)
    deleted = server.prune(keep, force=force)
    output.stdout.print(
        f"Deleted {len(deleted)} backup branch(es)"
        + (": " + ", ".join(b.name for b in deleted) if deleted else ".")
    )
