"""The catalog of a live database: what ``lint --pending`` checks pending migrations
against, so a type change is judged by the column's real type, drift included.

Tables, column types and enum labels come from puckdb's own inspection (the canonical
model), so lint and every other stage see the same database. Lint reads every schema the
database has, not only the configured ones, and ignores no table: a pending migration may
change any of them (``ignore_tables`` says what check and push leave alone, not what a
migration may touch). Two facts the model does not hold are read here: which schemas
exist, and the partitions' columns, which the model leaves to their parent.
"""

from __future__ import annotations

from puckdb.connect import connect
from puckdb.inspect import inspect_schema
from puckdb.lint.catalog import Catalog, Column

# Temporary and toast schemas hold nothing a migration alters; inspection leaves out
# puckdb's tracking schema itself.
_SCHEMAS = r"""
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
"""

# A partition has exactly its root's columns (PostgreSQL refuses any other), so the root's
# columns in the model are the partition's, at any depth and in any schema.
_PARTITIONS = """
SELECT n.nspname, c.relname, rn.nspname, r.relname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class r ON r.oid = pg_partition_root(c.oid)
JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE c.relispartition AND c.relkind IN ('r', 'p')
"""


def read_catalog(url: str) -> Catalog:
    with connect(url, autocommit=True) as conn:
        schemas = [str(name) for (name,) in conn.execute(_SCHEMAS)]
        catalog = Catalog.of_schema(inspect_schema(conn, schemas))
        partitions = conn.execute(_PARTITIONS).fetchall()
    for schema, name, root_schema, root in partitions:
        columns = catalog.tables.get((root_schema, root))
        if columns is not None:
            # Columns of their own: a migration that alters one table changes only its entry.
            catalog.tables[(schema, name)] = {
                column: Column(known.type, known.generated) for column, known in columns.items()
            }
    return catalog
