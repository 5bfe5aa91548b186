"""Objects puckdb does not manage are never silently agreed with: check names them (and
fails unless told they are fine), compares the database's with the migrations' by
definition, and push and generate list them."""

from __future__ import annotations

import json

import psycopg

from puckdb.check import check
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.push import PushOptions, push

from .conftest import Workspace

USERS = (
    'users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text),'
    ' Column("updated_at", DateTime(timezone=True)))\n'
)
HAND_WRITTEN = """
CREATE TYPE span AS RANGE (subtype = integer);
CREATE RULE users_keep AS ON DELETE TO users DO INSTEAD NOTHING;
"""


def _hand_written_objects(workspace: Workspace) -> None:
    """The code's tables, then a custom migration with a range type and a rule (which the
    schema code cannot declare), both applied."""
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    custom = generate(workspace.project(), GenerateOptions(custom=True, name="hand_written"))
    assert custom.migration is not None
    custom.migration.path.write_text(custom.migration.path.read_text() + HAND_WRITTEN)
    assert workspace.run("lock").returncode == 0
    apply_migrations(workspace.url, workspace.migrations)


def test_check_names_unmanaged_objects_and_fails_unless_allowed(workspace: Workspace) -> None:
    _hand_written_objects(workspace)
    result = check(workspace.project())
    assert [f.kind for f in result.findings] == ["not-managed"]
    [finding] = result.findings
    assert "1 range type and 1 rule" in finding.message
    assert finding.details == ("range type public.span", "rule users_keep on public.users")

    cli = workspace.run("check")
    assert cli.returncode == 1 and "OK" not in cli.stdout
    assert "not-managed" in cli.stdout and "rule users_keep on public.users" in cli.stdout

    allowed = workspace.run("check", "--allow-unmanaged")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "agree on everything puckdb manages" in allowed.stdout
    report = json.loads(workspace.run("check", "--allow-unmanaged", "--json").stdout)
    assert report["ok"] is True and report["findings"] == []
    assert [n["kind"] for n in report["notes"]] == ["not-managed"]

    offline = check(workspace.project(), database=False)
    assert [f.kind for f in offline.findings] == ["not-managed"]


def test_an_unmanaged_object_changed_by_hand_is_drift(workspace: Workspace) -> None:
    _hand_written_objects(workspace)
    with psycopg.connect(workspace.url, autocommit=True) as conn:
        conn.execute("DROP TYPE span; CREATE TYPE span AS RANGE (subtype = bigint)")
        conn.execute("CREATE TYPE extra AS RANGE (subtype = date)")
        conn.execute("DROP RULE users_keep ON users")
    result = check(workspace.project(), allow_unmanaged=True)
    [drift] = [f for f in result.findings if f.kind == "drift"]
    assert set(drift.details) == {
        "only in the database: range type public.extra",
        "missing from the database: rule users_keep on public.users",
        "defined differently in the database: range type public.span",
    }
    assert not result.ok


def test_push_and_generate_name_them_and_push_refuses_to_drop_a_rule_silently(
    workspace: Workspace,
) -> None:
    _hand_written_objects(workspace)
    cli = workspace.run("push", "--dry-run")
    assert cli.returncode == 0
    assert "Not managed by puckdb" in cli.stderr and "rule users_keep on public.users" in cli.stderr
    generated = workspace.run("generate")
    assert generated.returncode == 0 and "Not managed by puckdb: the migrations build" in generated.stderr

    workspace.write_schema("")  # the code drops users, and the rule would go with it
    plan = push(workspace.project(), PushOptions(dry_run=True)).plan
    assert any(
        h.kind == "drops-unmanaged" and "rule users_keep on public.users" in h.message
        for h in plan.blocking_hazards
    )
    refused = workspace.run("push")
    assert refused.returncode == 2 and "rule users_keep" in refused.stderr
