"""puckdb's pytest plugin: every test gets its own database at the latest migration.

Installed with puckdb (entry point ``pytest11``), so any project that depends on puckdb can
use these fixtures without a conftest line::

    def test_signup(puckdb_url):                 # a libpq URL: postgresql://…
        with psycopg.connect(puckdb_url) as conn:
            ...

Fixtures (function scope unless said):

- ``puckdb_database`` — a :class:`~puckdb.testing.databases.MigratedDatabase` (``.name``,
  ``.url``, ``.sqlalchemy_url``, ``.template``): a fresh database holding every migration of
  the project's folder, copied from a template that is built once and reused across
  sessions until the folder changes. Dropped after the test.
- ``puckdb_url`` — that database's libpq URL.
- ``puckdb_engine`` — a SQLAlchemy Engine on it, disposed after the test.
- ``puckdb_connection`` — a psycopg connection to it (a transaction opens with the first
  statement; commit to show rows to other connections), closed after the test.
- ``puckdb_env`` — sets the project's database variable (``DATABASE_URL`` unless
  ``database_url_env`` says otherwise) to that URL for the test, and ``PUCKDB_BRANCH`` to
  ``main`` so that no database branch is applied on top of it: the application's own code,
  which resolves its URL the way puckdb does, reaches exactly the test database. Its value
  is the URL.
- ``puckdb_new_database`` — a factory for tests that need more than one such database.
- ``puckdb_databases`` (session) — the :class:`~puckdb.testing.databases.MigratedDatabases`
  behind them all; ``puckdb_project`` (session) — the project's :class:`~puckdb.project.Project`.

The server is the project's *test server* (:mod:`puckdb.testing.server`): an embedded
PostgreSQL of the configured version with durability off, in RAM (``/dev/shm``) when the
machine has it, else in ``.puckdb/test`` beside the configuration (found walking up from
pytest's rootdir, then from the directory pytest was run in; or ``--puckdb-config PATH``).
The developer's own embedded server and its data are never touched. It is started when a
test first needs it and stopped at the end of the session when the plugin started it and
nobody else is connected; its data (the templates) stays until the machine restarts. ``--puckdb-url URL``
or the environment variable ``PUCKDB_TEST_DATABASE_URL`` names another server instead (the
URL of any database there, for a role that may create databases). ``DATABASE_URL`` is never
used: tests must not reach a real database by accident.

The plugin costs nothing in a session that uses none of its fixtures: this module imports
only pytest; puckdb's machinery, psycopg and SQLAlchemy are imported by the fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy import Engine

    from puckdb.errors import PuckdbError
    from puckdb.project import Project
    from puckdb.server.embedded import EmbeddedServer
    from puckdb.testing.databases import MigratedDatabase, MigratedDatabases
    from puckdb.testing.server import ServerUse

URL_ENV = "PUCKDB_TEST_DATABASE_URL"
"""Environment variable: the server for test databases, when not the embedded one."""

__all__ = [
    "URL_ENV",
    "puckdb_connection",
    "puckdb_database",
    "puckdb_databases",
    "puckdb_engine",
    "puckdb_env",
    "puckdb_new_database",
    "puckdb_project",
    "puckdb_url",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("puckdb", "puckdb test databases")
    group.addoption(
        "--puckdb-url",
        dest="puckdb_url",
        metavar="URL",
        default=None,
        help=(
            "server for puckdb's test databases: the URL of any database there, for a role that may "
            f"create databases (default: ${URL_ENV}, else the project's embedded server)"
        ),
    )
    group.addoption(
        "--puckdb-config",
        dest="puckdb_config",
        metavar="PATH",
        default=None,
        help="the puckdb.toml or pyproject.toml of the project under test (default: found walking up)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Only a glance at the scheme here, so that a mistyped option stops the run at once; the
    # full check (libpq's parser) waits until a fixture needs the server.
    choice = _server_url(config)
    if choice is not None and urlsplit(choice[0]).scheme.split("+", 1)[0] not in ("postgresql", "postgres"):
        raise pytest.UsageError(
            f"The test server URL from {choice[1]} is not a PostgreSQL URL: it must start with "
            "postgresql:// (e.g. postgresql://user:password@localhost:5432/postgres)."
        )


def _server_url(config: pytest.Config) -> tuple[str, str] | None:
    """The test server's URL and where it came from, or None for the embedded server."""
    option = config.getoption("puckdb_url", None)
    if option:
        return str(option), "--puckdb-url"
    from_env = os.environ.get(URL_ENV, "").strip()
    if from_env:
        return from_env, f"the environment variable {URL_ENV}"
    return None


def _fail(error: PuckdbError) -> NoReturn:
    # The paragraph says what is wrong and what to do; a traceback through the plugin, or
    # the chain of exceptions behind the paragraph, would only bury it.
    raise pytest.fail.Exception(f"puckdb: {error.message}", pytrace=False) from None


