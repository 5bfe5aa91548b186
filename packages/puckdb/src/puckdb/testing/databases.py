"""Migrated test databases: a template built once from the migrations folder, cloned per test.

Applying every migration for every test is what made StudyPuck's old test suite slow. Here
the folder is applied once into a *template* database, and each test gets a copy of it
(``CREATE DATABASE … TEMPLATE …``), which costs the same whatever the migrations hold.

- The template is named after the folder's chain hash (puckdb.lock's hash over every
  file name and checksum), so it survives between test sessions and is replaced as soon
  as a migration is added or changed; the templates of the same project's older folder
  states are dropped then.
- Several processes may build it at once (pytest-xdist workers, two terminals). Builders
  take an advisory lock per project, so only one applies the migrations and the others
  find its result; and a template is built under a temporary name and renamed when
  complete, so a build that was killed never leaves a half-migrated template behind.

The pytest plugin :mod:`puckdb.testing` is a thin layer over :class:`MigratedDatabases`;
``bench/testing.py`` measures it directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from puckdb import __version__
from puckdb.errors import PuckdbError
from puckdb.migrations.apply import ApplyOptions, apply_migrations
from puckdb.migrations.files import Migration
from puckdb.migrations.lockfile import chain_hashes, verified_migrations
from puckdb.urls import redact, sqlalchemy_url

TEMPLATE_PREFIX = "puckdb_tpl_"
"""Template databases: ``puckdb_tpl_<project>_<state>``; ``…_tmp_…`` while being built."""
DATABASE_PREFIX = "puckdb_test_"
"""Per-test databases: ``puckdb_test_<project>_<session>_<n>``."""

_CONNECT_TIMEOUT_SECONDS = 10
_EMPTY_CHAIN = hashlib.sha256(b"").hexdigest()


class TestDatabaseError(PuckdbError):
    """The test server, the migrations folder or the template cannot give a test its database."""

    __test__ = False  # not a test class, whatever pytest's name pattern says


@dataclass(frozen=True)
class MigratedDatabase:
    """A database at the latest migration, made for one test."""

    name: str
    url: str
    """Its libpq URL (``postgresql://…``), what ``DATABASE_URL`` expects."""
    template: str
    """The template database it was copied from."""

    @property
    def sqlalchemy_url(self) -> str:
        """The URL for SQLAlchemy's ``create_engine`` (the psycopg 3 driver)."""
        return sqlalchemy_url(self.url)


@dataclass(frozen=True)
class Template:
    """The migrated template of the current migrations folder."""

    name: str
    chain_hash: str
    """puckdb.lock's chain hash of the folder the template was built from."""
    migrations: int
    built: bool
    """True when this process applied the migrations; False when it found the template
    ready (built by an earlier session or by a concurrent process)."""


def database_url(url: str, database: str) -> str:
    """``url`` (a libpq URL) naming ``database`` instead of the database it names."""
    parts = urlsplit(url)
    # A database named in the query (?dbname=…) would override the path: drop it.
    query = "&".join(item for item in parts.query.split("&") if item and not item.startswith("dbname="))
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(database, safe=""), query, parts.fragment))


def project_key(migrations_folder: Path) -> str:
    """A short key of the project in database names, from its migrations folder's path:
    two checkouts testing against one shared server never touch each other's templates."""
    return hashlib.sha256(str(migrations_folder.resolve()).encode()).hexdigest()[:10]


def folder_state(migrations: Sequence[Migration]) -> str:
    """What the template's name says about its content: the folder's chain hash, combined
    with puckdb's version, whose tracking table the template holds as well."""
    chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
    chain_hash = chain[-1] if chain else _EMPTY_CHAIN
    return hashlib.sha256(f"{__version__}:{chain_hash}".encode()).hexdigest()[:24]


