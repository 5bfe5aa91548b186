"""A migration outside a transaction that stopped part-way: fixing it and resuming it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from puckdb.migrations.apply import ApplyOptions, apply_migrations
from puckdb.migrations.files import read_migrations
from puckdb.migrations.lockfile import write_lock
from puckdb.migrations.resume import PartialMigrationChangedError
from puckdb.migrations.rollback import down
from puckdb.migrations.runner import MigrationSqlError
from puckdb.migrations.status import migration_status
from puckdb.migrations.tracking import ensure_tracking_table

from .conftest import Workspace, execute, query

STOPS_AT_3 = """\
-- Transaction: no

CREATE TABLE a (id int);

CREATE INDEX CONCURRENTLY a_id_idx ON a (id);

INSERT INTO missing VALUES (1);

CREATE TABLE after (id int);
"""


def write(workspace: Workspace, text: str, name: str = "0001_concurrently.sql") -> Path:
    workspace.migrations.mkdir(exist_ok=True)
    path = workspace.migrations / name
    path.write_text(text)
    write_lock(workspace.migrations, read_migrations(workspace.migrations))
    return path


FIX = ("INSERT INTO missing", "INSERT INTO a")  # what makes statement 3 succeed


def edit(path: Path, *replacements: tuple[str, str]) -> None:
    """Edit a migration as a user fixing it would, then `puckdb lock`."""
    text = path.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    write_lock(path.parent, read_migrations(path.parent))


def statuses(workspace: Workspace) -> list[tuple[int, str]]:
    return [(e.version, e.status) for e in migration_status(workspace.url, workspace.migrations).entries]


def stop_at_3(workspace: Workspace) -> Path:
    path = write(workspace, STOPS_AT_3)
    with pytest.raises(MigrationSqlError, match="statements 1 to 2 stay applied and are recorded"):
        apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "partial")]
    return path


def test_fixing_the_failed_statement_in_the_file_resumes_after_the_statements_that_ran(
    workspace: Workspace,
) -> None:
    path = stop_at_3(workspace)
    edit(path, ("INSERT INTO missing VALUES (1);", "CREATE TABLE fixed (id int);"))

    result = apply_migrations(workspace.url, workspace.migrations)

    assert result.applied[0].statements == 2  # statements 3 and 4; 1 and 2 did not run again
    assert statuses(workspace) == [(1, "applied")]
    assert query(
        workspace.url, "SELECT to_regclass('fixed') IS NOT NULL, to_regclass('after') IS NOT NULL"
    ) == [(True, True)]
    recorded = query(
        workspace.url, "SELECT checksum, cardinality(statement_checksums) FROM puckdb.migrations"
    )
    fixed = read_migrations(workspace.migrations)[0]
    assert recorded == [(fixed.checksum, 4)]  # the row took the fixed file's checksum


def test_editing_a_statement_that_already_ran_is_refused_naming_it(workspace: Workspace) -> None:
    path = stop_at_3(workspace)
    edit(path, ("CREATE TABLE a (id int);", "CREATE TABLE a (id bigint);"), FIX)

    with pytest.raises(PartialMigrationChangedError) as caught:
        apply_migrations(workspace.url, workspace.migrations)

    message = str(caught.value)
    assert "0001_concurrently.sql stopped part-way on this database (statements 1 to 2 ran" in message
    assert "statement 1 (line 3), which already ran, was edited since" in message
    assert statuses(workspace) == [(1, "partial")]
    assert query(workspace.url, "SELECT to_regclass('after')") == [(None,)]


def test_a_partial_migration_cannot_become_transactional(workspace: Workspace) -> None:
    path = stop_at_3(workspace)
    edit(path, ("-- Transaction: no", "-- Transaction: yes"), FIX)
    with pytest.raises(PartialMigrationChangedError, match="put back `-- Transaction: no`"):
        apply_migrations(workspace.url, workspace.migrations)


def test_dry_run_shows_where_a_partial_migration_resumes(workspace: Workspace) -> None:
    stop_at_3(workspace)
    result = apply_migrations(workspace.url, workspace.migrations, ApplyOptions(dry_run=True))
    assert [m.version for m in result.planned] == [1]
    assert result.resume_at == {1: 3}


def test_a_statement_done_but_not_recorded_is_reported_on_resume(workspace: Workspace) -> None:
    path = stop_at_3(workspace)
    # As if the previous run had been cut off after building the index, before recording it.
    execute(
        workspace.url,
        "UPDATE puckdb.migrations SET statements_done = 1, statement_checksums = statement_checksums[1:1]",
    )
    with pytest.raises(MigrationSqlError) as caught:
        apply_migrations(workspace.url, workspace.migrations)
    message = str(caught.value)
    assert "statement 2 (line 5)" in message and 'relation "a_id_idx" already exists' in message
    assert "This run resumed at this statement" in message and "add IF NOT EXISTS" in message

    # The way out the message gives: IF NOT EXISTS on the statement that had not been recorded.
    edit(path, ("CONCURRENTLY a_id_idx", "CONCURRENTLY IF NOT EXISTS a_id_idx"), FIX)
    apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "applied")]


UNIQUE_ON_DUPLICATES = """\
-- Transaction: no

