"""The round-trip oracle for domains and composite types: each change forward and back."""

from __future__ import annotations

import pytest

from puckdb.engine import migration_plan

from .support import Cluster, Rows, run_oracle, settled

POSINT = "CREATE DOMAIN posint AS integer CONSTRAINT posint_positive CHECK (VALUE > 0)"
PAIR = "CREATE TYPE pair AS (a integer, b text)"
USERS = "CREATE TABLE users (id bigint PRIMARY KEY)"


def test_domain_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, POSINT])


def test_domain_with_every_attribute(cluster: Cluster) -> None:
    code = (
        "CREATE DOMAIN code AS varchar(20) COLLATE \"C\" DEFAULT 'none' NOT NULL "
        "CONSTRAINT code_long CHECK (length(VALUE) > 1) CONSTRAINT code_lower CHECK (VALUE = lower(VALUE))"
    )
    run_oracle(cluster, [], [code, "COMMENT ON DOMAIN code IS 'a short code'"])


def test_domain_default_changed(cluster: Cluster) -> None:
    run_oracle(cluster, [POSINT], [POSINT + " DEFAULT 1"])
    run_oracle(cluster, [POSINT + " DEFAULT 1"], [POSINT + " DEFAULT 2"])


def test_domain_not_null_changed(cluster: Cluster) -> None:
    run_oracle(cluster, [POSINT], [POSINT + " NOT NULL"])


def test_domain_checks_added_dropped_and_changed(cluster: Cluster) -> None:
    small = POSINT + " CONSTRAINT posint_small CHECK (VALUE < 100)"
    run_oracle(cluster, [POSINT], [small])
    run_oracle(cluster, [small], [small.replace("VALUE < 100", "VALUE < 1000")])


def test_domain_comment_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [POSINT, "COMMENT ON DOMAIN posint IS 'above zero'"],
        [POSINT, "COMMENT ON DOMAIN posint IS 'positive'"],
    )


def test_domain_used_by_a_column(cluster: Cluster) -> None:
    table = "CREATE TABLE scores (id bigint PRIMARY KEY, points posint NOT NULL, history posint[])"
    run_oracle(
        cluster,
        [USERS],
        [USERS, POSINT, table],
    )
    run_oracle(
        cluster,
        [POSINT, table],
        [POSINT.replace("VALUE > 0", "VALUE >= 0"), table],
        data=["INSERT INTO scores VALUES (1, 5, '{1,2}')"],
        forward_rows=[Rows("SELECT points, history::int[] FROM scores", [(5, [1, 2])])],
        backward_rows=[Rows("SELECT points, history::int[] FROM scores", [(5, [1, 2])])],
    )


def test_column_type_changes_to_a_new_domain(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE scores (points integer)"],
        [POSINT, "CREATE TABLE scores (points posint)"],
        data=["INSERT INTO scores VALUES (5)"],
        forward_rows=[Rows("SELECT points FROM scores", [(5,)])],
    )


def test_domain_base_type_changed_with_its_columns(cluster: Cluster) -> None:
    table = "CREATE TABLE scores (id bigint PRIMARY KEY, points posint DEFAULT 3, history posint[])"
    run_oracle(
        cluster,
        [POSINT, table],
        [POSINT.replace("integer", "bigint"), table],
        data=["INSERT INTO scores VALUES (1, 5, '{1,2}')"],
        forward_rows=[Rows("SELECT points, history::int[] FROM scores", [(5, [1, 2])])],
        backward_rows=[Rows("SELECT points, history::int[] FROM scores", [(5, [1, 2])])],
    )


def test_domain_over_a_domain_and_an_enum_in_another_schema(cluster: Cluster) -> None:
    ddl = [
        "CREATE SCHEMA app",
        "CREATE TYPE app.mood AS ENUM ('sad', 'happy')",
        "CREATE DOMAIN app.cheerful AS app.mood CHECK (VALUE <> 'sad')",
        POSINT,
        "CREATE DOMAIN small AS posint CHECK (VALUE < 10)",
        "CREATE TABLE app.people (id bigint PRIMARY KEY, mood app.cheerful, rank small)",
    ]
    run_oracle(cluster, ["CREATE SCHEMA app"], ddl, schemas=("public", "app"))


def test_composite_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, PAIR, "COMMENT ON TYPE pair IS 'two things'"])


