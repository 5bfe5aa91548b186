"""Lint against a real database: ``lint_pending`` as a deploy gate, the live catalog, and
parsed type names printed exactly as PostgreSQL's format_type prints them."""

from __future__ import annotations

from pathlib import Path

import psycopg
from pglast import ast

from puckdb.lint import lint_folder, lint_pending
from puckdb.lint.live import read_catalog
from puckdb.lint.names import type_name
from puckdb.lint.parsing import parse_statements
from puckdb.migrations.apply import ApplyOptions, apply_migrations
from puckdb.migrations.files import read_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.migrations.lockfile import write_lock
from puckdb.project import DEV_URL_ENV, Project
from puckdb.server.embedded import EmbeddedServer

from .conftest import WriteMigration, kinds

INIT = """\
-- Hazards: none
CREATE TABLE cards (id bigint PRIMARY KEY, code varchar(20), title text);
INSERT INTO cards VALUES (1, 'abc', 'first');
"""
PURGE = """\
-- Hazards: none
DELETE FROM cards;
"""
NARROW = """\
-- Hazards: none
ALTER TABLE cards ALTER COLUMN code TYPE varchar(10);
"""


def locked_folder(write_migration: WriteMigration, *files: tuple[str, str]) -> Path:
    for name, sql in files:
        path = write_migration(sql, name)
    folder = path.parent
    write_lock(folder, read_migrations(folder))
    return folder


def test_pending_lints_only_what_the_database_has_not_applied(
    write_migration: WriteMigration, database_url: str
) -> None:
    folder = locked_folder(
        write_migration, ("0001_init.sql", INIT), ("0002_purge.sql", PURGE), ("0003_narrow.sql", NARROW)
    )
    # Nothing applied yet: every migration is linted, the DELETE without WHERE too.
    before = lint_pending(database_url, folder)
    assert [p.name for p in before.files] == ["0001_init.sql", "0002_purge.sql", "0003_narrow.sql"]
    assert ("0002_purge.sql", "data-loss") in {(f.file.name, f.kind) for f in before.findings}

    apply_migrations(database_url, folder, ApplyOptions(to=2))
    report = lint_pending(database_url, folder)
    assert [p.name for p in report.files] == ["0003_narrow.sql"]
    assert kinds(report) == [("data-loss", "blocking"), ("table-rewrite", "warning")]
    assert "character varying(20) → character varying(10)" in report.findings[0].message
    assert report.failed

    apply_migrations(database_url, folder)
    done = lint_pending(database_url, folder)
    assert done.files == () and done.findings == () and not done.failed


def test_pending_judges_types_by_the_live_database(
    write_migration: WriteMigration, database_url: str
) -> None:
    folder = locked_folder(write_migration, ("0001_init.sql", INIT), ("0002_narrow.sql", NARROW))
    apply_migrations(database_url, folder, ApplyOptions(to=1))
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Drift: someone shortened the column by hand; 0002 now widens it.
        conn.execute("ALTER TABLE cards ALTER COLUMN code TYPE varchar(5)")
    report = lint_pending(database_url, folder)
    assert kinds(report) == [] and not report.failed  # varchar(5) → varchar(10) is free


