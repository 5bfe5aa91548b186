"""drizzle-kit's `--> statement-breakpoint` separators in adopted migrations.

drizzle's applier splits a file on the breakpoint marker and sends each piece as it is: a
hand-written drizzle migration whose statements end at breakpoints without a semicolon, or
whose function has a `BEGIN ATOMIC` body, runs under drizzle. Adopted unchanged (its hash
is recorded in production), it must also run under puckdb.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from puckdb.adopt.drizzle_folder import import_drizzle_folder
from puckdb.lint import lint_files
from puckdb.migrations.apply import apply_migrations

# Statements ended by breakpoints alone, as drizzle runs them (and as people write them).
BREAKPOINTS_ONLY = (
    "CREATE TABLE plans (id integer PRIMARY KEY, name text)\n"
    "--> statement-breakpoint\n"
    "INSERT INTO plans VALUES (1, 'free')\n"
    "--> statement-breakpoint\n"
    "CREATE INDEX plans_name_idx ON plans (name)\n"
)
# A SQL-standard function body: its semicolons are bare, inside one breakpoint piece.
BEGIN_ATOMIC = (
    "CREATE TABLE plans (id integer PRIMARY KEY, name text);\n"
    "--> statement-breakpoint\n"
    "CREATE FUNCTION plan_count() RETURNS bigint LANGUAGE sql\n"
    "BEGIN ATOMIC\n"
    "  SELECT 1;\n"
    "  SELECT count(*) FROM plans;\n"
    "END;\n"
    "--> statement-breakpoint\n"
    "INSERT INTO plans VALUES (1, 'free') ON CONFLICT DO NOTHING;\n"
)


def adopted_folder(root: Path, sql: str) -> Path:
    """A drizzle folder holding one migration ``sql``, adopted into ``root/migrations``."""
    source = root / "drizzle"
    (source / "meta").mkdir(parents=True)
    (source / "0000_plans.sql").write_text(sql)
    entry = {"idx": 0, "version": "7", "when": 1_700_000_000_000, "tag": "0000_plans", "breakpoints": True}
    journal = {"version": "7", "dialect": "postgresql", "entries": [entry]}
    (source / "meta" / "_journal.json").write_text(json.dumps(journal))
    target = root / "migrations"
    import_drizzle_folder(source, target)
    assert (target / "0000_plans.sql").read_bytes() == sql.encode()
    return target


def plans(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as conn:
        return [(int(row[0]), str(row[1])) for row in conn.execute("SELECT id, name FROM plans").fetchall()]


def test_breakpoint_separated_statements_apply(tmp_path: Path, database_url: str) -> None:
    folder = adopted_folder(tmp_path, BREAKPOINTS_ONLY)
    apply_migrations(database_url, folder)
    assert plans(database_url) == [(1, "free")]


def test_begin_atomic_body_between_breakpoints_applies(tmp_path: Path, database_url: str) -> None:
    folder = adopted_folder(tmp_path, BEGIN_ATOMIC)
    apply_migrations(database_url, folder)
    assert plans(database_url) == [(1, "free")]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT plan_count()").fetchone() == (1,)


def test_lint_reads_breakpoint_pieces_as_drizzle_runs_them(tmp_path: Path) -> None:
    folder = adopted_folder(tmp_path, BREAKPOINTS_ONLY)
    report = lint_files([folder / "0000_plans.sql"])
    assert [(f.line, f.kind) for f in report.findings] == []
    atomic = adopted_folder(tmp_path / "atomic", BEGIN_ATOMIC)
    assert lint_files([atomic / "0000_plans.sql"]).findings == ()
    dropping = tmp_path / "drop.sql"
    dropping.write_text("CREATE TABLE a (id int)\n--> statement-breakpoint\n\nDROP TABLE legacy\n")
    assert [(f.line, f.kind, f.statement) for f in lint_files([dropping]).findings] == [
        (4, "data-loss", "DROP TABLE legacy")
    ]
