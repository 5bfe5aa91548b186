"""Partitioned tables and their partitions: the key, each partition's parent and bound, and
only what a partition has of its own (its columns, and the keys, checks and indexes it
inherits, are its parent's, reported once)."""

from __future__ import annotations

from .conftest import InspectAfter

PAYMENT = """
CREATE TABLE payment (
    id bigint NOT NULL, paid_on date NOT NULL DEFAULT '2024-05-01', amount numeric CHECK (amount >= 0),
    PRIMARY KEY (id, paid_on)
) PARTITION BY RANGE (paid_on);
CREATE INDEX payment_amount ON payment (amount);
CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE payment_other PARTITION OF payment DEFAULT;
"""


def test_parent_and_partitions(inspect_after: InspectAfter) -> None:
    schema = inspect_after(PAYMENT)
    parent = schema.table("public", "payment")
    assert parent is not None and parent.partition_by == "RANGE (paid_on)"
    assert parent.partition_of is None and parent.partition_bound is None
    assert [column.name for column in parent.columns] == ["id", "paid_on", "amount"]
    assert parent.primary_key is not None and [i.name for i in parent.indexes] == ["payment_amount"]
    partition = schema.table("public", "payment_2024")
    assert partition is not None
    assert partition.partition_of == ("public", "payment")
    assert partition.partition_bound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    # Inherited: the columns, the key's clone, the check and the index's partition.
    assert (partition.columns, partition.primary_key, partition.check_constraints, partition.indexes) == (
        (),
        None,
        (),
        (),
    )
    other = schema.table("public", "payment_other")
    assert other is not None and other.partition_bound == "DEFAULT"
    assert [item.label for item in schema.unmanaged] == []


def test_a_partitions_own_index_and_check_are_its_own(inspect_after: InspectAfter) -> None:
    schema = inspect_after(
        PAYMENT + "CREATE INDEX payment_2024_amount ON payment_2024 (amount);"
        "ALTER TABLE payment_2024 ADD CONSTRAINT small CHECK (amount < 1000);"
    )
    partition = schema.table("public", "payment_2024")
    assert partition is not None
    assert [index.name for index in partition.indexes] == ["payment_2024_amount"]
    assert [check.name for check in partition.check_constraints] == ["small"]


def test_an_attached_partition_is_the_same_as_one_created_in_place(inspect_after: InspectAfter) -> None:
    created = inspect_after(PAYMENT)
    attached = inspect_after(
        PAYMENT.replace(
            "CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
            # Without the parent's default: a partition's own column defaults are not its model.
            "CREATE TABLE payment_2024 (id bigint NOT NULL, paid_on date NOT NULL, amount numeric "
            "CONSTRAINT payment_amount_check CHECK (amount >= 0));"
            "ALTER TABLE payment ATTACH PARTITION payment_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        ).replace("CREATE TABLE payment (", "DROP TABLE payment; CREATE TABLE payment (")
    )
    assert attached == created


def test_nested_partitions_and_inheritance_stays_unmanaged(inspect_after: InspectAfter) -> None:
    schema = inspect_after(
        "CREATE TABLE events (id int, kind text) PARTITION BY HASH (id);"
        "CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0) PARTITION BY LIST (kind);"
        "CREATE TABLE events_0_click PARTITION OF events_0 FOR VALUES IN ('click');"
        "CREATE TABLE base (id int); CREATE TABLE child (extra int) INHERITS (base);"
    )
    middle = schema.table("public", "events_0")
    assert middle is not None and middle.partition_by == "LIST (kind)"
    assert middle.partition_of == ("public", "events")
    leaf = schema.table("public", "events_0_click")
    assert leaf is not None and leaf.partition_of == ("public", "events_0")
    assert [item.label for item in schema.unmanaged] == [
        "inheritance public.child inheriting from public.base"
    ]
