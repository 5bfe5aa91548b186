"""Grants declared with ``puckdb.Grant`` on each kind of object normalize into the model
as PostgreSQL records them; a grant to a role the development server lacks is one
paragraph saying to create it."""

import pytest
from sqlalchemy import Column, Enum, Integer, MetaData, Sequence, Table, Text

from puckdb import Function, Grant, OnSchema, Procedure, View
from puckdb.errors import SchemaCodeError
from puckdb.normalize import DevServer, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def test_declared_grants_normalize_into_the_model(pg_server):
    metadata = MetaData()
    cards = Table(
        "cards",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("mood", Enum("ok", "sad", name="mood")),
        Column("front", Text),
    )
    ids = Sequence("ids", metadata=metadata)
    fronts = View("fronts", metadata, "SELECT id, front FROM cards")
    add = Function(
        "add(a integer, b integer DEFAULT 1)", metadata, "RETURNS integer LANGUAGE sql AS 'SELECT a + b'"
    )
    tidy = Procedure("tidy()", metadata, "LANGUAGE sql AS 'SELECT 1'")
    Grant("SELECT", on=cards, to="pg_read_all_data")
    Grant(["select", "INSERT"], on=cards, to="pg_monitor", with_grant_option=True)
    Grant("SELECT", on=fronts, to="pg_monitor")
    Grant(["USAGE"], on=ids, to="pg_monitor")
    Grant([], on=add, to="public")
    Grant("EXECUTE", on=add, to="pg_monitor")
    Grant("EXECUTE", on=tidy, to="pg_monitor")
    Grant([], on=cards.c.mood.type, to="public")
    Grant("USAGE", on=OnSchema("public"), to="pg_monitor", metadata=metadata)
    schema = normalize(metadata, _dev(pg_server))
    assert [(g.kind, g.name, g.arguments, g.grantee, g.privileges, g.grantable) for g in schema.grants] == [
        ("function", "add", "a integer, b integer", "pg_monitor", ("EXECUTE",), ()),
        ("function", "add", "a integer, b integer", "public", (), ()),
        ("procedure", "tidy", "", "pg_monitor", ("EXECUTE",), ()),
        ("schema", "public", None, "pg_monitor", ("USAGE",), ()),
        ("sequence", "ids", None, "pg_monitor", ("USAGE",), ()),
        ("table", "cards", None, "pg_monitor", ("INSERT", "SELECT"), ("INSERT", "SELECT")),
        ("table", "cards", None, "pg_read_all_data", ("SELECT",), ()),
        ("type", "mood", None, "public", (), ()),
        ("view", "fronts", None, "pg_monitor", ("SELECT",), ()),
    ]


def test_a_grant_to_a_missing_role_says_to_create_it(pg_server):
    metadata = MetaData()
    cards = Table("cards", metadata, Column("id", Integer, primary_key=True))
    Grant("SELECT", on=cards, to="puckdb_no_such_role")
    with pytest.raises(SchemaCodeError) as raised:
        normalize(metadata, _dev(pg_server))
    message = str(raised.value)
    assert "'puckdb_no_such_role', which does not exist on the development server" in message
    assert "CREATE ROLE" in message and "\n" not in message


def test_a_grant_needs_a_known_object():
    with pytest.raises(ValueError, match="a Grant is on a table"):
        Grant("SELECT", on="cards", to="x")
