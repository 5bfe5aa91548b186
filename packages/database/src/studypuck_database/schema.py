"""StudyPuck's data model: users, their study languages, cards and groups, the inbox,
spaced-repetition review and translation drills.

Almost every table is keyed by (user_id, language_id) first: all of a learner's data for
one language lives together and goes with the study language (ON DELETE CASCADE).
Defaults are server defaults so that they are visible to every client of the database,
not only to SQLAlchemy. Constraint and index names are explicit and stable (a naming
convention), because migrations refer to them by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    REAL,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from puckdb import Function, Trigger, View

EMBEDDING_DIMENSIONS = 768

metadata = MetaData(
    naming_convention={
        "pk": "%(table_name)s_pkey",
        "uq": "%(table_name)s_%(column_0_N_name)s_key",
        "ck": "%(table_name)s_%(constraint_name)s_check",
        "fk": "%(table_name)s_%(referred_table_name)s_fkey",
        "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    }
)


class Base(DeclarativeBase):
    """Every StudyPuck model; Python types map to the column types the schema uses."""

    metadata = metadata
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        str: Text(),
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONB(),
        list[Any]: JSONB(),
    }


def created_at() -> Mapped[datetime | None]:
    return mapped_column(server_default=func.now())


def counter() -> Mapped[int | None]:
    """A daily statistics counter, starting at zero."""
    return mapped_column(Integer, server_default=text("0"))


def per_language(table: str) -> ForeignKeyConstraint:
    """The (user_id, language_id) key of a per-language table, owned by its study language."""
    return ForeignKeyConstraint(
        ["user_id", "language_id"],
        ["study_languages.user_id", "study_languages.language_id"],
        ondelete="CASCADE",
        name=f"{table}_study_languages_fkey",
    )


def of_card(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["user_id", "language_id", "card_id"],
        ["cards.user_id", "cards.language_id", "cards.card_id"],
        ondelete="CASCADE",
        name=f"{table}_cards_fkey",
    )


# -- users and languages ----------------------------------------------------------------


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("users_email_idx", "email"),)

    user_id: Mapped[str] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str | None]
    picture_url: Mapped[str | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime | None] = created_at()
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class StudyLanguage(Base):
    __tablename__ = "study_languages"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], ondelete="CASCADE", name="study_languages_users_fkey"
        ),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    language_name: Mapped[str]
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    cefr_level: Mapped[str | None] = mapped_column(server_default=text("'A1'"))
    created_at: Mapped[datetime | None] = created_at()
    settings: Mapped[dict[str, Any] | None]


# -- cards and groups -------------------------------------------------------------------


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (
        per_language("groups"),
        Index(
            "groups_embedding_hnsw_idx",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(primary_key=True)
    group_name: Mapped[str]
    description: Mapped[str | None]
    embedding: Mapped[Any | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    embedding_model: Mapped[str | None]
    embedding_generated_at: Mapped[datetime | None]
    created_at: Mapped[datetime | None] = created_at()
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


# Full-text search covers a card's content, meaning, examples and mnemonics.
_CARD_SEARCH_TEXT = (
    "content || ' ' || coalesce(meaning, '') || ' ' || coalesce(examples::text, '') "
    "|| ' ' || coalesce(mnemonics::text, '')"
)


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (
        per_language("cards"),
        Index("cards_user_lang_status_type_idx", "user_id", "language_id", "status", "card_type"),
        Index("cards_user_lang_status_updated_idx", "user_id", "language_id", "status", "updated_at"),
        Index(
            "cards_embedding_hnsw_idx",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
        Index(
            "cards_search_english_idx",
            text(f"to_tsvector('english', {_CARD_SEARCH_TEXT})"),
            postgresql_using="gin",
        ),
        Index(
            "cards_search_simple_idx",
            text(f"to_tsvector('simple', {_CARD_SEARCH_TEXT})"),
            postgresql_using="gin",
        ),
        # Live (not soft-deleted) cards are what every screen lists.
        Index(
            "cards_live_type_idx",
            "user_id",
            "language_id",
            "card_type",
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "cards_live_updated_idx",
            "user_id",
            "language_id",
            "updated_at",
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str] = mapped_column(primary_key=True)
    content: Mapped[str]
    status: Mapped[str | None] = mapped_column(server_default=text("'active'"))
    card_type: Mapped[str | None] = mapped_column(server_default=text("'word'"))
    part_of_speech: Mapped[str | None]
    meaning: Mapped[str | None]
    examples: Mapped[list[Any] | None]
    mnemonics: Mapped[list[Any] | None]
    llm_instructions: Mapped[str | None]
    embedding: Mapped[Any | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    embedding_model: Mapped[str | None]
    embedding_generated_at: Mapped[datetime | None]
    created_at: Mapped[datetime | None] = created_at()
    updated_at: Mapped[datetime | None] = mapped_column(server_default=func.now())
    deleted_at: Mapped[datetime | None]
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class CardGroup(Base):
    __tablename__ = "card_groups"
    __table_args__ = (
        per_language("card_groups"),
        of_card("card_groups"),
        ForeignKeyConstraint(
            ["user_id", "language_id", "group_id"],
            ["groups.user_id", "groups.language_id", "groups.group_id"],
            ondelete="CASCADE",
            name="card_groups_groups_fkey",
        ),
        Index("card_groups_group_idx", "user_id", "language_id", "group_id"),
        Index("card_groups_card_idx", "user_id", "language_id", "card_id"),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(primary_key=True)
    assigned_at: Mapped[datetime | None] = mapped_column(server_default=func.now())


# -- inbox ------------------------------------------------------------------------------


class InboxNote(Base):
    __tablename__ = "inbox_notes"
    __table_args__ = (
        per_language("inbox_notes"),
        Index("inbox_notes_state_idx", "user_id", "language_id", "state", "created_at"),
        Index("inbox_notes_ai_state_idx", "user_id", "language_id", "ai_state", "created_at"),
        Index("inbox_notes_source_type_idx", "user_id", "language_id", "source_type", "created_at"),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    note_id: Mapped[str] = mapped_column(primary_key=True)
    content: Mapped[str]
    state: Mapped[str | None] = mapped_column(server_default=text("'unprocessed'"))
    ai_state: Mapped[str | None] = mapped_column(server_default=text("'complete'"))
    source_type: Mapped[str | None] = mapped_column(server_default=text("'manual'"))
    source_metadata: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime | None] = created_at()


class NoteCardLink(Base):
    __tablename__ = "note_card_links"
    __table_args__ = (
        per_language("note_card_links"),
        ForeignKeyConstraint(
            ["user_id", "language_id", "note_id"],
            ["inbox_notes.user_id", "inbox_notes.language_id", "inbox_notes.note_id"],
            ondelete="CASCADE",
            name="note_card_links_inbox_notes_fkey",
        ),
        of_card("note_card_links"),
        Index("note_card_links_note_idx", "user_id", "language_id", "note_id"),
        Index("note_card_links_card_idx", "user_id", "language_id", "card_id"),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    note_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str] = mapped_column(primary_key=True)
    created_at: Mapped[datetime | None] = created_at()


class CardEntryDailyStats(Base):
    """Cards entered per day (date is the learner's local date, 'YYYY-MM-DD')."""

    __tablename__ = "card_entry_daily_stats"
    __table_args__ = (per_language("card_entry_daily_stats"),)

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    date: Mapped[str] = mapped_column(primary_key=True)
    cards_created: Mapped[int | None] = counter()
    cards_edited: Mapped[int | None] = counter()
    cards_deleted: Mapped[int | None] = counter()
    notes_created: Mapped[int | None] = counter()
    notes_processed: Mapped[int | None] = counter()
    cards_from_notes: Mapped[int | None] = counter()
    ai_generations: Mapped[int | None] = counter()


# -- card review (spaced repetition) ----------------------------------------------------


class CardReviewSrs(Base):
    """The spaced-repetition state of a card; next_due and last_reviewed are epoch seconds."""

    __tablename__ = "card_review_srs"
    __table_args__ = (
        per_language("card_review_srs"),
        of_card("card_review_srs"),
        Index("card_review_srs_due_idx", "user_id", "language_id", "next_due"),
        Index("card_review_srs_interval_idx", "user_id", "language_id", "interval_days"),
        Index("card_review_srs_state_idx", "user_id", "language_id", "state"),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str] = mapped_column(primary_key=True)
    next_due: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    interval_days: Mapped[int | None] = mapped_column(Integer, server_default=text("1"))
    ease_factor: Mapped[float | None] = mapped_column(REAL, server_default=text("2.5"))
    review_count: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    last_reviewed: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(server_default=text("'active'"))
    snoozed_until: Mapped[datetime | None]
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class CardReviewEvent(Base):
    """One review of one card, kept as history."""

    __tablename__ = "card_review_events"
    __table_args__ = (
        per_language("card_review_events"),
        of_card("card_review_events"),
        Index("card_review_events_timeline_idx", "user_id", "language_id", "occurred_at"),
        Index("card_review_events_type_idx", "user_id", "language_id", "event_type", "occurred_at"),
    )

    event_id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str]
    language_id: Mapped[str]
    card_id: Mapped[str]
    event_type: Mapped[str]
    rating: Mapped[int | None] = mapped_column(Integer)
    previous_state: Mapped[str | None]
    next_state: Mapped[str | None]
    previous_interval_days: Mapped[int | None] = mapped_column(Integer)
    next_interval_days: Mapped[int | None] = mapped_column(Integer)
    previous_due: Mapped[int | None] = mapped_column(Integer)
    next_due: Mapped[int | None] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class CardReviewDailyStats(Base):
    __tablename__ = "card_review_daily_stats"
    __table_args__ = (per_language("card_review_daily_stats"),)

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    date: Mapped[str] = mapped_column(primary_key=True)
    reviews: Mapped[int | None] = counter()
    again_count: Mapped[int | None] = counter()
    hard_count: Mapped[int | None] = counter()
    good_count: Mapped[int | None] = counter()
    easy_count: Mapped[int | None] = counter()
    new_cards: Mapped[int | None] = counter()
    lapses: Mapped[int | None] = counter()
    time_spent_seconds: Mapped[int | None] = counter()


