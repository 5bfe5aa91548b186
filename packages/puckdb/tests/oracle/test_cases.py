"""The round-trip oracle, hand-written: one pair of DDL scripts (A, B) per object kind and
kind of change, each checked forward, backward and for an empty re-diff (see
:func:`.support.run_oracle`). Where data could be lost by a careless plan, rows are
inserted at A and checked on both sides.
"""

from __future__ import annotations

from decimal import Decimal

from puckdb.diff import Renames

from .support import Cluster, Rows, run_oracle

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, name text)"
VECTOR = "CREATE EXTENSION vector"


# --- tables ---------------------------------------------------------------------------------


def test_table_added(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, "CREATE TABLE decks (id bigint PRIMARY KEY, title text NOT NULL)"])


def test_table_dropped(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS, "CREATE TABLE decks (id bigint PRIMARY KEY)"], [USERS])


def test_rename_table(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE people (id bigint PRIMARY KEY, name text)"],
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text)"],
        renames=Renames(tables={("public", "people"): "users"}),
        data="INSERT INTO people VALUES (1, 'ann')",
        forward_rows=[Rows("SELECT id, name FROM users", [(1, "ann")])],
        backward_rows=[Rows("SELECT id, name FROM people", [(1, "ann")])],
    )


def test_unlogged_table(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE cache (key text PRIMARY KEY, value jsonb)"],
        ["CREATE UNLOGGED TABLE cache (key text PRIMARY KEY, value jsonb)"],
        data="""INSERT INTO cache VALUES ('k', '{"a": 1}')""",
        forward_rows=[Rows("SELECT key FROM cache", [("k",)])],
        backward_rows=[Rows("SELECT key FROM cache", [("k",)])],
    )


def test_rls_enabled(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, "ALTER TABLE users ENABLE ROW LEVEL SECURITY"])


def test_rls_forced(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS, "ALTER TABLE users ENABLE ROW LEVEL SECURITY"],
        [USERS, "ALTER TABLE users ENABLE ROW LEVEL SECURITY", "ALTER TABLE users FORCE ROW LEVEL SECURITY"],
    )


def test_table_comment_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS, "COMMENT ON TABLE users IS 'people who study'"],
        [USERS, "COMMENT ON TABLE users IS 'people who study; it''s them'"],
    )


def test_schema_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        [
            USERS,
            "CREATE SCHEMA audit",
            "CREATE TABLE audit.events (id bigint PRIMARY KEY, user_id bigint REFERENCES public.users (id))",
        ],
        schemas=("public", "audit"),
    )


def test_schema_comment_added(cluster: Cluster) -> None:
    schema = [USERS, "CREATE SCHEMA audit"]
    run_oracle(
        cluster,
        schema,
        [*schema, "COMMENT ON SCHEMA audit IS 'who changed what'"],
        schemas=("public", "audit"),
    )


def test_schema_comment_changed_and_removed(cluster: Cluster) -> None:
    schema = [USERS, "CREATE SCHEMA audit", "CREATE SCHEMA app"]
    run_oracle(
        cluster,
        [*schema, "COMMENT ON SCHEMA audit IS 'who changed what'", "COMMENT ON SCHEMA app IS 'the app'"],
        [*schema, "COMMENT ON SCHEMA audit IS 'who changed what, and when; it''s kept'"],
        schemas=("public", "audit", "app"),
    )


def test_public_schema_comment_replaced_and_removed(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, "COMMENT ON SCHEMA public IS 'the app''s tables'"])
    run_oracle(cluster, [USERS, "COMMENT ON SCHEMA public IS 'the app''s tables'"], [USERS])
    # initdb's comment and none are the same to the model (a re-created public has none).
    run_oracle(cluster, [USERS], [USERS, "COMMENT ON SCHEMA public IS NULL"])


def test_schema_added_with_a_comment(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        [
            USERS,
            "CREATE SCHEMA audit",
            "COMMENT ON SCHEMA audit IS 'who changed what'",
            "CREATE TABLE audit.events (id bigint PRIMARY KEY)",
        ],
        schemas=("public", "audit"),
    )


# --- columns --------------------------------------------------------------------------------


def test_add_column(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text, email varchar(200) NOT NULL DEFAULT '')"],
        data="INSERT INTO users VALUES (1, 'ann')",
        forward_rows=[Rows("SELECT id, name, email FROM users", [(1, "ann", "")])],
    )


def test_drop_column(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text, email text)"],
        [USERS],
        data="INSERT INTO users VALUES (1, 'ann', 'ann@example.org')",
        forward_rows=[Rows("SELECT id, name FROM users", [(1, "ann")])],
    )


def test_rename_column(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        ["CREATE TABLE users (id bigint PRIMARY KEY, full_name text)"],
        renames=Renames(columns={("public", "users", "name"): "full_name"}),
        data="INSERT INTO users VALUES (1, 'ann')",
        forward_rows=[Rows("SELECT full_name FROM users", [("ann",)])],
        backward_rows=[Rows("SELECT name FROM users", [("ann",)])],
    )


