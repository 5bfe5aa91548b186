"""The seed's example, in Python: `db.insert(users)` and reading it back, and what
deleting a user takes with it."""

from sqlalchemy import delete, func, insert, select


def test_insert_user_and_read_it_back(studypuck_db):
    from studypuck_database import db, users

    with db.begin() as conn:
        conn.execute(insert(users).values(user_id="user_123", email="user@example.com"))
    with db.connect() as conn:
        row = conn.execute(select(users).where(users.c.user_id == "user_123")).one()
    assert row.email == "user@example.com"
    assert row.created_at is not None
    assert row.created_at.tzinfo is not None


def test_session_helper_uses_the_orm_models(studypuck_db):
    from studypuck_database import StudyLanguage, User, session

    with session() as s:
        s.add(User(user_id="u2", email="u2@example.com", metadata_={"plan": "free"}))
        s.flush()  # the models declare no relationships, so the ORM does not order inserts
        s.add(StudyLanguage(user_id="u2", language_id="fr", language_name="French"))
    with session() as s:
        language = s.scalars(select(StudyLanguage).where(StudyLanguage.user_id == "u2")).one()
        assert (language.language_name, language.cefr_level, language.is_active) == ("French", "A1", True)
        assert s.get_one(User, "u2").metadata_ == {"plan": "free"}


def test_deleting_a_user_removes_their_languages_and_cards(studypuck_db):
    from studypuck_database import cards, db, study_languages, users

    with db.begin() as conn:
        for user_id in ("u3", "keep"):
            conn.execute(insert(users).values(user_id=user_id, email=f"{user_id}@example.com"))
            conn.execute(
                insert(study_languages).values(user_id=user_id, language_id="de", language_name="German")
            )
            conn.execute(
                insert(cards).values(user_id=user_id, language_id="de", card_id="k1", content="Hund")
            )
    with db.begin() as conn:
        conn.execute(delete(users).where(users.c.user_id == "u3"))
    with db.connect() as conn:
        for table in (study_languages, cards):
            owners = conn.execute(select(table.c.user_id, func.count()).group_by(table.c.user_id)).all()
            assert owners == [("keep", 1)], table.name
