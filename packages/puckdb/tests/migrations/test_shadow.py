"""The shadow cache: the schema a migrations folder builds, replayed as little as possible.

Each migration below inserts a row with a random token into ``replays``. A shadow database
copied from the previous one carries the earlier tokens unchanged; a replay from scratch
would draw new ones. So the tokens tell which files really ran."""

from __future__ import annotations

import pickle
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from puckdb.migrations.files import Migration, read_migrations
from puckdb.migrations.shadow import SHADOW_PREFIX, migrations_schema, shadow_database_name
from puckdb.normalize.scratch import DevServer
from puckdb.server.embedded import EmbeddedServer

FIRST = """\
-- run {run}
CREATE TABLE replays (migration int, token text DEFAULT md5(random()::text || clock_timestamp()::text));
INSERT INTO replays (migration) VALUES (1);
"""


def insert(number: int) -> str:
    return f"INSERT INTO replays (migration) VALUES ({number});\n"


@pytest.fixture
def server(pg_server: EmbeddedServer) -> DevServer:
    return DevServer(cache_key=f"test-{uuid.uuid4()}", admin_url=lambda: pg_server.url("postgres"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "migrations"
    path.mkdir()
    (path / "0001_first.sql").write_text(FIRST.format(run=uuid.uuid4()))
    return path


def write(folder: Path, version: int, body: str) -> list[Migration]:
    (folder / f"{version:04d}_step.sql").write_text(body)
    return read_migrations(folder)


def tokens(pg_server: EmbeddedServer, migrations: list[Migration]) -> list[tuple[int, str]]:
    """The (migration, token) rows of the shadow database of ``migrations``."""
    with psycopg.connect(pg_server.url(shadow_database_name(migrations))) as conn:
        rows = conn.execute("SELECT migration, token FROM replays ORDER BY migration").fetchall()
    return [(int(m), str(t)) for m, t in rows]


def shadow_databases(pg_server: EmbeddedServer, migrations: list[Migration]) -> set[str]:
    """The shadow databases on the server of every prefix of ``migrations`` (only this
    test's: the folder's first file is unique to it)."""
    ours = {shadow_database_name(migrations[:count]) for count in range(1, len(migrations) + 1)}
    with psycopg.connect(pg_server.url("postgres")) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (SHADOW_PREFIX,)
        ).fetchall()
    return {row[0] for row in rows} & ours


def drop_shadows(pg_server: EmbeddedServer, migrations: list[Migration]) -> None:
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        for name in shadow_databases(pg_server, migrations):
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_an_appended_migration_replays_only_the_new_file(
    pg_server: EmbeddedServer, server: DevServer, folder: Path
) -> None:
    first = read_migrations(folder)
    migrations_schema(first, server, schemas=["public"])
    before = tokens(pg_server, first)
    assert [m for m, _ in before] == [1]

    second = write(folder, 2, insert(2))
    schema = migrations_schema(second, server, schemas=["public"])

    after = tokens(pg_server, second)
    assert after[0] == before[0]  # 0001 did not run again: its row was copied with the shadow
    assert [m for m, _ in after] == [1, 2]  # 0002 ran once
    assert [t.name for t in schema.tables] == ["replays"]


def test_an_unchanged_folder_is_answered_from_the_disk_cache_without_a_database(
    pg_server: EmbeddedServer, server: DevServer, folder: Path, tmp_path: Path
) -> None:
    migrations = write(folder, 2, insert(2))
    cache = tmp_path / "cache"
    built = migrations_schema(migrations, server, schemas=["public"], cache_dir=cache)
    drop_shadows(pg_server, migrations)

    again = migrations_schema(migrations, server, schemas=["public"], cache_dir=cache)

    assert again == built
    assert shadow_databases(pg_server, migrations) == set()  # nothing replayed, nothing created


def test_an_edit_in_the_middle_reuses_the_longest_unchanged_prefix(
    pg_server: EmbeddedServer, server: DevServer, folder: Path
) -> None:
    migrations = read_migrations(folder)
    migrations_schema(migrations, server, schemas=["public"])
    for version in (2, 3):
        migrations = write(folder, version, insert(version))
        migrations_schema(migrations, server, schemas=["public"])
    old = dict(tokens(pg_server, migrations))

    (folder / "0002_step.sql").write_text(insert(20))  # edited before it was applied anywhere
    edited = read_migrations(folder)
    migrations_schema(edited, server, schemas=["public"])

    new = dict(tokens(pg_server, edited))
    assert set(new) == {1, 20, 3}
    assert new[1] == old[1]  # copied from the shadow of 0001 alone
    assert new[3] != old[3]  # 0003 ran again, on top of the edited 0002


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"not a pickle at all", id="garbage"),
        pytest.param(lambda data: pickle.dumps({"tables": []}), id="not-a-schema"),
    ],
)
def test_a_damaged_cache_entry_is_ignored_and_rewritten(
    pg_server: EmbeddedServer,
    server: DevServer,
    folder: Path,
    tmp_path: Path,
    damage: object,
) -> None:
    migrations = write(folder, 2, insert(2))
    cache = tmp_path / "cache"
    built = migrations_schema(migrations, server, schemas=["public"], cache_dir=cache)
    (entry,) = cache.glob("*.pickle")
    good = entry.read_bytes()
    entry.write_bytes(damage(good))  # type: ignore[operator]
    drop_shadows(pg_server, migrations)  # the answer must come from a real replay

    again = migrations_schema(migrations, server, schemas=["public"], cache_dir=cache)

    assert again == built
    assert shadow_database_name(migrations) in shadow_databases(pg_server, migrations)
    assert pickle.loads(entry.read_bytes()) == built
