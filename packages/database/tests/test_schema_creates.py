"""StudyPuck's models create on PostgreSQL 16 and 18 with pgvector, with the indexes,
keys and views the application relies on."""

import psycopg

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


def rows(url: str, query: str, *params: object) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def index_definitions(url: str, table: str) -> dict[str, str]:
    return dict(rows(url, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", table))


def test_all_tables_exist(studypuck_url):
    found = {
        name for (name,) in rows(studypuck_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }
    assert found == EXPECTED_TABLES


def test_vector_columns_and_cosine_hnsw_indexes(studypuck_url):
    types = rows(
        studypuck_url,
        "SELECT table_name, format_type(a.atttypid, a.atttypmod) FROM information_schema.columns c "
        "JOIN pg_attribute a ON a.attrelid = (c.table_name)::regclass AND a.attname = c.column_name "
        "WHERE c.column_name = 'embedding' ORDER BY 1",
    )
    assert types == [("cards", "vector(768)"), ("groups", "vector(768)")]
    for table in ("cards", "groups"):
        definition = index_definitions(studypuck_url, table)[f"{table}_embedding_hnsw_idx"]
        assert "USING hnsw (embedding vector_cosine_ops)" in definition


def test_full_text_gin_indexes_cover_content_meaning_examples_mnemonics(studypuck_url):
    definitions = index_definitions(studypuck_url, "cards")
    for config in ("english", "simple"):
        definition = definitions[f"cards_search_{config}_idx"]
        assert "USING gin (to_tsvector(" in definition
        assert f"'{config}'::regconfig" in definition
        for column in ("content", "meaning", "examples", "mnemonics"):
            assert column in definition


def test_partial_indexes_skip_soft_deleted_cards(studypuck_url):
    definitions = index_definitions(studypuck_url, "cards")
    assert definitions["cards_live_type_idx"].endswith("WHERE (deleted_at IS NULL)")
    assert definitions["cards_live_updated_idx"].endswith("WHERE (deleted_at IS NULL)")


def test_every_foreign_key_cascades_on_delete(studypuck_url):
    keys = rows(
        studypuck_url,
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
        assert (table, "cards") in pairs
    for table in EXPECTED_TABLES - {"users", "study_languages", "card_groups", "note_card_links"}:
        assert (table, "study_languages") in pairs, table


def test_timestamps_are_timestamptz_and_created_at_defaults_to_now(studypuck_url):
    columns = rows(
        studypuck_url,
        "SELECT table_name, column_name, data_type, column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' AND (column_name LIKE '%%_at' OR column_name = 'snoozed_until')",
    )
    assert columns
    for table, column, data_type, default in columns:
        assert data_type == "timestamp with time zone", (table, column)
        if column == "created_at":
            assert default == "now()", table


def test_defaults_and_not_null_of_review_state(studypuck_url):
    columns = {
        name: (nullable, default)
        for name, nullable, default in rows(
            studypuck_url,
            "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_name = 'card_review_srs'",
        )
    }
    assert columns["next_due"] == ("NO", "0")
    assert columns["state"] == ("NO", "'active'::text")
    assert columns["ease_factor"][1] == "2.5"
    assert columns["interval_days"][1] == "1"


def seed(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO users (user_id, email) VALUES ('u1', 'u1@example.com')")
        conn.execute(
            "INSERT INTO study_languages (user_id, language_id, language_name) VALUES ('u1', 'es', 'Spanish')"
        )
        for card_id, status, deleted in [
            ("c1", "active", False),
            ("c2", "active", True),
            ("c3", "suspended", False),
        ]:
            conn.execute(
                "INSERT INTO cards (user_id, language_id, card_id, content, status, deleted_at) "
                "VALUES ('u1', 'es', %s, %s, %s, CASE WHEN %s THEN now() END)",
                (card_id, f"palabra {card_id}", status, deleted),
            )
        for card_id, due in [("c1", "0"), ("c2", "0"), ("c3", "0")]:
            conn.execute(
                "INSERT INTO card_review_srs (user_id, language_id, card_id, next_due) VALUES ('u1', 'es', %s, %s)",
                (card_id, int(due)),
            )
        conn.execute(
            "INSERT INTO translation_drill_context (user_id, language_id, context_id, card_id, source_sentence, state) "
            "VALUES ('u1', 'es', 'x1', 'c1', 'Una frase.', 'active'), ('u1', 'es', 'x2', 'c3', 'Otra.', 'active'), "
            "('u1', 'es', 'x3', 'c1', 'Vieja.', 'retired')"
        )


def test_card_review_due_lists_active_live_cards_that_are_due(studypuck_url):
    seed(studypuck_url)
    with psycopg.connect(studypuck_url) as conn:
        conn.execute(
            "INSERT INTO cards (user_id, language_id, card_id, content) VALUES ('u1', 'es', 'c4', 'later')"
        )
        conn.execute(
            "INSERT INTO card_review_srs (user_id, language_id, card_id, next_due) "
            "VALUES ('u1', 'es', 'c4', extract(epoch FROM now())::int + 86400)"
        )
    due = rows(studypuck_url, "SELECT card_id FROM card_review_due ORDER BY card_id")
    assert due == [("c1",)]


def test_translation_active_cards_joins_active_context(studypuck_url):
    seed(studypuck_url)
    active = rows(studypuck_url, "SELECT card_id, context_id FROM translation_active_cards ORDER BY 1, 2")
    assert active == [("c1", "x1")]
