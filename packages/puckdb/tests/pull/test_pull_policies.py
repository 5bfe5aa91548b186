"""pull writes row-level security and policies as puckdb's declarations, and the module
normalizes back to the database: command, permissive or restrictive, roles, USING, WITH
CHECK, comments, forced security, other schemas."""

from __future__ import annotations

from puckdb.connect import connect
from puckdb.pull.module import render

from .conftest import PullHarness

READER = "puckdb_pull_policy_reader"


def _create_role(harness: PullHarness) -> None:
    # Roles are cluster-wide: created once, by whichever test worker gets there first.
    with connect(harness.server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER}') THEN
                    CREATE ROLE {READER} NOLOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$""".encode()
        )


def test_row_level_security_and_policies_round_trip(harness: PullHarness) -> None:
    _create_role(harness)
    schema = harness.inspect_ddl(
        [
            "CREATE SCHEMA app",
            "CREATE TABLE cards (id bigint PRIMARY KEY, owner text NOT NULL, front text)",
            "CREATE TABLE app.logs (id bigint, said text)",
            "CREATE FUNCTION is_owner(who text) RETURNS boolean LANGUAGE sql STABLE AS "
            "'SELECT who = current_user'",
            "ALTER TABLE cards ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE cards FORCE ROW LEVEL SECURITY",
            "ALTER TABLE app.logs ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY own ON cards USING (is_owner(owner)) WITH CHECK (owner = current_user)",
            "COMMENT ON POLICY own ON cards IS 'each sees their own'",
            f"CREATE POLICY readers ON cards FOR SELECT TO {READER}, pg_read_all_data USING (front IS NOT NULL)",
            "CREATE POLICY no_blank ON cards AS RESTRICTIVE FOR INSERT WITH CHECK (front <> '')",
            """CREATE POLICY "Say it" ON app.logs FOR UPDATE USING (true) WITH CHECK (said IS NOT NULL)""",
        ],
        schemas=("public", "app"),
    )
    assert len(schema.policies) == 4
    module = harness.round_trip(schema)
    assert "RowLevelSecurity(" in module.text and "force=True" in module.text
    assert 'as_="restrictive"' in module.text and 'command="select"' in module.text
    assert "rls" not in " ".join(module.notes) and not module.notes
    assert harness.ruff_findings(module.text) == ""


def test_policies_on_a_partition_are_named_not_declared(harness: PullHarness) -> None:
    schema = harness.inspect_ddl(
        [
            "CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at)",
            "CREATE TABLE parted_2020 PARTITION OF parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
            "CREATE POLICY recent ON parted_2020 USING (at > '2020-06-01')",
        ]
    )
    pulled = render(schema)
    assert "#   policy recent on public.parted_2020" in pulled.text
    assert "Policy(" not in pulled.text
