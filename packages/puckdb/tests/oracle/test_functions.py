"""The round-trip oracle for functions and procedures: each change forward and back."""

from __future__ import annotations

from .support import Cluster, Rows, run_oracle

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, name text)"
ADD = "CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b'"


def test_function_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, ADD])


def test_function_body_changed_in_place(cluster: Cluster) -> None:
    run_oracle(cluster, [ADD], [ADD.replace("a + b", "a + b + 0")])


def test_function_attributes_changed(cluster: Cluster) -> None:
    changed = (
        "CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql STABLE STRICT "
        "SECURITY DEFINER SET search_path = public AS 'SELECT a + b'"
    )
    run_oracle(cluster, [ADD], [changed])


def test_function_result_type_changed(cluster: Cluster) -> None:
    run_oracle(cluster, [ADD], [ADD.replace("RETURNS integer", "RETURNS bigint")])


def test_overloads_by_argument_types(cluster: Cluster) -> None:
    text_add = "CREATE FUNCTION add(a text, b text) RETURNS text LANGUAGE sql AS 'SELECT a || b'"
    run_oracle(cluster, [ADD], [ADD, text_add])
    run_oracle(cluster, [ADD, text_add], [text_add])


def test_function_comment(cluster: Cluster) -> None:
    commented = [ADD, "COMMENT ON FUNCTION add(integer, integer) IS 'adds, with b 1 by default'"]
    run_oracle(cluster, [ADD], commented)
    run_oracle(cluster, commented, [ADD, "COMMENT ON FUNCTION add(integer, integer) IS 'adds'"])


def test_procedure(cluster: Cluster) -> None:
    procedure = (
        "CREATE PROCEDURE rename_all(prefix text) LANGUAGE sql AS $$UPDATE users SET name = prefix || name$$"
    )
    run_oracle(cluster, [USERS], [USERS, procedure])
    run_oracle(cluster, [USERS, procedure], [USERS, procedure.replace("prefix || name", "name || prefix")])


def test_plpgsql_function_in_another_schema(cluster: Cluster) -> None:
    function = (
        "CREATE FUNCTION audit.stamp() RETURNS timestamptz LANGUAGE plpgsql AS $$BEGIN RETURN now(); END$$"
    )
    run_oracle(
        cluster, ["CREATE SCHEMA audit"], ["CREATE SCHEMA audit", function], schemas=("public", "audit")
    )


def test_function_used_by_a_default_a_check_and_an_index(cluster: Cluster) -> None:
    slug = "CREATE FUNCTION slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT lower(t)$$"
    table = (
        "CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL DEFAULT slug('New'), "
        "CONSTRAINT tags_name_check CHECK (slug(name) <> ''))"
    )
    run_oracle(
        cluster,
        [USERS],
        [USERS, slug, table, "CREATE INDEX tags_slug ON tags (slug(name))"],
    )


def test_function_reading_a_table_created_in_the_same_migration(cluster: Cluster) -> None:
    counter = (
        "CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM users'"
    )
    run_oracle(
        cluster,
        [],
        [USERS, counter],
        data=(),
        forward_rows=[Rows("SELECT user_count()", [(0,)])],
    )


def test_function_with_a_standard_body_waits_for_its_table(cluster: Cluster) -> None:
    counter = "CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM users; END"
    run_oracle(cluster, [], [USERS, counter], forward_rows=[Rows("SELECT user_count()", [(0,)])])


def test_function_of_a_tables_row_type_comes_after_the_table_and_goes_before_it(cluster: Cluster) -> None:
    # Found on pagila (rewards_report RETURNS SETOF customer): created before the table,
    # the function's type did not exist yet; dropped after it, the table could not go.
    rows = "CREATE FUNCTION all_users() RETURNS SETOF users LANGUAGE sql STABLE AS 'SELECT * FROM users'"
    takes = "CREATE FUNCTION label(u users, OUT said text) LANGUAGE sql AS 'SELECT u.id::text'"
    run_oracle(
        cluster,
        [],
        [USERS, rows, takes],
        forward_rows=[Rows("SELECT count(*) FROM all_users()", [(0,)])],
    )


RETURNS_INTEGER = "CREATE FUNCTION f() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 1'"
RETURNS_BIGINT = "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 1::bigint'"


def test_a_function_re_created_for_its_result_takes_its_view_along(cluster: Cluster) -> None:
    table = "CREATE TABLE t (id bigint PRIMARY KEY)"
    view = "CREATE VIEW v AS SELECT id, f() AS x FROM t"
    run_oracle(cluster, [table, RETURNS_INTEGER, view], [table, RETURNS_BIGINT, view])


def test_a_function_re_created_for_its_result_lets_go_of_defaults_checks_and_indexes(
    cluster: Cluster,
) -> None:
    table = (
        "CREATE TABLE t (id bigint PRIMARY KEY, n integer DEFAULT f(), m integer DEFAULT f(),"
        " CONSTRAINT t_n_check CHECK (n < f() + 10))"
    )
    index = "CREATE INDEX t_n_f ON t ((n + f()))"
    run_oracle(
        cluster,
        [RETURNS_INTEGER, table, index],
        # m's default changes too, so its own plan already drops and sets it.
        [RETURNS_BIGINT, table.replace("m integer DEFAULT f()", "m integer DEFAULT f() + 1"), index],
        data="INSERT INTO t (id) VALUES (1)",
        forward_rows=[Rows("INSERT INTO t (id) VALUES (2) RETURNING n, m", [(1, 2)])],
    )
