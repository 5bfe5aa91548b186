"""diff: two :class:`~puckdb.model.Schema` states → the operations between them.

Equal objects produce nothing. Each object kind compares its own objects
(:data:`puckdb.kinds.REGISTRY`, in registry order); the operations come out grouped by
object, not in a safe order: :func:`puckdb.plan.plan` orders them and attaches hazards.
Renames cannot be detected reliably, so they are given (:class:`Renames`) and applied to
the source first.
"""

from __future__ import annotations

from puckdb.diff.renames import RenameError, Renames, apply_renames
from puckdb.kinds import REGISTRY, Operation
from puckdb.model import Schema

__all__ = ["RenameError", "Renames", "diff"]


def diff(source: Schema, target: Schema, renames: Renames | None = None) -> list[Operation]:
    """The operations that turn a database at ``source`` into ``target``.

    ``renames`` says which tables, columns and enum values of ``source`` are renamed (not
    dropped and re-added); :class:`RenameError` when one names something that does not
    exist. The result is unordered and carries no SQL: :func:`puckdb.plan.plan` orders it,
    renders it and attaches hazards (:func:`puckdb.engine.migration_plan` does both)."""
    operations: list[Operation] = []
    if renames:
        source, rename_operations = apply_renames(source, target, renames)
        operations.extend(rename_operations)
    for kind in REGISTRY:
        operations.extend(kind.diff(source, target, operations))
    return operations
