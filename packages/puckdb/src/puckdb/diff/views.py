"""Views and materialized views: changed ones are re-created, and so is every view that
reads a table or view being changed underneath it (PostgreSQL refuses to alter a column
a view uses, and a view body is not altered in place)."""

from __future__ import annotations

from collections.abc import Sequence

from puckdb.diff.operations import (
    AlterColumnType,
    CreateIndex,
    CreateView,
    DropColumn,
    DropTable,
    DropView,
    Operation,
    RecreateEnum,
    RenameColumn,
    RenameTable,
    SetComment,
)
from puckdb.diff.tables import diff_indexes
from puckdb.model import Schema, View

Key = tuple[str, str]


def diff_views(
    source: Schema,
    target: Schema,
    table_operations: Sequence[Operation],
) -> list[Operation]:
    """View operations, given the table operations already decided."""
    source_views = {(v.schema, v.name): v for v in source.views}
    target_views = {(v.schema, v.name): v for v in target.views}
    touched = _touched_relations(table_operations)

    replaced: set[Key] = set()
    for key, view in target_views.items():
        before = source_views.get(key)
        if before is not None and _body(before) != _body(view):
            replaced.add(key)
    dropped = {key for key in source_views if key not in target_views}
    # A view reading a replaced, dropped or touched relation must be re-created too,
    # transitively: repeat until nothing new is pulled in.
    changed = True
    while changed:
        changed = False
        for key, view in source_views.items():
            if key in replaced or key in dropped or key not in target_views:
                continue
            if any(dep in touched or dep in replaced or dep in dropped for dep in view.depends_on):
                replaced.add(key)
                changed = True

    operations: list[Operation] = []
    for key in sorted(dropped | replaced):
        operations.append(DropView(source_views[key]))
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


def _kind(view: View) -> str:
    return "MATERIALIZED VIEW" if view.materialized else "VIEW"


def _body(view: View) -> object:
    return (view.materialized, view.definition, view.columns)


def _touched_relations(operations: Sequence[Operation]) -> set[Key]:
    touched: set[Key] = set()
    for operation in operations:
        if isinstance(operation, AlterColumnType | DropColumn | RenameColumn):
            touched.add((operation.schema, operation.table))
        elif isinstance(operation, DropTable):
            touched.add((operation.table.schema, operation.table.name))
        elif isinstance(operation, RenameTable):
            touched.update({(operation.schema, operation.old), (operation.schema, operation.new)})
        elif isinstance(operation, RecreateEnum):
            touched.update((column.schema, column.table) for column in operation.columns)
    return touched
