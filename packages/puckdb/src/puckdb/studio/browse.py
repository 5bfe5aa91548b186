"""Reading tables for the studio: keyset pages, filters, sorting, rows, references, links.

Every identifier comes from the inspected model (a request naming an unknown table, column
or operator is refused before any SQL is built) and is quoted with ``psycopg.sql``; every
value is a parameter, cast to the column's catalog type. Pages are keyset pages — ``WHERE
(sort key, row key) > (last seen)`` — so page 10,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg
from psycopg import sql

from puckdb.errors import UsageError
from puckdb.model import Column, Schema, Table
from puckdb.studio.previews import read_summary, summary_expression, vector_type

PAGE_SIZE = 50
_SAFE_TYPE = re.compile(r'^[A-Za-z0-9_ ."(),\[\]]+$')
OPERATORS = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "le": "≤",
    "gt": ">",
    "ge": "≥",
    "contains": "contains",
    "starts": "starts with",
    "null": "is null",
    "notnull": "is not null",
    "in": "in",
}
_COMPARISONS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
# pgvector's distance operator for each operator class an index can be built with.
DISTANCE_OPERATORS = {
    "vector_cosine_ops": "<=>",
    "vector_l2_ops": "<->",
    "vector_ip_ops": "<#>",
    "halfvec_cosine_ops": "<=>",
    "halfvec_l2_ops": "<->",
    "halfvec_ip_ops": "<#>",
}


class StudioRequestError(UsageError):
    """A request naming something that does not exist, or a value that cannot be used."""


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: str = ""

    def encoded(self) -> str:
        return f"{self.column}|{self.op}|{self.value}"

    @staticmethod
    def decode(text: str) -> Filter:
        column, _, rest = text.partition("|")
        op, _, value = rest.partition("|")
        return Filter(column, op, value)


@dataclass(frozen=True)
class PageRequest:
    sort: str | None = None
    descending: bool = False
    filters: tuple[Filter, ...] = ()
    after: str | None = None
    """An opaque cursor: the sort value and row key of the last row of the previous page."""
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class Page:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    keys: list[str]
    """The row key of each row, encoded for a URL (``row?key=…``)."""
    next_cursor: str | None


@dataclass(frozen=True)
class TableRef:
    """A table or view the studio may show, with what identifies its rows."""

    schema: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    """Primary-key columns; empty means rows are identified by ``ctid``."""
    table: Table | None = None
    view: bool = False
    materialized: bool = False
    vector_ops: dict[str, str] = field(default_factory=dict)
    """Vector column → distance operator (from its index's operator class)."""
    indexed_vectors: frozenset[str] = frozenset()
    """Vector columns with an HNSW or IVFFlat index: neighbours come from the index."""

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise StudioRequestError(f"{self.schema}.{self.name} has no column {name!r}.")

    @property
    def identifier(self) -> sql.Composed:
        return sql.SQL(".").join([sql.Identifier(self.schema), sql.Identifier(self.name)])


def table_ref(schema: Schema, schema_name: str, name: str) -> TableRef:
    table = schema.table(schema_name, name)
    if table is not None:
        table = _with_root_columns(schema, table)
        key = table.primary_key.columns if table.primary_key else ()
        ops: dict[str, str] = {}
        indexed: set[str] = set()
        for index in table.indexes:
            if len(index.keys) == 1 and index.keys[0].opclass in DISTANCE_OPERATORS:
                ops[index.keys[0].expression.strip('"')] = DISTANCE_OPERATORS[index.keys[0].opclass or ""]
            if index.method in ("hnsw", "ivfflat") and len(index.keys) == 1:
                indexed.add(index.keys[0].expression.strip('"'))
        for column in table.columns:
            if _is_vector(column) and column.name not in ops:
                ops[column.name] = "<->"
        return TableRef(
            schema_name, name, table.columns, key, table, vector_ops=ops, indexed_vectors=frozenset(indexed)
        )
    view = schema.view(schema_name, name)
    if view is not None:
        # A view's columns are not in the model: describe_view reads them.
        return TableRef(schema_name, name, (), (), None, view=True, materialized=view.materialized)
    raise StudioRequestError(f"There is no table or view {schema_name}.{name} in the managed schemas.")


def describe_view(conn: psycopg.Connection[Any], ref: TableRef) -> TableRef:
    """A view's columns and types, read from the catalog."""
    rows = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (sql.Composed([ref.identifier]).as_string(conn),),
    ).fetchall()
    columns = tuple(Column(str(name), str(kind)) for name, kind in rows)
    return TableRef(ref.schema, ref.name, columns, (), None, view=True, materialized=ref.materialized)


