"""A StudyPuck database (its real migrations) with seeded data, and the studio on it."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from secrets import token_hex
from typing import Any

import psycopg
import pytest
from psycopg import sql
from starlette.testclient import TestClient

from puckdb.migrations.apply import apply_migrations
from puckdb.studio import StudioConfig, create_app
from puckdb.studio.security import Secrets

MIGRATIONS = Path(__file__).resolve().parents[4] / "packages" / "database" / "migrations"
CARDS = 60


def embedding(seed: int) -> str:
    """A deterministic unit-ish vector(768): card n is nearest to n-1 and n+1."""
    return "[" + ",".join(f"{math.sin(seed * 0.1 + i * 0.01):.5f}" for i in range(768)) + "]"


def seed(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO users (user_id, email, name) VALUES ('u1', 'ann@example.com', 'Ann')")
        conn.execute(
            "INSERT INTO study_languages (user_id, language_id, language_name) VALUES ('u1', 'fr', 'French')"
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO cards (user_id, language_id, card_id, content, meaning, examples, embedding) "
                "VALUES ('u1', 'fr', %s, %s, %s, %s, %s::vector)",
                [
                    (
                        f"c{n:03d}",
                        f"mot {n}",
                        None if n % 7 == 0 else f"word {n}",
                        json.dumps({"examples": [f"exemple {n}"], "level": n % 3}),
                        embedding(n),
                    )
                    for n in range(CARDS)
                ],
            )


@pytest.fixture
def studypuck_url(database_url: str) -> str:
    apply_migrations(database_url, MIGRATIONS)
    seed(database_url)
    return database_url


@pytest.fixture
def secrets() -> Secrets:
    return Secrets()


def make_client(url: str, secrets: Secrets, read_only: bool = False, **config: Any) -> TestClient:
    app = create_app(StudioConfig(url=url, read_only=read_only, secrets=secrets, **config))
    return TestClient(app, base_url="http://127.0.0.1:4983")


def fingerprint(url: str) -> dict[str, object]:
    """Everything a successful injection could change: every relation, function and role in
    the catalog, the database's own settings, and a checksum of every row of every table."""
    with psycopg.connect(url, autocommit=True) as conn:
        user_schemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
        relations = conn.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + user_schemas + " ORDER BY 1, 2"
        ).fetchall()
        functions = conn.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + user_schemas + " ORDER BY 1"
        ).fetchall()
        roles = conn.execute("SELECT rolname, rolsuper, rolcanlogin FROM pg_roles ORDER BY 1").fetchall()
        settings = conn.execute("SELECT setdatabase, setrole, setconfig FROM pg_db_role_setting").fetchall()
        large_objects = conn.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchall()
        rows = {}
        for schema, name, kind in relations:
            if kind not in ("r", "p", "m"):
                continue
            found = conn.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(schema, name))
            ).fetchone()
            rows[f"{schema}.{name}"] = found
    return {
        "relations": relations,
        "functions": functions,
        "roles": roles,
        "settings": settings,
        "large_objects": large_objects,
        "rows": rows,
    }


@contextmanager
def select_only_role(url: str) -> Iterator[str]:
    """A login role that may SELECT from public's tables and nothing else, for the time of
    the block; yields the URL that connects as it."""
    role = f"studio_reader_{token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(sql.Identifier(role))
        )
    try:
        yield psycopg.conninfo.make_conninfo(url, user=role)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def signed_in(test_client: TestClient, secrets: Secrets) -> TestClient:
    """``test_client`` holding the studio's cookie, as after opening the printed address."""
    assert test_client.get(f"/?token={secrets.token}").status_code == 200
    return test_client


@pytest.fixture
def client(studypuck_url: str, secrets: Secrets) -> Iterator[TestClient]:
    """A client already holding the studio's cookie."""
    with make_client(studypuck_url, secrets) as test_client:
        yield signed_in(test_client, secrets)


@pytest.fixture
def read_only_client(studypuck_url: str, secrets: Secrets) -> Iterator[TestClient]:
    """The same, on a studio started with --read-only."""
    with make_client(studypuck_url, secrets, read_only=True) as test_client:
        yield signed_in(test_client, secrets)


LAB = """
CREATE EXTENSION vector;
CREATE TYPE mood AS ENUM ('calm', 'busy', 'gone');
CREATE TABLE shelves (site text, shelf integer, label text, PRIMARY KEY (site, shelf));
CREATE TABLE rooms (site text, room integer, label text, PRIMARY KEY (site, room));
CREATE TABLE gadgets (
    id integer PRIMARY KEY,
    name varchar(12) NOT NULL UNIQUE,
    mood mood NOT NULL DEFAULT 'calm',
    price numeric(6, 2) DEFAULT 9.99,
    weight double precision,
    made_on date,
    made_at timestamp,
    seen_at timestamptz DEFAULT now(),
    spec jsonb,
    tags text[],
    sizes integer[],
    notes text,
    site text,
    shelf integer,
    room integer,
    l2 vector(3),
    ip vector(3),
    FOREIGN KEY (site, shelf) REFERENCES shelves,
    FOREIGN KEY (site, room) REFERENCES rooms
);
CREATE INDEX gadgets_l2 ON gadgets USING hnsw (l2 vector_l2_ops);
CREATE INDEX gadgets_ip ON gadgets USING hnsw (ip vector_ip_ops);
CREATE VIEW slow AS SELECT pg_sleep(3)::text AS slept;
INSERT INTO shelves VALUES ('north', 1, 'top shelf'), ('north', 2, 'low shelf');
INSERT INTO rooms VALUES ('north', 1, 'hall'), ('north', 7, 'attic');
INSERT INTO gadgets (id, name, mood, price, weight, made_on, made_at, spec, tags, sizes, notes,
                     site, shelf, room, l2, ip)
SELECT n, 'gadget ' || n, (ARRAY['calm', 'busy', 'gone']::mood[])[n % 3 + 1], n * 1.5, n / 4.0,
       date '2024-01-01' + n, timestamp '2024-01-01 10:00:00' + n * interval '1 hour 1.5 second',
       jsonb_build_object('volts', n, 'parts', jsonb_build_array('a', n)),
       ARRAY['tag ' || n, 'x,y'], ARRAY[n, n * 2], repeat('long note ', n * 5),
       'north', 1 + n % 2, CASE WHEN n % 2 = 0 THEN 7 ELSE 1 END,
       ('[' || n || ', ' || (n * n) % 7 || ', 1]')::vector, ('[' || cos(n) || ', ' || sin(n) || ', 0.5]')::vector
FROM generate_series(1, 8) AS n;
"""


@pytest.fixture
def lab_url(database_url: str) -> str:
    """A small database of every kind of column the studio shows and edits differently."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(LAB)
    return database_url


@pytest.fixture
def lab(lab_url: str, secrets: Secrets) -> Iterator[TestClient]:
    with make_client(lab_url, secrets, statement_timeout_ms=500) as test_client:
        yield signed_in(test_client, secrets)
