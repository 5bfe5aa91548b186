"""The statements of a migration that write rows rather than change the schema.

Comparing schemas says whether a skipped migration's DDL is in a database; it says
nothing about an ``UPDATE`` that backfilled a column or an ``INSERT`` that seeded a table.
Such statements are found here, in the parse tree of PostgreSQL's own grammar (pglast, as
lint uses), so that adoption can say "this one changes data: look at the data" instead of
taking an unchanged schema for proof that the migration ran.
"""

from __future__ import annotations

from pglast import ast

from puckdb.lint.parsing import parse_statements

# Statements that write rows. TRUNCATE empties a table; COPY … FROM loads one (COPY … TO
# only reads, but a migration has no reason to export, so it is listed too).
_WRITES = (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt, ast.CopyStmt, ast.TruncateStmt)
# Procedural code: what it does is hidden in a string body, so it may write rows.
_OPAQUE = (ast.DoStmt, ast.CallStmt)


def data_statements(text: str) -> tuple[str, ...]:
    """The first line of each statement of ``text`` that writes (or may write) rows, and of
    each statement the parser cannot read (it may be one)."""
    found: list[str] = []
    for statement in parse_statements(text):
        if statement.node is None or _writes_rows(statement.node):
            found.append(statement.first_line)
    return tuple(found)


def _writes_rows(node: ast.Node) -> bool:
    if isinstance(node, _WRITES + _OPAQUE):
        return True
    # WITH moved AS (DELETE … RETURNING *) INSERT …/SELECT …: a data-modifying CTE.
    with_clause = getattr(node, "withClause", None)
    if isinstance(node, ast.SelectStmt) and isinstance(with_clause, ast.WithClause):
        return any(
            isinstance(cte, ast.CommonTableExpr) and isinstance(cte.ctequery, _WRITES)
            for cte in with_clause.ctes or ()
        )
    return False