def _is_vector(column: Column) -> bool:
    return column.data_type.startswith(("vector", "halfvec")) and not column.data_type.endswith("]")


def typed(column: Column) -> sql.Composable:
    """The column's type for a cast; a type name that is not plainly a type name is refused
    (it comes from the catalog, but nothing unchecked goes into SQL)."""
    if not _SAFE_TYPE.match(column.data_type):
        raise StudioRequestError(
            f"The type of {column.name} ({column.data_type}) cannot be used in a filter."
        )
    return sql.SQL(column.data_type)


def _key_columns(ref: TableRef) -> list[sql.Composable]:
    return [sql.Identifier(name) for name in ref.key] if ref.key else [sql.SQL("ctid")]


def _paged_by_offset(ref: TableRef) -> bool:
    """A plain view has neither a key nor ctid: it is the one thing paged by OFFSET."""
    return ref.view and not ref.materialized


def key_values(ref: TableRef) -> sql.Composable:
    """The row key as text values (one per key column), for cursors and row links."""
    parts = [sql.SQL("{}::text").format(part) for part in _key_columns(ref)]
    return sql.SQL("ARRAY[{}]").format(sql.SQL(", ").join(parts))


def encode_key(values: Sequence[str | None]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_key(text: str, size: int) -> list[str | None]:
    try:
        padded = text + "=" * (-len(text) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as error:
        raise StudioRequestError("The row key in the address is damaged.") from error
    if (
        not isinstance(values, list)
        or len(values) != size
        or not all(v is None or isinstance(v, str) for v in values)
    ):
        raise StudioRequestError("The row key in the address does not fit this table.")
    return values


def key_condition(ref: TableRef, values: Sequence[str | None]) -> tuple[sql.Composable, list[Any]]:
    if not ref.key:
        return sql.SQL("ctid = %s::tid"), [values[0]]
    parts = [sql.SQL("{} = CAST(%s AS {})").format(sql.Identifier(n), typed(ref.column(n))) for n in ref.key]
    return sql.SQL(" AND ").join(parts), list(values)


def filter_condition(ref: TableRef, item: Filter) -> tuple[sql.Composable, list[Any]]:
    column = ref.column(item.column)
    name = sql.Identifier(column.name)
    if item.op in _COMPARISONS:
        condition = sql.SQL("{} " + _COMPARISONS[item.op] + " CAST(%s AS {})").format(name, typed(column))
        return condition, [item.value]
    if item.op == "contains":
        return sql.SQL("{}::text ILIKE %s").format(name), ["%" + _escape_like(item.value) + "%"]
    if item.op == "starts":
        return sql.SQL("{}::text ILIKE %s").format(name), [_escape_like(item.value) + "%"]
    if item.op == "null":
        return sql.SQL("{} IS NULL").format(name), []
    if item.op == "notnull":
        return sql.SQL("{} IS NOT NULL").format(name), []
    if item.op == "in":
        values = [v.strip() for v in item.value.split(",") if v.strip()]
        return sql.SQL("{}::text = ANY(%s)").format(name), [values]
    raise StudioRequestError(f"Unknown filter operator {item.op!r}; use one of {', '.join(OPERATORS)}.")


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(ref: TableRef, filters: Sequence[Filter]) -> tuple[list[sql.Composable], list[Any]]:
    conditions: list[sql.Composable] = []
    params: list[Any] = []
    for item in filters:
        condition, values = filter_condition(ref, item)
        conditions.append(condition)
        params.extend(values)
    return conditions, params


def _where(conditions: Sequence[sql.Composable]) -> sql.Composable:
    return sql.SQL("WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")


def _sort_column(ref: TableRef, request: PageRequest) -> Column | None:
    """The column to sort by. Not a vector: the page's cursor carries the last row's sort
    value, so the next-page link would carry a whole vector, and their order (component by
    component) tells nothing; the row page's nearest neighbours are the order that does."""
    if not request.sort:
        return None
    column = ref.column(request.sort)
    if vector_type(column.data_type):
        raise StudioRequestError(
            f"{column.name} is a vector column and cannot be sorted by; sort by another column, "
            "or open a row for its nearest neighbours."
        )
    return column


def _with_root_columns(schema: Schema, table: Table) -> Table:
    """A partition as the studio shows it: with the columns and key of the table at the top
    of its partitions (the model keeps them there only)."""
    root, seen = table, {table.key}
    while root.partition_of is not None and root.partition_of not in seen:
        parent = schema.table(*root.partition_of)
        if parent is None:
            break
        root, seen = parent, seen | {parent.key}
    if root is table:
        return table
    return replace(table, columns=root.columns, primary_key=table.primary_key or root.primary_key)


def _selected(ref: TableRef, omit: frozenset[str], summarize_vectors: bool) -> list[sql.Composable]:
    """The select list of a page: the columns not in ``omit``, each vector as its
    :func:`summary_expression` (under its own name) when ``summarize_vectors``."""
    if not ref.columns:
        return [sql.SQL("*")]
    chosen: list[sql.Composable] = []
    for column in ref.columns:
        if column.name in omit:
            continue
        summary = summary_expression(column) if summarize_vectors else None
        name = sql.Identifier(column.name)
        chosen.append(name if summary is None else sql.SQL("{} AS {}").format(summary, name))
    return chosen


def _read_summaries(ref: TableRef, rows: list[dict[str, Any]], summarize_vectors: bool) -> None:
    if not summarize_vectors:
        return
    vectors = [c for c in ref.columns if vector_type(c.data_type)]
    for found in rows:
        for column in vectors:
            if column.name in found:
                found[column.name] = read_summary(found[column.name], column.data_type)


def _order(ref: TableRef, sort: Column | None, descending: bool) -> list[sql.Composable]:
    """ORDER BY terms: the sort column, then the row key as a tie-breaker, all one way."""
    direction = sql.SQL("DESC") if descending else sql.SQL("ASC")
    # PostgreSQL's own null placement (last ascending, first descending): a plain btree
    # index on the column then serves both directions.
    order: list[sql.Composable] = []
    if sort is not None:
        order.append(sql.SQL("{} {}").format(sql.Identifier(sort.name), direction))
    if not _paged_by_offset(ref):
        order.extend(sql.SQL("{} {}").format(key, direction) for key in _key_columns(ref))
    return order


def page(
    conn: psycopg.Connection[Any],
    ref: TableRef,
    request: PageRequest,
    *,
    omit: frozenset[str] = frozenset(),
    summarize_vectors: bool = False,
) -> Page:
    """One keyset page of ``ref`` with ``request``'s filters and order. The rows leave out
    the columns in ``omit`` (hidden ones: not read at all); with ``summarize_vectors`` each
    vector is a :class:`~puckdb.studio.previews.VectorSummary`, not the value (what an HTML
    table page shows, read without reading the whole vector)."""
    conditions, params = _filtered(ref, request.filters)
    sort = _sort_column(ref, request)
    selected = _selected(ref, omit, summarize_vectors)
    if _paged_by_offset(ref):
        found = _offset_page(conn, ref, request, sort, conditions, params, selected)
        _read_summaries(ref, found.rows, summarize_vectors)
        return found
    if request.after:
        condition, values = _after(ref, sort, request)
        conditions.append(condition)
        params.extend(values)
    order = _order(ref, sort, request.descending)
    sort_value = sql.SQL("{}::text").format(sql.Identifier(sort.name)) if sort else sql.SQL("NULL")
    query = sql.SQL(
        "SELECT {cols} {key} AS __key, {sort} AS __sort FROM {table} {where} ORDER BY {order} LIMIT {n}"
    ).format(
        cols=sql.SQL("").join(sql.SQL("{}, ").format(item) for item in selected),
        key=key_values(ref),
        sort=sort_value,
        table=ref.identifier,
        where=_where(conditions),
        order=sql.SQL(", ").join(order),
        n=sql.Literal(request.limit + 1),
    )
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        rows = cursor.execute(query, params).fetchall()
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    cursor_value = None
    if more and rows:
        last = rows[-1]
        cursor_value = encode_key([last["__sort"], *last["__key"]])
    keys_out = [encode_key(row.pop("__key")) for row in rows]
    for row in rows:
        row.pop("__sort")
    _read_summaries(ref, rows, summarize_vectors)
    return Page(ref.columns, rows, keys_out, cursor_value)


def _offset_page(
    conn: psycopg.Connection[Any],
    ref: TableRef,
    request: PageRequest,
    sort: Column | None,
    conditions: list[sql.Composable],
    params: list[Any],
    selected: list[sql.Composable],
) -> Page:
    offset = _offset(request.after)
    order = _order(ref, sort, request.descending)
    query = sql.SQL("SELECT {cols} FROM {table} {where} {order} LIMIT {n} OFFSET {o}").format(
        # Every column hidden leaves an empty list: PostgreSQL reads that as rows of no columns.
        cols=sql.SQL(", ").join(selected),
        table=ref.identifier,
        where=_where(conditions),
        order=sql.SQL("ORDER BY ") + sql.SQL(", ").join(order) if order else sql.SQL(""),
        n=sql.Literal(request.limit + 1),
        o=sql.Literal(offset),
    )
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        rows = cursor.execute(query, params).fetchall()
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    return Page(ref.columns, rows, [], encode_key([str(offset + request.limit)]) if more else None)


def _offset(after: str | None) -> int:
    text = decode_key(after, 1)[0] if after else None
    if text is None:
        return 0
    if not text.isdigit():
        raise StudioRequestError("The page cursor in the address is damaged.")
    return int(text)


def _after(ref: TableRef, sort: Column | None, request: PageRequest) -> tuple[sql.Composable, list[Any]]:
    """Rows after the cursor in (sort, key) order, either direction, NULLs where PostgreSQL
    puts them (last ascending, first descending). Written as a row comparison — ``(sort,
    key) > (v, k)`` — which an index on (sort) or on the key can seek to directly."""
    size = len(ref.key) or 1
    decoded = decode_key(request.after or "", size + 1)
    sort_value, key_values = decoded[0], decoded[1:]
    cmp = "<" if request.descending else ">"
    key_parts: list[sql.Composable]
    key_params: list[sql.Composable]
    if ref.key:
        key_parts = [sql.Identifier(n) for n in ref.key]
        key_params = [sql.SQL("CAST(%s AS {})").format(typed(ref.column(n))) for n in ref.key]
    else:
        key_parts, key_params = [sql.SQL("ctid")], [sql.SQL("%s::tid")]

    def after(left: Sequence[sql.Composable], right: Sequence[sql.Composable]) -> sql.Composable:
        return sql.SQL("({}) " + cmp + " ({})").format(sql.SQL(", ").join(left), sql.SQL(", ").join(right))

    if sort is None:
        return after(key_parts, key_params), list(key_values)
    column = sql.Identifier(sort.name)
    value = sql.SQL("CAST(%s AS {})").format(typed(sort))
    with_sort = after([column, *key_parts], [value, *key_params])
    if not sort.nullable:
        return with_sort, [sort_value, *key_values]
    if request.descending:  # NULLs first, then values descending
        if sort_value is None:
            condition = sql.SQL("(({} IS NULL AND {}) OR {} IS NOT NULL)").format(
                column, after(key_parts, key_params), column
            )
            return condition, list(key_values)
        return with_sort, [sort_value, *key_values]
    if sort_value is None:  # ascending, already among the NULLs at the end
        return sql.SQL("({} IS NULL AND {})").format(column, after(key_parts, key_params)), list(key_values)
    return sql.SQL("({} OR {} IS NULL)").format(with_sort, column), [sort_value, *key_values]


def row(conn: psycopg.Connection[Any], ref: TableRef, key: str) -> dict[str, Any] | None:
    condition, params = key_condition(ref, decode_key(key, len(ref.key) or 1))
    query = sql.SQL("SELECT * FROM {} WHERE {}").format(ref.identifier, condition)
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        found: dict[str, Any] | None = cursor.execute(query, params).fetchone()
    return found


@dataclass(frozen=True)
class Referencing:
    schema: str
    table: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    keys: list[str]


def referencing_rows(
    conn: psycopg.Connection[Any],
    schema: Schema,
    ref: TableRef,
    values: dict[str, Any],
    *,
    summarize_vectors: bool = False,
) -> list[Referencing]:
    """For each foreign key pointing at ``ref``, the first rows that reference this row;
    their vectors as summaries with ``summarize_vectors`` (an HTML row page lists twenty
    rows of each referencing table, and shows their vectors as a table page does)."""
    found: list[Referencing] = []
    for table in schema.tables:
        for foreign_key in table.foreign_keys:
            if (foreign_key.ref_schema, foreign_key.ref_table) != (ref.schema, ref.name):
                continue
            other = table_ref(schema, table.schema, table.name)
            condition = sql.SQL(" AND ").join(
                sql.SQL("{} = %s").format(sql.Identifier(c)) for c in foreign_key.columns
            )
            params = [values.get(c) for c in foreign_key.ref_columns]
            query = sql.SQL("SELECT {} {} AS __key FROM {} WHERE {} LIMIT 20").format(
                sql.SQL("").join(
                    sql.SQL("{}, ").format(item) for item in _selected(other, frozenset(), summarize_vectors)
                ),
                key_values(other),
                other.identifier,
                condition,
            )
            with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
                rows = cursor.execute(query, params).fetchall()
            keys = [encode_key(r.pop("__key")) for r in rows]
            _read_summaries(other, rows, summarize_vectors)
            found.append(Referencing(table.schema, table.name, foreign_key.columns, rows, keys))
    return found


@dataclass(frozen=True)
class ForeignKeyLink:
    """A link from a row to the row one of its foreign keys references."""

    constraint: str
    columns: tuple[str, ...]
    schema: str
    table: str
    key: str
    """The referenced row's key, encoded for ``row?key=…``."""


def foreign_key_links(schema: Schema, ref: TableRef, values: dict[str, Any]) -> list[ForeignKeyLink]:
    """One link per foreign key (keyed by its constraint: two composite keys may start with
    the same column) whose referenced columns are the target's primary key."""
    links: list[ForeignKeyLink] = []
    if ref.table is None:
        return links
    for foreign_key in ref.table.foreign_keys:
        target = schema.table(foreign_key.ref_schema, foreign_key.ref_table)
        if target is None or target.primary_key is None:
            continue
        by_target = dict(zip(foreign_key.ref_columns, foreign_key.columns, strict=True))
        if set(by_target) != set(target.primary_key.columns):
            continue
        # The key in the target's primary-key order, whatever order the constraint lists.
        key_values = [values.get(by_target[c]) for c in target.primary_key.columns]
        if any(v is None for v in key_values):
            continue
        links.append(
            ForeignKeyLink(
                foreign_key.name,
                tuple(foreign_key.columns),
                foreign_key.ref_schema,
                foreign_key.ref_table,
                encode_key([str(v) for v in key_values]),
            )
        )
    return links


def export_query(
    ref: TableRef, request: PageRequest, columns: Sequence[Column]
) -> tuple[sql.Composed, list[Any]]:
    """Every row of the filtered view, in its order, with only ``columns``."""
    conditions, params = _filtered(ref, request.filters)
    sort = _sort_column(ref, request)
    order = _order(ref, sort, request.descending)
    query = sql.SQL("SELECT {} FROM {} {} {}").format(
        sql.SQL(", ").join(sql.Identifier(c.name) for c in columns),
        ref.identifier,
        _where(conditions),
        sql.SQL("ORDER BY ") + sql.SQL(", ").join(order) if order else sql.SQL(""),
    )
    return query, params
