"""inspect: read a live database's managed schemas into the model, in a constant number
of catalog queries.

:func:`inspect_schema` is the entry point (:mod:`puckdb.inspect.reader`); every catalog
query is in :mod:`puckdb.inspect.queries`, and :mod:`puckdb.inspect.assemble` turns their
rows into a :class:`~puckdb.model.Schema`.
"""

from puckdb.inspect.reader import (
    EXCLUDED_SCHEMAS,
    PINNED_SETTINGS,
    InspectionError,
    InspectStats,
    inspect_schema,
)

__all__ = ["EXCLUDED_SCHEMAS", "PINNED_SETTINGS", "InspectStats", "InspectionError", "inspect_schema"]
