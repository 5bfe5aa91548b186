"""``pull``: write a SQLAlchemy schema module from an existing database."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from puckdb.cli import output
from puckdb.cli.options import ConfigOption, UrlOption
from puckdb.errors import UsageError
from puckdb.project import Project

OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write the module to this file (replaced atomically) instead of standard output.",
        dir_okay=False,
        show_default=False,
    ),
]


def pull(out: OutOption = None, config: ConfigOption = None, url: UrlOption = None) -> None:
    """Write a SQLAlchemy schema module from an existing database."""
    from puckdb.pull import pull_module

    project = Project.load(config, url)
    target = project.target()
    module = pull_module(target.url, project.config.schemas, project.config.ignore_tables)
    if out is None:
        # The module itself, byte for byte, so that `puckdb pull > schema.py` works; what
        # could not be expressed goes to standard error.
        output.stdout.out(module.text, end="", highlight=False)
    else:
        _write_atomically(out, module.text)
        output.stdout.print(
            f"Wrote {escape(str(out))}: {_count(module.tables, 'table')}, {_count(module.views, 'view')}."
        )
    for note in module.notes:
        output.warning(f"not kept in the module: {note}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _mode_for(path: Path) -> int:
    """The mode of the file being replaced, or what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a reader (or an interrupted run) sees the
    old file or the new one, never a part."""
    directory = path.parent
    if not directory.is_dir():
        raise UsageError(f"Cannot write {path}: the directory {directory} does not exist.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise UsageError(f"Cannot write {path}: {error.strerror or error}.") from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); a source file gets the usual mode.
        Path(temporary).chmod(_mode_for(path))
        Path(temporary).replace(path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise UsageError(f"Cannot write {path}: {error.strerror or error}.") from error
        raise
