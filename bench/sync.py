"""Benchmark: puckdb push and pull vs Alembic and drizzle-kit, side by side in one run.

    uv run python bench/sync.py [--tables N] [--runs R]      (defaults: 500 tables, 3 runs)

In one run, on the synthetic schema of bench/synthetic.py with N tables (median of R runs
for every figure, after one untimed warm-up run of every command):
- push, no changes: a database already at the schema (built from the DDL compiled from the
  MetaData), compared like with like, twice:
  - the comparison alone, in a warm process: push's library call (`push(dry_run=True)`,
    bench/_puckdb_compare.py: the code's normalized form from its cache, the live database
    inspected, the plan made) vs Alembic's `compare_metadata` (bench/_alembic_compare.py, in
    the throwaway environment /tmp/puckdb-bench-alembic) on the same database;
  - whole commands, each a new process that imports, loads the schema and connects:
    `puckdb push --dry-run --url URL` (it must say "No changes") vs `alembic check` (in a
    throwaway Alembic project whose env.py is bench/_alembic_check_env.py), and vs
    `drizzle-kit push --force --strict false --verbose false` on a copy of the database.
  Goal: puckdb/Alembic <= 1/5 (drizzle-kit: for reference).
- push, one column `note` added to every 10th table: `puckdb push --url URL` vs
  `drizzle-kit push` (schema in TypeScript from bench/_drizzle_schema.py), each run on a
  fresh copy of the base database (CREATE DATABASE ... TEMPLATE). Both are checked to have
  added exactly N/10 columns (information_schema). Goal: puckdb/drizzle-kit <= 1/20.
- pull: `puckdb pull --url URL --out FILE` vs `drizzle-kit pull` on the base database; both
  outputs must name every table. Goal: puckdb/drizzle-kit <= 1/20. A puckdb command that
  fails puts its error in its row, and the rest is still measured.
drizzle-kit (with the `pg` driver it needs to reach a database) is installed with npm into
/tmp/puckdb-bench-drizzle and reused. The databases live on the temporary puckdb project's
embedded server, stopped at the end. puckdb runs through the virtual environment's own
executable (not `uv run`), without DATABASE_URL and PYTHONDONTWRITEBYTECODE.
Prints a plain text table with ratios. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).parent))
from _drizzle_schema import drizzle_source
from engine import alembic_python, load
from synthetic import module_source
from workflow import (
    DRIZZLE_DIR,
    DRIZZLE_PACKAGES,
    PUCKDB,
    PuckdbCommandError,
    PuckdbProject,
    database_url,
    drizzle_kit,
)

from puckdb.normalize import compile_metadata
from puckdb.urls import sqlalchemy_url

ALEMBIC_COMPARE = Path(__file__).parent / "_alembic_compare.py"
ALEMBIC_CHECK_ENV = Path(__file__).parent / "_alembic_check_env.py"
PUCKDB_COMPARE = Path(__file__).parent / "_puckdb_compare.py"
# drizzle-kit talks to PostgreSQL through whichever driver the project installed; without
# one, `push` and `pull` stop with "Please install one of those packages".
DRIZZLE_DRIVER = "pg"
EXTRA_COLUMN_EVERY = 10
BASE_DATABASE = "sync_base"
NOOP_GOAL = Fraction(1, 5)
PUSH_GOAL = Fraction(1, 20)
PULL_GOAL = Fraction(1, 20)
# Non-interactive: --force approves data-losing statements, --strict false skips the
# confirmation of the whole plan. The verbose form only prints the statements as well.
DRIZZLE_PUSH = ("push", "--force", "--strict", "false", "--verbose", "false")
DRIZZLE_PUSH_VERBOSE = ("push", "--force", "--strict", "false", "--verbose", "true")
# How drizzle-kit's verbose push lists the statements it is about to run, one a line.
DRIZZLE_STATEMENT = re.compile(r"^(?:ALTER|CREATE|DROP|COMMENT|TRUNCATE)\b.*;\s*$", re.MULTILINE)
TABLE_NAME = re.compile(r"\bt\d{4}\b")


@dataclass
class Row:
    step: str
    what: str
    baseline: str
    baseline_s: float
    goal: Fraction | None
    puckdb_s: float | None = None
    puckdb_problem: str | None = None
    notes: list[str] = field(default_factory=list)


def expected_notes(tables: int) -> int:
    return len(range(0, tables, EXTRA_COLUMN_EVERY))


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def missing_tables(text: str, tables: int) -> list[str]:
    """The synthetic tables a generated schema file does not name."""
    named = set(TABLE_NAME.findall(text))
    return [f"t{i:04d}" for i in range(tables) if f"t{i:04d}" not in named]


# --- databases -----------------------------------------------------------------------------


class Databases:
    """Databases on the project's embedded server; every one created here is dropped at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    def create(self, name: str, template: str | None = None) -> str:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            if template is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            else:
                # A file-level copy: a fresh database at the base schema in a fraction of the
                # time the DDL would take, so that every timed push starts from the same state.
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
        if name not in self.created:
            self.created.append(name)
        return database_url(self.admin_url, name)

    def drop(self, name: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(name)

    def server_version(self) -> str:
        with psycopg.connect(self.admin_url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0].split()[0] if row else '?'}"


