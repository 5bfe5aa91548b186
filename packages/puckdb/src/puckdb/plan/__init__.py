"""plan: order operations so each statement finds what it needs, and attach hazards.

Operations are ordered in phases (create schemas and extensions; rename tables and
columns; drop dependent views and foreign keys; drop, and rename constraints and indexes;
create types and tables; alter columns; drop columns and tables; add keys, indexes and
foreign keys once every target exists; re-create views in dependency order; comments;
drop what nothing uses any more). Within a phase the diff's
order is kept, which is deterministic; views are ordered by their dependencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from puckdb.diff import operations as op
from puckdb.model import ForeignKey, PrimaryKey, Schema, View
from puckdb.plan.hazards import BLOCKING, Hazard, hazards_of
from puckdb.plan.render import render

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
    ordered = _order(list(operations))
    # A renamed table is an existing one, with its rows, under its new name; a
    # materialized view holds rows too (an index on it blocks its refreshes).
    recreated = frozenset((o.view.schema, o.view.name) for o in ordered if isinstance(o, op.CreateView))
    existing = frozenset(
        {(t.schema, t.name) for t in source.tables}
        | ({(v.schema, v.name) for v in source.views if v.materialized} - recreated)
        | {(o.schema, o.new) for o in ordered if isinstance(o, op.RenameTable)}
    )
    statements: list[Statement] = []
    for operation in ordered:
        hazards = hazards_of(operation, existing, recreated)
        # A new enum label cannot be used before it is committed, so ADD VALUE runs on its
        # own (it is rendered IF NOT EXISTS, so running it again after a failure is safe).
        transactional = not isinstance(operation, op.AddEnumValue)
        for text in render(operation):
            statements.append(
                Statement(sql=text, operation=operation, hazards=hazards, transactional=transactional)
            )
    return Plan(tuple(statements))


def _phase(operation: op.Operation) -> float:
    match operation:
        case op.CreateSchema():
            return 0
        case op.CreateExtension():
            return 1
        case op.RenameTable() | op.RenameColumn() | op.RenameSequence():
            # First: every later operation names tables and columns as the target does
            # (the diff renames the source model before comparing), the drops included.
            return 1.5
        case op.DropView():
            return 2
        case op.DropConstraint(constraint=ForeignKey()):
            return 3
        case op.DropIndex() | op.DropConstraint():
            return 4
        case op.RenameConstraint() | op.RenameIndex() | op.RenameEnumValue():
            # After the drops: a constraint may take the name of one dropped before it.
            return 5
        case op.CreateEnum() | op.AddEnumValue():
            return 6
        case op.RecreateEnum():
            # Right after the other types: every table or column created later must get
            # the new type, not the old one parked under another name until its drop.
            return 6.2
        case op.CreateSequence() | op.AlterSequence():
            return 7
        case op.CreateTable():
            return 8
        case op.AddColumn():
            return 9
        case op.SetColumnDefault(default=None):
            return 10
        case op.DropIdentity():
            # Before sequences are created: a serial column's new sequence usually takes
            # the name the identity's sequence had.
            return 6.5
        case op.AlterColumnType():
            return 12
        case op.SetColumnNullable():
            return 13
        case op.AddIdentity() | op.AlterIdentity():
            return 14
        case op.SetColumnDefault():
            return 15
        case op.DropColumn():
            return 16
        case op.DropTable():
            return 17
        case op.DropEnum() | op.DropReplacedEnum() | op.DropSequence():
            return 18
        case op.SetLogged() | op.SetRowSecurity():
            return 19
        case op.AddConstraint(constraint=PrimaryKey()):
            return 20
        case op.AddConstraint(constraint=ForeignKey()):
            return 23
        case op.AddConstraint():
            return 21
        case op.CreateIndex():
            return 22
        case op.SetSequenceOwner():
            return 24
        case op.CreateView():
            return 25
        case op.SetComment():
            return 27
        case op.DropExtension():
            return 28
        case op.DropSchema():
            return 29
    raise NotImplementedError(type(operation).__name__)


def _order(operations: list[op.Operation]) -> list[op.Operation]:
    created_views = {(o.view.schema, o.view.name) for o in operations if isinstance(o, op.CreateView)}
    added_columns = {(o.schema, o.table, o.column.name) for o in operations if isinstance(o, op.AddColumn)}
    added_identities = {(o.schema, o.table, o.column) for o in operations if isinstance(o, op.AddIdentity)}
    phased = sorted(
        enumerate(operations),
        key=lambda item: (_phase_of(item[1], created_views, added_columns, added_identities), item[0]),
    )
    result = [operation for _, operation in phased]
    creates = [o for o in result if isinstance(o, op.CreateView)]
    drops = [o for o in result if isinstance(o, op.DropView)]
    sorted_creates = iter(_views_in_dependency_order([o.view for o in creates]))
    sorted_drops = iter(reversed(_views_in_dependency_order([o.view for o in drops])))
    ordered: list[op.Operation] = []
    for operation in result:
        if isinstance(operation, op.CreateView):
            ordered.append(op.CreateView(next(sorted_creates)))
        elif isinstance(operation, op.DropView):
            ordered.append(op.DropView(next(sorted_drops)))
        else:
            ordered.append(operation)
    return ordered


def _phase_of(
    operation: op.Operation,
    created_views: set[tuple[str, str]],
    added_columns: set[tuple[str, str, str]],
    added_identities: set[tuple[str, str, str]],
) -> float:
    # An index on a materialized view waits for the view.
    if isinstance(operation, op.CreateIndex) and (operation.schema, operation.table) in created_views:
        return 26
    # A column re-created under the same name (a generated column's new expression) is
    # dropped before it is added again.
    if (
        isinstance(operation, op.DropColumn)
        and (operation.schema, operation.table, operation.column.name) in added_columns
    ):
        return 8.5
    # A serial column becoming an identity: its sequence goes (after its nextval default)
    # before the identity's sequence is created, which would otherwise get another name.
    if isinstance(operation, op.DropSequence) and operation.sequence.owned_by is not None:
        table, column = operation.sequence.owned_by
        if (operation.sequence.schema, table, column) in added_identities:
            return 13.5
    return _phase(operation)


def _views_in_dependency_order(views: Sequence[View]) -> list[View]:
    """Views so that each comes after the views (in ``views``) it reads."""
    by_key = {(v.schema, v.name): v for v in views}
    done: dict[tuple[str, str], View] = {}
    visiting: set[tuple[str, str]] = set()

    def visit(key: tuple[str, str]) -> None:
        if key in done or key not in by_key or key in visiting:
            return
        visiting.add(key)
        for dependency in by_key[key].depends_on:
            visit(dependency)
        visiting.discard(key)
        done[key] = by_key[key]

    for key in by_key:
        visit(key)
    return list(done.values())
