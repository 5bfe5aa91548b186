"""The round-trip oracle for key attributes beyond the columns: deferrable primary keys,
index key collations and NOT ENFORCED foreign keys (PostgreSQL 18)."""

from __future__ import annotations

import pytest

from .support import Cluster, Rows, run_oracle

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
