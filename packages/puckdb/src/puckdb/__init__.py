"""puckdb: schema-as-code migrations, drift checks, branches and a studio for PostgreSQL.

The library is organised as one pipeline (see docs/architecture.md): configuration and
URL resolution (:mod:`puckdb.config`, :mod:`puckdb.urls`), the embedded development
server (:mod:`puckdb.server`), schema-as-code objects (:mod:`puckdb.objects`) and the
loader that finds a project's MetaData (:mod:`puckdb.loading`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from puckdb.errors import PuckdbError

if TYPE_CHECKING:
    from puckdb.objects import (
        Collation,
        Function,
        Partition,
        Procedure,
        SchemaComment,
        Trigger,
        View,
        collations_of,
        functions_of,
        partitions_of,
        schema_comments_of,
        triggers_of,
        views_of,
    )

__version__ = "0.1.0"

_OBJECTS = (
    "Collation",
    "Function",
    "Partition",
    "Procedure",
    "SchemaComment",
    "Trigger",
    "View",
    "collations_of",
    "functions_of",
    "partitions_of",
    "schema_comments_of",
    "triggers_of",
    "views_of",
)

__all__ = [
    "Collation",
    "Function",
    "Partition",
    "Procedure",
    "PuckdbError",
    "SchemaComment",
    "Trigger",
    "View",
    "__version__",
    "collations_of",
    "functions_of",
    "partitions_of",
    "schema_comments_of",
    "triggers_of",
    "views_of",
]


def __getattr__(name: str) -> Any:
    # SQLAlchemy takes half a second to import; commands that never touch schema code
    # (db start, status, --help) should not pay for it.
    if name in _OBJECTS:
        from puckdb import objects

        return getattr(objects, name)
    raise AttributeError(f"module 'puckdb' has no attribute {name!r}")
