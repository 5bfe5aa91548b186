"""``apply --backup`` and the backups it leaves: what is copied, where it is restored, when
no copy is made, and what a refusal says."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from puckdb.branches import BranchServer
from puckdb.branches.admin import database_of
from puckdb.branches.backup import backup_before_apply

from .support import add_migration, as_role, notes, run, write_note

TAGS = "CREATE TABLE tags (name text PRIMARY KEY);\n"


def backups(server: BranchServer) -> list[str]:
    return [b.name for b in server.branches(sizes=False) if b.is_backup]


def has_table(url: str, table: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


def test_backup_copies_main_before_applying_and_restore_brings_it_back(
    project_dir: Path, database_url: str
) -> None:
    add_migration(project_dir, "0001_tags.sql", TAGS)

    applied = run(project_dir, database_url, "apply", "--backup")

    assert applied.returncode == 0, applied.stderr
    server = BranchServer(database_url)
    [name] = backups(server)
    assert f"Backup: branch {name} of {server.main_database}" in applied.stdout
    assert f"puckdb branch restore {name}`" in applied.stdout
    backup = server.get(name)
    assert backup is not None and backup.origin == server.main_database
    assert not has_table(server.url(name), "tags") and has_table(database_url, "tags")

    write_note(database_url, 2, "written after the backup")
    restored = run(project_dir, database_url, "branch", "restore", name, "--force")
    assert restored.returncode == 0, restored.stderr
    assert notes(database_url) == ["from main"] and not has_table(database_url, "tags")


def test_backup_of_the_current_branch_is_restored_onto_that_branch(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    feature = server.create("feature")
    assert run(project_dir, database_url, "branch", "switch", "feature").returncode == 0
    add_migration(project_dir, "0001_tags.sql", TAGS)

    applied = run(project_dir, database_url, "apply", "--backup")

    assert applied.returncode == 0, applied.stderr
    [name] = backups(server)
    backup = server.get(name)
    assert backup is not None and backup.parent == "feature" and backup.origin == feature.database
    assert has_table(server.url("feature"), "tags") and not has_table(database_url, "tags")

    write_note(server.url("feature"), 2, "feature work after the backup")
    write_note(database_url, 3, "main work")
    assert run(project_dir, database_url, "branch", "restore", name, "--force").returncode == 0
    assert notes(server.url("feature")) == ["from main"]
    assert notes(database_url) == ["from main", "main work"]  # main was never touched
    assert server.get("feature") is not None  # still a branch after the swap


def test_backup_with_url_copies_that_database_and_restores_onto_it(
    project_dir: Path, database_url: str, new_database: Callable[[], str]
) -> None:
    other = new_database()
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        conn.execute("INSERT INTO notes VALUES (1, 'from other')")
    # The checkout is on a branch of the configured database: --url must win over it.
    BranchServer(database_url).create("feature")
    run(project_dir, database_url, "branch", "switch", "feature")
    add_migration(project_dir, "0001_tags.sql", TAGS)

    applied = run(project_dir, database_url, "apply", "--backup", "--url", other)

    assert applied.returncode == 0, applied.stderr
    assert "--url <the same URL>" in applied.stdout
    other_server = BranchServer(other)
    [name] = backups(other_server)
    backup = other_server.get(name)
    assert backup is not None and backup.origin == database_of(other)
    assert notes(other_server.url(name)) == ["from other"]
    assert backups(BranchServer(database_url)) == []

    write_note(other, 2, "after")
    restored = run(project_dir, database_url, "branch", "restore", name, "--force", "--url", other)
    assert restored.returncode == 0, restored.stderr
    assert notes(other) == ["from other"] and not has_table(other, "tags")
    assert not has_table(BranchServer(database_url).url("feature"), "tags")  # the branch was not migrated
    other_server.delete(name)


def test_no_backup_is_taken_when_nothing_is_pending(project_dir: Path, database_url: str) -> None:
    add_migration(project_dir, "0001_tags.sql", TAGS)
    assert run(project_dir, database_url, "apply").returncode == 0

    applied = run(project_dir, database_url, "apply", "--backup")

    assert applied.returncode == 0, applied.stderr
    assert "No backup taken: nothing is pending." in applied.stdout
    assert backups(BranchServer(database_url)) == []


def test_two_backups_in_one_second_get_two_names(project_dir: Path, database_url: str) -> None:
    add_migration(project_dir, "0001_tags.sql", TAGS)
    server = BranchServer(database_url)
    now = datetime.now(UTC)
    # Whichever of the next seconds the backup is taken in, its plain name is taken.
    for seconds in range(4):
        server.create(f"backup-{now + timedelta(seconds=seconds):%Y%m%d-%H%M%S}")

    taken = backup_before_apply(database_url, database_url, project_dir / "migrations")

    assert taken is not None and taken.branch.name.endswith("-2")
    assert len(backups(server)) == 5


def test_a_backup_blocked_by_open_connections_says_so_and_applies_nothing(
    project_dir: Path, database_url: str
) -> None:
    add_migration(project_dir, "0001_tags.sql", TAGS)
    with psycopg.connect(database_url) as holder:
        pid = holder.info.backend_pid
        applied = run(project_dir, database_url, "apply", "--backup")

    assert applied.returncode == 1
    message = applied.stderr
    assert "Could not back up" in message and f"1 open connection(s): pid {pid}" in message
    assert "Nothing was applied" in message and "puckdb apply --no-backup" in message
    assert "--force" not in message and "Traceback" not in message
    assert not has_table(database_url, "tags")
    assert backups(BranchServer(database_url)) == []


def test_a_role_that_may_not_create_databases_is_offered_no_backup(
    project_dir: Path, database_url: str, make_role: Callable[..., str]
) -> None:
    add_migration(project_dir, "0001_tags.sql", TAGS)
    url = as_role(database_url, make_role())

    applied = run(project_dir, url, "apply", "--backup")

    assert applied.returncode == 1
    message = applied.stderr
    assert "may not create databases on this server (permission denied to create database)" in message
    assert "Nothing was applied" in message and "puckdb apply --no-backup" in message
    assert "--force" not in message
    assert not has_table(database_url, "tags")


def test_prune_keeps_the_newest_backups_and_refuses_a_negative_count(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    for name in ("backup-20200101-000000", "backup-20200102-000000", "backup-20200103-000000"):
        server.create(name)
    server.create("feature")

    negative = run(project_dir, database_url, "branch", "prune", "--keep", "-1")
    assert negative.returncode == 2 and "--keep" in negative.stderr
    assert len(backups(server)) == 3

    pruned = run(project_dir, database_url, "branch", "prune", "--keep", "1")

    assert pruned.returncode == 0, pruned.stderr
    assert "Deleted 2 backup branch(es): backup-20200101-000000, backup-20200102-000000" in pruned.stdout
    listed = json.loads(run(project_dir, database_url, "branch", "list", "--json").stdout)
    assert [b["name"] for b in listed] == ["main", "backup-20200103-000000", "feature"]
