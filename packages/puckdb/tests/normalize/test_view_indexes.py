"""A materialized view's indexes, declared with ``View(indexes=[...])``."""

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from puckdb import View
from puckdb.normalize import DevServer, normalize


def _dev(pg_server) -> DevServer:
    return DevServer(cache_key=f"test-pg{pg_server.version}", admin_url=lambda: pg_server.url("postgres"))


def test_declared_indexes_are_the_materialized_views(pg_server):
    metadata = MetaData()
    Table("cards", metadata, Column("id", Integer, primary_key=True), Column("deck", Integer))
    View(
        "decks",
        metadata,
        "SELECT deck, count(*) AS n FROM cards GROUP BY deck",
        materialized=True,
        indexes=["CREATE UNIQUE INDEX decks_deck ON decks (deck);"],
    )
    view = normalize(metadata, _dev(pg_server), schemas=["public"]).view("public", "decks")
    assert view is not None
    assert [(index.name, index.unique) for index in view.indexes] == [("decks_deck", True)]


def test_indexes_on_a_plain_view_or_not_an_index_are_refused():
    metadata = MetaData()
    with pytest.raises(ValueError, match="only a materialized view has indexes"):
        View("v", metadata, "SELECT 1", indexes=["CREATE INDEX x ON v (a)"])
    with pytest.raises(ValueError, match="an index is its CREATE INDEX statement"):
        View("m", metadata, "SELECT 1 AS a", materialized=True, indexes=["(a)"])
