"""`down` beyond the happy path: empty down files, down files outside a transaction that
stop part-way, lock waits."""

from __future__ import annotations

import time

import psycopg
import pytest

from puckdb.migrations.apply import PartlyRolledBackError, apply_migrations
from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock
from puckdb.migrations.resume import PartialMigrationChangedError
from puckdb.migrations.rollback import RollbackError, down
from puckdb.migrations.runner import MigrationSqlError
from puckdb.migrations.status import migration_status

from .conftest import Workspace


def write(workspace: Workspace, up: str, down_sql: str, label: str = "0001_things") -> None:
    workspace.migrations.mkdir(exist_ok=True)
    (workspace.migrations / f"{label}.sql").write_text(up)
    (workspace.migrations / f"{label}.down.sql").write_text(down_sql)
    write_lock(workspace.migrations, read_migrations(workspace.migrations))


def statuses(workspace: Workspace) -> list[tuple[int, str]]:
    return [(e.version, e.status) for e in migration_status(workspace.url, workspace.migrations).entries]


def exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(row and row[0])


def test_an_empty_down_file_is_refused_unless_forced(workspace: Workspace) -> None:
    write(workspace, "CREATE TABLE things (id int);\n", "-- puckdb down migration 0001_things\n")
    apply_migrations(workspace.url, workspace.migrations)

    with pytest.raises(RollbackError, match=r"has no statements, so rolling 0001_things back would only"):
        down(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "applied")]

    rolled = down(workspace.url, workspace.migrations, force=True)
    assert [(r.migration.version, r.empty) for r in rolled] == [(1, True)]
    assert statuses(workspace) == [(1, "pending")]
    assert exists(workspace.url, "things")  # nothing was undone, as the report says


OUTSIDE = """\
-- Transaction: no

DROP INDEX CONCURRENTLY things_a_idx;

DROP TABLE missing;

DROP INDEX CONCURRENTLY things_b_idx;
"""


def test_a_down_file_outside_a_transaction_that_stops_is_recorded_and_resumes(workspace: Workspace) -> None:
    write(
        workspace,
        "CREATE TABLE things (a int, b int);\nCREATE INDEX things_a_idx ON things (a);\n"
        "CREATE INDEX things_b_idx ON things (b);\n",
        OUTSIDE,
    )
    apply_migrations(workspace.url, workspace.migrations)

    with pytest.raises(MigrationSqlError, match=r"statement 2 \(line 5\) of .*0001_things\.down\.sql"):
        down(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "partial-down")]  # not "applied": its first index is gone
    assert not exists(workspace.url, "things_a_idx") and exists(workspace.url, "things_b_idx")
    with pytest.raises(PartlyRolledBackError, match=r"stopped after statement 1\. Finish the rollback"):
        apply_migrations(workspace.url, workspace.migrations)

    # Editing a down statement that already ran is refused; fixing the failed one is fine.
    down_path = workspace.migrations / "0001_things.down.sql"
    down_path.write_text(OUTSIDE.replace("things_a_idx", "other_idx"))
    with pytest.raises(PartialMigrationChangedError, match=r"statement 1 \(line 3\), which already ran"):
        down(workspace.url, workspace.migrations)
    down_path.write_text(OUTSIDE.replace("DROP TABLE missing;", "DROP TABLE IF EXISTS missing;"))
    rolled = down(workspace.url, workspace.migrations)

    assert [(r.migration.version, r.resumed_at) for r in rolled] == [(1, 2)]
    assert statuses(workspace) == [(1, "pending")]
    assert not exists(workspace.url, "things_b_idx")


def test_down_waits_for_a_table_lock_no_longer_than_lock_timeout(workspace: Workspace) -> None:
    write(workspace, "CREATE TABLE things (id int);\n", "DROP TABLE things;\n")
    apply_migrations(workspace.url, workspace.migrations)
    with psycopg.connect(workspace.url) as blocker:
        blocker.execute("SELECT * FROM things")  # ACCESS SHARE until the transaction ends
        started = time.perf_counter()
        with pytest.raises(MigrationSqlError, match=r"waited 0\.5 s for a lock"):
            down(workspace.url, workspace.migrations, force=True, lock_timeout_seconds=0.5)
        assert time.perf_counter() - started < 5
    assert statuses(workspace) == [(1, "applied")] and exists(workspace.url, "things")
