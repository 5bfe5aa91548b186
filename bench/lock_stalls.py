"""Benchmark: how long application writes stall while a migration runs (issue 14's baseline).

    uv run python bench/lock_stalls.py [--rows N] [--rate W] [--only CHANGE ...] [--show-sql]
                                       (defaults: 1,000,000 rows, 200 writes/s, every change)

A `cards` table shaped like StudyPuck's (packages/database/.../schema.py, without the vector
column and with one bigserial key instead of the composite one) holds N rows, bulk-loaded
with INSERT ... SELECT generate_series, next to a small `groups` table (100 rows). For each
change below and for each tool, a fresh copy of that loaded database is made (CREATE
DATABASE ... TEMPLATE), a writer process starts single-row INSERTs and UPDATEs (half each)
at a steady rate over the embedded server's Unix socket, and the tool's migration runs:
- drizzle-kit: the SQL `drizzle-kit generate` (0.31, installed with npm into
  /tmp/puckdb-bench-drizzle as bench/workflow.py does) writes for the same change, the
  schema written as drizzle TypeScript. It is run as drizzle-kit's migrator runs a file: its
  statements (split at `--> statement-breakpoint`) in one transaction, over psycopg.
- puckdb: the migration `puckdb generate` writes in a temporary project (schema module
  before and after), applied by `puckdb apply --url COPY`. Its wall time includes the
  command's start-up, measured once on a database with nothing pending and printed.
The changes: add an index; add a foreign key to `groups`; add a CHECK; SET NOT NULL; add a
UNIQUE constraint; add a column with a volatile default (gen_random_uuid()); widen a
varchar. Each starts from the same base schema.

The writer schedules write k at start + k/rate and measures each write's latency from its
scheduled time, not from when it was finally sent: a write queued behind a blocked one is
late by the whole stall, as an application's request would be (no coordinated omission);
so whenever a stall covers more than 1% of the window, p99 sits just below the max.
The figures cover the writes scheduled from a quarter second before the migration started
to a quarter second after it ended: max latency (the longest stall), p99, failed writes
(any error: lock timeout, constraint violation, lost connection), and the migration's wall
time. A write never waits more than a minute (statement_timeout), which bounds the run.

Issue 14's goal, measured against this baseline once the lock-safe forms exist: puckdb's
longest stall <= 100 ms for every change except the documented rewrites.
Prints one table at the end with drizzle/puckdb ratios. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).parent))
from sync import Databases
from workflow import (
    DRIZZLE_DIR,
    DRIZZLE_PACKAGES,
    PUCKDB,
    PuckdbCommandError,
    PuckdbProject,
    database_url,
    drizzle_kit,
)

BASE_DATABASE = "stalls_base"
GROUPS = 100
# Around the migration, so that a write that blocks on its first lock, or that is released
# by its last statement, is counted even when the migration itself takes milliseconds.
MARGIN_S = 0.25
# Writes before the migration starts: the writer's connection is warm and its rate steady.
WARMUP_S = 1.0
WRITE_TIMEOUT_MS = 60_000
STALL_GOAL_MS = 100.0

# The changes, each a name and what it does to the base schema in both tools' languages.
CHANGES = ("index", "foreign_key", "check", "set_not_null", "unique", "volatile_default", "widen_varchar")
DESCRIPTIONS = {
    "index": "add index (user_id, language_id, updated_at)",
    "foreign_key": "add FK group_id -> groups",
    "check": "add CHECK (status IN (...))",
    "set_not_null": "SET NOT NULL on meaning",
    "unique": "add UNIQUE (slug)",
    "volatile_default": "add public_id uuid NOT NULL DEFAULT gen_random_uuid()",
    "widen_varchar": "status varchar(20) -> varchar(50)",
}


# --- the schema in both languages -----------------------------------------------------------


def python_schema(change: str | None) -> str:
    """The puckdb project's schema module, at the base or after ``change``."""
    status_length = 50 if change == "widen_varchar" else 20
    meaning_nullable = change != "set_not_null"
    extra_columns = ""
    if change == "volatile_default":
        extra_columns = (
            '    Column("public_id", Uuid, nullable=False, server_default=text("gen_random_uuid()")),\n'
        )
    extras = {
        "index": '    Index("cards_user_lang_updated_idx", "user_id", "language_id", "updated_at"),\n',
        "foreign_key": (
            '    ForeignKeyConstraint(["group_id"], ["groups.group_id"], name="cards_groups_fkey"),\n'
        ),
        "check": "    CheckConstraint(\"status IN ('active', 'archived')\", name=\"cards_status_check\"),\n",
        "unique": '    UniqueConstraint("slug", name="cards_slug_key"),\n',
    }
    return f'''"""lock_stalls benchmark schema ({change or "base"})."""

from sqlalchemy import (
    BigInteger, CheckConstraint, Column, DateTime, ForeignKeyConstraint, Index, MetaData, String,
    Table, Text, UniqueConstraint, Uuid, func, text,
)

metadata = MetaData()

groups = Table(
    "groups",
    metadata,
    Column("group_id", Text, primary_key=True),
    Column("group_name", Text, nullable=False),
)

cards = Table(
    "cards",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", Text, nullable=False),
    Column("language_id", Text, nullable=False),
    Column("group_id", Text),
    Column("content", Text, nullable=False),
    Column("status", String({status_length}), server_default=text("'active'")),
    Column("card_type", Text, server_default=text("'word'")),
    Column("meaning", Text, nullable={meaning_nullable}),
    Column("slug", Text),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), server_default=func.now()),
{extra_columns}{extras.get(change or "", "")})
'''


