"""Partitioned tables through the migration loop: generate writes the parent PARTITION BY
and its partitions PARTITION OF it (never a plain table), apply builds them, check agrees;
a plain table declared partitioned later is a blocking manual step, not a flattening."""

from __future__ import annotations

from puckdb.check import check
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.generate import GenerateOptions, generate

from .conftest import Workspace

PARTITIONED = """
from sqlalchemy import Date
from puckdb import Partition

payment = Table(
    "payment",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("paid_on", Date, primary_key=True),
    postgresql_partition_by="RANGE (paid_on)",
)
Partition("payment_2024", of=payment, bound="FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
Partition("payment_other", of=payment, default=True)
"""
PLAIN = """
from sqlalchemy import Date

payment = Table(
    "payment",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("paid_on", Date, primary_key=True),
)
"""


def test_generate_apply_and_check_a_partitioned_table(workspace: Workspace) -> None:
    workspace.write_schema(PARTITIONED)
    result = generate(workspace.project(), GenerateOptions(name="payments"))
    assert result.migration is not None
    sql = result.migration.path.read_text()
    assert "PARTITION BY RANGE (paid_on)" in sql
    assert 'CREATE TABLE "public"."payment_2024" PARTITION OF "public"."payment" FOR VALUES' in sql
    assert 'CREATE TABLE "public"."payment_other" PARTITION OF "public"."payment" DEFAULT' in sql
    apply_migrations(workspace.url, workspace.migrations)
    assert check(workspace.project()).findings == ()
    assert generate(workspace.project(), GenerateOptions()).migration is None


def test_a_plain_table_declared_partitioned_is_a_blocking_manual_step(workspace: Workspace) -> None:
    workspace.write_schema(PLAIN)
    generate(workspace.project(), GenerateOptions(name="payments"))
    apply_migrations(workspace.url, workspace.migrations)
    workspace.write_schema(PARTITIONED)
    # No longer "agree": the code's partitioned table is not the database's plain one.
    assert check(workspace.project()).findings
    result = generate(workspace.project(), GenerateOptions(name="partition_payments"))
    assert [h.kind for h in result.plan.blocking_hazards] == ["manual-step"]
    message = "payment is a plain table in the database but partitioned by RANGE (paid_on)"
    assert message in str(result.plan.blocking_hazards[0])
    assert not any(s.sql.startswith("DROP TABLE") for s in result.plan.statements)
    # The migration stops where it would have to be written by hand, until it is.
    assert result.migration is not None
    sql = result.migration.path.read_text()
    assert "manual-step" in sql and "RAISE EXCEPTION" in sql


def test_info_counts_partitions_beside_the_tables(workspace: Workspace) -> None:
    # pull counted partitions as tables and info did not: "22 tables" against "15 tables".
    workspace.write_schema(PARTITIONED)
    result = workspace.run("info")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(1 table, 2 partitions, 0 views)" in result.stdout
    assert '"partitions": 2' in workspace.run("info", "--json").stdout
