"""Everything a managed schema holds that no kind covers is named, one object kind at a
time: inspection lists it (with its table, when it goes with one), and a plan that would
drop that table says what else goes, with a blocking hazard."""

from __future__ import annotations

import pytest

from puckdb.engine import migration_plan
from puckdb.model import Schema

from .conftest import InspectAfter

TABLE = "CREATE TABLE t (id int PRIMARY KEY, name text, at date);"

# (DDL after TABLE, the label inspection gives the object, whether dropping t drops it)
CASES = [
    ("GRANT SELECT (name) ON t TO pg_read_all_data", "column grants public.t.name", True),
    (
        "CREATE AGGREGATE pick(float8 ORDER BY anyelement) (SFUNC = ordered_set_transition, "
        "STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA)",
        "ordered-set aggregate public.pick(double precision ORDER BY anyelement)",
        False,
    ),
    (
        'CREATE AGGREGATE ranked(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi, '
        "STYPE = internal, FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL)",
        'ordered-set aggregate public.ranked(VARIADIC "any" ORDER BY VARIADIC "any")',
        False,
    ),
    (
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
        "CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at);"
        "CREATE TABLE parted_2020 PARTITION OF parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');"
        "CREATE TRIGGER parted_2020_touch BEFORE UPDATE ON parted_2020 FOR EACH ROW EXECUTE FUNCTION touch()",
        "trigger parted_2020_touch on public.parted_2020",
        False,
    ),
    (
        "CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at);"
        "CREATE TABLE parted_2020 PARTITION OF parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');"
        "CREATE POLICY own ON parted_2020 USING (id > 0)",
        "policy own on public.parted_2020",
        False,
    ),
    ("CREATE RULE quiet AS ON DELETE TO t DO INSTEAD NOTHING", "rule quiet on public.t", True),
    ("CREATE TYPE span AS RANGE (subtype = date)", "range type public.span", False),
    (
        "CREATE TABLE child (extra int) INHERITS (t)",
        "inheritance public.child inheriting from public.t",
        True,
    ),
    ("CREATE STATISTICS t_stats ON id, at FROM t", "statistics public.t_stats", True),
    (
        "CREATE TEXT SEARCH CONFIGURATION plain_ts (COPY = simple)",
        "text search configuration public.plain_ts",
        False,
    ),
    (
        "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)",
        "operator public.===(integer, integer)",
        False,
    ),
    ("ALTER TABLE t SET (fillfactor = 70)", "table settings of public.t", True),
    (
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO pg_read_all_data",
        "default privileges for postgres on tables in schema public",
        False,
    ),
]


def _labels(schema: Schema) -> list[str]:
    return [item.label for item in schema.unmanaged]


@pytest.mark.parametrize(
    ("ddl", "label", "goes_with_table"),
    CASES,
    ids=[case[1].split(" ")[0] + "-" + str(i) for i, case in enumerate(CASES)],
)
def test_each_unmanaged_kind_is_named_and_guarded(
    inspect_after: InspectAfter, ddl: str, label: str, goes_with_table: bool
):
    schema = inspect_after(f"{TABLE} {ddl}")
    assert label in _labels(schema)
    # The same object is never also reported by a managed kind (a trigger on a partition is
    # not the triggers kind's, though the partition is a managed table).
    assert [trigger.table for trigger in schema.triggers] == []
    without_t = Schema(schemas=schema.schemas, tables=tuple(x for x in schema.tables if x.name != "t"))
    plan = migration_plan(schema, without_t)
    drops_unmanaged = [h.message for h in plan.hazards if h.kind == "drops-unmanaged"]
    named = [m for m in drops_unmanaged if label in m]
    assert bool(named) == goes_with_table, drops_unmanaged
    if goes_with_table:
        assert plan.blocking_hazards


def test_an_event_trigger_is_named(inspect_after: InspectAfter):
    schema = inspect_after(
        "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;"
        "CREATE EVENT TRIGGER ddl_watch ON ddl_command_end EXECUTE FUNCTION on_ddl()"
    )
    try:
        assert "event trigger ddl_watch" in _labels(schema)
        assert [f.signature for f in schema.functions] == ["public.on_ddl()"]
    finally:
        # Event triggers are database-wide; this one must not fire in the tests' other DDL.
        inspect_after("DROP EVENT TRIGGER ddl_watch")


