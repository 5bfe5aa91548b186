"""The migrations folder: ``NNNN_<name>.sql`` files, their down files, their checksums.

A migration is identified by its version (the four-digit number) and its checksum (sha256
of the file's bytes). Reading the folder checks what every command relies on: names that
follow the pattern, one file per version, no down file without its migration.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from puckdb.errors import PuckdbError
from puckdb.migrations.header import Header, parse_header
from puckdb.migrations.sqltext import SqlStatement, split_statements

LOCK_FILE_NAME = "puckdb.lock"
BYTE_ORDER_MARK = "\ufeff"
_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9][a-z0-9_]*)\.sql$")
_DOWN = re.compile(r"^(\d{4})_([a-z0-9][a-z0-9_]*)\.down\.sql$")


class MigrationsFolderError(PuckdbError):
    """The migrations folder holds something puckdb cannot make sense of."""


@dataclass(frozen=True)
class Migration:
    """One migration file (and its down file, when there is one)."""

    version: int
    name: str
    path: Path
    down_path: Path | None

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        """``0002_add_cards_deleted_at``."""
        return self.path.name.removesuffix(".sql")

    @cached_property
    def content(self) -> bytes:
        return self.path.read_bytes()

    @cached_property
    def checksum(self) -> str:
        return checksum_of(self.content)

    @cached_property
    def text(self) -> str:
        """The file as text, without a leading byte order mark (the checksum stays over
        the exact bytes)."""
        return decode_sql(self.content, self.path)

    @property
    def has_byte_order_mark(self) -> bool:
        return self.content.startswith(codecs.BOM_UTF8)

    @cached_property
    def unreadable(self) -> str | None:
        """Why the file cannot be run (it is not UTF-8 text), as one paragraph; None when it can."""
        try:
            _ = self.text
        except MigrationsFolderError as error:
            return error.message
        return None

    @cached_property
    def statements(self) -> list[SqlStatement]:
        return split_statements(self.text)

    @cached_property
    def header(self) -> Header:
        return parse_header(self.text)

    def down_text(self) -> str | None:
        if self.down_path is None:
            return None
        return decode_sql(self.down_path.read_bytes(), self.down_path)

    def down_statements(self) -> list[SqlStatement]:
        text = self.down_text()
        return [] if text is None else split_statements(text)

    def down_header(self) -> Header | None:
        text = self.down_text()
        return None if text is None else parse_header(text)


def decode_sql(content: bytes, path: Path) -> str:
    """A migration file's bytes as text. A leading UTF-8 byte order mark (some Windows
    editors write one) is dropped, as psql drops it: PostgreSQL would otherwise see it as
    the start of the first statement, and the header behind it would go unread."""
    try:
        return content.decode("utf-8").removeprefix(BYTE_ORDER_MARK)
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise MigrationsFolderError(
            f"{path} is not valid UTF-8 (line {line}, byte {error.start}): migrations are UTF-8 text. "
            "Re-save the file as UTF-8 (if it was never applied anywhere, then run `puckdb lock`)."
        ) from error


def checksum_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def format_version(version: int) -> str:
    return f"{version:04d}"


def read_migrations(folder: Path) -> list[Migration]:
    """The migrations of ``folder`` in version order (none when the folder does not exist).

    Raises :class:`MigrationsFolderError` for a ``.sql`` file whose name does not follow
    ``NNNN_<name>.sql``, two files with one version, or a down file without its migration.
    """
    if not folder.is_dir():
        return []
    ups: dict[int, list[Path]] = {}
    downs: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or not path.name.endswith(".sql"):
            continue
        if down := _DOWN.match(path.name):
            downs[f"{down.group(1)}_{down.group(2)}"] = path
        elif up := _MIGRATION.match(path.name):
            ups.setdefault(int(up.group(1)), []).append(path)
        else:
            raise MigrationsFolderError(
                f"{path} does not follow puckdb's naming (NNNN_<snake_name>.sql, e.g. "
                "0003_add_cards_deleted_at.sql; an optional NNNN_<snake_name>.down.sql beside it). "
                "Rename it, or move it out of the migrations folder."
            )
    migrations: list[Migration] = []
    for version, paths in sorted(ups.items()):
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise MigrationsFolderError(
                f"Two migrations in {folder} have the number {format_version(version)}: {names}. "
                "This happens when two branches each added a migration. Keep the one that is already "
                "applied to shared databases, give the other the next free number (rename the file and "
                "its .down.sql), then run `puckdb lock` to rewrite puckdb.lock."
            )
        path = paths[0]
        label = path.name.removesuffix(".sql")
        name = label.split("_", 1)[1]
        migrations.append(Migration(version, name, path, downs.pop(label, None)))
    if downs:
        orphan = next(iter(downs.values()))
        raise MigrationsFolderError(
            f"{orphan} is a down file without its migration ({orphan.name.replace('.down.sql', '.sql')} "
            "is missing). Restore the migration, or delete the down file."
        )
    return migrations


def next_version(migrations: list[Migration]) -> int:
    return migrations[-1].version + 1 if migrations else 1
