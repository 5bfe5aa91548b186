"""``DDL(...)`` attached with ``event.listen`` (a common SQLAlchemy idiom): its text runs
where SQLAlchemy would run it, and what it creates is in the model like anything else."""

import pytest
from sqlalchemy import DDL, Column, Integer, MetaData, Table, Text, event

from puckdb.errors import SchemaCodeError
from puckdb.model import Column as ModelColumn
from puckdb.normalize import DevServer, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def test_ddl_listeners_on_metadata_and_table_run_in_order(pg_server):
    metadata = MetaData()
    cards = Table("cards", metadata, Column("id", Integer, primary_key=True), Column("front", Text))
    event.listen(metadata, "before_create", DDL("CREATE TYPE mood AS ENUM ('ok', 'tired')"))
    event.listen(cards, "after_create", DDL("ALTER TABLE cards ADD COLUMN mood mood"))
    event.listen(
        metadata,
        "after_create",
        DDL("CREATE FUNCTION card_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM cards'"),
    )

    code = normalize(metadata, _dev(pg_server), schemas=["public"])

    table = code.table("public", "cards")
    assert table is not None
    assert table.column("mood") == ModelColumn("mood", "mood")
    assert [enum.name for enum in code.enums] == ["mood"]
    assert [function.name for function in code.functions] == ["card_count"]


def test_a_listener_creating_what_puckdb_does_not_manage_is_one_clear_error(pg_server):
    metadata = MetaData()
    cards = Table("cards", metadata, Column("id", Integer, primary_key=True))
    event.listen(
        cards, "after_create", DDL("CREATE RULE cards_no_delete AS ON DELETE TO cards DO INSTEAD NOTHING")
    )

    with pytest.raises(SchemaCodeError) as raised:
        normalize(metadata, _dev(pg_server), schemas=["public"])

    message = str(raised.value)
    assert "rule cards_no_delete on public.cards" in message
    assert "event.listen" in message
    assert "puckdb generate --custom" in message