def test_column_type_int_to_bigint(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE cards (id integer PRIMARY KEY, reviews integer NOT NULL DEFAULT 0)"],
        ["CREATE TABLE cards (id integer PRIMARY KEY, reviews bigint NOT NULL DEFAULT 0)"],
        data="INSERT INTO cards VALUES (1, 5)",
        forward_rows=[Rows("SELECT reviews FROM cards", [(5,)])],
        backward_rows=[Rows("SELECT reviews FROM cards", [(5,)])],
    )


def test_column_type_text_to_integer_needs_using(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE cards (id integer PRIMARY KEY, reviews text)"],
        ["CREATE TABLE cards (id integer PRIMARY KEY, reviews integer)"],
        data="INSERT INTO cards VALUES (1, '42'), (2, '42')",
        forward_rows=[Rows("SELECT reviews FROM cards ORDER BY id", [(42,), (42,)])],
        backward_rows=[Rows("SELECT reviews FROM cards ORDER BY id", [("42",), ("42",)])],
    )


def test_column_type_varchar_widened(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, code varchar(10))"],
        ["CREATE TABLE users (id bigint PRIMARY KEY, code varchar(20))"],
        data="INSERT INTO users VALUES (1, 'abc')",
        forward_rows=[Rows("SELECT code FROM users", [("abc",)])],
        backward_rows=[Rows("SELECT code FROM users", [("abc",)])],
    )


def test_column_type_varchar_to_text(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) DEFAULT 'x')"],
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text DEFAULT 'x')"],
    )


def test_column_type_numeric_precision_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10, 2))"],
        ["CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(12, 4))"],
        data="INSERT INTO prices VALUES (1, 12.5)",
        forward_rows=[Rows("SELECT amount FROM prices", [(Decimal("12.5000"),)])],
        backward_rows=[Rows("SELECT amount FROM prices", [(Decimal("12.50"),)])],
    )


def test_column_type_array_widened(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE decks (id bigint PRIMARY KEY, card_ids integer[] DEFAULT '{}')"],
        ["CREATE TABLE decks (id bigint PRIMARY KEY, card_ids bigint[] DEFAULT '{}')"],
        data="INSERT INTO decks VALUES (1, '{1,2}')",
        forward_rows=[Rows("SELECT card_ids FROM decks", [([1, 2],)])],
        backward_rows=[Rows("SELECT card_ids FROM decks", [([1, 2],)])],
    )


def test_column_type_timestamp_to_timestamptz(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL DEFAULT now())"],
        ["CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"],
    )


def test_vector_dimensions_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [VECTOR, "CREATE TABLE cards (id bigint PRIMARY KEY, embedding vector(3))"],
        [VECTOR, "CREATE TABLE cards (id bigint PRIMARY KEY, embedding vector(4))"],
    )


def test_set_not_null(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL)"],
        data="INSERT INTO users VALUES (1, 'ann')",
        forward_rows=[Rows("SELECT name FROM users", [("ann",)])],
    )


def test_drop_default(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, created timestamptz NOT NULL DEFAULT now())"],
        ["CREATE TABLE users (id bigint PRIMARY KEY, created timestamptz NOT NULL)"],
    )


def test_default_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE cards (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new', id2 uuid)"],
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'open', "
            "id2 uuid DEFAULT gen_random_uuid())"
        ],
    )


def test_identity_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text)"],
        ["CREATE TABLE users (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text)"],
        data="INSERT INTO users VALUES (7, 'ann')",
        forward_rows=[Rows("SELECT id, name FROM users", [(7, "ann")])],
        backward_rows=[Rows("SELECT id, name FROM users", [(7, "ann")])],
    )


def test_identity_options_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text)"],
        [
            "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5) "
            "PRIMARY KEY, name text)"
        ],
    )


def test_identity_column_widened(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)"],
        ["CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)"],
    )


def test_identity_replaced_by_serial(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text)"],
        ["CREATE TABLE users (id serial PRIMARY KEY, name text)"],
    )


def test_table_dropped_with_the_key_its_foreign_key_used(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TABLE decks (id bigint PRIMARY KEY, code text CONSTRAINT decks_code_key UNIQUE)",
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint REFERENCES decks (id),"
            " deck_code text REFERENCES decks (code))",
        ],
        ["CREATE TABLE decks (id bigint, code text)"],
    )


def test_generated_column_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE lines (id bigint PRIMARY KEY, price numeric(10, 2), quantity integer)"],
        [
            "CREATE TABLE lines (id bigint PRIMARY KEY, price numeric(10, 2), quantity integer, "
            "total numeric GENERATED ALWAYS AS (price * quantity) STORED)"
        ],
        data="INSERT INTO lines VALUES (1, 10, 2)",
        forward_rows=[Rows("SELECT total FROM lines", [(Decimal("20.00"),)])],
    )


