"""Statements that cannot run the way the migration's header says it runs.

PostgreSQL refuses ``CREATE INDEX CONCURRENTLY`` (and a few others) inside a transaction
block, and puckdb runs a ``Transaction: yes`` migration as one transaction: such a
migration fails every time, whatever its header acknowledges, so the finding is blocking
and cannot be acknowledged. ``BEGIN``/``COMMIT`` written into a migration fight puckdb's
own transaction handling (and its tracking row).
"""

from __future__ import annotations

from pglast import ast, enums

from puckdb.lint.findings import TRANSACTION_CONTROL, Hit
from puckdb.lint.rules.common import blocking, warning
from puckdb.lint.scope import FileScope

_NO_TRANSACTION_HINT = "put the statement in a migration of its own whose header says `-- Transaction: no`"


def outside_transaction_only(node: ast.Node) -> str | None:
    """What ``node`` is, when PostgreSQL refuses to run it inside a transaction block."""
    match node:
        case ast.IndexStmt(concurrent=True):
            return "CREATE INDEX CONCURRENTLY"
        case ast.DropStmt(concurrent=True):
            return "DROP INDEX CONCURRENTLY"
        case ast.ReindexStmt():
            params = [p.defname for p in node.params or () if isinstance(p, ast.DefElem)]
            return "REINDEX CONCURRENTLY" if "concurrently" in params else None
        case ast.VacuumStmt(is_vacuumcmd=True):
            return "VACUUM"
        case ast.CreatedbStmt() | ast.DropdbStmt():
            return "CREATE/DROP DATABASE"
        case ast.CreateTableSpaceStmt() | ast.DropTableSpaceStmt():
            return "CREATE/DROP TABLESPACE"
        case ast.AlterSystemStmt():
            return "ALTER SYSTEM"
        case ast.AlterTableStmt():
            for command in node.cmds or ():
                if (
                    isinstance(command, ast.AlterTableCmd)
                    and command.subtype == enums.AlterTableType.AT_DetachPartition
                    and isinstance(command.def_, ast.PartitionCmd)
                    and command.def_.concurrent
                ):
                    return "DETACH PARTITION CONCURRENTLY"
            return None
        case _:
            return None


def transaction_rules(node: ast.Node, scope: FileScope) -> list[Hit]:
    if isinstance(node, ast.TransactionStmt):
        return [
            warning(
                TRANSACTION_CONTROL,
                "controls the transaction inside a migration; puckdb already runs the migration in "
                "one transaction (or statement by statement with `-- Transaction: no`)",
                "remove BEGIN/COMMIT; use the header's `-- Transaction:` line to choose how it runs",
            )
        ]
    what = outside_transaction_only(node)
    if what is None or not scope.transactional:
        return []
    return [
        blocking(
            "non-transactional",
            f"{what} cannot run inside a transaction block, and this migration runs in one "
            "(its header says `Transaction: yes` or says nothing)",
            _NO_TRANSACTION_HINT,
            acknowledgeable=False,
        )
    ]
