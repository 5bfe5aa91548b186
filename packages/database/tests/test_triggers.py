"""cards.updated_at is kept by the database itself: every update sets it, whoever writes."""

import psycopg


def test_updating_a_card_sets_its_updated_at(puckdb_url):
    with psycopg.connect(puckdb_url) as conn:
        conn.execute("INSERT INTO users (user_id, email) VALUES ('u', 'u@example.com')")
        conn.execute(
            "INSERT INTO study_languages (user_id, language_id, language_name) VALUES ('u', 'es', 'Spanish')"
        )
        conn.execute(
            "INSERT INTO cards (user_id, language_id, card_id, content, updated_at) "
            "VALUES ('u', 'es', 'c', 'gato', '2020-01-01')"
        )
        # A writer that sets an old value explicitly does not win: the trigger does.
        (stamp,) = conn.execute(
            "UPDATE cards SET content = 'gata', updated_at = '2020-01-02' WHERE card_id = 'c' "
            "RETURNING updated_at = now()"
        ).fetchone()
        assert stamp is True


def test_the_trigger_and_its_function_are_commented(puckdb_url):
    with psycopg.connect(puckdb_url) as conn:
        (trigger, function) = conn.execute(
            "SELECT obj_description(t.oid, 'pg_trigger'), obj_description(t.tgfoid, 'pg_proc') "
            "FROM pg_trigger t WHERE t.tgname = 'cards_touch_updated_at'"
        ).fetchone()
    assert trigger == "Keeps cards.updated_at current on every update."
    assert function.startswith("Sets updated_at")