CREATE TABLE a (id int);

INSERT INTO a VALUES (1), (1);

CREATE UNIQUE INDEX CONCURRENTLY a_id_key ON a (id);
"""


def test_an_invalid_index_left_by_a_failed_concurrent_build_is_named(workspace: Workspace) -> None:
    path = write(workspace, UNIQUE_ON_DUPLICATES)
    with pytest.raises(MigrationSqlError) as caught:
        apply_migrations(workspace.url, workspace.migrations)
    message = str(caught.value)
    assert "could not create unique index" in message
    assert "Index a_id_key is INVALID" in message and 'DROP INDEX CONCURRENTLY "a_id_key"' in message

    # IF NOT EXISTS would keep the invalid leftover: puckdb does not count that as done.
    edit(path, ("CONCURRENTLY a_id_key", "CONCURRENTLY IF NOT EXISTS a_id_key"))
    execute(workspace.url, "DELETE FROM a WHERE ctid = (SELECT max(ctid) FROM a)")
    with pytest.raises(MigrationSqlError, match=r"ran, but left no usable index\. Index a_id_key is INVALID"):
        apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "partial")]

    execute(workspace.url, "DROP INDEX CONCURRENTLY a_id_key")
    apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "applied")]
    assert query(
        workspace.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'a_id_key'::regclass"
    ) == [(True,)]


OLD_TRACKING_TABLE = """\
CREATE SCHEMA puckdb;
CREATE TABLE puckdb.migrations (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), duration interval, applied_by text NOT NULL,
    finished boolean NOT NULL DEFAULT true, statements_done integer NOT NULL DEFAULT 0
);
"""


def test_a_tracking_table_from_an_older_puckdb_is_read_and_then_upgraded(workspace: Workspace) -> None:
    write(workspace, "CREATE TABLE first (id int);\n", "0001_first.sql")
    write(workspace, "CREATE TABLE second (id int);\n", "0002_second.sql")
    first = read_migrations(workspace.migrations)[0]
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute(OLD_TRACKING_TABLE.encode())
        conn.execute("CREATE TABLE first (id int)")
        conn.execute(
            "INSERT INTO puckdb.migrations (version, name, checksum, applied_by) VALUES (1, 'first', %s, 'old')",
            (first.checksum,),
        )
    assert statuses(workspace) == [(1, "applied"), (2, "pending")]  # read-only: no upgrade

    apply_migrations(workspace.url, workspace.migrations)

    assert statuses(workspace) == [(1, "applied"), (2, "applied")]
    columns = query(
        workspace.url,
        "SELECT attname::text FROM pg_attribute WHERE attrelid = 'puckdb.migrations'::regclass "
        "AND attname IN ('statement_checksums', 'down_statements_done', 'down_checksums') ORDER BY 1",
    )
    assert columns == [("down_checksums",), ("down_statements_done",), ("statement_checksums",)]


def test_down_outside_a_transaction_upgrades_an_older_tracking_table_first(workspace: Workspace) -> None:
    write(
        workspace,
        "CREATE TABLE first (id int);\nCREATE INDEX first_id_idx ON first (id);\n",
        "0001_first.sql",
    )
    (workspace.migrations / "0001_first.down.sql").write_text(
        "-- Transaction: no\n\nDROP INDEX CONCURRENTLY first_id_idx;\n\nDROP TABLE first;\n"
    )
    write_lock(workspace.migrations, read_migrations(workspace.migrations))
    first = read_migrations(workspace.migrations)[0]
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute(OLD_TRACKING_TABLE.encode())
        conn.execute("CREATE TABLE first (id int)")
        conn.execute("CREATE INDEX first_id_idx ON first (id)")
        conn.execute(
            "INSERT INTO puckdb.migrations (version, name, checksum, applied_by) VALUES (1, 'first', %s, 'old')",
            (first.checksum,),
        )

    down(workspace.url, workspace.migrations)

    assert statuses(workspace) == [(1, "pending")]
    assert query(workspace.url, "SELECT to_regclass('first')") == [(None,)]


INSERTS = """\
-- Transaction: no

