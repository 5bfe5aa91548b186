"""Incremental normalization (only changed tables rebuilt) gives exactly what a full
normalization gives: checked on generated schema pairs and on hand-written cases."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from sqlalchemy import BigInteger, Column, Enum, ForeignKey, Integer, MetaData, String, Table, Text

from puckdb.errors import SchemaCodeError
from puckdb.normalize import DevServer, normalize

from .spec import SchemaSpec, build_metadata
from .strategies import spec_pairs
from .support import Cluster, differences
from .test_round_trip import support_settings


def dev_server(cluster: Cluster) -> DevServer:
    return DevServer(cache_key="oracle-incremental", admin_url=lambda: cluster.server.url("postgres"))


def assert_incremental_equals_full(cluster: Cluster, before: MetaData, after: MetaData) -> None:
    server = dev_server(cluster)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        normalize(before, server, cache_dir=cache)
        incremental = normalize(after, server, cache_dir=cache)
    full = normalize(after, server, cache_dir=None)
    assert incremental == full, "\n".join(differences(incremental, full))


@support_settings
@given(pair=spec_pairs())
def test_incremental_equals_full_on_generated_pairs(
    cluster: Cluster, pair: tuple[SchemaSpec, SchemaSpec]
) -> None:
    assert_incremental_equals_full(cluster, build_metadata(pair[0]), build_metadata(pair[1]))


def studyish(extra_column: bool, drop_tags: bool = False) -> MetaData:
    metadata = MetaData()
    mood = Enum("a", "b", name="mood")
    Table(
        "users",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("email", String(200), unique=True),
    )
    Table(
        "decks",
        metadata,
        Column("id", Integer, primary_key=True),  # serial: its sequence belongs to the table
        Column("owner_email", String(200), ForeignKey("users.email")),
        Column("mood", mood),
        *([Column("note", Text)] if extra_column else []),
    )
    Table(
        "cards",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("deck_id", Integer, ForeignKey("decks.id")),
    )
    if not drop_tags:
        Table("tags", metadata, Column("id", Integer, primary_key=True), Column("label", Text))
    return metadata


def test_changed_table_with_serial_enum_and_references(cluster: Cluster) -> None:
    assert_incremental_equals_full(cluster, studyish(False), studyish(True))


def test_removed_table(cluster: Cluster) -> None:
    assert_incremental_equals_full(cluster, studyish(False), studyish(False, drop_tags=True))


def referenced_email(unique: bool) -> MetaData:
    metadata = MetaData()
    Table(
        "users",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("email", String(200), unique=unique),
    )
    Table(
        "invites",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("email", String(200), ForeignKey("users.email")),
    )
    for name in ("tags", "notes", "files", "links"):
        Table(name, metadata, Column("id", BigInteger, primary_key=True))
    return metadata


def test_a_change_that_breaks_an_unchanged_tables_foreign_key_is_reported(cluster: Cluster) -> None:
    server = dev_server(cluster)
    with pytest.raises(SchemaCodeError) as full:
        normalize(referenced_email(unique=False), server, cache_dir=None)
    with tempfile.TemporaryDirectory() as folder:
        normalize(referenced_email(unique=True), server, cache_dir=Path(folder))
        with pytest.raises(SchemaCodeError) as incremental:
            normalize(referenced_email(unique=False), server, cache_dir=Path(folder))
    assert "no unique constraint matching given keys" in str(full.value)
    assert "no unique constraint matching given keys" in str(incremental.value)
