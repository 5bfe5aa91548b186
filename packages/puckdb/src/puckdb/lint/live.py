"""The catalog of a live database: what ``lint --pending`` checks pending migrations
against, so a type change is judged by the column's real type, drift included."""

from __future__ import annotations

from puckdb.connect import connect
from puckdb.lint.catalog import Catalog, Column
from puckdb.migrations.tracking import TRACKING_SCHEMA

# format_type prints a type unqualified when its schema is on the search_path; with
# search_path = public that matches how names.type_name prints parsed types.
_COLUMNS = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated <> ''

FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', %(tracking)s)
  AND n.nspname NOT LIKE 'pg\\_%%'
ORDER BY n.nspname, c.relname, a.attnum
"""
_ENUMS = """
SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
FROM pg_enum e
JOIN pg_type t ON t.oid = e.enumtypid
JOIN pg_namespace n ON n.oid = t.typnamespace
GROUP BY n.nspname, t.typname
"""


def read_catalog(url: str) -> Catalog:
    catalog = Catalog()
    with connect(url, autocommit=True) as conn:
        conn.execute("SELECT set_config('search_path', 'public', false)")
        rows = conn.execute(_COLUMNS, {"tracking": TRACKING_SCHEMA})
        for schema, table, column, data_type, generated in rows:
            catalog.tables.setdefault((schema, table), {})[column] = Column(data_type, generated)
        for schema, name, labels in conn.execute(_ENUMS):
            catalog.enums[(schema, name)] = list(labels)
    return catalog