def test_live_catalog_reads_tables_and_enums(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA app")
        conn.execute("CREATE TYPE app.mood AS ENUM ('happy', 'sad')")
        conn.execute(
            "CREATE TABLE app.cards (id bigint, feeling app.mood, tags text[], "
            "double bigint GENERATED ALWAYS AS (id * 2) STORED)"
        )
    catalog = read_catalog(database_url)
    columns = catalog.tables[("app", "cards")]
    assert {name: (c.type, c.generated) for name, c in columns.items()} == {
        "id": ("bigint", False),
        "feeling": ("app.mood", False),
        "tags": ("text[]", False),
        "double": ("bigint", True),
    }
    assert catalog.enums[("app", "mood")] == ["happy", "sad"]
    assert not any(schema == "puckdb" for schema, _ in catalog.tables)


def test_live_catalog_reads_partitions_as_the_tables_they_are(database_url: str) -> None:
    # A pending migration may alter a partition by name: lint must know its columns, which
    # are its root's, in whatever schema the partition (or a partition of it) lives.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA archive")
        conn.execute(
            "CREATE TABLE events (id bigint, kind varchar(8), at date, "
            "day integer GENERATED ALWAYS AS (extract(day FROM at)::integer) STORED) PARTITION BY RANGE (at)"
        )
        conn.execute(
            "CREATE TABLE archive.events_2024 PARTITION OF events "
            "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (kind)"
        )
        conn.execute("CREATE TABLE events_2024_a PARTITION OF archive.events_2024 FOR VALUES IN ('a')")
        # A table whose columns are not all its own another way: an inheritance child.
        conn.execute("CREATE TABLE notes (id bigint)")
        conn.execute("CREATE TABLE card_notes (note text) INHERITS (notes)")
    catalog = read_catalog(database_url)
    expected = {
        "id": ("bigint", False),
        "kind": ("character varying(8)", False),
        "at": ("date", False),
        "day": ("integer", True),
    }
    for table in (("public", "events"), ("archive", "events_2024"), ("public", "events_2024_a")):
        assert {name: (c.type, c.generated) for name, c in catalog.tables[table].items()} == expected
    child = catalog.tables[("public", "card_notes")]
    assert {name: (c.type, c.generated) for name, c in child.items()} == {
        "id": ("bigint", False),
        "note": ("text", False),
    }
    assert set(catalog.tables) == {
        ("public", "events"),
        ("archive", "events_2024"),
        ("public", "events_2024_a"),
        ("public", "notes"),
        ("public", "card_notes"),
    }


TYPES = [
    "smallint",
    "int",
    "integer",
    "int4",
    "bigint",
    "int8",
    "serial",
    "bigserial",
    "real",
    "float",
    "float4",
    "double precision",
    "float8",
    "numeric",
    "numeric(10,2)",
    "decimal(8)",
    "text",
    "varchar",
    "varchar(20)",
    "character varying(3)",
    "char",
    "char(3)",
    "character(5)",
    "boolean",
    "bool",
    "timestamp",
    "timestamp(3)",
    "timestamptz",
    "timestamp with time zone",
    "timestamp(6) with time zone",
    "time",
    "time(2) with time zone",
    "date",
    "interval",
    "uuid",
    "jsonb",
    "json",
    "bytea",
    "bit(3)",
    "bit varying(5)",
    "int[]",
    "text[][]",
    "varchar(10)[]",
    "numeric(5,1)[]",
    "vector(3)",
    "public.vector(3)",
    "mood",
    "public.mood",
    "inet",
]


def test_parsed_type_names_match_format_type(database_url: str) -> None:
    columns = ",\n".join(f'"c{index}" {spelling}' for index, spelling in enumerate(TYPES))
    create = f"CREATE TABLE types (\n{columns}\n)"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")
        conn.execute("CREATE TYPE mood AS ENUM ('happy')")
        conn.execute(create)
    catalog = read_catalog(database_url)
    statement = parse_statements(create)[0].node
    assert isinstance(statement, ast.CreateStmt)
    parsed = {element.colname: type_name(element.typeName) for element in statement.tableElts or ()}
    live = catalog.tables[("public", "types")]
    mismatches = {
        TYPES[int(name[1:])]: (parsed[name], column.type)
        for name, column in live.items()
        if parsed[name] != column.type
    }
    assert mismatches == {}


SCHEMA_V1 = """\
from sqlalchemy import BigInteger, Column, Enum, Integer, MetaData, Table, Text
metadata = MetaData()
users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text),
              Column("age", BigInteger), Column("mood", Enum("happy", "sad", "meh", name="mood")))
"""
SCHEMA_V2 = """\
from sqlalchemy import BigInteger, Column, Enum, Index, Integer, MetaData, Table, Text
metadata = MetaData()
users = Table("users", metadata, Column("id", BigInteger, primary_key=True),
              Column("age", Integer), Column("mood", Enum("happy", "sad", name="mood")),
              Index("users_age", "age"))
"""


def test_generated_migrations_acknowledge_what_lint_finds(
    tmp_path: Path, pg_server: EmbeddedServer, database_url: str
) -> None:
    (tmp_path / "puckdb.toml").write_text('schema = "schema.py"\nmigrations = "migrations"\n')
    environ = {DEV_URL_ENV: pg_server.url("postgres"), "DATABASE_URL": database_url}
    for source in (SCHEMA_V1, SCHEMA_V2):
        (tmp_path / "schema.py").write_text(source)
        generate(Project.load(cwd=tmp_path, environ=environ), GenerateOptions())
    report = lint_folder(tmp_path / "migrations")
    assert len(report.files) == 2
    second = [f for f in report.findings if f.file.name.startswith("0002")]
    blocking = {f.message.split(" ")[0] for f in second if f.severity == "blocking"}
    assert blocking == {"drops", "narrows", "re-creates"}, second  # column, bigint → integer, enum value
    assert all(f.acknowledged for f in second if f.severity == "blocking")
    assert ("non-concurrent-index", "warning") in {(f.kind, f.severity) for f in second}
    assert not report.failed
