"""The catalog queries of an inspection: one per kind of object, for all managed schemas
at once, so an inspection costs the same number of round trips for 1 table or 1,000.

Every query takes ``%(schemas)s`` (the managed schema names) and skips objects that
belong to an extension (pg_depend deptype 'e'): those are the extension's, not ours.
Partitions are skipped too (their parent describes them); puckdb does not manage
partitioned tables' children yet. TOAST tables, indexes and sequences are never relations
here (relkind); pg_catalog, information_schema and puckdb's own schema are dropped from
the list before it gets here (:mod:`puckdb.inspect.reader`). Children (columns,
constraints, indexes) are attached in Python to the relations that ``RELATIONS``
admitted, so that query alone decides what is managed.
"""

from __future__ import annotations

from typing import LiteralString

SCHEMAS = """
SELECT nspname, obj_description(oid, 'pg_namespace') AS comment
FROM pg_namespace WHERE nspname = ANY(%(schemas)s::text[]) ORDER BY nspname
"""

EXTENSIONS = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
"""

ENUMS = """
SELECT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder)::text[] AS labels,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, t.typname
"""

# Identity columns' sequences (deptype 'i') belong to their column; a serial column's
# sequence (deptype 'a') is a real sequence that the column owns.
SEQUENCES = """
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       owner.relname AS owner_table, owner_column.attname AS owner_column,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend own ON own.classid = 'pg_class'::regclass AND own.objid = c.oid
     AND own.refclassid = 'pg_class'::regclass AND own.deptype = 'a'
LEFT JOIN pg_class owner ON owner.oid = own.refobjid
LEFT JOIN pg_attribute owner_column ON owner_column.attrelid = own.refobjid
     AND owner_column.attnum = own.refobjsubid
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))
ORDER BY n.nspname, c.relname
"""

RELATIONS = """
SELECT c.oid, n.nspname, c.relname, c.relkind,
       c.relpersistence = 'u' AS unlogged, c.relrowsecurity, c.relforcerowsecurity,
       obj_description(c.oid, 'pg_class') AS comment,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
"""

# The collation is reported only when it differs from the type's own default, which is
# what a column declared without COLLATE gets.
COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod) AS data_type,
       NOT a.attnotnull AS nullable,
       pg_get_expr(ad.adbin, ad.adrelid) AS expression,
       a.attgenerated::text AS generated,
       a.attidentity::text AS identity,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       seq.seqstart, seq.seqincrement, seq.seqmin, seq.seqmax, seq.seqcache, seq.seqcycle,
       d.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_depend idep ON a.attidentity <> '' AND idep.classid = 'pg_class'::regclass
     AND idep.refclassid = 'pg_class'::regclass AND idep.refobjid = a.attrelid
     AND idep.refobjsubid = a.attnum AND idep.deptype = 'i'
LEFT JOIN pg_sequence seq ON seq.seqrelid = idep.objid
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass
     AND d.objsubid = a.attnum
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# PostgreSQL 18 records NOT NULL as constraints too (contype 'n'); nullability is a
# column property in the model, so those are left out. Only checks and exclusions are kept
# as their printed definition: deparsing every key costs a third of the query. A foreign key that references a
# partitioned table gets one clone per partition on the referencing table, marked by
# conparentid: only the constraint that was declared counts.
CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype::text AS kind,
       CASE WHEN con.contype IN ('c', 'x') THEN pg_get_constraintdef(con.oid, true) END AS definition,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.position) AS columns,
       fn.nspname AS ref_schema, fc.relname AS ref_table,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.position) AS ref_columns,
       con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete,
       con.confmatchtype::text AS match,
       con.condeferrable, con.condeferred, con.convalidated,
       coalesce(ix.indnullsnotdistinct, false) AS nulls_not_distinct,
       d.description AS comment
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
LEFT JOIN pg_description d ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass
     AND d.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND con.contype IN ('p', 'u', 'f', 'c', 'x')
  AND con.conparentid = 0
  AND NOT c.relispartition
ORDER BY con.conrelid, con.conname
"""

# Indexes that back a primary key, unique or exclusion constraint are the constraint's (a
# foreign key's conindid names the referenced table's index, hence the conrelid test).
# indoption bit 1 is DESC, bit 2 NULLS FIRST. Keys past indnkeyatts are INCLUDE columns;
# indclass and indoption cover key columns only, and indkey is a 0-based vector.
# An operator class is reported, as pg_get_indexdef does, unless it is the default one
# for the key's type and method: marked default, and no other default class exists for
# exactly that type (a varchar key's default is text_ops; a citext key's is not). A key
# column's type is the table column's; an expression key's is the index column's own.
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
  AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

# A view's query is a rewrite rule; the relations it reads are the rule's dependencies
# (its dependency on its own view is skipped).
VIEW_DEPENDENCIES = """
SELECT DISTINCT v.oid AS view_oid, rn.nspname, rc.relname
FROM pg_rewrite r
JOIN pg_class v ON v.oid = r.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
     AND d.refclassid = 'pg_class'::regclass
JOIN pg_class rc ON rc.oid = d.refobjid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE vn.nspname = ANY(%(schemas)s::text[])
  AND v.relkind IN ('v', 'm')
  AND rc.oid <> v.oid
  AND rc.relkind IN ('r', 'p', 'v', 'm')
  AND rn.nspname = ANY(%(schemas)s::text[])
ORDER BY 1, 2, 3
"""

ALL: tuple[tuple[str, LiteralString], ...] = (
    ("schemas", SCHEMAS),
    ("extensions", EXTENSIONS),
    ("enums", ENUMS),
    ("sequences", SEQUENCES),
    ("relations", RELATIONS),
    ("columns", COLUMNS),
    ("constraints", CONSTRAINTS),
    ("indexes", INDEXES),
    ("view_dependencies", VIEW_DEPENDENCIES),
)
"""Every catalog query of an inspection, by name, in the order they run; each runs once."""
