"""StudyPuck's migrations build, on PostgreSQL with pgvector, the tables, indexes, keys and
views the application relies on, under exactly the names its models declare."""

import time

import psycopg
from sqlalchemy import Index, Table

from studypuck_database import metadata

EXPECTED_TABLES = {
    "users",
    "study_languages",
    "groups",
    "cards",
    "card_groups",
    "inbox_notes",
    "note_card_links",
    "card_entry_daily_stats",
    "card_review_srs",
    "card_review_events",
    "card_review_daily_stats",
    "translation_drill_srs",
    "translation_drill_draw_piles",
    "translation_drill_context",
    "translation_drill_daily_stats",
}

EXPECTED_TIMESTAMPTZ = {
    ("users", "last_login_at"),
    ("users", "created_at"),
    ("study_languages", "created_at"),
    ("groups", "embedding_generated_at"),
    ("groups", "created_at"),
    ("cards", "embedding_generated_at"),
    ("cards", "created_at"),
    ("cards", "updated_at"),
    ("cards", "deleted_at"),
    ("card_groups", "assigned_at"),
    ("inbox_notes", "created_at"),
    ("note_card_links", "created_at"),
    ("card_review_srs", "snoozed_until"),
    ("card_review_events", "occurred_at"),
    ("translation_drill_draw_piles", "refilled_at"),
    ("translation_drill_draw_piles", "created_at"),
    ("translation_drill_context", "created_at"),
}

POSTGRES_MAX_IDENTIFIER_BYTES = 63


def rows(url: str, query: str, *params: object) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def index_definitions(url: str, table: str) -> dict[str, str]:
    return dict(
        rows(
            url,
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass",
            table,
        )
    )


def test_all_tables_and_views_exist(puckdb_url):
    relations = rows(
        puckdb_url,
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm')",
    )
    assert {name for name, kind in relations if kind == "r"} == EXPECTED_TABLES
    assert {name for name, kind in relations if kind == "v"} == {
        "card_review_due",
        "translation_active_cards",
    }


def test_vector_columns_have_768_dimensions(puckdb_url):
    types = rows(
        puckdb_url,
        "SELECT a.attrelid::regclass::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE a.attname = 'embedding' AND c.relkind = 'r' AND NOT a.attisdropped ORDER BY 1",
    )
    assert types == [("cards", "vector(768)"), ("groups", "vector(768)")]


def test_embedding_indexes_are_hnsw_with_cosine_ops(puckdb_url):
    indexes = rows(
        puckdb_url,
        "SELECT x.indrelid::regclass::text, i.relname, am.amname, opc.opcname "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam "
        "JOIN pg_opclass opc ON opc.oid = x.indclass[0] WHERE am.amname = 'hnsw' ORDER BY 1",
    )
    assert indexes == [
        ("cards", "cards_embedding_hnsw_idx", "hnsw", "vector_cosine_ops"),
        ("groups", "groups_embedding_hnsw_idx", "hnsw", "vector_cosine_ops"),
    ]


def test_full_text_gin_indexes_cover_content_meaning_examples_mnemonics(puckdb_url):
    definitions = index_definitions(puckdb_url, "cards")
    for config in ("english", "simple"):
        definition = definitions[f"cards_search_{config}_idx"]
        assert "USING gin (to_tsvector(" in definition
        assert f"'{config}'::regconfig" in definition
        for piece in ("content", "COALESCE(meaning, ''::text)", "(examples)::text", "(mnemonics)::text"):
            assert piece in definition, (config, piece)


def test_partial_indexes_skip_soft_deleted_cards(puckdb_url):
    predicates = dict(
        rows(
            puckdb_url,
            "SELECT i.relname, pg_get_expr(x.indpred, x.indrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indpred IS NOT NULL",
        )
    )
    assert predicates == {
        "cards_live_type_idx": "(deleted_at IS NULL)",
        "cards_live_updated_idx": "(deleted_at IS NULL)",
    }
    definitions = index_definitions(puckdb_url, "cards")
    assert "(user_id, language_id, card_type)" in definitions["cards_live_type_idx"]
    assert "(user_id, language_id, updated_at)" in definitions["cards_live_updated_idx"]


def test_every_foreign_key_cascades_on_delete(puckdb_url):
    keys = rows(
        puckdb_url,
        "SELECT conrelid::regclass::text, confrelid::regclass::text, confdeltype FROM pg_constraint "
        "WHERE contype = 'f' ORDER BY 1, 2",
    )
    assert {delete for _, _, delete in keys} == {"c"}
    pairs = {(child, parent) for child, parent, _ in keys}
    assert ("study_languages", "users") in pairs
    assert ("card_groups", "cards") in pairs and ("card_groups", "groups") in pairs
    assert ("note_card_links", "inbox_notes") in pairs and ("note_card_links", "cards") in pairs
    for table in (
        "card_review_srs",
        "card_review_events",
        "translation_drill_srs",
        "translation_drill_context",
    ):
        assert (table, "cards") in pairs, table
    for table in EXPECTED_TABLES - {"users", "study_languages"}:
        assert (table, "study_languages") in pairs, table