CREATE TABLE a (id int);

INSERT INTO a VALUES (1);

CREATE TABLE after (id int);
"""

LOSE_PROGRESS_OF_2 = """\
CREATE FUNCTION puckdb.lose_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.statements_done = 2 THEN RAISE EXCEPTION 'progress of statement 2 lost'; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER lose_progress BEFORE UPDATE ON puckdb.migrations
    FOR EACH ROW EXECUTE FUNCTION puckdb.lose_progress();
"""


def test_a_statement_commits_with_its_progress_so_a_resume_never_runs_it_twice(workspace: Workspace) -> None:
    write(workspace, INSERTS)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        ensure_tracking_table(conn)
        conn.execute(LOSE_PROGRESS_OF_2.encode())

    # The INSERT ran, but recording it failed: it is undone with its record, not left behind.
    with pytest.raises(MigrationSqlError, match="progress of statement 2 lost"):
        apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "partial")]
    assert query(workspace.url, "SELECT count(*) FROM a") == [(0,)]

    execute(workspace.url, "DROP TRIGGER lose_progress ON puckdb.migrations")
    result = apply_migrations(workspace.url, workspace.migrations)
    assert result.applied[0].statements == 2
    assert statuses(workspace) == [(1, "applied")]
    assert query(workspace.url, "SELECT count(*) FROM a") == [(1,)]  # once, not twice


COMMITTING_PROCEDURE = """\
-- Transaction: no

CREATE TABLE a (id int);

CREATE PROCEDURE fill() LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO a VALUES (1);
    COMMIT;
    INSERT INTO a VALUES (2);
END $$;

-- a batched backfill: the procedure commits between its batches
CALL fill();

VACUUM a;

REINDEX TABLE CONCURRENTLY a;

-- the file's own transaction control runs as written
BEGIN;

INSERT INTO a VALUES (3);

COMMIT;
"""


def test_statements_refused_in_a_transaction_block_still_run_outside_one(workspace: Workspace) -> None:
    write(workspace, COMMITTING_PROCEDURE)
    apply_migrations(workspace.url, workspace.migrations)
    assert statuses(workspace) == [(1, "applied")]
    assert query(workspace.url, "SELECT statements_done FROM puckdb.migrations") == [(8,)]
    assert query(workspace.url, "SELECT array_agg(id ORDER BY id) FROM a") == [([1, 2, 3],)]
