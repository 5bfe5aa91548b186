"""What puckdb says about the objects it does not manage (``Schema.unmanaged``).

Every command that compares or writes a schema names them, so that its silence is never
read as agreement: ``check`` reports them as a finding of their own and compares the
database's with what the migrations build (by a fingerprint of each definition), ``pull``
writes a comment for each, ``generate`` and ``push`` list them beside their plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from puckdb.model import Schema, UnmanagedObject

_SHOWN = 20


@dataclass(frozen=True)
class UnmanagedDrift:
    """How the unmanaged objects of a database differ from those its migrations build."""

    added: tuple[UnmanagedObject, ...]
    """In the database only: made by hand (or by a tool) outside the migrations."""
    missing: tuple[UnmanagedObject, ...]
    """Built by the migrations but not in the database: dropped by hand."""
    changed: tuple[UnmanagedObject, ...]
    """In both, with another definition (the database's version)."""

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.missing or self.changed)

    def lines(self) -> tuple[str, ...]:
        return (
            *(f"only in the database: {item.label}" for item in self.added),
            *(f"missing from the database: {item.label}" for item in self.missing),
            *(f"defined differently in the database: {item.label}" for item in self.changed),
        )


def _identity(item: UnmanagedObject) -> tuple[str, str, str, tuple[str, str] | None]:
    return (item.kind, item.schema, item.name, item.relation)


def unmanaged_drift(expected: Schema, live: Schema) -> UnmanagedDrift:
    """Compare the unmanaged objects ``expected`` (the migrations' state) holds with the
    ones ``live`` holds, by identity and then by fingerprint."""
    before = {_identity(item): item for item in expected.unmanaged}
    after = {_identity(item): item for item in live.unmanaged}
    return UnmanagedDrift(
        added=tuple(item for key, item in after.items() if key not in before),
        missing=tuple(item for key, item in before.items() if key not in after),
        changed=tuple(
            item
            for key, item in after.items()
            if key in before and before[key].fingerprint != item.fingerprint
        ),
    )


def summary(items: Iterable[UnmanagedObject]) -> tuple[str, ...]:
    """One line per object (the first twenty, then how many more), for a finding's details."""
    labels = [item.label for item in items]
    shown = labels[:_SHOWN]
    if len(labels) > _SHOWN:
        shown.append(f"… and {len(labels) - _SHOWN} more")
    return tuple(shown)


def counted(items: Iterable[UnmanagedObject]) -> str:
    """``3 functions, 2 triggers and 1 policy`` — how a one-line message counts them."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    parts = [
        f"{n} {_plural(kind, n)}" for kind, n in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    ]
    if len(parts) <= 1:
        return "".join(parts) or "nothing"
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(kind: str, n: int) -> str:
    if n == 1 or kind in ("default privileges", "table settings", "statistics", "inheritance"):
        return kind
    if kind.endswith("y"):
        return kind[:-1] + "ies"
    if kind.endswith("s"):
        return kind + "es"
    return kind + "s"
