"""The round-trip oracle for collations: created, dropped, re-created with a new
definition, commented, and used by a column and an index key. (The embedded server is built
without ICU, so these are libc collations; ICU ones take the same path with other options.)"""

from __future__ import annotations

from .support import Cluster, Rows, run_oracle

BYTES = "CREATE COLLATION bytes (provider = libc, locale = 'C')"
CARDS = "CREATE TABLE cards (id bigint PRIMARY KEY, front text)"


def test_collation_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [CARDS], [BYTES, CARDS])


def test_collation_used_by_a_column_and_an_index_key(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS],
        [
            BYTES,
            CARDS.replace("front text", "front text COLLATE bytes"),
            "CREATE INDEX cards_front ON cards (lower(front) COLLATE bytes)",
        ],
        data="INSERT INTO cards VALUES (1, 'b'), (2, 'B')",
        forward_rows=[Rows("SELECT front FROM cards ORDER BY front", [("B",), ("b",)])],
    )


def test_collation_definition_changed_and_commented(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [BYTES, CARDS],
        [
            "CREATE COLLATION bytes (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX')",
            "COMMENT ON COLLATION bytes IS 'byte order'",
            CARDS,
        ],
    )


def test_collation_in_another_schema(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE SCHEMA app", CARDS],
        ["CREATE SCHEMA app", "CREATE COLLATION app.bytes (provider = libc, locale = 'POSIX')", CARDS],
        schemas=("public", "app"),
    )
