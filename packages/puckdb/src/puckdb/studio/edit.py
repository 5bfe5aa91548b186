"""Writing rows from the studio: one cell, a new row, a deleted row — each in a transaction.

Values arrive as text and are cast by PostgreSQL to the column's type, so PostgreSQL's own
parser judges them and its message goes back next to the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql

from puckdb.studio.browse import StudioRequestError, TableRef, decode_key, encode_key, key_condition, typed
from puckdb.studio.values import check_input


class EditError(Exception):
    """PostgreSQL (or the JSON check) rejected a value: shown next to ``field``."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _writable(ref: TableRef) -> None:
    if ref.view:
        raise StudioRequestError(f"{ref.schema}.{ref.name} is a view; its rows cannot be edited here.")


def update_cell(conn: psycopg.Connection[Any], ref: TableRef, key: str, column: str, text: str | None) -> str:
    """Set one cell (``None`` = NULL); returns the row's key afterwards (it changes when a
    key column is edited)."""
    _writable(ref)
    target = ref.column(column)
    if text is not None and (problem := check_input(text, target)):
        raise EditError(column, problem)
    condition, params = key_condition(ref, decode_key(key, len(ref.key) or 1))
    value = sql.SQL("CAST(%s AS {})").format(typed(target)) if text is not None else sql.SQL("NULL")
    returning = (
        sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(n)) for n in ref.key)
        if ref.key
        else sql.SQL("ctid::text")
    )
    query = sql.SQL("UPDATE {} SET {} = {} WHERE {} RETURNING {}").format(
        ref.identifier, sql.Identifier(target.name), value, condition, returning
    )
    arguments = ([text] if text is not None else []) + params
    try:
        with conn.transaction():
            found = conn.execute(query, arguments).fetchall()
            if len(found) != 1:
                raise EditError(None, "The row is no longer there (deleted or changed by someone else).")
    except psycopg.Error as error:
        raise EditError(column, _message(error)) from error
    return encode_key([str(v) for v in found[0]])


def insert_row(conn: psycopg.Connection[Any], ref: TableRef, values: Mapping[str, str | None]) -> str:
    """Insert a row; columns left out take their defaults. Returns the new row's key."""
    _writable(ref)
    names: list[sql.Composable] = []
    placeholders: list[sql.Composable] = []
    arguments: list[Any] = []
    for name, text in values.items():
        column = ref.column(name)
        if text is not None and (problem := check_input(text, column)):
            raise EditError(name, problem)
        names.append(sql.Identifier(name))
        if text is None:
            placeholders.append(sql.SQL("NULL"))
        else:
            placeholders.append(sql.SQL("CAST(%s AS {})").format(typed(column)))
            arguments.append(text)
    returning = (
        sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(n)) for n in ref.key)
        if ref.key
        else sql.SQL("ctid::text")
    )
    if names:
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING {}").format(
            ref.identifier, sql.SQL(", ").join(names), sql.SQL(", ").join(placeholders), returning
        )
    else:
        query = sql.SQL("INSERT INTO {} DEFAULT VALUES RETURNING {}").format(ref.identifier, returning)
    try:
        with conn.transaction():
            found = conn.execute(query, arguments).fetchone()
    except psycopg.Error as error:
        raise EditError(_column_of(error), _message(error)) from error
    assert found is not None
    return encode_key([str(v) for v in found])


def delete_row(conn: psycopg.Connection[Any], ref: TableRef, key: str) -> None:
    _writable(ref)
    condition, params = key_condition(ref, decode_key(key, len(ref.key) or 1))
    try:
        with conn.transaction():
            deleted = conn.execute(
                sql.SQL("DELETE FROM {} WHERE {}").format(ref.identifier, condition), params
            )
            if deleted.rowcount != 1:
                raise EditError(None, "The row is no longer there.")
    except psycopg.Error as error:
        raise EditError(None, _message(error)) from error


def _message(error: psycopg.Error) -> str:
    diag = error.diag
    text = diag.message_primary or str(error).strip().splitlines()[0]
    if diag.message_detail:
        text += f" ({diag.message_detail})"
    return text


def _column_of(error: psycopg.Error) -> str | None:
    return error.diag.column_name