def drizzle_schema(change: str | None) -> str:
    """The same schema as drizzle TypeScript, names and all, at the base or after ``change``."""
    status_length = 50 if change == "widen_varchar" else 20
    meaning = 'text("meaning").notNull()' if change == "set_not_null" else 'text("meaning")'
    extra_column = ""
    if change == "volatile_default":
        extra_column = '\n    public_id: uuid("public_id").notNull().defaultRandom(),'
    extras = {
        "index": 'index("cards_user_lang_updated_idx").on(t.user_id, t.language_id, t.updated_at)',
        # The table-level builder rather than `.references()`, because only it takes a name.
        "foreign_key": (
            'foreignKey({ name: "cards_groups_fkey", columns: [t.group_id], '
            "foreignColumns: [groups.group_id] })"
        ),
        "check": "check(\"cards_status_check\", sql`status IN ('active', 'archived')`)",
        "unique": 'unique("cards_slug_key").on(t.slug)',
    }
    extra = extras.get(change or "", "")
    return f"""// lock_stalls benchmark schema ({change or "base"}), generated by bench/lock_stalls.py.
import {{ sql }} from "drizzle-orm";
import {{
  bigserial, check, foreignKey, index, pgTable, text, timestamp, unique, uuid, varchar,
}} from "drizzle-orm/pg-core";

export const groups = pgTable("groups", {{
  group_id: text("group_id").primaryKey(),
  group_name: text("group_name").notNull(),
}});

export const cards = pgTable(
  "cards",
  {{
    id: bigserial("id", {{ mode: "number" }}).primaryKey(),
    user_id: text("user_id").notNull(),
    language_id: text("language_id").notNull(),
    group_id: text("group_id"),
    content: text("content").notNull(),
    status: varchar("status", {{ length: {status_length} }}).default("active"),
    card_type: text("card_type").default("word"),
    meaning: {meaning},
    slug: text("slug"),
    created_at: timestamp("created_at", {{ withTimezone: true }}).defaultNow(),
    updated_at: timestamp("updated_at", {{ withTimezone: true }}).defaultNow(),{extra_column}
  }},
  (t) => [{extra}],
);
"""


# --- each tool's SQL ------------------------------------------------------------------------