def note_columns(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'note'"
        ).fetchone()
    return int(row[0]) if row else 0


def build_base(databases: Databases, schema_file: Path, tables: int) -> str:
    """The database at the base schema, built from the compiled DDL rather than by puckdb
    itself, so that no tool under test prepared the database it is then compared with."""
    url = databases.create(BASE_DATABASE)
    metadata = load(schema_file).metadata
    with psycopg.connect(url) as conn:
        for statement in compile_metadata(metadata, ["public"]):
            conn.execute(statement.encode())
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    if row is None or row[0] != tables:
        raise RuntimeError(f"the base database has {row and row[0]} tables, expected {tables}")
    return url


# --- drizzle-kit ---------------------------------------------------------------------------


def drizzle_with_driver() -> Path:
    """drizzle-kit's executable, with the PostgreSQL driver it needs beside it."""
    executable = drizzle_kit()
    if not (DRIZZLE_DIR / "node_modules" / DRIZZLE_DRIVER / "package.json").exists():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", DRIZZLE_DRIVER],
            cwd=DRIZZLE_DIR,
            check=True,
            stdin=subprocess.DEVNULL,
        )
    return executable


class DrizzleProject:
    """A temporary drizzle-kit project: drizzle.config.ts (pointing at one database) and schema.ts."""

    def __init__(self, executable: Path) -> None:
        self.executable = executable
        # Inside the install folder, so that `drizzle-orm` and `pg` resolve to its node_modules
        # the way they do in a real project.
        self.root = Path(tempfile.mkdtemp(prefix="project-sync-", dir=DRIZZLE_DIR))
        self.schema = self.root / "schema.ts"
        self.out = self.root / "drizzle"

    def point_at(self, url: str) -> None:
        # drizzle-kit takes the database from its config file; json.dumps quotes the URL as a
        # valid TypeScript string whatever it holds.
        self.root.joinpath("drizzle.config.ts").write_text(
            'import { defineConfig } from "drizzle-kit";\n\n'
            "export default defineConfig({\n"
            '  dialect: "postgresql",\n  schema: "./schema.ts",\n  out: "./drizzle",\n'
            f"  dbCredentials: {{ url: {json.dumps(url)} }},\n}});\n"
        )

    def run(self, *args: str) -> str:
        # No terminal on stdin: drizzle-kit must never wait for an answer here.
        result = subprocess.run(
            [str(self.executable), *args],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        output = result.stdout + result.stderr
        # drizzle-kit has exited 0 after printing an error; its own error marker is checked too.
        if result.returncode != 0 or "Error" in output:
            tail = " ".join(output.split())[-400:]
            raise RuntimeError(f"drizzle-kit {args[0]} failed (exit {result.returncode}): {tail}")
        return output

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


# --- step 1: push with nothing to do -------------------------------------------------------


def bench_noop(
    project: PuckdbProject,
    drizzle: DrizzleProject,
    databases: Databases,
    base_url: str,
    tables: int,
    runs: int,
) -> list[Row]:
    what = f"no changes, {tables} tables"
    in_process = alembic_compare_row(project, base_url, runs, what)
    # A copy: `alembic check` creates its alembic_version table in the database it checks,
    # and the base database must stay as built for the other steps.
    check_url = databases.create("sync_noop_alembic", template=BASE_DATABASE)
    command = alembic_check_row(project, check_url, runs, what)
    databases.drop("sync_noop_alembic")
    drizzle_row = drizzle_noop(drizzle, databases, tables, runs, what)

    puckdb_s: float | None = None
    problem: str | None = None
    try:
        # The warm-up fills the normalize cache, as the developer's previous command would have.
        output = project.run("push", "--dry-run", "--url", base_url).stdout
        if "no changes" not in " ".join(output.split()).lower():
            first = " ".join(output.split())[:200]
            command.notes.append(f"puckdb push --dry-run did not report 'No changes': {first}")
        puckdb_s = statistics.median(
            timed(lambda: project.run("push", "--dry-run", "--url", base_url)) for _ in range(runs)
        )
    except PuckdbCommandError as error:
        problem = str(error)
    for row in (command, drizzle_row):
        row.puckdb_s, row.puckdb_problem = puckdb_s, problem
    return [in_process, command, drizzle_row]


def alembic_compare_row(project: PuckdbProject, url: str, runs: int, what: str) -> Row:
    """The comparison alone, in a warm process, for both tools."""
    python = alembic_python()
    # One untimed call first: the operating system's cache then holds Alembic's modules, as
    # puckdb's warm-up gives it its own caches.
    for count in (1, runs):
        result = subprocess.run(
            [str(python), str(ALEMBIC_COMPARE), str(project.schema), sqlalchemy_url(url), str(count)],
            check=True,
            capture_output=True,
            text=True,
        )
    alembic = json.loads(result.stdout)
    row = Row(
        step="push",
        what=what,
        baseline="compare_metadata",
        baseline_s=float(alembic["median_s"]),
        goal=NOOP_GOAL,
        notes=["in a warm process, both: Alembic's compare_metadata vs puckdb's push(dry_run=True)"],
    )
    if alembic["changes"]:
        row.notes.append(f"Alembic's compare_metadata reported {alembic['changes']} differences, not 0")
    own = subprocess.run(
        [sys.executable, str(PUCKDB_COMPARE), str(project.root), url, str(runs)],
        env=project.env,
        capture_output=True,
        text=True,
    )
    if own.returncode != 0:
        row.puckdb_problem = " ".join(own.stderr.split())[-300:]
        return row
    measured = json.loads(own.stdout)
    row.puckdb_s = float(measured["median_s"])
    if measured["changes"]:
        row.notes.append(f"puckdb's push planned {measured['changes']} statements, not 0")
    return row


def alembic_check_row(project: PuckdbProject, url: str, runs: int, what: str) -> Row:
    """`alembic check` as a command, in a throwaway Alembic project on the same schema."""
    python = alembic_python()
    root = Path(tempfile.mkdtemp(prefix="alembic-check-", dir=project.root))
    (root / "migrations" / "versions").mkdir(parents=True)
    shutil.copy(ALEMBIC_CHECK_ENV, root / "migrations" / "env.py")
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    environment = {
        **project.env,
        "BENCH_SCHEMA_FILE": str(project.schema),
        "BENCH_SQLALCHEMY_URL": sqlalchemy_url(url),
    }
    notes: list[str] = []

    def check() -> None:
        result = subprocess.run(
            [str(python), "-m", "alembic", "-c", str(root / "alembic.ini"), "check"],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
        )
        output = " ".join((result.stdout + result.stderr).split())
        if result.returncode != 0 or "No new upgrade operations detected" not in output:
            notes.append(f"alembic check did not find the database in sync: {output[-300:]}")

    check()  # untimed: the operating system's cache then holds Alembic's modules
    seconds = statistics.median(timed(check) for _ in range(runs))
    return Row(
        step="push",
        what=what,
        baseline="alembic check",
        baseline_s=seconds,
        goal=NOOP_GOAL,
        notes=["whole commands, both: `alembic check` vs `puckdb push --dry-run`", *notes[:1]],
    )


def drizzle_noop(drizzle: DrizzleProject, databases: Databases, tables: int, runs: int, what: str) -> Row:
    # A copy: drizzle-kit's "no changes" push is not read-only here (see the note below), and
    # the base database must stay as built for the other steps.
    url = databases.create("sync_noop_drizzle", template=BASE_DATABASE)
    drizzle.point_at(url)
    drizzle.schema.write_text(drizzle_source(tables))
    # The verbose warm-up lists what drizzle-kit finds to do on a database already at the schema.
    statements = len(DRIZZLE_STATEMENT.findall(drizzle.run(*DRIZZLE_PUSH_VERBOSE)))
    seconds = statistics.median(timed(lambda: drizzle.run(*DRIZZLE_PUSH)) for _ in range(runs))
    databases.drop("sync_noop_drizzle")
    notes = []
    if statements:
        notes.append(
            f"drizzle-kit's push runs {statements} statements on a database already at the schema "
            "(it re-creates the composite unique constraints it reads back with their columns in "
            "another order: a drizzle-kit bug); its figure includes that work"
        )
    return Row(
        step="push", what=what, baseline="drizzle-kit push", baseline_s=seconds, goal=None, notes=notes
    )


# --- step 2: push one new column on every 10th table ---------------------------------------


def bench_push_change(
    project: PuckdbProject, drizzle: DrizzleProject, databases: Databases, tables: int, runs: int
) -> Row:
    expected = expected_notes(tables)
    project.schema.write_text(module_source(tables, extra_column_every=EXTRA_COLUMN_EVERY))
    drizzle.schema.write_text(drizzle_source(tables, extra_column_every=EXTRA_COLUMN_EVERY))
    notes: list[str] = []

    def drizzle_push(run: str, verbose: bool = False) -> float:
        name = f"sync_push_drizzle_{run}"
        url = databases.create(name, template=BASE_DATABASE)
        drizzle.point_at(url)
        output: list[str] = []
        seconds = timed(
            lambda: output.append(drizzle.run(*(DRIZZLE_PUSH_VERBOSE if verbose else DRIZZLE_PUSH)))
        )
        found = note_columns(url)
        databases.drop(name)
        if found != expected:
            raise RuntimeError(f"drizzle-kit push added {found} note columns, expected {expected}")
        if verbose:
            statements = len(DRIZZLE_STATEMENT.findall(output[0]))
            if statements != expected:
                notes.append(
                    f"drizzle-kit's push runs {statements} statements for the {expected} new columns "
                    "(the unique constraints re-created, as in the no-change push)"
                )
        return seconds

    def puckdb_push(run: str) -> float:
        name = f"sync_push_puckdb_{run}"
        url = databases.create(name, template=BASE_DATABASE)
        seconds = timed(lambda: project.run("push", "--url", url))
        found = note_columns(url)
        databases.drop(name)
        if found != expected:
            raise PuckdbCommandError(f"puckdb push added {found} note columns, expected {expected}")
        return seconds

    drizzle_push("warmup", verbose=True)
    drizzle_timings: list[float] = []
    puckdb_timings: list[float] = []
    problem: str | None = None
    try:
        puckdb_push("warmup")
    except PuckdbCommandError as error:
        problem = str(error)
    # Alternating the two tools spreads any drift of the machine over both.
    for run in range(runs):
        drizzle_timings.append(drizzle_push(str(run)))
        if problem is None:
            try:
                puckdb_timings.append(puckdb_push(str(run)))
            except PuckdbCommandError as error:
                problem = str(error)
    return Row(
        step="push",
        what=f"+1 column on {expected} of {tables} tables",
        baseline="drizzle-kit push",
        baseline_s=statistics.median(drizzle_timings),
        goal=PUSH_GOAL,
        puckdb_s=statistics.median(puckdb_timings) if problem is None else None,
        puckdb_problem=problem,
        notes=notes,
    )


# --- step 3: pull --------------------------------------------------------------------------


def bench_pull(project: PuckdbProject, drizzle: DrizzleProject, base_url: str, tables: int, runs: int) -> Row:
    drizzle.point_at(base_url)
    schema_ts = drizzle.out / "schema.ts"

    def drizzle_pull() -> float:
        # An empty output folder every time: with a previous snapshot there, drizzle-kit would
        # be doing a different job.
        shutil.rmtree(drizzle.out, ignore_errors=True)
        seconds = timed(lambda: drizzle.run("pull"))
        missing = missing_tables(schema_ts.read_text(), tables)
        if missing:
            raise RuntimeError(f"drizzle-kit pull's schema.ts lacks {len(missing)} tables, e.g. {missing[0]}")
        return seconds

    out = project.root / "pulled_schema.py"

    def puckdb_pull() -> float:
        out.unlink(missing_ok=True)
        seconds = timed(lambda: project.run("pull", "--url", base_url, "--out", str(out)))
        if not out.exists():
            raise PuckdbCommandError(f"puckdb pull wrote no {out.name}")
        missing = missing_tables(out.read_text(), tables)
        if missing:
            raise PuckdbCommandError(f"puckdb pull's module lacks {len(missing)} tables, e.g. {missing[0]}")
        return seconds

    drizzle_pull()
    problem: str | None = None
    try:
        puckdb_pull()
    except PuckdbCommandError as error:
        problem = str(error)
    drizzle_timings: list[float] = []
    puckdb_timings: list[float] = []
    for _ in range(runs):
        drizzle_timings.append(drizzle_pull())
        if problem is None:
            try:
                puckdb_timings.append(puckdb_pull())
            except PuckdbCommandError as error:
                problem = str(error)
    return Row(
        step="pull",
        what=f"{tables} tables into a schema file",
        baseline="drizzle-kit pull",
        baseline_s=statistics.median(drizzle_timings),
        goal=PULL_GOAL,
        puckdb_s=statistics.median(puckdb_timings) if problem is None else None,
        puckdb_problem=problem,
    )


# --- report --------------------------------------------------------------------------------


def versions(server: str) -> list[str]:
    """The versions compared, so that a figure can be traced to what produced it."""
    found = []
    for name in (*DRIZZLE_PACKAGES, DRIZZLE_DRIVER):
        manifest = DRIZZLE_DIR / "node_modules" / name / "package.json"
        found.append(f"{name} {json.loads(manifest.read_text())['version']}")
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    found.append(f"node {node.stdout.strip() or '?'}")
    alembic = subprocess.run(
        [
            str(alembic_python()),
            "-c",
            "import alembic, sqlalchemy; print(alembic.__version__, sqlalchemy.__version__)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    words = alembic.stdout.split()
    found.append(f"alembic {words[0] if words else '?'} (sqlalchemy {words[1] if len(words) > 1 else '?'})")
    puckdb = subprocess.run([str(PUCKDB), "--version"], capture_output=True, text=True, check=False)
    found.append(puckdb.stdout.strip() or "puckdb ?")
    found.append(server)
    return found


def fraction(goal: Fraction) -> str:
    return f"1/{goal.denominator}" if goal.numerator == 1 else str(goal)


def report(rows: list[Row], tables: int, runs: int, server: str) -> None:
    plural = "s" if runs != 1 else ""
    print(f"puckdb sync benchmark (push, pull): {tables} tables, median of {runs} run{plural}, seconds")
    print(f"({', '.join(versions(server))})")
    print()
    header = (
        f"{'step':<5} {'what':<30} {'baseline':<17} {'baseline s':>10} {'puckdb s':>9} "
        f"{'puckdb/baseline':>17} {'goal':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        goal = f"<= {fraction(row.goal)}" if row.goal is not None else "-"
        if row.puckdb_s is None:
            puckdb_s, ratio, verdict = "n/a", "n/a", ""
        else:
            value = row.puckdb_s / row.baseline_s
            puckdb_s = f"{row.puckdb_s:.3f}"
            # "1/k" alongside the ratio reads directly against goals written as fractions.
            ratio = f"{value:.3f} (1/{1 / value:.1f})" if value < 1 else f"{value:.3f}"
            verdict = "" if row.goal is None else ("met" if value <= row.goal else "missed")
        print(
            f"{row.step:<5} {row.what:<30} {row.baseline:<17} {row.baseline_s:>10.3f} {puckdb_s:>9} "
            f"{ratio:>17} {goal:>7} {verdict}"
        )
    for row in rows:
        label = f"{row.step} vs {row.baseline}"
        if row.puckdb_problem:
            print(f"  {label}: {row.puckdb_problem}")
        for note in row.notes:
            print(f"  {label}: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500, help="tables in the synthetic schema")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (the median is shown)")
    options = parser.parse_args()
    if not PUCKDB.exists():
        parser.error(f"{PUCKDB} does not exist: run this with `uv run python bench/sync.py`")
    tables, runs = options.tables, options.runs

    drizzle = DrizzleProject(drizzle_with_driver())
    project = PuckdbProject(Path(tempfile.mkdtemp(prefix="puckdb-bench-sync-")))
    databases: Databases | None = None
    try:
        databases = Databases(project.admin_url())
        server = databases.server_version()
        project.schema.write_text(module_source(tables))
        base_url = build_base(databases, project.schema, tables)
        rows = bench_noop(project, drizzle, databases, base_url, tables, runs)
        rows.append(bench_push_change(project, drizzle, databases, tables, runs))
        rows.append(bench_pull(project, drizzle, base_url, tables, runs))
    finally:
        try:
            if databases is not None:
                databases.drop_all()
        finally:
            project.stop()
            shutil.rmtree(project.root, ignore_errors=True)
            drizzle.remove()
    report(rows, tables, runs, server)


if __name__ == "__main__":
    main()
