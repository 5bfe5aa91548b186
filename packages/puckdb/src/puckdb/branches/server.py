"""Branches on a server: ``CREATE DATABASE … TEMPLATE`` copies, described by comments.

A branch's metadata (name, parent, creation time) is the comment of its database, so every
checkout pointing at the same server sees the same branches, and any role that may create
databases can branch (no table in a maintenance database to be granted). Which branch a
checkout works on is its own business (:mod:`puckdb.branches.current`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from puckdb.branches.names import MAIN, check_name, database_name
from puckdb.connect import connect
from puckdb.errors import PuckdbError, UsageError
from puckdb.urls import with_database

_TAG = "puckdb branch: "


class BranchError(PuckdbError):
    """A branch operation the server refused, or one that would lose something."""


@dataclass(frozen=True)
class Branch:
    name: str
    database: str
    parent: str | None
    created: datetime | None
    size_bytes: int | None = None

    @property
    def is_backup(self) -> bool:
        return self.name.startswith("backup-")


class BranchServer:
    """The branches of the database at ``main_url`` (the configured database, ``main``)."""

    def __init__(self, main_url: str) -> None:
        self.main_url = main_url
        self.main_database = str(conninfo_to_dict(main_url).get("dbname") or "postgres")
        self.admin_url = with_database(main_url, "postgres")

    def url(self, name: str) -> str:
        return with_database(self.main_url, database_name(self.main_database, check_name(name)))

    @contextmanager
    def _admin(self) -> Iterator[psycopg.Connection[Any]]:
        with connect(self.admin_url, autocommit=True) as conn:
            yield conn

    def branches(self) -> list[Branch]:
        with self._admin() as conn:
            rows = conn.execute(
                "SELECT datname, shobj_description(oid, 'pg_database'), pg_database_size(oid) "
                "FROM pg_database WHERE NOT datistemplate ORDER BY datname"
            ).fetchall()
        branches: list[Branch] = []
        for database, comment, size in rows:
            if database == self.main_database:
                branches.append(Branch(MAIN, database, None, None, size))
                continue
            meta = _metadata(comment)
            if meta is not None and meta.get("main") == self.main_database:
                created = datetime.fromisoformat(meta["created"]) if meta.get("created") else None
                branches.append(Branch(str(meta["name"]), database, meta.get("parent"), created, size))
        return sorted(branches, key=lambda b: (b.name != MAIN, b.name))

    def get(self, name: str) -> Branch | None:
        return next((b for b in self.branches() if b.name == name), None)

    def create(self, name: str, parent: str = MAIN, *, force: bool = False) -> Branch:
        check_name(name)
        if name == MAIN:
            raise UsageError("`main` is the configured database itself; give the branch another name.")
        source = self._existing(parent)
        target = database_name(self.main_database, name)
        created = datetime.now(UTC)
        with self._admin() as conn:
            self._copy(conn, source.database, target, force=force, what=f"branch {name!r}")
            meta = {
                "name": name,
                "parent": parent,
                "created": created.isoformat(),
                "main": self.main_database,
            }
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(target), sql.Literal(_TAG + json.dumps(meta))
                )
            )
        return Branch(name, target, parent, created)

    def delete(self, name: str, *, force: bool = False) -> Branch:
        if name == MAIN:
            raise UsageError("`main` is the configured database itself; puckdb does not delete it.")
        branch = self._existing(name)
        with self._admin() as conn:
            self._drop(conn, branch.database, force=force)
        return branch

    def reset(self, name: str, *, force: bool = False) -> Branch:
        """Re-copy ``name`` from its parent's current state."""
        branch = self._existing(name)
        if branch.parent is None:
            raise UsageError("`main` has no parent to reset from.")
        self.delete(name, force=force)
        return self.create(name, branch.parent, force=force)

    def restore(self, name: str, *, force: bool = False) -> None:
        """Make the configured database a copy of branch ``name`` (e.g. a backup).

        Built beside the current one and swapped in by renames, so a failure leaves the
        configured database as it was.
        """
        branch = self._existing(name)
        if branch.name == MAIN:
            raise UsageError("Restoring `main` from itself would change nothing.")
        fresh = f"{self.main_database}__restoring"[:63]
        old = f"{self.main_database}__replaced"[:63]
        with self._admin() as conn:
            self._drop(conn, fresh, force=True, missing_ok=True)
            self._copy(conn, branch.database, fresh, force=force, what=f"a copy of {name!r}")
            self._drop(conn, old, force=True, missing_ok=True)
            self._disconnect(conn, self.main_database, force=force, what="the configured database")
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(self.main_database), sql.Identifier(old)
                )
            )
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(fresh), sql.Identifier(self.main_database)
                )
            )
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS NULL").format(sql.Identifier(self.main_database)))
            self._drop(conn, old, force=True)

    def prune(self, keep: int, *, force: bool = False) -> list[Branch]:
        """Delete all but the newest ``keep`` backup branches."""
        backups = sorted(
            (b for b in self.branches() if b.is_backup),
            key=lambda b: b.created or datetime.min.replace(tzinfo=UTC),
        )
        doomed = backups[: max(len(backups) - keep, 0)]
        for branch in doomed:
            self.delete(branch.name, force=force)
        return doomed

    # -- helpers ------------------------------------------------------------------------

    def _existing(self, name: str) -> Branch:
        branch = self.get(name)
        if branch is None:
            known = ", ".join(b.name for b in self.branches())
            raise BranchError(f"There is no branch {name!r} of {self.main_database} (branches: {known}).")
        return branch

    def _copy(
        self, conn: psycopg.Connection[Any], source: str, target: str, *, force: bool, what: str
    ) -> None:
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(
            sql.Identifier(target), sql.Identifier(source)
        )
        for attempt in range(3):
            try:
                conn.execute(statement)
                return
            except (pg_errors.DuplicateDatabase, pg_errors.UniqueViolation) as error:
                raise BranchError(
                    f"Cannot create {what}: a database named {target} already exists (the branch exists, or "
                    "another process just created it). `puckdb branch list` shows the branches."
                ) from error
            except pg_errors.ObjectInUse as error:
                if not force or attempt == 2:
                    raise BranchError(
                        f"Cannot create {what}: PostgreSQL copies a database only while nobody is "
                        f"connected to it, and {source} has {self._sessions(conn, source)}. Close them (stop "
                        "the app, the studio, psql), or pass --force to end them (development only)."
                    ) from error
                self._terminate(conn, source)
            except pg_errors.InsufficientPrivilege as error:
                raise BranchError(
                    f"Cannot create {what}: the role may not create databases on this server "
                    f"({error.diag.message_primary}). Branches need a role with CREATEDB."
                ) from error

    def _drop(
        self, conn: psycopg.Connection[Any], database: str, *, force: bool, missing_ok: bool = False
    ) -> None:
        if not force:
            self._disconnect(conn, database, force=False, what=database)
        exists = " IF EXISTS" if missing_ok else ""
        conn.execute(sql.SQL("DROP DATABASE" + exists + " {} WITH (FORCE)").format(sql.Identifier(database)))

    def _disconnect(self, conn: psycopg.Connection[Any], database: str, *, force: bool, what: str) -> None:
        if not self._pids(conn, database):
            return
        if not force:
            raise BranchError(
                f"{what} ({database}) has {self._sessions(conn, database)}. Close them, or pass --force "
                "to end them (development only)."
            )
        self._terminate(conn, database)

    @staticmethod
    def _pids(conn: psycopg.Connection[Any], database: str) -> list[tuple[int, str]]:
        rows = conn.execute(
            "SELECT pid, coalesce(application_name, '') FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
        return [(int(pid), str(app)) for pid, app in rows]

    def _sessions(self, conn: psycopg.Connection[Any], database: str) -> str:
        pids = self._pids(conn, database)
        listed = ", ".join(f"pid {pid}" + (f" ({app})" if app else "") for pid, app in pids[:5])
        return f"{len(pids)} open connection(s): {listed}" if pids else "open connections"

    @staticmethod
    def _terminate(conn: psycopg.Connection[Any], database: str) -> None:
        # wait up to 5 s for each session to end, so the copy that follows does not race it
        conn.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )


def _metadata(comment: str | None) -> dict[str, Any] | None:
    if not comment or not comment.startswith(_TAG):
        return None
    try:
        data = json.loads(comment[len(_TAG) :])
    except ValueError:
        return None
    return data if isinstance(data, dict) and "name" in data else None
