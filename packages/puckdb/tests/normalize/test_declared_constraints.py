"""Normalization keeps every constraint the code declares, even where one CREATE TABLE
would let PostgreSQL fold it into another."""

from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, Table, Text, UniqueConstraint

from puckdb.model import PrimaryKey
from puckdb.model import UniqueConstraint as ModelUnique
from puckdb.normalize import DevServer, normalize, normalize_ddl


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def test_a_unique_constraint_over_the_primary_key_columns_is_kept(pg_server):
    metadata = MetaData()
    Table(
        "codes",
        metadata,
        Column("code", Integer, autoincrement=False),
        Column("other", Integer),
        PrimaryKeyConstraint("code", name="codes_pkey"),
        UniqueConstraint("code", name="codes_code_key"),
        UniqueConstraint("other", name="codes_other_key"),
        UniqueConstraint("other", name="codes_other_again"),
    )

    table = normalize(metadata, _dev(pg_server), schemas=["public"]).table("public", "codes")

    assert table is not None
    assert table.primary_key == PrimaryKey("codes_pkey", ("code",))
    assert {unique.name for unique in table.unique_constraints} == {
        "codes_code_key",
        "codes_other_key",
        "codes_other_again",
    }
    assert ModelUnique("codes_code_key", ("code",)) in table.unique_constraints


def test_include_columns_declared_in_code_are_the_ddls(pg_server):
    metadata = MetaData()
    Table(
        "decks",
        metadata,
        Column("id", Integer, autoincrement=False),
        Column("code", Text),
        Column("name", Text),
        PrimaryKeyConstraint("id", name="decks_pkey", postgresql_include=["name"]),
        UniqueConstraint("code", name="decks_code", postgresql_include=["name", "id"]),
    )
    ddl = (
        "CREATE TABLE decks (id integer, code text, name text,"
        " CONSTRAINT decks_pkey PRIMARY KEY (id) INCLUDE (name),"
        " CONSTRAINT decks_code UNIQUE (code) INCLUDE (name, id))"
    )

    from_code = normalize(metadata, _dev(pg_server), schemas=["public"]).table("public", "decks")
    from_ddl = normalize_ddl([ddl], _dev(pg_server), schemas=["public"]).table("public", "decks")

    assert from_code is not None and from_code.primary_key is not None
    assert from_code.primary_key.include == ("name",)
    assert from_code == from_ddl