class DrizzleGenerator:
    """A drizzle-kit project in the npm install folder (so that `drizzle-orm` resolves)."""

    def __init__(self) -> None:
        self.executable = drizzle_kit()
        self.root = Path(tempfile.mkdtemp(prefix="project-stalls-", dir=DRIZZLE_DIR))
        (self.root / "drizzle.config.ts").write_text(
            'import { defineConfig } from "drizzle-kit";\n\n'
            "export default defineConfig({\n"
            '  dialect: "postgresql",\n  schema: "./schema.ts",\n  out: "./drizzle",\n});\n'
        )
        self.schema = self.root / "schema.ts"
        self.out = self.root / "drizzle"
        self.schema.write_text(drizzle_schema(None))
        self._generate("init")
        self.snapshot = self.root / "drizzle.base"
        shutil.copytree(self.out, self.snapshot)

    def _generate(self, name: str) -> None:
        # No terminal on stdin: drizzle-kit would otherwise wait for answers it never needs here.
        subprocess.run(
            [str(self.executable), "generate", "--name", name],
            cwd=self.root,
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )

    def statements(self, change: str) -> list[str]:
        """drizzle-kit's statements for ``change``, from the base's journal and snapshot."""
        shutil.rmtree(self.out)
        shutil.copytree(self.snapshot, self.out)
        self.schema.write_text(drizzle_schema(change))
        self._generate(change)
        written = sorted(self.out.glob(f"*_{change}.sql"))
        if len(written) != 1:
            raise RuntimeError(f"drizzle-kit wrote {[p.name for p in written]}, expected one *_{change}.sql")
        parts = written[0].read_text().split("--> statement-breakpoint")
        return [part.strip() for part in parts if part.strip()]

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PuckdbGenerator:
    """The temporary puckdb project: its first migration builds the base schema."""

    def __init__(self, project: PuckdbProject) -> None:
        self.project = project
        project.schema.write_text(python_schema(None))
        project.run("generate", "--name", "init")
        self.snapshot = project.root / "migrations.base"
        shutil.copytree(project.migrations, self.snapshot)

    def migration(self, change: str) -> str:
        """Writes migrations/0002_<change>.sql (the folder otherwise at the base) and returns it."""
        shutil.rmtree(self.project.migrations)
        shutil.copytree(self.snapshot, self.project.migrations)
        self.project.schema.write_text(python_schema(change))
        self.project.run("generate", "--name", change)
        written = [
            p for p in self.project.migrations.glob(f"*_{change}.sql") if not p.name.endswith(".down.sql")
        ]
        if len(written) != 1:
            raise PuckdbCommandError(
                f"puckdb generate wrote {[p.name for p in written]}, expected one *_{change}.sql"
            )
        return written[0].read_text()


# --- the writer -----------------------------------------------------------------------------


def writer(url: str, rate: float, rows: int, stop: Event, ready: Event, results: Connection) -> None:
    """Single-row writes at ``rate`` per second until ``stop``; sends back, per write, its
    scheduled time (time.monotonic), its latency from then in seconds, and its error or None."""
    records: list[tuple[float, float, str | None]] = []
    interval = 1.0 / rate
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"SET statement_timeout = {WRITE_TIMEOUT_MS}")
    ready.set()
    start = time.monotonic()
    k = 0
    while not stop.is_set():
        scheduled = start + k * interval
        now = time.monotonic()
        if scheduled > now:
            time.sleep(scheduled - now)
        error: str | None = None
        try:
            if conn.closed:
                conn = psycopg.connect(url, autocommit=True)
            if k % 2:
                conn.execute(
                    "UPDATE cards SET updated_at = now(), card_type = 'word' WHERE id = %s",
                    (random.randint(1, rows),),
                )
            else:
                conn.execute(
                    "INSERT INTO cards (user_id, language_id, group_id, content, meaning, slug) "
                    "VALUES (%s, 'es', %s, %s, 'written during the migration', %s)",
                    (f"user{k % 1000}", f"g{k % GROUPS}", f"content {k}", f"w-{start}-{k}"),
                )
        except psycopg.Error as caught:
            error = f"{type(caught).__name__}: {' '.join(str(caught).split())[:120]}"
        records.append((scheduled, time.monotonic() - scheduled, error))
        k += 1
    conn.close()
    results.send(records)
    results.close()


@dataclass
class Result:
    change: str
    tool: str
    migration_s: float | None = None
    max_ms: float | None = None
    p99_ms: float | None = None
    writes: int = 0
    failed: int = 0
    problem: str | None = None
    errors: list[str] = field(default_factory=list)


