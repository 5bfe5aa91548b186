"""Renames that break code still running against the old names: tables, views, columns
and enum values. (Index and constraint names are not used by application code.)"""

from __future__ import annotations

from pglast import ast, enums

from puckdb.lint.findings import Hit
from puckdb.lint.names import display, list_name, relation_name
from puckdb.lint.rules.common import warning
from puckdb.lint.scope import FileScope

_Object = enums.ObjectType
_RELATIONS = {
    _Object.OBJECT_TABLE: "table",
    _Object.OBJECT_VIEW: "view",
    _Object.OBJECT_MATVIEW: "materialized view",
}
_HINT = (
    "deploy code that works with both names first (e.g. keep a view under the old name), "
    "or add the new one, copy, and drop the old one later"
)


def rename(node: ast.RenameStmt, scope: FileScope) -> list[Hit]:
    if not isinstance(node.relation, ast.RangeVar):
        return []
    relation = relation_name(node.relation)
    if scope.is_new_table(relation):
        return []
    new = node.newname or ""
    if node.renameType in _RELATIONS:
        what = _RELATIONS[node.renameType]
        return [
            warning(
                "backward-incompatible",
                f"renames {what} {display(relation)} to {new}; code using the old name breaks",
                _HINT,
            )
        ]
    if node.renameType == _Object.OBJECT_COLUMN and node.subname:
        if scope.is_new_column(relation, node.subname):
            return []
        return [
            warning(
                "backward-incompatible",
                f"renames column {display(relation, node.subname)} to {new}; code using the old name breaks",
                _HINT,
            )
        ]
    return []


def rename_enum_value(node: ast.AlterEnumStmt, scope: FileScope) -> list[Hit]:
    name = list_name(node.typeName)
    if not node.oldVal or name in scope.types:
        return []
    return [
        warning(
            "backward-incompatible",
            f"renames value {node.oldVal!r} of enum {display(name)} to {node.newVal!r}; code writing or "
            "comparing the old value breaks",
            "add the new value first, move rows and code to it, and stop using the old one",
        )
    ]
