from collections.abc import Iterator

import psycopg
import pytest

import studypuck_database
from puckdb.normalize.ddl import compile_metadata
from studypuck_database import metadata


def create_studypuck_schema(url: str) -> None:
    """Create StudyPuck's schema the way puckdb's scratch database does: the DDL that
    SQLAlchemy compiles from the models, plus the views and the pgvector extension."""
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in compile_metadata(metadata, ["public"]):
            conn.execute(statement.encode())


@pytest.fixture
def studypuck_url(database_url: str) -> str:
    create_studypuck_schema(database_url)
    return database_url


@pytest.fixture
def studypuck_db(studypuck_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point ``studypuck_database.db`` at a fresh database holding the schema."""
    monkeypatch.setenv("DATABASE_URL", studypuck_url)
    studypuck_database.reset_engine()
    yield studypuck_url
    studypuck_database.reset_engine()
