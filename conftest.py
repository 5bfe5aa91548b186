"""Test infrastructure shared by every package's tests.

One embedded PostgreSQL server per version per test session, in a temporary directory in
RAM when the machine has one (never the developer's own .puckdb/), and a fresh database
per test. Tests that take
``pg_server`` or ``database_url`` run on PostgreSQL 18 and 16 both; set
PUCKDB_TEST_PG=18 (or 16) to run one version only while iterating.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql

from puckdb.server.embedded import EmbeddedServer
from puckdb.testing.server import THROWAWAY_SETTINGS, ram_directory

# Property tests are deterministic unless asked otherwise: CI (and a plain `uv run pytest`)
# draws the same examples from a fixed seed every run, with no example database to carry
# failures from one run into the next, so a green run means the code, not luck. Exploring
# for new defects is a choice: `--hypothesis-profile=explore` (random, failures remembered in
# .hypothesis/; PUCKDB_ORACLE_EXAMPLES=500 for more of them); every failure found that way is
# pinned with @example in its test file.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile("ci")


def _versions() -> list[int]:
    raw = os.environ.get("PUCKDB_TEST_PG", "18,16")
    return [int(part) for part in raw.split(",") if part.strip()]


_counter = itertools.count()


@pytest.fixture(scope="session", params=_versions(), ids=lambda version: f"pg{version}")
def pg_server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    """A running embedded server of one PostgreSQL version, shared by the session."""
    with throwaway_server(request.param) as server:
        yield server


@pytest.fixture
def other_version_server(pg_server: EmbeddedServer) -> Iterator[EmbeddedServer]:
    """A throwaway server of the other supported major version than ``pg_server``'s (for
    code read on one version and a database on the other)."""
    with throwaway_server({16: 18, 18: 16}[pg_server.version], "other") as server:
        yield server


@contextmanager
def throwaway_server(version: int, purpose: str = "test") -> Iterator[EmbeddedServer]:
    """A running embedded server of PostgreSQL ``version`` for the block, then removed."""
    # Not under pytest's own temporary tree: a second pytest session resets that tree's
    # permissions, which a server running as the `puckdb` system user (under root) would
    # then lose access to mid-run. In RAM when there is one: creating a database costs
    # what writing its files costs, about 20 times less there (see puckdb.testing.server);
    # durability buys nothing in a throwaway cluster.
    root = Path(tempfile.mkdtemp(prefix=f"puckdb-{purpose}-pg{version}-", dir=ram_directory()))
    server = EmbeddedServer(root / ".puckdb", version, settings=THROWAWAY_SETTINGS)
    try:
        server.ensure_running()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: EmbeddedServer, template: str = "template0") -> str:
    """Create a uniquely named database on ``server`` (a copy of ``template``); its URL."""
    name = f"test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    return server.url(name)


def drop_database(server: EmbeddedServer, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name))))


@pytest.fixture
def database_url(pg_server: EmbeddedServer) -> Iterator[str]:
    """The URL of a fresh, empty database for this test, dropped afterwards."""
    url = create_database(pg_server)
    yield url
    drop_database(pg_server, url)


@pytest.fixture
def new_database(pg_server: EmbeddedServer) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty databases for tests that need several; all are dropped."""
    created: list[str] = []

    def make() -> str:
        created.append(create_database(pg_server))
        return created[-1]

    yield make
    for url in created:
        drop_database(pg_server, url)
