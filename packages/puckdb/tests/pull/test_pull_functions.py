"""pull writes functions, procedures, aggregates and triggers as puckdb's declarations, and the module
normalizes back to the database (bodies, settings and trigger options exactly), and names
what puckdb does not manage."""

from __future__ import annotations

from puckdb.pull.module import render

from .conftest import PullHarness


def test_functions_procedures_and_triggers_round_trip(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE TABLE cards (id bigint PRIMARY KEY, front text, updated_at timestamptz)",
            "CREATE TABLE app.logs (id bigint, said text)",
            "CREATE VIEW fronts AS SELECT id, front FROM cards",
            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$\n"
            "BEGIN\n    NEW.updated_at = now();  -- kept as written\n    RETURN NEW;\nEND\n$$",
            "COMMENT ON FUNCTION touch() IS 'keeps updated_at'",
            "CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer "
            "LANGUAGE sql IMMUTABLE STRICT AS 'SELECT a + b'",
            "CREATE FUNCTION fronts_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS "
            "$$BEGIN INSERT INTO cards (id, front) VALUES (NEW.id, NEW.front); RETURN NEW; END$$",
            "CREATE PROCEDURE app.say(words text) LANGUAGE sql AS $$INSERT INTO app.logs VALUES (1, words)$$",
            "CREATE TRIGGER cards_touch BEFORE INSERT OR UPDATE OF front ON cards FOR EACH ROW "
            "WHEN (NEW.front IS NOT NULL) EXECUTE FUNCTION touch()",
            "COMMENT ON TRIGGER cards_touch ON cards IS 'stamps'",
            "CREATE TRIGGER fronts_insert INSTEAD OF INSERT ON fronts FOR EACH ROW EXECUTE FUNCTION fronts_insert()",
            "CREATE CONSTRAINT TRIGGER logs_check AFTER INSERT ON app.logs DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION touch()",
        ],
        schemas=("public", "app"),
    )
    module = harness.round_trip(schema)
    assert 'Function(\n    "touch()"' in module.text or 'Function("touch()"' in module.text
    assert "Procedure(" in module.text and "constraint=True" in module.text
    assert 'Trigger(\n    "fronts_insert"' in module.text or 'Trigger("fronts_insert"' in module.text
    assert "-- kept as written" in module.text
    # A multi-line body reads as written (a triple-quoted block Function dedents back),
    # not as one string of \n escapes.
    assert '    """\n    RETURNS trigger\n     LANGUAGE plpgsql\n' in module.text
    assert "\n        NEW.updated_at = now();  -- kept as written\n" in module.text
    assert harness.ruff_findings(module.text) == ""


def test_unmanaged_objects_are_named_in_the_module(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE t (id int PRIMARY KEY)",
            "CREATE TYPE span AS RANGE (subtype = date)",
            "CREATE AGGREGATE pick(float8 ORDER BY anyelement) (SFUNC = ordered_set_transition, "
            "STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA)",
        ]
    )
    pulled = render(schema)
    assert "#   range type public.span" in pulled.text
    assert "#   ordered-set aggregate public.pick(double precision ORDER BY anyelement)" in pulled.text
    assert "range type public.span: not managed by puckdb, not in this module" in pulled.notes
    assert harness.ruff_findings(pulled.text) == ""


def test_grants_round_trip(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE TABLE cards (id bigint PRIMARY KEY, front text)",
            "CREATE VIEW fronts AS SELECT id, front FROM cards",
            "CREATE SEQUENCE app.ids",
            "CREATE TYPE app.mood AS ENUM ('ok', 'sad')",
            "CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql AS 'SELECT a + b'",
            "GRANT SELECT, INSERT ON cards TO pg_monitor",
            "GRANT UPDATE ON cards TO pg_monitor WITH GRANT OPTION",
            "GRANT SELECT ON fronts TO pg_read_all_data",
            "GRANT USAGE ON SCHEMA app TO pg_monitor",
            "GRANT USAGE ON SEQUENCE app.ids TO pg_monitor",
            "REVOKE USAGE ON TYPE app.mood FROM PUBLIC",
            "REVOKE EXECUTE ON FUNCTION app.add(integer, integer) FROM PUBLIC",
            "GRANT EXECUTE ON FUNCTION app.add(integer, integer) TO pg_signal_backend",
        ],
        schemas=("public", "app"),
    )
    assert len(schema.grants) == 7
    module = harness.round_trip(schema)
    assert 'on="function:app.add(a integer, b integer)"' in module.text
    assert "with_grant_option=True" in module.text
    assert harness.ruff_findings(module.text) == ""


def test_aggregates_round_trip(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE FUNCTION app.acc(s integer, v integer) RETURNS integer LANGUAGE sql IMMUTABLE "
            "AS 'SELECT s + v'",
            "CREATE FUNCTION shown(s integer) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT s::text'",
            "CREATE AGGREGATE app.total(integer) (SFUNC = app.acc, STYPE = integer, INITCOND = '0', "
            "COMBINEFUNC = app.acc, PARALLEL = SAFE)",
            "CREATE AGGREGATE shown_total(integer) (SFUNC = app.acc, STYPE = integer, FINALFUNC = shown)",
            "COMMENT ON AGGREGATE shown_total(integer) IS 'the total, as text'",
            "CREATE AGGREGATE tally(*) (SFUNC = int8inc, STYPE = bigint, INITCOND = '0')",
            "CREATE AGGREGATE biggest(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >)",
            "REVOKE EXECUTE ON FUNCTION tally() FROM PUBLIC",
        ],
        schemas=("public", "app"),
    )
    assert len(schema.aggregates) == 4 and not schema.unmanaged
    module = harness.round_trip(schema)
    assert (
        'Aggregate(\n    "total(integer)",\n    Base.metadata,\n'
        "    \"SFUNC = app.acc, STYPE = integer, COMBINEFUNC = app.acc, INITCOND = '0', PARALLEL = SAFE\","
    ) in module.text
    assert '"tally(*)"' in module.text and 'on="function:public.tally()"' in module.text
    assert "SORTOP = OPERATOR(pg_catalog.>)" in module.text
    assert harness.ruff_findings(module.text) == ""