def test_generated_column_expression_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TABLE lines (id bigint PRIMARY KEY, price numeric(10, 2), quantity integer, "
            "total numeric GENERATED ALWAYS AS (price * quantity) STORED)"
        ],
        [
            "CREATE TABLE lines (id bigint PRIMARY KEY, price numeric(10, 2), quantity integer, "
            "total numeric GENERATED ALWAYS AS (price * quantity * 2) STORED)"
        ],
        data="INSERT INTO lines (id, price, quantity) VALUES (1, 10, 2)",
        forward_rows=[
            Rows("SELECT price, quantity, total FROM lines", [(Decimal("10.00"), 2, Decimal("40.00"))])
        ],
        backward_rows=[
            Rows("SELECT price, quantity, total FROM lines", [(Decimal("10.00"), 2, Decimal("20.00"))])
        ],
    )


def test_column_collation_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, name text)"],
        ['CREATE TABLE users (id bigint PRIMARY KEY, name text COLLATE "C")'],
        data="INSERT INTO users VALUES (1, 'ann')",
        forward_rows=[Rows("SELECT name FROM users", [("ann",)])],
    )


def test_column_comment_removed(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS, "COMMENT ON COLUMN users.name IS 'what the user is called'"], [USERS])


# --- constraints ----------------------------------------------------------------------------


def test_primary_key_made_composite(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TABLE reviews (card_id bigint, at timestamptz NOT NULL,"
            " CONSTRAINT reviews_pkey PRIMARY KEY (card_id))"
        ],
        [
            "CREATE TABLE reviews (card_id bigint, at timestamptz,"
            " CONSTRAINT reviews_pkey PRIMARY KEY (card_id, at))"
        ],
    )


def test_check_constraint_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE cards (id bigint PRIMARY KEY, ease real NOT NULL)"],
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, ease real NOT NULL"
            " CONSTRAINT cards_ease_check CHECK (ease > 0))"
        ],
    )


def test_check_constraint_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, ease real,"
            " CONSTRAINT cards_ease_check CHECK (ease > 0))"
        ],
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, ease real, "
            "CONSTRAINT cards_ease_check CHECK (ease BETWEEN 1.3 AND 5))"
        ],
        data="INSERT INTO cards VALUES (1, 2.5)",
        forward_rows=[Rows("SELECT ease FROM cards", [(2.5,)])],
    )


def test_column_type_changed_under_check_constraint(cluster: Cluster) -> None:
    # PostgreSQL re-parses a CHECK after ALTER COLUMN TYPE from its old text, casts
    # included, so the migrated constraint can read differently from a fresh one.
    run_oracle(
        cluster,
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, kind varchar(10)"
            " CONSTRAINT cards_kind_check CHECK (kind IN ('a', 'b')))"
        ],
        [
            "CREATE TABLE cards (id bigint PRIMARY KEY, kind text"
            " CONSTRAINT cards_kind_check CHECK (kind IN ('a', 'b')))"
        ],
    )


def test_unique_constraint_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, email text, team text)"],
        [
            "CREATE TABLE users (id bigint PRIMARY KEY, email text, team text, "
            "CONSTRAINT users_team_email_key UNIQUE (team, email))"
        ],
    )


def test_unique_nulls_not_distinct(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, email text, CONSTRAINT users_email_key UNIQUE (email))"],
        [
            "CREATE TABLE users (id bigint PRIMARY KEY, email text, "
            "CONSTRAINT users_email_key UNIQUE NULLS NOT DISTINCT (email))"
        ],
        data="INSERT INTO users VALUES (1, NULL), (2, 'ann@example.org')",
        forward_rows=[Rows("SELECT count(*) FROM users", [(2,)])],
    )


def test_constraint_renamed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE users (id bigint PRIMARY KEY, email text, CONSTRAINT users_email_key UNIQUE (email))"],
        [
            "CREATE TABLE users (id bigint PRIMARY KEY, email text,"
            " CONSTRAINT users_email_unique UNIQUE (email))"
        ],
    )


def test_exclusion_constraint_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange)"],
        [
            "CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange, "
            "CONSTRAINT bookings_during_excl EXCLUDE USING gist (during WITH &&))"
        ],
    )


def test_foreign_key_on_delete_changed(cluster: Cluster) -> None:
    decks = "CREATE TABLE decks (id bigint PRIMARY KEY)"
    run_oracle(
        cluster,
        [
            decks,
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint REFERENCES decks ON DELETE CASCADE)",
        ],
        [
            decks,
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint REFERENCES decks ON DELETE SET NULL)",
        ],
        data="INSERT INTO decks VALUES (1); INSERT INTO cards VALUES (10, 1)",
        forward_rows=[Rows("SELECT id, deck_id FROM cards", [(10, 1)])],
        backward_rows=[Rows("SELECT id, deck_id FROM cards", [(10, 1)])],
    )


def test_foreign_key_to_new_table(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint)"],
        [
            "CREATE TABLE decks (id bigint PRIMARY KEY, title text)",
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint REFERENCES decks (id))",
        ],
    )


def test_foreign_key_key_widened(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TABLE decks (id integer PRIMARY KEY)",
            "CREATE TABLE cards (id integer PRIMARY KEY, deck_id integer REFERENCES decks)",
        ],
        [
            "CREATE TABLE decks (id bigint PRIMARY KEY)",
            "CREATE TABLE cards (id integer PRIMARY KEY, deck_id bigint REFERENCES decks)",
        ],
        data="INSERT INTO decks VALUES (1); INSERT INTO cards VALUES (10, 1)",
        forward_rows=[Rows("SELECT deck_id FROM cards", [(1,)])],
    )


