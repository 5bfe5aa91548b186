"""Grants end to end through the migrations: generate writes them, apply runs them, and
check names a grantee the database's server lacks (roles are outside the schema)."""

from __future__ import annotations

import psycopg

from puckdb.check import _missing_roles, check
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.model import Grant, Schema

from .conftest import Workspace

CARDS = 'cards = Table("cards", metadata, Column("id", BigInteger, primary_key=True))\n'
# Roles are cluster-wide and test workers share the cluster: created idempotently, and
# kept (the cached shadow databases hold grants to it, so it cannot be dropped).
ROLE = "puckdb_test_grants_writer"
CREATE_ROLE = f"DO $$BEGIN CREATE ROLE {ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$"


def test_a_grant_is_generated_applied_and_checked(workspace: Workspace) -> None:
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute(CREATE_ROLE)
    workspace.write_schema(
        CARDS + f'from puckdb import Grant\nGrant(["SELECT", "INSERT"], on=cards, to="{ROLE}")\n'
    )
    generate(workspace.project(), GenerateOptions())
    sql = "\n".join(p.read_text() for p in sorted(workspace.migrations.glob("*.sql")))
    assert f'GRANT INSERT, SELECT ON TABLE "public"."cards" TO "{ROLE}"' in sql
    apply_migrations(workspace.url, workspace.migrations)
    assert check(workspace.project()).findings == ()


def test_a_grantee_the_server_lacks_is_a_finding() -> None:
    code = Schema(grants=(Grant("table", "public", "cards", None, "app_reader", ("SELECT",)),))
    [finding] = _missing_roles(code, ["postgres", "pg_monitor"])
    assert finding.kind == "missing-roles" and finding.details == ("app_reader",)
    assert "CREATE ROLE" in finding.hint
    assert _missing_roles(code, ["app_reader"]) == []
    # PUBLIC is no role.
    public = Schema(grants=(Grant("function", "public", "f", "", "public", ()),))
    assert _missing_roles(public, []) == []
