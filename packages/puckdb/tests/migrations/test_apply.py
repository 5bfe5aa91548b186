"""`apply`, `status`, `down` and `drop` on a real database, and every way they refuse."""

from __future__ import annotations

import time

import psycopg
import pytest

from puckdb.errors import UsageError
from puckdb.migrations.advisory import ADVISORY_KEY, MigrationLockTimeoutError
from puckdb.migrations.apply import AppliedMigrationChangedError, ApplyOptions, apply_migrations
from puckdb.migrations.files import MigrationsFolderError
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.migrations.rollback import RollbackError, down, drop
from puckdb.migrations.runner import MigrationSqlError
from puckdb.migrations.status import migration_status

from .conftest import Workspace
from .conftest import public_tables as tables

USERS = 'users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text))\n'
DECKS = (
    'decks = Table("decks", metadata, Column("id", BigInteger, primary_key=True), Column("title", Text))\n'
)


def two_migrations(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    workspace.write_schema(USERS + DECKS)
    generate(workspace.project(), GenerateOptions())


def statuses(workspace: Workspace) -> list[tuple[int, str]]:
    return [(e.version, e.status) for e in migration_status(workspace.url, workspace.migrations).entries]


def test_apply_status_and_tracking_rows(workspace: Workspace) -> None:
    two_migrations(workspace)
    assert statuses(workspace) == [(1, "pending"), (2, "pending")]
    result = apply_migrations(workspace.url, workspace.migrations)
    assert [a.migration.version for a in result.applied] == [1, 2]
    assert tables(workspace.url) == ["decks", "users"]
    assert statuses(workspace) == [(1, "applied"), (2, "applied")]
    with psycopg.connect(workspace.url) as conn:
        rows = conn.execute(
            "SELECT version, name, length(checksum), duration IS NOT NULL, applied_by LIKE '%puckdb%' "
            "FROM puckdb.migrations ORDER BY version"
        ).fetchall()
    assert rows == [(1, "init", 64, True, True), (2, "create_decks", 64, True, True)]
    again = apply_migrations(workspace.url, workspace.migrations)
    assert again.applied == () and again.already_applied == 2


def test_dry_run_and_to(workspace: Workspace) -> None:
    two_migrations(workspace)
    dry = apply_migrations(workspace.url, workspace.migrations, ApplyOptions(dry_run=True))
    assert [m.version for m in dry.planned] == [1, 2] and dry.applied == ()
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('puckdb.migrations')").fetchone() == (None,)
    apply_migrations(workspace.url, workspace.migrations, ApplyOptions(to=1))
    assert statuses(workspace) == [(1, "applied"), (2, "pending")]


def test_an_older_migration_added_late_is_applied_not_skipped(workspace: Workspace) -> None:
    two_migrations(workspace)
    second = workspace.migrations / "0002_create_decks.sql"
    held_back = second.read_bytes()
    second.unlink()
    (workspace.migrations / "0002_create_decks.down.sql").unlink()
    workspace.run("lock").check_returncode()
    apply_migrations(workspace.url, workspace.migrations)
    # A third migration lands first on this database, then 0002 arrives (e.g. a merge).
    (workspace.migrations / "0003_notes.sql").write_text("CREATE TABLE notes (id bigint PRIMARY KEY);\n")
    workspace.run("lock").check_returncode()
    apply_migrations(workspace.url, workspace.migrations)
    second.write_bytes(held_back)
    workspace.run("lock").check_returncode()
    result = apply_migrations(workspace.url, workspace.migrations)
    assert [a.migration.version for a in result.applied] == [2]
    assert tables(workspace.url) == ["decks", "notes", "users"]


def failure_of(workspace: Workspace, file_name: str, text: str) -> str:
    """The error applying a one-file folder gives; nothing of it may remain."""
    workspace.migrations.mkdir()
    (workspace.migrations / file_name).write_text(text)
    workspace.run("lock").check_returncode()
    with pytest.raises(MigrationSqlError) as caught:
        apply_migrations(workspace.url, workspace.migrations)
    assert tables(workspace.url) == [] and statuses(workspace) == [(1, "pending")]
    return str(caught.value)


def test_sql_error_names_file_statement_line_and_leaves_nothing(workspace: Workspace) -> None:
    message = failure_of(
        workspace,
        "0001_broken.sql",
        "-- a hand-written migration\n\nCREATE TABLE a (id int);\n\nCREATE TABLE b (\n    id int,\n    x no_such_type\n);\n",
    )
    assert "statement 2 (line 5) of" in message and "0001_broken.sql" in message
    assert 'type "no_such_type" does not exist' in message
    assert "line 7:     x no_such_type" in message and "^" in message
    assert "Nothing of this migration was applied" in message


def test_an_error_without_a_position_is_named_by_running_the_statements_one_by_one(
    workspace: Workspace,
) -> None:
    message = failure_of(
        workspace,
        "0001_divides.sql",
        "CREATE TABLE a (id int);\n\nINSERT INTO a VALUES (1);\n\nUPDATE a SET id = id / 0;\n",
    )
    assert "statement 3 (line 5) of" in message and "division by zero" in message
    assert "Nothing of this migration was applied" in message


def test_edited_applied_migration_is_refused(workspace: Workspace) -> None:
    two_migrations(workspace)
    apply_migrations(workspace.url, workspace.migrations, ApplyOptions(to=1))
    first = workspace.migrations / "0001_init.sql"
    first.write_text(first.read_text() + "\nCREATE TABLE sneaky (id int);\n")
    # The lock file notices first...
    with pytest.raises(MigrationsFolderError, match=r"0001_init\.sql was changed after it was generated"):
        apply_migrations(workspace.url, workspace.migrations)
    # ...and with the lock file rewritten, the database's checksum still does.
    workspace.run("lock").check_returncode()
    with pytest.raises(
        AppliedMigrationChangedError, match=r"0001_init\.sql was changed after it was applied"
    ):
        apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "modified"), (2, "pending")]
    assert tables(workspace.url) == ["users"]


