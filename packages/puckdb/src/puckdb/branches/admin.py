"""The server-side work behind branches: one maintenance session and the database-level
statements it runs (copy, drop, rename into place, comments, sizes, who is connected).

``CREATE``/``DROP``/``ALTER DATABASE`` need a session in *some other* database of the
server. ``postgres`` is the usual one, but managed servers may not let every role connect
to it, and a cluster may not have it at all; ``template1`` exists everywhere; the main
database itself is the last resort (PostgreSQL lets a session copy the database it is in,
but not rename or drop it, which :meth:`Admin.replace_database` says clearly).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from puckdb.branches.errors import (
    BranchError,
    BranchExistsError,
    CreateDatabaseDeniedError,
    DatabaseBusyError,
)
from puckdb.branches.names import temporary_database_name
from puckdb.connect import connect
from puckdb.errors import DatabaseUnreachableError
from puckdb.urls import with_database

MAINTENANCE_DATABASES = ("postgres", "template1")
_LOCK_WAIT = "60s"
_ATTEMPTS = 3
_LEAVING_SECONDS = 2.0


def database_of(url: str) -> str:
    """The database a URL names (libpq's default: the user's name, else ``postgres``)."""
    parts = conninfo_to_dict(url)
    return str(parts.get("dbname") or parts.get("user") or "postgres")


def connect_maintenance(main_url: str) -> psycopg.Connection[Any]:
    """An autocommit session on the server of ``main_url`` for database-level statements:
    in ``postgres``, else ``template1``, else the main database itself."""
    candidates = dict.fromkeys([*MAINTENANCE_DATABASES, database_of(main_url)])
    error: DatabaseUnreachableError | None = None
    for database in candidates:
        try:
            return connect(with_database(main_url, database), autocommit=True)
        except DatabaseUnreachableError as failed:
            error = failed
            # The server answered and refused this database (missing, no CONNECT right):
            # another may do. Anything else (no server, a timeout) would only repeat.
            if "FATAL" not in str(failed.__cause__ or ""):
                raise
    assert error is not None
    raise error


class Admin:
    """Database-level statements on one maintenance session."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.database = str(conn.info.dbname)
        """The database the session itself is in."""

    # -- reading ---------------------------------------------------------------------------

    def databases(self) -> list[tuple[str, str | None]]:
        """Every non-template database with its comment (readable by any role)."""
        rows = self.conn.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE NOT datistemplate"
        ).fetchall()
        return [(str(name), comment) for name, comment in rows]

    def exists(self, database: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        return row is not None

    def comment(self, database: str) -> str | None:
        row = self.conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        return None if row is None else row[0]

    def sizes(self, databases: Sequence[str]) -> list[int | None]:
        """Each database's size, None where the role may not see it.

        pg_database_size() needs CONNECT on the database (or pg_read_all_stats); a managed
        server's own databases (rdsadmin, …) refuse it, so only the databases asked about
        are sized, and each only when the role may.
        """
        try:
            rows = self.conn.execute(
                "SELECT CASE WHEN has_database_privilege(d, 'CONNECT') "
                "OR pg_has_role('pg_read_all_stats', 'MEMBER') THEN pg_database_size(d) END "
                "FROM unnest(%s::text[]) WITH ORDINALITY AS t(d, n) ORDER BY n",
                (list(databases),),
            ).fetchall()
        except psycopg.Error:
            # A database dropped meanwhile, or a privilege check the server refuses: the
            # list is still worth showing, without sizes.
            return [None] * len(databases)
        return [None if size is None else int(size) for (size,) in rows]

    def sessions(self, database: str) -> str:
        """Who is connected to ``database``, for messages: ``2 open connection(s): pid 1 (studio), …``."""
        pids = self._pids(database)
        listed = ", ".join(f"pid {pid}" + (f" ({app})" if app else "") for pid, app in pids[:5])
        more = f" and {len(pids) - 5} more" if len(pids) > 5 else ""
        return f"{len(pids)} open connection(s): {listed}{more}" if pids else "open connections"

    # -- changing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, database: str) -> Iterator[None]:
        """Serialise puckdb commands that create or replace ``database``: a second create
        of one branch waits for the first, then finds the branch there."""
        digest = hashlib.sha256(f"puckdb.branch:{database}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        self.conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(_LOCK_WAIT)))
        try:
            self.conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        except pg_errors.LockNotAvailable as error:
            raise BranchError(
                f"Another puckdb command has been changing {database} for over {_LOCK_WAIT} and still "
                "holds its lock. Wait for it to finish (or end it), then run this again."
            ) from error
        finally:
            self.conn.execute("RESET lock_timeout")
        try:
            yield
        finally:
            if not self.conn.broken:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def set_comment(self, database: str, comment: str | None) -> None:
        self.conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(database), sql.Literal(comment))
        )

    def copy(self, source: str, target: str, *, force: bool, what: str) -> None:
        """``CREATE DATABASE target TEMPLATE source``; ``force`` ends the source's sessions."""
        # FILE_COPY: a branch may be a large database, which WAL_LOG would push through the WAL.
        strategy = " STRATEGY FILE_COPY" if self.conn.info.server_version >= 150000 else ""
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(
            sql.Identifier(target), sql.Identifier(source)
        )
        # Looked at first: PostgreSQL itself waits five seconds for the source's sessions to
        # go before it refuses, and a busy source is the usual case, not a race.
        if self.exists(target):
            raise self._exists_error(what, target)
        if self._pids(source):
            if force:
                self._terminate(source)
            elif not self._sessions_leave(source):
                raise self._busy_source(what, source)
        for attempt in range(_ATTEMPTS):
            try:
                self.conn.execute(statement)
                return
            except (pg_errors.DuplicateDatabase, pg_errors.UniqueViolation) as error:
                raise self._exists_error(what, target) from error
            except pg_errors.ObjectInUse as error:
                if self.exists(target):  # someone else's copy under this name got there first
                    raise self._exists_error(what, target) from error
                if not force or attempt == _ATTEMPTS - 1:
                    raise self._busy_source(what, source) from error
                self._terminate(source)
            except pg_errors.InsufficientPrivilege as error:
                reason = error.diag.message_primary or "permission denied"
                raise CreateDatabaseDeniedError(
                    f"Cannot create {what}: the role may not create databases on this server ({reason}). "
                    "Branches are databases: they need a role with CREATEDB (ALTER ROLE … CREATEDB).",
                    reason,
                ) from error

    def drop(self, database: str, *, force: bool, what: str) -> None:
        """Drop ``database``; without ``force``, only when nobody is connected to it."""
        if not force:
            self.disconnect(database, force=False, what=what)
        self.conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))

    def disconnect(self, database: str, *, force: bool, what: str) -> None:
        """Make sure nobody is connected to ``database``: end them with ``force``, else refuse."""
        if not self._pids(database):
            return
        if not force:
            sessions = self.sessions(database)
            raise DatabaseBusyError(
                f"{what} ({database}) has {sessions}. Close them, or pass --force to end them "
                "(development only).",
                database,
                sessions,
            )
        self._terminate(database)

    def replace_database(
        self, target: str, fresh: str, comment: str | None, *, force: bool, what: str
    ) -> None:
        """Put the database ``fresh`` (made by the caller for this purpose) in the place of
        ``target``, with ``comment``; the old content of ``target`` is dropped.

        Both renames run in one transaction: at every moment ``target`` names either the
        old database or the new one. If the swap cannot happen, ``fresh`` is dropped and
        ``target`` is untouched. Nothing but ``fresh`` and the old ``target`` (under a
        temporary name only this call uses) is ever dropped.
        """
        try:
            old = self._swap(target, fresh, comment, force=force, what=what)
        except BaseException:
            if not self.conn.broken:
                with contextlib.suppress(psycopg.Error):
                    self.conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(fresh)))
            raise
        self.conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(old)))

    # -- internals -------------------------------------------------------------------------

    def _swap(self, target: str, fresh: str, comment: str | None, *, force: bool, what: str) -> str:
        if target == self.database:
            raise BranchError(
                f"Cannot replace {what} ({target}): puckdb reaches this server only through {target} "
                f"itself (neither {' nor '.join(MAINTENANCE_DATABASES)} accepts this role's connections), "
                "and PostgreSQL cannot rename the database a session is in. Grant the role CONNECT on "
                "postgres, then run this again."
            )
        old = temporary_database_name("replaced")
        rename = sql.SQL("ALTER DATABASE {} RENAME TO {}")
        for attempt in range(_ATTEMPTS):
            self.disconnect(target, force=force, what=what)
            try:
                with self.conn.transaction():
                    self.conn.execute(rename.format(sql.Identifier(target), sql.Identifier(old)))
                    self.conn.execute(rename.format(sql.Identifier(fresh), sql.Identifier(target)))
                    self.set_comment(target, comment)
                return old
            except pg_errors.ObjectInUse as error:
                # Someone connected between the check and the rename.
                if not force or attempt == _ATTEMPTS - 1:
                    sessions = self.sessions(target)
                    raise DatabaseBusyError(
                        f"Cannot replace {what} ({target}): it has {sessions}. Close them, or pass "
                        "--force to end them (development only).",
                        target,
                        sessions,
                    ) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _busy_source(self, what: str, source: str) -> DatabaseBusyError:
        sessions = self.sessions(source)
        return DatabaseBusyError(
            f"Cannot create {what}: PostgreSQL copies a database only while nobody is "
            f"connected to it, and {source} has {sessions}. Close them (stop the app, the "
            "studio, psql), or pass --force to end them (development only).",
            source,
            sessions,
        )

    def _exists_error(self, what: str, target: str) -> BranchExistsError:
        return BranchExistsError(
            f"Cannot create {what}: a database named {target} already exists (another process has "
            "just created it). `puckdb branch list` shows the branches.",
            target,
        )

    def _pids(self, database: str) -> list[tuple[int, str]]:
        """The client sessions on ``database``. Autovacuum workers are left out: they visit
        every database now and then (often a freshly written one), and PostgreSQL itself
        ends them for CREATE, ALTER and DROP DATABASE, so they never block a copy."""
        rows = self.conn.execute(
            "SELECT pid, coalesce(application_name, '') FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type <> 'autovacuum worker'",
            (database,),
        ).fetchall()
        return [(int(pid), str(app)) for pid, app in rows]

    def _sessions_leave(self, database: str) -> bool:
        """Whether the sessions on ``database`` are gone within a moment. A client that has
        just disconnected (a script's psql, the command before this one) is still listed
        while its backend exits, which takes milliseconds, or longer on a loaded machine;
        a session in use stays. PostgreSQL's own wait before refusing a copy is five
        seconds; this one is shorter, so a busy source is still named promptly."""
        deadline = time.monotonic() + _LEAVING_SECONDS
        while self._pids(database):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def _terminate(self, database: str) -> None:
        # wait up to 5 s for each session to end, so the statement that follows does not race it
        self.conn.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )
