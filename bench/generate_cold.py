"""Benchmark: `puckdb generate` cold and warm on the synthetic schema (issue 13 §5).

    uv run python bench/generate_cold.py [--tables N] [--runs R] [--puckdb PATH]

(defaults: 400 tables, 5 runs, this virtual environment's `puckdb`). Each run, in a fresh
temporary project holding bench/synthetic.py's schema with N tables:
- cold: `puckdb generate --name init` with no `.puckdb/` at all, so the embedded server
  is initialised and started, the code normalized and the first migration written;
- first no-op: the next `puckdb generate` (nothing changed; the new migration is replayed
  into the shadow database once, the normalize and code caches hit);
- warm no-op: one more `puckdb generate` with every cache filled (no database work).
The server is stopped and the project removed between runs, outside the timings. Each
figure is the median wall time of the whole process over R runs. `--puckdb` names another
installation's executable, to compare before and after. Goals: cold <= 5 s, warm <= 0.5 s.

The environment is the caller's minus DATABASE_URL, PUCKDB_DEV_URL and
PYTHONDONTWRITEBYTECODE (a user's Python keeps compiled modules; without them each run
would recompile SQLAlchemy); `--no-bytecode` keeps PYTHONDONTWRITEBYTECODE=1 instead.
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import module_source

# The venv's own script, not `uv run puckdb`: uv's resolution and sync would be timed too.
PUCKDB = Path(sysconfig.get_path("scripts")) / "puckdb"
COLD_GOAL_S = 5.0
WARM_GOAL_S = 0.5


def run(puckdb: Path, root: Path, env: dict[str, str], *args: str) -> float:
    """Seconds the whole `puckdb ARGS` process took in ``root``; fails on a non-zero exit."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(puckdb), *args], cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        failure = result.stderr.strip()[:500]
        raise SystemExit(f"puckdb {' '.join(args)} failed ({result.returncode}): {failure}")
    return elapsed


def one_run(puckdb: Path, tables: int, env: dict[str, str]) -> tuple[float, float, float]:
    root = Path(tempfile.mkdtemp(prefix="puckdb-bench-generate-"))
    try:
        (root / "schema.py").write_text(module_source(tables))
        (root / "puckdb.toml").write_text('schema = "schema.py"\nmigrations = "migrations"\n')
        (root / "migrations").mkdir()
        cold = run(puckdb, root, env, "generate", "--name", "init")
        first = run(puckdb, root, env, "generate", "--name", "noop")
        warm = run(puckdb, root, env, "generate", "--name", "noop")
        written = sorted(p.name for p in (root / "migrations").glob("*.sql"))
        if written != ["0001_init.down.sql", "0001_init.sql"]:
            raise SystemExit(f"expected the first migration alone, found {written}")
        return cold, first, warm
    finally:
        subprocess.run([str(puckdb), "db", "stop"], cwd=root, env=env, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--puckdb", type=Path, default=PUCKDB)
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE=1")
    options = parser.parse_args()
    dropped = ("DATABASE_URL", "PUCKDB_DEV_URL", "PYTHONDONTWRITEBYTECODE")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    if options.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    # One untimed run: the first start of an installation compiles its modules.
    one_run(options.puckdb, options.tables, env)
    runs = [one_run(options.puckdb, options.tables, env) for _ in range(options.runs)]
    cold, first, warm = (statistics.median(column) for column in zip(*runs, strict=True))
    print(f"puckdb generate, synthetic schema with {options.tables} tables, median of {options.runs} runs")
    print(f"  cold (no .puckdb/)        {cold:6.2f} s   goal <= {COLD_GOAL_S} s")
    print(f"  first no-op after init    {first:6.2f} s")
    print(f"  warm no-op (all cached)   {warm:6.2f} s   goal <= {WARM_GOAL_S} s")
    for label, column in (("cold", 0), ("first", 1), ("warm", 2)):
        print(f"  {label} runs: {', '.join(f'{run[column]:.2f}' for run in runs)}")


if __name__ == "__main__":
    main()