# -- session fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def puckdb_project(pytestconfig: pytest.Config) -> Project:
    """The project under test: its configuration, found as the ``puckdb`` command finds it."""
    from puckdb.config import find_config_file, load_config
    from puckdb.errors import ConfigError
    from puckdb.project import Project

    invocation_dir = pytestconfig.invocation_params.dir
    explicit = pytestconfig.getoption("puckdb_config", None)
    try:
        if explicit:
            config = load_config(Path(str(explicit)), invocation_dir)
        else:
            starts = dict.fromkeys((pytestconfig.rootpath, invocation_dir))
            found = next((f for f in map(find_config_file, starts) if f is not None), None)
            if found is None:
                raise ConfigError(
                    f"No puckdb configuration was found above pytest's rootdir {pytestconfig.rootpath} "
                    f"or the directory pytest runs in, {invocation_dir}, so the test databases' "
                    "migrations are unknown. Add [tool.puckdb] to your pyproject.toml (or a "
                    "puckdb.toml), or pass --puckdb-config PATH."
                )
            config = load_config(found)
    except ConfigError as error:
        _fail(error)
    # Not Project.load(): it validates DATABASE_URL, which the test databases never use.
    return Project(config=config, cwd=config.root)


@pytest.fixture(scope="session")
def puckdb_databases(pytestconfig: pytest.Config, puckdb_project: Project) -> Iterator[MigratedDatabases]:
    """Migrated databases on the test server; the template is ready when this returns."""
    from puckdb.errors import PuckdbError
    from puckdb.testing.databases import MigratedDatabases
    from puckdb.urls import normalize_url

    config = puckdb_project.config
    choice = _server_url(pytestconfig)
    server: EmbeddedServer | None = None
    use: ServerUse | None = None
    started = False
    try:
        if choice is None:
            from puckdb.testing.server import ServerUse, throwaway_server

            server = throwaway_server(config)
            use = ServerUse(server)  # before starting: a session stopping it waits for us
            started = server.ensure_running()
            server_url = server.url("postgres")
            source = f"the test PostgreSQL {server.version} server in {server.data_dir}"
        else:
            server_url = normalize_url(*choice)
            source = choice[1]
    except PuckdbError as error:
        _fail(error)
    databases = MigratedDatabases(
        server_url, config.migrations, lock_timeout_seconds=config.lock_timeout, source=source
    )
    try:
        try:
            # Built here, not by the first test: a broken migration then fails every test
            # with the same message, without a new attempt per test.
            databases.ensure_template()
        except PuckdbError as error:
            _fail(error)
        yield databases
    finally:
        _finish(databases, server if started else None, use)


def _finish(
    databases: MigratedDatabases, started_server: EmbeddedServer | None, use: ServerUse | None
) -> None:
    """Close the session's connection; stop the embedded server if this session started it
    and no one else uses it: no other pytest session holds its share of the server (see
    :class:`~puckdb.testing.server.ServerUse`) and no other client (a studio, psql) is
    connected."""
    import psycopg

    from puckdb.errors import PuckdbError

    try:
        alone = use.release_and_claim_alone() if use is not None and started_server is not None else False
        try:
            others = databases.other_sessions() if alone else 0
        except (PuckdbError, psycopg.Error):
            others = 0  # the server is unreachable: there is nothing left to share
        finally:
            databases.close()
        if started_server is not None and alone and others == 0:
            started_server.stop()
    finally:
        if use is not None:
            use.close()


# -- per-test fixtures ----------------------------------------------------------------------


@pytest.fixture
def puckdb_database(puckdb_databases: MigratedDatabases) -> Iterator[MigratedDatabase]:
    """A fresh database at the latest migration, dropped after the test."""
    from puckdb.errors import PuckdbError

    try:
        database = puckdb_databases.create()
    except PuckdbError as error:
        _fail(error)
    try:
        yield database
    finally:
        puckdb_databases.drop(database)


@pytest.fixture
def puckdb_new_database(
    puckdb_databases: MigratedDatabases,
) -> Iterator[Callable[[], MigratedDatabase]]:
    """A factory of fresh migrated databases, for a test that needs several; all are
    dropped after the test."""
    from puckdb.errors import PuckdbError

    made: list[MigratedDatabase] = []

    def make() -> MigratedDatabase:
        try:
            made.append(puckdb_databases.create())
        except PuckdbError as error:
            _fail(error)
        return made[-1]

    try:
        yield make
    finally:
        for database in made:
            puckdb_databases.drop(database)


@pytest.fixture
def puckdb_url(puckdb_database: MigratedDatabase) -> str:
    """The libpq URL (``postgresql://…``) of the test's migrated database."""
    return puckdb_database.url


@pytest.fixture
def puckdb_engine(puckdb_database: MigratedDatabase) -> Iterator[Engine]:
    """A SQLAlchemy Engine (psycopg 3 driver) on the test's database, disposed afterwards."""
    from sqlalchemy import create_engine

    engine = create_engine(puckdb_database.sqlalchemy_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def puckdb_connection(puckdb_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A psycopg connection to the test's database (not autocommit: a transaction opens with
    the first statement), closed afterwards; uncommitted work is discarded with it."""
    import psycopg

    # Not `with connect() as conn`: that commits on the way out, and a test that left its
    # transaction failed would then fail in teardown.
    conn = psycopg.connect(puckdb_url)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def puckdb_env(puckdb_url: str, puckdb_project: Project, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the application at the test's database: the project's database variable
    (``DATABASE_URL`` by default) holds its URL during the test, and ``PUCKDB_BRANCH=main``
    keeps the developer's database branch (``puckdb branch switch``, ``branch = "git"``)
    from being applied on top of it: the URL is used exactly. Code that caches an engine
    must drop it around the test itself (StudyPuck: ``studypuck_database.reset_engine()``)."""
    from puckdb.branches import BRANCH_ENV, MAIN

    monkeypatch.setenv(puckdb_project.config.database_url_env, puckdb_url)
    monkeypatch.setenv(BRANCH_ENV, MAIN)
    return puckdb_url
