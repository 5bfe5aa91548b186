"""Helpers shared by the branch tests: a tiny project, the `puckdb` command in a subprocess,
roles of limited rights, and what the server holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock

# The outer session's settings must not leak into a command under test.
_ISOLATED = ("DATABASE_URL", "PUCKDB_BRANCH", "PUCKDB_DEV_URL")


def write_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "puckdb.toml").write_text('schema = "schema.py"\n', encoding="utf-8")
    (root / "schema.py").write_text(
        "from sqlalchemy import MetaData\nmetadata = MetaData()\n", encoding="utf-8"
    )
    return root


def add_migration(root: Path, file_name: str, text: str) -> None:
    folder = root / "migrations"
    folder.mkdir(exist_ok=True)
    (folder / file_name).write_text(text, encoding="utf-8")
    write_lock(folder, read_migrations(folder))


def run(root: Path, url: str | None, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m puckdb ARGS` in ``root`` with DATABASE_URL=``url``."""
    return python(root, url, "-m", "puckdb", *args, **env)


def python(root: Path, url: str | None, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in _ISOLATED}
    environment.update({"COLUMNS": "200", **env})
    if url is not None:
        environment["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, *args],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def notes(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT body FROM notes ORDER BY id").fetchall()]


def write_note(url: str, number: int, body: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO notes VALUES (%s, %s)", (number, body))


def as_role(url: str, role: str) -> str:
    """``url`` with another user name (the embedded server trusts local connections)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


def databases(admin_url: str, pattern: str) -> list[str]:
    """Names of the server's databases that match a LIKE ``pattern``."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname", (pattern,)
        ).fetchall()
    return [row[0] for row in rows]


def drop_databases(admin_url: str, names: list[str]) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
