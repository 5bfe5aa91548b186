from __future__ import annotations

from collections.abc import Iterator

import pytest

from puckdb.server.embedded import EmbeddedServer

from .databases import Cluster


@pytest.fixture
def cluster(pg_server: EmbeddedServer) -> Iterator[Cluster]:
    """Throwaway databases on the session's server (PostgreSQL 18 and 16)."""
    with Cluster(pg_server) as cluster:
        yield cluster
