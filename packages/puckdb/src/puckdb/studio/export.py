"""Export the current view of a table (filters, order, shown columns) as CSV or JSON, streamed.

The query runs and its first rows are read before the response starts, so a filter value
PostgreSQL rejects becomes an error page rather than a download cut short. The rest comes
through a server-side cursor, a batch at a time, whatever the table's size.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from puckdb.model import Column
from puckdb.studio import browse, values
from puckdb.studio.jsonable import jsonable

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
BATCH = 2000
_FLUSH_AT = 65536


def start_export(
    conn: psycopg.Connection[Any],
    ref: browse.TableRef,
    request: browse.PageRequest,
    columns: Sequence[Column],
    fmt: str,
) -> Iterator[str]:
    """Run the export query on ``conn`` (which the returned iterator closes when done) and
    read its first batch now; psycopg errors surface from this call, not mid-stream."""
    if fmt not in FORMATS:
        raise browse.StudioRequestError(f"There is no export as .{fmt}: use export.csv or export.json.")
    query, params = browse.export_query(ref, request, columns)
    # A named (server-side) cursor lives in a transaction; it only reads, and is rolled back.
    conn.autocommit = False
    cursor: psycopg.ServerCursor[dict[str, Any]] = conn.cursor(name="studio_export", row_factory=dict_row)
    cursor.itersize = BATCH
    cursor.execute(query, params)
    first = cursor.fetchmany(BATCH)
    return _chunks(conn, cursor, first, columns, fmt)


def _chunks(
    conn: psycopg.Connection[Any],
    cursor: psycopg.ServerCursor[dict[str, Any]],
    first: list[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
) -> Iterator[str]:
    try:
        batch = first
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([c.name for c in columns])
            while batch:
                for found in batch:
                    writer.writerow(
                        [values.editable_text(found[c.name], c.data_type, compact=True) for c in columns]
                    )
                    if buffer.tell() > _FLUSH_AT:
                        yield buffer.getvalue()
                        buffer.seek(0)
                        buffer.truncate()
                batch = cursor.fetchmany(BATCH)
            yield buffer.getvalue()
        else:
            yield "["
            separator = ""
            while batch:
                lines = []
                for found in batch:
                    lines.append(separator + json.dumps(jsonable(found), ensure_ascii=False) + "\n")
                    separator = ","
                yield "".join(lines)
                batch = cursor.fetchmany(BATCH)
            yield "]\n"
    finally:
        conn.close()
