"""How the command line shows results and errors (the library never prints)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from puckdb.model import UnmanagedObject

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


def not_managed(items: Sequence[UnmanagedObject], where: str, consequence: str) -> None:
    """Name the objects puckdb does not manage, on standard error so that piped SQL stays
    clean: how many of each kind, then each (the first twenty)."""
    if not items:
        return
    from puckdb.unmanaged_report import counted, summary

    stderr.print(
        f"[bold yellow]Not managed by puckdb:[/bold yellow] {escape(where)} {escape(counted(items))}; "
        f"{escape(consequence)}"
    )
    for line in summary(items):
        stderr.print(f"  {escape(line)}")
