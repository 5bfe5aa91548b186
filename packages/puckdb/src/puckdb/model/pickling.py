"""Compact, fast pickling for the model's frozen dataclasses.

The default for a slots dataclass looks up its fields for every object it restores; a
500-table schema has 16,000 objects, so caches took a tenth of a second to load. Here each
class stores a plain tuple of its field values and restores it with the field names
computed once per class.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def fast_pickling(*classes: type) -> None:
    for cls in classes:
        names = tuple(field.name for field in dataclasses.fields(cls))

        def getstate(self: Any, names: tuple[str, ...] = names) -> tuple[Any, ...]:
            return tuple(getattr(self, name) for name in names)

        def setstate(self: Any, state: tuple[Any, ...], names: tuple[str, ...] = names) -> None:
            for name, value in zip(names, state, strict=True):
                object.__setattr__(self, name, value)

        setattr(cls, "__getstate__", getstate)  # noqa: B010 - mypy cannot type a method patched in
        setattr(cls, "__setstate__", setstate)  # noqa: B010