def test_timestamps_are_timestamptz_everywhere(puckdb_url):
    columns = rows(
        puckdb_url,
        "SELECT a.attrelid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.atttypid IN ('timestamp'::regtype, 'timestamptz'::regtype)",
    )
    assert {type_ for _, _, type_ in columns} == {"timestamp with time zone"}
    assert {(table, column) for table, column, _ in columns} == EXPECTED_TIMESTAMPTZ


def test_created_at_and_updated_at_default_to_now(puckdb_url):
    defaults = rows(
        puckdb_url,
        "SELECT table_name, column_name, column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name IN ('created_at', 'updated_at', 'occurred_at')",
    )
    assert defaults
    for table, column, default in defaults:
        assert default == "now()", (table, column)


def test_defaults_and_not_null_of_review_state(puckdb_url):
    columns = {
        name: (nullable, default)
        for name, nullable, default in rows(
            puckdb_url,
            "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = 'card_review_srs'",
        )
    }
    assert columns["next_due"] == ("NO", "0")
    assert columns["state"] == ("NO", "'active'::text")
    assert columns["ease_factor"][1] == "2.5"
    assert columns["interval_days"][1] == "1"
    assert columns["review_count"][1] == "0"


def declared_names() -> set[str]:
    names: set[str] = set()
    for table in metadata.tables.values():
        assert isinstance(table, Table)
        names.update(str(constraint.name) for constraint in table.constraints)
        names.update(str(index.name) for index in table.indexes if isinstance(index, Index))
    return names


def test_every_declared_name_fits_a_postgres_identifier():
    too_long = {name for name in declared_names() if len(name.encode()) > POSTGRES_MAX_IDENTIFIER_BYTES}
    assert not too_long
    assert "None" not in declared_names()


def test_database_uses_exactly_the_declared_names(puckdb_url):
    # Names come from the models, never from Postgres' defaults or truncation: migrations
    # refer to them.
    constraints = rows(
        puckdb_url,
        "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'c')",
    )
    indexes = rows(
        puckdb_url,
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_namespace n ON n.oid = i.relnamespace "
        "WHERE n.nspname = 'public' AND NOT x.indisprimary AND NOT x.indisunique",
    )
    assert {name for (name,) in constraints + indexes} == declared_names()


def seed(url: str) -> None:
    """One learner with cards in every state the views must tell apart."""
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO users (user_id, email) VALUES ('u1', 'u1@example.com')")
        conn.execute(
            "INSERT INTO study_languages (user_id, language_id, language_name) VALUES ('u1', 'es', 'Spanish')"
        )
        now = int(time.time())
        cards = [
            # card_id, status, soft-deleted, next_due (epoch seconds), srs state
            ("c1", "active", False, 0, "active"),
            ("c2", "active", True, 0, "active"),
            ("c3", "suspended", False, 0, "active"),
            ("c4", "active", False, now + 86400, "active"),
            ("c5", "active", False, now - 60, "active"),
            ("c6", "active", False, 0, "snoozed"),
        ]
        for card_id, status, deleted, due, state in cards:
            conn.execute(
                "INSERT INTO cards (user_id, language_id, card_id, content, status, deleted_at) "
                "VALUES ('u1', 'es', %s, %s, %s, CASE WHEN %s THEN now() END)",
                (card_id, f"palabra {card_id}", status, deleted),
            )
            conn.execute(
                "INSERT INTO card_review_srs (user_id, language_id, card_id, next_due, state) "
                "VALUES ('u1', 'es', %s, %s, %s)",
                (card_id, due, state),
            )
        conn.execute(
            "INSERT INTO translation_drill_context (user_id, language_id, context_id, card_id, source_sentence, state) "
            "VALUES ('u1', 'es', 'x1', 'c1', 'Una frase.', 'active'), ('u1', 'es', 'x2', 'c3', 'Otra.', 'active'), "
            "('u1', 'es', 'x3', 'c1', 'Vieja.', 'retired'), ('u1', 'es', 'x4', 'c2', 'Borrada.', 'active')"
        )


def test_card_review_due_lists_active_live_cards_that_are_due(puckdb_url):
    seed(puckdb_url)
    due = rows(puckdb_url, "SELECT card_id, content, next_due <= 0 FROM card_review_due ORDER BY card_id")
    assert due == [("c1", "palabra c1", True), ("c5", "palabra c5", False)]


def test_translation_active_cards_joins_active_context(puckdb_url):
    seed(puckdb_url)
    active = rows(
        puckdb_url,
        "SELECT card_id, context_id, source_sentence FROM translation_active_cards ORDER BY 1, 2",
    )
    assert active == [("c1", "x1", "Una frase.")]
