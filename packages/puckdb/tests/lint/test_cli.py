"""``puckdb lint`` as a command: output, --json, --pending, exit codes.

Most tests mount the command function on a Typer app of their own (in process, fast) and
turn its errors into exit codes as ``puckdb.cli.app.main`` does; the tests at the end run
the real ``puckdb lint`` in a subprocess, as users and deploy scripts do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from puckdb.cli.app import app as puckdb_app
from puckdb.cli.lint import lint
from puckdb.errors import PuckdbError
from puckdb.migrations.apply import ApplyOptions, apply_migrations
from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock

from .conftest import WriteMigration

ACKNOWLEDGED = "-- Transaction: yes\n-- Hazards:\n--   data-loss: the legacy table is obsolete\n\n"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    error: str


def run(*args: str) -> Outcome:
    app = typer.Typer()
    app.command()(lint)
    app.command("other")(lambda: None)  # two commands, so the app takes a command name as puckdb does
    result = CliRunner().invoke(app, ["lint", *args])
    if isinstance(result.exception, PuckdbError):
        return Outcome(result.exception.exit_code, result.stdout, result.exception.message)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return Outcome(result.exit_code, result.stdout, "")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A puckdb.toml beside the migrations folder of write_migration; its path."""
    config = tmp_path / "puckdb.toml"
    config.write_text('schema = "schema.py"\nmigrations = "migrations"\n')
    return config


def test_blocking_finding_fails_with_exit_1(write_migration: WriteMigration) -> None:
    path = write_migration("CREATE INDEX c ON cards (title);\nDROP TABLE legacy;\n")
    outcome = run(str(path))
    assert outcome.exit_code == 1
    assert f"{path.name}:2 blocking data-loss: drops table legacy and all its rows" in outcome.stdout
    assert "  DROP TABLE legacy" in outcome.stdout and "acknowledge it in the header" in outcome.stdout
    assert f"{path.name}:1 warning non-concurrent-index" in outcome.stdout
    assert "1 blocking (0 acknowledged), 1 warning." in outcome.stdout
    assert "1 blocking finding not acknowledged (data-loss)" in outcome.error and path.name in outcome.error


def test_acknowledged_blocking_finding_passes(write_migration: WriteMigration) -> None:
    path = write_migration("DROP TABLE legacy;\n", header=ACKNOWLEDGED)
    outcome = run(str(path))
    assert outcome.exit_code == 0, outcome
    assert "blocking, acknowledged data-loss" in outcome.stdout and "fix:" not in outcome.stdout


def test_warnings_only_pass(write_migration: WriteMigration) -> None:
    path = write_migration("ALTER TABLE cards RENAME COLUMN a TO b;\n")
    outcome = run(str(path))
    assert outcome.exit_code == 0 and "0 blocking, 1 warning." in outcome.stdout


def test_clean_files_say_so(write_migration: WriteMigration) -> None:
    first = write_migration("CREATE TABLE t (id int);\n", "0001_init.sql")
    second = write_migration(
        "CREATE INDEX CONCURRENTLY i ON t (id);\n", "0002_index.sql", header="-- Transaction: no\n"
    )
    outcome = run(str(first), str(second))
    assert outcome.exit_code == 0 and "Linted 2 files: no hazards found." in outcome.stdout


def test_json_output(write_migration: WriteMigration) -> None:
    path = write_migration("DROP TABLE legacy;\nCREATE INDEX ON cards (a);\n")
    outcome = run("--json", str(path))
    assert outcome.exit_code == 1
    data = json.loads(outcome.stdout)
    assert data["failed"] is True and data["blocking"] == 1 and data["warnings"] == 1
    assert [(f["line"], f["kind"], f["severity"], f["acknowledged"]) for f in data["findings"]] == [
        (1, "data-loss", "blocking", False),
        (2, "non-concurrent-index", "warning", False),
    ]
    assert data["findings"][0]["statement"] == "DROP TABLE legacy" and data["files"] == [str(path)]


def test_unparsable_sql_fails_naming_file_line_and_the_parsers_message(
    write_migration: WriteMigration,
) -> None:
    path = write_migration("CREATE TABLE t (id int);\n\nSELEC 1;\n")
    outcome = run(str(path))
    assert outcome.exit_code == 1
    assert f"{path.name}:3 blocking parse-error: the SQL parser" in outcome.stdout
    assert 'syntax error at or near "SELEC" (line 3)' in outcome.stdout
    assert "1 blocking finding not acknowledged (parse-error)" in outcome.error
    assert "cannot read cannot be acknowledged: fix its syntax" in outcome.error


def test_files_and_pending_together_are_a_usage_error(write_migration: WriteMigration) -> None:
    outcome = run("--pending", str(write_migration("SELECT 1;")))
    assert outcome.exit_code == 2 and "FILES or --pending" in outcome.error


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope.sql")).exit_code == 2


def test_without_files_the_whole_folder_is_linted(write_migration: WriteMigration, project: Path) -> None:
    write_migration("CREATE TABLE legacy (id int);\n", "0001_init.sql")
    write_migration("DROP TABLE legacy;\n", "0002_drop.sql", header=ACKNOWLEDGED)
    outcome = run("--config", str(project))
    assert outcome.exit_code == 0, outcome
    assert "0002_drop.sql:5 blocking, acknowledged data-loss" in outcome.stdout
    assert "Linted 2 files" in outcome.stdout


def test_an_empty_folder_has_nothing_to_lint(project: Path) -> None:
    outcome = run("--config", str(project))
    assert outcome.exit_code == 0 and "No migrations in" in outcome.stdout


def test_pending_against_a_database(
    write_migration: WriteMigration, project: Path, database_url: str
) -> None:
    write_migration("CREATE TABLE legacy (id int);\nDELETE FROM legacy;\n", "0001_init.sql")
    write_migration("TRUNCATE legacy;\n", "0002_purge.sql")
    folder = project.parent / "migrations"
    write_lock(folder, read_migrations(folder))

    outcome = run("--pending", "--config", str(project), "--url", database_url, "--json")
    assert outcome.exit_code == 1
    assert [Path(f).name for f in json.loads(outcome.stdout)["files"]] == ["0001_init.sql", "0002_purge.sql"]

    apply_migrations(database_url, folder, ApplyOptions(to=1))
    gate = run("--pending", "--config", str(project), "--url", database_url)
    assert gate.exit_code == 1 and "0002_purge.sql:1 blocking data-loss: empties table legacy" in gate.stdout
    assert "0001" not in gate.stdout

    apply_migrations(database_url, folder)
    done = run("--pending", "--config", str(project), "--url", database_url)
    assert done.exit_code == 0 and "No pending migrations" in done.stdout


def test_the_command_is_registered_on_puckdb() -> None:
    assert any(command.callback is lint for command in puckdb_app.registered_commands)


def test_the_real_command(write_migration: WriteMigration, tmp_path: Path) -> None:
    path = write_migration("DROP TABLE legacy;\n")
    result = subprocess.run(
        [sys.executable, "-m", "puckdb", "lint", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 1 and "data-loss" in result.stdout and "not acknowledged" in result.stderr
    path.write_text(ACKNOWLEDGED + "DROP TABLE legacy;\n")
    again = subprocess.run(
        [sys.executable, "-m", "puckdb", "lint", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