# --- indexes --------------------------------------------------------------------------------

CARDS = "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint, due date, front text, data jsonb)"


def test_index_added(cluster: Cluster) -> None:
    run_oracle(cluster, [CARDS], [CARDS, "CREATE INDEX cards_deck_id_due_idx ON cards (deck_id, due DESC)"])


def test_unique_index_with_include(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "CREATE INDEX cards_deck_id_idx ON cards (deck_id)"],
        [CARDS, "CREATE UNIQUE INDEX cards_deck_id_idx ON cards (deck_id) INCLUDE (due)"],
    )


def test_index_made_partial(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "CREATE INDEX cards_due_idx ON cards (due)"],
        [CARDS, "CREATE INDEX cards_due_idx ON cards (due) WHERE due IS NOT NULL"],
    )


def test_index_renamed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "CREATE INDEX cards_due_idx ON cards (due)"],
        [CARDS, "CREATE INDEX cards_due_date_idx ON cards (due)"],
    )


def test_expression_index(cluster: Cluster) -> None:
    run_oracle(cluster, [CARDS], [CARDS, "CREATE UNIQUE INDEX cards_front_lower_idx ON cards (lower(front))"])


def test_gin_index_on_jsonb(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "CREATE INDEX cards_data_idx ON cards USING gin (data)"],
        [CARDS, "CREATE INDEX cards_data_idx ON cards USING gin (data jsonb_path_ops)"],
    )


def test_gin_expression_index(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS],
        [CARDS, "CREATE INDEX cards_front_search_idx ON cards USING gin (to_tsvector('english', front))"],
    )


def test_hnsw_index_options_changed(cluster: Cluster) -> None:
    table = "CREATE TABLE cards (id bigint PRIMARY KEY, embedding vector(3))"
    run_oracle(
        cluster,
        [
            VECTOR,
            table,
            "CREATE INDEX cards_embedding_idx ON cards USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)",
        ],
        [
            VECTOR,
            table,
            "CREATE INDEX cards_embedding_idx ON cards USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 24, ef_construction = 100)",
        ],
        data="INSERT INTO cards VALUES (1, '[1,2,3]')",
        forward_rows=[Rows("SELECT id FROM cards ORDER BY embedding <=> '[1,2,3]' LIMIT 1", [(1,)])],
    )


def test_hnsw_operator_class_changed(cluster: Cluster) -> None:
    table = "CREATE TABLE cards (id bigint PRIMARY KEY, embedding vector(3))"
    run_oracle(
        cluster,
        [VECTOR, table, "CREATE INDEX cards_embedding_idx ON cards USING hnsw (embedding vector_l2_ops)"],
        [VECTOR, table, "CREATE INDEX cards_embedding_idx ON cards USING hnsw (embedding vector_cosine_ops)"],
    )


# --- enums ----------------------------------------------------------------------------------


def test_enum_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        [
            "CREATE TYPE mood AS ENUM ('sad', 'happy')",
            "CREATE TABLE users (id bigint PRIMARY KEY, name text, mood mood NOT NULL DEFAULT 'happy')",
        ],
    )


def test_enum_value_appended(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TYPE mood AS ENUM ('a', 'b')", "CREATE TABLE t (id bigint PRIMARY KEY, m mood)"],
        ["CREATE TYPE mood AS ENUM ('a', 'b', 'c')", "CREATE TABLE t (id bigint PRIMARY KEY, m mood)"],
    )


def test_enum_value_added_in_position(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TYPE mood AS ENUM ('a', 'c')", "CREATE TABLE t (id bigint PRIMARY KEY, m mood DEFAULT 'a')"],
        [
            "CREATE TYPE mood AS ENUM ('a', 'b', 'c')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood DEFAULT 'a')",
        ],
        data="INSERT INTO t VALUES (1, 'c'), (2, 'a')",
        forward_rows=[
            Rows("SELECT id, m::text FROM t ORDER BY m", [(2, "a"), (1, "c")]),
            Rows("SELECT enum_range(NULL::mood)::text", [("{a,b,c}",)]),
        ],
    )


def test_enum_value_added_and_used_in_the_same_change(cluster: Cluster) -> None:
    # Two migrations: the label commits first, so the rest may use it in its transaction
    # (PostgreSQL refuses a new label in the transaction that added it: unsafe use).
    run_oracle(
        cluster,
        ["CREATE TYPE mood AS ENUM ('a', 'c')", "CREATE TABLE t (id bigint PRIMARY KEY, m mood, note text)"],
        [
            "CREATE TYPE mood AS ENUM ('a', 'b', 'c')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood DEFAULT 'b' CHECK (m <> 'b' OR note IS NOT NULL), "
            "note text)",
            "CREATE VIEW bs AS SELECT id FROM t WHERE m = 'b'",
        ],
        data="INSERT INTO t VALUES (1, 'c', NULL)",
        forward_rows=[Rows("SELECT enum_range(NULL::mood)::text", [("{a,b,c}",)])],
        backward_rows=[Rows("SELECT id, m::text FROM t", [(1, "c")])],
    )