class MigratedDatabases:
    """Fresh migrated databases on one server, copied from a template built once.

    ``server_url`` is the URL of any database on the server, for a role that may create
    databases; ``source`` says where it came from, for error messages.
    """

    def __init__(
        self,
        server_url: str,
        migrations_folder: Path,
        *,
        lock_timeout_seconds: float = 10.0,
        source: str = "the test server",
    ) -> None:
        self.server_url = server_url
        self.migrations_folder = migrations_folder.resolve()
        self.lock_timeout_seconds = lock_timeout_seconds
        self.source = source
        self.project_key = project_key(self.migrations_folder)
        # The session token keeps two processes (or two machines on a shared server) from
        # choosing the same database name.
        self._session = secrets.token_hex(3)
        self._counter = itertools.count(1)
        self._admin_connection: psycopg.Connection[Any] | None = None
        self._strategy: sql.Composable = sql.SQL("")
        self._template: Template | None = None

    # -- the template ---------------------------------------------------------------------

    def template_name(self, state: str) -> str:
        return f"{TEMPLATE_PREFIX}{self.project_key}_{state}"

    def ensure_template(self) -> Template:
        """The template of the folder as it is now: found, or built (once per process)."""
        if self._template is not None:
            return self._template
        migrations = verified_migrations(self.migrations_folder)
        state = folder_state(migrations)
        chain = chain_hashes([(m.file_name, m.checksum) for m in migrations])
        name = self.template_name(state)
        admin = self._admin()
        built = False
        if not self._exists(admin, name):
            with self._build_lock(admin):
                # Whoever held the lock before us may have built it meanwhile.
                if not self._exists(admin, name):
                    self._drop_other_templates(admin, keep=name)
                    self._build(admin, name, state)
                    built = True
        self._template = Template(name, chain[-1] if chain else _EMPTY_CHAIN, len(migrations), built)
        return self._template

    def _build(self, admin: psycopg.Connection[Any], name: str, state: str) -> None:
        working = f"{TEMPLATE_PREFIX}{self.project_key}_tmp_{os.getpid()}_{secrets.token_hex(3)}"
        self._create(admin, working, "template0", strategy=sql.SQL(""))
        try:
            try:
                result = apply_migrations(
                    database_url(self.server_url, working),
                    self.migrations_folder,
                    ApplyOptions(lock_timeout_seconds=self.lock_timeout_seconds),
                )
            except PuckdbError as error:
                raise TestDatabaseError(
                    f"The test template could not be built: applying the migrations in "
                    f"{self.migrations_folder} to an empty database failed, so no test can get a "
                    f"migrated database.\n{error.message}"
                ) from error
            if folder_state([applied.migration for applied in result.applied]) != state:
                raise TestDatabaseError(
                    f"The migrations folder {self.migrations_folder} changed while puckdb built the test "
                    "template from it. Run the tests again once the folder is as you want it."
                )
            try:
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(working), sql.Identifier(name)
                    )
                )
            except pg_errors.DuplicateDatabase:
                # A builder that does not share our lock (it locked in another database of the
                # server) finished first; its template is as good as ours.
                self._drop(admin, working)
        except BaseException:
            self._drop(admin, working)
            raise

    @contextlib.contextmanager
    def _build_lock(self, admin: psycopg.Connection[Any]) -> Iterator[None]:
        digest = hashlib.sha256(f"puckdb.testing:{self.project_key}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        admin.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            if not admin.broken:
                admin.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _drop_other_templates(self, admin: psycopg.Connection[Any], keep: str) -> None:
        """Drop this project's templates of other folder states and abandoned builds."""
        prefix = f"{TEMPLATE_PREFIX}{self.project_key}_"
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
            (prefix, keep),
        ).fetchall()
        for (name,) in rows:
            if name.startswith(f"{prefix}tmp_"):
                # Under our lock every build in progress is ours, unless a builder locked in
                # another database of this server: one still connected is left alone.
                with contextlib.suppress(pg_errors.ObjectInUse):
                    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            else:
                self._drop(admin, name)

    # -- per-test databases ---------------------------------------------------------------

    def create(self) -> MigratedDatabase:
        """A new database at the latest migration, copied from the template."""
        template = self.ensure_template()
        name = f"{DATABASE_PREFIX}{self.project_key}_{self._session}_{next(self._counter)}"
        admin = self._admin()
        try:
            self._create(admin, name, template.name, strategy=self._strategy)
        except pg_errors.InvalidCatalogName:
            # The template is gone: a concurrent run with another state of the folder (another
            # branch's checkout) replaced it. Build ours again, once.
            self._template = None
            template = self.ensure_template()
            self._create(admin, name, template.name, strategy=self._strategy)
        return MigratedDatabase(name, database_url(self.server_url, name), template.name)

    def drop(self, database: MigratedDatabase | str) -> None:
        """Drop a database made by :meth:`create`, disconnecting whoever still uses it."""
        name = database if isinstance(database, str) else database.name
        self._drop(self._admin(), name)

    def other_sessions(self) -> int:
        """How many client sessions other than ours the server has (another pytest process,
        a studio, psql): the embedded server is only stopped when there are none."""
        admin = self._admin()
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        if self._admin_connection is not None:
            self._admin_connection.close()
            self._admin_connection = None

    def __enter__(self) -> MigratedDatabases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------

    def _admin(self) -> psycopg.Connection[Any]:
        """One autocommit connection for every CREATE and DROP of the session: a new
        connection per test would cost more than the copy itself on a remote server."""
        conn = self._admin_connection
        if conn is not None and not conn.closed and not conn.broken:
            return conn
        try:
            conn = psycopg.connect(
                self.server_url,
                autocommit=True,
                connect_timeout=_CONNECT_TIMEOUT_SECONDS,
                application_name="puckdb-testing",
            )
        except psycopg.OperationalError as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise TestDatabaseError(
                f"Could not connect to the test server at {redact(self.server_url)} ({self.source}): "
                f"{reason}. Check that the server runs and that the URL names a database there for a "
                "role that may create databases."
            ) from error
        self._strategy = _copy_strategy(conn)
        self._admin_connection = conn
        return conn

    def _create(
        self, admin: psycopg.Connection[Any], name: str, template: str, *, strategy: sql.Composable
    ) -> None:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
            sql.Identifier(name), sql.Identifier(template), strategy
        )
        try:
            admin.execute(statement)
        except pg_errors.InsufficientPrivilege as error:
            raise TestDatabaseError(
                f"The role of the test server URL {redact(self.server_url)} ({self.source}) may not "
                f"create databases ({error.diag.message_primary}), and every test gets a database of its "
                "own. Grant it the right (ALTER ROLE … CREATEDB) or use another role."
            ) from error
        except pg_errors.ObjectInUse as error:
            raise TestDatabaseError(
                f"PostgreSQL cannot copy the test template {template} right now: "
                f"{error.diag.message_primary}. A database is only copied while nobody is connected "
                "to it; close whatever is connected to the template (psql, a studio, a tool given "
                "its URL) and run the tests again."
            ) from error

    @staticmethod
    def _exists(admin: psycopg.Connection[Any], name: str) -> bool:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None

    @staticmethod
    def _drop(admin: psycopg.Connection[Any], name: str) -> None:
        if admin.closed or admin.broken:
            return
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _copy_strategy(admin: psycopg.Connection[Any]) -> sql.Composable:
    """How ``CREATE DATABASE`` copies the template, chosen by measurement (bench/testing.py).

    WAL_LOG (PostgreSQL 15+) writes the template's pages through the WAL; FILE_COPY copies
    its files but forces two checkpoints of the whole server. A test template is small (the
    catalogs, ~8 MB), so WAL_LOG costs ~0.05-0.1 s; FILE_COPY's checkpoints cost 0.3-0.9 s
    where fsync is on (a developer's server), and where fsync is off it is no faster than
    WAL_LOG either. Named explicitly rather than left to the server's default. Before 15
    there is no choice to make.
    """
    if admin.info.server_version < 150000:
        return sql.SQL("")
    return sql.SQL(" STRATEGY WAL_LOG")
