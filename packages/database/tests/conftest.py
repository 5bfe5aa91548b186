"""StudyPuck's tests run on puckdb's pytest plugin (puckdb.testing, loaded by its entry
point): every test that takes ``puckdb_url`` gets its own database holding
packages/database/migrations, copied from a template built once and reused across
sessions. The schema is the one the migrations build, exactly as production gets it."""

from collections.abc import Iterator

import pytest

import studypuck_database


@pytest.fixture
def studypuck_db(puckdb_env: str) -> Iterator[str]:
    """Point ``studypuck_database.db`` at the test's migrated database: ``puckdb_env`` sets
    DATABASE_URL, and the cached Engine is dropped so that ``db`` resolves it again."""
    studypuck_database.reset_engine()
    yield puckdb_env
    studypuck_database.reset_engine()
