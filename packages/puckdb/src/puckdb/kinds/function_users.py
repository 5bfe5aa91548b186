"""What holds on to a function that must be re-created: PostgreSQL refuses to drop a
function while a column default, a constraint or an index uses it, so those let go first
and are set again afterwards, as the target has them. (Views that use it are re-created by
the views kind, triggers by the triggers kind; a generated column is a manual step, named by
the function's own hazard.)

This kind adds no model and runs no query: it reads the ``used_by`` the functions' query
fills in, and the operations the kinds before it planned, so that nothing is done twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from puckdb.kinds.base import Kind, Operation
from puckdb.kinds.columns import SetColumnDefault
from puckdb.kinds.constraints import AddConstraint, DropConstraint, constraints_of
from puckdb.kinds.functions import RecreateFunction
from puckdb.kinds.indexes import CreateIndex, DropIndex
from puckdb.kinds.tables import DropTable
from puckdb.model import Schema

Member = tuple[str, str, str]
"""(schema, table, name) of a column, constraint or index."""


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    users = {
        (kind, schema, relation, member)
        for operation in earlier
        if isinstance(operation, RecreateFunction)
        for kind, schema, relation, member in operation.old.used_by
        if kind in ("default", "constraint", "index")
    }
    if not users:
        return []
    defaults_dropped = {
        (o.schema, o.table, o.column)
        for o in earlier
        if isinstance(o, SetColumnDefault) and o.default is None
    }
    constraints_dropped = {
        (o.schema, o.table, o.constraint.name) for o in earlier if isinstance(o, DropConstraint)
    }
    indexes_dropped = {(o.schema, o.table, o.index.name) for o in earlier if isinstance(o, DropIndex)}
    tables_dropped = {(o.table.schema, o.table.name) for o in earlier if isinstance(o, DropTable)}

    operations: list[Operation] = []
    for kind, schema, relation, member in sorted(users):
        before, after = source.table(schema, relation), target.table(schema, relation)
        if before is None:
            continue  # a view's index: the view is re-created with it
        key = (schema, relation, member)
        if kind == "default" and key not in defaults_dropped:
            operations.append(SetColumnDefault(schema, relation, member, None))
            column = (
                after.column(member)
                if after is not None and (schema, relation) not in tables_dropped
                else None
            )
            if column is not None and column.default is not None:
                operations.append(SetColumnDefault(schema, relation, member, column.default))
        elif kind == "constraint" and key not in constraints_dropped:
            old = next((c for c in constraints_of(before) if c.name == member), None)
            new = next((c for c in constraints_of(after) if c.name == member), None) if after else None
            if old is not None:
                operations.append(DropConstraint(schema, relation, old))
                if new is not None:
                    operations.append(AddConstraint(schema, relation, new))
        elif kind == "index" and key not in indexes_dropped:
            old_index = next((i for i in before.indexes if i.name == member), None)
            new_index = next((i for i in after.indexes if i.name == member), None) if after else None
            if old_index is not None:
                operations.append(DropIndex(schema, relation, old_index))
                if new_index is not None:
                    operations.append(CreateIndex(schema, relation, new_index))
    return operations


KIND = Kind("function users", diff=_diff)
