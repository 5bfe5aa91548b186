"""``CREATE INDEX`` without ``CONCURRENTLY`` on an existing table."""

from __future__ import annotations

from pglast import ast

from puckdb.lint.findings import Hit
from puckdb.lint.names import display, relation_name
from puckdb.lint.rules.common import warning
from puckdb.lint.scope import FileScope


def create_index(node: ast.IndexStmt, scope: FileScope) -> list[Hit]:
    if node.concurrent or not isinstance(node.relation, ast.RangeVar):
        return []
    table = relation_name(node.relation)
    if scope.is_new_table(table):
        return []
    name = node.idxname or "an index"
    return [
        warning(
            "non-concurrent-index",
            f"builds {name} on {display(table)} while blocking writes for the whole build",
            "use CREATE INDEX CONCURRENTLY in a migration with `-- Transaction: no`",
        )
    ]
