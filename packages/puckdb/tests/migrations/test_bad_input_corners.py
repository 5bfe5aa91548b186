"""Bad input at the edges of `apply` (issue 17), through the real command: a binary lock
file, a migration with a byte order mark, a file that is not UTF-8, Ctrl-C at a moment the
test controls (a statement waiting on a lock the test holds), and a lock timeout that must
name the session holding the lock."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from .conftest import Workspace

CARDS = 'cards = Table("cards", metadata, Column("id", BigInteger, primary_key=True))\n'


def write(workspace: Workspace, files: dict[str, bytes]) -> None:
    workspace.migrations.mkdir(exist_ok=True)
    for name, content in files.items():
        (workspace.migrations / name).write_bytes(content)
    workspace.run("lock").check_returncode()


def with_cards_applied(workspace: Workspace, second: bytes, down: bytes | None = None) -> None:
    files = {"0001_cards.sql": b"CREATE TABLE cards (id bigint PRIMARY KEY);\n"}
    workspace.migrations.mkdir(exist_ok=True)
    (workspace.migrations / "0001_cards.sql").write_bytes(files["0001_cards.sql"])
    workspace.run("lock").check_returncode()
    workspace.run("apply").check_returncode()
    files = {"0002_second.sql": second}
    if down is not None:
        files["0002_second.down.sql"] = down
    write(workspace, files)


@contextmanager
def cards_locked(url: str) -> Iterator[int]:
    """Another session holding ACCESS EXCLUSIVE on cards in an open transaction; its pid."""
    with psycopg.connect(url, application_name="issue17-blocker") as holder:
        holder.execute("LOCK TABLE cards IN ACCESS EXCLUSIVE MODE")
        yield holder.info.backend_pid
        holder.rollback()


def wait_until_waiting_on_a_lock(url: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Return once a puckdb session waits for a heavyweight lock: the moment to press Ctrl-C."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'puckdb' "
                "AND wait_event_type = 'Lock'"
            ).fetchone()
            if row and row[0]:
                return
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
    raise AssertionError("puckdb never waited on the lock")


def interrupt(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C now; the exit code and stderr on one line."""
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, " ".join(stderr.split())


def interrupted_on_the_cards_lock(workspace: Workspace, *args: str) -> tuple[int, str]:
    """Run `puckdb ARGS` while cards is locked, press Ctrl-C once it waits for the lock."""
    with cards_locked(workspace.url):
        process = workspace.popen(*args)
        wait_until_waiting_on_a_lock(workspace.url, process)
        return interrupt(process)


def assert_one_paragraph(stderr: str, *fragments: str) -> None:
    assert stderr.startswith("Error: "), stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, (fragment, stderr)


# 1. A lock file of binary garbage.


def test_a_binary_lock_file_is_one_paragraph_for_every_command(workspace: Workspace) -> None:
    workspace.write_schema(CARDS)
    write(workspace, {"0001_cards.sql": b"CREATE TABLE cards (id bigint PRIMARY KEY);\n"})
    # Deterministic garbage: a valid first line, then bytes that are never UTF-8.
    (workspace.migrations / "puckdb.lock").write_bytes(b"# lock\n" + bytes(range(128, 256)) * 2)
    expected = ("puckdb.lock line 2 holds bytes that are not UTF-8 text (byte 7)", "`puckdb lock`")
    for command in (["apply"], ["status"]):
        result = workspace.run(*command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert_one_paragraph(" ".join(result.stderr.split()), *expected)
    checked = workspace.run("check", "--no-database")  # check lists it as one of its findings
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert all(fragment in " ".join(checked.stdout.split()) for fragment in expected), checked.stdout
    assert workspace.run("lock").returncode == 0
    assert workspace.run("apply").returncode == 0


# 2. A byte order mark and CRLF line endings.


def test_a_migration_with_a_byte_order_mark_runs_as_its_header_says(workspace: Workspace) -> None:
    # CREATE INDEX CONCURRENTLY fails inside a transaction: it runs only if the header
    # behind the BOM is read.
    content = (
        b"\xef\xbb\xbf-- Transaction: no\r\n"
        b"CREATE TABLE cards (id bigint);\r\n"
        b"CREATE INDEX CONCURRENTLY cards_id ON cards (id);\r\n"
    )
    write(workspace, {"0001_cards.sql": content})
    result = workspace.run("apply")
    assert result.returncode == 0, result.stderr
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT checksum FROM puckdb.migrations").fetchone() == (
            hashlib.sha256(content).hexdigest(),
        )
        assert conn.execute("SELECT to_regclass('cards_id') IS NOT NULL").fetchone() == (True,)
    linted = workspace.run("lint")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "warning byte-order-mark" in linted.stdout and "1 warning" in linted.stdout