def measure(url: str, rate: float, rows: int, migrate: Callable[[], object], result: Result) -> None:
    """Runs ``migrate`` with the writer running and fills ``result`` with the figures."""
    context = multiprocessing.get_context("spawn")
    stop, ready = context.Event(), context.Event()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=writer, args=(url, rate, rows, stop, ready, sender))
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the writer did not connect to the database within 30 s")
        time.sleep(WARMUP_S)
        # time.monotonic is the system-wide CLOCK_MONOTONIC on Linux: the writer's scheduled
        # times and these are on one clock.
        started = time.monotonic()
        try:
            migrate()
        except (PuckdbCommandError, psycopg.Error) as error:
            result.problem = " ".join(str(error).split())[:300]
        ended = time.monotonic()
        result.migration_s = ended - started
        # Until the writes scheduled up to the window's end have been given time to finish.
        time.sleep(MARGIN_S + 0.1)
    finally:
        stop.set()
    # The writer's last write may still be waiting, for a statement_timeout at most.
    if not receiver.poll(WRITE_TIMEOUT_MS / 1000 + 10):
        process.kill()
        raise RuntimeError("the writer sent no results")
    records: list[tuple[float, float, str | None]] = receiver.recv()
    process.join(10)
    window = [r for r in records if started - MARGIN_S <= r[0] <= ended + MARGIN_S]
    latencies = sorted(latency * 1000 for _, latency, _ in window)
    result.writes = len(window)
    result.failed = sum(1 for *_, error in window if error is not None)
    result.errors = sorted({error for *_, error in window if error is not None})
    if latencies:
        result.max_ms = latencies[-1]
        result.p99_ms = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]


# --- the databases --------------------------------------------------------------------------


def build_base(project: PuckdbProject, databases: Databases, rows: int) -> str:
    """The base database: puckdb's first migration applied, then the rows bulk-loaded."""
    url = databases.create(BASE_DATABASE)
    project.run("apply", "--url", url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO groups (group_id, group_name) SELECT 'g' || g, 'group ' || g "
            "FROM generate_series(0, %s) AS g",
            (GROUPS - 1,),
        )
        conn.execute(
            "INSERT INTO cards (user_id, language_id, group_id, content, status, card_type, meaning, slug) "
            "SELECT 'user' || (g %% 1000), 'es', 'g' || (g %% %s), 'content ' || g, 'active', 'word', "
            "'meaning ' || g, 'slug-' || g FROM generate_series(1, %s) AS g",
            (GROUPS, rows),
        )
        # As a long-lived table would be: statistics known, the visibility map set.
        conn.execute("VACUUM ANALYZE")
    return url


def fresh_copy(databases: Databases, name: str) -> str:
    with psycopg.connect(databases.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        # FILE_COPY: a copy of the files after a checkpoint, much faster than WAL-logging
        # every block of a large table (the default since PostgreSQL 15).
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(BASE_DATABASE)
            )
        )
    if name not in databases.created:
        databases.created.append(name)
    return database_url(databases.admin_url, name)


def run_drizzle_sql(url: str, statements: list[str]) -> None:
    # As drizzle-kit's migrator does: every statement of the migration in one transaction.
    with psycopg.connect(url) as conn, conn.transaction():
        for statement in statements:
            conn.execute(statement.encode())


# --- report ---------------------------------------------------------------------------------


