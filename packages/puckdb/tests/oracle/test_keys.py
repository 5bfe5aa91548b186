"""The round-trip oracle for key attributes beyond the columns: deferrable primary keys,
INCLUDE columns of primary keys and unique constraints, index key collations and NOT
ENFORCED foreign keys (PostgreSQL 18)."""

from __future__ import annotations

import pytest

from puckdb.diff import Renames
from puckdb.engine import migration_plan

from .support import Cluster, Rows, run_oracle, settled

PARENT = "CREATE TABLE decks (id bigint PRIMARY KEY, name text)"


def test_primary_key_made_deferrable_and_initially_deferred(cluster: Cluster) -> None:
    deferred = PARENT.replace("PRIMARY KEY", "PRIMARY KEY DEFERRABLE INITIALLY DEFERRED")
    run_oracle(
        cluster,
        [PARENT],
        [deferred],
        data="INSERT INTO decks VALUES (1, 'a'), (2, 'b')",
        # Swapping two keys in one statement passes only when the check waits for the end.
        forward_rows=[Rows("UPDATE decks SET id = 3 - id RETURNING id", [(2,), (1,)])],
    )


def test_primary_key_deferrable_immediately(cluster: Cluster) -> None:
    run_oracle(cluster, [PARENT.replace("PRIMARY KEY", "PRIMARY KEY DEFERRABLE")], [PARENT])


def _included(constraint: str, *columns: str) -> Rows:
    """``constraint``'s index holds exactly ``columns`` as INCLUDE columns, in that order."""
    return Rows(
        "SELECT a.attname FROM pg_constraint con JOIN pg_index ix ON ix.indexrelid = con.conindid"
        " CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, position)"
        " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
        f" WHERE con.conname = '{constraint}' AND k.position > ix.indnkeyatts ORDER BY k.position",
        [(column,) for column in columns],
    )


CARDS = "CREATE TABLE cards (id bigint, deck bigint, front text, back text, CONSTRAINT cards_pkey PRIMARY KEY (id){})"


def test_primary_key_include_added_and_removed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS.format("")],
        [CARDS.format(" INCLUDE (front)")],
        data="INSERT INTO cards VALUES (1, 1, 'a', 'b')",
        forward_rows=[_included("cards_pkey", "front")],
        backward_rows=[_included("cards_pkey")],
    )


def test_primary_key_include_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS.format(" INCLUDE (front)")],
        [CARDS.format(" INCLUDE (back, front)")],
        forward_rows=[_included("cards_pkey", "back", "front")],
        backward_rows=[_included("cards_pkey", "front")],
    )


def test_unique_include_added_changed_and_removed(cluster: Cluster) -> None:
    unique = "CREATE TABLE cards (id bigint PRIMARY KEY, deck bigint, front text, back text, CONSTRAINT cards_front UNIQUE {})"
    run_oracle(
        cluster,
        [unique.format("(deck, front)")],
        [unique.format("(deck) INCLUDE (front)")],
        forward_rows=[_included("cards_front", "front")],
        backward_rows=[_included("cards_front")],
    )
    run_oracle(
        cluster,
        [unique.format("NULLS NOT DISTINCT (deck) INCLUDE (front)")],
        [unique.format("NULLS NOT DISTINCT (deck) INCLUDE (back)")],
        forward_rows=[_included("cards_front", "back")],
        backward_rows=[_included("cards_front", "front")],
    )


def test_a_new_table_keeps_a_unique_differing_from_its_key_only_in_include(cluster: Cluster) -> None:
    # CREATE TABLE folds a unique constraint into an equal earlier one (the primary key or
    # another unique): one that differs only in its INCLUDE columns is not equal, and the
    # created table must have it all the same.
    table = (
        "CREATE TABLE cards (id bigint, front text, CONSTRAINT cards_pkey PRIMARY KEY (id),"
        " CONSTRAINT cards_id_front UNIQUE (id) INCLUDE (front))"
    )
    run_oracle(cluster, [PARENT], [PARENT, table], forward_rows=[_included("cards_id_front", "front")])


def test_a_column_rename_carries_into_include(cluster: Cluster) -> None:
    before = [
        "CREATE TABLE cards (id bigint, front text, back text, CONSTRAINT cards_pkey PRIMARY KEY (id) INCLUDE (front),"
        " CONSTRAINT cards_back UNIQUE (back) INCLUDE (front))"
    ]
    after = [
        "CREATE TABLE cards (id bigint, face text, back text, CONSTRAINT cards_pkey PRIMARY KEY (id) INCLUDE (face),"
        " CONSTRAINT cards_back UNIQUE (back) INCLUDE (face))"
    ]
    renames = Renames(columns={("public", "cards", "front"): "face"})
    run_oracle(
        cluster,
        before,
        after,
        renames=renames,
        data="INSERT INTO cards VALUES (1, 'a', 'b')",
        forward_rows=[_included("cards_pkey", "face"), Rows("SELECT face FROM cards", [("a",)])],
        backward_rows=[_included("cards_back", "front"), Rows("SELECT front FROM cards", [("a",)])],
    )
    # RENAME COLUMN renames the INCLUDE column in place: nothing is dropped and re-created.
    plan = migration_plan(settled(cluster, before, ["public"]), settled(cluster, after, ["public"]), renames)
    assert [statement.sql for statement in plan.statements] == [
        'ALTER TABLE "public"."cards" RENAME COLUMN "front" TO "face"'
    ]


def test_index_key_collation_added_changed_and_dropped(cluster: Cluster) -> None:
    plain = "CREATE INDEX decks_name ON decks (name)"
    run_oracle(cluster, [PARENT, plain], [PARENT, 'CREATE INDEX decks_name ON decks (name COLLATE "C")'])
    run_oracle(
        cluster,
        [PARENT, 'CREATE INDEX decks_name ON decks (lower(name) COLLATE "POSIX" DESC)'],
        [PARENT, 'CREATE INDEX decks_name ON decks (lower(name) COLLATE "C" DESC)'],
    )


def test_foreign_key_not_enforced_and_enforced_again(cluster: Cluster) -> None:
    if cluster.server_version < 180000:
        pytest.skip("NOT ENFORCED is PostgreSQL 18's")
    child = "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint, CONSTRAINT cards_deck FOREIGN KEY (deck_id) REFERENCES decks{})"
    run_oracle(
        cluster,
        [PARENT, child.format("")],
        [PARENT, child.format(" NOT ENFORCED")],
        data="INSERT INTO decks VALUES (1, 'a'); INSERT INTO cards VALUES (1, 1)",
        forward_rows=[Rows("SELECT conenforced FROM pg_constraint WHERE conname = 'cards_deck'", [(False,)])],
        backward_rows=[Rows("SELECT conenforced FROM pg_constraint WHERE conname = 'cards_deck'", [(True,)])],
    )
