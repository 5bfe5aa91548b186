"""Code and migrations read on one PostgreSQL major version, the database on the other.

puckdb normalizes the code and replays the migrations on the development server, while
production may run another major version, and PostgreSQL prints expressions, view bodies
and defaults with its own version's deparser. StudyPuck's schema (GIN to_tsvector and
HNSW indexes, partial indexes, views, defaults) must compare equal across 16 and 18 both
ways: no drift reported by `check`, nothing for `push` to do."""

import dataclasses
from pathlib import Path

import psycopg

from puckdb.check import check
from puckdb.config import load_config
from puckdb.migrations.apply import apply_migrations
from puckdb.project import DEV_URL_ENV, Project
from puckdb.push import PushOptions, push
from puckdb.server.embedded import EmbeddedServer

REPOSITORY = Path(__file__).resolve().parents[3]


def test_a_database_on_another_major_version_agrees_with_code_and_migrations(
    tmp_path: Path, database_url: str, pg_server: EmbeddedServer, other_version_server: EmbeddedServer
) -> None:
    config = load_config(None, REPOSITORY)
    apply_migrations(database_url, config.migrations)
    environ = {DEV_URL_ENV: other_version_server.url("postgres"), config.database_url_env: database_url}
    # The repository's settings, with the caches under tmp_path.
    local = dataclasses.replace(config, file=tmp_path / "puckdb.toml")
    project = Project(config=local, cwd=tmp_path, environ=environ)
    with psycopg.connect(project.dev_server().admin_url()) as conn:
        assert conn.info.server_version // 10000 == other_version_server.version != pg_server.version

    result = check(project)

    assert result.findings == (), [f"{f.kind}: {f.message} {f.details}" for f in result.findings]
    plan = push(project, PushOptions(dry_run=True)).plan
    assert plan.is_empty, plan.sql()