# Also: a migration that is not UTF-8 is a problem status reports.


def test_status_reports_a_pending_migration_that_is_not_utf8(workspace: Workspace) -> None:
    write(
        workspace,
        {
            "0001_cards.sql": b"CREATE TABLE cards (id bigint PRIMARY KEY);\n",
            "0002_latin1.sql": b"CREATE TABLE notes (body text DEFAULT 'caf\xe9');\n",
        },
    )
    result = workspace.run("status")
    assert result.returncode == 1, result.stdout
    flat = " ".join(result.stdout.split())
    assert "pending, unreadable (not UTF-8)" in flat
    assert "0002_latin1.sql is not valid UTF-8 (line 1, byte 42)" in flat
    listed = json.loads(workspace.run("status", "--json").stdout)
    assert [m["problem"] is not None for m in listed["migrations"]] == [False, True]
    applied = workspace.run("apply")
    assert applied.returncode == 1
    assert_one_paragraph(" ".join(applied.stderr.split()), "0002_latin1.sql is not valid UTF-8")
    with psycopg.connect(workspace.url) as conn:  # refused before anything ran
        assert conn.execute("SELECT to_regclass('cards')").fetchone() == (None,)


# 4. A lock timeout names the session holding the lock.


@pytest.mark.parametrize("transactional", [True, False], ids=["in-transaction", "outside-transaction"])
def test_a_lock_timeout_names_the_session_that_holds_the_lock(
    workspace: Workspace, transactional: bool
) -> None:
    header = b"" if transactional else b"-- Transaction: no\n"
    with_cards_applied(workspace, header + b"ALTER TABLE cards ADD COLUMN front text;\n")
    with cards_locked(workspace.url) as pid:
        result = workspace.run("apply", "--lock-timeout", "3")
    assert result.returncode == 1, result.stdout
    assert_one_paragraph(
        " ".join(result.stderr.split()),
        "0002_second.sql",
        f"The lock was held by pid {pid}, application 'issue17-blocker', role ",
        ", idle in transaction, transaction open ",
        "last query 'LOCK TABLE cards IN ACCESS EXCLUSIVE MODE'",
        f"SELECT pg_terminate_backend(pid) (pid {pid})",
        "--lock-timeout SECONDS",
    )
    assert workspace.run("apply").returncode == 0


@pytest.mark.parametrize("transactional", [True, False], ids=["in-transaction", "outside-transaction"])
def test_a_lock_timeout_in_down_names_the_session_that_holds_the_lock(
    workspace: Workspace, transactional: bool
) -> None:
    header = b"" if transactional else b"-- Transaction: no\n"
    with_cards_applied(
        workspace,
        b"ALTER TABLE cards ADD COLUMN front text;\n",
        down=header + b"ALTER TABLE cards DROP COLUMN front;\n",
    )
    workspace.run("lock").check_returncode()
    workspace.run("apply").check_returncode()
    with cards_locked(workspace.url) as pid:
        result = workspace.run("down", "--force", "--lock-timeout", "3")
    assert result.returncode == 1, result.stdout
    assert_one_paragraph(
        " ".join(result.stderr.split()),
        f"The lock was held by pid {pid}, application 'issue17-blocker', role ",
        "last query 'LOCK TABLE cards IN ACCESS EXCLUSIVE MODE'",
    )
    assert workspace.run("down", "--force").returncode == 0


# 3. Ctrl-C says what it interrupted and what it left.


def test_ctrl_c_during_a_transactional_migration_says_it_was_rolled_back(workspace: Workspace) -> None:
    with_cards_applied(workspace, b"CREATE TABLE notes (id int);\nALTER TABLE cards ADD COLUMN front text;\n")
    code, stderr = interrupted_on_the_cards_lock(workspace, "apply", "--lock-timeout", "600")
    assert code == 130
    assert_one_paragraph(
        stderr,
        "`puckdb apply` was interrupted (Ctrl-C) while applying 0002_second: its transaction was rolled back",
        "Run `puckdb apply` to apply it",
    )
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('notes')").fetchone() == (None,)
    assert workspace.run("status").returncode == 0  # pending, nothing half done
    assert workspace.run("apply").returncode == 0


