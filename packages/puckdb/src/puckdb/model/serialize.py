"""JSON form of the model, for ``--json`` output and the normalize cache.

Generic over the dataclasses of the model: each field is converted by its declared type,
so adding a field to the model needs no change here, and reading back is exact.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any

from puckdb.model.schema import Schema


def to_data(value: Any) -> Any:
    """Model value → JSON-compatible data (dataclasses become objects, tuples lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [to_data(item) for item in value]
    return value


def from_data(kind: Any, data: Any) -> Any:
    """JSON data → a value of the declared type ``kind``."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return from_data(inner, data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], item) for item in data)
        return tuple(from_data(arg, item) for arg, item in zip(args, data, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: from_data(hints[name], item) for name, item in data.items()})
    if kind in (str, int, bool) and not isinstance(data, kind):
        raise TypeError(f"expected {kind.__name__}, got {data!r}")
    return data


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def schema_to_json(schema: Schema) -> str:
    return json.dumps(to_data(schema), sort_keys=True, separators=(",", ":"))


def schema_from_json(text: str) -> Schema:
    result: Schema = from_data(Schema, json.loads(text))
    return result
