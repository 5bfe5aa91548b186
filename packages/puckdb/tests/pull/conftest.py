"""The pull round trip on the session's server: DDL → a database → inspect (S) → pull →
the module, imported → normalize → S again."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg import sql

from puckdb.connect import connect
from puckdb.engine import migration_plan
from puckdb.inspect import inspect_schema
from puckdb.loading import load_schema
from puckdb.model import Schema
from puckdb.normalize import DevServer, normalize, normalize_ddl
from puckdb.pull import PulledModule, render
from puckdb.server.embedded import EmbeddedServer

# The oracle's helpers (tests/oracle) are imported as the package `oracle`: the name
# pytest's importlib mode gives them too, so both imports are one module.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

from oracle.support import differences  # noqa: E402

_names = itertools.count()


@dataclass
class PullHarness:
    server: EmbeddedServer
    directory: Path

    @property
    def dev_server(self) -> DevServer:
        return DevServer(cache_key="test", admin_url=lambda: self.server.url("postgres"))

    @contextmanager
    def database(self, statements: Sequence[str] = ()) -> Iterator[str]:
        """A new database in which ``statements`` ran; its URL. Dropped on exit."""
        name = f"pull_{os.getpid()}_{next(_names)}"
        with connect(self.server.url("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        try:
            url = self.server.url(name)
            with connect(url, autocommit=True) as conn:
                for statement in statements:
                    conn.execute(statement.encode())
            yield url
        finally:
            with connect(self.server.url("postgres"), autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def inspect_ddl(self, statements: Sequence[str], schemas: Sequence[str] = ("public",)) -> Schema:
        """S: the schema ``statements`` create, as inspected."""
        with self.database(statements) as url, connect(url, autocommit=True) as conn:
            return inspect_schema(conn, list(schemas))

    def write(self, text: str) -> Path:
        path = self.directory / f"pulled_{next(_names)}.py"
        path.write_text(text, encoding="utf-8")
        return path

    def normalized(self, text: str, like: Schema) -> Schema:
        """Import the module ``text`` and normalize its MetaData with ``like``'s managed
        schemas and extensions."""
        path = self.write(text)
        metadata = load_schema(path.name, self.directory).metadata
        return normalize(
            metadata,
            self.dev_server,
            schemas=like.schemas or ("public",),
            extensions=[extension.name for extension in like.extensions],
            cache_dir=None,
        )

    def round_trip(
        self, schema: Schema, expected: Sequence[str] = (), *, settle: bool = False
    ) -> PulledModule:
        """Pull ``schema`` and check that normalizing the module gives it back, but for
        the ``expected`` differences (``differences()`` lines: what cannot be expressed).

        ``settle``: ``schema`` may not be PostgreSQL's settled form (its printed
        expressions are not always a fixed point of re-parsing, see
        :func:`puckdb.normalize.normalize_ddl`); the module is then compared with the
        schema as puckdb's own rendering of it settles, which normalize also reaches.
        """
        __tracebackhide__ = True
        module = render(schema)
        back = self.normalized(module.text, schema)
        found = differences(back, schema)
        if settle and sorted(found) != sorted(expected):
            found = differences(back, self.settled(schema))
        assert sorted(found) == sorted(expected), (
            "the pulled module (left, normalized) differs from the database (right):\n"
            + "\n".join(found)
            + "\n\n"
            + numbered(module.text)
        )
        return module

    def settled(self, schema: Schema) -> Schema:
        statements = [statement.sql for statement in migration_plan(Schema(), schema).statements]
        return normalize_ddl(statements, self.dev_server, schemas=schema.schemas or ("public",))

    def ruff_findings(self, text: str) -> str:
        """What ruff check and ruff format say about the module ``text``, with the
        repository's rules and line length, as a file of another project would be checked
        (puckdb is a third-party package there)."""
        path = self.write(text)
        common = ["--isolated", "--line-length", "110", "--target-version", "py311"]
        rules = ["--select", "E,F,W,I,B,UP,SIM,RUF,PTH,N,ANN"]
        check = subprocess.run(
            [sys.executable, "-m", "ruff", "check", *common, *rules, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        formatted = subprocess.run(
            [sys.executable, "-m", "ruff", "format", *common, "--diff", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        return "\n".join(run.stdout + run.stderr for run in (check, formatted) if run.returncode != 0)


def numbered(text: str) -> str:
    return "\n".join(f"{number:4} {line}" for number, line in enumerate(text.splitlines(), start=1))


@pytest.fixture
def harness(pg_server: EmbeddedServer, tmp_path: Path) -> PullHarness:
    return PullHarness(pg_server, tmp_path)