def test_enum_value_added_before_a_renamed_one_and_used(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TYPE mood AS ENUM ('a', 'c')", "CREATE TABLE t (id bigint PRIMARY KEY, m mood)"],
        [
            "CREATE TYPE mood AS ENUM ('a', 'b', 'see')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood DEFAULT 'b')",
        ],
        renames=Renames(enum_values={("public", "mood", "c"): "see"}),
        data="INSERT INTO t VALUES (1, 'c')",
        forward_rows=[Rows("SELECT m::text FROM t", [("see",)])],
        backward_rows=[Rows("SELECT m::text FROM t", [("c",)])],
    )


def test_enum_value_removed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TYPE mood AS ENUM ('a', 'b', 'c')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood NOT NULL DEFAULT 'a', ms mood[])",
        ],
        [
            "CREATE TYPE mood AS ENUM ('a', 'c')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood NOT NULL DEFAULT 'a', ms mood[])",
        ],
        data="INSERT INTO t VALUES (1, 'c', '{a,c}'), (2, 'a', NULL)",
        forward_rows=[
            Rows("SELECT id, m::text, ms::text FROM t ORDER BY id", [(1, "c", "{a,c}"), (2, "a", None)])
        ],
        backward_rows=[
            Rows("SELECT id, m::text, ms::text FROM t ORDER BY id", [(1, "c", "{a,c}"), (2, "a", None)])
        ],
    )


def test_enum_values_reordered(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TYPE level AS ENUM ('high', 'low')", "CREATE TABLE t (id bigint PRIMARY KEY, l level)"],
        ["CREATE TYPE level AS ENUM ('low', 'high')", "CREATE TABLE t (id bigint PRIMARY KEY, l level)"],
        data="INSERT INTO t VALUES (1, 'low')",
        forward_rows=[Rows("SELECT l::text FROM t", [("low",)])],
    )


def test_enum_recreated_while_another_column_leaves_it(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TYPE mood AS ENUM ('a', 'b', 'c')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood, n mood DEFAULT 'b')",
        ],
        [
            "CREATE TYPE mood AS ENUM ('a', 'c')",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood, n text DEFAULT 'b')",
        ],
        data="INSERT INTO t VALUES (1, 'c', 'b')",
        forward_rows=[Rows("SELECT m::text, n FROM t", [("c", "b")])],
        backward_rows=[Rows("SELECT m::text, n::text FROM t", [("c", "b")])],
    )


def test_enum_recreated_under_a_foreign_key(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TYPE mood AS ENUM ('a', 'b', 'c')",
            "CREATE TABLE moods (m mood PRIMARY KEY)",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood REFERENCES moods (m))",
        ],
        [
            "CREATE TYPE mood AS ENUM ('c', 'a')",
            "CREATE TABLE moods (m mood PRIMARY KEY)",
            "CREATE TABLE t (id bigint PRIMARY KEY, m mood REFERENCES moods (m))",
        ],
        data=["INSERT INTO moods VALUES ('a'), ('c')", "INSERT INTO t VALUES (1, 'c')"],
        forward_rows=[Rows("SELECT m::text FROM t", [("c",)])],
        backward_rows=[Rows("SELECT m::text FROM t", [("c",)])],
    )


# --- views ----------------------------------------------------------------------------------

ACCOUNTS = (
    "CREATE TABLE accounts (id bigint PRIMARY KEY, name text, email text, score integer, active boolean)"
)


def test_view_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [ACCOUNTS],
        [ACCOUNTS, "CREATE VIEW active_accounts AS SELECT id, name FROM accounts WHERE active"],
    )


def test_view_body_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [ACCOUNTS, "CREATE VIEW active_accounts AS SELECT id, name FROM accounts WHERE active"],
        [
            ACCOUNTS,
            "CREATE VIEW active_accounts AS SELECT id, email FROM accounts WHERE active AND score > 0",
        ],
    )


def test_view_depending_on_altered_column(cluster: Cluster) -> None:
    view = "CREATE VIEW top_accounts AS SELECT id, score FROM accounts WHERE score > 10"
    run_oracle(
        cluster,
        [ACCOUNTS, view],
        [ACCOUNTS.replace("score integer", "score bigint"), view],
        data="INSERT INTO accounts VALUES (1, 'ann', NULL, 11, true)",
        forward_rows=[Rows("SELECT id, score FROM top_accounts", [(1, 11)])],
        backward_rows=[Rows("SELECT id, score FROM top_accounts", [(1, 11)])],
    )


def test_view_depending_on_changed_view(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            ACCOUNTS,
            "CREATE VIEW active_accounts AS SELECT id, name FROM accounts WHERE active",
            "CREATE VIEW named_accounts AS SELECT id, name FROM active_accounts WHERE name IS NOT NULL",
        ],
        [
            ACCOUNTS,
            "CREATE VIEW active_accounts AS SELECT id, name, email FROM accounts WHERE active",
            "CREATE VIEW named_accounts AS SELECT id, name, "
            "email FROM active_accounts WHERE name IS NOT NULL",
        ],
    )


