"""A session that has just disconnected from the source is no reason to refuse a copy.

psycopg's close() returns once the client side is shut; the server's backend is still
listed in pg_stat_activity until it has exited (on an idle machine, about one time in three
when asked right after the close; longer on a loaded one). Refusing on that listing made
the branch tests fail under load; a script that writes with psql and then runs `puckdb
branch create` meets the same.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from puckdb.branches import BranchServer
from puckdb.branches.errors import DatabaseBusyError

from .support import notes, write_note


def test_a_copy_while_the_last_session_is_closing_succeeds(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("base")
    write_note(server.url("base"), 2, "only on base")
    conn = psycopg.connect(server.url("base"), application_name="closing")
    started = threading.Event()

    def close_soon() -> None:
        # Closed while the copy is already looking at the source's sessions: the copy must
        # see it go, not refuse it as a session in use.
        started.wait()
        time.sleep(0.2)
        conn.close()

    closer = threading.Thread(target=close_soon)
    closer.start()
    try:
        started.set()
        copy = server.create("child", parent="base")
    finally:
        closer.join()
        conn.close()
    assert copy.parent == "base"
    assert notes(server.url("child")) == ["from main", "only on base"]


def test_a_session_that_stays_is_still_named_and_refused(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("base")
    with psycopg.connect(server.url("base"), application_name="stays") as conn:
        conn.execute("SELECT 1")
        with pytest.raises(DatabaseBusyError, match=r"1 open connection\(s\): pid \d+ \(stays\)"):
            server.create("child", parent="base")
    assert server.get("child") is None
