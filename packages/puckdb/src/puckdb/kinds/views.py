"""Views and materialized views: changed ones are re-created, and so is every view that
reads a table or view being changed underneath it (PostgreSQL refuses to alter a column
a view uses, and a view body is not altered in place)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from puckdb.kinds.aggregates import DropAggregate
from puckdb.kinds.base import Hazard, Key, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.columns import AlterColumnType, DropColumn, RenameColumn
from puckdb.kinds.comments import SetComment
from puckdb.kinds.enums import RecreateEnum
from puckdb.kinds.functions import RecreateFunction
from puckdb.kinds.indexes import CreateIndex, diff_indexes
from puckdb.kinds.partitions import partitions_below
from puckdb.kinds.tables import DropTable, RenameTable, columns_by_relation, indexes_by_relation
from puckdb.model import Schema, View
from puckdb.quoting import ident

# A view's query is a rewrite rule; the relations it reads are the rule's dependencies
# (its dependency on its own view is skipped): one per column it reads, or one on the whole
# relation (refobjsubid 0) for a whole-row reference or count(*).
VIEW_DEPENDENCIES = """
SELECT DISTINCT v.oid AS view_oid, rn.nspname, rc.relname, a.attname
FROM pg_rewrite r
JOIN pg_class v ON v.oid = r.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
     AND d.refclassid = 'pg_class'::regclass
JOIN pg_class rc ON rc.oid = d.refobjid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = rc.oid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE vn.nspname = ANY(%(schemas)s::text[])
  AND v.relkind IN ('v', 'm')
  AND rc.oid <> v.oid
  AND rc.relkind IN ('r', 'p', 'v', 'm')
  AND rn.nspname = ANY(%(schemas)s::text[])
