"""Options shared by every command: --config, --url, --json."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="The puckdb.toml or pyproject.toml to use, instead of the nearest one upward.",
        dir_okay=False,
        show_default=False,
    ),
]
UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="The database URL; overrides DATABASE_URL, .env and the embedded server.",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print the result as JSON."),
]
