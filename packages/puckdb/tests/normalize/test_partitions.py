"""Partitioned tables declared in code: SQLAlchemy's ``postgresql_partition_by`` for the
parent, :class:`puckdb.Partition` for each partition, normalized into the same model as
the DDL, kept by incremental normalization, and refused with a clear message when
declared wrong."""

from __future__ import annotations

import tempfile
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import BigInteger, Column, Date, Index, MetaData, Numeric, Table, Text

from puckdb import Partition, RowLevelSecurity
from puckdb.errors import SchemaCodeError
from puckdb.inspect import inspect_schema
from puckdb.normalize import DevServer, normalize

DDL = """
CREATE TABLE other (id bigint PRIMARY KEY);
CREATE TABLE tag (id bigint PRIMARY KEY);
CREATE TABLE payment (id bigint NOT NULL, paid_on date NOT NULL, amount numeric, note text,
                      PRIMARY KEY (id, paid_on)) PARTITION BY RANGE (paid_on);
CREATE INDEX payment_amount ON payment (amount);
CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY HASH (id);
CREATE TABLE payment_2024_hi PARTITION OF payment_2024 FOR VALUES WITH (MODULUS 1, REMAINDER 0);
CREATE TABLE payment_other PARTITION OF payment DEFAULT;
COMMENT ON TABLE payment_other IS 'everything else';
CREATE INDEX payment_other_note ON payment_other (note);
ALTER TABLE payment_other ADD CONSTRAINT payment_other_id_key UNIQUE (id);
ALTER TABLE payment_other ADD CONSTRAINT payment_other_small CHECK (amount < 1000);
ALTER TABLE payment_other ADD CONSTRAINT payment_other_id_fkey FOREIGN KEY (id) REFERENCES other (id);
ALTER TABLE payment_other ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_2024_hi ADD CONSTRAINT payment_2024_hi_id_fkey FOREIGN KEY (id) REFERENCES payment_other (id);
"""


def _dev(pg_server: object) -> DevServer:
    return DevServer(
        cache_key=f"test-pg{pg_server.version}",  # type: ignore[attr-defined]
        admin_url=lambda: pg_server.url("postgres"),  # type: ignore[attr-defined]
    )


def _metadata(note_type: type = Text, other_keyed: bool = True) -> MetaData:
    metadata = MetaData()
    payment = Table(
        "payment",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("paid_on", Date, primary_key=True),
        Column("amount", Numeric),
        Column("note", note_type),
        Index("payment_amount", "amount"),
        postgresql_partition_by="RANGE (paid_on)",
    )
    Table("other", metadata, Column("id", BigInteger, primary_key=other_keyed, autoincrement=False))
    Table("tag", metadata, Column("id", BigInteger, primary_key=True, autoincrement=False))
    year = Partition(
        "payment_2024",
        of=payment,
        bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        partition_by="HASH (id)",
    )
    # Its foreign key references a partition declared after it: made once all of them exist.
    Partition(
        "payment_2024_hi",
        of=year,
        bound="FOR VALUES WITH (MODULUS 1, REMAINDER 0)",
        constraints=["CONSTRAINT payment_2024_hi_id_fkey FOREIGN KEY (id) REFERENCES payment_other (id)"],
    )
    other = Partition(
        "payment_other",
        of=payment,
        default=True,
        comment="everything else",
        indexes=["CREATE INDEX payment_other_note ON payment_other (note);"],
        constraints=[
            "CONSTRAINT payment_other_id_fkey FOREIGN KEY (id) REFERENCES other (id)",
            "constraint payment_other_small check (amount < 1000)",
            "CONSTRAINT payment_other_id_key UNIQUE (id)",
        ],
    )
    RowLevelSecurity(other)
    return metadata


def test_declared_partitions_normalize_as_the_ddl_does(pg_server: object, database_url: str) -> None:
    code = normalize(_metadata(), _dev(pg_server))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(DDL.encode())
        live = inspect_schema(conn, ["public"])
    assert live == code


def test_incremental_normalization_keeps_the_partitions(pg_server: object) -> None:
    server = _dev(pg_server)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        normalize(_metadata(), server, cache_dir=cache)
        changed = _metadata()
        # No partition's foreign key references tag: only it is rebuilt.
        changed.tables["tag"].append_column(Column("extra", Text))
        incremental = normalize(changed, server, cache_dir=cache)
        # A change of the partitioned table itself is a full build: its partitions come with it.
        parent_changed = normalize(_metadata(note_type=Date), server, cache_dir=cache)
    assert incremental == normalize(changed, server, cache_dir=None)
    assert parent_changed == normalize(_metadata(note_type=Date), server, cache_dir=None)
    assert incremental.table("public", "payment_2024_hi") is not None


def test_a_table_a_partitions_foreign_key_references_is_rebuilt_with_it(pg_server: object) -> None:
    # Kept from the cache, the partition's key would hide that what it references is gone.
    server = _dev(pg_server)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        normalize(_metadata(), server, cache_dir=cache)
        with pytest.raises(SchemaCodeError, match="payment_other_id_fkey"):
            normalize(_metadata(other_keyed=False), server, cache_dir=cache)


def test_a_partition_is_declared_on_a_partitioned_table_with_one_bound() -> None:
    metadata = MetaData()
    plain = Table("plain", metadata, Column("id", BigInteger))
    parted = Table("parted", metadata, Column("id", BigInteger), postgresql_partition_by="HASH (id)")
    with pytest.raises(
        ValueError, match="'plain' is not partitioned; declare it with postgresql_partition_by"
    ):
        Partition("p", of=plain, bound="FOR VALUES WITH (MODULUS 2, REMAINDER 0)")
    with pytest.raises(ValueError, match=r"needs either bound= .* or default=True, not both"):
        Partition("p", of=parted)
    with pytest.raises(ValueError, match="needs either bound="):
        Partition("p", of=parted, bound="FOR VALUES WITH (MODULUS 2, REMAINDER 0)", default=True)
    with pytest.raises(ValueError, match="a bound starts with FOR VALUES"):
        Partition("p", of=parted, bound="(MODULUS 2, REMAINDER 0)")
    with pytest.raises(ValueError, match="is not a table, a declarative class or a Partition"):
        Partition("p", of="parted", bound="FOR VALUES WITH (MODULUS 2, REMAINDER 0)")
    Partition("p", of=parted, bound="FOR VALUES WITH (MODULUS 2, REMAINDER 0)")
    with pytest.raises(ValueError, match="already declared"):
        Partition("p", of=parted, bound="FOR VALUES WITH (MODULUS 2, REMAINDER 1)")
    with pytest.raises(ValueError, match="an index is its CREATE INDEX statement"):
        Partition("q", of=parted, bound="FOR VALUES WITH (MODULUS 2, REMAINDER 1)", indexes=["q_id (id)"])
    with pytest.raises(ValueError, match="a constraint is its definition with its name"):
        Partition(
            "q", of=parted, bound="FOR VALUES WITH (MODULUS 2, REMAINDER 1)", constraints=["CHECK (id > 0)"]
        )
    with pytest.raises(ValueError, match="a constraint is its definition with its name"):
        Partition(
            "q",
            of=parted,
            bound="FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
            constraints=["ALTER TABLE q ADD CONSTRAINT q_id CHECK (id > 0)"],
        )
