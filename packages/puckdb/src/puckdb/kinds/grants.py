"""Grants on managed objects: tables, views, sequences, functions (aggregates among them),
procedures, schemas and types, to named roles or PUBLIC.

The model holds what differs from PostgreSQL's default ACL (see :class:`~puckdb.model.Grant`):
an object whose ACL is NULL has its defaults and no grants; the owner's own privileges are
never compared (owners differ between a shadow database and the real one). The diff grants
and revokes per (object, grantee) privilege, and grants again what an object dropped to be
created again (a view re-created for a column change, a function whose result changes) loses.

A ``REVOKE`` carries a ``backward-incompatible`` hazard: an application role may lose access
it relies on. Roles are cluster-wide, outside the schema; :func:`missing_roles` names the
grantees a database lacks. Default privileges (``ALTER DEFAULT PRIVILEGES``) stay named by
the unmanaged kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from puckdb.kinds.aggregates import DropAggregate
from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.enums import RecreateEnum
from puckdb.kinds.functions import RecreateFunction
from puckdb.kinds.tables import RenameTable
from puckdb.kinds.views import DropView
from puckdb.model import Grant, Schema
from puckdb.quoting import ident

# One row per ACL entry of every managed object with a non-NULL ACL (NULL is the default:
# nothing to model). The owner's entries come too, flagged, so that an object whose ACL
# holds only them (PUBLIC's default EXECUTE revoked) is seen. Extension members are the
# extension's; array types, row types and multirange types come with their owner; the
# public schema's owner is initdb's pg_database_owner in every database (PUBLIC's USAGE on
# it is its default, see default_privileges).
GRANTS = """
WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY(%(schemas)s::text[])),
ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
objects AS (
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,
           ns.nspname AS schema, c.relname AS name, NULL::text AS arguments, c.relacl AS acl,
           c.relowner AS owner
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND NOT c.relispartition
      AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, ns.nspname, p.proname,
           pg_get_function_identity_arguments(p.oid), p.proacl, p.proowner
    FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
    -- GRANT … ON FUNCTION takes an aggregate too (but an ordered-set one, which is unmanaged)
    WHERE p.proacl IS NOT NULL
      AND (p.prokind IN ('f', 'p')
           OR (p.prokind = 'a' AND (SELECT a.aggkind FROM pg_aggregate a WHERE a.aggfnoid = p.oid) = 'n'))
      AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
    UNION ALL
    SELECT 'schema', ns.nspname, ns.nspname, NULL, n.nspacl, n.nspowner
    FROM ns JOIN pg_namespace n ON n.oid = ns.oid
    WHERE n.nspacl IS NOT NULL
    UNION ALL
    SELECT 'type', ns.nspname, t.typname, NULL, t.typacl, t.typowner
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typacl IS NOT NULL AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
      AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
      AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
)
SELECT o.kind, o.schema, o.name, o.arguments,
       CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END AS grantee,
       x.grantee = o.owner AS is_owner, x.privilege_type AS privilege, x.is_grantable AS grantable
