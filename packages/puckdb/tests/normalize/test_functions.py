"""Functions declared in code that need the tables (a signature of a table's row type, a
SQL-standard body): created after them when the code is normalized, so the module `pull`
writes for such a database can be generated from."""

from __future__ import annotations

import psycopg
from sqlalchemy import BigInteger, Column, MetaData, Table, Text

from puckdb import Function
from puckdb.inspect import inspect_schema
from puckdb.normalize import DevServer, normalize
from puckdb.normalize.ddl import needs_the_tables
from puckdb.objects import functions_of

DDL = """
CREATE TABLE customer (id bigint PRIMARY KEY, name text);
CREATE FUNCTION top_customers(how_many integer) RETURNS SETOF customer LANGUAGE sql STABLE
    AS 'SELECT * FROM customer ORDER BY id LIMIT how_many';
CREATE FUNCTION customer_label(c customer) RETURNS text LANGUAGE sql AS 'SELECT c.name';
CREATE FUNCTION customer_count() RETURNS bigint LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT count(*) FROM customer; END;
CREATE FUNCTION plain(customer integer) RETURNS integer LANGUAGE sql AS 'SELECT customer';
CREATE TABLE keyless (said text);
CREATE FUNCTION everything_said() RETURNS SETOF keyless LANGUAGE sql AS 'SELECT * FROM keyless';
"""


def _metadata() -> MetaData:
    metadata = MetaData()
    Table(
        "customer",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=False),
        Column("name", Text),
    )
    Function(
        "top_customers(how_many integer)",
        metadata,
        "RETURNS SETOF customer LANGUAGE sql STABLE AS 'SELECT * FROM customer ORDER BY id LIMIT how_many'",
    )
    Function("customer_label(c customer)", metadata, "RETURNS text LANGUAGE sql AS 'SELECT c.name'")
    Function(
        "customer_count()",
        metadata,
        "RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM customer; END",
    )
    # An argument *named* like a table is no use of its row type.
    Function("plain(customer integer)", metadata, "RETURNS integer LANGUAGE sql AS 'SELECT customer'")
    # A table with no key or index: the settling rebuild must still create it (pagila's r1).
    Table("keyless", metadata, Column("said", Text))
    Function("everything_said()", metadata, "RETURNS SETOF keyless LANGUAGE sql AS 'SELECT * FROM keyless'")
    return metadata


def test_functions_that_need_the_tables_are_told_apart() -> None:
    metadata = _metadata()
    found = {function.name for function in functions_of(metadata) if needs_the_tables(function, metadata)}
    assert found == {"top_customers", "customer_label", "customer_count", "everything_said"}


def test_code_with_row_type_functions_normalizes_as_the_ddl_does(
    pg_server: object, database_url: str
) -> None:
    server = DevServer(
        cache_key=f"test-pg{pg_server.version}",  # type: ignore[attr-defined]
        admin_url=lambda: pg_server.url("postgres"),  # type: ignore[attr-defined]
    )
    code = normalize(_metadata(), server)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(DDL.encode())
        live = inspect_schema(conn, ["public"])
    assert live == code
