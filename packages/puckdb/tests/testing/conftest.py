"""Tests of the pytest plugin run pytest itself, in a subprocess, on a tiny project.

pytester would be the usual tool, but `pytest_plugins = ["pytester"]` is refused in a
conftest below the rootdir when the whole suite runs (pytest: "Defining 'pytest_plugins'
in a non-top-level conftest is no longer supported"), and the subprocess is closer to
what a user runs anyway: the plugin is loaded from its installed entry point, and each run
is a separate session, which is what template reuse is about.

Every run points the plugin at the session's server (PUCKDB_TEST_DATABASE_URL or
--puckdb-url), so these tests start no server of their own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock
from puckdb.server.embedded import EmbeddedServer
from puckdb.testing.databases import DATABASE_PREFIX, TEMPLATE_PREFIX, project_key

# Variables that would leak the outer session's settings into the inner one.
# The inner pytest runs see none of these: the outer session's database settings would leak
# into them, and pytest prints the short summary untruncated when CI or BUILD_NUMBER is set,
# which would make the inner output differ between a CI machine and a laptop.
_ISOLATED = (
    "DATABASE_URL",
    "PUCKDB_TEST_DATABASE_URL",
    "PUCKDB_DEV_URL",
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "CI",
    "BUILD_NUMBER",
)

NOTES_MIGRATION = "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);\n"
UNREACHABLE_URL = "postgresql://nobody@127.0.0.1:9/none"


@dataclass
class Run:
    returncode: int
    output: str

    def outcomes(self) -> dict[str, int]:
        """Counts from pytest's final summary line ("2 passed, 1 error in 0.5s")."""
        lines = [line for line in self.output.splitlines() if line.strip()]
        found = re.findall(r"(\d+) (passed|failed|errors?|skipped|deselected)", lines[-1] if lines else "")
        return {("error" if kind.startswith("error") else kind): int(count) for count, kind in found}


@dataclass
class TinyProject:
    """A puckdb project with a migrations folder and inner tests, outside the repository
    (so that the repository's own conftest and pytest settings do not apply)."""

    root: Path
    server: EmbeddedServer | None
    """The session's server; None for runs that must not reach any."""

    @property
    def migrations(self) -> Path:
        return self.root / "migrations"

    @property
    def server_url(self) -> str:
        return self.server.url("postgres") if self.server is not None else UNREACHABLE_URL

    def add_migration(self, file_name: str, sql: str, *, lock: bool = True) -> None:
        self.migrations.mkdir(exist_ok=True)
        (self.migrations / file_name).write_text(sql, encoding="utf-8")
        if lock:
            write_lock(self.migrations, read_migrations(self.migrations))

    def write_tests(self, source: str, name: str = "test_inner.py") -> None:
        (self.root / name).write_text(textwrap.dedent(source), encoding="utf-8")

    def environment(self, **extra: str) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if k not in _ISOLATED}
        environment["PUCKDB_TEST_DATABASE_URL"] = self.server_url
        environment.update(extra)
        return environment

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            # Its own --basetemp: a pytest session on the default one (/tmp/pytest-of-<user>)
            # resets that folder to 0700, which cuts the embedded server's user off from the
            # outer session's tmp_path servers while they run (initdb fails half-way).
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--basetemp={self.root / '.pytest-tmp'}",
                *args,
            ],
            cwd=self.root,
            env=self.environment() if env is None else env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> Run:
        process = self.start(*args, env=env)
        output, _ = process.communicate(timeout=timeout)
        return Run(process.returncode, output)

    # -- what the server holds ------------------------------------------------------------

    def databases(self, prefix: str) -> list[str]:
        """This project's databases on the server whose names start with ``prefix``."""
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) ORDER BY oid",
                (f"{prefix}{project_key(self.migrations)}_",),
            ).fetchall()
        return [row[0] for row in rows]

    def templates(self) -> list[str]:
        return self.databases(TEMPLATE_PREFIX)

    def test_databases(self) -> list[str]:
        return self.databases(DATABASE_PREFIX)


@pytest.fixture
def tiny_project(tmp_path: Path, pg_server: EmbeddedServer) -> TinyProject:
    """A project with one migration (table ``notes``) on the session's server."""
    return make_project(tmp_path, pg_server)


@pytest.fixture
def serverless_project(tmp_path: Path) -> TinyProject:
    """The same project, its test server URL pointing nowhere: for runs that must fail
    before they connect, or never connect at all."""
    return make_project(tmp_path, None)


def make_project(tmp_path: Path, server: EmbeddedServer | None) -> TinyProject:
    root = tmp_path / "app"
    root.mkdir()
    # The schema module is never imported: test databases come from the migrations alone.
    (root / "puckdb.toml").write_text('schema = "app.schema"\n', encoding="utf-8")
    # Its own rootdir, so that the inner run ignores this repository's pytest settings.
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    project = TinyProject(root, server)
    project.add_migration("0001_notes.sql", NOTES_MIGRATION)
    return project
