"""`check` finds each kind of disagreement on purpose; `push` syncs a dev database."""

from __future__ import annotations

import json
from collections.abc import Callable

import psycopg
import pytest

from puckdb.check import check
from puckdb.diff.renames import RenameError
from puckdb.errors import UsageError
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.plan import Plan
from puckdb.push import PushError, PushOptions, push

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


def test_json_lists_every_statement_and_the_terminal_the_first_twenty(workspace: Workspace) -> None:
    # Found on pagila: --json readers (CI) got twenty details and a "… and 17 more" string.
    applied_project(workspace)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        for number in range(25):
            conn.execute(f"ALTER TABLE users ADD COLUMN hack{number:02d} integer".encode())
    cli = workspace.run("check", "--json")
    [finding] = json.loads(cli.stdout)["findings"]
    assert len(finding["details"]) == 25 and not any("more" in line for line in finding["details"])
    text = workspace.run("check").stdout
    assert "hack19" in text and "hack20" not in text and "… and 5 more (all of them: --json)" in text


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
    branched = workspace.run("branch", "create", "x")  # so that restoring it reaches the guard
    assert branched.returncode == 0, branched.stderr
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


# --- push asks after showing the plan ----------------------------------------------------------


def test_push_shows_the_plan_before_asking_and_a_no_changes_nothing(workspace: Workspace) -> None:
    workspace.write_schema(WITH_AGE)
    push(workspace.project(), PushOptions())
    workspace.write_schema(USERS)
    events: list[str] = []

    def show(plan: Plan, applied_migrations: int) -> None:
        events.append("show: " + plan.sql())

    def answer(reply: bool) -> Callable[[Plan], bool]:
        def confirm(plan: Plan) -> bool:
            events.append(f"confirm: {[h.message for h in plan.blocking_hazards]}")
            return reply

        return confirm

    with pytest.raises(UsageError, match=r"Push declined\. Nothing was changed\."):
        push(workspace.project(), PushOptions(), confirm=answer(False), show=show)
    assert columns(workspace.url) == ["id", "name", "age"]
    assert (
        len(events) == 2
        and 'DROP COLUMN "age"' in events[0]
        and events[1] == "confirm: ['drops column users.age']"
    )

    events.clear()
    done = push(workspace.project(), PushOptions(), confirm=answer(True), show=show)
    assert done.applied and columns(workspace.url) == ["id", "name"]
    assert [event.split(":")[0] for event in events] == ["show", "confirm"]


@pytest.mark.parametrize(
    ("answer", "code", "left"), [("n", 2, ["id", "name", "age"]), ("y", 0, ["id", "name"])]
)
def test_push_on_a_terminal_prints_sql_hazards_and_the_warning_before_the_question(
    workspace: Workspace, answer: str, code: int, left: list[str]
) -> None:
    applied_project(workspace)
    workspace.write_schema(WITH_AGE)
    push(workspace.project(), PushOptions())
    workspace.write_schema(USERS)
    exit_code, shown = workspace.run_in_terminal("push", answers=[("Push anyway?", answer)])
    assert exit_code == code, shown
    question = shown.index("Push anyway?")
    assert shown.index('ALTER TABLE "public"."users" DROP COLUMN "age"') < question
    assert shown.index("data-loss: drops column users.age") < question
    assert shown.index("This database has 1 applied migration(s)") < question
    assert shown.index("This push loses data (drops column users.age).") < question
    if answer == "n":
        assert "Push declined. Nothing was changed." in shown[question:]
    else:
        assert "Pushed 1 statement(s)" in shown[question:]
    assert columns(workspace.url) == left


# --- a failing push changes nothing ------------------------------------------------------------

WITH_TAGS = 'tags = Table("tags", metadata, Column("id", BigInteger, primary_key=True))\n'


@pytest.mark.parametrize(
    ("schema", "failing", "postgres_says"),
    [
        (
            WITH_TAGS
            + USERS.replace(
                'Column("name", Text)', 'Column("name", Text), Column("email", Text, nullable=False)'
            ),
            'ADD COLUMN "email" text NOT NULL',
            'column "email" of relation "users" contains null values',
        ),
        (
            WITH_TAGS + USERS.replace('Column("name", Text)', 'Column("name", Text, unique=True)'),
            "UNIQUE",
            "could not create unique index",
        ),
    ],
    ids=["not-null-column-over-rows", "unique-over-duplicates"],
)
def test_a_push_failing_midway_rolls_everything_back(
    workspace: Workspace, schema: str, failing: str, postgres_says: str
) -> None:
    workspace.write_schema(USERS)
    push(workspace.project(), PushOptions())
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute("INSERT INTO users VALUES (1, 'ann'), (2, 'ann')")
    workspace.write_schema(schema)
    statements = push(workspace.project(), PushOptions(dry_run=True)).plan.statements
    position = next(i for i, s in enumerate(statements) if failing in s.sql)
    assert any('CREATE TABLE "public"."tags"' in s.sql for s in statements[:position])  # runs before it

    result = workspace.run("push", "--force")
    assert result.returncode == 1, result.stderr
    assert f"statement {position + 1} of the push" in result.stderr and postgres_says in result.stderr
    assert "Nothing was changed (the push runs in one transaction)." in result.stderr
    assert "Traceback" not in result.stderr
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('public.tags')").fetchone() == (None,)
        assert conn.execute("SELECT to_regclass('public.tags_id_seq')").fetchone() == (None,)
        indexes = conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'users'").fetchall()
        assert indexes == [("users_pkey",)]
        assert conn.execute("SELECT id, name FROM users ORDER BY id").fetchall() == [(1, "ann"), (2, "ann")]
    assert columns(workspace.url) == ["id", "name"]
    with pytest.raises(PushError, match="Nothing was changed"):
        push(workspace.project(), PushOptions(force=True))


