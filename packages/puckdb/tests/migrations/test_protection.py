"""The protected-database refusal belongs to the library: ``down`` and a forced ``drop``
called directly refuse a database marked protected, as ``push`` does, before changing
anything; on an unprotected one they do their work. (The commands' own refusal is in
``test_check_push.py``.)"""

from __future__ import annotations

import psycopg
import pytest

from puckdb.migrations.apply import ApplyOptions, apply_migrations
from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock
from puckdb.migrations.rollback import RollbackError, down, drop
from puckdb.migrations.status import applied_versions
from puckdb.protection import ProtectedDatabaseError, set_protected

from .conftest import Workspace
from .conftest import public_tables as tables


def applied_pair(workspace: Workspace, *, to: int | None = None) -> None:
    """Two migrations with down files, applied (up to ``to``)."""
    workspace.migrations.mkdir()
    for label, table in (("0001_users", "users"), ("0002_decks", "decks")):
        (workspace.migrations / f"{label}.sql").write_text(f"CREATE TABLE {table} (id int);\n")
        (workspace.migrations / f"{label}.down.sql").write_text(f"DROP TABLE {table};\n")
    write_lock(workspace.migrations, read_migrations(workspace.migrations))
    apply_migrations(workspace.url, workspace.migrations, ApplyOptions(to=to))


def protect(url: str, protected: bool = True) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        set_protected(conn, protected)


def test_down_refuses_a_protected_database(workspace: Workspace) -> None:
    applied_pair(workspace)
    protect(workspace.url)
    with pytest.raises(ProtectedDatabaseError, match=r"marked protected \(production\), and `puckdb down`"):
        down(workspace.url, workspace.migrations, force=True)
    assert tables(workspace.url) == ["decks", "users"] and applied_versions(workspace.url) == {1, 2}

    protect(workspace.url, False)
    done = down(workspace.url, workspace.migrations, force=True)
    assert [event.migration.version for event in done] == [2]
    assert tables(workspace.url) == ["users"] and applied_versions(workspace.url) == {1}


def test_forced_drop_refuses_a_protected_database(workspace: Workspace) -> None:
    applied_pair(workspace)
    protect(workspace.url)
    files = sorted(p.name for p in workspace.migrations.iterdir())
    with pytest.raises(
        ProtectedDatabaseError, match=r"marked protected \(production\), and `puckdb drop --force`"
    ):
        drop(workspace.migrations, None, lambda: workspace.url, force=True)
    assert sorted(p.name for p in workspace.migrations.iterdir()) == files

    protect(workspace.url, False)
    dropped = drop(workspace.migrations, None, lambda: workspace.url, force=True)
    assert [m.version for m in dropped] == [2]  # applied, yet dropped: --force on a dev database
    assert not (workspace.migrations / "0002_decks.sql").exists()


def test_unforced_drop_of_an_unapplied_migration_is_no_development_only_command(
    workspace: Workspace,
) -> None:
    # Deleting a file no database has applied changes no database: protected or not, it runs
    # (as before the refusal moved into the library), and it still reads what is applied.
    applied_pair(workspace, to=1)
    protect(workspace.url)
    dropped = drop(workspace.migrations, None, lambda: workspace.url)
    assert [m.version for m in dropped] == [2]
    with pytest.raises(RollbackError, match="0001_users is applied on the target database"):
        drop(workspace.migrations, None, lambda: workspace.url)
