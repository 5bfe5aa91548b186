"""The ``ignore_tables`` setting: tables of other tools inside a managed schema are neither
reported, dropped, created nor pulled."""

from __future__ import annotations

import psycopg
import pytest

from puckdb.check import check
from puckdb.config import load_config
from puckdb.errors import ConfigError
from puckdb.ignored import is_ignored
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.push import PushOptions, push

from .conftest import Workspace
from .conftest import public_tables as tables

USERS = 'users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text))\n'
# A table some other tool owns, which the code happens to declare too (say, to query it).
JOBS = 'jobs = Table("pgq_jobs", metadata, Column("id", BigInteger, primary_key=True))\n'
OTHER_TOOLS_TABLES = (
    "CREATE TABLE pgq_jobs (id bigint PRIMARY KEY, payload jsonb);"
    "CREATE TABLE applied_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint);"
    "CREATE VIEW pgq_pending AS SELECT id FROM pgq_jobs;"
)


def ignoring(workspace: Workspace, *patterns: str) -> None:
    listed = ", ".join(f'"{p}"' for p in patterns)
    (workspace.root / "puckdb.toml").write_text(
        f'schema = "schema.py"\nmigrations = "migrations"\nignore_tables = [{listed}]\n', encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("pattern", "schema", "name", "expected"),
    [
        ("public.applied_migrations", "public", "applied_migrations", True),
        ("public.applied_migrations", "app", "applied_migrations", False),
        ("applied_migrations", "app", "applied_migrations", True),
        ("pgq_*", "public", "pgq_jobs", True),
        ("public.pgq_*", "public", "pgq", False),
        ("*.tmp_?", "app", "tmp_1", True),
        ("Users", "public", "users", False),  # case matters, as in PostgreSQL's quoted names
    ],
)
def test_patterns(pattern: str, schema: str, name: str, expected: bool) -> None:
    assert is_ignored([pattern], schema, name) is expected


def test_tables_of_other_tools_are_left_alone_by_every_command(workspace: Workspace) -> None:
    ignoring(workspace, "public.applied_migrations", "pgq_*")
    workspace.write_schema(USERS + JOBS)
    generated = generate(workspace.project(), GenerateOptions())
    assert generated.migration is not None
    assert "pgq_jobs" not in generated.migration.path.read_text()  # declared in code, yet not created
    apply_migrations(workspace.url, workspace.migrations)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute(OTHER_TOOLS_TABLES)

    assert check(workspace.project()).findings == ()
    assert push(workspace.project(), PushOptions(force=True)).plan.is_empty
    assert tables(workspace.url) == ["applied_migrations", "pgq_jobs", "users"]
    pulled = workspace.run("pull")
    assert pulled.returncode == 0, pulled.stderr
    assert '"users"' in pulled.stdout
    assert "applied_migrations" not in pulled.stdout and "pgq_" not in pulled.stdout


def test_without_the_setting_the_same_tables_are_drift(workspace: Workspace) -> None:
    """The control for the test above: the setting is what keeps them out."""
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    apply_migrations(workspace.url, workspace.migrations)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute(OTHER_TOOLS_TABLES)
    [finding] = check(workspace.project()).findings
    assert finding.kind == "drift"
    assert 'DROP TABLE "public"."applied_migrations"' in "\n".join(finding.details)


def test_ignore_tables_must_be_a_list_of_names(workspace: Workspace) -> None:
    (workspace.root / "puckdb.toml").write_text(
        'schema = "schema.py"\nignore_tables = "jobs"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"'ignore_tables' .* must be a list"):
        load_config(cwd=workspace.root)


def test_policies_of_an_ignored_table_are_left_alone_too() -> None:
    from puckdb.engine import migration_plan
    from puckdb.ignored import without_ignored
    from puckdb.model import Column, Policy, Schema, Table

    jobs = Table("public", "pgq_jobs", (Column("id", "bigint"),), rls_enabled=True)
    live = Schema(tables=(jobs,), policies=(Policy("public", "pgq_jobs", "workers", using="true"),))
    left = without_ignored(live, ["pgq_*"])
    assert left.tables == () and left.policies == ()
    assert migration_plan(left, Schema()).is_empty  # push drops no policy of another tool's table