def test_deleted_applied_migration_is_refused(workspace: Workspace) -> None:
    two_migrations(workspace)
    apply_migrations(workspace.url, workspace.migrations)
    (workspace.migrations / "0002_create_decks.sql").unlink()
    (workspace.migrations / "0002_create_decks.down.sql").unlink()
    with pytest.raises(MigrationsFolderError, match=r"listed in puckdb\.lock but missing"):
        apply_migrations(workspace.url, workspace.migrations)
    workspace.run("lock").check_returncode()  # the lock file agrees; the database still knows
    with pytest.raises(AppliedMigrationChangedError, match="has no such file"):
        apply_migrations(workspace.url, workspace.migrations)


def test_corrupt_lock_file_is_reported(workspace: Workspace) -> None:
    two_migrations(workspace)
    lock = workspace.migrations / "puckdb.lock"
    lock.write_text(lock.read_text().replace("0002_create_decks.sql", "0002_create_dekcs.sql"))
    with pytest.raises(MigrationsFolderError, match="chain hash does not match"):
        apply_migrations(workspace.url, workspace.migrations)
    lock.write_text("<<<<<<< HEAD\n" + lock.read_text())
    with pytest.raises(MigrationsFolderError, match="git conflict marker"):
        apply_migrations(workspace.url, workspace.migrations)
    assert tables(workspace.url) == []


