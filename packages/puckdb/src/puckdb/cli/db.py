"""``puckdb db start|stop|status|url``: the embedded development server."""

from __future__ import annotations

import typer

from puckdb.cli import output
from puckdb.cli.options import ConfigOption, JsonOption
from puckdb.project import Project
from puckdb.server.embedded import DEFAULT_DATABASE

app = typer.Typer(
    help="The embedded development server (PostgreSQL with pgvector, data in .puckdb/).",
    no_args_is_help=True,
)


@app.command()
def start(config: ConfigOption = None) -> None:
    """Start the embedded server (it keeps running for later commands)."""
    server = Project.load(config).server
    started = server.ensure_running()
    server.ensure_database(DEFAULT_DATABASE)
    verb = "Started" if started else "Already running:"
    output.stdout.print(
        f"{verb} PostgreSQL {server.version} in {server.data_dir}\n{server.url(DEFAULT_DATABASE)}"
    )


@app.command()
def stop(config: ConfigOption = None) -> None:
    """Stop the embedded server."""
    server = Project.load(config).server
    if server.stop():
        output.stdout.print(f"Stopped PostgreSQL {server.version} in {server.data_dir}")
    else:
        output.stdout.print(f"The embedded server in {server.data_dir} was not running.")


@app.command()
def status(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Say whether the embedded server runs, and where."""
    server = Project.load(config).server
    state = server.status()
    url = server.url(DEFAULT_DATABASE) if state.running else None
    if as_json:
        output.emit_json(
            {
                "running": state.running,
                "version": state.version,
                "pid": state.pid,
                "data_dir": str(state.data_dir),
                "initialised": state.initialised,
                "url": url,
            }
        )
        return
    if state.running:
        output.stdout.print(
            f"Running: PostgreSQL {state.version} (pid {state.pid}) in {state.data_dir}\n{url}"
        )
    elif state.initialised:
        output.stdout.print(
            f"Stopped: PostgreSQL {state.version} in {state.data_dir}. "
            "Any command that needs it starts it; `puckdb db start` does so now."
        )
    else:
        output.stdout.print(
            f"Not created yet: PostgreSQL {state.version} will be initialised in {state.data_dir} "
            "on first use."
        )


@app.command()
def url(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Print the embedded database's URL, starting the server if needed."""
    server = Project.load(config).server
    server.ensure_running()
    server.ensure_database(DEFAULT_DATABASE)
    value = server.url(DEFAULT_DATABASE)
    if as_json:
        output.emit_json({"url": value})
    else:
        output.stdout.print(value)