def figure(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def versions(server: str) -> str:
    found = []
    for name in DRIZZLE_PACKAGES:
        manifest = DRIZZLE_DIR / "node_modules" / name / "package.json"
        found.append(f"{name} {json.loads(manifest.read_text())['version']}")
    puckdb = subprocess.run([str(PUCKDB), "--version"], capture_output=True, text=True, check=False)
    found.append(puckdb.stdout.strip() or "puckdb ?")
    found.append(server)
    return ", ".join(found)


def report(results: list[Result], options: argparse.Namespace, server: str, startup_s: float) -> None:
    print(
        f"puckdb lock-stall benchmark: cards with {options.rows:,} rows, writer at {options.rate:g} "
        "single-row writes/s (half INSERT, half UPDATE)"
    )
    print(f"({versions(server)})")
    print(f"puckdb's times include `puckdb apply`'s start-up: {startup_s:.2f} s with nothing pending")
    print()
    header = (
        f"{'change':<17} {'tool':<8} {'max stall ms':>12} {'p99 ms':>9} {'failed':>9} "
        f"{'migration s':>11}   {'drizzle/puckdb max':>18} {'p99':>7}  goal <= {STALL_GOAL_MS:g} ms"
    )
    print(header)
    print("-" * len(header))
    by_change: dict[str, dict[str, Result]] = {}
    for result in results:
        by_change.setdefault(result.change, {})[result.tool] = result
    for change, tools in by_change.items():
        drizzle, puckdb = tools.get("drizzle"), tools.get("puckdb")
        for result in (drizzle, puckdb):
            if result is None:
                continue
            compare = ""
            if result is puckdb and drizzle is not None:
                verdict = ""
                if result.max_ms is not None:
                    verdict = "met" if result.max_ms <= STALL_GOAL_MS else "missed"
                compare = (
                    f"   {ratio(drizzle.max_ms, puckdb.max_ms):>18} "
                    f"{ratio(drizzle.p99_ms, puckdb.p99_ms):>7}  {verdict}"
                )
            print(
                f"{change:<17} {result.tool:<8} {figure(result.max_ms):>12} {figure(result.p99_ms, 1):>9} "
                f"{f'{result.failed}/{result.writes}':>9} {figure(result.migration_s, 2):>11}{compare}"
            )
    print()
    for change in by_change:
        print(f"  {change}: {DESCRIPTIONS[change]}")
    for result in results:
        if result.problem:
            print(f"  {result.change} {result.tool}: the migration failed: {result.problem}")
        for error in result.errors[:3]:
            print(f"  {result.change} {result.tool}: a write failed with {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in cards")
    parser.add_argument("--rate", type=float, default=200.0, help="the writer's writes per second")
    parser.add_argument("--only", nargs="+", choices=CHANGES, help="measure only these changes")
    parser.add_argument("--show-sql", action="store_true", help="print each tool's SQL for each change")
    options = parser.parse_args()
    if not PUCKDB.exists():
        parser.error(f"{PUCKDB} does not exist: run this with `uv run python bench/lock_stalls.py`")
    changes = options.only or list(CHANGES)

    drizzle = DrizzleGenerator()
    project = PuckdbProject(Path(tempfile.mkdtemp(prefix="puckdb-bench-stalls-")))
    databases: Databases | None = None
    results: list[Result] = []
    try:
        generator = PuckdbGenerator(project)
        databases = Databases(project.admin_url())
        server = databases.server_version()
        base_url = build_base(project, databases, options.rows)
        # Nothing pending: what every puckdb row's wall time spends outside the migration.
        started = time.perf_counter()
        project.run("apply", "--url", base_url)
        startup_s = time.perf_counter() - started
        for change in changes:
            statements = drizzle.statements(change)
            drizzle_result = Result(change, "drizzle")
            puckdb_result = Result(change, "puckdb")
            results += [drizzle_result, puckdb_result]
            try:
                puckdb_sql = generator.migration(change)
            except PuckdbCommandError as error:
                puckdb_result.problem = f"generate: {error}"
                puckdb_sql = None
            if options.show_sql:
                print(f"-- {change}: drizzle-kit\n" + "\n".join(statements) + "\n")
                print(f"-- {change}: puckdb\n{puckdb_sql}\n")
            # drizzle-kit first, then puckdb, each on its own fresh copy of the loaded table.
            name = f"stalls_{change}_drizzle"
            url = fresh_copy(databases, name)
            measure(
                url,
                options.rate,
                options.rows,
                lambda u=url, s=statements: run_drizzle_sql(u, s),
                drizzle_result,
            )
            databases.drop(name)
            if puckdb_sql is not None:
                name = f"stalls_{change}_puckdb"
                url = fresh_copy(databases, name)
                measure(
                    url,
                    options.rate,
                    options.rows,
                    lambda u=url: project.run("apply", "--url", u),
                    puckdb_result,
                )
                databases.drop(name)
    finally:
        try:
            if databases is not None:
                databases.drop_all()
        finally:
            project.stop()
            shutil.rmtree(project.root, ignore_errors=True)
            drizzle.remove()
    report(results, options, server, startup_s)


if __name__ == "__main__":
    main()