def test_extension_members_and_the_foreign_keys_own_triggers_are_not_unmanaged(inspect_after: InspectAfter):
    schema = inspect_after(
        "CREATE EXTENSION vector;"
        "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (a_id int REFERENCES a);"
        "CREATE TABLE c (id int, e vector(3))"
    )
    assert schema.unmanaged == ()


def test_functions_procedures_and_triggers_on_tables_and_views_are_managed_not_unmanaged(
    inspect_after: InspectAfter,
):
    schema = inspect_after(
        f"{TABLE} CREATE VIEW v AS SELECT id FROM t;"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
        "CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1';"
        "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();"
        "CREATE TRIGGER v_insert INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION touch()"
    )
    assert schema.unmanaged == ()
    assert [f.signature for f in schema.functions] == ["public.p()", "public.touch()"]
    assert [(t.table, t.name) for t in schema.triggers] == [("t", "t_touch"), ("v", "v_insert")]


def test_a_changed_definition_changes_the_fingerprint(inspect_after: InspectAfter):
    before = inspect_after(f"{TABLE} ALTER TABLE t SET (fillfactor = 70)")
    after = inspect_after("ALTER TABLE t SET (fillfactor = 80)")
    [old], [new] = before.unmanaged, after.unmanaged
    assert (old.kind, old.name) == (new.kind, new.name) and old.fingerprint != new.fingerprint


def test_a_range_types_constructors_are_not_functions_of_the_schema(inspect_after: InspectAfter):
    schema = inspect_after("CREATE TYPE span AS RANGE (subtype = date)")
    assert schema.functions == ()
    assert [item.label for item in schema.unmanaged] == ["range type public.span"]


def test_row_level_security_and_policies_on_tables_are_managed_not_unmanaged(inspect_after: InspectAfter):
    schema = inspect_after(
        f"{TABLE} ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY own ON t AS RESTRICTIVE FOR UPDATE TO pg_read_all_data, pg_monitor "
        "USING (id > 0) WITH CHECK (name IS NOT NULL)"
    )
    assert schema.unmanaged == ()
    [policy] = schema.policies
    assert (policy.table, policy.name, policy.permissive, policy.command) == ("t", "own", False, "UPDATE")
    assert policy.roles == ("pg_monitor", "pg_read_all_data")  # sorted
    assert (policy.using, policy.with_check) == ("(id > 0)", "(name IS NOT NULL)")
    # Dropping t takes its policy with it, which is no unmanaged loss.
    plan = migration_plan(schema, Schema(schemas=schema.schemas))
    assert not [h for h in plan.hazards if h.kind == "drops-unmanaged"]


def test_domains_and_composite_types_are_managed_not_unmanaged(inspect_after: InspectAfter):
    schema = inspect_after(
        "CREATE DOMAIN posint AS integer CHECK (VALUE > 0); CREATE TYPE pair AS (a int, b text);"
        "CREATE TABLE uses (p pair, n posint)"
    )
    assert schema.unmanaged == ()
    assert [d.name for d in schema.domains] == ["posint"]
    assert [c.name for c in schema.composite_types] == ["pair"]


def test_grants_are_managed_not_unmanaged(inspect_after: InspectAfter):
    schema = inspect_after(
        f"{TABLE} GRANT SELECT ON t TO pg_read_all_data;"
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 1';"
        "REVOKE EXECUTE ON FUNCTION g() FROM PUBLIC; GRANT EXECUTE ON FUNCTION g() TO pg_read_all_data"
    )
    assert schema.unmanaged == ()
    assert [(g.kind, g.name, g.grantee, g.privileges) for g in schema.grants] == [
        ("function", "g", "pg_read_all_data", ("EXECUTE",)),
        ("function", "g", "public", ()),
        ("table", "t", "pg_read_all_data", ("SELECT",)),
    ]


def test_aggregates_are_managed_not_unmanaged(inspect_after: InspectAfter):
    schema = inspect_after(
        "CREATE AGGREGATE total(int) (SFUNC = int4pl, STYPE = int);"
        "CREATE AGGREGATE tally(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0')"
    )
    assert schema.unmanaged == ()
    assert [a.signature for a in schema.aggregates] == ["public.tally(*)", "public.total(integer)"]
    assert schema.functions == (), "an aggregate is no function of the functions kind"
