"""A generated change that adds enum labels and does more, on a real server: the labels
are a migration of their own that commits first, so a later failure leaves a state
`status` names exactly and `apply` resumes without running anything twice."""

from __future__ import annotations

import json

import psycopg

from puckdb.migrations.generate import GenerateOptions, generate

from .conftest import Workspace, execute, query

MOODS = """
from sqlalchemy import Enum
mood = Enum("sad", "happy", name="mood")
cards = Table(
    "cards", metadata, Column("id", BigInteger, primary_key=True), Column("mood", mood), Column("note", Text)
)
"""
# 'ok' is added, used as the new default, and note becomes NOT NULL (fails on a NULL row).
MORE_MOODS = (
    MOODS.replace('"sad", "happy"', '"sad", "ok", "happy"')
    .replace('Column("mood", mood)', 'Column("mood", mood, server_default="ok")')
    .replace('Column("note", Text)', 'Column("note", Text, nullable=False)')
)


def labels(url: str) -> list[str]:
    return [row[0] for row in query(url, "SELECT unnest(enum_range(NULL::mood))::text")]


def applied_base(workspace: Workspace, *rows: str) -> None:
    workspace.write_schema(MOODS)
    generate(workspace.project(), GenerateOptions())
    assert workspace.run("apply").returncode == 0
    for row in rows:
        query(workspace.url, f"INSERT INTO cards VALUES {row} RETURNING id")


def test_generate_writes_the_labels_first_and_the_rest_in_one_transaction(workspace: Workspace) -> None:
    applied_base(workspace)
    workspace.write_schema(MORE_MOODS)
    result = generate(workspace.project(), GenerateOptions(name="moods_and_notes"))

    first, second = (written.migration for written in result.written)
    assert result.migration == second
    assert first.label == "0002_add_mood_ok" and second.label == "0003_moods_and_notes"
    assert not first.header.transactional and second.header.transactional
    assert [s.sql for s in first.statements] == [
        """ALTER TYPE "public"."mood" ADD VALUE IF NOT EXISTS 'ok' BEFORE 'happy'"""
    ]
    assert "SET DEFAULT 'ok'::mood" in second.text and "ADD VALUE" not in second.text
    assert "next migration:\n-- 0003_moods_and_notes" in first.text
    assert workspace.files() == [
        "0001_init.down.sql",
        "0001_init.sql",
        "0002_add_mood_ok.down.sql",
        "0002_add_mood_ok.sql",
        "0003_moods_and_notes.down.sql",
        "0003_moods_and_notes.sql",
        "puckdb.lock",
    ]


def test_a_new_label_used_as_a_default_in_the_same_change_applies_and_rolls_back(
    workspace: Workspace,
) -> None:
    applied_base(workspace, "(1, 'sad', 'x')")
    workspace.write_schema(MORE_MOODS)
    generated = workspace.run("generate")
    assert generated.returncode == 0, generated.stderr
    assert "The enum labels come first" in generated.stdout
    linted = workspace.run("lint", "--pending")  # the deploy gate passes what generate wrote
    assert linted.returncode == 0, linted.stdout + linted.stderr

    applied = workspace.run("apply")
    assert applied.returncode == 0, applied.stderr
    assert labels(workspace.url) == ["sad", "ok", "happy"]
    assert query(workspace.url, "INSERT INTO cards (id, note) VALUES (2, 'y') RETURNING mood::text") == [
        ("ok",)
    ]
    checked = workspace.run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    query(workspace.url, "DELETE FROM cards WHERE id = 2 RETURNING id")
    rolled = workspace.run("down", "--to", "0001", "--force")
    assert rolled.returncode == 0, rolled.stderr
    assert labels(workspace.url) == ["sad", "happy"]
    assert query(
        workspace.url, "SELECT column_default FROM information_schema.columns WHERE column_name = 'mood'"
    ) == [(None,)]


def test_a_later_failure_leaves_the_labels_applied_and_apply_resumes_after_the_fix(
    workspace: Workspace,
) -> None:
    applied_base(workspace, "(1, 'sad', NULL)")  # the NULL makes SET NOT NULL fail
    workspace.write_schema(MORE_MOODS)
    generate(workspace.project(), GenerateOptions(name="moods_and_notes"))

    failed = workspace.run("apply")
    assert failed.returncode != 0
    assert "Applied 0002_add_mood_ok" in failed.stdout
    assert "statement 1 (line " in failed.stderr and "0003_moods_and_notes.sql" in failed.stderr
    assert 'column "note" of relation "cards" contains null values' in failed.stderr
    assert "Nothing of this migration was applied (its transaction was rolled back)." in failed.stderr

    # status says exactly where the database is: the labels committed, the rest not at all.
    status = workspace.run("status", "--json")
    entries = {e["version"]: e["status"] for e in json.loads(status.stdout)["migrations"]}
    assert entries == {1: "applied", 2: "applied", 3: "pending"}
    assert labels(workspace.url) == ["sad", "ok", "happy"]
    assert query(
        workspace.url,
        "SELECT is_nullable, column_default FROM information_schema.columns WHERE column_name = 'note'",
    ) == [("YES", None)]

    query(workspace.url, "UPDATE cards SET note = '' WHERE note IS NULL RETURNING id")  # the fix
    resumed = workspace.run("apply")
    assert resumed.returncode == 0, resumed.stderr
    assert "Applied 0003_moods_and_notes" in resumed.stdout and "0002" not in resumed.stdout
    checked = workspace.run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_labels_committed_by_a_run_cut_off_before_recording_them_are_not_a_failure(
    workspace: Workspace,
) -> None:
    applied_base(workspace)
    workspace.write_schema(MORE_MOODS)
    generate(workspace.project(), GenerateOptions(name="moods_and_notes"))
    # As if a run had added the label and lost its connection before recording it: the
    # row says nothing of the label migration ran.
    execute(workspace.url, "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'")
    applied = workspace.run("apply")
    assert applied.returncode == 0, applied.stderr
    assert labels(workspace.url) == ["sad", "ok", "happy"]


