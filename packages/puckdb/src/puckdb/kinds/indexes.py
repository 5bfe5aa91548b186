"""Indexes of tables and materialized views (those that no constraint owns)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from puckdb.kinds.base import Hazard, Operation, Phase, PlanContext, Row, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.kinds.matching import diff_named
from puckdb.model import Index, IndexKey
from puckdb.quoting import ident

# Indexes that back a primary key, unique or exclusion constraint are the constraint's (a
# foreign key's conindid names the referenced table's index, hence the conrelid test).
# indoption bit 1 is DESC, bit 2 NULLS FIRST. Keys past indnkeyatts are INCLUDE columns;
# indclass and indoption cover key columns only, and indkey is a 0-based vector.
# An operator class is reported, as pg_get_indexdef does, unless it is the default one
# for the key's type and method: marked default, and no other default class exists for
# exactly that type (a varchar key's default is text_ops; a citext key's is not).
# An index a partition got from its parent's is a partition of that index (pg_inherits):
# the parent's index describes it, so only a partition's own indexes are its. A key
# column's type is the table column's; an expression key's is the index column's own.
# A key's collation is reported when it is not its column's (an expression's: its type's
# default); indcollation, like indclass, covers the key columns.
INDEXES = """
SELECT i.indrelid, ic.relname AS name, i.indisunique, am.amname,
       pg_get_indexdef(i.indexrelid) AS definition,
       i.indnkeyatts,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnatts) AS k ORDER BY k) AS keys,
       ARRAY(SELECT CASE WHEN opc.opcdefault AND NOT EXISTS (
                              SELECT FROM pg_opclass other
                              WHERE other.opcmethod = opc.opcmethod AND other.opcdefault
                                AND other.oid <> opc.oid
                                AND other.opcintype = CASE WHEN kt.typtype = 'd' THEN kt.typbasetype
                                                           ELSE kt.oid END)
                              THEN NULL
                         WHEN pg_opclass_is_visible(opc.oid) THEN quote_ident(opc.opcname)
                         ELSE quote_ident(ocn.nspname) || '.' || quote_ident(opc.opcname) END
             FROM unnest(i.indclass) WITH ORDINALITY AS k(opclass, position)
             JOIN pg_opclass opc ON opc.oid = k.opclass
             JOIN pg_namespace ocn ON ocn.oid = opc.opcnamespace
             JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.position
             LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum > 0
                  AND ta.attnum = i.indkey[k.position - 1]
             JOIN pg_type kt ON kt.oid = coalesce(ta.atttypid, ia.atttypid)
             ORDER BY k.position) AS opclasses,
       ARRAY(SELECT CASE WHEN k.coll = 0 OR k.coll = coalesce(ta.attcollation, kt.typcollation) THEN NULL
                         ELSE k.coll::regcollation::text END
             FROM unnest(i.indcollation) WITH ORDINALITY AS k(coll, position)
             JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.position
             LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum > 0
                  AND ta.attnum = i.indkey[k.position - 1]
             JOIN pg_type kt ON kt.oid = coalesce(ta.atttypid, ia.atttypid)
             ORDER BY k.position) AS collations,
       ARRAY(SELECT o FROM unnest(i.indoption) WITH ORDINALITY AS k(o, position)
             ORDER BY k.position) AS key_options,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       coalesce(ic.reloptions, '{}') AS reloptions,
       i.indnullsnotdistinct,
       d.description AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_description d ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass
     AND d.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND c.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

_ON_ONLY = re.compile(r'^(CREATE (?:UNIQUE )?INDEX (?:"(?:[^"]|"")*"|\S+) ON )ONLY ')


def creatable_definition(index: Index) -> str:
    """The CREATE INDEX statement that makes ``index`` again: pg_get_indexdef prints a
    partitioned table's index ON ONLY it, which built that way would reach no partition and
    stay invalid; ON builds it on every partition too."""
    return _ON_ONLY.sub(r"\1", index.definition, count=1)


def index_from_row(row: Row) -> Index:
    key_count: int = row["indnkeyatts"]
    keys = tuple(
        IndexKey(
            expression=expression,
            opclass=row["opclasses"][position],
            collation=row["collations"][position],
            descending=bool(row["key_options"][position] & 1),
            nulls_first=bool(row["key_options"][position] & 2),
        )
        for position, expression in enumerate(row["keys"][:key_count])
    )
    # reloptions are 'name=value' strings in the order they were written.
    options = tuple(sorted((name, value) for name, _, value in (o.partition("=") for o in row["reloptions"])))
    return Index(
        name=row["name"],
        unique=row["indisunique"],
        method=row["amname"],
        keys=keys,
        include=tuple(row["keys"][key_count:]),
        where=row["predicate"],
        options=options,
        nulls_not_distinct=row["indnullsnotdistinct"],
        definition=row["definition"],
        comment=row["comment"],
    )


@dataclass(frozen=True)
class CreateIndex(Operation):
    schema: str
    table: str
    index: Index

    phase = Phase.CREATE_INDEXES

    def phase_in(self, context: PlanContext) -> Phase:
        if (self.schema, self.table) in context.created_views:
            return Phase.CREATE_VIEW_INDEXES
        return self.phase

    def render(self) -> tuple[str, ...]:
        return (creatable_definition(self.index),)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if not context.holds_data(self.schema, self.table):
            return ()
        table = name_in_message(self.schema, self.table)
        message = f"builds {self.index.name} on {table} while blocking writes"
        return (Hazard("non-concurrent-index", message),)


@dataclass(frozen=True)
class DropIndex(Operation):
    schema: str
    table: str
    index: Index

    phase = Phase.DROP_KEYS_AND_INDEXES

    def render(self) -> tuple[str, ...]:
        return (f"DROP INDEX {ident(self.schema, self.index.name)}",)


@dataclass(frozen=True)
class RenameIndex(Operation):
    schema: str
    old: str
    new: str

    phase = Phase.RENAME_KEYS_AND_INDEXES

    def render(self) -> tuple[str, ...]:
        return (f"ALTER INDEX {ident(self.schema, self.old)} RENAME TO {ident(self.new)}",)


def diff_indexes(
    schema: str, table: str, source: Iterable[Index], target: Iterable[Index]
) -> list[Operation]:
    """Index operations for a table or materialized view."""
    return diff_named(
        list(source),
        list(target),
        _index_content,
        add=lambda i: CreateIndex(schema, table, i),
        drop=lambda i: DropIndex(schema, table, i),
        rename=lambda old, new: RenameIndex(schema, old, new),
        comment=lambda i: SetComment("INDEX", schema, i.name, None, i.comment),
    )


def _index_content(index: Index) -> object:
    # The definition text repeats the name and table; compare the structure instead.
    return replace(index, name="", comment=None, definition="")
