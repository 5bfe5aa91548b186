from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

import studypuck_database
from puckdb import views_of
from puckdb.urls import sqlalchemy_url
from studypuck_database import Base


def create_studypuck_schema(url: str) -> None:
    """Create StudyPuck's schema in the empty database at ``url`` with plain SQLAlchemy:
    pgvector, ``create_all`` for the tables, then the views in declaration order. It
    deliberately does not go through puckdb, so these tests pin down the models alone."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            Base.metadata.create_all(conn)
            for view in views_of(Base.metadata):
                conn.execute(text(f'CREATE VIEW "{view.name}" AS {view.sql()}'))
    finally:
        engine.dispose()


@pytest.fixture
def studypuck_url(database_url: str) -> str:
    """A fresh database holding StudyPuck's schema."""
    create_studypuck_schema(database_url)
    return database_url


@pytest.fixture
def studypuck_db(studypuck_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point ``studypuck_database.db`` at a fresh database holding the schema."""
    monkeypatch.setenv("DATABASE_URL", studypuck_url)
    studypuck_database.reset_engine()
    yield studypuck_url
    studypuck_database.reset_engine()
