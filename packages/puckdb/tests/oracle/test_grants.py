"""The round-trip oracle for grants: on each kind of object, with grant option, PUBLIC's
default EXECUTE revoked, and a re-created view or function keeping its grants.

Roles are cluster-wide and test workers share the cluster: the grantees are built-in roles
(pg_read_all_data, pg_monitor, pg_signal_backend), which every server has."""

from __future__ import annotations

from puckdb.diff import Renames

from .support import Cluster, run_oracle, settled

CARDS = "CREATE TABLE cards (id bigint PRIMARY KEY, front text)"
VIEW = "CREATE VIEW fronts AS SELECT id, front FROM cards"
FUNCTION = "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'"


def test_table_grants_added_changed_and_revoked(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "GRANT SELECT, UPDATE ON cards TO pg_monitor"],
        [
            CARDS,
            "GRANT SELECT, INSERT ON cards TO pg_monitor",
            "GRANT SELECT ON cards TO pg_read_all_data WITH GRANT OPTION",
            "GRANT DELETE ON cards TO PUBLIC",
        ],
    )


def test_grant_option_added_and_removed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "GRANT SELECT ON cards TO pg_monitor"],
        [CARDS, "GRANT SELECT, INSERT ON cards TO pg_monitor WITH GRANT OPTION"],
    )


def test_sequence_schema_and_type_grants(cluster: Cluster) -> None:
    base = ["CREATE SCHEMA app", "CREATE SEQUENCE app.ids", "CREATE TYPE app.mood AS ENUM ('ok', 'sad')"]
    run_oracle(
        cluster,
        base,
        [
            *base,
            "GRANT USAGE ON SCHEMA app TO pg_monitor",
            "GRANT USAGE, SELECT ON SEQUENCE app.ids TO pg_monitor",
            "REVOKE USAGE ON TYPE app.mood FROM PUBLIC",
            "GRANT USAGE ON TYPE app.mood TO pg_signal_backend",
        ],
        schemas=("public", "app"),
    )


def test_function_execute_revoked_from_public_and_granted_to_a_role(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [FUNCTION],
        [
            FUNCTION,
            "REVOKE EXECUTE ON FUNCTION one() FROM PUBLIC",
            "GRANT EXECUTE ON FUNCTION one() TO pg_monitor",
        ],
    )


def test_re_created_view_and_function_keep_their_grants(cluster: Cluster) -> None:
    grants = [
        "GRANT SELECT ON fronts TO pg_monitor",
        "REVOKE EXECUTE ON FUNCTION one() FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION one() TO pg_monitor",
    ]
    run_oracle(
        cluster,
        [CARDS, VIEW, FUNCTION, *grants],
        # A type change of a column the view reads re-creates the view; a new result type
        # re-creates the function.
        [
            CARDS.replace("front text", "front varchar(200)"),
            VIEW,
            FUNCTION.replace("RETURNS int", "RETURNS bigint"),
            *grants,
        ],
    )


def test_re_created_enum_keeps_its_grants(cluster: Cluster) -> None:
    grants = ["REVOKE USAGE ON TYPE mood FROM PUBLIC", "GRANT USAGE ON TYPE mood TO pg_monitor"]
    run_oracle(
        cluster,
        ["CREATE TYPE mood AS ENUM ('ok', 'sad')", *grants],
        # A removed label re-creates the type.
        ["CREATE TYPE mood AS ENUM ('ok')", *grants],
    )


def test_grants_follow_a_renamed_table(cluster: Cluster) -> None:
    # Found by the property oracle: the grant was revoked under the old name after the
    # rename, which PostgreSQL refuses (the relation no longer exists).
    grant = "GRANT SELECT ON cards TO pg_monitor"
    run_oracle(
        cluster,
        [CARDS, grant],
        [
            CARDS.replace("cards", "decks"),
            grant.replace("cards", "decks"),
            "GRANT INSERT ON decks TO pg_monitor",
        ],
        renames=Renames(tables={("public", "cards"): "decks"}),
    )


def test_public_schema_privileges_of_public(cluster: Cluster) -> None:
    # Found on pagila (REVOKE USAGE … FROM PUBLIC; GRANT ALL … TO PUBLIC): PUBLIC's entries
    # on schema public were left out altogether, so its CREATE went unseen. Its USAGE is
    # initdb's default there, so only what differs from it is modelled.
    run_oracle(cluster, [CARDS], [CARDS, "GRANT CREATE ON SCHEMA public TO PUBLIC"])
    run_oracle(cluster, [CARDS], [CARDS, "REVOKE USAGE ON SCHEMA public FROM PUBLIC"])
    run_oracle(cluster, [CARDS], [CARDS, "GRANT USAGE ON SCHEMA public TO PUBLIC"])


def test_public_schema_default_usage_is_no_grant(cluster: Cluster) -> None:
    default = settled(cluster, [CARDS, "GRANT USAGE ON SCHEMA public TO PUBLIC"], ("public",))
    widened = settled(cluster, [CARDS, "GRANT CREATE ON SCHEMA public TO PUBLIC"], ("public",))
    assert [g for g in default.grants if g.kind == "schema"] == []
    assert [(g.grantee, g.privileges) for g in widened.grants if g.kind == "schema"] == [
        ("public", ("CREATE", "USAGE"))
    ]
