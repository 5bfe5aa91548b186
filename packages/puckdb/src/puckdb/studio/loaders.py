"""Reading values Python cannot hold: ``infinity``, BC dates and years past 9999 are valid
PostgreSQL dates and timestamps, but not ``datetime`` values. psycopg refuses them (the whole
page would fail); the studio shows them, and edits them, as PostgreSQL's text."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.adapt import Buffer, Loader
from psycopg.types.datetime import DateLoader, TimestampLoader, TimestamptzLoader


def _lenient(base: type[Loader]) -> type[Loader]:
    # Subclasses of psycopg's pure-Python loaders (not the C ones, whose fast path would
    # skip an overridden ``load``); they only serve date and time columns.
    class Lenient(base):  # type: ignore[valid-type, misc]
        def load(self, data: Buffer) -> Any:
            try:
                return super().load(data)
            except psycopg.DataError:
                return bytes(data).decode()

    Lenient.__name__ = f"Lenient{base.__name__}"
    return Lenient


_LOADERS = {
    "date": _lenient(DateLoader),
    "timestamp": _lenient(TimestampLoader),
    "timestamptz": _lenient(TimestamptzLoader),
}


def register_lenient_loaders(conn: psycopg.Connection[Any]) -> None:
    for name, loader in _LOADERS.items():
        conn.adapters.register_loader(name, loader)
