"""Whole inspections: snapshots, settings, determinism, round trips and query count."""

from typing import Any

import psycopg
import pytest
from psycopg.pq import TransactionStatus

from puckdb.inspect import InspectionError, InspectStats, inspect_schema
from puckdb.inspect.queries import ALL
from puckdb.model import Schema

MANAGED = ["public", "app"]


def test_schema_json_round_trip_is_exact(inspect_after, rich_ddl):
    schema = inspect_after(rich_ddl, schemas=MANAGED)
    text = schema.to_json()
    again = Schema.from_json(text)
    assert again == schema
    assert again.to_json() == text
    assert Schema.from_dict(schema.to_dict()) == schema
    # Not compared, but kept: the index definitions survive the round trip too.
    assert [i.definition for i in again.table("app", "cards").indexes] == [
        i.definition for i in schema.table("app", "cards").indexes
    ]


def test_rich_schema_has_every_kind(inspect_after, rich_ddl):
    schema = inspect_after(rich_ddl, schemas=MANAGED)
    assert [table.key for table in schema.tables] == [("app", "cards"), ("public", "users")]
    assert [view.key for view in schema.views] == [("app", "expensive_cards"), ("public", "user_card_counts")]
    assert [enum.key for enum in schema.enums] == [("app", "color"), ("public", "mood")]
    assert [seq.key for seq in schema.sequences] == [("app", "cards_card_id_seq"), ("app", "ticket_numbers")]
    cards = schema.table("app", "cards")
    assert cards.foreign_keys[0].ref_table == "users"
    assert len(cards.exclusion_constraints) == 1
    assert [index.name for index in cards.indexes] == [
        "cards_body_idx",
        "cards_embedding_idx",
        "cards_user_price_idx",
    ]


def test_inspection_is_deterministic_and_equal_for_identical_databases(new_database, rich_ddl):
    first, second = new_database(), new_database()
    results = []
    for url in (first, second):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(rich_ddl.encode())
            results.append(inspect_schema(conn, MANAGED))
    with psycopg.connect(first) as conn:
        results.append(inspect_schema(conn, MANAGED))
    assert results[0] == results[1] == results[2]
    assert results[0].to_json() == results[1].to_json() == results[2].to_json()
    assert hash(results[0]) == hash(results[1])


def test_session_settings_do_not_change_the_result(database_url, rich_ddl):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(rich_ddl.encode())
        expected = inspect_schema(conn, MANAGED)
        conn.execute("SET search_path = pg_catalog, app")
        conn.execute("SET DateStyle = 'SQL, DMY'")
        conn.execute("SET TimeZone = 'Asia/Tokyo'")
        assert inspect_schema(conn, MANAGED) == expected
        assert conn.execute("SHOW search_path").fetchone() == ("pg_catalog, app",)


def test_idle_connection_is_left_idle(database_url):
    with psycopg.connect(database_url) as conn:
        conn.execute("CREATE TABLE t (a int)")
        conn.commit()
        assert [t.name for t in inspect_schema(conn, ["public"]).tables] == ["t"]
        assert conn.info.transaction_status == TransactionStatus.IDLE


def test_callers_transaction_is_used_and_its_settings_restored(database_url):
    with psycopg.connect(database_url) as conn:
        conn.execute("SET LOCAL search_path = app")
        conn.execute("CREATE TABLE public.uncommitted (a int)")
        schema = inspect_schema(conn, ["public"])
        assert schema.table("public", "uncommitted") is not None
        assert conn.info.transaction_status == TransactionStatus.INTRANS
        assert conn.execute("SHOW search_path").fetchone() == ("app",)
        conn.rollback()


def test_failed_transaction_is_refused_with_a_clear_error(database_url):
    with psycopg.connect(database_url) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT 1 / 0")
        with pytest.raises(InspectionError, match="failed transaction"):
            inspect_schema(conn, ["public"])


def test_empty_database(inspect_after):
    assert inspect_after("SELECT 1") == Schema(schemas=("public",))


def _tables_ddl(count: int) -> bytes:
    statements = ["CREATE SCHEMA app; CREATE TYPE app.kind AS ENUM ('a', 'b');"]
    statements.append("CREATE TABLE app.owners (owner_id int PRIMARY KEY);")
    for n in range(count):
        statements.append(
            f"CREATE TABLE app.t{n} (id serial PRIMARY KEY, owner_id int REFERENCES app.owners,"
            f" label varchar(20) UNIQUE, price numeric CHECK (price > 0), kind app.kind,"
            f" code int GENERATED ALWAYS AS IDENTITY);"
            f"CREATE INDEX t{n}_label ON app.t{n} (lower(label)) WHERE price > 1;"
            f"COMMENT ON COLUMN app.t{n}.label IS 'label {n}';"
            f"CREATE VIEW app.v{n} AS SELECT id, label FROM app.t{n};"
        )
    return "\n".join(statements).encode()


def _round_trips(url: str) -> tuple[int, InspectStats, Schema]:
    executed: list[Any] = []

    class CountingCursor(psycopg.Cursor[Any]):
        def execute(self, query, params=None, **kwargs):
            executed.append(query)
            return super().execute(query, params, **kwargs)

    stats = InspectStats()
    with psycopg.connect(url, cursor_factory=CountingCursor) as conn:
        schema = inspect_schema(conn, MANAGED, stats)
    return len(executed), stats, schema


def test_constant_number_of_queries(new_database):
    small, large = new_database(), new_database()
    for url, count in ((small, 1), (large, 50)):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(_tables_ddl(count))
    small_trips, small_stats, small_schema = _round_trips(small)
    large_trips, large_stats, large_schema = _round_trips(large)
    assert (len(small_schema.tables), len(large_schema.tables)) == (2, 51)
    assert len(large_schema.views) == 50
    assert small_trips == large_trips
    assert small_stats.queries == large_stats.queries == len(ALL)
    assert large_stats.names == [name for name, _ in ALL]
    # Besides the catalog queries: SET TRANSACTION and the pinned settings.
    assert large_trips == len(ALL) + 2
