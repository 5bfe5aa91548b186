"""Tables: a declarative class for each table with a primary key, ``Table(...)`` on
``Base.metadata`` for each without one (the ORM cannot map a table without a key)."""

from __future__ import annotations

import re

from puckdb.model import Table
from puckdb.pull.code import (
    Atom,
    Code,
    Comment,
    Str,
    call,
    comment_lines,
    dict_of,
    list_of,
    statement,
    tuple_of,
)
from puckdb.pull.columns import column_code
from puckdb.pull.constraints import constraint_items, primary_key_inline
from puckdb.pull.context import Context, label
from puckdb.pull.indexes import index_items
from puckdb.pull.names import (
    AMBIGUOUS,
    ANNOTATION_BUILTINS,
    DECLARATIVE_RESERVED,
    Namer,
    attribute_is_plain,
    snake_name,
)
from puckdb.pull.sequences import serial_sequence


def table_class(table: Table, class_name: str, context: Context, module_names: frozenset[str]) -> list[str]:
    """``class Name(Base): ...`` for a table with a primary key.

    ``module_names`` are the names the class body may refer to, which no attribute takes.
    """
    key_inline = primary_key_inline(table, context)
    lines = [*_table_notes(table, context), f"class {class_name}(Base):"]
    lines += statement("__tablename__", Str(table.name), indent=1)
    args = _table_arg_items(table, context, key_inline)
    options = _table_options(table)
    if options:
        args.append(dict_of(options))
    if args:
        lines += tuple_of(args).lines(1, "__table_args__ = ", "")
    lines.append("")
    attributes = Namer([*module_names, *ANNOTATION_BUILTINS, *DECLARATIVE_RESERVED, *AMBIGUOUS])
    for column in table.columns:
        code = column_code(table, column, context, primary_key_inline=key_inline, for_table_object=False)
        for text in code.notes:
            lines += comment_lines(context.note(_subject(table), text).text, 1)
        wanted = column.name if attribute_is_plain(column.name) else snake_name(column.name)
        attribute = attributes.take(wanted)
        args_code: list[Code] = list(code.args)
        if attribute != column.name:
            args_code.insert(0, Str(column.name))
        python = _annotation(code.python.annotation, context)
        mapped = context.imports.name("Mapped")
        annotation = f"{mapped}[{python} | None]" if column.nullable else f"{mapped}[{python}]"
        value = call(context.imports.name("mapped_column"), *args_code, **dict(code.kwargs))
        lines += value.lines(1, f"{attribute}: {annotation} = ", "")
    return lines


def table_object(table: Table, variable: str, context: Context) -> list[str]:
    """``name = Table("name", Base.metadata, Column(...), ...)`` for a table without a
    primary key."""
    items: list[Code] = [Str(table.name), Atom("Base.metadata")]
    for column in table.columns:
        code = column_code(table, column, context, primary_key_inline=False, for_table_object=True)
        items += [context.note(_subject(table), text) for text in code.notes]
        items.append(call(context.imports.name("Column"), Str(column.name), *code.args, **dict(code.kwargs)))
    items += _table_arg_items(table, context, key_inline=False)
    value = call(context.imports.name("Table"), *items, **dict(_table_options(table)))
    return [*_table_notes(table, context), *statement(variable, value)]


def _table_arg_items(table: Table, context: Context, key_inline: bool) -> list[Code]:
    return [*constraint_items(table, context, key_inline=key_inline), *index_items(table, context)]


def _table_options(table: Table) -> list[tuple[str, Code]]:
    options: list[tuple[str, Code]] = []
    if table.schema != "public":
        options.append(("schema", Str(table.schema)))
    if table.comment is not None:
        options.append(("comment", Str(table.comment)))
    if table.unlogged:
        options.append(("prefixes", list_of([Str("UNLOGGED")])))
    if table.partition_by is not None:
        options.append(("postgresql_partition_by", Str(table.partition_by)))
    return options


def _table_notes(table: Table, context: Context) -> list[str]:
    """Comments above the table on what SQLAlchemy cannot say about it as a whole."""
    lost: list[Comment] = []
    if table.rls_forced and not table.rls_enabled:
        lost.append(
            context.note(
                _subject(table),
                f"row-level security is forced but not enabled on {label(table.schema, table.name)}, "
                "which has no effect and puckdb.RowLevelSecurity cannot say; it is not kept.",
            )
        )
    serial = context.serial.get(table.key)
    column = table.column(serial) if serial is not None else None
    sequence = serial_sequence(context.schema, table, column) if column is not None else None
    if sequence is not None and sequence.comment is not None:
        lost.append(
            context.note(
                _subject(table),
                f"the comment on the sequence of the serial column {column.name if column else ''} "
                f"({sequence.comment!r}) cannot be expressed in SQLAlchemy; it is not kept.",
            )
        )
    return [line for comment in lost for line in comment_lines(comment.text, 0)]


def _annotation(annotation: str, context: Context) -> str:
    """``annotation``, with what it names imported."""
    for word in re.findall(r"\w+", annotation):
        if word in ("Any", "Decimal", "datetime", "uuid"):
            context.imports.name(word)
    return annotation


def _subject(table: Table) -> str:
    return f"table {label(table.schema, table.name)}"
