"""Fixtures of the branch tests: a project whose main database holds one row, and roles."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from puckdb.branches.admin import database_of
from puckdb.server.embedded import EmbeddedServer

from .support import databases, drop_databases, write_project

_roles = itertools.count()


@pytest.fixture
def admin_url(pg_server: EmbeddedServer) -> str:
    return pg_server.url("postgres")


@pytest.fixture
def project_dir(tmp_path: Path, database_url: str, admin_url: str) -> Iterator[Path]:
    """A project configured with DATABASE_URL = ``database_url``, whose table ``notes``
    holds one row; every branch of that database (and any temporary) is dropped after."""
    root = write_project(tmp_path / "project")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        conn.execute("INSERT INTO notes VALUES (1, 'from main')")
    yield root
    main = database_of(database_url)
    drop_databases(admin_url, databases(admin_url, f"{main}\\_\\_%") + databases(admin_url, "puckdb-%"))


@pytest.fixture
def make_role(admin_url: str) -> Iterator[Callable[..., str]]:
    """A factory of login roles (``make_role("CREATEDB")``), dropped after the test with
    every database they own."""
    made: list[str] = []

    def make(*options: str) -> str:
        name = f"branch_role_{os.getpid()}_{next(_roles)}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN " + " ".join(options)).format(sql.Identifier(name)))
        made.append(name)
        return name

    yield make
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in made:
            owned = conn.execute(
                "SELECT datname FROM pg_database WHERE datdba = %s::regrole", (name,)
            ).fetchall()
            for (database,) in owned:
                conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO postgres").format(sql.Identifier(database)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
