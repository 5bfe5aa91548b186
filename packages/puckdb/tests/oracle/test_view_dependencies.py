"""Views are re-created only when a column they read changes: PostgreSQL lets the other
columns of their tables change under them (and a needless re-creation of a materialized
view recomputes it and rebuilds its indexes)."""

from __future__ import annotations

from puckdb.engine import migration_plan

from .support import Cluster, run_oracle, settled

FILMS = "CREATE TABLE films (id bigint PRIMARY KEY, title text, rental_rate numeric(4,2), rating text)"
TITLES = "CREATE VIEW titles AS SELECT id, title FROM films"
RATED = "CREATE MATERIALIZED VIEW rated AS SELECT id, rating FROM films"
RATED_INDEX = "CREATE INDEX rated_rating ON rated (rating)"
COUNTED = "CREATE VIEW counted AS SELECT count(*) AS n FROM films"
ROWS = "CREATE VIEW whole AS SELECT f FROM films f"
SCRIPT = [FILMS, TITLES, RATED, RATED_INDEX, COUNTED, ROWS]


def _plan(cluster: Cluster, source: list[str], target: list[str]) -> str:
    return migration_plan(settled(cluster, source, ["public"]), settled(cluster, target, ["public"])).sql()


def test_a_type_change_re_creates_only_the_views_reading_the_column(cluster: Cluster) -> None:
    widened = [FILMS.replace("numeric(4,2)", "numeric(6,2)"), *SCRIPT[1:]]
    run_oracle(cluster, SCRIPT, widened)
    sql = _plan(cluster, SCRIPT, widened)
    assert 'DROP VIEW "public"."titles"' not in sql
    assert "MATERIALIZED VIEW" not in sql
    # A whole-row reference reads every column; PostgreSQL records count(*) the same way
    # (a dependency on the whole table), so both count as reading the changed column.
    assert 'DROP VIEW "public"."whole"' in sql and 'DROP VIEW "public"."counted"' in sql


def test_a_materialized_view_reading_the_column_is_rebuilt_with_its_indexes(cluster: Cluster) -> None:
    retyped = [FILMS.replace("rating text", "rating varchar(5)"), *SCRIPT[1:]]
    run_oracle(cluster, SCRIPT, retyped)
    before, after = settled(cluster, SCRIPT, ["public"]), settled(cluster, retyped, ["public"])
    plan = migration_plan(before, after)
    assert {h.kind for h in plan.hazards} >= {"matview-rebuild"}
    assert "CREATE INDEX rated_rating" in plan.sql()
    assert 'DROP VIEW "public"."titles"' not in plan.sql()


def test_dropping_a_column_no_view_reads_leaves_the_views(cluster: Cluster) -> None:
    dropped = [FILMS.replace(", rental_rate numeric(4,2)", ""), TITLES, RATED, RATED_INDEX]
    run_oracle(cluster, SCRIPT[:4], dropped)
    sql = _plan(cluster, SCRIPT[:4], dropped)
    assert "DROP VIEW" not in sql and "DROP MATERIALIZED VIEW" not in sql
