"""Indexes as SQLAlchemy ``Index`` objects with their PostgreSQL options."""

from __future__ import annotations

from puckdb.model import Index, IndexKey, Table
from puckdb.pull.code import Atom, Chained, Code, Str, call, dict_of, list_of
from puckdb.pull.columns import text_call
from puckdb.pull.context import Context, label
from puckdb.pull.names import printed_forms


def index_items(table: Table, context: Context) -> list[Code]:
    """The indexes of ``table`` (constraints' own indexes are not among them)."""
    columns = {form: column.name for column in table.columns for form in printed_forms(column.name)}
    items: list[Code] = []
    for index in table.indexes:
        if index.comment is not None:
            items.append(
                context.note(
                    f"table {label(table.schema, table.name)}, index {index.name!r}",
                    f"the comment on index {index.name} ({index.comment!r}) cannot be expressed in "
                    "SQLAlchemy; it is not kept.",
                )
            )
        items.append(index_code(index, columns, context))
    return items


def index_code(index: Index, columns: dict[str, str], context: Context) -> Code:
    """``Index(name, *keys, unique=..., postgresql_...=...)``; ``columns`` maps each way
    PostgreSQL prints a column's name to the name."""
    imports = context.imports
    keys: list[Code] = []
    ops: list[tuple[str, Code]] = []
    named: set[str] = set()
    for key in index.keys:
        column = columns.get(key.expression)
        if column is not None and key.collation is None and not _ordered(key) and column not in named:
            # A plain column key, its operator class in postgresql_ops (keyed by name, so
            # only the first key on a column can use it).
            keys.append(Str(column))
            named.add(column)
            if key.opclass is not None:
                ops.append((column, Str(key.opclass)))
        elif column is not None and key.opclass is None and key.collation is None:
            keys.append(_ordered_column(column, key, context))
        else:
            keys.append(text_call(_key_sql(key), context))
    include = [Str(columns.get(name, name)) for name in index.include]
    return call(
        imports.name("Index"),
        Str(index.name),
        *keys,
        unique=Atom("True") if index.unique else None,
        postgresql_using=Str(index.method) if index.method != "btree" else None,
        postgresql_ops=dict_of(ops) if ops else None,
        postgresql_include=list_of(include) if include else None,
        postgresql_with=dict_of([(name, Str(value)) for name, value in index.options])
        if index.options
        else None,
        postgresql_where=text_call(index.where, context) if index.where is not None else None,
        postgresql_nulls_not_distinct=Atom("True") if index.nulls_not_distinct else None,
    )


def _ordered(key: IndexKey) -> bool:
    """Whether the key's order differs from ASC NULLS LAST."""
    return key.descending or key.nulls_first


def _ordered_column(column: str, key: IndexKey, context: Context) -> Code:
    base = call(context.imports.name("column"), Str(column))
    if key.descending:
        return Chained(base, ".desc()" if key.nulls_first else ".desc().nulls_last()")
    return Chained(base, ".nulls_first()")


def _key_sql(key: IndexKey) -> str:
    """A key as PostgreSQL writes it in CREATE INDEX: expression, collation, operator
    class, order."""
    sql = key.expression
    if key.collation is not None:
        sql += f" COLLATE {key.collation}"
    if key.opclass is not None:
        sql += f" {key.opclass}"
    if key.descending:
        sql += " DESC" if key.nulls_first else " DESC NULLS LAST"
    elif key.nulls_first:
        sql += " NULLS FIRST"
    return sql
