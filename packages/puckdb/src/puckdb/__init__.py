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
    from puckdb.compound_types import CompositeType, Domain
    from puckdb.objects import (
        Aggregate,
        Collation,
        Function,
        Grant,
        OnSchema,
        Partition,
        Policy,
        Procedure,
        RowLevelSecurity,
        SchemaComment,
        Trigger,
        View,
        aggregates_of,
        collations_of,
        functions_of,
        grants_of,
        partitions_of,
        policies_of,
        row_level_security_of,
        schema_comments_of,
        triggers_of,
        views_of,
    )

__version__ = "0.1.0"

_TYPES = ("CompositeType", "Domain")
_OBJECTS = (
    "Aggregate",
    "aggregates_of",
    "Collation",
    "Function",
    "Policy",
    "Grant",
    "OnSchema",
    "Partition",
    "Procedure",
    "RowLevelSecurity",
    "SchemaComment",
    "Trigger",
    "View",
    "collations_of",
    "functions_of",
    "policies_of",
    "row_level_security_of",
    "grants_of",
    "partitions_of",
    "schema_comments_of",
    "triggers_of",
    "views_of",
)

__all__ = [
    "Aggregate",
    "Collation",
    "CompositeType",
    "Domain",
    "Function",
    "Grant",
    "OnSchema",
    "Partition",
    "Policy",
    "Procedure",
    "PuckdbError",
    "RowLevelSecurity",
    "SchemaComment",
    "Trigger",
    "View",
    "__version__",
    "aggregates_of",
    "collations_of",
    "functions_of",
    "grants_of",
    "partitions_of",
    "policies_of",
    "row_level_security_of",
    "schema_comments_of",
    "triggers_of",
    "views_of",
]


def __getattr__(name: str) -> Any:
    # SQLAlchemy takes half a second to import; commands that never touch schema code
    # (db start, status, --help) should not pay for it.
    if name in _TYPES:
        from puckdb import compound_types

        return getattr(compound_types, name)
    if name in _OBJECTS:
        from puckdb import objects

        return getattr(objects, name)
    raise AttributeError(f"module 'puckdb' has no attribute {name!r}")
