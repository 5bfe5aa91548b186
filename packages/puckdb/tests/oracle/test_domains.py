"""The round-trip oracle for domains and composite types: each change forward and back."""

from __future__ import annotations

from .support import Cluster, Rows, run_oracle

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