# -- translation drills -----------------------------------------------------------------


class TranslationDrillSrs(Base):
    """The spaced-repetition state of a card in translation drills."""

    __tablename__ = "translation_drill_srs"
    __table_args__ = (
        per_language("translation_drill_srs"),
        of_card("translation_drill_srs"),
        Index("translation_drill_srs_due_idx", "user_id", "language_id", "next_due"),
        Index("translation_drill_srs_state_idx", "user_id", "language_id", "state"),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str] = mapped_column(primary_key=True)
    next_due: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    interval_days: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))
    ease_factor: Mapped[float] = mapped_column(REAL, nullable=False, server_default=text("2.5"))
    drill_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    last_drilled: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(server_default=text("'active'"))
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class TranslationDrillDrawPile(Base):
    """A shuffled pile of card ids a drill session draws from, by pile name."""

    __tablename__ = "translation_drill_draw_piles"
    __table_args__ = (per_language("translation_drill_draw_piles"),)

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    pile_name: Mapped[str] = mapped_column(primary_key=True)
    card_ids: Mapped[list[Any]] = mapped_column(server_default=text("'[]'::jsonb"))
    position: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    refilled_at: Mapped[datetime | None]
    created_at: Mapped[datetime | None] = created_at()


class TranslationDrillContext(Base):
    """Sentences a card is drilled in; a context stays as history once its state leaves 'active'."""

    __tablename__ = "translation_drill_context"
    __table_args__ = (
        per_language("translation_drill_context"),
        of_card("translation_drill_context"),
        Index("translation_drill_context_card_idx", "user_id", "language_id", "card_id"),
        Index("translation_drill_context_state_idx", "user_id", "language_id", "state"),
    )

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    context_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str]
    source_sentence: Mapped[str]
    target_sentence: Mapped[str | None]
    state: Mapped[str] = mapped_column(server_default=text("'active'"))
    generated_by: Mapped[str | None]
    created_at: Mapped[datetime | None] = created_at()
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class TranslationDrillDailyStats(Base):
    __tablename__ = "translation_drill_daily_stats"
    __table_args__ = (per_language("translation_drill_daily_stats"),)

    user_id: Mapped[str] = mapped_column(primary_key=True)
    language_id: Mapped[str] = mapped_column(primary_key=True)
    date: Mapped[str] = mapped_column(primary_key=True)
    drills: Mapped[int | None] = counter()
    correct: Mapped[int | None] = counter()
    partially_correct: Mapped[int | None] = counter()
    incorrect: Mapped[int | None] = counter()
    skipped: Mapped[int | None] = counter()
    time_spent_seconds: Mapped[int | None] = counter()


