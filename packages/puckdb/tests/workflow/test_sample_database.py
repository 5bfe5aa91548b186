"""A database nobody here wrote, taken over end to end through the command line: ``pull``
writes its schema module, ``generate`` the migration, ``apply`` builds a fresh database
from it, and that database is the original by ``pg_dump --schema-only``; ``baseline``
then records the migration on the original, where ``check`` finds nothing to say.

The sample (sample_rentals.sql) holds every kind puckdb manages: collations, enums,
domains, composite types, functions, triggers, identity columns, a partitioned table with
its partitions, a view, a materialized view with an index, row-level security, policies
and grants.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from puckdb.migrations.tracking import TRACKING_SCHEMA
from puckdb.project import DEV_URL_ENV
from puckdb.server.embedded import EmbeddedServer, postgres_bin_dir

SAMPLE = Path(__file__).with_name("sample_rentals.sql")
_ISOLATED = ("DATABASE_URL", "PUCKDB_BRANCH", DEV_URL_ENV)


@pytest.fixture
def databases(pg_server: EmbeddedServer) -> Iterator[tuple[str, str]]:
    """The original database (the sample loaded) and an empty one, both dropped after."""
    names = [f"sample_{os.getpid()}_{part}" for part in ("original", "copy")]
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        with psycopg.connect(pg_server.url(names[0]), autocommit=True) as conn:
            conn.execute(SAMPLE.read_text(encoding="utf-8").encode())
        yield pg_server.url(names[0]), pg_server.url(names[1])
    finally:
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            for name in names:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def puckdb(root: Path, server: EmbeddedServer, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in _ISOLATED}
    environment.update({"COLUMNS": "200", "DATABASE_URL": url, DEV_URL_ENV: server.url("postgres")})
    return subprocess.run(
        [sys.executable, "-m", "puckdb", *args],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


def schema_dump(server: EmbeddedServer, url: str) -> list[str]:
    """``pg_dump --schema-only`` without what differs between any two dumps (comments,
    settings, pg_dump's random restrict key) and without puckdb's own bookkeeping."""
    dumped = subprocess.run(
        [
            str(postgres_bin_dir(server.version) / "pg_dump"),
            "--schema-only",
            "--no-owner",
            f"--exclude-schema={TRACKING_SCHEMA}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    lines = []
    for line in dumped.splitlines():
        if not line.strip() or line.startswith(
            ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
        ):
            continue
        lines.append(line)
    return lines


def _same_dump(copy: list[str], original: list[str]) -> None:
    """The two dumps hold the same lines. pg_dump orders independent objects by OID, which
    differs between the databases, so lines are compared as a multiset; a failure shows
    the dumps' difference as a diff."""
    __tracebackhide__ = True
    if sorted(copy) != sorted(original):
        diff = "\n".join(difflib.unified_diff(original, copy, "original", "copy", lineterm=""))
        raise AssertionError(f"the copy's schema differs from the original's:\n{diff}")


def test_pull_generate_apply_reproduces_the_database_and_check_agrees_after_baseline(
    pg_server: EmbeddedServer, databases: tuple[str, str], tmp_path: Path
) -> None:
    original, copy = databases
    (tmp_path / "puckdb.toml").write_text('schema = "schema.py"\n', encoding="utf-8")

    pulled = puckdb(tmp_path, pg_server, original, "pull", "--out", "schema.py")
    assert pulled.returncode == 0, pulled.stderr
    module = (tmp_path / "schema.py").read_text(encoding="utf-8")
    assert "puckdb pull: the database also holds what puckdb does not manage" not in module, module
    assert "cannot be declared on a puckdb.Partition" not in module, module

    generated = puckdb(tmp_path, pg_server, copy, "generate", "--name", "initial")
    assert generated.returncode == 0, generated.stderr + generated.stdout
    applied = puckdb(tmp_path, pg_server, copy, "apply")
    assert applied.returncode == 0, applied.stderr + applied.stdout

    _same_dump(schema_dump(pg_server, copy), schema_dump(pg_server, original))

    recorded = puckdb(tmp_path, pg_server, original, "baseline", "1")
    assert recorded.returncode == 0, recorded.stderr + recorded.stdout
    checked = puckdb(tmp_path, pg_server, original, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "not managed" not in checked.stdout + checked.stderr
