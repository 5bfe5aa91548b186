"""What no kind covers: counted and named, never silently lost.

One catalog query lists every object in the managed schemas that puckdb does not model —
ordered-set aggregates and window functions, triggers and policies on partitions, triggers on foreign
tables, range and base types, inheritance (INHERITS, not partitions), rules, default
privileges, column grants, statistics objects, text search objects, operators, foreign tables, event
triggers and table storage settings — each with a
fingerprint of its definition as PostgreSQL prints it. Two databases whose unmanaged
objects differ differ, even though puckdb cannot say how to mend it; and a plan that would
drop one with its table carries a blocking hazard naming it (see :func:`destroyed_with`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from puckdb.kinds.base import Hazard, Key, Kind, Rows
from puckdb.model import UnmanagedObject

# Every branch yields (kind, schema, name, relation_schema, relation_name, fingerprint).
# Extension members are the extension's (deptype 'e'); internal triggers are the foreign
# keys' own; array types, table row types and multirange types come with their owner.
UNMANAGED = """
WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY(%(schemas)s::text[])),
ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
rel AS (
    SELECT c.oid, c.relname, c.relkind, ns.nspname
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
)
SELECT CASE p.prokind WHEN 'a' THEN 'ordered-set aggregate' ELSE 'window function' END AS kind,
       ns.nspname AS schema,
       p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
       NULL::text AS relation_schema, NULL::text AS relation_name,
       md5(coalesce((SELECT a.aggtransfn::regproc::text || a.aggfinalfn::regproc::text
                            || a.aggtranstype::regtype::text || coalesce(a.agginitval, '')
                     FROM pg_aggregate a WHERE a.aggfnoid = p.oid), p.prosrc)) AS fingerprint
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
-- other aggregates are managed (kinds/aggregates.py)
WHERE (p.prokind = 'w'
       OR (p.prokind = 'a' AND (SELECT a.aggkind FROM pg_aggregate a WHERE a.aggfnoid = p.oid) <> 'n'))
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT CASE WHEN t.tgconstraint <> 0 THEN 'constraint trigger' ELSE 'trigger' END,
       rel.nspname, t.tgname, rel.nspname, rel.relname, md5(pg_get_triggerdef(t.oid))
FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid JOIN pg_class c ON c.oid = t.tgrelid
-- triggers on tables and views are the triggers kind's; those on partitions and foreign
-- tables are not managed
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND (c.relispartition OR c.relkind NOT IN ('r', 'p', 'v'))
UNION ALL
SELECT 'policy', rel.nspname, pol.polname, rel.nspname, rel.relname,
       md5(pol.polcmd::text || pol.polpermissive::text
           || (SELECT coalesce(string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END,
                                          ',' ORDER BY 1), '') FROM unnest(pol.polroles) AS r)
           || coalesce(pg_get_expr(pol.polqual, pol.polrelid), '')
           || '|' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), ''))
FROM pg_policy pol JOIN rel ON rel.oid = pol.polrelid JOIN pg_class c ON c.oid = pol.polrelid
-- policies on tables are the policies kind's; those on partitions are not managed
WHERE c.relispartition
UNION ALL
SELECT 'rule', rel.nspname, r.rulename, rel.nspname, rel.relname, md5(pg_get_ruledef(r.oid))
FROM pg_rewrite r JOIN rel ON rel.oid = r.ev_class
WHERE r.rulename <> '_RETURN'
UNION ALL
-- partitioned tables and their partitions are the tables kind's; INHERITS is not managed
SELECT 'inheritance', rel.nspname, rel.relname, pn.nspname, pc.relname, md5('inherits')
FROM pg_inherits i
JOIN rel ON rel.oid = i.inhrelid
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class pc ON pc.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = pc.relnamespace
WHERE rel.relkind IN ('r', 'p', 'f') AND NOT c.relispartition
UNION ALL
SELECT 'foreign table', rel.nspname, rel.relname, rel.nspname, rel.relname, ''
FROM rel WHERE rel.relkind = 'f'
UNION ALL
SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'p' THEN 'pseudo-type' ELSE 'base type' END,
       ns.nspname, t.typname, NULL, NULL,
       md5(CASE t.typtype
             WHEN 'r' THEN (SELECT format_type(rg.rngsubtype, NULL) FROM pg_range rg
                           WHERE rg.rngtypid = t.oid)
             ELSE t.typinput::text END)
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
-- domains ('d') and composite types ('c') are managed (kinds/domains.py)
WHERE t.typtype IN ('b', 'p', 'r')
  AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'statistics', ns.nspname, s.stxname, rn.nspname, rc.relname, md5(pg_get_statisticsobjdef(s.oid))