# -- views ------------------------------------------------------------------------------

translation_active_cards = View(
    "translation_active_cards",
    metadata,
    """
    SELECT c.user_id, c.language_id, c.card_id, c.content, c.meaning, c.card_type,
           ctx.context_id, ctx.source_sentence, ctx.target_sentence
    FROM cards c
    JOIN translation_drill_context ctx
      ON ctx.user_id = c.user_id AND ctx.language_id = c.language_id AND ctx.card_id = c.card_id
    WHERE c.status = 'active' AND c.deleted_at IS NULL AND ctx.state = 'active'
    """,
    comment="Active cards with their active translation-drill context.",
)

card_review_due = View(
    "card_review_due",
    metadata,
    """
    SELECT c.user_id, c.language_id, c.card_id, c.content, c.meaning, c.card_type,
           srs.next_due, srs.interval_days, srs.ease_factor, srs.review_count
    FROM cards c
    JOIN card_review_srs srs
      ON srs.user_id = c.user_id AND srs.language_id = c.language_id AND srs.card_id = c.card_id
    WHERE c.status = 'active' AND c.deleted_at IS NULL AND srs.state = 'active'
      AND srs.next_due <= extract(epoch FROM now())
    """,
    comment="Active cards whose review is due now (next_due is epoch seconds).",
)