# --- check: folder integrity and a partial migration -------------------------------------------


def test_duplicate_migration_numbers_are_a_folder_finding(workspace: Workspace) -> None:
    applied_project(workspace)
    (workspace.migrations / "0001_from_the_other_branch.sql").write_text("CREATE TABLE other (id int);\n")
    [finding] = check(workspace.project()).findings
    assert finding.kind == "folder-integrity"
    assert "have the number 0001: 0001_from_the_other_branch.sql, 0001_init.sql" in finding.message
    cli = workspace.run("check")
    assert cli.returncode == 1 and "folder-integrity" in cli.stdout and "puckdb lock" in cli.stdout


def test_git_conflict_markers_in_the_lock_file_are_a_folder_finding(workspace: Workspace) -> None:
    applied_project(workspace)
    lock = workspace.migrations / "puckdb.lock"
    lines = lock.read_text().splitlines(keepends=True)
    lock.write_text(
        "".join([*lines[:-1], "<<<<<<< HEAD\n", lines[-1], "=======\n", "0002 x\n", ">>>>>>> feature\n"])
    )
    findings = check(workspace.project()).findings
    assert [f.kind for f in findings] == ["folder-integrity"]
    assert "has a git conflict marker: two branches each added a migration" in findings[0].message


def test_a_migration_that_stopped_midway_is_reported_partial(workspace: Workspace) -> None:
    applied_project(workspace)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute("INSERT INTO users VALUES (1, 'ann')")
    # Runs outside a transaction; its second statement fails on this database's rows only
    # (the shadow database replays it on an empty table).
    (workspace.migrations / "0002_index_and_seed.sql").write_text(
        "-- Transaction: no\n\n"
        "CREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n\n"
        "INSERT INTO users VALUES (1, 'duplicate id');\n"
    )
    workspace.run("lock").check_returncode()
    failed = workspace.run("apply")
    assert failed.returncode == 1 and "statements 1 to 1 stay applied" in failed.stderr
    findings = check(workspace.project()).findings
    partial = [f for f in findings if "stopped part-way" in f.message]
    assert [(f.kind, f.message, f.hint) for f in partial] == [
        (
            "database-vs-folder",
            "Migration 0002_index_and_seed stopped part-way (it runs outside a transaction).",
            "Run `puckdb apply` to resume it at the statement that failed.",
        )
    ]
    assert "drift" not in [f.kind for f in findings]  # not judged while a migration is half-applied


def test_a_roll_back_that_stopped_midway_is_reported_and_not_judged_as_drift(workspace: Workspace) -> None:
    applied_project(workspace)
    (workspace.migrations / "0002_indexes.sql").write_text(
        "CREATE INDEX users_name_idx ON users (name);\nCREATE INDEX users_id_name_idx ON users (id, name);\n"
    )
    # Outside a transaction; its second statement fails, after the first dropped an index.
    (workspace.migrations / "0002_indexes.down.sql").write_text(
        "-- Transaction: no\n\nDROP INDEX CONCURRENTLY users_name_idx;\n\nDROP TABLE missing;\n\n"
        "DROP INDEX CONCURRENTLY users_id_name_idx;\n"
    )
    workspace.run("lock").check_returncode()
    workspace.run("apply").check_returncode()
    failed = workspace.run("down", "--force")
    assert failed.returncode == 1, failed.stderr
    # (The code never had the indexes: that the folder differs from it is a finding too.)
    findings = [f for f in check(workspace.project()).findings if f.kind != "ungenerated-changes"]
    assert [(f.kind, f.message, f.hint) for f in findings] == [
        (
            "database-vs-folder",
            "Rolling back migration 0002_indexes stopped part-way (its down file runs outside a transaction).",
            "Run `puckdb down` to resume the roll-back at the statement that failed.",
        )
    ]


# --- bad input on the command line --------------------------------------------------------------

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=2"


@pytest.mark.parametrize("command", [("check",), ("push",), ("push", "--dry-run"), ("pull",)])
def test_an_unreachable_database_is_one_paragraph_and_exit_2(
    workspace: Workspace, command: tuple[str, ...]
) -> None:
    workspace.write_schema(USERS)
    result = workspace.run(*command, "--url", UNREACHABLE)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        "Error: Could not connect to the database at postgresql://nobody@127.0.0.1:1/"
    )
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "Check that the server is running" in result.stderr


def test_push_with_a_rename_of_an_unknown_table_is_a_usage_error(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    push(workspace.project(), PushOptions())
    workspace.write_schema(USERS.replace('"name"', '"full_name"'))
    result = workspace.run("push", "--rename", "no_such_table.name=full_name")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and "no_such_table" in result.stderr
    assert "Traceback" not in result.stderr
    assert columns(workspace.url) == ["id", "name"]
