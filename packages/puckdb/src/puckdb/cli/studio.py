"""``puckdb studio``: serve the web studio on the target database."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Annotated

import typer

from puckdb.cli import output
from puckdb.cli.options import ConfigOption, UrlOption
from puckdb.project import Project

if TYPE_CHECKING:
    from puckdb.check import Finding


def studio(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 4983,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Disable every way of changing data.")
    ] = False,
    config: ConfigOption = None,
    url: UrlOption = None,
) -> None:
    """Open the web studio to browse and edit the database."""
    import uvicorn

    from puckdb.studio import StudioConfig, create_app

    project = Project.load(config, url)
    target = project.target()

    def run_check() -> tuple[Finding, ...]:
        from puckdb.check import check  # loads the engine: only when the overview asks

        return check(project).findings

    settings = StudioConfig(
        url=target.url,
        schemas=project.config.schemas,
        read_only=read_only,
        migrations=project.config.migrations,
        check=run_check,
    )
    app = create_app(settings)
    if not _is_loopback(host):
        output.warning(
            f"The studio listens on {host}, reachable from other machines. Anyone who learns the address "
            "with its token can read and change the database; prefer 127.0.0.1 and an SSH tunnel."
        )
    shown_host = f"[{host}]" if ":" in host else host
    output.stdout.print(
        f"Studio: http://{shown_host}:{port}/?token={settings.secrets.token}", markup=False, highlight=False
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