def test_materialized_view_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            ACCOUNTS,
            "CREATE MATERIALIZED VIEW account_scores AS SELECT id, score FROM accounts",
            "CREATE INDEX account_scores_id_idx ON account_scores (id)",
        ],
        [
            ACCOUNTS,
            "CREATE MATERIALIZED VIEW account_scores AS SELECT id, score, name FROM accounts WHERE active",
            "CREATE INDEX account_scores_id_idx ON account_scores (id)",
        ],
    )


def test_view_comment_changed(cluster: Cluster) -> None:
    view = "CREATE VIEW active_accounts AS SELECT id, name FROM accounts WHERE active"
    run_oracle(
        cluster,
        [ACCOUNTS, view, "COMMENT ON VIEW active_accounts IS 'who is active'"],
        [ACCOUNTS, view, "COMMENT ON VIEW active_accounts IS 'who is still active'"],
    )


def test_view_column_comments_added_changed_and_removed(cluster: Cluster) -> None:
    view = "CREATE VIEW active_accounts AS SELECT id, name, email FROM accounts WHERE active"
    scores = "CREATE MATERIALIZED VIEW account_scores AS SELECT id, score FROM accounts"
    run_oracle(
        cluster,
        [
            ACCOUNTS,
            view,
            scores,
            "COMMENT ON COLUMN active_accounts.name IS 'as they wrote it'",
            "COMMENT ON COLUMN active_accounts.email IS 'where to write'",
        ],
        [
            ACCOUNTS,
            view,
            scores,
            "COMMENT ON COLUMN active_accounts.id IS 'the account'",
            "COMMENT ON COLUMN active_accounts.name IS 'as they spelled it'",
            "COMMENT ON COLUMN account_scores.score IS 'points so far'",
        ],
    )


def test_view_with_column_comments_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [ACCOUNTS],
        [
            ACCOUNTS,
            "CREATE MATERIALIZED VIEW account_scores AS SELECT id, score FROM accounts",
            "COMMENT ON COLUMN account_scores.score IS 'points so far'",
            "COMMENT ON MATERIALIZED VIEW account_scores IS 'a snapshot'",
        ],
    )


def test_view_recreated_around_a_column_change_keeps_its_column_comments(cluster: Cluster) -> None:
    views = [
        "CREATE VIEW top_accounts AS SELECT id, score FROM accounts WHERE score > 10",
        "COMMENT ON COLUMN top_accounts.score IS 'points so far'",
        "CREATE MATERIALIZED VIEW account_scores AS SELECT id, score FROM accounts",
        "COMMENT ON COLUMN account_scores.id IS 'the account'",
    ]
    run_oracle(
        cluster,
        [ACCOUNTS, *views],
        [ACCOUNTS.replace("score integer", "score bigint"), *views],
        data="INSERT INTO accounts VALUES (1, 'ann', NULL, 11, true)",
        forward_rows=[Rows("SELECT col_description('top_accounts'::regclass, 2)", [("points so far",)])],
        backward_rows=[Rows("SELECT col_description('account_scores'::regclass, 1)", [("the account",)])],
    )


def test_view_body_changed_keeps_and_changes_column_comments(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            ACCOUNTS,
            "CREATE VIEW active_accounts AS SELECT id, name FROM accounts WHERE active",
            "COMMENT ON COLUMN active_accounts.name IS 'as they wrote it'",
        ],
        [
            ACCOUNTS,
            "CREATE VIEW active_accounts AS SELECT id, name, email FROM accounts WHERE active",
            "COMMENT ON COLUMN active_accounts.name IS 'as they wrote it'",
            "COMMENT ON COLUMN active_accounts.email IS 'where to write'",
        ],
    )


# --- sequences and extensions ---------------------------------------------------------------


def test_sequence_added(cluster: Cluster) -> None:
    run_oracle(cluster, [USERS], [USERS, "CREATE SEQUENCE invoice_numbers START WITH 1000 INCREMENT BY 10"])


def test_sequence_options_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS, "CREATE SEQUENCE invoice_numbers START WITH 1000"],
        [
            USERS,
            "CREATE SEQUENCE invoice_numbers AS integer START WITH 1000 INCREMENT BY 10 MAXVALUE 99999 CYCLE",
        ],
    )


def test_sequence_owned_by_column(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE SEQUENCE users_number_seq",
            "CREATE TABLE users (id bigint PRIMARY KEY, number bigint DEFAULT nextval('users_number_seq'))",
        ],
        [
            "CREATE SEQUENCE users_number_seq",
            "CREATE TABLE users (id bigint PRIMARY KEY, number bigint DEFAULT nextval('users_number_seq'))",
            "ALTER SEQUENCE users_number_seq OWNED BY users.number",
        ],
    )


def test_extension_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        [VECTOR, "CREATE TABLE users (id bigint PRIMARY KEY, name text, embedding vector(3))"],
    )


