"""A StudyPuck database (its real migrations) with seeded data, and the studio on it."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
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


def make_client(url: str, secrets: Secrets, read_only: bool = False) -> TestClient:
    app = create_app(StudioConfig(url=url, read_only=read_only, secrets=secrets))
    return TestClient(app, base_url="http://127.0.0.1:4983")


@pytest.fixture
def client(studypuck_url: str, secrets: Secrets) -> Iterator[TestClient]:
    """A client already holding the studio's cookie."""
    with make_client(studypuck_url, secrets) as test_client:
        assert test_client.get(f"/?token={secrets.token}").status_code == 200
        yield test_client
