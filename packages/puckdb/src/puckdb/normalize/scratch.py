"""Scratch databases: short-lived databases on a development server in which schema code
or a migrations folder is executed so that PostgreSQL can say what it means."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from puckdb.errors import PuckdbError

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class DevServer:
    """A server on which puckdb may create and drop scratch databases.

    ``cache_key`` identifies what the server would answer (e.g. ``embedded-pg18``) without
    contacting it, so that a cached result needs no server at all; ``admin_url`` returns a
    URL to a maintenance database, starting the server first if needed.
    """

    cache_key: str
    admin_url: Callable[[], str]


class MissingExtensionError(PuckdbError):
    """The development server cannot create an extension the project needs."""

    exit_code = 2


@contextmanager
def scratch_database(
    server: DevServer, purpose: str = "scratch", *, extensions: Sequence[str] = ()
) -> Iterator[str]:
    """Create an empty database on ``server`` holding ``extensions``, yield its connection
    string, drop it."""
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from puckdb.connect import connect

    admin = server.admin_url()
    name = f"puckdb_{purpose}_{os.getpid()}_{secrets.token_hex(4)}"
    with connect(admin, autocommit=True) as conn:
        if extensions:
            # Refused before a database exists: nothing to clean up for a missing extension.
            refuse_missing_extensions(conn, extensions)
        # template0: never carries objects someone added to template1.
        strategy = copy_strategy(conn.info.server_version)
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0" + strategy).format(sql.Identifier(name)))
    try:
        url = make_conninfo(admin, dbname=name)
        if extensions:
            with connect(url, autocommit=True) as conn:
                create_extensions(conn, extensions)
        yield url
    finally:
        with connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def copy_strategy(server_version: int) -> str:
    """How CREATE DATABASE copies its template for a scratch or shadow database.

    WAL_LOG (PostgreSQL 15+) writes the template's pages through the WAL; FILE_COPY copies
    its files but forces two checkpoints of the whole server, which flush everything the
    previous scratch or shadow database left dirty. Measured on an embedded server with
    fsync on (a developer's): from template0, 0.03-0.2 s against 0.2-0.6 s; from a shadow
    of 400 tables (27 MB), 1.1 s against 1.4-5.8 s, and its DROP 0.05 s against 0.6-1.7 s.
    Where fsync is off neither is faster. Before 15 there is no choice to make.
    """
    return " STRATEGY WAL_LOG" if server_version >= 150000 else ""


def refuse_missing_extensions(conn: psycopg.Connection[Any], extensions: Sequence[str]) -> None:
    """Raise one paragraph naming the ``extensions`` the server of ``conn`` does not have."""
    rows = conn.execute(
        "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)", (list(extensions),)
    ).fetchall()
    available = {str(row[0]) for row in rows}
    missing = sorted(set(extensions) - available)
    if not missing:
        return
    names = ", ".join(f'"{name}"' for name in missing)
    raise MissingExtensionError(
        f"The development server ({conn.info.dsn}, PostgreSQL {conn.info.server_version // 10000}) "
        f"has no extension {names}, which the project needs: puckdb creates the extensions of the "
        "`extensions` setting, those the schema code's types need and those the target database has in "
        "every shadow and scratch database before it replays migrations there. Install the extension on "
        "that server (the embedded server ships pgvector), point the environment variable PUCKDB_DEV_URL "
        "at a server that has it, or remove it from the `extensions` setting if the project does not "
        "need it."
    )


def create_extensions(conn: psycopg.Connection[Any], extensions: Sequence[str]) -> None:
    """``CREATE EXTENSION IF NOT EXISTS`` each of ``extensions`` (in name order, so a
    database's state never depends on the order they were listed in)."""
    from psycopg import sql

    for name in sorted(set(extensions)):
        conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name)))
