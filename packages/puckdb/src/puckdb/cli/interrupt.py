"""Ctrl-C during ``generate``: say what was written, since the library writes three files.

``apply``, ``down`` and ``push`` report an interruption from the library, which knows the
database's state; ``generate`` changes only files, so the command compares the folder
before and after instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def reporting_interrupted_generate(folder: Path) -> Iterator[None]:
    """Turn Ctrl-C inside the block into one paragraph naming what ``generate`` wrote."""
    before = _stamps(folder)
    try:
        yield
    except KeyboardInterrupt as interrupt:
        # Imported here: the runner brings psycopg, which a generate served from the
        # caches never needs (a tenth of its time).
        from puckdb.migrations.runner import InterruptedByUserError

        after = _stamps(folder)
        written = sorted(name for name, stamp in after.items() if before.get(name) != stamp)
        raise InterruptedByUserError(_message(folder, written)) from interrupt


def _message(folder: Path, written: list[str]) -> str:
    if not written:
        return (
            f"`puckdb generate` was interrupted (Ctrl-C) before it wrote a migration: {folder} is unchanged. "
            "Run `puckdb generate` again."
        )
    names = ", ".join(written)
    if len(written) >= 3:  # the migration, its down file and the lock file: it had finished
        return (
            f"`puckdb generate` was interrupted (Ctrl-C) after it had written {names} in {folder}: the "
            "migration is complete. Review it, or delete it with `puckdb drop`."
        )
    return (
        f"`puckdb generate` was interrupted (Ctrl-C) while writing the migration: {names} in {folder} "
        "were written, the rest not. Delete what it wrote and run `puckdb generate` again (or keep the "
        "files and run `puckdb lock`)."
    )


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's (size, modification time), to tell what changed."""
    if not folder.is_dir():
        return {}
    stamps: dict[str, tuple[int, int]] = {}
    for path in folder.iterdir():
        if path.is_file() and not path.name.startswith("."):
            status = path.stat()
            stamps[path.name] = (status.st_size, status.st_mtime_ns)
    return stamps
