"""The registry of object kinds: what puckdb manages, one module a kind.

Each kind module defines its operations (with their phase, SQL and hazards) and one
:class:`~puckdb.kinds.base.Kind` (catalog queries, row assembly, comparison). The generic
stages loop over :data:`REGISTRY`: ``inspect`` runs every kind's queries and merges what
their assembly returns into one :class:`~puckdb.model.Schema`; ``diff`` asks each kind for
its operations in registry order (a later kind sees the earlier kinds' operations: views
re-create what table changes touch); ``plan`` orders operations by their phase. Adding a
kind is one module, its model class, and one line here.
"""

from puckdb.kinds import (
    aggregates,
    collations,
    domains,
    enums,
    extensions,
    function_users,
    functions,
    grants,
    policies,
    schemas,
    sequences,
    tables,
    triggers,
    unmanaged,
    views,
)
from puckdb.kinds.base import BLOCKING, HAZARD_KINDS, Hazard, Kind, Operation, Phase, PlanContext

REGISTRY: tuple[Kind, ...] = (
    schemas.KIND,
    extensions.KIND,
    collations.KIND,
    enums.KIND,
    domains.KIND,
    functions.KIND,
    aggregates.KIND,
    sequences.KIND,
    tables.KIND,
    function_users.KIND,
    views.KIND,
    triggers.KIND,
    policies.KIND,
    grants.KIND,
    unmanaged.KIND,
)
"""Every kind, in the order inspection queries and diffs run; the last, ``unmanaged``,
names what none of the others covers."""

__all__ = ["BLOCKING", "HAZARD_KINDS", "REGISTRY", "Hazard", "Kind", "Operation", "Phase", "PlanContext"]
