"""Where two model values differ, in words a reader can act on.

Used wherever two schemas that should be equal are not: normalize's check that its own
rendering loses nothing, and the tests' round-trip oracle.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def differences(left: object, right: object, path: str = "schema") -> list[str]:
    """One line per differing leaf (``path: left != right``); items of tuples are matched
    by (schema, name) when they have names, and (name, value) pairs (schema and view column
    comments, index options) by name, so a reordered or added item is named as such."""
    if left == right:
        return []
    if dataclasses.is_dataclass(left) and type(left) is type(right):
        found: list[str] = []
        # Fields left out of equality (a printed form beside the compared one) say nothing.
        for item in (f for f in dataclasses.fields(left) if f.compare):
            found += differences(getattr(left, item.name), getattr(right, item.name), f"{path}.{item.name}")
        return found or [f"{path}: {left!r} != {right!r}"]
    if isinstance(left, tuple) and isinstance(right, tuple):
        field = path.rsplit(".", 1)[-1]
        left_named, right_named = _by_name(left, field), _by_name(right, field)
        if left_named is not None and right_named is not None:
            found = []
            for key, item in left_named.items():
                label = f"{path}[{'.'.join(key)}]"
                if key not in right_named:
                    found.append(f"{label}: only on the left")
                else:
                    found += differences(item, right_named[key], label)
            found += [
                f"{path}[{'.'.join(key)}]: only on the right" for key in right_named if key not in left_named
            ]
            return found or [f"{path}: same items in another order"]
    return [f"{path}: {left!r} != {right!r}"]


_PAIRS = frozenset({"schema_comments", "column_comments", "options"})
"""Fields holding (name, value) pairs, compared by name (``depends_on`` holds pairs too,
but of (schema, name), which are keys themselves)."""


def _by_name(items: tuple[Any, ...], field: str) -> dict[tuple[str, ...], Any] | None:
    keyed: dict[tuple[str, ...], Any] = {}
    for item in items:
        key: tuple[str, ...] | None
        if field in _PAIRS and isinstance(item, tuple) and len(item) == 2:
            key, value = (item[0],), item[1]
        else:
            key, value = _key(item), item
        if key is None or key in keyed:
            return None
        keyed[key] = value
    return keyed


def _key(item: Any) -> tuple[str, ...] | None:
    name = getattr(item, "name", None)
    if not isinstance(name, str):
        return None
    schema = getattr(item, "schema", None)
    return (schema, name) if isinstance(schema, str) else (name,)
