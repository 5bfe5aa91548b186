"""Benchmark: the migration workflow of puckdb vs drizzle-kit (generate) and psql (apply).

    uv run python bench/workflow.py [--tables N] [--runs R]      (defaults: 500 tables, 3 runs)

In one run, on the synthetic schema of bench/synthetic.py with N tables:
- generate: the second migration after one column `note` was added to every 10th table.
  drizzle-kit (installed with npm into /tmp/puckdb-bench-drizzle, reused when there) runs
  `drizzle-kit generate` on the same schema written as drizzle TypeScript
  (bench/_drizzle_schema.py); puckdb runs `puckdb generate` in a temporary project.
  Median of R runs each, the folder put back to its first migration between runs.
  Goal: puckdb/drizzle-kit <= 0.5.
- apply: the first migration (every table, index and constraint), puckdb's own
  migrations/0001_init.sql, applied to an empty database by `puckdb apply` and by
  `psql -1 -v ON_ERROR_STOP=1 -f FILE`, a fresh database for every run, median of R runs.
  Goal: puckdb/psql <= 1.1.
Both puckdb and the databases use the temporary project's embedded server (`.puckdb/`),
stopped at the end. The puckdb commands are run through the virtual environment's
executable, so that `uv run`'s own start-up is not counted. When a puckdb command is not
available yet, its row says so and the other figures are still measured; psql then runs
the DDL compiled from the schema instead of puckdb's migration file.
Prints a plain text table with ratios. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).parent))
from _drizzle_schema import drizzle_source
from synthetic import module_source

from puckdb.normalize import compile_metadata

DRIZZLE_DIR = Path(tempfile.gettempdir()) / "puckdb-bench-drizzle"
DRIZZLE_PACKAGES = ("drizzle-kit", "drizzle-orm")
# The venv's own script, not `uv run puckdb`: uv's resolution and sync would be timed too.
PUCKDB = Path(sysconfig.get_path("scripts")) / "puckdb"
PSQL = shutil.which("psql") or "/usr/bin/psql"
EXTRA_COLUMN_EVERY = 10
GENERATE_GOAL = 0.5
APPLY_GOAL = 1.1
NOTE_DRIZZLE = re.compile(r'ADD COLUMN "note"')
# puckdb's renderer may or may not quote a name that needs no quoting.
NOTE_PUCKDB = re.compile(r'ADD COLUMN (?:IF NOT EXISTS )?"?note"?\b', re.IGNORECASE)


class PuckdbCommandError(Exception):
    """A puckdb command failed; the row of the table shows this message instead of a figure."""


class NotYetAvailableError(PuckdbCommandError):
    """The command is one of those the CLI lists as 'not yet available' (exit 2)."""


@dataclass
class Row:
    step: str
    what: str
    baseline: str
    baseline_s: float
    goal: float
    puckdb_s: float | None = None
    puckdb_problem: str | None = None
    notes: list[str] = field(default_factory=list)


def median_time(
    action: Callable[[], object], runs: int, between: Callable[[], object] | None = None
) -> float:
    """Median wall time of ``action``; ``between`` runs untimed before every run."""
    timings = []
    for _ in range(runs):
        if between is not None:
            between()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def expected_notes(tables: int) -> int:
    return len(range(0, tables, EXTRA_COLUMN_EVERY))


def restore(folder: Path, snapshot: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(snapshot, folder)


# --- drizzle-kit ---------------------------------------------------------------------------


def drizzle_kit() -> Path:
    """drizzle-kit's executable, installed with npm on first use (a minute at most)."""
    executable = DRIZZLE_DIR / "node_modules" / ".bin" / "drizzle-kit"
    installed = all(
        (DRIZZLE_DIR / "node_modules" / name / "package.json").exists() for name in DRIZZLE_PACKAGES
    )
    if not (executable.exists() and installed):
        DRIZZLE_DIR.mkdir(parents=True, exist_ok=True)
        if not (DRIZZLE_DIR / "package.json").exists():
            (DRIZZLE_DIR / "package.json").write_text('{"name": "puckdb-bench-drizzle", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", *DRIZZLE_PACKAGES],
            cwd=DRIZZLE_DIR,
            check=True,
            stdin=subprocess.DEVNULL,
        )
    return executable


