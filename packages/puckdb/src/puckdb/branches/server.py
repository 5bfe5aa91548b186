"""Branches on a server: ``CREATE DATABASE … TEMPLATE`` copies, described by comments.

A branch's metadata (name, parent, creation time, the database it was copied from) is the
comment of its database (:mod:`puckdb.branches.metadata`), so every checkout pointing at
the same server sees the same branches, and any role that may create databases can branch
(no table in a maintenance database to be granted). Which branch a checkout works on is its
own business (:mod:`puckdb.branches.current`).

Nothing here loses a database on failure: ``reset`` and ``restore`` build the new copy
under a temporary name and swap it in (:meth:`Admin.replace_database`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import psycopg

from puckdb.branches.admin import Admin, connect_maintenance, database_of
from puckdb.branches.errors import BranchError, BranchExistsError
from puckdb.branches.metadata import Branch, branch_from_comment, comment_for, main_branch
from puckdb.branches.names import MAIN, check_name, database_name, temporary_database_name
from puckdb.connect import connect
from puckdb.errors import UsageError
from puckdb.protection import refuse_connected_if_protected
from puckdb.urls import with_database

_SESSION_EXIT_WAIT_SECONDS = 5.0
"""How long a restore waits for its own protection check's session to end (it takes
milliseconds); past that, the swap reports whatever sessions remain as usual."""


class BranchServer:
    """The branches of the database at ``main_url`` (the configured database, ``main``)."""

    def __init__(self, main_url: str) -> None:
        self.main_url = main_url
        self.main_database = database_of(main_url)

    def url(self, name: str) -> str:
        """The URL of branch ``name`` (whether or not it exists)."""
        return self.database_url(database_name(self.main_database, check_name(name)))

    def database_url(self, database: str) -> str:
        return with_database(self.main_url, database)

    @contextmanager
    def _admin(self) -> Iterator[Admin]:
        with connect_maintenance(self.main_url) as conn:
            try:
                yield Admin(conn)
            except psycopg.Error as error:
                # What the admin methods do not turn into their own errors: a privilege the
                # role lacks (only a database's owner may drop, rename or comment on it), or
                # the connection lost midway.
                reason = " ".join((error.diag.message_primary or str(error)).split())
                raise BranchError(
                    f"PostgreSQL refused a branch operation: {reason}. Branches need a role that "
                    "may create databases and owns the ones it replaces or deletes; nothing "
                    "else was changed."
                ) from error

    # -- reading ---------------------------------------------------------------------------

    def branches(self, *, sizes: bool = True) -> list[Branch]:
        """main and its branches, main first; with ``sizes``, each one's size where the
        role may see it."""
        with self._admin() as admin:
            return self._branches(admin, sizes=sizes)

    def get(self, name: str) -> Branch | None:
        return next((b for b in self.branches(sizes=False) if b.name == name), None)

    def branch_of(self, database: str) -> Branch | None:
        """The branch (or main) that lives in ``database``."""
        return next((b for b in self.branches(sizes=False) if b.database == database), None)

    def restore_origin(self, name: str) -> str:
        """The database ``branch restore name`` overwrites: the one ``name`` was copied from.

        Refused as :meth:`restore` refuses it (a protected database), so that a prompt to
        confirm the restore is never shown for one that cannot run.
        """
        with self._admin() as admin:
            origin = self._restore_origin(admin, self._existing(admin, name))
            self._refuse_protected(admin, origin)
            return origin

    # -- changing --------------------------------------------------------------------------

    def create(self, name: str, parent: str = MAIN, *, force: bool = False) -> Branch:
        check_name(name)
        if name == MAIN:
            raise UsageError("`main` is the configured database itself; give the branch another name.")
        target = database_name(self.main_database, name)
        with self._admin() as admin:
            source = self._existing(admin, parent)
            with admin.lock(target):
                self._refuse_taken(admin, name, target)
                admin.copy(source.database, target, force=force, what=f"branch {name!r}")
                branch = Branch(name, target, parent, datetime.now(UTC), origin=source.database)
                try:
                    admin.set_comment(target, comment_for(branch, self.main_database))
                except BaseException:
                    # A copy without its comment is no branch, and its name would stay taken.
                    if not admin.conn.broken:
                        with contextlib.suppress(psycopg.Error):
                            admin.drop(target, force=True, what=f"branch {name!r}")
                    raise
        return branch

    def delete(self, name: str, *, force: bool = False) -> Branch:
        if name == MAIN:
            raise UsageError("`main` is the configured database itself; puckdb does not delete it.")
        with self._admin() as admin:
            branch = self._existing(admin, name)
            with admin.lock(branch.database):
                admin.drop(branch.database, force=force, what=f"Branch {name!r}")
        return branch

    def reset(self, name: str, *, force: bool = False) -> Branch:
        """Re-copy ``name`` from its parent's current state. The copy is made first and
        swapped in, so a parent that is gone or busy leaves the branch as it was."""
        with self._admin() as admin:
            branch = self._existing(admin, name)
            if branch.parent is None:
                raise UsageError("`main` has no parent to reset from.")
            parent = self._find(admin, branch.parent)
            if parent is None:
                raise BranchError(
                    f"Cannot reset branch {name!r}: its parent {branch.parent!r} no longer exists, so there "
                    f"is nothing to copy. The branch is unchanged; `puckdb branch delete {name}` removes it."
                )
            with admin.lock(branch.database):
                # Fail before copying when the branch is busy, rather than after.
                admin.disconnect(branch.database, force=force, what=f"Branch {name!r}")
                fresh = temporary_database_name("reset")
                admin.copy(parent.database, fresh, force=force, what=f"a fresh copy of {parent.name!r}")
                renewed = replace(branch, origin=parent.database, size_bytes=None)
                admin.replace_database(
                    branch.database,
                    fresh,
                    comment_for(renewed, self.main_database),
                    force=force,
                    what=f"branch {name!r}",
                )
        return renewed

    def restore(self, name: str, *, force: bool = False) -> str:
        """Make the database that branch ``name`` (e.g. a backup) was copied from a copy of
        it again; returns that database's name.

        Built beside it and swapped in by renames, so a failure leaves it as it was. Its
        comment (a branch's metadata) stays; the restored copy is owned by the role that
        ran the restore. A database marked protected (production) is refused.
        """
        with self._admin() as admin:
            branch = self._existing(admin, name)
            origin = self._restore_origin(admin, branch)
            with admin.lock(origin):
                self._refuse_protected(admin, origin)
                comment = admin.comment(origin)
                fresh = temporary_database_name("restore")
                admin.copy(branch.database, fresh, force=force, what=f"a copy of {name!r}")
                admin.replace_database(origin, fresh, comment, force=force, what=f"the database {origin}")
        return origin

    def prune(self, keep: int, *, force: bool = False) -> list[Branch]:
        """Delete all but the newest ``keep`` backup branches."""
        if keep < 0:
            raise UsageError(f"--keep must be 0 or more (how many backups to keep), not {keep}.")
        backups = sorted(
            (b for b in self.branches(sizes=False) if b.is_backup),
            key=lambda b: b.created or datetime.min.replace(tzinfo=UTC),
        )
        doomed = backups[: max(len(backups) - keep, 0)]
        for branch in doomed:
            self.delete(branch.name, force=force)
        return doomed

    # -- helpers ---------------------------------------------------------------------------

    def _branches(self, admin: Admin, *, sizes: bool) -> list[Branch]:
        found: list[Branch] = []
        for database, comment in admin.databases():
            if database == self.main_database:
                found.append(main_branch(database))
            elif (branch := branch_from_comment(database, comment, self.main_database)) is not None:
                found.append(branch)
        if sizes:
            measured = admin.sizes([b.database for b in found])
            found = [replace(b, size_bytes=size) for b, size in zip(found, measured, strict=True)]
        return sorted(found, key=lambda b: (b.name != MAIN, b.name))

    def _find(self, admin: Admin, name: str) -> Branch | None:
        return next((b for b in self._branches(admin, sizes=False) if b.name == name), None)

    def _existing(self, admin: Admin, name: str) -> Branch:
        branch = self._find(admin, name)
        if branch is None:
            known = ", ".join(b.name for b in self._branches(admin, sizes=False)) or "none"
            raise BranchError(f"There is no branch {name!r} of {self.main_database} (branches: {known}).")
        return branch

    def _refuse_taken(self, admin: Admin, name: str, target: str) -> None:
        if not admin.exists(target):
            return
        holder = branch_from_comment(target, admin.comment(target), self.main_database)
        if holder is not None and holder.name == name:
            message = (
                f"Branch {name!r} already exists ({target}). `puckdb branch reset {name}` copies its parent "
                f"again; `puckdb branch delete {name}` removes it."
            )
        elif holder is not None:
            message = (
                f"Cannot create branch {name!r}: its database {target} already exists and holds branch "
                f"{holder.name!r} (names that differ only in - . / and _ share a database). Choose "
                "another name."
            )
        else:
            message = (
                f"Cannot create branch {name!r}: a database named {target} already exists on this server and "
                "is not a puckdb branch. Choose another name."
            )
        raise BranchExistsError(message, target)

    def _refuse_protected(self, admin: Admin, database: str) -> None:
        """Refuse to overwrite ``database`` when it is marked protected. The mark is kept in
        the database itself, so this takes a session in it: one that must be gone before
        the swap counts the database's sessions, or the restore would call it busy."""
        url = self.database_url(database)
        with connect(url, autocommit=True) as conn:
            pid = conn.info.backend_pid
            refuse_connected_if_protected(conn, url, "branch restore")
        # Closing a connection does not wait for its server process to exit.
        deadline = time.monotonic() + _SESSION_EXIT_WAIT_SECONDS
        while (
            time.monotonic() < deadline
            and admin.conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        ):
            time.sleep(0.01)

    def _restore_origin(self, admin: Admin, branch: Branch) -> str:
        if branch.name == MAIN:
            raise UsageError(
                "`main` is not a copy of anything; name the branch (e.g. a backup) to restore from."
            )
        if branch.origin is None:
            raise BranchError(
                f"Branch {branch.name!r} does not record which database it was copied from, so puckdb cannot "
                f"tell which database to overwrite. To make a database a copy of it, create one from it: "
                f"`puckdb branch create NEW --from {branch.name}`."
            )
        if not admin.exists(branch.origin):
            raise BranchError(
                f"Branch {branch.name!r} was copied from the database {branch.origin}, which no longer "
                f"exists, so there is nothing to restore onto. `puckdb branch create NEW --from "
                f"{branch.name}` makes a new branch of it instead."
            )
        return branch.origin
