"""Benchmark: inspection and a no-op push with functions and triggers (issue 12).

    uv run python bench/objects.py [N ...]        (default: 500)

For each N: the synthetic schema (bench/synthetic.py) with N tables, plus N functions and
N triggers (one BEFORE UPDATE trigger per table, each calling its own function), and per
table row-level security, a policy and a grant (so N policies and N grants), created
in a database on a temporary embedded PostgreSQL 18. Measured in the same run:
- puckdb `inspect_schema` of that database (median of 3) and its number of catalog queries;
- Alembic `compare_metadata` of the tables' MetaData against the same database (median of
  3; Alembic sees neither functions nor triggers, so it covers less);
- `puckdb push --dry-run` as a whole process (median of 3 after one warm-up run that fills
  the normalize cache), which plans nothing: the code declares the same functions,
  triggers, policies and grants the database has.
Prints one line per N with the ratios. Never run by the test suite.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from engine import RUNS, alembic_compare, alembic_python, load, median_time
from synthetic import module_source

from puckdb.inspect import InspectStats, inspect_schema
from puckdb.normalize import compile_metadata
from puckdb.server.embedded import EmbeddedServer

OBJECTS = """

from puckdb import Function, Grant, Policy, RowLevelSecurity, Trigger

for _i in range({n}):
    _table = metadata.tables[f"t{{_i:04d}}"]
    RowLevelSecurity(_table)
    Policy(f"t{{_i:04d}}_visible", _table, command="select", using="true")
    Grant(["SELECT", "INSERT"], on=_table, to="pg_monitor")
    Function(
        f"touch_{{_i:04d}}()",
        metadata,
        "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$",
    )
    Trigger(
        f"t{{_i:04d}}_touch",
        f"t{{_i:04d}}",
        f"BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION touch_{{_i:04d}}()",
        metadata=metadata,
    )
"""


def push_dry_run(root: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "puckdb", "push", "--dry-run"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    if "No changes" not in result.stdout:
        raise SystemExit(f"push --dry-run planned changes on an identical database:\n{result.stdout}")
    return elapsed


def main(sizes: list[int]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="puckdb-bench-objects-"))
    server = EmbeddedServer(workdir / ".puckdb", 18, settings={"fsync": "off", "synchronous_commit": "off"})
    server.ensure_running()
    python = alembic_python()
    try:
        for n in sizes:
            tables_only = workdir / f"tables_{n}.py"
            tables_only.write_text(module_source(n))
            project = workdir / f"project_{n}"
            project.mkdir()
            (project / "schema.py").write_text(module_source(n) + OBJECTS.format(n=n))
            (project / "puckdb.toml").write_text('schema = "schema.py"\n')
            metadata = load(project / "schema.py").metadata
            server.ensure_database(f"bench_{n}")
            url = server.url(f"bench_{n}")
            with psycopg.connect(url, autocommit=True) as conn:
                for statement in compile_metadata(metadata, ["public"]):
                    conn.execute(statement.encode())
            with psycopg.connect(url, autocommit=True) as conn:
                inspect_s = median_time(lambda: inspect_schema(conn, ["public"]))
                stats = InspectStats()
                found = inspect_schema(conn, ["public"], stats)
            alembic = alembic_compare(python, tables_only, url)
            env = {**os.environ, "DATABASE_URL": url, "PUCKDB_DEV_URL": server.url("postgres")}
            push_dry_run(project, env)  # fills the normalize cache
            push_s = statistics.median(push_dry_run(project, env) for _ in range(RUNS))
            print(
                f"{n} tables + {len(found.functions)} functions + {len(found.triggers)} triggers + "
                f"{len(found.policies)} policies + {len(found.grants)} grants: "
                f"inspect {inspect_s:.3f} s in {stats.queries} queries; "
                f"Alembic compare_metadata (tables only) {alembic['median_s']:.3f} s "
                f"= {alembic['median_s'] / inspect_s:.1f}x puckdb's inspect; "
                f"puckdb push --dry-run (whole process, no changes) {push_s:.3f} s "
                f"= {push_s / alembic['median_s']:.2f}x Alembic's compare"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [500])
