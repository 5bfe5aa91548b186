"""``branch restore``: the database a branch was copied from becomes that copy again, and
nothing else on the server is touched."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from puckdb.branches import BranchError, BranchServer, DatabaseBusyError
from puckdb.branches.admin import database_of
from puckdb.errors import UsageError
from puckdb.protection import ProtectedDatabaseError, set_protected

from .support import databases, notes, run, write_note


def test_restore_makes_main_the_copy_again(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("backup-1")
    write_note(database_url, 2, "written after the backup")

    assert server.restore("backup-1") == database_of(database_url)

    assert notes(database_url) == ["from main"]
    assert server.get("backup-1") is not None  # the backup stays, for another restore
    assert databases(server.database_url("postgres"), "puckdb-%") == []


def test_restore_never_touches_branches_named_like_its_temporaries(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    # Their databases are <main>__restoring and <main>__replaced: the names an earlier
    # puckdb used for its temporaries, and dropped.
    for name in ("restoring", "replaced"):
        server.create(name)
        write_note(server.url(name), 2, f"work on {name}")
    server.create("backup-1")

    server.restore("backup-1", force=True)

    for name in ("restoring", "replaced"):
        assert notes(server.url(name)) == ["from main", f"work on {name}"]
    assert {b.name for b in server.branches()} == {"main", "restoring", "replaced", "backup-1"}


def test_restore_puts_a_branch_of_a_branch_back_on_that_branch(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    feature = server.create("feature")
    write_note(feature_url := server.url("feature"), 2, "feature work")
    snapshot = server.create("snapshot", parent="feature")
    assert snapshot.origin == feature.database
    write_note(feature_url, 3, "feature mistake")

    assert server.restore("snapshot", force=True) == feature.database

    assert notes(feature_url) == ["from main", "feature work"]
    assert notes(database_url) == ["from main"]
    # Still a branch: its metadata (the database's comment) survives the swap.
    restored = server.get("feature")
    assert restored is not None and restored.parent == "main"


def test_restore_refuses_when_the_origin_is_gone_or_unknown(
    project_dir: Path, database_url: str, admin_url: str
) -> None:
    server = BranchServer(database_url)
    server.create("feature")
    server.create("snapshot", parent="feature")
    server.delete("feature")
    with pytest.raises(BranchError, match="no longer exists"):
        server.restore("snapshot")
    with pytest.raises(UsageError, match="not a copy of anything"):
        server.restore("main")

    # A comment without parent nor origin: there is no telling which database to overwrite.
    snapshot = server.get("snapshot")
    assert snapshot is not None
    comment = f'puckdb branch: {{"name": "orphan", "main": "{server.main_database}"}}'
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(snapshot.database), sql.Literal(comment)
            )
        )
    with pytest.raises(BranchError, match="does not record which database"):
        server.restore("orphan")


def test_restore_refuses_a_busy_database_and_changes_nothing(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("backup-1")
    write_note(database_url, 2, "kept")
    with psycopg.connect(database_url), pytest.raises(DatabaseBusyError, match="--force"):
        server.restore("backup-1")
    assert notes(database_url) == ["from main", "kept"]
    assert databases(server.database_url("postgres"), "puckdb-%") == []


def test_restore_command_confirms_and_names_the_database_it_replaces(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    server.create("backup-1")
    write_note(database_url, 2, "after the backup")

    refused = run(project_dir, database_url, "branch", "restore", "backup-1")
    assert refused.returncode == 2
    assert f"replaces {server.main_database} with a copy of 'backup-1'" in refused.stderr
    assert "--force" in refused.stderr
    assert notes(database_url) == ["from main", "after the backup"]

    restored = run(project_dir, database_url, "branch", "restore", "backup-1", "--force")
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {server.main_database} from branch backup-1" in restored.stdout
    assert notes(database_url) == ["from main"]


def test_restore_refuses_a_protected_database_and_changes_nothing(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    server.create("backup-1")
    write_note(database_url, 2, "production data")
    with psycopg.connect(database_url, autocommit=True) as conn:
        set_protected(conn, True)
    refusal = r"marked protected \(production\), and `puckdb branch restore`"
    # Both the question the command asks first and the restore itself refuse: a library
    # call cannot skip the rule.
    with pytest.raises(ProtectedDatabaseError, match=refusal):
        server.restore_origin("backup-1")
    with pytest.raises(ProtectedDatabaseError, match=refusal):
        server.restore("backup-1", force=True)
    assert notes(database_url) == ["from main", "production data"]
    assert databases(server.database_url("postgres"), "puckdb-%") == []

    with psycopg.connect(database_url, autocommit=True) as conn:
        set_protected(conn, False)
    assert server.restore_origin("backup-1") == database_of(database_url)
    # Without force: the check's own session in the database must not make it look busy.
    assert server.restore("backup-1") == database_of(database_url)
    assert notes(database_url) == ["from main"]