def test_migration_lock_wait_names_the_holder(workspace: Workspace) -> None:
    two_migrations(workspace)
    with psycopg.connect(workspace.url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
        pid = holder.info.backend_pid
        with pytest.raises(MigrationLockTimeoutError, match=f"pid {pid}"):
            apply_migrations(workspace.url, workspace.migrations, ApplyOptions(lock_wait_seconds=0.3))
    assert tables(workspace.url) == []


def test_lock_timeout_is_reported_as_a_lock_wait_after_waiting_once(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    apply_migrations(workspace.url, workspace.migrations)
    workspace.write_schema(
        USERS.replace('Column("name", Text)', 'Column("name", Text), Column("age", Integer)')
    )
    generate(workspace.project(), GenerateOptions())
    with psycopg.connect(workspace.url) as blocker:
        blocker.execute("SELECT * FROM users")  # holds ACCESS SHARE until the transaction ends
        started = time.perf_counter()
        with pytest.raises(MigrationSqlError) as caught:
            apply_migrations(workspace.url, workspace.migrations, ApplyOptions(lock_timeout_seconds=1.0))
        waited = time.perf_counter() - started
    message = str(caught.value)
    assert "0002_add_users_age.sql waited 1 s for a lock that another session holds" in message
    assert "--lock-timeout SECONDS" in message and "Nothing of this migration was applied" in message
    # The migration is not run a second time to name the statement: one wait, not two.
    assert 1.0 <= waited < 1.8
    assert statuses(workspace) == [(1, "applied"), (2, "pending")]


def test_non_transactional_migration_resumes_where_it_stopped(workspace: Workspace) -> None:
    workspace.migrations.mkdir()
    path = workspace.migrations / "0001_concurrently.sql"
    path.write_text(
        "-- Transaction: no\n\nCREATE TABLE a (id int);\n\nCREATE INDEX CONCURRENTLY a_id_idx ON a (id);\n\n"
        "INSERT INTO b VALUES (1);\n"
    )
    workspace.run("lock").check_returncode()
    with pytest.raises(MigrationSqlError, match="statements 1 to 2 stay applied"):
        apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "partial")]
    # Fixing an unapplied statement of a partial migration changes the file: the lock file
    # and the checksum must agree again before resuming, so the fix goes before the failure.
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE b (id int)")
    result = apply_migrations(workspace.url, workspace.migrations)
    assert result.applied[0].statements == 1  # resumed at statement 3
    assert statuses(workspace) == [(1, "applied")]
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT count(*) FROM b").fetchone() == (1,)
        assert conn.execute("SELECT to_regclass('a_id_idx') IS NOT NULL").fetchone() == (True,)


def test_down_runs_down_files_and_refuses_data_loss_without_force(workspace: Workspace) -> None:
    two_migrations(workspace)
    apply_migrations(workspace.url, workspace.migrations)
    with pytest.raises(UsageError, match=r"loses data .*--force"):
        down(workspace.url, workspace.migrations)
    assert tables(workspace.url) == ["decks", "users"]
    rolled = down(workspace.url, workspace.migrations, force=True)
    assert [r.migration.version for r in rolled] == [2]
    assert tables(workspace.url) == ["users"]
    assert statuses(workspace) == [(1, "applied"), (2, "pending")]
    down(workspace.url, workspace.migrations, to=0, force=True)
    assert tables(workspace.url) == [] and statuses(workspace) == [(1, "pending"), (2, "pending")]


def test_down_refuses_a_missing_down_file(workspace: Workspace) -> None:
    two_migrations(workspace)
    apply_migrations(workspace.url, workspace.migrations)
    (workspace.migrations / "0002_create_decks.down.sql").unlink()
    with pytest.raises(RollbackError, match="has no down file"):
        down(workspace.url, workspace.migrations, force=True)
    assert tables(workspace.url) == ["decks", "users"]


def test_drop_deletes_the_newest_and_refuses_applied_ones(workspace: Workspace) -> None:
    two_migrations(workspace)
    apply_migrations(workspace.url, workspace.migrations, ApplyOptions(to=1))
    result = workspace.run("drop", "1")
    assert result.returncode == 1
    assert "0001_init is applied on the target database" in result.stderr
    assert len(workspace.files()) == 5
    dropped = drop(workspace.migrations, None, lambda: workspace.url)  # it has applied 0001 only
    assert [m.version for m in dropped] == [2]
    assert workspace.files() == ["0001_init.down.sql", "0001_init.sql", "puckdb.lock"]
    # The lock file followed: the next generate continues cleanly.
    assert generate(workspace.project(), GenerateOptions()).migration.file_name == "0002_create_decks.sql"  # type: ignore[union-attr]
