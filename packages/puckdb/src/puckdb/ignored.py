"""Tables puckdb leaves alone inside the schemas it manages (the ``ignore_tables`` setting).

Other tools keep bookkeeping tables next to the application's: drizzle-kit's history
table when its config puts it in ``public``, a job queue's tables, a replication tool's.
puckdb must neither report them as drift nor drop them on push, nor create them from code
that happens to declare them; so an ignored table (or view) is taken out of every model
before two are compared: the code's, the migrations', the live database's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fnmatch import fnmatchcase

from puckdb.model import Schema


def is_ignored(patterns: Sequence[str], schema: str, name: str) -> bool:
    """Whether ``schema.name`` matches one of ``patterns``: shell-style patterns matched
    against ``schema.table`` when they hold a dot, else against the table name in any
    managed schema (``applied_migrations``, ``public.pgq_*``)."""
    qualified = f"{schema}.{name}"
    return any(fnmatchcase(qualified if "." in pattern else name, pattern) for pattern in patterns)


def without_ignored(schema: Schema, patterns: Sequence[str]) -> Schema:
    """``schema`` without the tables, views and serial sequences of ignored tables, their
    policies, and the unmanaged objects attached to them (their rules, grants…)."""
    if not patterns:
        return schema
    return dataclasses.replace(
        schema,
        tables=tuple(t for t in schema.tables if not is_ignored(patterns, t.schema, t.name)),
        views=tuple(v for v in schema.views if not is_ignored(patterns, v.schema, v.name)),
        sequences=tuple(
            s
            for s in schema.sequences
            if s.owned_by is None or not is_ignored(patterns, s.schema, s.owned_by[0])
        ),
        policies=tuple(p for p in schema.policies if not is_ignored(patterns, p.schema, p.table)),
        unmanaged=tuple(
            o for o in schema.unmanaged if o.relation is None or not is_ignored(patterns, *o.relation)
        ),
    )
