"""plan: order operations so each statement finds what it needs, and attach hazards.

Every operation names its phase (:class:`puckdb.kinds.Phase`: create schemas and
extensions; rename tables and columns; drop dependent views and foreign keys; drop, and
rename constraints and indexes; create types and tables; alter columns; drop columns and
tables; add keys, indexes and foreign keys once every target exists; re-create views in
dependency order; comments; drop what nothing uses any more), which may depend on the rest
of the plan (:class:`puckdb.kinds.PlanContext`). Within a phase the diff's order is kept,
which is deterministic; views are ordered by their dependencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from puckdb.diff import operations as op
from puckdb.kinds import BLOCKING, Hazard, PlanContext
from puckdb.kinds.unmanaged import destroyed_with, destruction_hazards
from puckdb.kinds.views import order_view_operations
from puckdb.model import Schema

__all__ = ["Hazard", "Plan", "Statement", "plan"]


@dataclass(frozen=True)
class Statement:
    """One SQL statement of a plan, with the operation it performs and its hazards."""

    sql: str
    operation: op.Operation
    hazards: tuple[Hazard, ...]
    transactional: bool = True


@dataclass(frozen=True)
class Plan:
    """An ordered migration: statements in the order they must run, each with the
    operation it performs and its hazards. ``sql()`` is the script a migration file holds;
    ``hazards`` and ``blocking_hazards`` are what its header lists and what needs a yes."""

    statements: tuple[Statement, ...]

    @property
    def is_empty(self) -> bool:
        return not self.statements

    @property
    def hazards(self) -> tuple[Hazard, ...]:
        """Every hazard once, in statement order."""
        seen: dict[Hazard, None] = {}
        for statement in self.statements:
            for hazard in statement.hazards:
                seen.setdefault(hazard, None)
        return tuple(seen)

    @property
    def blocking_hazards(self) -> tuple[Hazard, ...]:
        """The hazards that need an explicit yes (``data-loss``)."""
        return tuple(h for h in self.hazards if h.kind in BLOCKING)

    @property
    def transactional(self) -> bool:
        """Whether every statement may run inside one transaction."""
        return all(statement.transactional for statement in self.statements)

    def sql(self) -> str:
        """The plan as one SQL script, a statement per paragraph."""
        return "".join(f"{statement.sql};\n\n" for statement in self.statements).rstrip("\n") + (
            "\n" if self.statements else ""
        )


def plan(operations: Iterable[op.Operation], source: Schema) -> Plan:
    """Order ``operations`` (from :func:`puckdb.diff.diff` against ``source``) and render
    them with their hazards."""
    operations = list(operations)
    context = _context(operations, source)
    phased = sorted(enumerate(operations), key=lambda item: (item[1].phase_in(context), item[0]))
    ordered = order_view_operations([operation for _, operation in phased])
    statements: list[Statement] = []
    for operation in ordered:
        hazards = operation.hazards(context) + _unmanaged_losses(operation, source)
        for text in operation.render():
            statements.append(
                Statement(
                    sql=text, operation=operation, hazards=hazards, transactional=operation.transactional
                )
            )
    return Plan(tuple(statements))


def _context(operations: Sequence[op.Operation], source: Schema) -> PlanContext:
    created_views = frozenset(
        (o.view.schema, o.view.name) for o in operations if isinstance(o, op.CreateView)
    )
    # A renamed table is an existing one, with its rows, under its new name; a
    # materialized view holds rows too (an index on it blocks its refreshes).
    existing = frozenset(
        {(t.schema, t.name) for t in source.tables}
        | ({(v.schema, v.name) for v in source.views if v.materialized} - created_views)
        | {(o.schema, o.new) for o in operations if isinstance(o, op.RenameTable)}
    )
    return PlanContext(
        existing_tables=existing,
        created_views=created_views,
        added_columns=frozenset(
            (o.schema, o.table, o.column.name) for o in operations if isinstance(o, op.AddColumn)
        ),
        added_identities=frozenset(
            (o.schema, o.table, o.column) for o in operations if isinstance(o, op.AddIdentity)
        ),
    )


def _unmanaged_losses(operation: op.Operation, source: Schema) -> tuple[Hazard, ...]:
    """A blocking hazard for each object no kind manages that ``operation`` takes with it
    (a trigger or policy with its table, everything in a dropped schema)."""
    relations, schemas = operation.dropped_relations(), operation.dropped_schemas()
    if not source.unmanaged or not (relations or schemas):
        return ()
    lost = destroyed_with(source.unmanaged, relations, schemas)
    names = [".".join(key) for key in relations] + [f"schema {name}" for name in schemas]
    return destruction_hazards(lost, f"dropping {', '.join(names)}")
