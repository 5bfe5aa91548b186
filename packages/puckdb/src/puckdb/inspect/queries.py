"""The catalog queries of an inspection: each object kind's own (:mod:`puckdb.kinds`), for
all managed schemas at once, so an inspection costs the same number of round trips for 1
table or 1,000.

Every query takes ``%(schemas)s`` (the managed schema names) and skips objects that
belong to an extension (pg_depend deptype 'e'): those are the extension's, not ours.
A partition is a table whose columns, and the keys and indexes it inherits, are its
parent's (only its own are read). TOAST tables, indexes and sequences are never relations
here (relkind); pg_catalog, information_schema and puckdb's own schema are dropped from
the list before it gets here (:mod:`puckdb.inspect.reader`).
"""

from __future__ import annotations

from typing import LiteralString

from puckdb.kinds import REGISTRY

ALL: tuple[tuple[str, LiteralString], ...] = tuple(query for kind in REGISTRY for query in kind.queries)
"""Every catalog query of an inspection, by name, in the order they run; each runs once."""
