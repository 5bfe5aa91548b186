"""The engine in one call: two schema states → an ordered, rendered migration plan."""

from __future__ import annotations

from puckdb.diff import Renames, diff
from puckdb.model import Schema
from puckdb.plan import Plan, plan


def migration_plan(source: Schema, target: Schema, renames: Renames | None = None) -> Plan:
    """The plan that turns a database at ``source`` into ``target``.

    The reverse plan (for a down migration) is ``migration_plan(target, source, ...)``
    with the renames inverted: computing it from the two states, rather than inverting
    statements, makes it exactly as correct as the forward one.
    """
    return plan(diff(source, target, renames), source)
