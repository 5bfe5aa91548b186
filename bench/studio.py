"""Benchmark: the studio's server time on a big table with a vector(768) column.

    uv run python bench/studio.py [--rows N] [--runs R] [--hnsw-timeout S]

        --rows N          rows in the table (default: 1,000,000)
        --runs R          requests per page; the median is reported (default: 5)
        --hnsw-timeout S  seconds allowed for building the HNSW index (default: 120; 0: do
                          not try). When the build does not finish in time it is cancelled
                          and the nearest-neighbours panel runs without an index.

In a temporary embedded PostgreSQL 18 (fsync off), creates

    big (id bigint PRIMARY KEY, title text, created_at timestamptz (indexed), meta jsonb,
         embedding vector(768))

with N rows (one random vector per row, loaded by one connection per core), then drives the
studio (puckdb.studio.create_app) with starlette's TestClient, like the test suite does, and
measures each page's server time: the time spent inside the ASGI application, from the call
until the last byte of the response was handed over (the client's own overhead is shown
beside it). Pages: the overview, the first page, filters on indexed and non-indexed
columns, sorts on an indexed and a non-indexed column, a page 90% deep into a keyset walk
(a cursor after row 0.9 N, by key and by an indexed sort), the row page with and without
the nearest-neighbours panel, and the HTML twins of the main ones.
Goal: every page < 100 ms server time. Prints a plain text table. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import errors, sql
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from puckdb.server.embedded import EmbeddedServer
from puckdb.studio import StudioConfig, create_app
from puckdb.studio.browse import encode_key
from puckdb.studio.security import Secrets

GOAL_MS = 100.0
DIMENSIONS = 768
CHUNK = 50_000
TABLE = "/t/public/big"
SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}

CREATE = f"""
CREATE TABLE big (
    id bigint NOT NULL,
    title text NOT NULL,
    created_at timestamptz NOT NULL,
    meta jsonb NOT NULL,
    embedding vector({DIMENSIONS})
)
"""
# One random vector per row: the lateral subquery refers to g, so that it runs for every
# row instead of once for the whole statement.
FILL = f"""
INSERT INTO big
SELECT g, 'text ' || g, %(now)s::timestamptz - g * interval '1 second',
       jsonb_build_object('n', g, 'tag', g %% 10), v.embedding
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
CROSS JOIN LATERAL (
    SELECT array_agg(random()::real)::vector({DIMENSIONS}) AS embedding
    FROM generate_series(1, {DIMENSIONS}) WHERE g > 0
) AS v
"""


class ServerTimer:
    """Wraps an ASGI application and records how long its last HTTP request took inside it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.last = time.perf_counter() - started


@dataclass
class Result:
    page: str
    address: str
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    returned: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.server_ms)

    @property
    def verdict(self) -> str:
        if self.returned.startswith("HTTP"):
            return "error"
        return "met" if self.median < GOAL_MS else "MISSED"


# -- the database -------------------------------------------------------------------------------


