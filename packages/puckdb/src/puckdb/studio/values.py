"""How the studio shows values and which input edits them, by PostgreSQL type."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from puckdb.model import Column, Schema
from puckdb.studio.previews import VECTOR_PREVIEW, VectorSummary, vector_type

TRUNCATE_AT = 160


@dataclass(frozen=True)
class Shown:
    text: str
    """What the cell shows (possibly shortened)."""
    full: str | None = None
    """The whole value, when ``text`` is shortened."""
    kind: str = "text"
    """null, json, array, time, vector, number, bool, bytes, text: a CSS class."""
    iso: str | None = None
    """For timestamps: ISO 8601, so the page can show it in the viewer's time zone."""


def show(value: Any, data_type: str, compact: bool = False) -> Shown:
    """``compact``: JSON on one line (table cells); pretty-printed otherwise (row pages)."""
    if value is None:
        return Shown("NULL", kind="null")
    if isinstance(value, VectorSummary):
        return _summary(value)
    if vector_type(data_type):
        return _vector(str(value))
    if data_type in ("json", "jsonb"):
        text = json.dumps(value, indent=None if compact else 2, ensure_ascii=False, default=str)
        return _shortened(text, "json-line" if compact else "json")
    if isinstance(value, bool):
        return Shown("true" if value else "false", kind="bool")
    if isinstance(value, datetime):
        return Shown(value.isoformat(sep=" "), kind="time", iso=value.isoformat())
    if isinstance(value, date | time):
        return Shown(value.isoformat(), kind="time")
    if isinstance(value, int | float | Decimal):
        return Shown(str(value), kind="number")
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return Shown(f"\\x{raw[:16].hex()}{'…' if len(raw) > 16 else ''} ({len(raw)} bytes)", kind="bytes")
    if isinstance(value, list):
        return _shortened("{" + ", ".join("NULL" if v is None else str(v) for v in value) + "}", "array")
    return _shortened(str(value), "text")


def _shortened(text: str, kind: str) -> Shown:
    if len(text) <= TRUNCATE_AT:
        return Shown(text, kind=kind)
    return Shown(text[:TRUNCATE_AT] + "…", full=text, kind=kind)


def _vector(text: str) -> Shown:
    """``vector(768)`` values: the dimension and the first few components."""
    inner = text.strip()
    if inner.startswith("{"):  # sparsevec: {i:v,...}/dim
        return _shortened(inner, "vector")
    parts = [p for p in inner.strip("[]").split(",") if p]
    head = ", ".join(_component(p) for p in parts[:VECTOR_PREVIEW])
    more = ", …" if len(parts) > VECTOR_PREVIEW else ""
    return Shown(
        f"[{len(parts)}] {head}{more}", full=text if len(parts) > VECTOR_PREVIEW else None, kind="vector"
    )


def _summary(summary: VectorSummary) -> Shown:
    """A table cell's vector: what :func:`_vector` shows, from the summary a table page
    reads, and nothing to unfold (the whole value is on the row page)."""
    if summary.sparse:
        entries = []
        for entry in summary.head:
            index, _, value = entry.partition(":")
            entries.append(f"{index}:{_component(value)}")
        head = "{" + ", ".join(entries) + (", …" if summary.more else "") + "}"
        return Shown(f"[{summary.dims}] {head}", kind="vector")
    head = ", ".join(_component(p) for p in summary.head)
    return Shown(f"[{summary.dims}] {head}{', …' if summary.more else ''}", kind="vector")


def _component(text: str) -> str:
    try:
        return f"{float(text):.4g}"
    except ValueError:
        return text


def editable_text(value: Any, data_type: str, *, compact: bool = False) -> str:
    """The value as text PostgreSQL reads back with ``CAST(text AS type)`` (JSON on one
    line with ``compact``, for exports)."""
    if value is None:
        return ""
    if data_type in ("json", "jsonb"):
        return json.dumps(value, indent=None if compact else 2, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "{" + ",".join("NULL" if v is None else _array_item(v) for v in value) + "}"
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    return str(value)


def _array_item(value: Any) -> str:
    text = str(value)
    if any(c in text for c in ',{}" \\') or text == "":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


# The values a browser's own controls hold exactly. Anything else (BC dates, 'infinity',
# microseconds, numbers past a double's precision in a decimal column) stays a text input,
# which PostgreSQL's own cast then judges.
_INTEGER = re.compile(r"^-?[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LOCAL_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?$")
_INTEGER_TYPES = ("smallint", "integer", "bigint")
_DECIMAL_TYPES = ("real", "double precision", "numeric", "money")


@dataclass(frozen=True)
class InputKind:
    widget: str
    """text, textarea, integer, decimal, bool, select, date, timestamp, timestamptz, json."""
    options: tuple[str, ...] = ()

    def html_type(self, value: str) -> str:
        """The ``<input type>`` for ``value``: a number, date or date-and-time control when it
        holds the value exactly (an integer; a date; a local time to the millisecond),
        ``text`` otherwise."""
        exact = _EXACT.get(self.widget)
        if exact is None or not (value == "" or exact[1].match(value)):
            return "text"
        return exact[0]


_EXACT = {
    "integer": ("number", _INTEGER),
    "date": ("date", _DATE),
    "timestamp": ("datetime-local", _LOCAL_TIME),
}


def input_kind(column: Column, schema: Schema) -> InputKind:
    kind = column.data_type
    if kind.endswith("]") or kind.startswith(("vector", "halfvec", "sparsevec")):
        return InputKind("textarea")  # arrays and vectors: PostgreSQL's text form
    for enum in schema.enums:  # first: an enum may be called "realm" or "timestamps"
        if kind in (enum.name, f'"{enum.name}"', f"{enum.schema}.{enum.name}"):
            return InputKind("select", enum.labels)
    if kind == "boolean":
        return InputKind("bool")
    if kind in ("json", "jsonb"):
        return InputKind("json")
    if kind == "date":
        return InputKind("date")
    if kind.startswith("timestamp"):
        return InputKind("timestamptz" if kind.endswith("with time zone") else "timestamp")
    if kind in _INTEGER_TYPES:
        return InputKind("integer")
    if kind in _DECIMAL_TYPES or kind.startswith("numeric("):
        return InputKind("decimal")
    if kind == "text":
        return InputKind("textarea")
    return InputKind("text")


def check_input(text: str, column: Column) -> str | None:
    """A problem with ``text`` found before PostgreSQL sees it (JSON that does not parse)."""
    if column.data_type in ("json", "jsonb"):
        try:
            json.loads(text)
        except ValueError as error:
            return f"not valid JSON: {error}"
    return None


def is_text_type(data_type: str) -> bool:
    """Types for which an empty input is an empty string rather than "no value"."""
    return data_type in ("text", "name", "citext") or data_type.startswith(("character", "varchar"))
