"""Statements that destroy rows or values: DROP TABLE/SCHEMA/TYPE, TRUNCATE, DELETE without
WHERE, and enums re-created without some of their values.

Objects created earlier in the same migration hold nothing yet, so dropping them is not
reported.
"""

from __future__ import annotations

from pglast import ast, enums

from puckdb.lint.findings import Hit
from puckdb.lint.names import display, list_name, relation_name
from puckdb.lint.rules.common import blocking, plural, warning
from puckdb.lint.scope import FileScope

_BACKUP = "keep a copy if the data may be needed (e.g. `puckdb branch create`)"


def drop(node: ast.DropStmt, scope: FileScope) -> list[Hit]:
    kind = node.removeType
    cascade = node.behavior == enums.DropBehavior.DROP_CASCADE
    objects = node.objects or ()
    if kind == enums.ObjectType.OBJECT_TABLE:
        tables = [list_name(item) for item in objects if isinstance(item, tuple)]
        existing = [display(name) for name in tables if not scope.is_new_table(name)]
        if not existing:
            return []
        return [
            blocking(
                "data-loss",
                f"drops {plural(len(existing), 'table')} {', '.join(existing)} and all "
                f"{'its' if len(existing) == 1 else 'their'} rows",
                f"stop using the table in code and deploy that first, then drop it; {_BACKUP}",
            )
        ]
    if kind == enums.ObjectType.OBJECT_SCHEMA:
        schemas = [
            item.sval for item in objects if isinstance(item, ast.String) and item.sval not in scope.schemas
        ]
        if not schemas:
            return []
        names = ", ".join(str(schema) for schema in schemas)
        if cascade:
            return [
                blocking(
                    "data-loss",
                    f"drops schema {names} with every table in it (CASCADE)",
                    f"drop the tables you mean to lose one by one, so the migration says which; {_BACKUP}",
                )
            ]
        # Blocking, as the contract lists DROP SCHEMA, but not "data-loss": without CASCADE
        # PostgreSQL refuses to drop a schema that still holds anything, so no row can go (a
        # non-empty schema makes the migration fail and roll back instead). What it does lose
        # is the schema every client resolves names in, with its grants and default
        # privileges: a decision someone must acknowledge. The kind is the one generate's
        # header gives a dropped schema (plan/hazards.py), so a generated drop passes as is.
        return [
            blocking(
                "backward-incompatible",
                f"drops schema {names}: code and grants that use it break (and PostgreSQL refuses "
                "unless the schema is empty, so no rows are lost)",
                "move or drop what the schema holds in earlier statements, and stop using it in code first",
            )
        ]
    if kind == enums.ObjectType.OBJECT_TYPE:
        return _drop_types(node, scope, cascade=cascade)
    if kind == enums.ObjectType.OBJECT_POLICY:
        return _drop_policies(objects, scope)
    return []


def _drop_policies(objects: tuple[object, ...], scope: FileScope) -> list[Hit]:
    hits: list[Hit] = []
    for item in objects:
        if not isinstance(item, tuple) or len(item) < 2:
            continue
        table = list_name(item[:-1])
        name = item[-1].sval if isinstance(item[-1], ast.String) else ""
        # A policy created (again) in the same migration is being re-defined, as generate
        # does to change its command; one on a table created here protected no rows yet.
        if scope.is_new_table(table) or (table, name) in scope.created_policies:
            continue
        hits.append(
            blocking(
                "security",
                f"drops policy {name} on {display(table)}: what it allowed is refused, or what it "
                "restricted is exposed",
                "make sure the remaining policies say who may see and change which rows",
            )
        )
    return hits


def _drop_types(node: ast.DropStmt, scope: FileScope, *, cascade: bool) -> list[Hit]:
    hits: list[Hit] = []
    for item in node.objects or ():
        if not isinstance(item, ast.TypeName):
            continue
        name = list_name(item)
        if name in scope.types or name in scope.parked_types:
            continue  # created in this file, or the old half of a re-created enum
        if cascade:
            hits.append(
                blocking(
                    "data-loss",
                    f"drops type {display(name)} and every column of that type (CASCADE)",
                    "convert or drop the columns that use the type in earlier statements, then drop "
                    "it without CASCADE",
                )
            )
        else:
            hits.append(
                warning(
                    "backward-incompatible",
                    f"drops type {display(name)}; code using it breaks (and the drop fails while "
                    "columns use it)",
                    "stop using the type in code and in columns first",
                )
            )
    return hits


def truncate(node: ast.TruncateStmt, scope: FileScope) -> list[Hit]:
    tables = [relation_name(item) for item in node.relations or () if isinstance(item, ast.RangeVar)]
    existing = [display(name) for name in tables if not scope.is_new_table(name)]
    if not existing:
        return []
    return [
        blocking(
            "data-loss",
            f"empties {plural(len(existing), 'table')} {', '.join(existing)}",
            f"delete only the rows you mean to with DELETE … WHERE; {_BACKUP}",
        )
    ]


def delete(node: ast.DeleteStmt, scope: FileScope) -> list[Hit]:
    if node.whereClause is not None or not isinstance(node.relation, ast.RangeVar):
        return []
    name = relation_name(node.relation)
    if scope.is_new_table(name):
        return []
    return [
        blocking(
            "data-loss",
            f"deletes every row of {display(name)} (DELETE without WHERE)",
            f"add a WHERE clause naming the rows to delete; {_BACKUP}",
        )
    ]


def create_enum(node: ast.CreateEnumStmt, scope: FileScope) -> list[Hit]:
    """An enum created under the name of one this migration renamed away or dropped: the
    re-create pattern, which loses the values the new list leaves out."""
    name = list_name(node.typeName)
    if name not in scope.replaced_types:
        return []
    old = scope.replaced_types[name]
    new = [value.sval for value in node.vals or () if isinstance(value, ast.String)]
    if old is None:
        return [
            warning(
                "data-loss",
                f"re-creates enum {display(name)}; its current values are unknown to lint (no earlier "
                "migration creates it), so it cannot tell whether a value is removed",
                "check that every current value is in the new list, or update the rows holding a "
                "removed one first",
            )
        ]
    removed = [label for label in old if label not in new]
    if not removed:
        return []
    values = ", ".join(repr(label) for label in removed)
    return [
        blocking(
            "data-loss",
            f"re-creates enum {display(name)} without {plural(len(removed), 'value')} {values}; rows "
            "holding them make the conversion fail",
            "update the rows holding the removed values (in this migration, before converting the columns)",
        )
    ]
