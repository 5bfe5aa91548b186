"""A throwaway puckdb project per test: its own folder, schema module and database, with
scratch and shadow databases on the session's server (PUCKDB_DEV_URL)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


@pytest.fixture
def workspace(tmp_path: Path, pg_server: EmbeddedServer, database_url: str) -> Iterator[Workspace]:
    (tmp_path / "puckdb.toml").write_text(
        'schema = "schema.py"\nmigrations = "migrations"\n', encoding="utf-8"
    )
    env = {DEV_URL_ENV: pg_server.url("postgres"), "DATABASE_URL": database_url}
    yield Workspace(tmp_path, database_url, env)
