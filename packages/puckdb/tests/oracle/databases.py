"""Throwaway databases on a test server, and running SQL scripts in them.

Kept apart from the oracle itself (``support``) so that the fixture and the DDL-validity
test need nothing but a server.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

import psycopg
from psycopg import sql

from puckdb.connect import connect
from puckdb.server.embedded import EmbeddedServer

Script = Sequence[str] | str
_names = itertools.count()


class Cluster:
    """Throwaway databases on one server, made and dropped through one maintenance
    connection (a new connection per database would double the cost of an example)."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server
        self._admin = connect(server.url("postgres"), autocommit=True)

    def __enter__(self) -> Self:
        return self

    @property
    def server_version(self) -> int:
        """``server_version_num``: 180004 for 18.4."""
        return self._admin.info.server_version

    def __exit__(self, *exc_info: object) -> None:
        self._admin.close()

    @contextmanager
    def database(self, script: Script = (), what: str = "the DDL") -> Iterator[str]:
        """A new database (from template0) in which ``script`` has run; its URL. Dropped on exit."""
        name = f"oracle_{os.getpid()}_{next(_names)}"
        # template0: nothing added to template1 (by a test or an extension) leaks in.
        # FILE_COPY: copying the few files of an empty database beats WAL-logging its 8 MB.
        self._admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 STRATEGY FILE_COPY").format(sql.Identifier(name))
        )
        try:
            url = self.server.url(name)
            execute(url, script, what)
            yield url
        finally:
            # FORCE: a connection left open by a failed example must not keep it alive.
            self._admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def statements_of(script: Script) -> tuple[str, ...]:
    """A script given as one string runs as one (multi-statement) query."""
    return (script,) if isinstance(script, str) else tuple(script)


def execute(url: str, script: Script, what: str) -> None:
    """Run ``script`` statement by statement in autocommit mode."""
    with connect(url, autocommit=True) as conn:
        for number, statement in enumerate(statements_of(script), start=1):
            run_statement(conn, statement, f"statement {number} of {what}")


def run_statement(conn: psycopg.Connection[Any], statement: str, where: str) -> None:
    try:
        # Bytes: the text runs as written, with no %-placeholder processing.
        conn.execute(statement.encode())
    except psycopg.Error as error:
        error.add_note(f"while running {where}:\n{statement}")
        raise
