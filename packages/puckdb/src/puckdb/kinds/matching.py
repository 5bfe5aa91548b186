"""Matching a table's named children (constraints, indexes) between two states."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from puckdb.kinds.base import Operation


class _Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def comment(self) -> str | None: ...


Named = TypeVar("Named", bound=_Named)


def diff_named(
    source: list[Named],
    target: list[Named],
    content: Callable[[Named], object],
    *,
    add: Callable[[Named], Operation],
    drop: Callable[[Named], Operation],
    rename: Callable[[str, str], Operation],
    comment: Callable[[Named], Operation],
) -> list[Operation]:
    """Match objects by name, then pair leftovers of equal content as renames (a table
    rename leaves ``old_pkey`` where a fresh table would have ``new_pkey``)."""
    operations: list[Operation] = []
    by_name = {item.name: item for item in source}
    target_names = {t.name for t in target}
    unmatched_source = {item.name: item for item in source if item.name not in target_names}
    unmatched_target: list[Named] = []
    for item in target:
        before = by_name.get(item.name)
        if before is None:
            unmatched_target.append(item)
        elif before == item:
            continue  # the common case, decided without building the content twice
        elif content(before) != content(item):
            operations.append(drop(before))
            operations.append(add(item))
            if item.comment is not None:
                operations.append(comment(item))
        elif before.comment != item.comment:
            operations.append(comment(item))
    for item in unmatched_target:
        twin = next((s for s in unmatched_source.values() if content(s) == content(item)), None)
        if twin is not None:
            del unmatched_source[twin.name]
            operations.append(rename(twin.name, item.name))
            if twin.comment != item.comment:
                operations.append(comment(item))
        else:
            operations.append(add(item))
            if item.comment is not None:
                operations.append(comment(item))
    operations.extend(drop(item) for item in unmatched_source.values())
    return operations