def test_enum_recreated_while_a_column_of_it_is_added(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TYPE level AS ENUM ('pink')", "CREATE TABLE decks (id bigint PRIMARY KEY)"],
        [
            "CREATE TYPE level AS ENUM ('red', 'green')",
            "CREATE TABLE decks (id bigint PRIMARY KEY, body level)",
            "CREATE TABLE tags (id bigint PRIMARY KEY, level level DEFAULT 'red')",
        ],
    )


# --- serial columns followed through renames -------------------------------------------------


def test_rename_table_with_a_serial_column_keeps_its_counter(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE people (id serial PRIMARY KEY, name text)"],
        ["CREATE TABLE users (id serial PRIMARY KEY, name text)"],
        renames=Renames(tables={("public", "people"): "users"}),
        data="INSERT INTO people (name) VALUES ('ann'), ('bob')",
        forward_rows=[Rows("INSERT INTO users (name) VALUES ('cy') RETURNING id", [(3,)])],
        backward_rows=[Rows("INSERT INTO people (name) VALUES ('di') RETURNING id", [(4,)])],
    )


def test_rename_serial_column_keeps_its_counter(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE TABLE tickets (id bigint PRIMARY KEY, number serial)"],
        ["CREATE TABLE tickets (id bigint PRIMARY KEY, seat serial)"],
        renames=Renames(columns={("public", "tickets", "number"): "seat"}),
        data="INSERT INTO tickets (id) VALUES (1), (2)",
        forward_rows=[Rows("INSERT INTO tickets (id) VALUES (3) RETURNING seat", [(3,)])],
        backward_rows=[Rows("INSERT INTO tickets (id) VALUES (4) RETURNING number", [(4,)])],
    )


# --- more constraint, index and type kinds ---------------------------------------------------

BOOKINGS = "CREATE TABLE bookings (id bigint PRIMARY KEY, room integer, during tstzrange)"


def test_exclusion_constraint_with_a_comment_created_with_its_table(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [USERS],
        [
            USERS,
            "CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange, "
            "CONSTRAINT bookings_during_excl EXCLUDE USING gist (during WITH &&))",
            "COMMENT ON CONSTRAINT bookings_during_excl ON bookings IS 'no double bookings'",
        ],
    )


def test_exclusion_constraint_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [BOOKINGS, "ALTER TABLE bookings ADD CONSTRAINT bookings_excl EXCLUDE USING gist (during WITH &&)"],
        [
            BOOKINGS,
            "ALTER TABLE bookings ADD CONSTRAINT bookings_excl EXCLUDE USING gist (during WITH &&) "
            "WHERE (room IS NOT NULL)",
        ],
        data="INSERT INTO bookings VALUES (1, 7, '[2026-01-01,2026-01-02)')",
        forward_rows=[Rows("SELECT id FROM bookings", [(1,)])],
    )


def test_foreign_key_match_deferrable_and_on_update_changed(cluster: Cluster) -> None:
    decks = "CREATE TABLE decks (id bigint, owner bigint, PRIMARY KEY (id, owner))"
    run_oracle(
        cluster,
        [
            decks,
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint, owner bigint,"
            " FOREIGN KEY (deck_id, owner) REFERENCES decks)",
        ],
        [
            decks,
            "CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint, owner bigint,"
            " FOREIGN KEY (deck_id, owner) REFERENCES decks MATCH FULL ON UPDATE CASCADE"
            " DEFERRABLE INITIALLY DEFERRED)",
        ],
        data="INSERT INTO decks VALUES (1, 2); INSERT INTO cards VALUES (10, 1, 2)",
        forward_rows=[Rows("SELECT deck_id, owner FROM cards", [(1, 2)])],
        backward_rows=[Rows("SELECT deck_id, owner FROM cards", [(1, 2)])],
    )


def test_unique_constraint_made_deferrable(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TABLE slots (id bigint PRIMARY KEY, position integer, CONSTRAINT slots_position_key UNIQUE (position))"
        ],
        [
            "CREATE TABLE slots (id bigint PRIMARY KEY, position integer,"
            " CONSTRAINT slots_position_key UNIQUE (position) DEFERRABLE INITIALLY DEFERRED)"
        ],
        data="INSERT INTO slots VALUES (1, 1), (2, 2)",
        forward_rows=[Rows("SELECT count(*) FROM slots", [(2,)])],
    )


def test_hash_brin_and_gist_indexes(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [BOOKINGS],
        [
            BOOKINGS,
            "CREATE INDEX bookings_room_hash_idx ON bookings USING hash (room)",
            "CREATE INDEX bookings_id_brin_idx ON bookings USING brin (id) WITH (pages_per_range = 32)",
            "CREATE INDEX bookings_during_idx ON bookings USING gist (during)",
        ],
    )


def test_ivfflat_index_lists_changed(cluster: Cluster) -> None:
    table = "CREATE TABLE cards (id bigint PRIMARY KEY, embedding vector(3))"
    run_oracle(
        cluster,
        [
            VECTOR,
            table,
            "CREATE INDEX cards_embedding_idx ON cards USING ivfflat (embedding vector_ip_ops) WITH (lists = 4)",
        ],
        [
            VECTOR,
            table,
            "CREATE INDEX cards_embedding_idx ON cards USING ivfflat (embedding vector_ip_ops) WITH (lists = 8)",
        ],
    )