def drizzle_generate(tables: int, runs: int) -> Row:
    executable = drizzle_kit()
    # Inside the install folder, so that the schema's `drizzle-orm` import resolves to its
    # node_modules the way it does in a real project.
    project = Path(tempfile.mkdtemp(prefix="project-", dir=DRIZZLE_DIR))
    try:
        (project / "drizzle.config.ts").write_text(
            'import { defineConfig } from "drizzle-kit";\n\n'
            "export default defineConfig({\n"
            '  dialect: "postgresql",\n  schema: "./schema.ts",\n  out: "./drizzle",\n});\n'
        )
        schema = project / "schema.ts"
        out = project / "drizzle"

        def generate(name: str) -> None:
            # No terminal on stdin: drizzle-kit would otherwise wait for answers it never needs here.
            subprocess.run(
                [str(executable), "generate", "--name", name],
                cwd=project,
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )

        schema.write_text(drizzle_source(tables))
        generate("init")
        snapshot = project / "drizzle.base"
        shutil.copytree(out, snapshot)
        schema.write_text(drizzle_source(tables, extra_column_every=EXTRA_COLUMN_EVERY))
        # Each run starts from the first migration's journal and snapshot, so that every run
        # writes the same one-step migration rather than finding nothing left to do.
        seconds = median_time(lambda: generate("add_note"), runs, between=lambda: restore(out, snapshot))
        written = sorted(out.glob("*_add_note.sql"))
        if len(written) != 1:
            raise RuntimeError(f"drizzle-kit wrote {[p.name for p in written]}, expected one *_add_note.sql")
        found = len(NOTE_DRIZZLE.findall(written[0].read_text()))
        if found != expected_notes(tables):
            raise RuntimeError(
                f'drizzle-kit\'s {written[0].name} has {found} ADD COLUMN "note", '
                f"expected {expected_notes(tables)}"
            )
    finally:
        shutil.rmtree(project, ignore_errors=True)
    return Row(
        step="generate",
        what=f"+1 column on {expected_notes(tables)} of {tables} tables",
        baseline="drizzle-kit",
        baseline_s=seconds,
        goal=GENERATE_GOAL,
    )


# --- puckdb --------------------------------------------------------------------------------


class PuckdbProject:
    """A temporary puckdb project: puckdb.toml, schema.py, migrations/, and .puckdb/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.migrations = root / "migrations"
        self.schema = root / "schema.py"
        # The project's own embedded server, whatever the caller's environment points at.
        # PYTHONDONTWRITEBYTECODE is dropped too: a user's Python caches compiled modules, and
        # without the cache every run would spend a second recompiling SQLAlchemy.
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")
        }
        (root / "puckdb.toml").write_text('schema = "schema.py"\nmigrations = "migrations"\n')
        self.migrations.mkdir()

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(PUCKDB), *args],
            cwd=self.root,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if result.returncode == 0:
            return result
        command = f"puckdb {args[0]}" if args[0] != "db" else f"puckdb db {args[1]}"
        message = " ".join((result.stderr.strip() or result.stdout.strip()).split())
        if result.returncode == 2 and "not yet available" in message:
            raise NotYetAvailableError(f"{command} not available yet")
        raise PuckdbCommandError(f"{command} failed (exit {result.returncode}): {message[:300]}")

    def admin_url(self) -> str:
        # --json: the plain output goes through rich, which is free to wrap a long line.
        return str(json.loads(self.run("db", "url", "--json").stdout)["url"])

    def stop(self) -> None:
        subprocess.run(
            [str(PUCKDB), "db", "stop"],
            cwd=self.root,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )


def puckdb_generate(project: PuckdbProject, tables: int, runs: int, row: Row) -> None:
    """Times `puckdb generate` into ``row``; leaves migrations/ with the first migration only."""
    project.schema.write_text(module_source(tables))
    project.run("generate", "--name", "init")
    snapshot = project.root / "migrations.base"
    shutil.copytree(project.migrations, snapshot)
    project.schema.write_text(module_source(tables, extra_column_every=EXTRA_COLUMN_EVERY))

    drop_missing = False

    def undo() -> None:
        nonlocal drop_missing
        if not drop_missing:
            try:
                project.run("drop")
                return
            except NotYetAvailableError:
                drop_missing = True
                row.notes.append("puckdb drop not available yet: restored the migrations folder instead")
        # Without `drop`, putting the folder (and its lock file) back is the same state.
        restore(project.migrations, snapshot)

    def generate() -> str:
        project.run("generate", "--name", "add_note")
        written = [p for p in project.migrations.glob("*_add_note.sql") if not p.name.endswith(".down.sql")]
        if len(written) != 1:
            raise PuckdbCommandError(
                f"puckdb generate wrote {[p.name for p in written]}, expected one *_add_note.sql"
            )
        return written[0].read_text()

    timings = []
    try:
        # One untimed run fills the normalize and shadow caches, as a developer's previous
        # generate would have.
        text = generate()
        undo()
        for _ in range(runs):
            started = time.perf_counter()
            project.run("generate", "--name", "add_note")
            timings.append(time.perf_counter() - started)
            undo()
    except PuckdbCommandError:
        # The apply benchmark must find the first migration alone in the folder.
        restore(project.migrations, snapshot)
        raise
    row.puckdb_s = statistics.median(timings)
    found = len(NOTE_PUCKDB.findall(text))
    if found != expected_notes(tables):
        row.notes.append(f"puckdb's migration adds note {found} times, expected {expected_notes(tables)}")


# --- apply ---------------------------------------------------------------------------------


def load_metadata(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(f"synthetic_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.metadata


def first_migration(project: PuckdbProject, tables: int, row_notes: list[str]) -> Path:
    """puckdb's migrations/0001_init.sql, or, until `generate` exists, the compiled DDL."""
    generated = project.migrations / "0001_init.sql"
    if generated.exists():
        return generated
    schema = project.root / "base_schema.py"
    schema.write_text(module_source(tables))
    statements = compile_metadata(load_metadata(schema), ["public"])  # type: ignore[arg-type]
    fallback = project.root / "compiled_init.sql"
    fallback.write_text(";\n".join(statements) + ";\n")
    row_notes.append("psql ran the DDL compiled from the schema (puckdb has written no 0001_init.sql)")
    return fallback


