"""Adopting a drizzle-kit project, with the real drizzle-kit: including the migration its
timestamp rule skipped while `drizzle-kit migrate` reported success."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from puckdb.project import DEV_URL_ENV
from puckdb.server.embedded import EmbeddedServer

from .conftest import DrizzleProject

SCHEMA_TS = """import { pgTable, serial, text } from "drizzle-orm/pg-core";
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: text("name"),%s
});
"""

SCHEMA_PY = """from sqlalchemy import Column, Integer, MetaData, Table, Text

metadata = MetaData()
users = Table(
    "users", metadata, Column("id", Integer, primary_key=True), Column("name", Text), Column("email", Text)%s
)
audit = Table("audit", metadata, Column("id", Integer), Column("note", Text))
"""


def puckdb(project: DrizzleProject, server: EmbeddedServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DATABASE_URL": project.url, DEV_URL_ENV: server.url("postgres"), "COLUMNS": "200"})
    return subprocess.run(
        [sys.executable, "-m", "puckdb", *args],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def drizzle_rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone()
    return int(row[0]) if row else 0


def table_exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(row and row[0])


AUDIT = "CREATE TABLE audit (id integer, note text);\n"
BACKFILL = "UPDATE users SET email = lower(name) || '@example.com' WHERE email IS NULL;\n"


def two_migrations_applied_by_drizzle(project: DrizzleProject) -> None:
    """`users`, then its `email` column: each generated and applied by drizzle-kit."""
    project.write_schema(SCHEMA_TS % "")
    project.kit("generate", "--name", "init")
    project.kit("migrate")
    project.write_schema(SCHEMA_TS % '\n  email: text("email"),')
    project.kit("generate", "--name", "add_email")
    project.kit("migrate")


def history_with_a_skipped_migration(
    project: DrizzleProject, custom_sql: str = AUDIT, *, before_skip: str = ""
) -> Path:
    """Two generated migrations applied by drizzle-kit, then a hand-written one (``custom_sql``)
    whose journal timestamp is older than the last applied one (written on a branch, merged
    late): `drizzle-kit migrate` skips it and says nothing. ``before_skip`` runs on the database
    before that. Returns the skipped file."""
    two_migrations_applied_by_drizzle(project)
    assert drizzle_rows(project.url) == 2
    if before_skip:
        with psycopg.connect(project.url, autocommit=True) as conn:
            conn.execute(before_skip)
    project.kit("generate", "--custom", "--name", "backfill_audit")
    [custom] = sorted(project.out.glob("0002_*.sql"))
    custom.write_text(custom_sql)
    journal = project.journal()
    entries = journal["entries"]
    assert isinstance(entries, list)
    entries[2]["when"] = entries[1]["when"] - 60_000
    (project.out / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    project.kit("migrate")
    assert drizzle_rows(project.url) == 2 and not table_exists(project.url, "audit")
    return custom


def take_over(project: DrizzleProject, server: EmbeddedServer, *, in_place: bool = False) -> str:
    """puckdb.toml and schema.py for the project, then `puckdb adopt drizzle`; its stderr."""
    folder = "drizzle" if in_place else "migrations"
    (project.root / "puckdb.toml").write_text(f'schema = "schema.py"\nmigrations = "{folder}"\n')
    (project.root / "schema.py").write_text(SCHEMA_PY % "")
    adopted = puckdb(project, server, "adopt", "drizzle", *(() if in_place else ("--from", "drizzle")))
    assert adopted.returncode == 0, adopted.stderr
    return adopted.stderr


def test_adopt_a_drizzle_project_with_a_skipped_migration(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    custom = history_with_a_skipped_migration(project)

    # puckdb takes over.
    (project.root / "puckdb.toml").write_text('schema = "schema.py"\nmigrations = "migrations"\n')
    (project.root / "schema.py").write_text(SCHEMA_PY % "")
    adopted = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")
    assert adopted.returncode == 0, adopted.stderr
    assert "Imported 3 drizzle-kit migration(s)" in adopted.stdout
    assert "2 newly recorded" in adopted.stdout
    assert f"{custom.stem} was skipped by drizzle" in adopted.stderr
    assert "`puckdb apply` runs it" in adopted.stderr
    again = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")  # harmless to repeat
    assert again.returncode == 0, again.stderr
    assert "(0 file(s) copied unchanged)" in again.stdout and "0 newly recorded" in again.stdout

    # Byte-identical files, drizzle's names, a lock file.
    for original in sorted(project.out.glob("*.sql")):
        assert (project.root / "migrations" / original.name).read_bytes() == original.read_bytes()
    assert (project.root / "migrations" / "puckdb.lock").is_file()

    status = json.loads(puckdb(project, pg_server, "status", "--json").stdout)["migrations"]
    assert [(m["version"], m["status"]) for m in status] == [(0, "applied"), (1, "applied"), (2, "pending")]

    applied = puckdb(project, pg_server, "apply")
    assert applied.returncode == 0, applied.stderr
    assert f"Applied {custom.stem}" in applied.stdout and "Done: 1 migration(s)" in applied.stdout
    assert table_exists(project.url, "audit")

    checked = puckdb(project, pg_server, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # generate continues drizzle's numbering.
    (project.root / "schema.py").write_text(SCHEMA_PY % ', Column("age", Integer)')
    generated = puckdb(project, pg_server, "generate")
    assert generated.returncode == 0, generated.stderr
    assert (project.root / "migrations" / "0003_add_users_age.sql").is_file()

    # Now the folder is puckdb's: adopting once more would mix histories, and says so.
    late = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")
    assert late.returncode == 2 and "not in drizzle's journal (0003_add_users_age.down.sql" in late.stderr


def test_skipped_migration_whose_effects_are_present_is_marked_applied(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    custom = history_with_a_skipped_migration(project)
    # Someone ran the skipped migration by hand on this database.
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute(custom.read_text())

    warnings = take_over(project, pg_server, in_place=True)  # migrations = drizzle's folder
    assert "its schema changes are in the database: record it with `puckdb mark-applied 0002`." in warnings
    marked = puckdb(project, pg_server, "mark-applied", "2")
    assert (
        marked.returncode == 0
        and f"Recorded {custom.stem} as applied (mark-applied, not run)" in marked.stdout
    )
    assert puckdb(project, pg_server, "check").returncode == 0
    nothing = puckdb(project, pg_server, "apply")
    assert "Nothing to apply" in nothing.stdout


def test_skipped_backfill_is_not_taken_for_applied(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    """A data-only migration builds the same schema with or without it: adoption must say the
    schema cannot tell (and show the UPDATE), not advise mark-applied, which would mean the
    backfill never runs."""
    project = drizzle_project
    custom = history_with_a_skipped_migration(
        project, BACKFILL, before_skip="INSERT INTO users (name) VALUES ('Ann'), ('Bob')"
    )
    warnings = take_over(project, pg_server)
    assert f"{custom.stem} was skipped by drizzle" in warnings
    assert "it changes no schema, so the schema cannot tell whether it ran" in warnings
    assert (
        "it writes data (UPDATE users SET email = lower(name) || '@example.com' WHERE email IS NULL)"
        in warnings
    )
    assert "Review the data" in warnings and "record it with" not in warnings

    status = json.loads(puckdb(project, pg_server, "status", "--json").stdout)["migrations"]
    assert [(m["version"], m["status"]) for m in status][-1] == (2, "pending")
    applied = puckdb(project, pg_server, "apply")
    assert applied.returncode == 0, applied.stderr
    with psycopg.connect(project.url) as conn:
        emails = conn.execute("SELECT email FROM users ORDER BY id").fetchall()
    assert emails == [("ann@example.com",), ("bob@example.com",)]


def test_skipped_migration_the_database_holds_differently_is_there_only_in_part(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    # Someone made an `audit` table by hand, but not the one the skipped migration makes.
    history_with_a_skipped_migration(project)
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE audit (id bigint)")
    warnings = " ".join(take_over(project, pg_server).split())
    assert "its effects are partly in the database" in warnings
    assert (
        "In it only in part (the objects exist, but not as the statement leaves them): statement 1 "
        "(line 1: CREATE TABLE audit (id integer, note text))." in warnings
    )


def test_skipped_migration_with_schema_and_data_asks_to_check_the_data(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    custom = history_with_a_skipped_migration(project, AUDIT + "INSERT INTO audit VALUES (1, 'created');\n")
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute(AUDIT)  # the DDL ran by hand, the INSERT did not
    warnings = take_over(project, pg_server)
    assert f"{custom.stem} was skipped" in warnings
    assert "its schema changes are in the database" in warnings
    assert (
        "but it also writes data (INSERT INTO audit VALUES (1, 'created')), which the schema cannot show"
        in (warnings)
    )


# --- a project whose drizzle.config.ts renames the history table --------------------------------

RENAMED_HISTORY = '  migrations: { table: "applied_migrations", schema: "public" },\n'
USERS_PY = """from sqlalchemy import Column, Integer, MetaData, Table, Text

