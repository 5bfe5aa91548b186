"""The test server: a throwaway PostgreSQL cluster for test databases, in memory when it can be.

Test databases need no durability, and copying a template costs what writing its files
costs: on this project's machines ``CREATE DATABASE … TEMPLATE`` takes 0.2 to 0.3 s on disk
even with fsync off, and about 0.01 s in RAM. So tests do not use the developer's embedded
server (durable, holding their data) but a cluster of their own with durability off, kept
in ``/dev/shm`` when the machine has a usable one (Linux), else in ``.puckdb/test``. It
survives between test sessions until the machine restarts, and with it the templates, so a
later session reuses them; the cluster itself can always be rebuilt from the migrations.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from puckdb.config import Config
from puckdb.server.embedded import EmbeddedServer

THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
"""Durability off: a crash of a test cluster loses nothing that cannot be rebuilt."""

_RAM = Path("/dev/shm")
_MIN_FREE_BYTES = 1 << 30  # below this, a RAM disk is too small to be worth the risk


def ram_directory() -> Path | None:
    """A writable in-memory file system with room to spare, or None."""
    try:
        if not (_RAM.is_dir() and os.access(_RAM, os.W_OK | os.X_OK)):
            return None
        stats = os.statvfs(_RAM)
    except OSError:
        return None
    return _RAM if stats.f_bavail * stats.f_frsize >= _MIN_FREE_BYTES else None


def throwaway_directory(config: Config) -> Path:
    """Where the project's test cluster lives: one per project and user."""
    ram = ram_directory()
    if ram is None:
        return config.state_dir / "test"
    key = hashlib.sha256(f"{os.getuid()}:{config.root.resolve()}".encode()).hexdigest()[:12]
    return ram / f"puckdb-test-{key}"


def throwaway_server(config: Config) -> EmbeddedServer:
    """The project's test server (not started by this call), of the configured version."""
    return EmbeddedServer(throwaway_directory(config), config.postgres_version, settings=THROWAWAY_SETTINGS)


class ServerUse:
    """This pytest session's use of the test server, as a shared lock on a file beside it.

    Every session (another terminal, each xdist worker) holds the lock shared while it
    may use the server. The session that started the server stops it at its end only if
    it can then take the lock exclusively, and holds it while stopping: a session that is
    about to connect waits for the stop and starts the server again, instead of losing
    its connection half-way through (which counting connections alone could not rule out:
    a worker may be between two connections at that moment).
    """

    def __init__(self, server: EmbeddedServer) -> None:
        server.state_dir.mkdir(parents=True, exist_ok=True)
        self._handle = (server.state_dir / "sessions.lock").open("a")
        fcntl.flock(self._handle, fcntl.LOCK_SH)

    def release_and_claim_alone(self) -> bool:
        """Let go of this session's share; True (holding the lock exclusively until
        :meth:`close`) when no other session holds one."""
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def close(self) -> None:
        self._handle.close()  # releases whatever lock it holds
