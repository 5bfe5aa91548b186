"""Crash and concurrency safety of `apply`, through the real command in real processes."""

from __future__ import annotations

import os
import signal
import time

import psycopg

from puckdb.migrations.status import migration_status

from .conftest import Workspace


def write_migrations(workspace: Workspace, bodies: list[tuple[str, str]]) -> None:
    workspace.migrations.mkdir(exist_ok=True)
    for number, (name, sql) in enumerate(bodies, start=1):
        (workspace.migrations / f"{number:04d}_{name}.sql").write_text(sql)
    workspace.run("lock").check_returncode()


def wait_for_query(url: str, fragment: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid()",
                (f"%{fragment}%",),
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"no session ran a query containing {fragment!r} within {timeout} s")


def test_kill_9_during_a_long_migration_then_apply_again(workspace: Workspace) -> None:
    write_migrations(
        workspace,
        [
            ("first", "CREATE TABLE first (id int);\n"),
            (
                "long",
                "CREATE TABLE long (id int);\nINSERT INTO long SELECT generate_series(1, 1000);\n"
                "SELECT pg_sleep(2) /* puckdb-test-long */;\nCREATE TABLE after_sleep (id int);\n",
            ),
            ("last", "CREATE TABLE last (id int);\n"),
        ],
    )
    process = workspace.popen("apply")
    wait_for_query(workspace.url, "puckdb-test-long")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        # The killed run's transaction is not committed: 0002 is not recorded.
        assert conn.execute("SELECT version FROM puckdb.migrations ORDER BY version").fetchall() == [(1,)]

    # The server rolls the dead client's transaction back (and frees its migration lock)
    # once the sleep returns; the next apply waits for the lock and finishes the job.
    result = workspace.run("apply")
    assert result.returncode == 0, result.stderr
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM puckdb.migrations ORDER BY version").fetchall() == [
            (1,),
            (2,),
            (3,),
        ]
        assert conn.execute("SELECT count(*) FROM long").fetchone() == (1000,)
        assert conn.execute("SELECT to_regclass('after_sleep') IS NOT NULL").fetchone() == (True,)


def test_eight_concurrent_applies_apply_each_migration_once(workspace: Workspace) -> None:
    # CREATE TABLE without IF NOT EXISTS: a migration run twice would fail its second run.
    write_migrations(
        workspace,
        [
            (f"step_{n}", f"CREATE TABLE step_{n} (id int);\nINSERT INTO step_{n} VALUES ({n});\n")
            for n in range(1, 6)
        ],
    )
    processes = [workspace.popen("apply") for _ in range(8)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert all(code == 0 for code, _ in results), results
    state = migration_status(workspace.url, workspace.migrations)
    assert [(e.version, e.status) for e in state.entries] == [(n, "applied") for n in range(1, 6)]
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        for n in range(1, 6):
            assert conn.execute(f"SELECT count(*) FROM step_{n}").fetchone() == (1,)


def terminate_when_running(url: str, fragment: str) -> None:
    """End, from another session, the backend running a query that contains ``fragment``."""
    wait_for_query(url, fragment)
    with psycopg.connect(url, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid()",
            (f"%{fragment}%",),
        ).fetchall()
    assert ended == [(True,)]


def recorded(url: str) -> list[tuple[int, bool, int]]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT version, finished, statements_done FROM puckdb.migrations ORDER BY version"
        )
        return [(int(v), bool(f), int(d)) for v, f, d in rows.fetchall()]


def test_a_connection_lost_mid_apply_is_one_paragraph_and_the_migration_is_not_recorded(
    workspace: Workspace,
) -> None:
    write_migrations(
        workspace,
        [
            ("first", "CREATE TABLE first (id int);\n"),
            ("sleeps", "CREATE TABLE sleeps (id int);\nSELECT pg_sleep(60) /* puckdb-test-terminate */;\n"),
        ],
    )
    process = workspace.popen("apply")
    terminate_when_running(workspace.url, "puckdb-test-terminate")
    code = process.wait(timeout=60)
    stderr = process.stderr.read() if process.stderr else ""

    assert code == 1, stderr
    assert stderr.startswith("Error: The connection to the database was lost while running ")
    assert "0002_sleeps.sql: terminating connection due to administrator command." in stderr
    assert "nothing was recorded" in stderr and "run the command again" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert recorded(workspace.url) == [(1, True, 0)]
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('sleeps')").fetchone() == (None,)


def test_a_connection_lost_mid_migration_outside_a_transaction_records_how_far_it_got(
    workspace: Workspace,
) -> None:
    write_migrations(
        workspace,
        [
            (
                "outside",
                "-- Transaction: no\nCREATE TABLE before_sleep (id int);\n"
                "SELECT pg_sleep(60) /* puckdb-test-terminate */;\nCREATE TABLE after_sleep (id int);\n",
            )
        ],
    )
    process = workspace.popen("apply")
    terminate_when_running(workspace.url, "puckdb-test-terminate")
    code = process.wait(timeout=60)
    stderr = process.stderr.read() if process.stderr else ""

    assert code == 1, stderr
    assert "was lost while running statement 2 (line 3) of " in stderr
    assert "outside a transaction: statement 1 ran and is recorded; statement 2 may or may not have" in stderr
    assert "resumes at statement 2" in stderr and "Traceback" not in stderr
    assert recorded(workspace.url) == [(1, False, 1)]


def test_a_connection_lost_mid_down_leaves_the_migration_applied(workspace: Workspace) -> None:
    write_migrations(workspace, [("first", "CREATE TABLE first (id int);\n")])
    (workspace.migrations / "0001_first.down.sql").write_text(
        "DROP TABLE first;\nSELECT pg_sleep(60) /* puckdb-test-terminate */;\n"
    )
    workspace.run("apply").check_returncode()
    process = workspace.popen("down", "--force")
    terminate_when_running(workspace.url, "puckdb-test-terminate")
    code = process.wait(timeout=60)
    stderr = process.stderr.read() if process.stderr else ""

    assert code == 1, stderr
    assert "The connection to the database was lost while running " in stderr
    assert "0001_first.down.sql" in stderr and "Traceback" not in stderr
    assert recorded(workspace.url) == [(1, True, 0)]
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('first') IS NOT NULL").fetchone() == (True,)
