"""pull writes a partitioned table with ``postgresql_partition_by`` and each partition as a
:class:`puckdb.Partition` after it (nested ones after theirs), and the module normalizes
back to the database; what a Partition cannot declare is named."""

from __future__ import annotations

from puckdb.pull.module import render

from .conftest import PullHarness


def test_partitioned_tables_and_partitions_round_trip(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE TABLE payment (id bigint NOT NULL, paid_on date NOT NULL, amount numeric, "
            "PRIMARY KEY (id, paid_on)) PARTITION BY RANGE (paid_on)",
            "CREATE INDEX payment_amount ON payment (amount)",
            # Declared before its parent's other partitions, named to sort before its parent.
            "CREATE TABLE a_payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') "
            "PARTITION BY HASH (id)",
            "CREATE TABLE a_payment_2024_0 PARTITION OF a_payment_2024 FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
            "CREATE TABLE a_payment_2024_1 PARTITION OF a_payment_2024 FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
            "CREATE TABLE payment_other PARTITION OF payment DEFAULT",
            "COMMENT ON TABLE payment_other IS 'the rest'",
            "CREATE TABLE app.log (at date, said text) PARTITION BY LIST (said)",
            "CREATE TABLE app.log_hi PARTITION OF app.log FOR VALUES IN ('hi', 'hello')",
        ],
        schemas=("public", "app"),
    )
    module = harness.round_trip(schema)
    assert '{"postgresql_partition_by": "RANGE (paid_on)"}' in module.text
    assert 'postgresql_partition_by="LIST (said)"' in module.text
    assert "of=Payment," in module.text and "default=True" in module.text
    assert 'partition_by="HASH (id)"' in module.text and "of=a_payment_2024," in module.text
    assert module.text.index("a_payment_2024 = Partition(") < module.text.index(
        "a_payment_2024_0 = Partition("
    )
    assert harness.ruff_findings(module.text) == ""


def test_what_a_partition_declaration_cannot_say_is_named(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE events (id int, kind text) PARTITION BY LIST (kind)",
            "CREATE TABLE events_click PARTITION OF events FOR VALUES IN ('click')",
            "CREATE INDEX events_click_id ON events_click (id)",
        ]
    )
    pulled = render(schema)
    assert (
        "partition events_click: its index events_click_id cannot be declared on a puckdb.Partition; not kept."
        in pulled.notes
    )
    assert harness.ruff_findings(pulled.text) == ""
