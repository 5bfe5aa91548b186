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
