"""Columns: the arguments of ``mapped_column(...)`` / ``Column(...)`` for a model column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from puckdb.model import Column, Table
from puckdb.pull.code import Atom, Bracketed, Code, Keyword, Str, call
from puckdb.pull.context import Context
from puckdb.pull.names import parse_qualified
from puckdb.pull.sequences import option_arguments, options_of
from puckdb.pull.sqltext import without_outer_brackets
from puckdb.pull.types import PythonType, python_type

# SQLAlchemy reads `:name` in text() as a bound parameter; `\:` keeps a colon a colon.
# Same pattern as SQLAlchemy's own (TextClause._bind_params_regex).
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?![:\w])")


def sql_text(sql: str) -> str:
    """``sql`` as the argument of ``text()`` (or of anything SQLAlchemy coerces to it:
    CheckConstraint, Computed) that compiles back to ``sql``."""
    return _BIND.sub(r"\\:\1", sql)


def text_call(sql: str, context: Context) -> Code:
    return call(context.imports.name("text"), Str(sql_text(sql)))


@dataclass
class ColumnCode:
    """A column as code: the positional and keyword arguments after its name, its Python
    type, and notes on what SQLAlchemy cannot say about it."""

    args: list[Code]
    kwargs: list[tuple[str, Code]]
    python: PythonType
    notes: list[str] = field(default_factory=list)


def column_code(
    table: Table,
    column: Column,
    context: Context,
    *,
    primary_key_inline: bool,
    for_table_object: bool,
) -> ColumnCode:
    """Everything but the name: the type, identity or generated expression, and the flags.

    ``primary_key_inline``: the table's key is written as ``primary_key=True`` on its
    columns. ``for_table_object``: a ``Column`` of a ``Table(...)``, which says
    ``nullable=False`` itself (a mapped column takes it from its annotation).
    """
    imports = context.imports
    python = python_type(column.data_type, context.enums, imports)
    context.uses_raw_type = context.uses_raw_type or python.raw
    notes: list[str] = []
    type_code = python.code
    if column.collation is not None:
        names = parse_qualified(column.collation)
        # SQLAlchemy quotes the collation as one name; one of public's (CREATE COLLATION
        # in the default schema) resolves unqualified as well.
        if names is not None and len(names) == 2 and names[0] == "public":
            names = names[1:]
        if python.collatable and names is not None and len(names) == 1:
            type_code = _with_keyword(type_code, "collation", Str(names[0]))
        else:
            notes.append(
                f"column {column.name!r} has the collation {column.collation}, which SQLAlchemy "
                f"cannot attach to the type {column.data_type}; it is not kept."
            )
    args: list[Code] = [type_code]
    if column.identity is not None:
        options = option_arguments(options_of(column.identity, column.data_type))
        always = [("always", Atom("True"))] if column.identity.always else []
        args.append(call(imports.name("Identity"), **dict(always + options)))
    if column.generated is not None:
        args.append(
            call(
                imports.name("Computed"),
                Str(sql_text(without_outer_brackets(column.generated))),
                persisted=Atom(str(not column.generated_virtual)),
            )
        )

    primary_key = table.primary_key.columns if table.primary_key is not None else ()
    serial = context.serial.get(table.key) == column.name
    kwargs: list[tuple[str, Code]] = []
    if primary_key_inline and column.name in primary_key:
        kwargs.append(("primary_key", Atom("True")))
    if serial:
        kwargs.append(("autoincrement", Atom("True")))
    elif _would_become_serial(column, python, primary_key):
        # SQLAlchemy makes a lone integer key SERIAL unless told otherwise.
        kwargs.append(("autoincrement", Atom("False")))
    if for_table_object and not column.nullable:
        kwargs.append(("nullable", Atom("False")))
    if column.default is not None and not serial:
        kwargs.append(("server_default", text_call(column.default, context)))
    if column.comment is not None:
        kwargs.append(("comment", Str(column.comment)))
    return ColumnCode(args, kwargs, python, notes)


def _would_become_serial(column: Column, python: PythonType, primary_key: tuple[str, ...]) -> bool:
    return (
        primary_key == (column.name,)
        and python.integer
        and column.identity is None
        and column.default is None
        and column.generated is None
    )


def _with_keyword(code: Code, name: str, value: Code) -> Code:
    """``Text`` → ``Text(name=value)``; ``String(20)`` → ``String(20, name=value)``."""
    if isinstance(code, Atom):
        return call(code.text, **{name: value})
    if isinstance(code, Bracketed):
        return Bracketed(code.opening, (*code.items, Keyword(name, value)), code.closing)
    return code
