"""The round-trip oracle for triggers: on tables and views, each attribute, and the cases
where a trigger must be created again because what it hangs on is."""

from __future__ import annotations

from puckdb.diff import Renames
from puckdb.engine import migration_plan

from .support import Cluster, Rows, run_oracle, settled

CARDS = "CREATE TABLE cards (id bigint PRIMARY KEY, front text, updated_at timestamptz)"
TOUCH = (
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS "
    "$$BEGIN NEW.updated_at = '2030-01-01'; RETURN NEW; END$$"
)
TRIGGER = "CREATE TRIGGER cards_touch BEFORE UPDATE ON cards FOR EACH ROW EXECUTE FUNCTION touch()"


def test_trigger_and_its_function_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS],
        [CARDS, TOUCH, TRIGGER],
        data="INSERT INTO cards VALUES (1, 'a', NULL)",
        # The trigger overrides what an UPDATE writes to updated_at; without it, the value stays.
        forward_rows=[Rows("UPDATE cards SET updated_at = NULL RETURNING updated_at IS NOT NULL", [(True,)])],
        backward_rows=[
            Rows("UPDATE cards SET updated_at = NULL RETURNING updated_at IS NOT NULL", [(False,)])
        ],
    )


def test_trigger_definition_changed(cluster: Cluster) -> None:
    changed = TRIGGER.replace("BEFORE UPDATE", "BEFORE INSERT OR UPDATE OF front").replace(
        "FOR EACH ROW", "FOR EACH ROW WHEN (NEW.front IS NOT NULL)"
    )
    run_oracle(cluster, [CARDS, TOUCH, TRIGGER], [CARDS, TOUCH, changed])


def test_trigger_disabled_and_commented(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, TOUCH, TRIGGER],
        [
            CARDS,
            TOUCH,
            TRIGGER,
            "ALTER TABLE cards DISABLE TRIGGER cards_touch",
            "COMMENT ON TRIGGER cards_touch ON cards IS 'keeps updated_at'",
        ],
    )


def test_statement_trigger_with_a_transition_table_and_a_constraint_trigger(cluster: Cluster) -> None:
    log = "CREATE FUNCTION log_rows() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$"
    run_oracle(
        cluster,
        [CARDS, log],
        [
            CARDS,
            log,
            "CREATE TRIGGER cards_log AFTER INSERT ON cards REFERENCING NEW TABLE AS added "
            "FOR EACH STATEMENT EXECUTE FUNCTION log_rows()",
            "CREATE CONSTRAINT TRIGGER cards_check AFTER UPDATE ON cards DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION log_rows()",
        ],
    )


def test_instead_of_trigger_on_a_view_survives_the_view_being_re_created(cluster: Cluster) -> None:
    insert = (
        "CREATE FUNCTION fronts_insert() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN INSERT INTO cards (id, front) VALUES (NEW.id, NEW.front); RETURN NEW; END$$"
    )
    on_view = "CREATE TRIGGER fronts_insert INSTEAD OF INSERT ON fronts FOR EACH ROW EXECUTE FUNCTION fronts_insert()"
    run_oracle(
        cluster,
        [CARDS, "CREATE VIEW fronts AS SELECT id, front FROM cards", insert, on_view],
        # A type change of a column the view reads re-creates the view.
        [
            CARDS.replace("front text", "front varchar(200)"),
            "CREATE VIEW fronts AS SELECT id, front FROM cards",
            insert,
            on_view,
        ],
    )


def test_trigger_on_a_table_in_another_schema(cluster: Cluster) -> None:
    table = "CREATE TABLE app.cards (id bigint PRIMARY KEY, updated_at timestamptz)"
    trigger = (
        "CREATE TRIGGER cards_touch BEFORE UPDATE ON app.cards FOR EACH ROW EXECUTE FUNCTION app.touch()"
    )
    function = TOUCH.replace("FUNCTION touch()", "FUNCTION app.touch()")
    run_oracle(
        cluster,
        ["CREATE SCHEMA app", table],
        ["CREATE SCHEMA app", table, function, trigger],
        schemas=("public", "app"),
    )


def test_dropping_a_table_with_its_trigger(cluster: Cluster) -> None:
    run_oracle(cluster, [CARDS, TOUCH, TRIGGER], [TOUCH])


def test_a_trigger_follows_its_renamed_table(cluster: Cluster) -> None:
    renamed = [CARDS.replace("cards", "notes"), TOUCH, TRIGGER.replace("ON cards", "ON notes")]
    renames = Renames(tables={("public", "cards"): "notes"})
    run_oracle(cluster, [CARDS, TOUCH, TRIGGER], renamed, renames=renames)
    plan = migration_plan(
        settled(cluster, [CARDS, TOUCH, TRIGGER], ["public"]), settled(cluster, renamed, ["public"]), renames
    )
    assert "TRIGGER" not in plan.sql()
    # Dropped after the rename, it is dropped on the new name.
    run_oracle(cluster, [CARDS, TOUCH, TRIGGER], [CARDS.replace("cards", "notes"), TOUCH], renames=renames)
