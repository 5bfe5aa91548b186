"""StudyPuck's database: the schema (every model and table), its migrations and a client.

    from sqlalchemy import insert, select
    from studypuck_database import db, users

    with db.begin() as conn:
        conn.execute(insert(users).values(user_id="user_123", email="user@example.com"))

``db`` is created lazily on first access, from the same URL resolution as ``puckdb``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studypuck_database.client import database_url, get_engine, reset_engine, session
from studypuck_database.schema import (
    Base,
    Card,
    CardEntryDailyStats,
    CardGroup,
    CardReviewDailyStats,
    CardReviewEvent,
    CardReviewSrs,
    Group,
    InboxNote,
    NoteCardLink,
    StudyLanguage,
    TranslationDrillContext,
    TranslationDrillDailyStats,
    TranslationDrillDrawPile,
    TranslationDrillSrs,
    User,
    card_entry_daily_stats,
    card_groups,
    card_review_daily_stats,
    card_review_due,
    card_review_events,
    card_review_srs,
    cards,
    groups,
    inbox_notes,
    metadata,
    note_card_links,
    study_languages,
    translation_active_cards,
    translation_drill_context,
    translation_drill_daily_stats,
    translation_drill_draw_piles,
    translation_drill_srs,
    users,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    db: Engine


def __getattr__(name: str) -> Any:
    # `db` is an attribute computed on first use so that importing the package never
    # connects or starts a server.
    if name == "db":
        return get_engine()
    raise AttributeError(f"module 'studypuck_database' has no attribute {name!r}")


__all__ = [
    "Base",
    "Card",
    "CardEntryDailyStats",
    "CardGroup",
    "CardReviewDailyStats",
    "CardReviewEvent",
    "CardReviewSrs",
    "Group",
    "InboxNote",
    "NoteCardLink",
    "StudyLanguage",
    "TranslationDrillContext",
    "TranslationDrillDailyStats",
    "TranslationDrillDrawPile",
    "TranslationDrillSrs",
    "User",
    "card_entry_daily_stats",
    "card_groups",
    "card_review_daily_stats",
    "card_review_due",
    "card_review_events",
    "card_review_srs",
    "cards",
    "database_url",
    "db",
    "get_engine",
    "groups",
    "inbox_notes",
    "metadata",
    "note_card_links",
    "reset_engine",
    "session",
    "study_languages",
    "translation_active_cards",
    "translation_drill_context",
    "translation_drill_daily_stats",
    "translation_drill_draw_piles",
    "translation_drill_srs",
    "users",
]