def test_composite_attributes_added_dropped_and_retyped(cluster: Cluster) -> None:
    run_oracle(cluster, [PAIR], ["CREATE TYPE pair AS (a integer, b text, c date)"])
    run_oracle(cluster, [PAIR], ['CREATE TYPE pair AS (a bigint, b text COLLATE "C")'])
    run_oracle(cluster, [PAIR], ["CREATE TYPE pair AS (b text, a integer)"])
    run_oracle(cluster, [PAIR], ["CREATE TYPE pair AS (b text)"])


def test_composite_used_by_a_column(cluster: Cluster) -> None:
    table = "CREATE TABLE points (id bigint PRIMARY KEY, p pair, ps pair[])"
    run_oracle(cluster, [USERS], [USERS, PAIR, table])
    run_oracle(
        cluster,
        [PAIR, table],
        ["CREATE TYPE pair AS (a integer, b text, c date)", table],
        data=["INSERT INTO points VALUES (1, ROW(1, 'x'), NULL)"],
        forward_rows=[Rows("SELECT (p).a, (p).b FROM points", [(1, "x")])],
        backward_rows=[Rows("SELECT (p).a, (p).b FROM points", [(1, "x")])],
    )
    # A column stores it, so the attribute whose type changes is dropped and added again.
    run_oracle(cluster, [PAIR, table], ["CREATE TYPE pair AS (a bigint, b text)", table])


def test_composite_used_by_a_function(cluster: Cluster) -> None:
    function = "CREATE FUNCTION first(p pair) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT p.a'"
    run_oracle(cluster, [USERS], [USERS, PAIR, function])
    run_oracle(cluster, [PAIR, function], ["CREATE TYPE pair AS (a integer, b text, c date)", function])


def test_composite_with_a_domain_attribute(cluster: Cluster) -> None:
    ddl = [POSINT, "CREATE TYPE scored AS (name text, points posint)", "CREATE TABLE t (s scored)"]
    run_oracle(cluster, [], ddl)


def _hazard_kinds(
    cluster: Cluster, source: list[str], target: list[str], schemas: tuple[str, ...]
) -> set[str]:
    """The hazard kinds of the plan between two states as PostgreSQL itself reports them
    (domain names as ``format_type`` prints them, qualified outside public)."""
    before, after = settled(cluster, source, schemas), settled(cluster, target, schemas)
    return {hazard.kind for hazard in migration_plan(before, after).hazards}


@pytest.mark.parametrize("schema", ["public", "app"])
def test_a_column_leaving_or_taking_a_domain_is_labelled_by_what_it_can_do(
    cluster: Cluster, schema: str
) -> None:
    create = [] if schema == "public" else [f"CREATE SCHEMA {schema}"]
    posint = [*create, POSINT.replace("DOMAIN posint", f"DOMAIN {schema}.posint")]
    in_domain = [*posint, f"CREATE TABLE scores (id bigint PRIMARY KEY, points {schema}.posint)"]
    plain = [*posint, "CREATE TABLE scores (id bigint PRIMARY KEY, points integer)"]
    schemas = ("public",) if schema == "public" else ("app", "public")
    rows = [Rows("SELECT points FROM scores", [(5,)])]
    run_oracle(
        cluster,
        in_domain,
        plain,
        schemas=schemas,
        data=["INSERT INTO scores VALUES (1, 5)"],
        forward_rows=rows,
        backward_rows=rows,
    )
    # posint → integer only widens; integer → posint keeps every value, its check may reject one.
    assert _hazard_kinds(cluster, in_domain, plain, schemas) == {"access-exclusive-lock"}
    assert _hazard_kinds(cluster, plain, in_domain, schemas) == {
        "backfill-required",
        "table-rewrite",
        "access-exclusive-lock",
    }


def test_a_column_leaving_a_text_domain_for_a_shorter_varchar_narrows(cluster: Cluster) -> None:
    code = "CREATE DOMAIN code AS text CONSTRAINT code_upper CHECK (VALUE = upper(VALUE))"
    in_domain = [code, "CREATE TABLE items (id bigint PRIMARY KEY, sku code)"]
    short = [code, "CREATE TABLE items (id bigint PRIMARY KEY, sku varchar(5))"]
    rows = [Rows("SELECT sku::text FROM items", [("AB",)])]
    run_oracle(
        cluster,
        in_domain,
        short,
        data=["INSERT INTO items VALUES (1, 'AB')"],
        forward_rows=rows,
        backward_rows=rows,
    )
    assert "data-loss" in _hazard_kinds(cluster, in_domain, short, ("public",))
    assert "data-loss" not in _hazard_kinds(cluster, short, in_domain, ("public",))
