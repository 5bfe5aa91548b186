"""How the command line shows results and errors (the library never prints)."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """One paragraph on standard error, with a red label on a terminal."""
    stderr.print(f"[bold red]Error:[/bold red] {escape(message)}")


def warning(message: str) -> None:
    stderr.print(f"[bold yellow]Warning:[/bold yellow] {escape(message)}")


def emit_json(data: Any) -> None:
    """Machine-readable output for --json: plain JSON on standard output, nothing else."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    sys.stdout.flush()
