"""``migrations/puckdb.lock``: every migration's checksum in order, and a chain hash.

The lock file exists for two reasons. Two branches that each add a migration both change
its last lines, so git reports a conflict instead of silently merging two migrations with
one number. And it pins what each file held when it was generated, so an edit after the
fact is noticed even on a machine with no database to compare against.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from puckdb.migrations.files import LOCK_FILE_NAME, Migration, MigrationsFolderError

_ENTRY = re.compile(r"^(\d{4}_[a-z0-9_]+\.sql)\s+([0-9a-f]{64})$")
_CHAIN = re.compile(r"^chain\s+([0-9a-f]{64})$")

_PREAMBLE = """\
# puckdb.lock: written by `puckdb generate`, `drop` and `lock`; checked by apply, status and check.
# One line per migration (file, sha256 of its bytes), then a hash of the whole chain.
# A git conflict here means two branches each added a migration: keep both files, give the
# newer one the next free number, then run `puckdb lock`.
"""


@dataclass(frozen=True)
class LockEntry:
    file_name: str
    checksum: str


def chain_hashes(entries: Sequence[tuple[str, str]]) -> list[str]:
    """The chain hash after each (file name, checksum): each covers every entry before it,
    so equal chain hashes mean equal histories."""
    hashes: list[str] = []
    current = ""
    for file_name, checksum in entries:
        current = hashlib.sha256(f"{current}:{file_name}:{checksum}".encode()).hexdigest()
        hashes.append(current)
    return hashes


def render_lock(migrations: Sequence[Migration]) -> str:
    lines = [f"{m.file_name} {m.checksum}" for m in migrations]
    chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
    lines.append(f"chain {chain[-1] if chain else hashlib.sha256(b'').hexdigest()}")
    return _PREAMBLE + "\n".join(lines) + "\n"


def write_lock(folder: Path, migrations: Sequence[Migration]) -> None:
    write_atomically(folder / LOCK_FILE_NAME, render_lock(migrations))


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a crash leaves the old or the new
    content, never half of one.

    The file gets the mode a plain ``open()`` would give it (0644 under the usual umask),
    or keeps the mode it had: migrations and the lock file are source files that
    teammates, CI and deploy users read. ``mkstemp`` alone would make them 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        pass
    # The umask can only be read by setting it; set it straight back. (puckdb writes these
    # files from the main thread only, so no other thread creates a file in between.)
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def read_lock(folder: Path) -> list[LockEntry] | None:
    """The lock file's entries; None when there is no lock file."""
    path = folder / LOCK_FILE_NAME
    if not path.exists():
        return None
    entries: list[LockEntry] = []
    chain: str | None = None
    content = path.read_bytes()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_line = content[: error.start].count(b"\n") + 1
        raise MigrationsFolderError(
            _not_a_lock_file(path, bad_line, f"holds bytes that are not UTF-8 text (byte {error.start})")
        ) from error
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            raise MigrationsFolderError(
                f"{path} line {number} has a git conflict marker: two branches each added a migration. "
                "Keep both migration files, give the newer one the next free number (rename it and its "
                ".down.sql), then run `puckdb lock` to rewrite the lock file."
            )
        if entry := _ENTRY.match(line):
            entries.append(LockEntry(entry.group(1), entry.group(2)))
        elif (found := _CHAIN.match(line)) and chain is None:
            chain = found.group(1)
        else:
            raise MigrationsFolderError(
                _not_a_lock_file(path, number, f"is not a lock entry ({line[:60]!r})")
            )
    expected = chain_hashes([(e.file_name, e.checksum) for e in entries])
    if chain is None or chain != (expected[-1] if expected else hashlib.sha256(b"").hexdigest()):
        raise MigrationsFolderError(
            f"{path} is damaged: its chain hash does not match its entries (it was edited by hand or "
            "merged without resolving). Restore it from git, or rewrite it from the files with "
            "`puckdb lock` once you have checked the migrations are the ones you want."
        )
    return entries


def _not_a_lock_file(path: Path, line: int, what: str) -> str:
    """One paragraph for a lock file that is not what puckdb writes: text garbage and
    binary garbage (a bad merge tool, a truncated copy) get the same advice."""
    return (
        f"{path} line {line} {what}: expected `NNNN_name.sql <sha256>` or the final `chain <sha256>`. "
        "The file is written by puckdb; if it was damaged, restore it from git or rewrite it from the "
        "files with `puckdb lock`."
    )


def verify_lock(folder: Path, migrations: Sequence[Migration]) -> None:
    """Raise :class:`MigrationsFolderError` unless the lock file lists exactly these files
    with these checksums (no lock file and no migrations is fine)."""
    entries = read_lock(folder)
    if entries is None:
        if migrations:
            raise MigrationsFolderError(
                f"{folder / LOCK_FILE_NAME} is missing but {folder} holds {len(migrations)} migration(s). "
                "Restore it from git, or create it from the files with `puckdb lock`."
            )
        return
    locked = {e.file_name: e.checksum for e in entries}
    present = {m.file_name: m for m in migrations}
    for migration in migrations:
        checksum = locked.get(migration.file_name)
        if checksum is None:
            raise MigrationsFolderError(
                f"{migration.path} is not in {LOCK_FILE_NAME}: it was added by hand or by a branch that "
                "did not commit its lock file. If the file is meant to be there, run `puckdb lock` "
                "(and commit puckdb.lock); otherwise delete it."
            )
        if checksum != migration.checksum:
            raise MigrationsFolderError(
                f"{migration.path} was changed after it was generated (its checksum differs from "
                f"{LOCK_FILE_NAME}). If it is applied anywhere, restore it from git: an applied migration "
                "must not change. If it is not applied yet, or it stopped part-way and the edit fixes a "
                "statement that has not run, and the edit is intended, run `puckdb lock`."
            )
    for entry in entries:
        if entry.file_name not in present:
            raise MigrationsFolderError(
                f"{folder / entry.file_name} is listed in {LOCK_FILE_NAME} but missing. Restore it from "
                "git; if it was deleted on purpose and never applied, run `puckdb lock` (or use "
                "`puckdb drop`, which keeps the lock file in step)."
            )
    if [e.file_name for e in entries] != [m.file_name for m in migrations]:
        raise MigrationsFolderError(
            f"{LOCK_FILE_NAME} lists the migrations in another order than their numbers. Run `puckdb lock`."
        )


def verified_migrations(folder: Path) -> list[Migration]:
    """The folder's migrations, after checking names, numbers and the lock file."""
    from puckdb.migrations.files import read_migrations

    migrations = read_migrations(folder)
    verify_lock(folder, migrations)
    return migrations
