"""Aggregates declared with ``puckdb.Aggregate`` normalize into the model as PostgreSQL
records them (created after the functions they are built from, whatever the declaration
order), equal to the same aggregate created by hand."""

import psycopg
import pytest
from sqlalchemy import MetaData

from puckdb import Aggregate, Function, Grant, View, aggregates_of
from puckdb.engine import migration_plan
from puckdb.inspect import inspect_schema
from puckdb.normalize import DevServer, compile_metadata, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def _metadata() -> MetaData:
    metadata = MetaData()
    # Declared before the functions it uses: normalize creates functions first all the same.
    total = Aggregate(
        "total(integer)",
        metadata,
        """
        SFUNC = add_to, STYPE = integer,
        FINALFUNC = shown, INITCOND = '0'
        """,
        comment="the sum, as text",
    )
    Function(
        "add_to(s integer, v integer)", metadata, "RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT s + v'"
    )
    Function("shown(s integer)", metadata, "RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT 'total ' || s$$")
    View("sums", metadata, "SELECT total(x) AS sum FROM generate_series(1, 3) AS x")
    Grant([], on=total, to="public")
    return metadata


def test_declared_aggregates_normalize_into_the_model(pg_server, database_url) -> None:
    metadata = _metadata()
    code = normalize(metadata, _dev(pg_server), schemas=["public"])
    [total] = code.aggregates
    assert (total.signature, total.sfunc, total.stype, total.finalfunc, total.initcond, total.returns) == (
        "public.total(integer)",
        "add_to",
        "integer",
        "shown",
        "0",
        "text",
    )
    assert total.comment == "the sum, as text"
    assert [(g.kind, g.name, g.arguments, g.grantee) for g in code.grants] == [
        ("function", "total", "integer", "public")
    ]
    assert code.unmanaged == ()
    # The same objects created by hand are no change.
    with psycopg.connect(database_url, autocommit=True) as conn:
        for statement in compile_metadata(metadata, ["public"]):
            conn.execute(statement.encode())
        database = inspect_schema(conn, ["public"])
        assert conn.execute("SELECT sum FROM sums").fetchall() == [("total 6",)]
    assert migration_plan(database, code).is_empty


def test_an_aggregate_in_another_schema(pg_server) -> None:
    metadata = MetaData()
    # The option list may come in its parentheses, as CREATE AGGREGATE writes it.
    Aggregate("tally(*)", metadata, "(SFUNC = int8inc, STYPE = int8, INITCOND = '0');", schema="stats")
    code = normalize(metadata, _dev(pg_server), schemas=["public", "stats"])
    assert [a.signature for a in code.aggregates] == ["stats.tally(*)"]


def test_an_aggregate_declaration_is_checked() -> None:
    metadata = MetaData()
    with pytest.raises(ValueError, match="an Aggregate signature is a name and its argument list"):
        Aggregate("total", metadata, "SFUNC = f, STYPE = integer")
    with pytest.raises(ValueError, match="ordered-set aggregate, which puckdb does not manage"):
        Aggregate("pick(float8 ORDER BY anyelement)", metadata, "SFUNC = f, STYPE = internal")
    Aggregate("total(integer)", metadata, "SFUNC = f, STYPE = integer")
    with pytest.raises(ValueError, match="already declared"):
        Aggregate("total(integer)", metadata, "SFUNC = g, STYPE = integer")
    assert [repr(a) for a in aggregates_of(metadata)] == ["<puckdb.Aggregate total(integer)>"]