FROM pg_statistic_ext s JOIN ns ON ns.oid = s.stxnamespace
JOIN pg_class rc ON rc.oid = s.stxrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
UNION ALL
SELECT 'text search configuration', ns.nspname, cfg.cfgname, NULL, NULL, ''
FROM pg_ts_config cfg JOIN ns ON ns.oid = cfg.cfgnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_config'::regclass AND ext.objid = cfg.oid)
UNION ALL
SELECT 'text search dictionary', ns.nspname, dict.dictname, NULL, NULL, ''
FROM pg_ts_dict dict JOIN ns ON ns.oid = dict.dictnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_ts_dict'::regclass AND ext.objid = dict.oid)
UNION ALL
SELECT 'operator', ns.nspname,
       o.oprname || '(' || format_type(o.oprleft, NULL) || ', ' || format_type(o.oprright, NULL) || ')',
       NULL, NULL, md5(o.oprcode::text)
FROM pg_operator o JOIN ns ON ns.oid = o.oprnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_operator'::regclass AND ext.objid = o.oid)
UNION ALL
SELECT 'operator class', ns.nspname, opc.opcname, NULL, NULL, ''
FROM pg_opclass opc JOIN ns ON ns.oid = opc.opcnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opclass'::regclass AND ext.objid = opc.oid)
UNION ALL
SELECT 'operator family', ns.nspname, opf.opfname, NULL, NULL, ''
FROM pg_opfamily opf JOIN ns ON ns.oid = opf.opfnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_opfamily'::regclass AND ext.objid = opf.oid)
UNION ALL
SELECT 'conversion', ns.nspname, cv.conname, NULL, NULL, ''
FROM pg_conversion cv JOIN ns ON ns.oid = cv.connamespace
UNION ALL
SELECT 'event trigger', '', et.evtname, NULL, NULL,
       md5(et.evtevent || et.evtfoid::regproc::text || et.evtenabled::text || coalesce(et.evttags::text, ''))
FROM pg_event_trigger et
WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_event_trigger'::regclass AND ext.objid = et.oid)
UNION ALL
SELECT 'table settings', rel.nspname, rel.relname, rel.nspname, rel.relname,
       md5(coalesce(c.reloptions::text, '') || '|' || c.relreplident::text || '|'
           || coalesce((SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace), '') || '|'
           || coalesce((SELECT amname FROM pg_am WHERE oid = c.relam AND amname <> 'heap'), ''))
FROM rel JOIN pg_class c ON c.oid = rel.oid
WHERE rel.relkind IN ('r', 'p', 'm')
  AND (c.reloptions IS NOT NULL OR c.relreplident NOT IN ('d', 'n') OR c.reltablespace <> 0
       OR (rel.relkind IN ('r', 'm') AND c.relam <> (SELECT oid FROM pg_am WHERE amname = 'heap')))
UNION ALL
-- by grantee and privilege, not grantor: the grantor is the owner, who differs between a
-- shadow database and the real one
SELECT 'column grants', rel.nspname, rel.relname || '.' || a.attname, rel.nspname, rel.relname,
       (SELECT md5(string_agg(CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END
                              || ':' || x.privilege_type || ':' || x.is_grantable::text, ',' ORDER BY 1))
        FROM aclexplode(a.attacl) AS x)
FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid
WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
  AND rel.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'default privileges', coalesce(ns.nspname, ''),
       'for ' || pg_get_userbyid(d.defaclrole)::text || ' on '
       || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                               WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END
       || CASE WHEN ns.nspname IS NULL THEN '' ELSE ' in schema ' || ns.nspname END,
       NULL, NULL, md5(d.defaclacl::text)
FROM pg_default_acl d LEFT JOIN ns ON ns.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR ns.oid IS NOT NULL
"""


def _assemble(rows: Rows) -> Mapping[str, Any]:
    found = (
        UnmanagedObject(
            kind=row["kind"],
            schema=row["schema"],
            name=row["name"],
            relation=(row["relation_schema"], row["relation_name"]) if row["relation_name"] else None,
            fingerprint=row["fingerprint"] or "",
        )
        for row in rows["unmanaged"]
    )
    return {"unmanaged": tuple(found)}


KIND = Kind("unmanaged", queries=(("unmanaged", UNMANAGED),), assemble=_assemble)


def destroyed_with(
    unmanaged: Iterable[UnmanagedObject], relations: Iterable[Key], schemas: Iterable[str] = ()
) -> list[UnmanagedObject]:
    """The unmanaged objects that go when ``relations`` are dropped (or dropped to be
    re-created) or ``schemas`` are dropped: what is attached to those tables and views,
    and everything in those schemas."""
    relation_set, schema_set = set(relations), set(schemas)
    return [
        item
        for item in unmanaged
        if (item.relation is not None and item.relation in relation_set) or item.schema in schema_set
    ]


def destruction_hazards(lost: Sequence[UnmanagedObject], why: str) -> tuple[Hazard, ...]:
    """One blocking hazard per unmanaged object a statement takes with it."""
    return tuple(
        Hazard(
            "drops-unmanaged",
            f"{why} also drops {item.label}, which puckdb does not manage and will not re-create; "
            "re-create it by hand afterwards, or change the database another way",
        )
        for item in lost
    )