ORDER BY 1, 2, 3, 4
"""


def _kind(view: View) -> str:
    return "MATERIALIZED VIEW" if view.materialized else "VIEW"


@dataclass(frozen=True)
class CreateView(Operation):
    view: View

    phase = Phase.CREATE_VIEWS

    def render(self) -> tuple[str, ...]:
        body = self.view.definition.strip().rstrip(";")
        return (f"CREATE {_kind(self.view)} {ident(self.view.schema, self.view.name)} AS\n{body}",)


@dataclass(frozen=True)
class DropView(Operation):
    view: View

    phase = Phase.DROP_VIEWS

    def render(self) -> tuple[str, ...]:
        return (f"DROP {_kind(self.view)} {ident(self.view.schema, self.view.name)}",)

    def dropped_relations(self) -> tuple[Key, ...]:
        return (self.view.key,)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        kind = "materialized view" if self.view.materialized else "view"
        name = name_in_message(self.view.schema, self.view.name)
        if (self.view.schema, self.view.name) in context.created_views:
            if not self.view.materialized:
                return ()  # dropped only to be created again
            message = (
                f"re-creates materialized view {name}: its query runs again in full and its indexes are "
                "built again, and it cannot be read meanwhile"
            )
            return (Hazard("matview-rebuild", message),)
        return (Hazard("backward-incompatible", f"drops {kind} {name}; code reading it breaks"),)


def views_in_dependency_order(views: Sequence[View]) -> list[View]:
    """Views so that each comes after the views (in ``views``) it reads."""
    by_key = {(v.schema, v.name): v for v in views}
    done: dict[Key, View] = {}
    visiting: set[Key] = set()

    def visit(key: Key) -> None:
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


def order_view_operations(operations: list[Operation]) -> list[Operation]:
    """``operations`` (already in phase order) with the view creations in dependency order
    and the view drops in the reverse, each keeping the places its phase gave it."""
    creates = [o.view for o in operations if isinstance(o, CreateView)]
    drops = [o.view for o in operations if isinstance(o, DropView)]
    sorted_creates = iter(views_in_dependency_order(creates))
    sorted_drops = iter(reversed(views_in_dependency_order(drops)))
    ordered: list[Operation] = []
    for operation in operations:
        if isinstance(operation, CreateView):
            ordered.append(CreateView(next(sorted_creates)))
        elif isinstance(operation, DropView):
            ordered.append(DropView(next(sorted_drops)))
        else:
            ordered.append(operation)
    return ordered


def _assemble(rows: Rows) -> Mapping[str, Any]:
    relations = {row["oid"]: row for row in rows["relations"] if row["relkind"] in ("v", "m")}
    columns = columns_by_relation(rows, relations)
    indexes = indexes_by_relation(rows, relations)
    dependencies: dict[int, list[Key]] = defaultdict(list)
    column_dependencies: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    row_dependencies: dict[int, list[Key]] = defaultdict(list)
    for row in rows["view_dependencies"]:
        relation = (row["nspname"], row["relname"])
        dependencies[row["view_oid"]].append(relation)
        if row["attname"] is None:
            row_dependencies[row["view_oid"]].append(relation)
        else:
            column_dependencies[row["view_oid"]].append((*relation, row["attname"]))
    views = tuple(
        View(
            schema=relation["nspname"],
            name=relation["relname"],
            definition=relation["definition"],
            materialized=relation["relkind"] == "m",
            columns=tuple(column.name for column in columns[oid]),
            depends_on=tuple(sorted(set(dependencies[oid]))),
            depends_on_columns=tuple(column_dependencies[oid]),
            depends_on_rows=tuple(sorted(set(row_dependencies[oid]))),
            indexes=tuple(indexes[oid]),
            comment=relation["comment"],
            column_comments=tuple(
                (column.name, column.comment) for column in columns[oid] if column.comment is not None
            ),
        )
        for oid, relation in relations.items()
    )
    return {"views": views}


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    source_views = {(v.schema, v.name): v for v in source.views}
    target_views = {(v.schema, v.name): v for v in target.views}
    touched, touched_columns = _touched(earlier)
    # A parent's column change is its partitions' too, though no operation names them.
    touched |= partitions_below(source, touched)
    touched_columns |= {
        (*partition, column)
        for schema, table, column in list(touched_columns)
        for partition in partitions_below(source, [(schema, table)])
    }

    replaced: set[Key] = set()
    for key, view in target_views.items():
        before = source_views.get(key)
        if before is not None and _body(before) != _body(view):
            replaced.add(key)
    dropped = {key for key in source_views if key not in target_views}
    # A view using a function that is re-created must let go of it first.
    replaced |= {
        (schema, relation)
        for operation in earlier
        if isinstance(operation, RecreateFunction)
        for kind, schema, relation, _ in operation.old.used_by
        if kind == "view" and (schema, relation) in source_views and (schema, relation) in target_views
    }
    # So must a view using an aggregate that is dropped to be created again.
    replaced |= {
        (schema, relation)
        for operation in earlier
        if isinstance(operation, DropAggregate) and operation.new is not None
        for kind, schema, relation, _ in operation.aggregate.used_by
        if kind == "view" and (schema, relation) in source_views and (schema, relation) in target_views
    }
    # A view reading a replaced, dropped or touched relation must be re-created too,
    # transitively: repeat until nothing new is pulled in.
    changed = True
    while changed:
        changed = False
        for key, view in source_views.items():
            if key in replaced or key in dropped or key not in target_views:
                continue
            if _reads_any(view, touched, touched_columns, replaced | dropped):
                replaced.add(key)
                changed = True

    operations: list[Operation] = [DropView(source_views[key]) for key in sorted(dropped | replaced)]
    for key, view in target_views.items():
        if key in replaced or key not in source_views:
            operations.extend(_create_view(view))
        else:
            before = source_views[key]
            if before.comment != view.comment:
                operations.append(SetComment(_kind(view), view.schema, view.name, None, view.comment))
            operations.extend(_column_comments(before, view))
            operations.extend(diff_indexes(view.schema, view.name, before.indexes, view.indexes))
    return operations


def _column_comments(before: View | None, view: View) -> list[Operation]:
    """COMMENT ON COLUMN for each output column whose comment differs from ``before``'s
    (None: the view is created, or re-created, and has no comments yet)."""
    return [
        SetComment("COLUMN", view.schema, view.name, column, view.column_comment(column))
        for column in view.columns
        if (before.column_comment(column) if before is not None else None) != view.column_comment(column)
    ]


def _create_view(view: View) -> list[Operation]:
    operations: list[Operation] = [CreateView(view)]
    operations.extend(CreateIndex(view.schema, view.name, index) for index in view.indexes)
    if view.comment is not None:
        operations.append(SetComment(_kind(view), view.schema, view.name, None, view.comment))
    operations.extend(_column_comments(None, view))
    for index in view.indexes:
        if index.comment is not None:
            operations.append(SetComment("INDEX", view.schema, index.name, None, index.comment))
    return operations


def _body(view: View) -> object:
    return (view.materialized, view.definition_key, view.columns)


def _reads_any(
    view: View, touched: set[Key], touched_columns: set[tuple[str, str, str]], gone: set[Key]
) -> bool:
    """Whether ``view`` reads a relation that is touched as a whole or goes, or a column
    that changes (a view reading other columns of that table is left alone: PostgreSQL
    lets a column it does not read change under it)."""
    if any(relation in touched or relation in gone for relation in view.depends_on):
        return True
    changed_relations = {(schema, table) for schema, table, _ in touched_columns}
    if any(relation in changed_relations for relation in view.depends_on_rows):
        return True
    return any(column in touched_columns for column in view.depends_on_columns)


def _touched(operations: Sequence[Operation]) -> tuple[set[Key], set[tuple[str, str, str]]]:
    """The relations ``operations`` change as a whole, and the columns they change."""
    touched: set[Key] = set()
    columns: set[tuple[str, str, str]] = set()
    for operation in operations:
        if isinstance(operation, AlterColumnType):
            columns.add((operation.schema, operation.table, operation.column))
        elif isinstance(operation, DropColumn):
            columns.add((operation.schema, operation.table, operation.column.name))
        elif isinstance(operation, RenameColumn):
            # A view reading the column prints it under its new name (and keeps its output
            # name): it is re-created only if it reads it. A renamed table touches it whole.
            columns.add((operation.schema, operation.table, operation.old))
            columns.add((operation.schema, operation.table, operation.new))
        elif isinstance(operation, DropTable):
            touched.add((operation.table.schema, operation.table.name))
        elif isinstance(operation, RenameTable):
            touched.update({(operation.schema, operation.old), (operation.schema, operation.new)})
        elif isinstance(operation, RecreateEnum):
            columns.update((column.schema, column.table, column.column) for column in operation.columns)
    return touched, columns


KIND = Kind("views", queries=(("view_dependencies", VIEW_DEPENDENCIES),), assemble=_assemble, diff=_diff)
