"""A renamed column is renamed in the expressions PostgreSQL keeps as parse trees (index
keys and predicates, checks, generated columns): RENAME COLUMN rewrites them itself, so
the plan neither drops nor re-creates them. And a sequence whose settings and owner both
change gets both statements."""

from __future__ import annotations

from puckdb.diff import Renames
from puckdb.engine import migration_plan

from .support import Cluster, run_oracle, settled

BEFORE = [
    "CREATE TABLE cards (id bigint PRIMARY KEY, meaning text, other text,"
    " meaning_length integer GENERATED ALWAYS AS (length(meaning)) STORED,"
    " CONSTRAINT cards_meaning_check CHECK (meaning <> 'meaning'))",
    "CREATE INDEX cards_fts ON cards USING gin (to_tsvector('english', meaning))",
    "CREATE INDEX cards_partial ON cards (other) WHERE meaning IS NOT NULL",
    "CREATE INDEX cards_both ON cards (meaning, other)",
    "CREATE VIEW others AS SELECT id, other FROM cards",
]
AFTER = [
    "CREATE TABLE cards (id bigint PRIMARY KEY, definition text, other text,"
    " meaning_length integer GENERATED ALWAYS AS (length(definition)) STORED,"
    " CONSTRAINT cards_meaning_check CHECK (definition <> 'meaning'))",
    "CREATE INDEX cards_fts ON cards USING gin (to_tsvector('english', definition))",
    "CREATE INDEX cards_partial ON cards (other) WHERE definition IS NOT NULL",
    "CREATE INDEX cards_both ON cards (definition, other)",
    "CREATE VIEW others AS SELECT id, other FROM cards",
]
RENAME = Renames(columns={("public", "cards", "meaning"): "definition"})


def test_a_column_rename_keeps_the_indexes_checks_generated_columns_and_views(cluster: Cluster) -> None:
    run_oracle(cluster, BEFORE, AFTER, renames=RENAME)
    plan = migration_plan(settled(cluster, BEFORE, ["public"]), settled(cluster, AFTER, ["public"]), RENAME)
    assert [statement.sql for statement in plan.statements] == [
        'ALTER TABLE "public"."cards" RENAME COLUMN "meaning" TO "definition"'
    ]


def test_a_sequence_changing_settings_and_owner_gets_both(cluster: Cluster) -> None:
    table = "CREATE TABLE t (id bigint PRIMARY KEY, other bigint)"
    run_oracle(
        cluster,
        [table, "CREATE SEQUENCE s OWNED BY t.id"],
        [table, "CREATE SEQUENCE s INCREMENT 2 OWNED BY t.other"],
    )
