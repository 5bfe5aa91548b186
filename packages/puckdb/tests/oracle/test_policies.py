"""The round-trip oracle for row-level security and policies: each attribute forward and
back, and the cases where a policy must be created again because what it uses changes."""

from __future__ import annotations

import pytest

from puckdb.connect import connect
from puckdb.diff import Renames
from puckdb.server.embedded import EmbeddedServer

from .support import Cluster, run_oracle

# Roles are cluster-wide and the test workers share one server: each is created once,
# whichever worker gets there first (the other's CREATE ROLE fails harmlessly).
READER = "puckdb_policy_reader"
WRITER = "puckdb_policy_writer"


@pytest.fixture(autouse=True)
def _roles(pg_server: EmbeddedServer) -> None:
    with connect(pg_server.url("postgres"), autocommit=True) as conn:
        for role in (READER, WRITER):
            conn.execute(
                f"""DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                        CREATE ROLE {role} NOLOGIN;
                    END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$""".encode()
            )


CARDS = "CREATE TABLE cards (id bigint PRIMARY KEY, owner text NOT NULL, front text)"
SECURED = "ALTER TABLE cards ENABLE ROW LEVEL SECURITY"
OWN = "CREATE POLICY own ON cards USING (owner = current_user)"


def test_policy_added_and_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [CARDS, SECURED], [CARDS, SECURED, OWN])


def test_row_level_security_enabled_forced_and_disabled(cluster: Cluster) -> None:
    forced = "ALTER TABLE cards FORCE ROW LEVEL SECURITY"
    run_oracle(cluster, [CARDS], [CARDS, SECURED, OWN])
    run_oracle(cluster, [CARDS, SECURED, OWN], [CARDS, SECURED, forced, OWN])
    run_oracle(cluster, [CARDS, forced], [CARDS, SECURED])


def test_roles_using_and_with_check_altered_in_place(cluster: Cluster) -> None:
    changed = (
        f"CREATE POLICY own ON cards TO {READER}, {WRITER} USING (owner = current_user OR front IS NULL) "
        "WITH CHECK (owner = current_user)"
    )
    run_oracle(cluster, [CARDS, SECURED, OWN], [CARDS, SECURED, changed])
    run_oracle(
        cluster,
        [CARDS, SECURED, f"CREATE POLICY own ON cards TO {READER} USING (true)"],
        [CARDS, SECURED, f"CREATE POLICY own ON cards TO {WRITER} USING (true)"],
    )


def test_command_and_restrictive_changes_re_create_the_policy(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, SECURED, OWN],
        [CARDS, SECURED, "CREATE POLICY own ON cards FOR SELECT USING (owner = current_user)"],
    )
    run_oracle(
        cluster,
        [CARDS, SECURED, OWN],
        [CARDS, SECURED, "CREATE POLICY own ON cards AS RESTRICTIVE USING (owner = current_user)"],
    )
    run_oracle(
        cluster,
        [
            CARDS,
            SECURED,
            "CREATE POLICY adds ON cards FOR INSERT TO PUBLIC WITH CHECK (owner = current_user)",
        ],
        [CARDS, SECURED, f"CREATE POLICY adds ON cards FOR UPDATE TO {WRITER} USING (true)"],
    )


def test_an_expression_removed_re_creates_the_policy(cluster: Cluster) -> None:
    both = "CREATE POLICY own ON cards USING (owner = current_user) WITH CHECK (front IS NOT NULL)"
    run_oracle(cluster, [CARDS, SECURED, both], [CARDS, SECURED, OWN])


def test_policy_comment(cluster: Cluster) -> None:
    commented = [CARDS, SECURED, OWN, "COMMENT ON POLICY own ON cards IS 'each sees their own'"]
    run_oracle(cluster, [CARDS, SECURED, OWN], commented)
    run_oracle(cluster, commented, [CARDS, SECURED, OWN, "COMMENT ON POLICY own ON cards IS 'mine'"])


def test_policy_using_a_function_survives_its_re_creation(cluster: Cluster) -> None:
    function = "CREATE FUNCTION is_owner(who text) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT who = current_user'"
    policy = "CREATE POLICY own ON cards USING (is_owner(owner))"
    run_oracle(cluster, [CARDS, SECURED], [CARDS, SECURED, function, policy])
    # A new result type drops the function and creates it again: the policy must let go.
    changed_result = (
        "CREATE FUNCTION is_owner(who text) RETURNS integer LANGUAGE sql STABLE AS "
        "'SELECT (who = current_user)::int'"
    )
    run_oracle(
        cluster,
        [CARDS, SECURED, function, policy],
        [CARDS, SECURED, changed_result, "CREATE POLICY own ON cards USING (is_owner(owner) = 1)"],
    )


def test_column_type_change_re_creates_the_policy_on_it(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, SECURED, OWN],
        [CARDS.replace("owner text", "owner varchar(100)"), SECURED, OWN],
    )


def test_policy_reading_a_view_that_is_re_created(cluster: Cluster) -> None:
    members = "CREATE TABLE members (name text PRIMARY KEY, active boolean)"
    view = "CREATE VIEW active_members AS SELECT name FROM members WHERE active"
    policy = "CREATE POLICY members_only ON cards USING (owner IN (SELECT name FROM active_members))"
    run_oracle(
        cluster,
        [members, view, CARDS, SECURED, policy],
        [members.replace("name text", "name varchar(80)"), view, CARDS, SECURED, policy],
    )


def test_policies_follow_a_renamed_table(cluster: Cluster) -> None:
    renamed = [
        CARDS.replace("cards", "notes"),
        SECURED.replace("cards", "notes"),
        OWN.replace("cards", "notes"),
    ]
    run_oracle(
        cluster,
        [CARDS, SECURED, OWN],
        renamed,
        renames=Renames(tables={("public", "cards"): "notes"}),
    )


def test_table_dropped_and_created_with_its_policies(cluster: Cluster) -> None:
    run_oracle(cluster, [CARDS, SECURED, OWN], [])


def test_policy_in_another_schema(cluster: Cluster) -> None:
    table = "CREATE TABLE app.cards (id bigint PRIMARY KEY, owner text)"
    run_oracle(
        cluster,
        ["CREATE SCHEMA app", table],
        [
            "CREATE SCHEMA app",
            table,
            "ALTER TABLE app.cards ENABLE ROW LEVEL SECURITY",
            f'CREATE POLICY "Own cards" ON app.cards AS RESTRICTIVE FOR DELETE TO {READER} USING (owner = current_user)',
        ],
        schemas=("public", "app"),
    )
