"""StudyPuck's database: the schema (every model and table), its migrations and a client.

    from sqlalchemy import insert, select
    from studypuck_database import db, users

    with db.begin() as conn:
        conn.execute(insert(users).values(user_id="user_123", email="user@example.com"))

``db`` is created lazily on first access, from the same URL resolution as ``puckdb``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studypuck_database.client import database_url, get_engine, reset_engine, session

if TYPE_CHECKING:
    from sqlalchemy import Engine

    db: Engine


def __getattr__(name: str) -> Any:
    # `db` is an attribute computed on first use so that importing the package never
    # connects or starts a server.
    if name == "db":
        return get_engine()
    raise AttributeError(f"module 'studypuck_database' has no attribute {name!r}")


__all__ = ["database_url", "db", "get_engine", "reset_engine", "session"]