def count_statements(path: Path) -> int:
    """Statements in a migration file, by their terminating semicolons (comments aside)."""
    lines = (line.rstrip() for line in path.read_text().splitlines())
    return sum(1 for line in lines if line.endswith(";") and not line.lstrip().startswith("--"))


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + quote(name, safe="")))


def bench_apply(project: PuckdbProject, tables: int, runs: int) -> Row:
    notes: list[str] = []
    migration = first_migration(project, tables, notes)
    admin_url = project.admin_url()
    created: list[str] = []

    def fresh_database(name: str) -> str:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return database_url(admin_url, name)

    def check_tables(url: str, who: str) -> None:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        if row is None or row[0] != tables:
            raise RuntimeError(f"after {who} the database has {row and row[0]} tables, expected {tables}")

    psql_timings: list[float] = []
    puckdb_timings: list[float] = []
    problem: str | None = None
    try:
        # Alternating the two tools spreads any drift of the machine over both.
        for run in range(runs):
            url = fresh_database(f"bench_apply_psql_{run}")
            started = time.perf_counter()
            subprocess.run(
                [PSQL, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", str(migration), url],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            psql_timings.append(time.perf_counter() - started)
            check_tables(url, "psql")
            if problem is None:
                url = fresh_database(f"bench_apply_puckdb_{run}")
                try:
                    started = time.perf_counter()
                    project.run("apply", "--url", url)
                    puckdb_timings.append(time.perf_counter() - started)
                    check_tables(url, "puckdb apply")
                except PuckdbCommandError as error:
                    problem = str(error)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in created:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    return Row(
        step="apply",
        what=f"first migration, {count_statements(migration):,} statements",
        baseline="psql -1",
        baseline_s=statistics.median(psql_timings),
        goal=APPLY_GOAL,
        puckdb_s=statistics.median(puckdb_timings) if problem is None else None,
        puckdb_problem=problem,
        notes=notes,
    )


# --- report --------------------------------------------------------------------------------


def versions() -> list[str]:
    """The versions compared, so that a figure can be traced to what produced it."""
    found = []
    for name in DRIZZLE_PACKAGES:
        manifest = DRIZZLE_DIR / "node_modules" / name / "package.json"
        found.append(f"{name} {json.loads(manifest.read_text())['version']}")
    psql = subprocess.run([PSQL, "--version"], capture_output=True, text=True, check=False)
    # "psql (PostgreSQL) 15.18 (Debian ...)": the third word is the version.
    words = psql.stdout.split()
    found.append(f"psql {words[2] if len(words) > 2 else '?'}")
    puckdb = subprocess.run([str(PUCKDB), "--version"], capture_output=True, text=True, check=False)
    found.append(puckdb.stdout.strip() or "puckdb ?")
    return found


def report(rows: list[Row], tables: int, runs: int) -> None:
    plural = "s" if runs != 1 else ""
    print(f"puckdb workflow benchmark: {tables} tables, median of {runs} run{plural}, seconds")
    print(f"({', '.join(versions())})")
    print()
    header = (
        f"{'step':<9} {'what':<38} {'baseline':<12} {'baseline s':>10} {'puckdb s':>9} "
        f"{'puckdb/baseline':>16} {'goal':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.puckdb_s is None:
            puckdb_s, ratio, verdict = "n/a", "n/a", ""
        else:
            value = row.puckdb_s / row.baseline_s
            puckdb_s, ratio = f"{row.puckdb_s:.3f}", f"{value:.2f}x"
            verdict = "met" if value <= row.goal else "missed"
        print(
            f"{row.step:<9} {row.what:<38} {row.baseline:<12} {row.baseline_s:>10.3f} {puckdb_s:>9} "
            f"{ratio:>16} {'<= ' + format(row.goal, '.1f'):>7} {verdict}"
        )
    for row in rows:
        if row.puckdb_problem:
            print(f"  {row.step}: {row.puckdb_problem}")
        for note in row.notes:
            print(f"  {row.step}: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500, help="tables in the synthetic schema")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (the median is shown)")
    options = parser.parse_args()
    if not PUCKDB.exists():
        parser.error(f"{PUCKDB} does not exist: run this with `uv run python bench/workflow.py`")

    generate = drizzle_generate(options.tables, options.runs)
    project = PuckdbProject(Path(tempfile.mkdtemp(prefix="puckdb-bench-workflow-")))
    try:
        try:
            puckdb_generate(project, options.tables, options.runs, generate)
        except PuckdbCommandError as error:
            generate.puckdb_problem = str(error)
        apply = bench_apply(project, options.tables, options.runs)
    finally:
        project.stop()
        shutil.rmtree(project.root, ignore_errors=True)
    report([generate, apply], options.tables, options.runs)


if __name__ == "__main__":
    main()
