"""Writing rows from the studio: one cell, a new row, a deleted row — each in a transaction.

Values arrive as text and go to PostgreSQL as parameters of unknown type, which it reads as
the column's type with the rules of an assignment (a too-long value for ``varchar(3)`` is
refused, not cut as an explicit cast would): PostgreSQL's own parser judges them and its
message goes back next to the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql

from puckdb.model import ForeignKey, PrimaryKey, UniqueConstraint
from puckdb.studio.browse import StudioRequestError, TableRef, decode_key, encode_key, key_condition, typed
from puckdb.studio.values import check_input, is_text_type


class EditError(Exception):
    """PostgreSQL (or the JSON check) rejected a value: shown next to ``field``.
    ``http_status`` is what a ``.json`` write answers with."""

    def __init__(self, field: str | None, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.http_status = http_status


class RowGoneError(EditError):
    """The row to change is not there (any more)."""

    def __init__(self, message: str = "The row is no longer there.") -> None:
        super().__init__(None, message, 404)


# SQLSTATEs that are not about the value written: the role may not write (or the session or
# server is read-only), or the statement ran out of time or waited too long for a lock.
_STATUS_BY_SQLSTATE = {"42501": 403, "25006": 403, "57014": 503, "55P03": 503}


def _failed(field: str | None, error: psycopg.Error) -> EditError:
    return EditError(field, _message(error), _STATUS_BY_SQLSTATE.get(error.sqlstate or "", 400))


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
    value = sql.SQL("%s") if text is not None else sql.SQL("NULL")
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
                raise RowGoneError("The row is no longer there (deleted or changed by someone else).")
    except psycopg.Error as error:
        raise _failed(column, error) from error
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
            placeholders.append(sql.SQL("%s"))
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
        raise _failed(_field_of(conn, ref, values, error), error) from error
    assert found is not None
    return encode_key([str(v) for v in found])


def form_values(ref: TableRef, form: Mapping[str, str]) -> dict[str, str | None]:
    """The insert form's values by column: left out when left to the default, None for NULL
    (ticked, or an empty input for a type where empty is not a value)."""
    given: dict[str, str | None] = {}
    for column in ref.columns:
        field_name = f"v:{column.name}"
        if form.get(f"default:{column.name}") == "on" or (
            field_name not in form and f"null:{column.name}" not in form
        ):
            continue
        text = form.get(field_name, "")
        empty_means_null = text == "" and not is_text_type(column.data_type)
        null = form.get(f"null:{column.name}") == "on" or empty_means_null
        given[column.name] = None if null else text
    return given


def delete_row(conn: psycopg.Connection[Any], ref: TableRef, key: str) -> dict[str, Any]:
    """Delete one row; returns its values as they were."""
    _writable(ref)
    condition, params = key_condition(ref, decode_key(key, len(ref.key) or 1))
    query = sql.SQL("DELETE FROM {} WHERE {} RETURNING *").format(ref.identifier, condition)
    try:
        with conn.transaction(), conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
            deleted = cursor.execute(query, params).fetchall()
            if len(deleted) != 1:
                raise RowGoneError()
    except psycopg.Error as error:
        raise _failed(None, error) from error
    return deleted[0]


def _message(error: psycopg.Error) -> str:
    diag = error.diag
    text = diag.message_primary or str(error).strip().splitlines()[0]
    if diag.message_detail:
        text += f" ({diag.message_detail})"
    return text


def _field_of(
    conn: psycopg.Connection[Any], ref: TableRef, values: Mapping[str, str | None], error: psycopg.Error
) -> str | None:
    """The form field an INSERT's error belongs to, where it can be told: the column
    PostgreSQL names (NOT NULL); the first column of the constraint it names (unique,
    foreign key); the parameter whose reading failed (its context says ``parameter $n``);
    for other data errors, the value that fails a cast to its type on its own, or the one
    column of the type the message names (``value too long for type character varying(3)``)."""
    diag = error.diag
    if diag.column_name:
        return diag.column_name
    table = ref.table
    if diag.constraint_name and table is not None:
        keys = [table.primary_key] if table.primary_key else []
        constraints: list[PrimaryKey | UniqueConstraint | ForeignKey] = [
            *keys,
            *table.unique_constraints,
            *table.foreign_keys,
        ]
        for candidate in constraints:
            if candidate.name == diag.constraint_name and candidate.columns:
                return candidate.columns[0]
    given = [name for name, text in values.items() if text is not None]
    parameter = _PARAMETER.search(diag.context or "")
    if parameter and 0 < int(parameter.group(1)) <= len(given):
        return given[int(parameter.group(1)) - 1]
    if not isinstance(error, psycopg.errors.DataError):
        return None
    for name in given:
        try:
            conn.execute(sql.SQL("SELECT CAST(%s AS {})").format(typed(ref.column(name))), [values[name]])
        except psycopg.Error:
            return name
    named = [name for name in given if f"type {ref.column(name).data_type}" in (diag.message_primary or "")]
    return named[0] if len(named) == 1 else None


_PARAMETER = re.compile(r"portal parameter \$(\d+)")
