"""pull writes domains and composite types as ``puckdb.Domain`` and
``puckdb.CompositeType`` declarations that columns (and functions) use, never as raw
``PgType`` names, and the module normalizes back to the database."""

from __future__ import annotations

from .conftest import PullHarness


def test_domains_and_composite_types_round_trip(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE TYPE app.mood AS ENUM ('sad', 'happy')",
            "CREATE DOMAIN posint AS integer NOT NULL DEFAULT 1 CONSTRAINT posint_positive CHECK (VALUE > 0)",
            "COMMENT ON DOMAIN posint IS 'above zero'",
            "CREATE DOMAIN small AS posint CHECK (VALUE < 10)",
            "CREATE DOMAIN code AS varchar(20) COLLATE \"C\" DEFAULT 'none' "
            "CONSTRAINT code_long CHECK (length(VALUE) > 1) CONSTRAINT code_lower CHECK (VALUE = lower(VALUE))",
            "CREATE DOMAIN app.cheerful AS app.mood CHECK (VALUE <> 'sad')",
            'CREATE TYPE pair AS (a posint, b text COLLATE "C", c numeric(10,2)[])',
            "COMMENT ON TYPE pair IS 'two things'",
            "CREATE TYPE app.unused AS (x integer)",
            "CREATE TABLE scores (id bigint PRIMARY KEY, points posint, history small[], label code, "
            "best pair, mood app.cheerful)",
            "CREATE TABLE app.pairs (p pair NOT NULL)",
            "CREATE FUNCTION first(p pair) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT p.a'",
        ],
        schemas=("public", "app"),
    )
    module = harness.round_trip(schema)
    assert "PgType" not in module.text
    assert "posint = Domain(" in module.text and "CompositeType(" in module.text
    assert module.text.index("posint = Domain(") < module.text.index("small = Domain(")
    assert "Mapped[int | None] = mapped_column(posint" in module.text
    assert module.notes == ()
    assert harness.ruff_findings(module.text) == ""
