"""A test server is stopped by the session that started it only when no other pytest
session holds its share: a worker between two connections must not lose the server."""

from __future__ import annotations

from pathlib import Path

from puckdb.server.embedded import EmbeddedServer
from puckdb.testing.server import ServerUse


def test_the_starter_claims_the_server_only_when_no_other_session_holds_a_share(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / ".puckdb", 18)  # never started: the lock is all that matters
    starter, worker = ServerUse(server), ServerUse(server)
    try:
        assert not starter.release_and_claim_alone()
    finally:
        starter.close()
    worker.close()
    again = ServerUse(server)
    try:
        assert again.release_and_claim_alone()
        # Holding it exclusively: a session that wants to use the server now waits.
        late = (server.state_dir / "sessions.lock").open("a")
        import fcntl

        try:
            try:
                fcntl.flock(late, fcntl.LOCK_SH | fcntl.LOCK_NB)
                blocked = False
            except BlockingIOError:
                blocked = True
            assert blocked
        finally:
            late.close()
    finally:
        again.close()
