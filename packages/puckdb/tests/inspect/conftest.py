"""Fixtures of the inspector's tests: run DDL in a fresh database, then inspect it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import psycopg
import pytest

from puckdb.inspect import inspect_schema
from puckdb.model import Schema

InspectAfter = Callable[..., Schema]

# One schema that uses every object kind of the model, for whole-schema tests.
RICH_DDL = """
CREATE EXTENSION vector;
CREATE SCHEMA app;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE app.color AS ENUM ('red', 'green');
CREATE SEQUENCE app.ticket_numbers AS integer START 100 INCREMENT 10 CACHE 5 CYCLE;
CREATE TABLE users (
    user_id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000) PRIMARY KEY,
    email varchar(200) NOT NULL UNIQUE,
    mood mood DEFAULT 'ok',
    name text COLLATE "C",
    created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
    trial_ends timestamptz DEFAULT '2030-01-31 12:00:00+02',
    born date DEFAULT '2000-01-31',
    CONSTRAINT users_email_check CHECK (email LIKE '%@%')
);
CREATE TABLE app.cards (
    card_id serial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    price numeric(10,2),
    quantity integer DEFAULT 1,
    total numeric GENERATED ALWAYS AS (price * quantity) STORED,
    tags text[] DEFAULT '{}',
    color app.color,
    embedding vector(3),
    body tsvector,
    during tsrange,
    EXCLUDE USING gist (during WITH &&)
);
CREATE INDEX cards_embedding_idx ON app.cards USING hnsw (embedding vector_cosine_ops)
    WITH (m = 16, ef_construction = 64);
CREATE INDEX cards_body_idx ON app.cards USING gin (body);
CREATE INDEX cards_user_price_idx ON app.cards (user_id, price DESC NULLS LAST) INCLUDE (quantity)
    WHERE price IS NOT NULL;
CREATE VIEW app.expensive_cards AS SELECT card_id, price FROM app.cards WHERE price > 100;
CREATE MATERIALIZED VIEW user_card_counts AS
    SELECT u.user_id, count(c.card_id) AS cards FROM users u LEFT JOIN app.cards c USING (user_id)
    GROUP BY u.user_id;
CREATE UNIQUE INDEX user_card_counts_user_idx ON user_card_counts (user_id);
COMMENT ON TABLE users IS 'People who study';
COMMENT ON COLUMN users.email IS 'Login, unique';
"""


@pytest.fixture
def inspect_after(database_url: str) -> InspectAfter:
    """Run DDL in this test's database, then inspect the given schemas (default public)."""

    def run(ddl: str, schemas: Sequence[str] = ("public",)) -> Schema:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(ddl.encode())  # bytes: run as written, '%' is no placeholder
            return inspect_schema(conn, schemas)

    return run


@pytest.fixture
def rich_ddl() -> str:
    """DDL of a schema that uses every object kind of the model."""
    return RICH_DDL
