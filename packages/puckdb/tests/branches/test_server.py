"""BranchServer on a real server: create, list, reset and delete, and each kind of bad input."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from puckdb.branches import (
    BranchError,
    BranchExistsError,
    BranchNameError,
    BranchServer,
    CreateDatabaseDeniedError,
    DatabaseBusyError,
)
from puckdb.branches.admin import database_of
from puckdb.errors import UsageError

from .support import as_role, databases, notes, run, write_note


def test_a_branch_is_a_copy_that_changes_on_its_own(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    branch = server.create("feature-x")
    assert [b.name for b in server.branches()] == ["main", "feature-x"]
    assert branch.parent == "main" and branch.database.endswith("__feature_x")
    assert branch.origin == database_of(database_url)
    feature_url = server.url("feature-x")
    write_note(feature_url, 2, "on the branch")
    assert notes(database_url) == ["from main"]
    assert notes(feature_url) == ["from main", "on the branch"]

    server.delete("feature-x")
    assert [b.name for b in server.branches()] == ["main"]
    with pytest.raises(UsageError, match="does not delete it"):
        server.delete("main")


def test_create_from_another_branch_copies_that_branch(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    base = server.create("base")
    write_note(server.url("base"), 2, "only on base")

    created = run(project_dir, database_url, "branch", "create", "child", "--from", "base")

    assert created.returncode == 0, created.stderr
    assert "Created branch child from base" in created.stdout
    child = server.get("child")
    assert child is not None and child.parent == "base" and child.origin == base.database
    assert notes(server.url("child")) == ["from main", "only on base"]
    assert notes(database_url) == ["from main"]


def test_bad_names_are_refused_before_anything_is_created(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    for bad in ("Feature", "-x", "a b", "x" * 70, "a/../b", "x/", "x."):
        with pytest.raises(BranchNameError, match="not a usable branch name"):
            server.create(bad)
    with pytest.raises(UsageError, match="configured database itself"):
        server.create("main")
    assert [b.name for b in server.branches()] == ["main"]


def test_an_existing_name_and_a_missing_parent_are_clear_errors(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    with pytest.raises(BranchError, match="no branch 'ghost'"):
        server.create("child", parent="ghost")
    server.create("twice")
    with pytest.raises(BranchExistsError, match="Branch 'twice' already exists"):
        server.create("twice")
    # feature-x and feature_x would share one database: the second is told why.
    server.create("feature-x")
    with pytest.raises(BranchExistsError, match="holds branch 'feature-x'"):
        server.create("feature_x")


def _create_in_race(database_url: str, start: threading.Barrier, outcomes: list[str]) -> None:
    start.wait()
    try:
        BranchServer(database_url).create("race")
        outcomes.append("created")
    except BranchError as error:
        outcomes.append(error.message)


def test_concurrent_creates_of_one_name_one_wins_the_other_is_told_it_exists(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    for _ in range(3):
        outcomes: list[str] = []
        start = threading.Barrier(2)
        threads = [
            threading.Thread(target=_create_in_race, args=(database_url, start, outcomes)) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count("created") == 1, outcomes
        [loser] = [o for o in outcomes if o != "created"]
        assert "already exists" in loser and "open connection" not in loser, loser
        server.delete("race")


def test_connections_to_the_source_block_a_copy_until_forced(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    with psycopg.connect(database_url) as holder:
        pid = holder.info.backend_pid
        with pytest.raises(DatabaseBusyError, match=rf"1 open connection\(s\): pid {pid}.*--force"):
            server.create("blocked")
        server.create("blocked", force=True)
    assert server.get("blocked") is not None


def test_reset_copies_the_parent_again(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("feature")
    write_note(server.url("feature"), 2, "on the branch")
    write_note(database_url, 3, "new on main")

    reset = server.reset("feature")

    assert notes(server.url("feature")) == ["from main", "new on main"]
    assert reset.parent == "main" and server.get("feature") is not None
    assert databases(server.database_url("postgres"), "puckdb-%") == []


def test_reset_keeps_the_branch_when_its_parent_is_gone(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("base")
    server.create("child", parent="base")
    write_note(server.url("child"), 2, "work on child")
    server.delete("base")

    with pytest.raises(BranchError, match=r"parent 'base' no longer exists.*unchanged"):
        server.reset("child")

    assert notes(server.url("child")) == ["from main", "work on child"]
    assert server.get("child") is not None


def test_reset_keeps_the_branch_when_its_parent_is_busy(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("feature")
    write_note(server.url("feature"), 2, "work on feature")

    with psycopg.connect(database_url), pytest.raises(DatabaseBusyError, match="open connection"):
        server.reset("feature")

    assert notes(server.url("feature")) == ["from main", "work on feature"]
    assert server.get("feature") is not None
    # The fresh copy was never made, and nothing else was left behind.
    assert databases(server.database_url("postgres"), "puckdb-%") == []


def test_reset_refuses_a_branch_in_use_before_copying(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("feature")
    with psycopg.connect(server.url("feature")), pytest.raises(DatabaseBusyError, match="--force"):
        server.reset("feature")
    assert server.get("feature") is not None


def test_list_sizes_only_branches_and_tolerates_databases_the_role_cannot_see(
    project_dir: Path,
    database_url: str,
    admin_url: str,
    make_role: Callable[..., str],
    new_database: Callable[[], str],
) -> None:
    server = BranchServer(database_url)
    locked = server.create("locked")
    # A database of the provider's (rdsadmin on RDS) and a branch the role may not connect to.
    provider = database_of(new_database())
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in (provider, locked.database):
            conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
    viewer = as_role(database_url, make_role())

    sizes = {b.name: b.size_bytes for b in BranchServer(viewer).branches()}

    assert sizes["locked"] is None
    assert isinstance(sizes["main"], int) and sizes["main"] > 0
    listed = run(project_dir, viewer, "branch", "list")
    assert listed.returncode == 0, listed.stderr
    assert "locked" in listed.stdout and "?" in listed.stdout


def test_the_maintenance_database_falls_back_to_template1_then_main(
    project_dir: Path, database_url: str, admin_url: str, make_role: Callable[..., str]
) -> None:
    role = make_role("CREATEDB")
    main = database_of(database_url)
    revoke = "REVOKE CONNECT ON DATABASE {} FROM PUBLIC"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        # Copying a database needs its owner (or superuser): the role owns main.
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(main), sql.Identifier(role))
        )
        conn.execute(sql.SQL(revoke).format(sql.Identifier("postgres")))
    server = BranchServer(as_role(database_url, role))
    try:
        assert server.create("via-template1").origin == main
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL(revoke).format(sql.Identifier("template1")))
        assert server.create("via-main").origin == main
        assert [b.name for b in server.branches()] == ["main", "via-main", "via-template1"]
        server.create("backup-1")
        # A session in main cannot rename main: said clearly, and nothing is lost.
        with pytest.raises(BranchError, match=r"only through .* itself"):
            server.restore("backup-1")
        assert notes(database_url) == ["from main"]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in ("postgres", "template1"):
                conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO PUBLIC").format(sql.Identifier(name)))


def test_a_role_that_may_not_create_databases_is_told_so(
    project_dir: Path, database_url: str, make_role: Callable[..., str]
) -> None:
    server = BranchServer(as_role(database_url, make_role()))
    with pytest.raises(CreateDatabaseDeniedError, match=r"may not create databases.*CREATEDB"):
        server.create("nope")


def test_a_role_that_does_not_own_a_branch_is_told_so_in_one_paragraph(
    project_dir: Path, database_url: str, make_role: Callable[..., str]
) -> None:
    BranchServer(database_url).create("theirs")
    other = as_role(database_url, make_role("CREATEDB"))
    with pytest.raises(BranchError) as refused:
        BranchServer(other).delete("theirs", force=True)
    message = str(refused.value)
    assert message.startswith("PostgreSQL refused a branch operation: must be owner of database")
    assert "\n" not in message
    assert [b.name for b in BranchServer(database_url).branches()] == ["main", "theirs"]
    failed = run(project_dir, other, "branch", "delete", "theirs", "--force")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