def load(url: str, rows: int) -> dict[str, float]:
    """Create and fill the table; returns the seconds each step took."""
    steps: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute(CREATE)
        now = conn.execute("SELECT now()").fetchone()
    assert now is not None
    chunks = [(first, min(first + CHUNK - 1, rows)) for first in range(1, rows + 1, CHUNK)]
    workers = max(1, min(os.cpu_count() or 1, 4))

    def fill(chunk: tuple[int, int]) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(FILL, {"now": now[0], "first": chunk[0], "last": chunk[1]})

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        for done, _ in enumerate(pool.map(fill, chunks), start=1):
            print(f"  loaded {min(done * CHUNK, rows):,} rows", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    steps[f"insert ({workers} connections)"] = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        steps["primary key"] = _timed(lambda: conn.execute("ALTER TABLE big ADD PRIMARY KEY (id)"))
        steps["index created_at"] = _timed(
            lambda: conn.execute("CREATE INDEX big_created_at ON big (created_at)")
        )
        steps["vacuum analyze"] = _timed(lambda: conn.execute("VACUUM (ANALYZE) big"))
    return steps


def build_hnsw(url: str, timeout_s: int) -> tuple[bool, float]:
    """Try to build the HNSW index within ``timeout_s``; (built, seconds spent)."""
    with psycopg.connect(url, autocommit=True) as conn:
        # The graph built in memory when it fits: a quarter of the machine's memory, 8 GB at most.
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4 // 2**20
        conn.execute(f"SET maintenance_work_mem = '{min(memory_mb, 8192)}MB'")
        conn.execute(f"SET statement_timeout = '{timeout_s}s'")
        started = time.perf_counter()
        try:
            conn.execute("CREATE INDEX big_embedding ON big USING hnsw (embedding vector_cosine_ops)")
        except errors.QueryCanceled:
            return False, time.perf_counter() - started
        built_s = time.perf_counter() - started
        conn.execute("ANALYZE big")
        return True, built_s


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def probe(url: str, rows: int) -> dict[str, tuple[str, int]]:
    """Values the addresses need, read from the table, each with the id the page must start
    with: cursors (as the studio writes them in ``next``) after the row at 90% of a keyset
    walk, by key and by created_at; the created_at of the middle row."""
    position = max(int(rows * 0.9), 1)
    middle = max(rows // 2, 1)
    with psycopg.connect(url) as conn:
        by_created = conn.execute(
            "SELECT created_at::text, id::text FROM big ORDER BY created_at, id OFFSET %s LIMIT 2",
            (position - 1,),
        ).fetchall()
        found = conn.execute("SELECT created_at::text FROM big WHERE id = %s", (middle,)).fetchone()
    assert found is not None
    after = int(by_created[1][1]) if len(by_created) > 1 else 0
    return {
        "key": (encode_key([None, str(position)]), position + 1),
        "created_at": (encode_key([by_created[0][0], by_created[0][1]]), after),
        "middle": (str(found[0]), middle + 1),
    }


# -- the studio ---------------------------------------------------------------------------------


def measure(client: TestClient, timer: ServerTimer, result: Result, runs: int) -> Result:
    response = None
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(result.address)
        result.client_ms.append((time.perf_counter() - started) * 1000)
        result.server_ms.append(timer.last * 1000)
    assert response is not None
    if response.status_code != 200:
        result.returned = f"HTTP {response.status_code}"
    elif result.address.split("?")[0].endswith(".json"):
        data = response.json()
        if data.get("error"):
            result.returned = f"error: {data['error']}"
        elif "rows" in data:
            result.returned = _count(len(data["rows"]), "row")
        elif "row" in data:
            nearest = data.get("neighbours")
            result.returned = "1 row" + (
                f" + {_count(len(nearest), 'neighbour')}" if nearest is not None else ""
            )
        else:
            result.returned = _count(len(data.get("relations", [])), "relation")
    else:
        result.returned = f"html, {len(response.content) / 1024:.0f} KB"
    return result


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def pages(rows: int, probed: dict[str, tuple[str, int]]) -> list[tuple[str, str, int | None]]:
    """(label, address, id the first returned row must have, if checked)."""
    middle = max(rows // 2, 1)
    key = encode_key([str(middle)])
    key_cursor, key_first = probed["key"]
    created_cursor, created_first = probed["created_at"]
    middle_time, after_middle = probed["middle"]

    def filtered(*filters: str, extra: str = "") -> str:
        return f"{TABLE}.json?" + "&".join(
            [*(f"f={quote(item)}" for item in filters), *([extra] if extra else [])]
        )

    rare = str(middle + 7)[-5:]  # a substring found in only a few titles
    return [
        ("overview", "/index.json", None),
        ("first page", f"{TABLE}.json", 1),
        ("filter id eq (primary key)", filtered(f"id|eq|{middle}"), middle),
        (
            "filter created_at lt, sorted by it (indexed)",
            filtered(f"created_at|lt|{middle_time}", extra="sort=created_at&dir=desc"),
            after_middle,
        ),
        ("filter created_at lt, by key (indexed)", filtered(f"created_at|lt|{middle_time}"), after_middle),
        ("filter title eq (no index, 1 match)", filtered(f"title|eq|text {middle}"), middle),
        ("filter title contains (no index, few)", filtered(f"title|contains|{rare}"), None),
        ("filter meta contains (no index, 10%)", filtered('meta|contains|"tag": 3'), 3),
        ("sort created_at asc (indexed)", f"{TABLE}.json?sort=created_at", rows),
        ("sort created_at desc (indexed)", f"{TABLE}.json?sort=created_at&dir=desc", 1),
        ("sort title (no index)", f"{TABLE}.json?sort=title", None),
        ("keyset 90% deep, by key", f"{TABLE}.json?after={key_cursor}", key_first),
        (
            "keyset 90% deep, sort created_at",
            f"{TABLE}.json?sort=created_at&after={created_cursor}",
            created_first,
        ),
        ("row", f"{TABLE}/row.json?key={key}", middle),
        ("row + nearest neighbours", f"{TABLE}/row.json?key={key}&near=embedding", middle),
        ("html: first page", TABLE, None),
        ("html: keyset 90% deep, by key", f"{TABLE}?after={key_cursor}", None),
        ("html: row + nearest neighbours", f"{TABLE}/row?key={key}&near=embedding", None),
    ]


def check_first(client: TestClient, address: str, expected: int | None) -> None:
    """The page really is the page it claims to be (the constructed cursors included)."""
    response = client.get(address)  # also the warm-up request, not counted
    if expected is None or response.status_code != 200 or not address.split("?")[0].endswith(".json"):
        return
    data = response.json()
    found = data["row"]["id"] if "row" in data else (data["rows"][0]["id"] if data.get("rows") else None)
    if found != expected:
        raise SystemExit(f"{address}: the first row is {found}, expected {expected}")


def run_studio(url: str, rows: int, runs: int) -> list[Result]:
    secrets = Secrets()
    timer = ServerTimer(create_app(StudioConfig(url=url, secrets=secrets)))
    probed = probe(url, rows)
    results: list[Result] = []
    with TestClient(timer, base_url="http://127.0.0.1:4983", raise_server_exceptions=False) as client:
        assert client.get(f"/?token={secrets.token}").status_code == 200  # the cookie; schema read
        for label, address, expected in pages(rows, probed):
            check_first(client, address, expected)
            results.append(measure(client, timer, Result(label, address), runs))
            print(f"  {label}: {results[-1].median:.1f} ms", file=sys.stderr)
    return results


# -- the report ---------------------------------------------------------------------------------


def explain(url: str, operator: str) -> str:
    """The plan of the studio's nearest-neighbours query (its shape in vectors.neighbours),
    to say whether an index serves it."""
    with psycopg.connect(url) as conn:
        query = sql.SQL(
            "EXPLAIN SELECT id, embedding {} (SELECT embedding FROM big WHERE id = 5) AS distance, * "
            "FROM big WHERE embedding IS NOT NULL AND NOT (id = 5) ORDER BY distance LIMIT 10"
        ).format(sql.SQL(operator))
        plan = conn.execute(query).fetchall()
    return "\n".join(f"    {line[0]}" for line in plan)


def report(results: list[Result], runs: int) -> None:
    width = max(len(r.page) for r in results)
    print(
        f"{'page':<{width}}  {'server ms (median)':>18}  {'min':>7}  {'max':>7}  "
        f"{'client ms':>9}  {'goal <100 ms':>12}  returned"
    )
    for r in results:
        print(
            f"{r.page:<{width}}  {r.median:>18.1f}  {min(r.server_ms):>7.1f}  {max(r.server_ms):>7.1f}  "
            f"{statistics.median(r.client_ms):>9.1f}  {r.verdict:>12}  {r.returned}"
        )
    met = sum(r.verdict == "met" for r in results)
    print(f"\n{met} of {len(results)} pages met the goal (median of {runs} requests each).")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hnsw-timeout", type=int, default=120)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="puckdb-bench-studio-"))
    server = EmbeddedServer(workdir / ".puckdb", 18, settings=SETTINGS)
    try:
        server.ensure_running()
        server.ensure_database("studio")
        url = server.url("studio")
        started = time.perf_counter()
        steps = load(url, args.rows)
        load_s = time.perf_counter() - started
        hnsw, built = "not tried (--hnsw-timeout 0)", False
        if args.hnsw_timeout > 0:
            built, spent = build_hnsw(url, args.hnsw_timeout)
            hnsw = (
                f"built in {spent:.1f} s"
                if built
                else f"NOT built: cancelled after {spent:.1f} s (--hnsw-timeout {args.hnsw_timeout})"
            )
        with psycopg.connect(url) as conn:
            sizes = conn.execute(
                "SELECT pg_size_pretty(pg_relation_size('big')), "
                "pg_size_pretty(pg_total_relation_size('big'))"
            ).fetchone()
        assert sizes is not None
        results = run_studio(url, args.rows, args.runs)
        plan = explain(url, "<=>" if built else "<->")  # as browse.table_ref picks it
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nTable big: {args.rows:,} rows, heap {sizes[0]}, with TOAST and indexes {sizes[1]}")
    print(f"Load: {load_s:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()) + ")")
    print(f"HNSW index (vector_cosine_ops): {hnsw}")
    print(f"Nearest-neighbours plan:\n{plan}\n")
    report(results, args.runs)


if __name__ == "__main__":
    main()
