"""`check` finds each kind of disagreement on purpose; `push` syncs a dev database."""

from __future__ import annotations

import json

import psycopg
import pytest

from puckdb.check import check
from puckdb.diff.renames import RenameError
from puckdb.errors import UsageError
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.push import PushOptions, push

from .conftest import Workspace

USERS = 'users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text))\n'
WITH_AGE = USERS.replace('Column("name", Text)', 'Column("name", Text), Column("age", Integer)')


def kinds(workspace: Workspace) -> list[str]:
    return [finding.kind for finding in check(workspace.project()).findings]


def applied_project(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    apply_migrations(workspace.url, workspace.migrations)


def columns(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position"
        ).fetchall()
    return [row[0] for row in rows]


def test_everything_agrees(workspace: Workspace) -> None:
    applied_project(workspace)
    result = check(workspace.project())
    assert result.ok and result.findings == ()
    cli = workspace.run("check")
    assert cli.returncode == 0 and "OK: code, migrations and database agree" in cli.stdout


def test_ungenerated_changes(workspace: Workspace) -> None:
    applied_project(workspace)
    workspace.write_schema(WITH_AGE)
    [finding] = check(workspace.project()).findings
    assert finding.kind == "ungenerated-changes" and "puckdb generate" in finding.hint
    assert finding.details == ('ALTER TABLE "public"."users" ADD COLUMN "age" integer',)
    offline = check(workspace.project(), database=False)
    assert [f.kind for f in offline.findings] == ["ungenerated-changes"] and offline.database is None


def test_pending_edited_and_unknown_migrations(workspace: Workspace) -> None:
    applied_project(workspace)
    workspace.write_schema(WITH_AGE)
    generate(workspace.project(), GenerateOptions())
    pending = check(workspace.project()).findings
    assert [(f.kind, f.details) for f in pending] == [("database-vs-folder", ("0002_add_users_age",))]

    first = workspace.migrations / "0001_init.sql"
    first.write_text(first.read_text() + "\n-- an innocent edit\n")
    workspace.run("lock").check_returncode()
    messages = [f.message for f in check(workspace.project()).findings]
    assert any("0001_init was changed after it was applied" in m for m in messages)

    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO puckdb.migrations (version, name, checksum, applied_by) VALUES (9, 'ghost', 'x', 'test')"
        )
    messages = [f.message for f in check(workspace.project()).findings]
    assert any("0009_ghost, which has no file" in m for m in messages)


def test_folder_integrity(workspace: Workspace) -> None:
    applied_project(workspace)
    workspace.write_schema(WITH_AGE)
    generate(workspace.project(), GenerateOptions())
    (workspace.migrations / "0002_add_users_age.sql").rename(workspace.migrations / "0003_add_users_age.sql")
    (workspace.migrations / "0002_add_users_age.down.sql").rename(
        workspace.migrations / "0003_add_users_age.down.sql"
    )
    found = check(workspace.project(), database=False).findings
    messages = [f.message for f in found if f.kind == "folder-integrity"]
    assert any("0003_add_users_age.sql is not in puckdb.lock" in m for m in messages)
    assert any("Migration number(s) 0002 are missing" in m for m in messages)


def test_drift_made_by_hand(workspace: Workspace) -> None:
    applied_project(workspace)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE users ADD COLUMN hack integer")
        conn.execute("CREATE INDEX users_name_idx ON users (name)")
    [finding] = check(workspace.project()).findings
    assert finding.kind == "drift"
    assert 'ALTER TABLE "public"."users" DROP COLUMN "hack"' in finding.details
    assert 'DROP INDEX "public"."users_name_idx"' in finding.details
    cli = workspace.run("check", "--json")
    assert cli.returncode == 1
    report = json.loads(cli.stdout)
    assert report["ok"] is False and [f["kind"] for f in report["findings"]] == ["drift"]


def test_push_dry_run_then_push(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    dry = push(workspace.project(), PushOptions(dry_run=True))
    assert not dry.applied and len(dry.plan.statements) >= 2 and columns(workspace.url) == []
    done = push(workspace.project(), PushOptions())
    assert done.applied and columns(workspace.url) == ["id", "name"]
    assert push(workspace.project(), PushOptions(dry_run=True)).plan.is_empty
    cli = workspace.run("push", "--dry-run")
    assert cli.returncode == 0 and "No changes" in cli.stdout


def test_push_that_loses_data_needs_force(workspace: Workspace) -> None:
    workspace.write_schema(WITH_AGE)
    push(workspace.project(), PushOptions())
    workspace.write_schema(USERS)
    with pytest.raises(UsageError, match=r"loses data \(drops column users\.age\).*--force"):
        push(workspace.project(), PushOptions())
    assert columns(workspace.url) == ["id", "name", "age"]
    cli = workspace.run("push")
    assert cli.returncode == 2 and "--force" in cli.stderr
    forced = workspace.run("push", "--force")
    assert forced.returncode == 0, forced.stderr
    assert columns(workspace.url) == ["id", "name"]


def test_push_warns_about_applied_migrations_and_then_check_sees_drift(workspace: Workspace) -> None:
    applied_project(workspace)
    workspace.write_schema(WITH_AGE)
    cli = workspace.run("push")
    assert cli.returncode == 0
    assert "1 applied migration(s)" in cli.stderr
    assert set(kinds(workspace)) == {"ungenerated-changes", "drift"}


def test_push_rename_flag_and_a_bad_rename(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    push(workspace.project(), PushOptions())
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute("INSERT INTO users VALUES (1, 'ann')")
    workspace.write_schema(USERS.replace('"name"', '"full_name"'))
    with pytest.raises(RenameError, match="no_such_table"):
        push(workspace.project(), PushOptions(rename_flags=("no_such_table.name=full_name",)))
    push(workspace.project(), PushOptions(rename_flags=("users.name=full_name",)))
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT full_name FROM users").fetchall() == [("ann",)]


def test_protected_database_refuses_development_commands(workspace: Workspace) -> None:
    applied_project(workspace)
    assert workspace.run("protect").returncode == 0
    workspace.write_schema(WITH_AGE)
    for args in (
        ("push", "--force"),
        ("down", "--force"),
        ("drop", "--force"),
        ("branch", "restore", "x", "--force"),
    ):
        result = workspace.run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "marked protected (production)" in result.stderr
    assert columns(workspace.url) == ["id", "name"]
    assert workspace.run("push", "--dry-run").returncode == 0  # reading is fine
    assert workspace.run("protect", "--off").returncode == 0
    assert workspace.run("push").returncode == 0 and columns(workspace.url) == ["id", "name", "age"]
