"""The round-trip oracle for aggregates: each change forward and back, on a real
PostgreSQL, with the aggregate computing what it should on the way."""

from __future__ import annotations

import pytest

from puckdb.engine import migration_plan

from .support import Cluster, Rows, run_oracle, settled

ACC = "CREATE FUNCTION acc(s integer, v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT s + v'"
BIG_ACC = "CREATE FUNCTION acc(s bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT s + v'"
SHOWN = "CREATE FUNCTION shown(s integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT 'total ' || s$$"
TOTAL = "CREATE AGGREGATE total(integer) (SFUNC = acc, STYPE = integer, INITCOND = '0')"
SUMS = "SELECT total(x) FROM generate_series(1, 3) AS x"


def test_aggregate_added_and_dropped_with_its_state_function(cluster: Cluster) -> None:
    run_oracle(cluster, [], [ACC, TOTAL], forward_rows=[Rows(SUMS, [(6,)])])


def test_aggregate_dropped_before_the_function_it_is_built_from(cluster: Cluster) -> None:
    run_oracle(cluster, [ACC, TOTAL], [ACC])


def test_initial_condition_changed_in_place(cluster: Cluster) -> None:
    ten = TOTAL.replace("'0'", "'10'")
    run_oracle(cluster, [ACC, TOTAL], [ACC, ten], forward_rows=[Rows(SUMS, [(16,)])])


def test_initial_condition_is_replaced_not_re_created(cluster: Cluster) -> None:
    before = settled(cluster, [ACC, TOTAL], ("public",))
    after = settled(cluster, [ACC, TOTAL.replace("'0'", "'10'")], ("public",))
    statements = [s.sql for s in migration_plan(before, after).statements]
    assert len(statements) == 1 and statements[0].startswith('CREATE OR REPLACE AGGREGATE "public"."total"')


def test_state_type_changed_re_creates_it(cluster: Cluster) -> None:
    big = TOTAL.replace("STYPE = integer", "STYPE = bigint")
    run_oracle(cluster, [ACC, TOTAL], [BIG_ACC, big], forward_rows=[Rows(SUMS, [(6,)])])


def test_aggregate_with_a_final_function(cluster: Cluster) -> None:
    shown = "CREATE AGGREGATE shown_total(integer) (SFUNC = acc, STYPE = integer, FINALFUNC = shown, INITCOND = '0')"
    run_oracle(
        cluster,
        [ACC],
        [ACC, SHOWN, shown],
        forward_rows=[Rows("SELECT shown_total(x) FROM generate_series(1, 3) AS x", [("total 6",)])],
    )
    # Its final function taken away: the result type changes, so it is created again.
    run_oracle(cluster, [ACC, SHOWN, shown], [ACC, SHOWN, TOTAL.replace("total", "shown_total", 1)])


def test_overloaded_aggregates(cluster: Cluster) -> None:
    text_acc = "CREATE FUNCTION acc(s text, v text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT s || v'"
    text_total = "CREATE AGGREGATE total(text) (SFUNC = acc, STYPE = text, INITCOND = '')"
    run_oracle(
        cluster,
        [ACC, TOTAL],
        [ACC, TOTAL, text_acc, text_total],
        forward_rows=[Rows("SELECT total(x::text) FROM generate_series(1, 3) AS x", [("123",)])],
    )
    run_oracle(cluster, [ACC, TOTAL, text_acc, text_total], [text_acc, text_total])


def test_every_option(cluster: Cluster) -> None:
    everything = (
        "CREATE AGGREGATE everything(integer) (SFUNC = acc, STYPE = integer, SSPACE = 8, FINALFUNC = shown, "
        "FINALFUNC_MODIFY = SHAREABLE, COMBINEFUNC = acc, INITCOND = '0', MSFUNC = acc, MINVFUNC = acc, "
        "MSTYPE = integer, MSSPACE = 4, MFINALFUNC = shown, MINITCOND = '1', PARALLEL = SAFE)"
    )
    biggest = "CREATE AGGREGATE biggest(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >)"
    tally = "CREATE AGGREGATE tally(*) (SFUNC = int8inc, STYPE = bigint, INITCOND = '0')"
    run_oracle(cluster, [ACC, SHOWN], [ACC, SHOWN, everything, biggest, tally])
    run_oracle(
        cluster,
        [ACC, SHOWN, everything, biggest, tally],
        [ACC, SHOWN, everything.replace("PARALLEL = SAFE", "PARALLEL = RESTRICTED"), biggest, tally],
    )


def test_aggregate_in_another_schema_with_a_comment(cluster: Cluster) -> None:
    schema = "CREATE SCHEMA stats"
    acc = ACC.replace("acc(", "stats.acc(")
    total = "CREATE AGGREGATE stats.total(integer) (SFUNC = stats.acc, STYPE = integer)"
    comment = "COMMENT ON AGGREGATE stats.total(integer) IS 'adds up'"
    run_oracle(cluster, [schema], [schema, acc, total, comment], schemas=("public", "stats"))
    run_oracle(
        cluster,
        [schema, acc, total, comment],
        [schema, acc, total, "COMMENT ON AGGREGATE stats.total(integer) IS 'sums'"],
        schemas=("public", "stats"),
    )


