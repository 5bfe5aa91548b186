"""A throwaway puckdb project per test: its own folder, schema module and database, with
scratch and shadow databases on the session's server (PUCKDB_DEV_URL)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from puckdb.project import DEV_URL_ENV, Project
from puckdb.server.embedded import EmbeddedServer

SCHEMA_HEADER = """\
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, MetaData, String, Table, Text, DateTime
from pgvector.sqlalchemy import Vector

metadata = MetaData()
"""


@dataclass
class Workspace:
    root: Path
    url: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def migrations(self) -> Path:
        return self.root / "migrations"

    def write_schema(self, body: str) -> None:
        source = SCHEMA_HEADER + textwrap.dedent(body)
        (self.root / "schema.py").write_text(source, encoding="utf-8")

    def project(self) -> Project:
        return Project.load(cwd=self.root, environ=self.env)

    def files(self) -> list[str]:
        return sorted(p.name for p in self.migrations.iterdir()) if self.migrations.is_dir() else []

    def environment(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        environment.update(self.env)
        environment["COLUMNS"] = "200"  # keep messages on one line for the assertions
        return environment

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """The real `puckdb` command in a subprocess, without a terminal."""
        return subprocess.run(
            [sys.executable, "-m", "puckdb", *args],
            cwd=self.root,
            env=self.environment(),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "puckdb", *args],
            cwd=self.root,
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def run_in_terminal(
        self, *args: str, answers: Sequence[tuple[str, str]] = (), timeout: float = 120
    ) -> tuple[int, str]:
        """The real `puckdb` command on a pseudo-terminal (stdin, stdout and stderr), typing
        each answer once its prompt (a piece of text) has appeared. Returns the exit code
        and everything the terminal showed, without colour codes."""
        master, slave = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "puckdb", *args],
            cwd=self.root,
            env=self.environment(),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        shown, answered_up_to, waiting = "", 0, list(answers)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if not ready:
                    if process.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the command exited and closed the terminal
                    break
                if not chunk:
                    break
                shown += _ANSI.sub("", chunk.decode(errors="replace")).replace("\r\n", "\n")
                if waiting and waiting[0][0] in shown[answered_up_to:]:
                    os.write(master, (waiting.pop(0)[1] + "\n").encode())
                    answered_up_to = len(shown)
            else:
                process.kill()
                raise AssertionError(f"puckdb {' '.join(args)} did not finish on the terminal:\n{shown}")
            code = process.wait(timeout=30)
        finally:
            os.close(master)
        assert not waiting, f"these prompts never appeared: {waiting}\n{shown}"
        return code, shown


def query(url: str, sql: str) -> list[tuple[object, ...]]:
    """The rows ``sql`` returns, run as written (no %-placeholders) in autocommit mode."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql.encode()).fetchall()


def execute(url: str, sql: str) -> None:
    """Run ``sql`` as written in autocommit mode (for statements that return no rows)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode())


def public_tables(url: str) -> list[str]:
    """The names of the tables in schema public of the database at ``url``, sorted."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    return [row[0] for row in rows]


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


@pytest.fixture
def workspace(tmp_path: Path, pg_server: EmbeddedServer, database_url: str) -> Iterator[Workspace]:
    (tmp_path / "puckdb.toml").write_text(
        'schema = "schema.py"\nmigrations = "migrations"\n', encoding="utf-8"
    )
    env = {DEV_URL_ENV: pg_server.url("postgres"), "DATABASE_URL": database_url}
    yield Workspace(tmp_path, database_url, env)