FROM objects o CROSS JOIN LATERAL aclexplode(o.acl) AS x
WHERE NOT (o.kind = 'schema' AND o.name = 'public' AND pg_get_userbyid(x.grantee) = 'pg_database_owner')
ORDER BY 1, 2, 3, 4, 5, 7
"""

_KEYWORD = {
    "table": "TABLE",
    "view": "TABLE",
    "materialized view": "TABLE",
    "sequence": "SEQUENCE",
    "function": "FUNCTION",
    "procedure": "PROCEDURE",
    "schema": "SCHEMA",
    "type": "TYPE",
}
"""The word GRANT and REVOKE take for each kind (views are tables to them)."""

PUBLIC_DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "function": ("EXECUTE",),
    "procedure": ("EXECUTE",),
    "type": ("USAGE",),
}
"""What PUBLIC may do with a new object of each kind (``acldefault``): anything else
grants nothing to anyone but the owner."""


def default_privileges(kind: str, grantee: str, name: str = "") -> tuple[str, ...]:
    """What ``grantee`` may do with a new object of ``kind`` before any GRANT or REVOKE
    (``name`` tells the public schema, on which initdb gives PUBLIC USAGE since 15)."""
    if grantee != "public":
        return ()
    if kind == "schema" and name == "public":
        return ("USAGE",)
    return PUBLIC_DEFAULTS.get(kind, ())


def grant_target(kind: str, schema: str, name: str, arguments: str | None) -> str:
    """``TABLE public.cards``, ``FUNCTION public.f(integer)``: what follows ON."""
    if kind == "schema":
        return f"SCHEMA {ident(name)}"
    target = ident(schema, name)
    if kind in ("function", "procedure"):
        target += f"({arguments or ''})"
    return f"{_KEYWORD[kind]} {target}"


def _grantee(name: str) -> str:
    return "PUBLIC" if name == "public" else ident(name)


@dataclass(frozen=True)
class GrantPrivileges(Operation):
    """``GRANT … ON … TO …`` of ``privileges`` (``with_grant_option``: WITH GRANT OPTION)."""

    grant: Grant
    privileges: tuple[str, ...]
    with_grant_option: bool = False

    phase = Phase.GRANTS

    def render(self) -> tuple[str, ...]:
        g = self.grant
        option = " WITH GRANT OPTION" if self.with_grant_option else ""
        on = grant_target(g.kind, g.schema, g.name, g.arguments)
        return (f"GRANT {', '.join(self.privileges)} ON {on} TO {_grantee(g.grantee)}{option}",)


@dataclass(frozen=True)
class RevokePrivileges(Operation):
    """``REVOKE [GRANT OPTION FOR] … ON … FROM …``. ``grant`` says what is revoked from."""

    grant: Grant
    privileges: tuple[str, ...]
    grant_option_only: bool = False
    new_object: bool = False
    """On an object the plan creates (or re-creates): it takes away a default nobody had
    used yet, so there is nothing to warn about."""

    phase = Phase.GRANTS

    def render(self) -> tuple[str, ...]:
        g = self.grant
        what = "GRANT OPTION FOR " if self.grant_option_only else ""
        on = grant_target(g.kind, g.schema, g.name, g.arguments)
        return (f"REVOKE {what}{', '.join(self.privileges)} ON {on} FROM {_grantee(g.grantee)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if self.new_object:
            return ()
        g = self.grant
        thing = name_in_message(g.schema, g.name) if g.kind != "schema" else g.name
        if g.arguments is not None:
            thing += f"({g.arguments})"
        lost = "the right to grant " if self.grant_option_only else ""
        message = (
            f"revokes {lost}{', '.join(self.privileges)} on {g.kind} {thing} from {g.grantee}; "
            "an application connecting as that role may lose access it relies on"
        )
        return (Hazard("backward-incompatible", message),)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    entries: dict[tuple[str, str, str, str | None], dict[str, tuple[set[str], set[str]]]] = {}
    for row in rows["grants"]:
        on = (row["kind"], row["schema"], row["name"], row["arguments"])
        by_grantee = entries.setdefault(on, {})
        if row["is_owner"]:
            continue
        privileges, grantable = by_grantee.setdefault(row["grantee"], (set(), set()))
        privileges.add(row["privilege"])
        if row["grantable"]:
            grantable.add(row["privilege"])
    grants: list[Grant] = []
    for (kind, schema, name, arguments), by_grantee in entries.items():
        # An explicit ACL without PUBLIC's default entry: it was revoked.
        if default_privileges(kind, "public", name) and "public" not in by_grantee:
            by_grantee["public"] = (set(), set())
        for grantee, (privileges, grantable) in by_grantee.items():
            if tuple(sorted(privileges)) == default_privileges(kind, grantee, name) and not grantable:
                continue
            grants.append(
                Grant(kind, schema, name, arguments, grantee, tuple(privileges), tuple(grantable))  # type: ignore[arg-type]
            )
    return {"grants": tuple(grants)}


def _state(grant: Grant | None, kind: str, name: str, grantee: str) -> dict[str, bool]:
    """privilege → held WITH GRANT OPTION, for one (object, grantee)."""
    if grant is None:
        return dict.fromkeys(default_privileges(kind, grantee, name), False)
    return {p: p in grant.grantable for p in grant.privileges}


def _recreated(earlier: Sequence[Operation]) -> set[tuple[str, str, str, str]]:
    """The objects the plan drops and creates again: they come back with default privileges."""
    objects: set[tuple[str, str, str, str]] = set()
    for operation in earlier:
        if isinstance(operation, DropView):
            view = operation.view
            kind = "materialized view" if view.materialized else "view"
            objects.add((kind, view.schema, view.name, ""))
        elif isinstance(operation, RecreateEnum):
            objects.add(("type", operation.new.schema, operation.new.name, ""))
        elif isinstance(operation, RecreateFunction):
            new = operation.new
            kind = "procedure" if new.procedure else "function"
            objects.add((kind, new.schema, new.name, new.arguments))
        elif isinstance(operation, DropAggregate) and operation.new is not None:
            objects.add(("function", *operation.new.key))
    return objects


def _exists(schema: Schema) -> set[tuple[str, str, str, str]]:
    """Every object of ``schema`` a grant may be on."""
    found: set[tuple[str, str, str, str]] = {("schema", s, s, "") for s in schema.schemas}
    found.update(("table", t.schema, t.name, "") for t in schema.tables)
    found.update(
        ("materialized view" if v.materialized else "view", v.schema, v.name, "") for v in schema.views
    )
    found.update(("sequence", s.schema, s.name, "") for s in schema.sequences)
    found.update(("type", e.schema, e.name, "") for e in schema.enums)
    found.update(
        ("procedure" if f.procedure else "function", f.schema, f.name, f.arguments) for f in schema.functions
    )
    found.update(("function", *a.key) for a in schema.aggregates)
    return found


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    recreated = _recreated(earlier)
    # A table's grants follow its rename, as they do in PostgreSQL (renames run first).
    renamed = {("table", o.schema, o.old, ""): o.new for o in earlier if isinstance(o, RenameTable)}

    def followed(on: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
        new_name = renamed.get(on)
        return on if new_name is None else (on[0], on[1], new_name, on[3])

    # Objects no kind models (a domain, a composite type) are in neither: their grants are
    # compared all the same.
    existed, remaining = {followed(on) for on in _exists(source)}, _exists(target)
    dropped = existed - remaining
    created = recreated | (remaining - existed)
    before = {
        g.key: g for g in (replace(g, name=followed(g.on)[2]) for g in source.grants) if g.on not in recreated
    }
    after = {g.key: g for g in target.grants}
    operations: list[Operation] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        sample = new or old
        assert sample is not None
        if new is None and sample.on in dropped:
            continue  # the object goes, and its grants with it
        kind, grantee = sample.kind, sample.grantee
        was, will = _state(old, kind, sample.name, grantee), _state(new, kind, sample.name, grantee)
        revoke = tuple(sorted(p for p in was if p not in will))
        unoption = tuple(sorted(p for p in was if p in will and was[p] and not will[p]))
        plain = tuple(sorted(p for p in will if not will[p] and p not in was))
        optioned = tuple(sorted(p for p in will if will[p] and not was.get(p, False)))
        fresh = sample.on in created
        if revoke:
            operations.append(RevokePrivileges(sample, revoke, new_object=fresh))
        if unoption:
            operations.append(RevokePrivileges(sample, unoption, grant_option_only=True, new_object=fresh))
        if plain:
            operations.append(GrantPrivileges(sample, plain))
        if optioned:
            operations.append(GrantPrivileges(sample, optioned, with_grant_option=True))
    return operations


def grantees(schema: Schema) -> set[str]:
    """Every role a grant of ``schema`` names (PUBLIC is no role)."""
    return {g.grantee for g in schema.grants if g.grantee != "public"}


def missing_roles(schema: Schema, roles: Iterable[str]) -> list[str]:
    """The grantees of ``schema`` that are not among ``roles`` (a server's), sorted."""
    have = set(roles)
    return sorted(r for r in grantees(schema) if r not in have)


KIND = Kind("grants", queries=(("grants", GRANTS),), assemble=_assemble, diff=_diff)
