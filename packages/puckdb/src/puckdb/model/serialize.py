"""JSON form of the model, for ``--json`` output and the normalize cache.

Generic over the dataclasses of the model: each field is converted by its declared type
(strings, integers, booleans, ``Literal`` words, model classes, tuples of these, None), so
adding a field to the model needs no change here, and reading back is exact:
``from_data(type(x), to_data(x)) == x``. Reading is strict: an unknown or missing field,
or a value of the wrong kind, raises :class:`ModelFormatError` naming where it is.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, Literal

from puckdb.errors import PuckdbError
from puckdb.model.schema import MODEL_VERSION, Schema


class ModelFormatError(PuckdbError, ValueError):
    """Serialized model data that does not describe a model: corrupt, hand-edited, or
    written by another version of puckdb. (A ValueError too, so that callers that treat
    unreadable caches as missing keep doing so.)"""


def to_data(value: Any) -> Any:
    """Model value → JSON-compatible data (dataclasses become objects, tuples lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Fields derived in __post_init__ (init=False) are derived again when read back.
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, tuple):
        return [to_data(item) for item in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not part of the model")


def from_data(kind: Any, data: Any, path: str = "") -> Any:
    """JSON data → a value of the declared type ``kind``; ``path`` names it in errors."""
    where = path or getattr(kind, "__name__", "value")
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in typing.get_args(kind):
            return None
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return from_data(inner, data, where)
    if origin is tuple:
        return _tuple(typing.get_args(kind), data, where)
    if origin is Literal:
        if data not in typing.get_args(kind):
            expected = ", ".join(repr(arg) for arg in typing.get_args(kind))
            raise ModelFormatError(f"{where} is {data!r}; expected one of {expected}.")
        return data
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind, data, where)
    if kind in (str, int, bool):
        # JSON true is a Python int too; the model never takes one for the other.
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise ModelFormatError(f"{where} is {data!r}; expected {kind.__name__}.")
        return data
    raise TypeError(f"the model type {kind!r} at {where} cannot be read")


def _tuple(args: tuple[Any, ...], data: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise ModelFormatError(f"{where} is {data!r}; expected a list.")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(from_data(args[0], item, f"{where}[{i}]") for i, item in enumerate(data))
    if len(data) != len(args):
        raise ModelFormatError(f"{where} has {len(data)} items; expected {len(args)}.")
    pairs = enumerate(zip(args, data, strict=True))
    return tuple(from_data(arg, item, f"{where}[{i}]") for i, (arg, item) in pairs)


def _dataclass(kind: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ModelFormatError(f"{where} is {data!r}; expected an object.")
    hints = _hints(kind)
    derived = {f.name for f in dataclasses.fields(kind) if not f.init}
    unknown = sorted(set(data) - set(hints) | (set(data) & derived))
    if unknown:
        raise ModelFormatError(f"{where} has unknown fields: {', '.join(unknown)}.")
    missing = [
        f.name
        for f in dataclasses.fields(kind)
        if f.name not in data
        and f.init
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ModelFormatError(f"{where} lacks the fields: {', '.join(missing)}.")
    return kind(**{name: from_data(hints[name], item, f"{where}.{name}") for name, item in data.items()})


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def schema_to_data(schema: Schema) -> dict[str, Any]:
    """``schema`` as JSON-compatible data, tagged with :data:`MODEL_VERSION`."""
    data: dict[str, Any] = to_data(schema)
    return {"model_version": MODEL_VERSION, **data}


def schema_from_data(data: Any) -> Schema:
    """The schema :func:`schema_to_data` described."""
    if not isinstance(data, dict):
        raise ModelFormatError(f"A serialized schema is an object, not {type(data).__name__}.")
    fields = dict(data)
    version = fields.pop("model_version", None)
    if version != MODEL_VERSION:
        raise ModelFormatError(
            f"The serialized schema has model version {version!r}; this puckdb reads version "
            f"{MODEL_VERSION}. Generate it again with this version of puckdb."
        )
    result: Schema = from_data(Schema, fields)
    return result


def schema_to_json(schema: Schema) -> str:
    """Compact JSON with sorted keys: equal schemas give identical text."""
    return json.dumps(schema_to_data(schema), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def schema_from_json(text: str) -> Schema:
    """The schema :func:`schema_to_json` wrote; :class:`ModelFormatError` for anything else."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelFormatError(f"The serialized schema is not valid JSON: {error}.") from error
    return schema_from_data(data)
