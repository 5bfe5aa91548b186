"""inspect: read a live database's managed schemas into the model, in a constant number
of catalog queries."""

from puckdb.inspect.reader import InspectStats, inspect_schema

__all__ = ["InspectStats", "inspect_schema"]
