"""The round-trip oracle for type changes that need more than ``USING col::type``: a path
through another type or through text, and the pairs PostgreSQL has no cast for at all,
which must be planned with a flagged placeholder rather than a statement it rejects."""

from __future__ import annotations

import pytest

from puckdb.engine import migration_plan
from puckdb.model import Column, PrimaryKey, Schema, Table

from .support import Cluster, Rows, needs_its_author, run_oracle

NOTES = "CREATE TABLE notes (id bigint PRIMARY KEY, value {})"


def test_jsonb_to_boolean_and_back(cluster: Cluster) -> None:
    # The pair hypothesis found: boolean → jsonb has no cast; its text is valid JSON.
    run_oracle(
        cluster,
        [NOTES.format("jsonb")],
        [NOTES.format("boolean")],
        data="INSERT INTO notes VALUES (1, 'true'), (2, 'false')",
        forward_rows=[Rows("SELECT value FROM notes ORDER BY id", [(True,), (False,)])],
        backward_rows=[Rows("SELECT value::text FROM notes ORDER BY id", [("true",), ("false",)])],
    )


def test_boolean_to_bigint_through_integer(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [NOTES.format("boolean")],
        [NOTES.format("bigint")],
        data="INSERT INTO notes VALUES (1, true), (2, false)",
        forward_rows=[Rows("SELECT value FROM notes ORDER BY id", [(1,), (0,)])],
    )


def test_one_enum_to_another_through_text(cluster: Cluster) -> None:
    moods = "CREATE TYPE mood AS ENUM ('ok', 'tired')"
    feelings = "CREATE TYPE feeling AS ENUM ('tired', 'ok', 'great')"
    run_oracle(
        cluster,
        [moods, feelings, NOTES.format("mood")],
        [moods, feelings, NOTES.format("feeling")],
        data="INSERT INTO notes VALUES (1, 'ok'), (2, 'tired')",
        forward_rows=[Rows("SELECT value::text FROM notes ORDER BY notes.value", [("tired",), ("ok",)])],
    )


@pytest.mark.parametrize(
    ("old", "new"), [("uuid", "integer"), ("timestamptz", "jsonb"), ("integer", "integer[]")]
)
def test_no_cast_is_a_flagged_placeholder(cluster: Cluster, old: str, new: str) -> None:
    # run_oracle checks the placeholder is flagged and runs the direction that can run.
    run_oracle(cluster, [NOTES.format(old)], [NOTES.format(new)])


def test_the_placeholder_blocks_and_says_what_to_write() -> None:
    def notes(data_type: str) -> Schema:
        columns = (Column("id", "bigint", nullable=False), Column("value", data_type))
        return Schema(
            tables=(Table("public", "notes", columns, primary_key=PrimaryKey("notes_pkey", ("id",))),)
        )

    plan = migration_plan(notes("uuid"), notes("integer"))
    assert needs_its_author(plan)
    [hazard] = [h for h in plan.blocking_hazards if h.kind == "manual-using"]
    assert "notes.value (uuid → integer)" in hazard.message
    [statement] = [s.sql for s in plan.statements if "TYPE integer" in s.sql]
    assert statement.endswith(
        "USING /* PostgreSQL has no cast from uuid to integer: replace puckdb_manual_using(…) "
        'with an expression that turns "value" into integer */ puckdb_manual_using("value")'
    )
