"""StudyPuck's database client: ``db`` (a SQLAlchemy Engine) and ``session()``.

The URL is resolved exactly as the ``puckdb`` command resolves it (DATABASE_URL, then the
nearest .env, then the embedded development server), so application code, scripts and
``uv run puckdb ...`` always talk to the same database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from puckdb.errors import ConfigError
from puckdb.project import Project
from puckdb.urls import sqlalchemy_url

_lock = threading.Lock()
_engine: Engine | None = None


def database_url() -> str:
    """The libpq URL of StudyPuck's database, as puckdb resolves it from here."""
    try:
        project = Project.load()
    except ConfigError:
        # Running from outside the repository (an installed app): use the configuration
        # that ships beside this package in the workspace, if there is one.
        project = Project.load(cwd=Path(__file__).resolve().parent)
    return project.target().url


def get_engine() -> Engine:
    """The process-wide Engine, created on first use."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = create_engine(sqlalchemy_url(database_url()), pool_pre_ping=True)
        return _engine


def reset_engine() -> None:
    """Dispose of the Engine so that the next use resolves the URL again (tests, branches)."""
    global _engine
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None


@contextmanager
def session() -> Iterator[Session]:
    """A Session in a transaction: committed when the block ends, rolled back on error."""
    with Session(get_engine()) as current, current.begin():
        yield current