def test_a_failure_in_the_label_migration_is_partial_at_that_statement_and_resumes(
    workspace: Workspace,
) -> None:
    applied_base(workspace)
    workspace.write_schema(MORE_MOODS.replace('"sad", "ok", "happy"', '"sad", "ok", "happy", "glad"'))
    generate(workspace.project(), GenerateOptions(name="moods_and_notes"))
    first = workspace.migrations / "0002_add_mood_glad_and_add_mood_ok.sql"
    assert first.read_text().count("ADD VALUE IF NOT EXISTS") == 2
    line = next(
        n for n, text in enumerate(first.read_text().splitlines(), 1) if text.startswith("ALTER TYPE")
    )

    # Another session's open transaction holds the enum type: ADD VALUE waits and times out.
    with psycopg.connect(workspace.url) as holder:
        holder.execute("COMMENT ON TYPE mood IS 'busy'")
        failed = workspace.run("apply", "--lock-timeout", "0.5")
        holder.rollback()
    assert failed.returncode != 0
    assert "statement 1 (line " in failed.stderr and first.name in failed.stderr
    assert "This migration runs outside a transaction: nothing ran." in failed.stderr

    status = workspace.run("status")
    assert status.returncode == 1
    assert f"partial (0 of 2 ran; resumes at statement 1, line {line})" in status.stdout
    assert "pending" in status.stdout  # 0003, the rest of the change

    resumed = workspace.run("apply")
    assert resumed.returncode == 0, resumed.stderr
    assert "Applied 0002_add_mood_glad_and_add_mood_ok" in resumed.stdout
    assert "Applied 0003_moods_and_notes" in resumed.stdout
    assert labels(workspace.url) == ["sad", "ok", "happy", "glad"]


TWO_ENUMS = """
from sqlalchemy import Enum
mood = Enum("sad", "happy", name="mood")
feeling = Enum("sad", name="feeling")
cards = Table(
    "cards", metadata, Column("id", BigInteger, primary_key=True), Column("m", mood), Column("f", feeling)
)
"""
# cards.m moves to feeling, which gains 'meh': a row holding 'happy' has no label there.
TO_FEELING = TWO_ENUMS.replace('Enum("sad", name="feeling")', 'Enum("sad", "meh", name="feeling")').replace(
    'Column("m", mood)', 'Column("m", feeling)'
)


def test_an_enum_to_enum_conversion_failing_after_a_new_label_resumes_after_the_fix(
    workspace: Workspace,
) -> None:
    workspace.write_schema(TWO_ENUMS)
    generate(workspace.project(), GenerateOptions())
    assert workspace.run("apply").returncode == 0
    query(workspace.url, "INSERT INTO cards (id, m) VALUES (1, 'happy'), (2, 'sad') RETURNING id")
    workspace.write_schema(TO_FEELING)
    generate(workspace.project(), GenerateOptions(name="cards_feel"))
    assert workspace.files()[-3:-1] == ["0003_cards_feel.down.sql", "0003_cards_feel.sql"]

    failed = workspace.run("apply")
    assert failed.returncode != 0
    assert 'invalid input value for enum feeling: "happy"' in failed.stderr
    assert "0003_cards_feel.sql" in failed.stderr and "rolled back" in failed.stderr
    entries = {
        e["version"]: e["status"] for e in json.loads(workspace.run("status", "--json").stdout)["migrations"]
    }
    assert entries == {1: "applied", 2: "applied", 3: "pending"}
    assert query(
        workspace.url, "SELECT enum_range(NULL::feeling)::text, pg_typeof(m)::text FROM cards LIMIT 1"
    ) == [("{sad,meh}", "mood")]

    query(workspace.url, "UPDATE cards SET m = 'sad' WHERE m = 'happy' RETURNING id")  # the fix
    resumed = workspace.run("apply")
    assert resumed.returncode == 0, resumed.stderr
    assert query(workspace.url, "SELECT id, m::text, pg_typeof(m)::text FROM cards ORDER BY id") == [
        (1, "sad", "feeling"),
        (2, "sad", "feeling"),
    ]
    checked = workspace.run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
