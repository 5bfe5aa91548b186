"""`puckdb studio` as a user starts it: the address line, the token, the loopback warning."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(tmp_path: Path, url: str, *args: str) -> subprocess.Popen[str]:
    (tmp_path / "puckdb.toml").write_text('schema = "schema.py"\n')
    (tmp_path / "schema.py").write_text("from sqlalchemy import MetaData\nmetadata = MetaData()\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "puckdb", "studio", "--url", url, *args],
        cwd=tmp_path,
        env={**env, "COLUMNS": "300"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def status_of(address: str) -> int:
    try:
        with urllib.request.urlopen(address, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_prints_the_address_with_its_token_and_guards_it(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    process = start(tmp_path, database_url, "--port", str(port))
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith(f"Studio: http://127.0.0.1:{port}/?token=")
        address = line.removeprefix("Studio: ")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert status_of(f"http://127.0.0.1:{port}/") == 401
        assert status_of(address) == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_warns_when_listening_beyond_loopback(tmp_path: Path, database_url: str) -> None:
    process = start(tmp_path, database_url, "--host", "0.0.0.0", "--port", str(free_port()))
    try:
        assert process.stderr is not None
        warning = process.stderr.readline()
        assert "reachable from other machines" in warning
    finally:
        process.terminate()
        process.wait(timeout=20)
