"""Benchmark: a fresh migrated database per test, by template copy vs by re-building it.

    uv run python bench/testing.py [--runs N]        (default: 20)

On StudyPuck's schema (packages/database/migrations), each way of giving a test a fresh
database at the latest migration is timed N times, median reported:
- clone: what the pytest plugin (puckdb.testing) does: `CREATE DATABASE … TEMPLATE` from
  the template built once from the migrations (MigratedDatabases.create, STRATEGY
  WAL_LOG), and the same copy with STRATEGY FILE_COPY, which the plugin does not use;
- apply: an empty database and puckdb's `apply_migrations` into it, per test;
- create_all: an empty database, `CREATE EXTENSION vector`, SQLAlchemy `create_all` and
  the views: what StudyPuck's tests did before the plugin.
Every database is dropped again (`DROP DATABASE … WITH (FORCE)`, timed as its own column).
On three kinds of server, each a temporary embedded PostgreSQL 18 stopped at the end: a
developer's (durable: fsync on, on disk, as `puckdb db start` runs it), one with fsync off
on disk, and the plugin's own test server (puckdb.testing.server: fsync off, in RAM when
the machine has /dev/shm, which is also where conftest.py puts the suite's servers).
Goal: clone < 0.15 s per database on the plugin's test server. Prints a plain text table.
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import create_engine, text

from puckdb import views_of
from puckdb.migrations.apply import apply_migrations
from puckdb.server.embedded import EmbeddedServer
from puckdb.testing.databases import MigratedDatabases, database_url
from puckdb.testing.server import THROWAWAY_SETTINGS, ram_directory
from puckdb.urls import sqlalchemy_url
from studypuck_database import metadata

MIGRATIONS = Path(__file__).resolve().parent.parent / "packages" / "database" / "migrations"
CLONE_GOAL_SECONDS = 0.15
ROUNDS = 4
PLUGIN_SERVER = "plugin's (fsync off, RAM)" if ram_directory() is not None else "plugin's (fsync off)"
# label -> (settings, directory for the cluster: None = the system's temporary directory)
SERVERS: dict[str, tuple[dict[str, str], Path | None]] = {
    "durable (fsync on, disk)": ({}, None),
    "fsync off, disk": (THROWAWAY_SETTINGS, None),
}
if ram_directory() is not None:
    SERVERS[PLUGIN_SERVER] = (THROWAWAY_SETTINGS, ram_directory())
_names = itertools.count()


@dataclass
class Row:
    server: str
    method: str
    create: float
    drop: float

    @property
    def per_test(self) -> float:
        return self.create + self.drop


def timed(
    runs: int, methods: dict[str, Callable[[], str]], drop: Callable[[str], None]
) -> dict[str, tuple[float, float]]:
    """Median seconds of each method's ``make`` (returns a database name) and of dropping
    what it made, ``runs`` times each.

    The methods take turns in rounds, a few runs each, so that a busy moment of the machine
    weighs on all of them alike rather than on whichever ran then; a few runs in a row, not
    one, so that a method's leftovers (FILE_COPY's checkpoints flush everyone's dirty
    pages) are mostly paid within its own turn.
    """
    made: dict[str, list[float]] = {method: [] for method in methods}
    dropped: dict[str, list[float]] = {method: [] for method in methods}
    per_turn = max(1, runs // ROUNDS)
    while any(len(times) < runs for times in made.values()):
        for method, make in methods.items():
            for _ in range(min(per_turn, runs - len(made[method]))):
                started = time.perf_counter()
                name = make()
                made[method].append(time.perf_counter() - started)
                started = time.perf_counter()
                drop(name)
                dropped[method].append(time.perf_counter() - started)
    median = statistics.median
    return {method: (median(made[method]), median(dropped[method])) for method in methods}


def measure(
    label: str, settings: dict[str, str], directory: Path | None, runs: int
) -> tuple[list[Row], float]:
    root = Path(tempfile.mkdtemp(prefix="puckdb-bench-testing-", dir=directory))
    server = EmbeddedServer(root / ".puckdb", 18, settings=settings)
    try:
        server.ensure_running()
        admin_url = server.url("postgres")
        with psycopg.connect(admin_url, autocommit=True) as admin:

            def empty() -> str:
                name = f"bench_{next(_names)}"
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return name

            def drop(name: str) -> None:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

            def applied() -> str:
                name = empty()
                apply_migrations(database_url(admin_url, name), MIGRATIONS)
                return name

            def created_all() -> str:
                name = empty()
                engine = create_engine(sqlalchemy_url(database_url(admin_url, name)))
                with engine.begin() as conn:
                    conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
                    metadata.create_all(conn)
                    for view in views_of(metadata):
                        conn.execute(text(f'CREATE VIEW "{view.name}" AS {view.sql()}'))
                engine.dispose()
                return name

            with MigratedDatabases(admin_url, MIGRATIONS) as databases:
                started = time.perf_counter()
                template = databases.ensure_template()
                build = time.perf_counter() - started

                def file_copy() -> str:
                    # The strategy the plugin does not use (it copies with WAL_LOG), to show why.
                    name = f"bench_{next(_names)}"
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                            sql.Identifier(name), sql.Identifier(template.name)
                        )
                    )
                    return name

                medians = timed(
                    runs,
                    {
                        "clone (plugin)": lambda: databases.create().name,
                        "clone, FILE_COPY": file_copy,
                        "apply migrations": applied,
                        "create_all (old tests)": created_all,
                    },
                    drop,
                )
            rows = [Row(label, method, *times) for method, times in medians.items()]
        return rows, build
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    rows: list[Row] = []
    builds: dict[str, float] = {}
    for label, (settings, directory) in SERVERS.items():
        measured, builds[label] = measure(label, settings, directory, args.runs)
        rows.extend(measured)

    print(f"StudyPuck's schema ({MIGRATIONS}), median of {args.runs} runs, seconds per database")
    print()
    print(f"{'server':<26} {'method':<24} {'create':>8} {'drop':>8} {'per test':>9} {'vs clone':>9}")
    for label in SERVERS:
        clone = next(r for r in rows if r.server == label and r.method == "clone (plugin)")
        for row in (r for r in rows if r.server == label):
            ratio = row.per_test / clone.per_test
            print(
                f"{row.server:<26} {row.method:<24} {row.create:>8.3f} {row.drop:>8.3f} "
                f"{row.per_test:>9.3f} {ratio:>8.1f}x"
            )
    print()
    for label, seconds in builds.items():
        print(f"template build once per folder state, {label}: {seconds:.3f} s")
    plugin_label = list(SERVERS)[-1]
    plugin = next(r for r in rows if r.server == plugin_label and r.method == "clone (plugin)")
    verdict = "met" if plugin.per_test < CLONE_GOAL_SECONDS else "NOT met"
    print(
        f"goal: clone < {CLONE_GOAL_SECONDS} s per database on the plugin's test server ({plugin_label}): "
        f"{verdict} ({plugin.per_test:.3f} s with its drop)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
