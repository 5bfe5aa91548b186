"""The engine in one call: two schema states → an ordered, rendered migration plan."""

from __future__ import annotations

from dataclasses import dataclass

from puckdb.diff import Renames, diff
from puckdb.diff import operations as op
from puckdb.kinds.enums import with_labels_of
from puckdb.model import Schema
from puckdb.plan import Plan, plan


def migration_plan(source: Schema, target: Schema, renames: Renames | None = None) -> Plan:
    """The plan that turns a database at ``source`` into ``target``.

    The reverse plan (for a down migration) is ``migration_plan(target, source, ...)``
    with the renames inverted: computing it from the two states, rather than inverting
    statements, makes it exactly as correct as the forward one.
    """
    return plan(diff(source, target, renames), source)


@dataclass(frozen=True)
class MigrationStep:
    """One migration file's worth of a change: its plan and the plan of its down file."""

    forward: Plan
    backward: Plan


def migration_steps(
    source: Schema, target: Schema, renames: Renames | None = None
) -> tuple[MigrationStep, ...]:
    """The change from ``source`` to ``target`` as the migrations that make it, in order.

    Usually one. A plan that adds enum labels (``ALTER TYPE … ADD VALUE``, which must
    commit before the label can be used) and also does anything else becomes two: first
    the labels alone (and the renames of their enums' labels, which their positions may
    refer to), outside a transaction and idempotent (``ADD VALUE IF NOT EXISTS``); then
    everything else in one transaction. A failure in the second then leaves exactly the
    first applied and the second not at all, which ``status`` shows as it is and ``apply``
    resumes by running the second again, while one file run statement by statement would
    leave whatever statements came before the failure committed, in the middle of the
    change. Each step's down file is computed from the states around it, so rolling back
    both reaches ``source``.
    """
    renames = renames or Renames()
    forward = migration_plan(source, target, renames)
    backward = migration_plan(target, source, renames.inverted())
    labelled = {
        (s.operation.enum.schema, s.operation.enum.name)
        for s in forward.statements
        if isinstance(s.operation, op.AddEnumValue)
    }
    if not labelled or all(isinstance(s.operation, op.AddEnumValue) for s in forward.statements):
        return (MigrationStep(forward, backward),)
    middle = with_labels_of(source, target, labelled)
    labels_renames = Renames(
        enum_values={k: v for k, v in renames.enum_values.items() if (k[0], k[1]) in labelled}
    )
    rest_renames = Renames(
        dict(renames.tables),
        dict(renames.columns),
        {k: v for k, v in renames.enum_values.items() if (k[0], k[1]) not in labelled},
    )
    return (
        MigrationStep(
            migration_plan(source, middle, labels_renames),
            migration_plan(middle, source, labels_renames.inverted()),
        ),
        MigrationStep(
            migration_plan(middle, target, rest_renames),
            migration_plan(target, middle, rest_renames.inverted()),
        ),
    )
