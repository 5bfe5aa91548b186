"""The studio shows a partition with the columns and key of the table at the top of its
partitions: the model keeps them there only."""

from __future__ import annotations

from puckdb.model import Column, PrimaryKey, Schema, Table
from puckdb.studio.browse import table_ref


def test_a_partition_has_its_roots_columns_and_key() -> None:
    columns = (Column("id", "bigint", nullable=False), Column("paid_on", "date", nullable=False))
    schema = Schema(
        tables=(
            Table(
                "public",
                "payment",
                columns,
                primary_key=PrimaryKey("payment_pkey", ("id", "paid_on")),
                partition_by="RANGE (paid_on)",
            ),
            Table(
                "public",
                "payment_2024",
                (),
                partition_of=("public", "payment"),
                partition_bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                partition_by="HASH (id)",
            ),
            Table(
                "public",
                "payment_2024_0",
                (),
                partition_of=("public", "payment_2024"),
                partition_bound="FOR VALUES WITH (modulus 1, remainder 0)",
            ),
        )
    )
    ref = table_ref(schema, "public", "payment_2024_0")
    assert ref.columns == columns and ref.key == ("id", "paid_on")