# -- functions and triggers ----------------------------------------------------------------

# The original design kept cards.updated_at current in the database itself, which
# drizzle-kit could not express; every writer (the app, scripts, the studio) gets it.
touch_updated_at = Function(
    "touch_updated_at()",
    metadata,
    """
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.updated_at = now();
        RETURN NEW;
    END
    $$
    """,
    comment="Sets updated_at to the time of the change (BEFORE UPDATE trigger function).",
)

Trigger(
    "cards_touch_updated_at",
    Card,
    "BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION touch_updated_at()",
    comment="Keeps cards.updated_at current on every update.",
)


def _table(model: type[Base]) -> Table:
    # Declarative types __table__ as a FromClause, which insert() and .delete() reject under
    # mypy; every model here maps a real Table, so the exports are typed as such.
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} does not map a Table")
    return table


users = _table(User)
study_languages = _table(StudyLanguage)
groups = _table(Group)
cards = _table(Card)
card_groups = _table(CardGroup)
inbox_notes = _table(InboxNote)
note_card_links = _table(NoteCardLink)
card_entry_daily_stats = _table(CardEntryDailyStats)
card_review_srs = _table(CardReviewSrs)
card_review_events = _table(CardReviewEvent)
card_review_daily_stats = _table(CardReviewDailyStats)
translation_drill_srs = _table(TranslationDrillSrs)
translation_drill_draw_piles = _table(TranslationDrillDrawPile)
translation_drill_context = _table(TranslationDrillContext)
translation_drill_daily_stats = _table(TranslationDrillDailyStats)
