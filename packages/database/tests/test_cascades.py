"""Deleting a card takes everything that belongs to it, and nothing it merely points at."""

import psycopg
from psycopg import sql

CARD_OWNED = (
    "card_groups",
    "note_card_links",
    "card_review_srs",
    "card_review_events",
    "translation_drill_srs",
    "translation_drill_context",
)


def count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]


def test_deleting_a_card_cascades_to_its_links_and_review_state(puckdb_url):
    with psycopg.connect(puckdb_url) as conn:
        conn.execute("INSERT INTO users (user_id, email) VALUES ('u', 'u@example.com')")
        conn.execute(
            "INSERT INTO study_languages (user_id, language_id, language_name) VALUES ('u', 'es', 'Spanish')"
        )
        conn.execute(
            "INSERT INTO cards (user_id, language_id, card_id, content) "
            "VALUES ('u', 'es', 'c', 'gato'), ('u', 'es', 'other', 'perro')"
        )
        conn.execute(
            "INSERT INTO groups (user_id, language_id, group_id, group_name) VALUES ('u', 'es', 'g', 'animals')"
        )
        conn.execute(
            "INSERT INTO inbox_notes (user_id, language_id, note_id, content) VALUES ('u', 'es', 'n', 'cat?')"
        )
        for card_id in ("c", "other"):
            params = {"card": card_id}
            conn.execute(
                "INSERT INTO card_groups (user_id, language_id, card_id, group_id) VALUES ('u', 'es', %(card)s, 'g')",
                params,
            )
            conn.execute(
                "INSERT INTO note_card_links (user_id, language_id, note_id, card_id) "
                "VALUES ('u', 'es', 'n', %(card)s)",
                params,
            )
            conn.execute(
                "INSERT INTO card_review_srs (user_id, language_id, card_id) VALUES ('u', 'es', %(card)s)",
                params,
            )
            conn.execute(
                "INSERT INTO card_review_events (event_id, user_id, language_id, card_id, event_type) "
                "VALUES ('e-' || %(card)s, 'u', 'es', %(card)s, 'review')",
                params,
            )
            conn.execute(
                "INSERT INTO translation_drill_srs (user_id, language_id, card_id) VALUES ('u', 'es', %(card)s)",
                params,
            )
            conn.execute(
                "INSERT INTO translation_drill_context (user_id, language_id, context_id, card_id, source_sentence) "
                "VALUES ('u', 'es', 'x-' || %(card)s, %(card)s, 'Una frase.')",
                params,
            )

        conn.execute("DELETE FROM cards WHERE card_id = 'c'")

        for table in CARD_OWNED:
            assert count(conn, table) == 1, table
        assert count(conn, "groups") == 1
        assert count(conn, "inbox_notes") == 1
