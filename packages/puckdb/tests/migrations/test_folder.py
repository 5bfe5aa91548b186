"""Reading the migrations folder and its lock file: every way it can be wrong is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from puckdb.migrations.files import MigrationsFolderError, read_migrations
from puckdb.migrations.header import parse_header
from puckdb.migrations.lockfile import read_lock, verified_migrations, write_lock


def folder_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_migrations_in_order_with_down_files(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        {
            "0002_b.sql": "SELECT 2;",
            "0001_a.sql": "SELECT 1;",
            "0001_a.down.sql": "SELECT 0;",
            "README.md": "x",
        },
    )
    migrations = read_migrations(folder)
    assert [(m.version, m.name, m.down_path is not None) for m in migrations] == [
        (1, "a", True),
        (2, "b", False),
    ]
    write_lock(folder, migrations)
    assert [entry.file_name for entry in read_lock(folder) or []] == ["0001_a.sql", "0002_b.sql"]
    assert verified_migrations(folder) == migrations


def test_two_migrations_with_one_number(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"0001_a.sql": "", "0002_mine.sql": "", "0002_theirs.sql": ""})
    with pytest.raises(
        MigrationsFolderError,
        match=r"Two migrations .* have the number 0002: 0002_mine\.sql, 0002_theirs\.sql",
    ):
        read_migrations(folder)


def test_badly_named_file_and_orphan_down_file(tmp_path: Path) -> None:
    with pytest.raises(MigrationsFolderError, match="does not follow puckdb's naming"):
        read_migrations(folder_with(tmp_path / "one", {"add_users.sql": ""}))
    with pytest.raises(MigrationsFolderError, match="is a down file without its migration"):
        read_migrations(folder_with(tmp_path / "two", {"0001_a.down.sql": ""}))


def test_missing_lock_file_and_unlisted_file(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"0001_a.sql": "SELECT 1;"})
    with pytest.raises(MigrationsFolderError, match=r"puckdb\.lock is missing"):
        verified_migrations(folder)
    write_lock(folder, read_migrations(folder))
    (folder / "0002_b.sql").write_text("SELECT 2;")
    with pytest.raises(MigrationsFolderError, match=r"0002_b\.sql is not in puckdb\.lock"):
        verified_migrations(folder)


def test_garbage_in_the_lock_file(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"0001_a.sql": "SELECT 1;"})
    write_lock(folder, read_migrations(folder))
    lock = folder / "puckdb.lock"
    lock.write_text(lock.read_text() + "what is this\n")
    with pytest.raises(MigrationsFolderError, match=r"line \d+ is not a lock entry"):
        verified_migrations(folder)


def test_header_transaction_mode_and_hazards() -> None:
    header = parse_header(
        "-- puckdb migration 0002_x\n-- Transaction: no (statements run one by one).\n-- Hazards:\n"
        "--   data-loss: drops column cards.meaning\n--   table-rewrite: rewrites cards\n\nALTER TABLE x;\n"
        "-- Hazards:\n--   data-loss: not the header any more\n"
    )
    assert not header.transactional
    assert [(h.kind, h.message) for h in header.hazards] == [
        ("data-loss", "drops column cards.meaning"),
        ("table-rewrite", "rewrites cards"),
    ]
    assert parse_header("-- Hazards: none\nSELECT 1;").hazards == ()
    assert parse_header("SELECT 1;").transactional