metadata = MetaData()
users = Table(
    "users", metadata, Column("id", Integer, primary_key=True), Column("name", Text), Column("email", Text)
)
"""


def history_in_a_renamed_table(project: DrizzleProject) -> None:
    """Two migrations applied by drizzle-kit, recorded in public.applied_migrations as the
    config's `migrations` setting asks; puckdb.toml and schema.py for the project."""
    config = project.root / "drizzle.config.ts"
    config.write_text(
        config.read_text().replace('  out: "./drizzle",\n', '  out: "./drizzle",\n' + RENAMED_HISTORY)
    )
    two_migrations_applied_by_drizzle(project)
    assert not table_exists(project.url, "drizzle.__drizzle_migrations")
    with psycopg.connect(project.url) as conn:
        assert conn.execute("SELECT count(*) FROM public.applied_migrations").fetchone() == (2,)
    (project.root / "puckdb.toml").write_text('schema = "schema.py"\nmigrations = "migrations"\n')
    (project.root / "schema.py").write_text(USERS_PY)


def statuses(project: DrizzleProject, server: EmbeddedServer) -> list[str]:
    listed = json.loads(puckdb(project, server, "status", "--json").stdout)["migrations"]
    return [m["status"] for m in listed]


def test_the_history_table_named_in_drizzle_config_is_the_one_read(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    history_in_a_renamed_table(project)

    adopted = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")

    assert adopted.returncode == 0, adopted.stderr
    assert "2 migration(s) applied under drizzle, 2 newly recorded" in adopted.stdout
    assert "drizzle's history: public.applied_migrations (the migrations setting of" in adopted.stdout
    assert statuses(project, pg_server) == ["applied", "applied"]
    # drizzle's table sits among the application's: left as it is, check reports it as drift
    # (and push would drop it); adopt says so and how to leave it alone.
    warning = " ".join(adopted.stderr.split())
    assert "drizzle's history table public.applied_migrations is in a schema puckdb manages" in warning
    assert 'Add `ignore_tables = ["public.applied_migrations"]`' in warning
    drift = puckdb(project, pg_server, "check")
    assert drift.returncode == 1 and 'DROP TABLE "public"."applied_migrations"' in drift.stdout
    (project.root / "puckdb.toml").write_text(
        'schema = "schema.py"\nmigrations = "migrations"\nignore_tables = ["public.applied_migrations"]\n'
    )
    checked = puckdb(project, pg_server, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pushed = puckdb(project, pg_server, "push", "--dry-run")
    assert pushed.returncode == 0 and "No changes" in pushed.stdout, pushed.stdout + pushed.stderr


def test_a_renamed_history_table_the_config_does_not_name_is_found_and_named(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    history_in_a_renamed_table(project)
    # The setting is no longer readable (say the config computes it): the default table is
    # missing, and recording nothing must not pass for "nothing was applied" unremarked.
    config = project.root / "drizzle.config.ts"
    config.write_text(config.read_text().replace(RENAMED_HISTORY, ""))

    adopted = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")

    assert adopted.returncode == 0, adopted.stderr
    warning = " ".join(adopted.stderr.split())
    assert "has no table drizzle.__drizzle_migrations (drizzle's default), so nothing was recorded" in warning
    assert "public.applied_migrations has the columns of drizzle's history" in warning
    assert "--history-table SCHEMA.TABLE" in warning
    assert statuses(project, pg_server) == ["pending", "pending"]

    named = puckdb(
        project,
        pg_server,
        "adopt",
        "drizzle",
        "--from",
        "drizzle",
        "--history-table",
        "public.applied_migrations",
    )
    assert named.returncode == 0, named.stderr
    assert "2 newly recorded" in named.stdout and "(--history-table)" in named.stdout
    assert statuses(project, pg_server) == ["applied", "applied"]

    wrong = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle", "--history-table", "a.b.c")
    assert wrong.returncode == 2 and "is not a table name: give SCHEMA.TABLE" in " ".join(
        wrong.stderr.split()
    )