def test_index_nulls_order_and_storage_parameters_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            CARDS,
            "CREATE INDEX cards_due_idx ON cards (due NULLS FIRST) WITH (fillfactor = 70)",
            "CREATE INDEX cards_data_idx ON cards USING gin (data)",
        ],
        [
            CARDS,
            "CREATE INDEX cards_due_idx ON cards (due DESC NULLS LAST) WITH (fillfactor = 90)",
            "CREATE INDEX cards_data_idx ON cards USING gin (data) WITH (fastupdate = off)",
        ],
    )


def test_comments_on_index_constraint_type_and_sequence(cluster: Cluster) -> None:
    schema = [
        "CREATE TYPE mood AS ENUM ('a', 'b')",
        "CREATE SEQUENCE ticket_numbers",
        "CREATE TABLE users (id bigint PRIMARY KEY, mood mood)",
        "CREATE INDEX users_mood_idx ON users (mood)",
    ]
    run_oracle(
        cluster,
        schema,
        [
            *schema,
            "COMMENT ON INDEX users_mood_idx IS 'who feels what'",
            "COMMENT ON CONSTRAINT users_pkey ON users IS 'the id'",
            "COMMENT ON TYPE mood IS 'how one feels'",
            "COMMENT ON SEQUENCE ticket_numbers IS 'printed on tickets'",
        ],
    )


def test_halfvec_sparsevec_and_bit_columns_changed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            VECTOR,
            "CREATE TABLE items (id bigint PRIMARY KEY, embedding halfvec(3), sparse sparsevec(5), flags bit(4))",
        ],
        [VECTOR, "CREATE TABLE items (id bigint PRIMARY KEY, embedding halfvec(4), flags bit varying(8))"],
        data="INSERT INTO items (id, flags) VALUES (1, B'1010')",
        forward_rows=[Rows("SELECT flags::text FROM items", [("1010",)])],
    )


def test_enum_value_renamed(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [
            "CREATE TYPE status AS ENUM ('draft', 'live')",
            "CREATE TABLE posts (id bigint PRIMARY KEY, s status)",
        ],
        [
            "CREATE TYPE status AS ENUM ('draft', 'published')",
            "CREATE TABLE posts (id bigint PRIMARY KEY, s status)",
        ],
        renames=Renames(enum_values={("public", "status", "live"): "published"}),
        data="INSERT INTO posts VALUES (1, 'live'), (2, 'draft')",
        forward_rows=[Rows("SELECT id, s::text FROM posts ORDER BY id", [(1, "published"), (2, "draft")])],
        backward_rows=[Rows("SELECT id, s::text FROM posts ORDER BY id", [(1, "live"), (2, "draft")])],
    )


def test_rename_table_while_its_primary_key_is_added(cluster: Cluster) -> None:
    # Found by the generated oracle: the way back dropped the key of "users" before the
    # table had that name again.
    run_oracle(
        cluster,
        ["CREATE TABLE users (id integer NOT NULL, title text)"],
        [
            "CREATE TABLE users_v2 (id integer NOT NULL, title text, CONSTRAINT users_v2_pkey PRIMARY KEY (id))"
        ],
        renames=Renames(tables={("public", "users"): "users_v2"}),
        data="INSERT INTO users VALUES (1, 'a')",
        forward_rows=[Rows("SELECT id, title FROM users_v2", [(1, "a")])],
        backward_rows=[Rows("SELECT id, title FROM users", [(1, "a")])],
    )


def test_rename_column_while_its_index_is_dropped(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        [CARDS, "CREATE INDEX cards_due_idx ON cards (due)"],
        ["CREATE TABLE cards (id bigint PRIMARY KEY, deck_id bigint, due_on date, front text, data jsonb)"],
        renames=Renames(columns={("public", "cards", "due"): "due_on"}),
        data="INSERT INTO cards (id, due) VALUES (1, '2026-12-01')",
        forward_rows=[Rows("SELECT due_on::text FROM cards", [("2026-12-01",)])],
        backward_rows=[Rows("SELECT due::text FROM cards", [("2026-12-01",)])],
    )


def test_unique_constraint_over_the_primary_key_columns_survives_a_create_table(cluster: Cluster) -> None:
    # CREATE TABLE drops a UNIQUE that repeats the primary key's columns (or an earlier
    # UNIQUE's); a database that has one (added by ALTER TABLE) must get it back.
    schema = [
        "CREATE TABLE users (id text PRIMARY KEY, email text)",
        "ALTER TABLE users ADD CONSTRAINT users_id_key UNIQUE (id)",
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
        "ALTER TABLE users ADD CONSTRAINT users_email_again_key UNIQUE (email)",
    ]
    run_oracle(cluster, [VECTOR], [VECTOR, *schema])


def test_extension_moved_between_managed_schemas(cluster: Cluster) -> None:
    run_oracle(
        cluster,
        ["CREATE SCHEMA ext", "CREATE EXTENSION vector"],
        ["CREATE SCHEMA ext", "CREATE EXTENSION vector SCHEMA ext"],
        schemas=("public", "ext"),
    )
