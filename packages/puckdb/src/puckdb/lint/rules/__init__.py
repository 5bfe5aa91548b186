"""The lint rules: one statement's parse tree, in its file's scope → hits.

Each module holds one family of rules; :func:`check` sends a statement to the ones that
concern it. Kinds follow :mod:`puckdb.plan.hazards`, so that the header a generated
migration carries acknowledges exactly what lint finds in it.
"""

from __future__ import annotations

from pglast import ast

from puckdb.lint.findings import Hit
from puckdb.lint.rules import destructive, indexes, renames, tables
from puckdb.lint.rules.transactions import transaction_rules
from puckdb.lint.scope import FileScope


def check(node: ast.Node, scope: FileScope) -> list[Hit]:
    """The hazards of ``node`` run after the statements ``scope`` has recorded."""
    hits = transaction_rules(node, scope)
    match node:
        case ast.DropStmt():
            hits += destructive.drop(node, scope)
        case ast.TruncateStmt():
            hits += destructive.truncate(node, scope)
        case ast.DeleteStmt():
            hits += destructive.delete(node, scope)
        case ast.CreateEnumStmt():
            hits += destructive.create_enum(node, scope)
        case ast.AlterTableStmt():
            hits += tables.alter_table(node, scope)
        case ast.IndexStmt():
            hits += indexes.create_index(node, scope)
        case ast.RenameStmt():
            hits += renames.rename(node, scope)
        case ast.AlterEnumStmt():
            hits += renames.rename_enum_value(node, scope)
        case _:
            pass
    return hits
