"""Settling rebuilds only what PostgreSQL may re-print (inert.py, defaults_probe.py), and
the model it reaches is the one a rebuild of the whole schema reaches."""

import pytest
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.types import UserDefinedType

import puckdb
from puckdb.connect import connect
from puckdb.engine import migration_plan
from puckdb.inspect import inspect_schema
from puckdb.migrations.sqltext import script_text
from puckdb.model import Schema
from puckdb.normalize import DevServer, compile_metadata, normalize_ddl
from puckdb.normalize.defaults_probe import collapsed, expanded
from puckdb.normalize.fixed_point import check_only_expressions_changed
from puckdb.normalize.inert import with_inert, without_inert
from puckdb.normalize.scratch import scratch_database

# PostgreSQL 16 to 18 print this default as (ARRAY[1::smallint, …])::integer[] and, once
# that is parsed again, as ARRAY[(1::smallint)::integer, …]: a schema holding it settles
# only on the second rebuild.
UNSETTLED = "ARRAY[1,2]::smallint[]::int[]"


def _metadata() -> MetaData:
    metadata = MetaData()
    for number in range(4):
        Table(
            f"plain{number}",
            metadata,
            Column("id", UUID, primary_key=True, server_default=text("gen_random_uuid()")),
            Column("parent_id", UUID, ForeignKey(f"plain{max(number - 1, 0)}.id", ondelete="CASCADE")),
            # The same default on two array types: each is probed on its own.
            Column("numbers", ARRAY(Integer if number % 2 else BigInteger), server_default=text(UNSETTLED)),
            Column("name", String(20), nullable=False, comment="a name"),
            Column("created_at", DateTime(timezone=True), server_default=text("now()")),
            UniqueConstraint("name", name=f"uq_plain{number}_name"),
            Index(f"ix_plain{number}_name", "name"),
            comment=f"plain table {number}",
        )
    Table(
        "checked",
        metadata,
        Column("id", Integer, Identity(), primary_key=True),
        Column("numbers", ARRAY(Integer), server_default=text(UNSETTLED)),
        Column("x", Integer, nullable=False),
        Column("doubled", Integer, Computed("x * 2", persisted=True)),
        CheckConstraint("x > 0", name="checked_x"),
        Index("ix_checked_first", text("(numbers[1])")),
        Index("ix_checked_x", "x", postgresql_where=text("x > 1")),
    )
    # GROUP BY the primary key: the view is valid only while plain1 has it.
    puckdb.View("per_plain1", metadata, "SELECT id, name, count(*) AS n FROM plain1 GROUP BY id")
    return metadata


def puckdb_type(name: str) -> UserDefinedType:
    """A column type SQLAlchemy compiles as ``name`` (here: a table's row type)."""

    class Named(UserDefinedType):  # type: ignore[type-arg]
        cache_ok = True

        def get_col_spec(self, **kw: object) -> str:
            return name

    return Named()


def _build(dev: DevServer, statements: list[str]) -> Schema:
    with scratch_database(dev) as url, connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute(script_text(statements).encode())
        return inspect_schema(conn, ["public"])


def _settled_by_whole_rebuilds(dev: DevServer, statements: list[str]) -> Schema:
    """What settling reached before it rebuilt only a subset: whole rebuilds until stable."""
    schema = _build(dev, statements)
    for _ in range(3):
        again = _build(dev, [statement.sql for statement in migration_plan(Schema(), schema).statements])
        if again == schema:
            break
        check_only_expressions_changed(schema, again, "the test schema")
        schema = again
    return schema


@pytest.fixture
def dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def test_the_subset_settles_to_what_whole_rebuilds_settle_to(dev):
    statements = compile_metadata(_metadata(), ["public"])

    settled = normalize_ddl(statements, dev, schemas=["public"])

    assert settled == _settled_by_whole_rebuilds(dev, statements)
    plain = settled.table("public", "plain2")
    assert plain is not None and plain.foreign_keys and plain.indexes and plain.primary_key
    numbers = plain.column("numbers")
    # The re-printed form, not the first one: settling did happen.
    assert numbers is not None and numbers.default is not None and "::integer[]" not in numbers.default


def test_what_the_subset_leaves_out_comes_back_unchanged(dev):
    schema = _build(dev, compile_metadata(_metadata(), ["public"]))

    without, inert = without_inert(schema)
    probe, plain = collapsed(without)

    assert with_inert(expanded(probe, plain), inert) == schema
    # plain1 stays whole but for its foreign key (the view needs its primary key); the
    # other plain tables are probed by their defaults only.
    assert {table.name for table in probe.tables} == {"checked", "plain1", "puckdb_settle_defaults_0"}
    kept = probe.table("public", "plain1")
    assert kept is not None and kept.primary_key is not None and not kept.foreign_keys
    defaults = probe.table("public", "puckdb_settle_defaults_0")
    assert defaults is not None
    # gen_random_uuid(), now(), and the unsettled default on bigint[] and on integer[].
    assert len(defaults.columns) == 4


def test_a_probe_table_never_takes_the_name_of_a_relation_or_type(dev):
    metadata = MetaData()
    Table("puckdb_settle_defaults_0", metadata, Column("a", Integer, server_default=text("1")))
    Table("other", metadata, Column("a", Integer, server_default=text("1")))
    puckdb.View("puckdb_settle_defaults_1", metadata, "SELECT 1 AS one")
    schema = _build(dev, compile_metadata(metadata, ["public"]))

    probe, plain = collapsed(schema)

    assert {table.name for table in probe.tables} == {"puckdb_settle_defaults_2"}
    assert expanded(probe, plain) == schema


def test_tables_that_something_names_are_not_collapsed(dev):
    metadata = MetaData()
    # A serial's sequence is OWNED BY its table, a grant is on its table, and a column of
    # another table has its row type: each must exist in the rebuild.
    Table(
        "owned",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("n", Integer, server_default=text("1")),
    )
    granted = Table("granted", metadata, Column("n", Integer, server_default=text("1")))
    puckdb.Grant("SELECT", on=granted, to="pg_monitor")
    Table("typed", metadata, Column("n", Integer, server_default=text("1")))
    Table("user", metadata, Column("row", puckdb_type("typed")))
    Table("loose", metadata, Column("n", Integer, server_default=text("1")))
    schema = _build(dev, compile_metadata(metadata, ["public"]))

    probe, plain = collapsed(without_inert(schema)[0])

    assert {table.name for table in plain.tables} == {"loose", "user"}
    assert {"owned", "granted", "typed"} <= {table.name for table in probe.tables}