def test_ctrl_c_outside_a_transaction_leaves_it_partial_and_apply_resumes(workspace: Workspace) -> None:
    with_cards_applied(
        workspace,
        b"-- Transaction: no\nCREATE TABLE notes (id int);\n"
        b"ALTER TABLE cards ADD COLUMN front text;\nCREATE TABLE tags (id int);\n",
    )
    code, stderr = interrupted_on_the_cards_lock(workspace, "apply", "--lock-timeout", "600")
    assert code == 130
    assert_one_paragraph(
        stderr,
        "while applying 0002_second, which runs outside a transaction: it is now partial, 1 of 3 statements "
        "done (statement 2, line 3, was running and was canceled)",
        "Running `puckdb apply` resumes it at statement 2.",
    )
    status = workspace.run("status")
    assert status.returncode == 1 and "partial (1 of 3 ran; resumes at statement 2, line 3)" in status.stdout
    resumed = workspace.run("apply")
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming 0002_second at statement 2" in resumed.stdout


def test_ctrl_c_during_down_says_the_migration_is_still_applied(workspace: Workspace) -> None:
    with_cards_applied(
        workspace, b"CREATE TABLE notes (id int);\n", down=b"DROP TABLE notes;\nLOCK TABLE cards;\n"
    )
    workspace.run("apply").check_returncode()
    code, stderr = interrupted_on_the_cards_lock(workspace, "down", "--force", "--lock-timeout", "600")
    assert code == 130
    assert_one_paragraph(
        stderr,
        "`puckdb down` was interrupted (Ctrl-C) while rolling back 0002_second: its transaction was rolled "
        "back, so 0002_second is still applied and recorded.",
    )
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute("SELECT to_regclass('notes') IS NOT NULL").fetchone() == (True,)


def test_ctrl_c_during_push_says_nothing_was_changed(workspace: Workspace) -> None:
    (workspace.root / "puckdb.toml").write_text(
        'schema = "schema.py"\nmigrations = "migrations"\nlock_timeout = 600\n', encoding="utf-8"
    )
    workspace.write_schema(CARDS.replace("primary_key=True)", 'primary_key=True), Column("front", Text)'))
    with psycopg.connect(workspace.url) as conn:
        conn.execute("CREATE TABLE cards (id bigint PRIMARY KEY)")
    code, stderr = interrupted_on_the_cards_lock(workspace, "push")
    assert code == 130
    assert_one_paragraph(
        stderr,
        "`puckdb push` was interrupted (Ctrl-C) while running statement ",
        ": the push runs in one transaction, which was rolled back, so nothing was changed.",
    )
    with psycopg.connect(workspace.url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'cards'"
        ).fetchone() == (1,)


def test_ctrl_c_during_generate_says_the_folder_is_unchanged(workspace: Workspace) -> None:
    workspace.write_schema(CARDS)
    state = workspace.root / ".puckdb"
    state.mkdir()
    # Another generate holds the per-checkout lock: this one waits on it, at a moment the
    # kernel shows (a blocked waiter in /proc/locks), before it has written anything.
    with (state / "generate.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        process = workspace.popen("generate")
        deadline = time.monotonic() + 60
        while f" {process.pid} " not in _blocked_lock_waiters():
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.05)
        code, stderr = interrupt(process)
    assert code == 130
    assert_one_paragraph(stderr, "`puckdb generate` was interrupted (Ctrl-C) before it wrote a migration")
    assert workspace.files() == []


def _blocked_lock_waiters() -> str:
    lines = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    return "\n".join(line + " " for line in lines if "->" in line)


# Issue 13 §1: migration files and the lock file are source files, written with the umask.


def test_generated_and_locked_files_get_the_umask_mode(workspace: Workspace) -> None:
    workspace.write_schema(CARDS)
    previous = os.umask(0o022)
    try:
        assert workspace.run("generate").returncode == 0
        assert workspace.run("generate", "--custom", "--name", "data").returncode == 0
        (workspace.migrations / "puckdb.lock").unlink()
        assert workspace.run("lock").returncode == 0
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in workspace.migrations.iterdir()}
    assert len(modes) == 5
    assert set(modes.values()) == {0o644}, modes
