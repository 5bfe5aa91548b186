"""`puckdb db start|stop|status|url` on a project's own embedded server."""

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest


def postmasters_of(data_dir: Path) -> list[int]:
    """Pids of postgres server processes started on ``data_dir`` (children rename
    themselves, so only postmasters keep `-D <dir>` in their command line)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"-D" in argv and str(data_dir).encode() in argv:
            pids.append(int(proc.name))
    return pids


@pytest.fixture
def project(tmp_path, puckdb):
    (tmp_path / "puckdb.toml").write_text('schema = "models.py"\n')
    yield tmp_path
    puckdb("db", "stop", cwd=tmp_path)


def test_status_before_first_use_says_not_created(puckdb, project):
    result = puckdb("db", "status", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["running"] is False
    assert state["initialised"] is False
    assert state["data_dir"] == str(project / ".puckdb" / "pg18")


def test_start_status_url_stop(puckdb, project):
    started = puckdb("db", "start", cwd=project)
    assert started.returncode == 0, started.stderr
    assert "Started PostgreSQL 18" in started.stdout

    again = puckdb("db", "start", cwd=project)
    assert "Already running" in again.stdout

    state = json.loads(puckdb("db", "status", "--json", cwd=project).stdout)
    assert state["running"] is True
    url = puckdb("db", "url", cwd=project).stdout.strip()
    assert url == state["url"]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("main",)
        assert conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()

    stopped = puckdb("db", "stop", cwd=project)
    assert "Stopped" in stopped.stdout
    assert json.loads(puckdb("db", "status", "--json", cwd=project).stdout)["running"] is False
    assert "was not running" in puckdb("db", "stop", cwd=project).stdout


def test_data_survives_a_restart(puckdb, project):
    url = puckdb("db", "url", cwd=project).stdout.strip()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE kept (id int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    puckdb("db", "stop", cwd=project)
    url = puckdb("db", "url", cwd=project).stdout.strip()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT id FROM kept").fetchall() == [(42,)]


def test_concurrent_first_starts_share_one_server(project):
    """Four processes that find no server start it at once: one initialises and starts,
    the others wait and reuse it; all print the same URL."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "puckdb", "db", "url"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0], results
    urls = {stdout.strip() for stdout, _ in results}
    assert len(urls) == 1
    with psycopg.connect(urls.pop()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert len(postmasters_of(project / ".puckdb" / "pg18")) == 1
    leftovers = [path.name for path in (project / ".puckdb").iterdir() if path.name.startswith(".pg")]
    assert leftovers == []


def test_postgres_16_when_configured(puckdb, tmp_path):
    (tmp_path / "puckdb.toml").write_text('schema = "models.py"\npostgres_version = 16\n')
    try:
        url = puckdb("db", "url", cwd=tmp_path).stdout.strip()
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()
        assert version is not None and version[0].startswith("16")
    finally:
        puckdb("db", "stop", cwd=tmp_path)


def test_server_killed_hard_is_restarted_by_the_next_command(puckdb, project):
    import os
    import signal
    import time

    url = puckdb("db", "url", cwd=project).stdout.strip()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE survivor (id int)")
        conn.execute("INSERT INTO survivor VALUES (7)")
    (pid,) = postmasters_of(project / ".puckdb" / "pg18")
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while postmasters_of(project / ".puckdb" / "pg18") and time.monotonic() < deadline:
        time.sleep(0.05)

    status = puckdb("db", "status", "--json", cwd=project)
    assert json.loads(status.stdout)["running"] is False
    url = puckdb("db", "url", cwd=project).stdout.strip()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT id FROM survivor").fetchall() == [(7,)]
