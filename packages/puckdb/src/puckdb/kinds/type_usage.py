"""Which columns and types name a user-defined type: what converting, re-creating or
dropping a domain or composite type touches, and the order types are created in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from puckdb.kinds.base import Key
from puckdb.model import Schema

_PART = r'(?:"(?:[^"]|"")*"|[^\s."\[\]()]+)'
_NAME = re.compile(rf"^({_PART})(?:\.({_PART}))?((?:\[\])*)$")


def type_key(data_type: str) -> Key | None:
    """The (schema, name) a ``format_type`` text names (``posint``, ``audit.pair[]``), or
    None for a built-in type with arguments or spaces (``numeric(10,2)``)."""
    found = _NAME.match(data_type)
    if found is None:
        return None
    first, second = (_unquote(part) for part in (found.group(1), found.group(2)))
    if second is None:
        return ("public", first or "")
    return (first or "", second)


def _unquote(part: str | None) -> str | None:
    if part is None or not part.startswith('"'):
        return part
    return part[1:-1].replace('""', '"')


def refers_to(data_type: str, key: Key) -> bool:
    """Is ``data_type`` the type ``key`` or an array of it?"""
    return type_key(data_type) == key


@dataclass(frozen=True)
class TypedColumn:
    """A table column of some type, with what converting it needs around it."""

    schema: str
    table: str
    column: str
    data_type: str
    default: str | None


def columns_using(schema: Schema, key: Key) -> tuple[TypedColumn, ...]:
    """The table columns of ``schema`` whose type is ``key`` (or an array of it)."""
    return tuple(
        TypedColumn(table.schema, table.name, column.name, column.data_type, column.default)
        for table in schema.tables
        for column in table.columns
        if refers_to(column.data_type, key)
    )


def kept_columns_using(source: Schema, target: Schema, key: Key) -> tuple[TypedColumn, ...]:
    """Columns of type ``key`` before and after (new ones are created with the new type;
    dropped ones are gone before it is re-created)."""
    before = {(c.schema, c.table, c.column) for c in columns_using(source, key)}
    return tuple(c for c in columns_using(target, key) if (c.schema, c.table, c.column) in before)


def column_names(columns: Iterable[TypedColumn]) -> str:
    """``cards.points, audit.log.entry`` for messages."""
    return ", ".join(
        f"{column.table}.{column.column}"
        if column.schema == "public"
        else f"{column.schema}.{column.table}.{column.column}"
        for column in columns
    )


_T = TypeVar("_T")


def dependency_order(
    items: Sequence[_T], key: Callable[[_T], Key], uses: Callable[[_T], Iterable[Key]]
) -> list[_T]:
    """``items`` with each after the items it uses (a domain over another domain, a
    composite type with a domain attribute), otherwise in the order given."""
    by_key = {key(item): item for item in items}
    placed: set[Key] = set()
    ordered: list[_T] = []

    def place(item: _T, visiting: frozenset[Key]) -> None:
        name = key(item)
        if name in placed or name in visiting:
            return
        for used in uses(item):
            if used in by_key:
                place(by_key[used], visiting | {name})
        placed.add(name)
        ordered.append(item)

    for item in items:
        place(item, frozenset())
    return ordered
