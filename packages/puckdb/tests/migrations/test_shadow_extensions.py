"""Extensions a migrations folder uses without creating them (made by hand on every
database): they exist in the shadow database before the first migration replays."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from puckdb.migrations.files import read_migrations
from puckdb.migrations.shadow import (
    ShadowReplayError,
    migrations_schema,
    replay_failure,
    shadow_database_name,
    statement_states,
)
from puckdb.normalize.scratch import DevServer, MissingExtensionError, scratch_database
from puckdb.server.embedded import EmbeddedServer

USES_VECTOR = 'CREATE TABLE "items" ("id" integer PRIMARY KEY, "embedding" vector(3));\n'


@pytest.fixture
def server(pg_server: EmbeddedServer) -> DevServer:
    return DevServer(cache_key=f"test-{uuid.uuid4()}", admin_url=lambda: pg_server.url("postgres"))


def folder_of(tmp_path: Path, *bodies: str) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir(parents=True)
    for number, body in enumerate(bodies, start=1):
        # a unique comment: this test's shadows are its own
        (folder / f"{number:04d}_step.sql").write_text(f"-- {uuid.uuid4()}\n{body}")
    return folder


def test_a_folder_using_an_extension_it_never_creates_replays_with_it_given(
    server: DevServer, tmp_path: Path
) -> None:
    migrations = read_migrations(folder_of(tmp_path, USES_VECTOR))
    with pytest.raises(ShadowReplayError, match='type "vector" does not exist'):
        migrations_schema(migrations, server, schemas=["public"])

    against_code = migrations_schema(migrations, server, schemas=["public"], extensions=["vector"])
    against_database = migrations_schema(
        migrations, server, schemas=["public"], extensions=["vector"], include_given_extensions=True
    )

    [table] = against_code.tables
    assert [(c.name, c.data_type) for c in table.columns] == [("id", "integer"), ("embedding", "vector(3)")]
    # No migration creates it: compared with the code the folder must still lack it, so
    # that generate writes the CREATE EXTENSION a fresh database needs.
    assert against_code.extensions == ()
    assert [e.name for e in against_database.extensions] == ["vector"]
    assert against_database.tables == against_code.tables


def test_an_extension_a_migration_creates_is_kept_and_a_plain_create_is_not_given(
    server: DevServer, tmp_path: Path
) -> None:
    guarded = read_migrations(
        folder_of(tmp_path / "a", USES_VECTOR, "CREATE EXTENSION IF NOT EXISTS vector;\n")
    )
    schema = migrations_schema(guarded, server, schemas=["public"], extensions=["vector"])
    assert [e.name for e in schema.extensions] == ["vector"]

    # Created without IF NOT EXISTS: giving it first would make that statement fail.
    plain = read_migrations(folder_of(tmp_path / "b", "CREATE EXTENSION vector;\n" + USES_VECTOR))
    schema = migrations_schema(plain, server, schemas=["public"], extensions=["vector"])
    assert [e.name for e in schema.extensions] == ["vector"]


def test_the_given_extensions_are_part_of_the_shadow_and_cache_identity(
    server: DevServer, tmp_path: Path
) -> None:
    migrations = read_migrations(folder_of(tmp_path, "CREATE TABLE t (id int);\n"))
    cache = tmp_path / "cache"
    bare = migrations_schema(migrations, server, schemas=["public"], cache_dir=cache)
    given = migrations_schema(
        migrations,
        server,
        schemas=["public"],
        cache_dir=cache,
        extensions=["vector"],
        include_given_extensions=True,
    )
    assert bare.extensions == () and [e.name for e in given.extensions] == ["vector"]
    assert shadow_database_name(migrations) != shadow_database_name(migrations, ["vector"])
    assert len(list(cache.glob("*.pickle"))) == 2


def test_an_extension_the_development_server_lacks_is_one_paragraph_naming_it(
    server: DevServer, tmp_path: Path
) -> None:
    migrations = read_migrations(folder_of(tmp_path, USES_VECTOR))
    with pytest.raises(MissingExtensionError) as raised:
        migrations_schema(migrations, server, schemas=["public"], extensions=["vector", "no_such_extension"])
    message = raised.value.message
    assert '"no_such_extension"' in message and '"vector"' not in message
    assert "\n" not in message and "PUCKDB_DEV_URL" in message and "`extensions` setting" in message
    with (
        pytest.raises(MissingExtensionError, match='"no_such_extension"'),
        scratch_database(server, extensions=["no_such_extension"]),
    ):
        pass


def test_scratch_databases_can_hold_extensions(server: DevServer) -> None:
    import psycopg

    with scratch_database(server, extensions=["vector"]) as url, psycopg.connect(url) as conn:
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone() == (
            "vector",
        )


def test_statement_states_show_each_statement_at_its_position(server: DevServer, tmp_path: Path) -> None:
    folder = folder_of(
        tmp_path,
        USES_VECTOR,
        "ALTER TABLE items ADD COLUMN a text;\nALTER TABLE items ADD COLUMN IF NOT EXISTS b text;\n",
    )
    migrations = read_migrations(folder)
    states = statement_states(
        migrations[:1], migrations[1], server, schemas=["public"], extensions=["vector"]
    )
    assert [[c.name for c in s.tables[0].columns] for s in states] == [
        ["id", "embedding"],
        ["id", "embedding", "a"],
        ["id", "embedding", "a", "b"],
    ]
    assert all([e.name for e in s.extensions] == ["vector"] for s in states)


def test_a_replay_failure_offers_a_fix_only_for_a_file_applied_nowhere(tmp_path: Path) -> None:
    [migration] = read_migrations(folder_of(tmp_path, USES_VECTOR))
    unknown = replay_failure(migration, "PostgreSQL said no.").message
    assert "If no database has applied 0001_step.sql, fix the file" in unknown
    applied = replay_failure(migration, "PostgreSQL said no.", applied_on="db (drizzle recorded it)").message
    assert "0001_step.sql is applied on db (drizzle recorded it), so leave the file as it is" in applied
    assert "fix the file" not in applied
