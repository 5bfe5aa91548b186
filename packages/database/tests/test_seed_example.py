"""The seed's example, in Python: `db.insert(users)` and reading it back."""

import psycopg
from sqlalchemy import delete, func, insert, select


def test_insert_user_and_read_it_back(studypuck_db):
    from studypuck_database import db, users

    with db.begin() as conn:
        conn.execute(insert(users).values(user_id="user_123", email="user@example.com"))
    with db.connect() as conn:
        row = conn.execute(select(users).where(users.c.user_id == "user_123")).one()
    assert row.email == "user@example.com"
    assert row.created_at is not None


def test_session_helper_uses_the_orm_models(studypuck_db):
    from studypuck_database import StudyLanguage, User, session

    with session() as s:
        s.add(User(user_id="u2", email="u2@example.com", metadata_={"plan": "free"}))
        s.flush()  # the models declare no relationships, so the ORM does not order inserts
        s.add(StudyLanguage(user_id="u2", language_id="fr", language_name="French"))
    with session() as s:
        language = s.scalars(select(StudyLanguage).where(StudyLanguage.user_id == "u2")).one()
        assert (language.language_name, language.cefr_level, language.is_active) == ("French", "A1", True)


def test_deleting_a_user_removes_their_languages_and_cards(studypuck_db):
    from studypuck_database import cards, db, study_languages, users

    with db.begin() as conn:
        conn.execute(insert(users).values(user_id="u3", email="u3@example.com"))
        conn.execute(insert(study_languages).values(user_id="u3", language_id="de", language_name="German"))
        conn.execute(insert(cards).values(user_id="u3", language_id="de", card_id="k1", content="Hund"))
        conn.execute(delete(users).where(users.c.user_id == "u3"))
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(study_languages)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(cards)).scalar() == 0


def test_deleting_a_card_cascades_to_its_links_and_review_state(studypuck_db):
    with psycopg.connect(studypuck_db) as conn:
        conn.execute("INSERT INTO users (user_id, email) VALUES ('u', 'u@example.com')")
        conn.execute(
            "INSERT INTO study_languages (user_id, language_id, language_name) VALUES ('u', 'es', 'Spanish')"
        )
        conn.execute(
            "INSERT INTO cards (user_id, language_id, card_id, content) VALUES ('u', 'es', 'c', 'gato')"
        )
        conn.execute(
            "INSERT INTO groups (user_id, language_id, group_id, group_name) VALUES ('u', 'es', 'g', 'animals')"
        )
        conn.execute(
            "INSERT INTO card_groups (user_id, language_id, card_id, group_id) VALUES ('u', 'es', 'c', 'g')"
        )
        conn.execute(
            "INSERT INTO inbox_notes (user_id, language_id, note_id, content) VALUES ('u', 'es', 'n', 'cat?')"
        )
        conn.execute(
            "INSERT INTO note_card_links (user_id, language_id, note_id, card_id) VALUES ('u', 'es', 'n', 'c')"
        )
        conn.execute(
            "INSERT INTO card_review_srs (user_id, language_id, card_id, next_due) VALUES ('u', 'es', 'c', 0)"
        )
        conn.execute("DELETE FROM cards WHERE card_id = 'c'")
        for table in ("card_groups", "note_card_links", "card_review_srs"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert conn.execute("SELECT count(*) FROM groups").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM inbox_notes").fetchone() == (1,)
