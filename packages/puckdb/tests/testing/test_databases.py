"""MigratedDatabases, the library under the plugin's fixtures, in-process."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from puckdb.testing.databases import MigratedDatabases, TestDatabaseError, database_url

from .conftest import TinyProject


def test_database_url_names_another_database_and_keeps_the_rest():
    assert (
        database_url("postgresql://me:secret@db.example.com:5433/app?sslmode=require", "t 1")
        == "postgresql://me:secret@db.example.com:5433/t%201?sslmode=require"
    )
    assert (
        database_url("postgresql://postgres@/postgres?host=/tmp/run/18&port=5432", "x")
        == "postgresql://postgres@/x?host=/tmp/run/18&port=5432"
    )
    # A database named in the query would win over the path: it goes.
    assert (
        database_url("postgresql://h/?dbname=app&sslmode=disable", "x") == "postgresql://h/x?sslmode=disable"
    )


def test_create_gives_migrated_databases_and_drop_removes_them(tiny_project: TinyProject):
    with MigratedDatabases(tiny_project.server_url, tiny_project.migrations) as databases:
        first, second = databases.create(), databases.create()
        assert first.name != second.name
        assert first.sqlalchemy_url.startswith("postgresql+psycopg://")
        with psycopg.connect(first.url) as conn:
            assert conn.execute("SELECT count(*) FROM notes").fetchone() == (0,)
        databases.drop(first)
        databases.drop(second)
    assert tiny_project.test_databases() == []


def test_a_template_dropped_under_a_running_session_is_built_again(tiny_project: TinyProject):
    with MigratedDatabases(tiny_project.server_url, tiny_project.migrations) as databases:
        template = databases.ensure_template()
        # What a concurrent session on another state of the folder does to this one.
        with psycopg.connect(tiny_project.server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(template.name)))

        database = databases.create()

        assert database.template == template.name
        assert tiny_project.templates() == [template.name]
        databases.drop(database)


def test_an_abandoned_build_is_cleared_by_the_next_build(tiny_project: TinyProject):
    with MigratedDatabases(tiny_project.server_url, tiny_project.migrations) as databases:
        # A session killed while applying the migrations leaves its working copy behind.
        leftover = f"puckdb_tpl_{databases.project_key}_tmp_1_dead00"
        with psycopg.connect(tiny_project.server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(leftover)))

        template = databases.ensure_template()

    assert template.built
    assert tiny_project.templates() == [template.name]


def test_a_role_that_may_not_create_databases_is_told_so(tiny_project: TinyProject):
    with psycopg.connect(tiny_project.server_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS puckdb_no_createdb")
        conn.execute("CREATE ROLE puckdb_no_createdb LOGIN NOCREATEDB")
    url = tiny_project.server_url.replace("postgresql://postgres@", "postgresql://puckdb_no_createdb@")
    try:
        with (
            MigratedDatabases(url, tiny_project.migrations, source="--puckdb-url") as databases,
            pytest.raises(TestDatabaseError) as caught,
        ):
            databases.ensure_template()
    finally:
        with psycopg.connect(tiny_project.server_url, autocommit=True) as conn:
            conn.execute("DROP ROLE puckdb_no_createdb")
    message = str(caught.value)
    assert "(--puckdb-url) may not create databases" in message
    assert "permission denied to create database" in message
    assert "CREATEDB" in message


class _Databases:
    def __init__(self, others: int) -> None:
        self.others = others
        self.closed = False

    def other_sessions(self) -> int:
        return self.others

    def close(self) -> None:
        self.closed = True


class _Server:
    stopped = False

    def stop(self) -> bool:
        self.stopped = True
        return True


class _Use:
    """A ServerUse whose other sessions are given."""

    def __init__(self, alone: bool) -> None:
        self.alone, self.closed = alone, False

    def release_and_claim_alone(self) -> bool:
        return self.alone

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("started", "alone", "others", "stopped"),
    [(True, True, 0, True), (True, True, 2, False), (True, False, 0, False), (False, True, 0, False)],
    ids=["started-alone", "started-other-clients", "started-other-pytest-session", "found-running"],
)
def test_the_embedded_server_is_stopped_only_by_the_session_that_started_it_and_only_when_alone(
    started, alone, others, stopped
):
    from puckdb.testing import _finish

    databases, server, use = _Databases(others), _Server(), _Use(alone)
    _finish(databases, server if started else None, use)  # type: ignore[arg-type]
    assert databases.closed and use.closed
    assert server.stopped is stopped
