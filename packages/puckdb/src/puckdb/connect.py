"""Opening connections, and a connection that fails or breaks, as one clear paragraph."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from puckdb.errors import DatabaseUnreachableError, PuckdbError
from puckdb.urls import redact

CONNECT_TIMEOUT_SECONDS = 10


def connect(url: str, *, autocommit: bool = False, **kwargs: Any) -> psycopg.Connection[Any]:
    """Connect to ``url`` with psycopg, or raise :class:`DatabaseUnreachableError` saying
    which database could not be reached, why, and what to check."""
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="puckdb",
            **kwargs,
        )
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise DatabaseUnreachableError(
            f"Could not connect to the database at {redact(url)}: {reason}. Check that the server "
            "is running and that the URL (--url, DATABASE_URL or .env) names the right host, "
            "port, database and credentials; without a URL puckdb uses its embedded server."
        ) from error


class ConnectionLostError(PuckdbError):
    """An open connection broke while a command was using it (the server restarted or
    failed over, another session terminated ours, the network dropped)."""


def is_lost(conn: psycopg.Connection[Any]) -> bool:
    """Whether ``conn`` can no longer be used: an error on it was the connection's end,
    not PostgreSQL rejecting a statement."""
    return conn.closed or conn.broken


def connection_lost(
    error: psycopg.Error, *, during: str, outcome: str, url: str | None = None
) -> ConnectionLostError:
    """One paragraph for a connection that broke ``during`` something ("while running
    statement 3 of migrations/0002_x.sql"); ``outcome`` says what the database keeps."""
    diag_message = error.diag.message_primary if error.diag else None
    reason = diag_message or " ".join(str(error).split()) or type(error).__name__
    return ConnectionLostError(
        f"The connection to the database{f' at {redact(url)}' if url else ''} was lost {during}: {reason}. "
        f"{outcome} This happens when "
        "the server restarts or fails over, when another session ends this one (pg_terminate_backend) "
        "or when the network drops: check the server and its log, then run the command again."
    )


@dataclass
class Activity:
    """What a command is doing on a connection ("applying 0002_x"), for the message should
    the connection break."""

    what: str


@contextmanager
def reporting_lost_connection(
    conn: psycopg.Connection[Any], url: str, doing: str, outcome: str
) -> Iterator[Activity]:
    """Turn the connection breaking inside the block into :class:`ConnectionLostError`;
    the block updates the yielded :class:`Activity` as it goes."""
    activity = Activity(doing)
    try:
        yield activity
    except psycopg.OperationalError as error:
        if not is_lost(conn):
            raise
        raise connection_lost(error, during=f"while {activity.what}", outcome=outcome, url=url) from error
