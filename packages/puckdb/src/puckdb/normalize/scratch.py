"""Scratch databases: short-lived databases on a development server in which schema code
or a migrations folder is executed so that PostgreSQL can say what it means."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class DevServer:
    """A server on which puckdb may create and drop scratch databases.

    ``cache_key`` identifies what the server would answer (e.g. ``embedded-pg18``) without
    contacting it, so that a cached result needs no server at all; ``admin_url`` returns a
    URL to a maintenance database, starting the server first if needed.
    """

    cache_key: str
    admin_url: Callable[[], str]


@contextmanager
def scratch_database(server: DevServer, purpose: str = "scratch") -> Iterator[str]:
    """Create an empty database on ``server``, yield its connection string, drop it."""
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from puckdb.connect import connect

    admin = server.admin_url()
    name = f"puckdb_{purpose}_{os.getpid()}_{secrets.token_hex(4)}"
    with connect(admin, autocommit=True) as conn:
        # template0: never carries objects someone added to template1. FILE_COPY (PG 15+):
        # copying the few files of an empty database beats WAL-logging all of it.
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0" + strategy).format(sql.Identifier(name)))
    try:
        yield make_conninfo(admin, dbname=name)
    finally:
        with connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
