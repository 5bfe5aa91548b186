"""StudyPuck's schema diffs against itself to nothing: normalized from code, created by
puckdb's own migration SQL, inspected back — including the GIN to_tsvector expression
indexes, the HNSW indexes, the partial indexes, the defaults and the views that
drizzle-kit re-diffs on every run."""

import psycopg

from puckdb.engine import migration_plan
from puckdb.inspect import inspect_schema
from puckdb.model import Schema
from puckdb.normalize import DevServer, normalize
from studypuck_database import metadata


def test_studypuck_created_from_its_plan_diffs_to_nothing(pg_server, database_url, tmp_path):
    dev = DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))
    code = normalize(metadata, dev, cache_dir=tmp_path / "cache")
    assert {t.name for t in code.tables} >= {"cards", "groups", "users"}
    assert {v.name for v in code.views} == {"card_review_due", "translation_active_cards"}
    # The objects drizzle-kit re-diffs are really in the model, so "no diff" means something.
    indexes = [index for table in code.tables for index in table.indexes]
    searches = [i for i in indexes if i.method == "gin" and "to_tsvector" in i.keys[0].expression]
    assert {"'english'::regconfig", "'simple'::regconfig"} <= {
        part
        for i in searches
        for part in ("'english'::regconfig", "'simple'::regconfig")
        if part in i.keys[0].expression
    }
    assert [i.keys[0].opclass for i in indexes if i.method == "hnsw"] == ["vector_cosine_ops"] * 2
    assert {i.where for i in indexes if i.where is not None} == {"deleted_at IS NULL"}
    cards = code.table("public", "cards")
    assert cards is not None
    assert {c.name: c.default for c in cards.columns}["updated_at"] == "now()"

    plan = migration_plan(Schema(), code)
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in plan.statements:
            conn.execute(statement.sql.encode())
        live = inspect_schema(conn, ["public"])

    again = migration_plan(live, code)
    assert again.is_empty, again.sql()
    assert live == code


def test_normalize_is_cached_by_content(pg_server, tmp_path):
    calls = []

    def admin_url() -> str:
        calls.append(1)
        return pg_server.url("postgres")

    dev = DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=admin_url)
    first = normalize(metadata, dev, cache_dir=tmp_path)
    used = len(calls)
    assert used > 0
    second = normalize(metadata, dev, cache_dir=tmp_path)
    assert second == first
    assert len(calls) == used, "a cached normalization must not touch the server"
