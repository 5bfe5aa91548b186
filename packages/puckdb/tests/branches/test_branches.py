"""Database branches on a real server: every command, the current-branch choice, git mode,
backups and restore, and each kind of bad input."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from puckdb.branches import BranchError, BranchNameError, BranchServer, select_branch
from puckdb.errors import UsageError
from puckdb.project import DEV_URL_ENV, Project
from puckdb.server.embedded import EmbeddedServer


@pytest.fixture
def project_dir(tmp_path: Path, database_url: str, pg_server: EmbeddedServer) -> Iterator[Path]:
    (tmp_path / "puckdb.toml").write_text('schema = "schema.py"\n')
    (tmp_path / "schema.py").write_text("from sqlalchemy import MetaData\nmetadata = MetaData()\n")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        conn.execute("INSERT INTO notes VALUES (1, 'from main')")
    yield tmp_path
    server = BranchServer(database_url)
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        for branch in server.branches():
            if branch.name != "main":
                conn.execute(f'DROP DATABASE IF EXISTS "{branch.database}" WITH (FORCE)')


def project(root: Path, url: str, pg_server: EmbeddedServer, **extra: str) -> Project:
    return Project.load(
        cwd=root, environ={"DATABASE_URL": url, DEV_URL_ENV: pg_server.url("postgres"), **extra}
    )


def notes(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT body FROM notes ORDER BY id").fetchall()]


def run(root: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "puckdb", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_create_switch_reset_delete(project_dir: Path, database_url: str, pg_server: EmbeddedServer) -> None:
    server = BranchServer(database_url)
    branch = server.create("feature-x")
    assert [b.name for b in server.branches()] == ["main", "feature-x"]
    assert branch.parent == "main" and branch.database.endswith("__feature_x")
    feature_url = server.url("feature-x")
    with psycopg.connect(feature_url, autocommit=True) as conn:
        conn.execute("INSERT INTO notes VALUES (2, 'on the branch')")
    assert notes(database_url) == ["from main"] and notes(feature_url) == ["from main", "on the branch"]

    select_branch(project_dir / ".puckdb", "feature-x")
    current = project(project_dir, database_url, pg_server)
    assert current.current_branch() == "feature-x"
    assert current.target().url == feature_url
    # An explicit --url is taken as it is, whatever the current branch.
    explicit = Project.load(cwd=project_dir, url=database_url, environ={})
    assert explicit.target().url == database_url

    server.reset("feature-x")
    assert notes(feature_url) == ["from main"]
    listed = run(project_dir, database_url, "branch", "list")
    assert listed.returncode == 0 and "* │ feature-x" in listed.stdout
    refused = run(project_dir, database_url, "branch", "delete", "feature-x")
    assert refused.returncode == 2 and "is the current branch" in refused.stderr
    deleted = run(project_dir, database_url, "branch", "delete", "feature-x", "--force")
    assert deleted.returncode == 0
    assert project(project_dir, database_url, pg_server).current_branch() == "main"
    with pytest.raises(UsageError, match="does not delete it"):
        server.delete("main")


def test_bad_names_existing_name_missing_parent(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    for bad in ("Feature", "-x", "a b", "x" * 70, "a/../b"):
        with pytest.raises(BranchNameError, match="not a usable branch name"):
            server.create(bad)
    with pytest.raises(BranchError, match="no branch 'ghost'"):
        server.create("child", parent="ghost")
    server.create("twice")
    with pytest.raises(BranchError, match="already exists"):
        server.create("twice")


def test_concurrent_creates_of_one_name(project_dir: Path, database_url: str) -> None:
    outcomes: list[str] = []

    def create() -> None:
        try:
            BranchServer(database_url).create("race")
            outcomes.append("created")
        except BranchError as error:
            outcomes.append(error.message)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "created" for o in outcomes) == [False, True], outcomes
    assert any("already exists" in o or "open connection" in o for o in outcomes if o != "created")


def test_connections_to_the_source_block_a_copy_until_forced(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    with psycopg.connect(database_url) as holder:
        pid = holder.info.backend_pid
        with pytest.raises(BranchError, match=rf"1 open connection\(s\): pid {pid}.*--force"):
            server.create("blocked")
        server.create("blocked", force=True)
    assert server.get("blocked") is not None


def test_git_mode_creates_the_branch_on_first_use(
    project_dir: Path, database_url: str, pg_server: EmbeddedServer
) -> None:
    (project_dir / "puckdb.toml").write_text('schema = "schema.py"\nbranch = "git"\n')
    (project_dir / ".git").mkdir()
    (project_dir / ".git" / "HEAD").write_text("ref: refs/heads/Feature/Login_Page\n")
    current = project(project_dir, database_url, pg_server)
    assert current.current_branch() == "feature/login_page"
    target = current.target()
    assert notes(target.url) == ["from main"] and "feature/login_page" in target.source
    assert BranchServer(database_url).get("feature/login_page") is not None
    (project_dir / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert project(project_dir, database_url, pg_server).target().url == database_url


def test_backup_before_apply_restore_and_prune(project_dir: Path, database_url: str) -> None:
    applied = run(project_dir, database_url, "apply", "--backup")
    assert applied.returncode == 0, applied.stderr
    assert "Backup: branch backup-" in applied.stdout
    server = BranchServer(database_url)
    [backup] = [b for b in server.branches() if b.is_backup]

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO notes VALUES (3, 'written after the backup')")
    refused = run(project_dir, database_url, "branch", "restore", backup.name)
    assert refused.returncode == 2 and "--force" in refused.stderr
    restored = run(project_dir, database_url, "branch", "restore", backup.name, "--force")
    assert restored.returncode == 0, restored.stderr
    assert notes(database_url) == ["from main"]

    for name in ("backup-20200101-000000", "backup-20200102-000000"):
        server.create(name)
    pruned = server.prune(keep=1)
    assert len(pruned) == 2 and len([b for b in server.branches() if b.is_backup]) == 1
