"""Domains and composite types declared in code (``puckdb.Domain``,
``puckdb.CompositeType``) used as column types: normalized into the model with the enum
types they are built on created first, and refused clearly when declared twice."""

import pytest
from sqlalchemy import ARRAY, Column, Integer, MetaData, String, Table, Text, create_engine, text
from sqlalchemy.dialects.postgresql import ENUM

from puckdb import CompositeType, Domain, Function
from puckdb.errors import SchemaCodeError
from puckdb.model import CompositeAttribute
from puckdb.normalize import DevServer, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def test_declared_types_are_in_the_model(pg_server):
    metadata = MetaData()
    mood = ENUM("sad", "happy", name="mood", metadata=metadata)
    posint = Domain(
        "posint", Integer, not_null=True, default=text("1"), checks={"posint_positive": "VALUE > 0"}
    )
    code = Domain("code", String(20), collation="C", default="none", checks=["length(VALUE) > 1"])
    cheerful = Domain("cheerful", mood, checks=["VALUE <> 'sad'"], comment="never sad")
    pair = CompositeType("pair", [("a", posint), ("b", Text(collation="C"))], comment="two")
    CompositeType("unused", [("x", Integer)], schema="audit", metadata=metadata)
    Function("first(p pair)", metadata, "RETURNS integer LANGUAGE sql AS 'SELECT p.a'")
    Table(
        "t",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("points", posint),
        Column("codes", ARRAY(code)),
        Column("best", pair),
        Column("mood", cheerful),
        Column("plain_mood", mood),
    )
    schema = normalize(metadata, _dev(pg_server), schemas=["public", "audit"])
    domains = {d.name: d for d in schema.domains}
    assert domains["posint"].checks == (("posint_positive", "CHECK ((VALUE > 0))"),)
    assert (domains["posint"].default, domains["posint"].not_null) == ("1", True)
    assert domains["code"].collation == '"C"' and domains["code"].default == "'none'::character varying"
    assert domains["code"].checks[0][0] == "code_check"
    assert domains["cheerful"].base == "mood" and domains["cheerful"].comment == "never sad"
    assert [c.key for c in schema.composite_types] == [("audit", "unused"), ("public", "pair")]
    assert schema.composite_type("public", "pair").attributes == (
        CompositeAttribute("a", "posint"),
        CompositeAttribute("b", "text", '"C"'),
    )
    table = schema.table("public", "t")
    assert [c.data_type for c in table.columns] == ["integer", "posint", "code[]", "pair", "cheerful", "mood"]
    assert schema.unmanaged == ()


def test_two_types_under_one_name_are_refused(pg_server):
    metadata = MetaData()
    Table("t", metadata, Column("a", Domain("d", Integer)), Column("b", Domain("d", Text)))
    with pytest.raises(SchemaCodeError, match="two different types are declared as 'd'"):
        normalize(metadata, _dev(pg_server))


def test_a_single_string_of_checks_is_refused():
    with pytest.raises(ValueError, match="not one string"):
        Domain("d", Integer, checks="VALUE > 0")


def test_create_all_and_drop_all_make_and_remove_them(database_url):
    # Tests often build a schema with SQLAlchemy alone: the types must come with it, the
    # enum a domain is built on first, and go in an order PostgreSQL accepts.
    metadata = MetaData()
    mood = ENUM("sad", "happy", name="mood", metadata=metadata)
    posint = Domain("posint", Integer, checks={"posint_positive": "VALUE > 0"}, comment="100% positive")
    cheerful = Domain("cheerful", mood, checks=["VALUE <> 'sad'"])
    pair = CompositeType("pair", [("a", posint), ("b", Text)])
    CompositeType("lonely", [("x", Integer)], metadata=metadata)
    Table("t", metadata, Column("p", posint), Column("pairs", ARRAY(pair)), Column("m", cheerful))
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        metadata.create_all(engine)
        metadata.create_all(engine)  # checkfirst: nothing twice
        query = "SELECT typname FROM pg_type WHERE typtype IN ('c', 'd', 'e') AND typnamespace = 'public'::regnamespace"
        with engine.connect() as conn:
            names = {row[0] for row in conn.exec_driver_sql(query)}
            assert {"mood", "posint", "cheerful", "pair", "lonely"} <= names
        metadata.drop_all(engine)
        with engine.connect() as conn:
            assert {row[0] for row in conn.exec_driver_sql(query)} == set()
    finally:
        engine.dispose()
