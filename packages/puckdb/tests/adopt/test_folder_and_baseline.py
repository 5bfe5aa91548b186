"""Importing drizzle folders that are not in order, baseline, mark-applied, pooler URLs."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from puckdb.adopt.drizzle_folder import DrizzleFolderError, import_drizzle_folder
from puckdb.migrations.baseline import BaselineError, baseline, record_without_running
from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock
from puckdb.migrations.state import database_state
from puckdb.migrations.tracking import read_applied
from puckdb.urls import pooler_warning


def drizzle_folder(root: Path, tags: list[str], journal: bool = True) -> Path:
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    for tag in tags:
        (folder / f"{tag}.sql").write_text(f"CREATE TABLE t_{tag[:4]} (id int);\n--> statement-breakpoint\n")
    if journal:
        entries = [
            {"idx": i, "version": "7", "when": 1_700_000_000_000 + i, "tag": t, "breakpoints": True}
            for i, t in enumerate(tags)
        ]
        (folder / "meta" / "_journal.json").write_text(
            json.dumps({"version": "7", "dialect": "postgresql", "entries": entries})
        )
    return folder


def test_import_keeps_names_and_bytes(tmp_path: Path) -> None:
    source = drizzle_folder(tmp_path, ["0000_first_step", "0001_second_step"])
    (source / "0005_stray.sql").write_text("SELECT 1;")
    result = import_drizzle_folder(source, tmp_path / "migrations")
    assert [m.version for m in result.migrations] == [0, 1] and result.unjournaled == ("0005_stray.sql",)
    copied = read_migrations(tmp_path / "migrations")
    assert [m.file_name for m in copied] == ["0000_first_step.sql", "0001_second_step.sql"]
    assert [m.checksum for m in copied] == [m.checksum for m in result.migrations]


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DrizzleFolderError, match="is not a drizzle-kit migrations folder"):
        import_drizzle_folder(drizzle_folder(tmp_path / "a", ["0000_x"], journal=False), tmp_path / "a" / "m")
    source = drizzle_folder(tmp_path / "b", ["0000_x", "0001_y"])
    (source / "0001_y.sql").unlink()
    with pytest.raises(DrizzleFolderError, match=r"lists 0001_y but .* does not exist"):
        import_drizzle_folder(source, tmp_path / "b" / "m")
    source = drizzle_folder(tmp_path / "c", ["0000_x"])
    (source / "0001_unlisted.sql").write_text("SELECT 1;")
    with pytest.raises(DrizzleFolderError, match="SQL files its journal does not list"):
        import_drizzle_folder(source, source)


def test_baseline_and_mark_applied(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for number in (1, 2, 3):
        (folder / f"{number:04d}_step.sql").write_text(f"CREATE TABLE step_{number} (id int);\n")
    write_lock(folder, read_migrations(folder))
    recorded = baseline(database_url, folder, 2)
    assert [m.version for m in recorded] == [1, 2]
    assert baseline(database_url, folder, 2) == []  # already recorded: nothing twice
    with pytest.raises(BaselineError, match="no migration 0009"):
        record_without_running(database_url, folder, [9], how="mark-applied")
    record_without_running(database_url, folder, [3], how="mark-applied")
    with psycopg.connect(database_url) as conn:
        state = database_state(read_migrations(folder), read_applied(conn))
        assert conn.execute("SELECT to_regclass('step_1')").fetchone() == (None,)  # recorded, not run
    assert [e.status for e in state.entries] == ["applied"] * 3
    assert all("mark-applied" in (e.record.applied_by if e.record else "") for e in state.entries[2:])


def test_pooler_urls_are_recognised() -> None:
    assert pooler_warning("postgresql://u@ep-cool-123-pooler.eu-central-1.aws.neon.tech/db") is not None
    assert pooler_warning("postgresql://u@db.example.com:6543/db") is not None
    assert pooler_warning("postgresql://u@ep-cool-123.eu-central-1.aws.neon.tech/db") is None
