"""Benchmark: puckdb inspect vs Alembic's compare_metadata, and normalize cold/warm.

    uv run python bench/engine.py [N ...]        (default: 100 500 1000)

Creates the synthetic schema (bench/synthetic.py) with N tables in a database on a
temporary embedded PostgreSQL 18, then measures, in the same run:
- puckdb `inspect_schema` of the live database (median of 3) and its number of queries;
- Alembic `compare_metadata` of the same MetaData against the same database (median of
  3), in a throwaway environment with Alembic installed by uv;
- puckdb `normalize` of the MetaData cold (empty cache), warm (cache hit), and after one
  column was added to every 10th table (only the changed tables rebuilt).
Prints a table with ratios. Never run by the test suite.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import module_source

from puckdb.inspect import InspectStats, inspect_schema
from puckdb.normalize import DevServer, compile_metadata, normalize
from puckdb.server.embedded import EmbeddedServer
from puckdb.urls import sqlalchemy_url

ALEMBIC_ENV = Path(tempfile.gettempdir()) / "puckdb-bench-alembic"
RUNS = 3


def alembic_python() -> Path:
    python = ALEMBIC_ENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(ALEMBIC_ENV)], check=True)
        subprocess.run(
            [
                "uv",
                "pip",
                "install",
                "-q",
                "--python",
                str(python),
                "alembic",
                "sqlalchemy",
                "psycopg[binary]",
            ],
            check=True,
        )
    return python


def alembic_compare(python: Path, schema_module: Path, url: str) -> dict[str, float]:
    """Alembic's compare_metadata of ``schema_module`` against ``url``, in Alembic's own
    environment: the median seconds over RUNS and the number of changes it reported."""
    result = subprocess.run(
        [
            str(python),
            str(Path(__file__).parent / "_alembic_compare.py"),
            str(schema_module),
            sqlalchemy_url(url),
            str(RUNS),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"synthetic_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_time(action, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(sizes: list[int]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="puckdb-bench-"))
    server = EmbeddedServer(workdir / ".puckdb", 18, settings={"fsync": "off", "synchronous_commit": "off"})
    server.ensure_running()
    dev = DevServer(cache_key="bench-pg18", admin_url=lambda: server.url("postgres"))
    python = alembic_python()
    rows = []
    try:
        for n in sizes:
            path = workdir / f"schema_{n}.py"
            path.write_text(module_source(n))
            module = load(path)
            server.ensure_database(f"bench_{n}")
            url = server.url(f"bench_{n}")
            with psycopg.connect(url, autocommit=True) as conn:
                for statement in compile_metadata(module.metadata, ["public"]):
                    conn.execute(statement.encode())
            with psycopg.connect(url, autocommit=True) as conn:
                inspect_s = median_time(lambda: inspect_schema(conn, ["public"]))
                stats = InspectStats()
                inspect_schema(conn, ["public"], stats)
                queries = stats.queries
            alembic = alembic_compare(python, path, url)
            cache = workdir / f"cache_{n}"
            metadata = module.metadata
            cold_s = median_time(lambda: normalize(metadata, dev, cache_dir=None), runs=1)  # noqa: B023
            normalize(metadata, dev, cache_dir=cache)
            warm_s = median_time(lambda: normalize(metadata, dev, cache_dir=cache))  # noqa: B023
            # Per-table caching: one column added to every 10th table, normalized against the
            # manifest of the unchanged schema (each run from a copy of that cache).
            changed_path = workdir / f"schema_{n}_changed.py"
            changed_path.write_text(module_source(n, extra_column_every=10))
            changed = load(changed_path).metadata
            incremental_runs = []
            for run in range(RUNS):
                copy = workdir / f"cache_{n}_run{run}"
                shutil.copytree(cache, copy)
                started = time.perf_counter()
                normalize(changed, dev, cache_dir=copy)
                incremental_runs.append(time.perf_counter() - started)
            incremental_s = statistics.median(incremental_runs)
            rows.append(
                (
                    n,
                    inspect_s,
                    queries,
                    alembic["median_s"],
                    alembic["changes"],
                    cold_s,
                    warm_s,
                    incremental_s,
                )
            )
    finally:
        server.stop()

    print(
        f"{'tables':>6} {'inspect s':>10} {'queries':>7} {'alembic s':>10} {'alembic/inspect':>15} "
        f"{'normalize cold s':>16} {'warm s':>8} {'10% changed s':>13}"
    )
    for n, inspect_s, queries, alembic_s, changes, cold_s, warm_s, incremental_s in rows:
        print(
            f"{n:>6} {inspect_s:>10.3f} {queries:>7} {alembic_s:>10.3f} {alembic_s / inspect_s:>14.1f}x "
            f"{cold_s:>16.3f} {warm_s:>8.4f} {incremental_s:>13.3f}   (alembic reported {changes} changes)"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [100, 500, 1000])