def test_grants_on_an_aggregate(cluster: Cluster) -> None:
    revoked = "REVOKE EXECUTE ON FUNCTION total(integer) FROM PUBLIC"
    run_oracle(cluster, [ACC, TOTAL], [ACC, TOTAL, revoked])
    # Re-created for its new state type, it comes back with PUBLIC's EXECUTE: revoked again.
    big = TOTAL.replace("STYPE = integer", "STYPE = bigint")
    run_oracle(cluster, [ACC, TOTAL, revoked], [BIG_ACC, big, revoked])


VIEW = "CREATE VIEW sums AS SELECT total(x) AS sum FROM generate_series(1, 3) AS x"


def test_a_view_using_an_aggregate_is_re_created_around_it(cluster: Cluster) -> None:
    big = TOTAL.replace("STYPE = integer", "STYPE = bigint")
    run_oracle(
        cluster,
        [ACC, TOTAL, VIEW],
        [BIG_ACC, big, VIEW],
        forward_rows=[Rows("SELECT sum FROM sums", [(6,)])],
    )
    run_oracle(cluster, [ACC, TOTAL], [ACC, TOTAL, VIEW])


def test_an_aggregate_re_created_with_its_final_function(cluster: Cluster) -> None:
    # The final function's result type changes: it is dropped and created again, and the
    # aggregate (and the view using it) must let go of it first.
    final = "CREATE FUNCTION final(s integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT s * 2'"
    total = (
        "CREATE AGGREGATE total(integer) (SFUNC = acc, STYPE = integer, FINALFUNC = final, INITCOND = '0')"
    )
    wide = final.replace("RETURNS integer", "RETURNS bigint")
    run_oracle(
        cluster,
        [ACC, final, total, VIEW],
        [ACC, wide, total, VIEW],
        forward_rows=[Rows("SELECT sum FROM sums", [(12,)])],
        backward_rows=[Rows("SELECT sum FROM sums", [(12,)])],
    )


@pytest.mark.parametrize("user", ["function", "policy"])
def test_a_routine_or_policy_keeping_a_re_created_aggregate_blocks_the_plan(
    cluster: Cluster, user: str
) -> None:
    big = TOTAL.replace("STYPE = integer", "STYPE = bigint")
    uses = {
        "function": "CREATE FUNCTION six() RETURNS bigint LANGUAGE sql BEGIN ATOMIC "
        "SELECT total(x)::bigint FROM generate_series(1, 3) AS x; END",
        "policy": "CREATE TABLE t (n integer)",
    }[user]
    extra = (
        ["CREATE POLICY small ON t USING (n < (SELECT total(x) FROM generate_series(1, 3) AS x))"]
        if user == "policy"
        else []
    )
    before = settled(cluster, [ACC, TOTAL, uses, *extra], ("public",))
    after = settled(cluster, [BIG_ACC, big, uses, *extra], ("public",))
    plan = migration_plan(before, after)
    blocking = [h.message for h in plan.blocking_hazards]
    assert any("uses aggregate public.total(integer)" in message for message in blocking), plan.sql()


def test_a_state_function_with_a_standard_body(cluster: Cluster) -> None:
    # Created with the views (its body is bound when it is created): the aggregate waits.
    atomic = "CREATE FUNCTION acc(s integer, v integer) RETURNS integer LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT s + v; END"
    run_oracle(cluster, [], [atomic, TOTAL, VIEW], forward_rows=[Rows("SELECT sum FROM sums", [(6,)])])


def test_an_aggregate_dropped_with_the_routine_that_calls_it(cluster: Cluster) -> None:
    six = (
        "CREATE FUNCTION six() RETURNS integer LANGUAGE sql BEGIN ATOMIC "
        "SELECT total(x) FROM generate_series(1, 3) AS x; END"
    )
    run_oracle(cluster, [ACC, TOTAL, six], [ACC], backward_rows=[Rows("SELECT six()", [(6,)])])


def test_polymorphic_and_internal_state_aggregates(cluster: Cluster) -> None:
    gather = "CREATE AGGREGATE gather(anycompatible) (SFUNC = array_append, STYPE = anycompatiblearray, INITCOND = '{}')"
    mean = (
        "CREATE AGGREGATE mean(numeric) (SFUNC = numeric_avg_accum, STYPE = internal, FINALFUNC = numeric_avg, "
        "COMBINEFUNC = numeric_avg_combine, SERIALFUNC = numeric_avg_serialize, "
        "DESERIALFUNC = numeric_avg_deserialize, PARALLEL = SAFE)"
    )
    run_oracle(
        cluster,
        [],
        [gather, mean],
        forward_rows=[
            Rows("SELECT gather(x) FROM generate_series(1, 3) AS x", [([1, 2, 3],)]),
            Rows("SELECT mean(x)::text FROM generate_series(1, 3) AS x", [("2.0000000000000000",)]),
        ],
    )
