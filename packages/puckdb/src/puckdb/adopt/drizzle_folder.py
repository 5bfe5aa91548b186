"""A drizzle-kit migrations folder: its journal, its SQL files, and their import.

drizzle-kit keeps ``meta/_journal.json`` (one entry per migration: ``idx``, ``when`` — a
millisecond timestamp —, ``tag``) and ``<tag>.sql`` files whose statements are separated by
``--> statement-breakpoint`` lines. Its ``migrate`` records each applied migration as the
sha256 of the file's text plus the entry's ``when``.

Importing copies each journal entry's file into puckdb's folder *byte for byte* (databases
recorded those hashes, and puckdb's checksum is the same sha256), keeping drizzle's names
(``0000_loving_hulk.sql`` is already puckdb's ``NNNN_<name>.sql``), and writes the lock
file. Snapshot files are drizzle's own business and may be missing or duplicated.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from puckdb.errors import PuckdbError
from puckdb.migrations.files import checksum_of, read_migrations
from puckdb.migrations.lockfile import write_lock

_TAG = re.compile(r"^\d{4}_[a-z0-9][a-z0-9_]*$")


class DrizzleFolderError(PuckdbError):
    """The drizzle-kit folder cannot be imported as it is."""

    exit_code = 2


@dataclass(frozen=True)
class DrizzleMigration:
    idx: int
    tag: str
    when: int
    """The journal's timestamp (ms): what drizzle's applier compares."""
    path: Path
    checksum: str

    @property
    def version(self) -> int:
        return int(self.tag[:4])

    @property
    def file_name(self) -> str:
        return f"{self.tag}.sql"


@dataclass(frozen=True)
class ImportResult:
    migrations: tuple[DrizzleMigration, ...]
    copied: int
    """Files copied (0 when the drizzle folder is the migrations folder itself)."""
    unjournaled: tuple[str, ...]
    """SQL files the journal does not list: drizzle never applies them, so neither does puckdb."""


def read_drizzle_folder(folder: Path) -> list[DrizzleMigration]:
    journal_path = folder / "meta" / "_journal.json"
    if not journal_path.is_file():
        raise DrizzleFolderError(
            f"{journal_path} does not exist, so {folder} is not a drizzle-kit migrations folder. Pass the "
            "folder drizzle-kit writes to (the `out` of drizzle.config.ts) with --from DIR."
        )
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        entries = sorted(journal["entries"], key=lambda entry: int(entry["idx"]))
        pairs = [(int(e["idx"]), str(e["tag"]), int(e["when"])) for e in entries]
    except (ValueError, KeyError, TypeError) as error:
        raise DrizzleFolderError(
            f"{journal_path} is not a drizzle-kit journal ({type(error).__name__}: {error}): expected "
            '{"entries": [{"idx": 0, "when": 1700000000000, "tag": "0000_name"}, ...]}.'
        ) from error
    migrations: list[DrizzleMigration] = []
    seen: set[int] = set()
    for idx, tag, when in pairs:
        if not _TAG.match(tag):
            raise DrizzleFolderError(
                f"The journal entry {idx} of {journal_path} has the tag {tag!r}, which is not NNNN_name in "
                "lowercase: puckdb keeps drizzle's file names. Rename the file and the tag together."
            )
        path = folder / f"{tag}.sql"
        if not path.is_file():
            raise DrizzleFolderError(
                f"The journal {journal_path} lists {tag} but {path} does not exist. Restore it from git; "
                "a database that applied it recorded its hash."
            )
        if int(tag[:4]) in seen:
            raise DrizzleFolderError(f"Two journal entries of {journal_path} have the number {tag[:4]}.")
        seen.add(int(tag[:4]))
        migrations.append(DrizzleMigration(idx, tag, when, path, checksum_of(path.read_bytes())))
    return migrations


def import_drizzle_folder(source: Path, target: Path) -> ImportResult:
    """Copy the journal's migrations into ``target`` unchanged and write the lock file.

    Importing again is harmless (identical files are left alone), so a re-run after the
    journal gained an entry takes the new one. A target holding anything else — a puckdb
    migration, or a file of drizzle's name with other content — is refused before any file
    is written: adopting is the first step, not a merge.
    """
    migrations = read_drizzle_folder(source)
    journaled = {m.file_name for m in migrations}
    unjournaled = tuple(sorted(p.name for p in source.glob("*.sql") if p.name not in journaled))
    same_folder = source.resolve() == target.resolve()
    if same_folder and unjournaled:
        raise DrizzleFolderError(
            f"{source} holds SQL files its journal does not list ({', '.join(unjournaled)}); drizzle never "
            "applied them. Move them out of the folder (or add them to the journal) and adopt again."
        )
    if not same_folder:
        _refuse_foreign_files(target, migrations)
    copied = 0
    if not same_folder:
        target.mkdir(parents=True, exist_ok=True)
        for migration in migrations:
            destination = target / migration.file_name
            if not destination.exists():
                shutil.copyfile(migration.path, destination)
                copied += 1
    write_lock(target, read_migrations(target))
    return ImportResult(tuple(migrations), copied, unjournaled)


def _refuse_foreign_files(target: Path, migrations: list[DrizzleMigration]) -> None:
    if not target.is_dir():
        return
    by_name = {m.file_name: m for m in migrations}
    foreign = sorted(p.name for p in target.glob("*.sql") if p.name not in by_name)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise DrizzleFolderError(
            f"{target} already holds migrations that are not in drizzle's journal ({shown}), so adopting "
            "would mix two histories. Adopt into an empty migrations folder (the setting 'migrations'). "
            "When the project was adopted already, there is nothing to do again: its migrations live in "
            f"{target} now, and `puckdb status` shows where each database stands."
        )
    for name, migration in sorted(by_name.items()):
        existing = target / name
        if existing.is_file() and checksum_of(existing.read_bytes()) != migration.checksum:
            raise DrizzleFolderError(
                f"{existing} differs from drizzle's {migration.path}; adopting copies drizzle's files "
                "unchanged (databases recorded their hashes) and will not overwrite a different file. Find "
                "out which one is right, make the two identical (or move the puckdb file away), and adopt "
                "again."
            )
