"""Comments that SQLAlchemy cannot declare, declared with puckdb's objects: on schemas
(``SchemaComment``) and on views' columns (``View(column_comments=...)``), normalized
into the model and planned back exactly."""

import psycopg
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text

from puckdb import SchemaComment, View
from puckdb.engine import migration_plan
from puckdb.errors import SchemaCodeError
from puckdb.inspect import inspect_schema
from puckdb.model import Schema
from puckdb.normalize import DevServer, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def _metadata() -> MetaData:
    metadata = MetaData()
    Table("cards", metadata, Column("id", Integer, primary_key=True), Column("front", Text))
    Table("events", metadata, Column("id", Integer, primary_key=True), schema="audit")
    SchemaComment("audit", metadata, "who changed what; it's kept")
    View(
        "fronts",
        metadata,
        'SELECT id, front AS "Front" FROM cards',
        comment="the fronts",
        column_comments={"Front": "as shown", "id": "the card"},
    )
    View(
        "counts",
        metadata,
        "SELECT count(*) AS n FROM cards",
        materialized=True,
        column_comments={"n": "cards"},
    )
    return metadata


def test_declared_comments_are_in_the_model_and_planned_back(pg_server, database_url):
    code = normalize(_metadata(), _dev(pg_server), schemas=["public", "audit"])
    assert code.schema_comments == (("audit", "who changed what; it's kept"),)
    assert code.view("public", "fronts").column_comments == (("Front", "as shown"), ("id", "the card"))
    assert code.view("public", "counts").column_comments == (("n", "cards"),)

    plan = migration_plan(Schema(), code)
    assert "COMMENT ON SCHEMA \"audit\" IS 'who changed what; it''s kept'" in plan.sql()
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in plan.statements:
            conn.execute(statement.sql.encode())
        live = inspect_schema(conn, ["public", "audit"])
    assert live == code
    assert migration_plan(live, code).is_empty


def test_public_comment_replaced_or_removed(pg_server):
    metadata = MetaData()
    SchemaComment("public", metadata, None)
    assert normalize(metadata, _dev(pg_server)).schema_comments == ()
    metadata = MetaData()
    SchemaComment("public", metadata, "the app")
    assert normalize(metadata, _dev(pg_server)).schema_comments == (("public", "the app"),)


def test_a_comment_on_an_unmanaged_schema_is_refused(pg_server):
    metadata = MetaData()
    SchemaComment("elsewhere", metadata, "x")
    with pytest.raises(SchemaCodeError, match="'elsewhere', which puckdb does not manage"):
        normalize(metadata, _dev(pg_server))


def test_one_comment_per_schema():
    metadata = MetaData()
    SchemaComment("audit", metadata, "x")
    with pytest.raises(ValueError, match="already declared"):
        SchemaComment("audit", metadata, "y")
