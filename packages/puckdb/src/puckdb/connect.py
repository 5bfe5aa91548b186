"""Opening connections, with failures turned into one clear paragraph."""

from __future__ import annotations

from typing import Any

import psycopg

from puckdb.errors import DatabaseUnreachableError
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
