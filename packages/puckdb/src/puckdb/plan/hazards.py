"""Hazards: what a reviewer must know before a statement runs on a database with data.

Each operation names its own hazards (in its kind's module, :mod:`puckdb.kinds`); each
hazard names its kind and says in one line what it means for this object, e.g.
``data-loss: drops column cards.meaning``. Kinds:

- ``data-loss``: rows or values are destroyed (drop table/column/enum value, narrowing type,
  judged on the types under any domains: ``posint`` → ``integer`` only widens);
- ``table-rewrite``: the whole table is rewritten (long, and blocks it meanwhile);
- ``access-exclusive-lock``: an existing table is locked against reads and writes;
- ``non-concurrent-index``: an index is built on an existing table without CONCURRENTLY,
  blocking writes for the whole build;
- ``backward-incompatible``: code still running against the old schema breaks (rename, drop);
- ``backfill-required``: existing rows must meet something new, and a row that does not
  fails the migration (nothing is lost): a NOT NULL column without default is added, a
  domain gains a check or NOT NULL, a column takes a domain whose constraints its old type
  did not have (``integer`` → ``posint``);
- ``non-transactional``: the statement cannot run inside a transaction block;
- ``drops-unmanaged``: the statement drops, with its table, view or schema, an object puckdb
  does not manage and will not re-create (a policy, a rule, grants…);
- ``security``: what row-level security hides is exposed: it is disabled or no longer
  forced on a table, or a policy is dropped (whether or not the table holds rows yet);
- ``manual-step``: PostgreSQL refuses the statement as written while the database is as it is
  (a collation still in use cannot be dropped), or cannot do at all in place (a plain table
  becoming partitioned, a new partition key; its statement then stops the migration): the
  message says which step to write by hand;
- ``manual-using``: a column changes to a type PostgreSQL has no cast to from its old one; the
  statement holds a placeholder (``puckdb_manual_using(col)``) for the conversion its author
  must write, and ``lint`` fails until they have;
- ``matview-rebuild``: a materialized view is dropped and created again (a column it reads
  changes), so its query runs in full and its indexes are rebuilt.

``data-loss``, ``drops-unmanaged``, ``security``, ``manual-step`` and ``manual-using`` are
blocking: ``push`` needs a yes or ``--force`` for them.
"""

from __future__ import annotations

from puckdb.diff import operations as op
from puckdb.kinds.base import BLOCKING, HAZARD_KINDS, Hazard, PlanContext
from puckdb.kinds.type_changes import changes_dimensions, is_narrowing, rewrites_table

KINDS = HAZARD_KINDS

__all__ = [
    "BLOCKING",
    "KINDS",
    "Hazard",
    "changes_dimensions",
    "hazards_of",
    "is_narrowing",
    "rewrites_table",
]


def hazards_of(
    operation: op.Operation,
    existing_tables: frozenset[tuple[str, str]],
    recreated_views: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[Hazard, ...]:
    """The hazards of ``operation`` when the tables (and materialized views) in
    ``existing_tables`` hold data; a view in ``recreated_views`` is dropped only to be
    created again in the same plan. (Each operation knows its own hazards; this asks it.)"""
    return operation.hazards(PlanContext(existing_tables=existing_tables, created_views=recreated_views))
