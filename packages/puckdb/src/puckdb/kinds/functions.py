"""Functions and procedures: created with ``CREATE OR REPLACE`` when their signature and
result allow, dropped and created again when the result changes, dropped once nothing
calls them. Aggregates are read by the same query and planned by kinds/aggregates.py;
window functions stay unmanaged (named, never touched)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from puckdb.expressions import identifiers, split_top_level
from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows
from puckdb.kinds.comments import SetComment
from puckdb.model import Function, Schema
from puckdb.quoting import ident

# Aggregates are pg_proc rows too: they are read here, in the same query (the aggregates
# kind assembles them from the rows whose prokind is 'a', see kinds/aggregates.py).
FUNCTIONS = """
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS arguments,
       p.prokind,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
       CASE WHEN p.prokind IN ('f', 'a') THEN pg_get_function_result(p.oid) END AS returns,
       p.prokind = 'p' AS procedure,
       obj_description(p.oid, 'pg_proc') AS comment,
       -- an aggregate's options; its support functions as [role, name as CREATE AGGREGATE
       -- takes it, schema, name, identity arguments]
       format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace,
       a.aggfinalextra, a.aggfinalmodify, a.agginitval,
       CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype,
       a.aggmtransspace AS msspace, a.aggmfinalextra, a.aggmfinalmodify, a.aggminitval,
       (SELECT quote_ident(opn.nspname) || '.' || o.oprname
        FROM pg_operator o JOIN pg_namespace opn ON opn.oid = o.oprnamespace
        WHERE o.oid = a.aggsortop) AS sortop,
       p.proparallel,
       CASE WHEN p.prokind = 'a' THEN ARRAY(
           SELECT ARRAY[s.role,
                        CASE WHEN sn.nspname IN ('pg_catalog', 'public') THEN quote_ident(sf.proname)
                             ELSE quote_ident(sn.nspname) || '.' || quote_ident(sf.proname) END,
                        sn.nspname, sf.proname, pg_get_function_identity_arguments(sf.oid)]
           FROM (VALUES ('sfunc', a.aggtransfn::oid), ('finalfunc', a.aggfinalfn::oid),
                        ('combinefunc', a.aggcombinefn::oid), ('serialfunc', a.aggserialfn::oid),
                        ('deserialfunc', a.aggdeserialfn::oid), ('msfunc', a.aggmtransfn::oid),
                        ('minvfunc', a.aggminvtransfn::oid), ('mfinalfunc', a.aggmfinalfn::oid))
                AS s(role, oid)
           JOIN pg_proc sf ON sf.oid = s.oid JOIN pg_namespace sn ON sn.oid = sf.pronamespace
           ORDER BY s.role) END AS support,
       -- what holds on to the function, so that re-creating it lets go of them first:
       -- [kind, schema, relation, member] for views, defaults and generated columns,
       -- constraints, indexes, routines (SQL-standard bodies, aggregates) and policies
       ARRAY(SELECT ARRAY[u.kind, u.nspname, u.relname, u.member] FROM (
               SELECT 'view' AS kind, un.nspname, uc.relname, '' AS member
               FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
               JOIN pg_class uc ON uc.oid = r.ev_class JOIN pg_namespace un ON un.oid = uc.relnamespace
               WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_proc'::regclass
                 AND d.refobjid = p.oid
               UNION
               SELECT CASE WHEN a.attgenerated <> '' THEN 'generated' ELSE 'default' END,
                      un.nspname, uc.relname, a.attname
               FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
               JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
               JOIN pg_class uc ON uc.oid = ad.adrelid JOIN pg_namespace un ON un.oid = uc.relnamespace
               WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_proc'::regclass
                 AND d.refobjid = p.oid
               UNION
               SELECT 'constraint', un.nspname, uc.relname, con.conname
               FROM pg_depend d JOIN pg_constraint con ON con.oid = d.objid
               JOIN pg_class uc ON uc.oid = con.conrelid JOIN pg_namespace un ON un.oid = uc.relnamespace
               WHERE d.classid = 'pg_constraint'::regclass AND d.refclassid = 'pg_proc'::regclass
                 AND d.refobjid = p.oid
               UNION
               SELECT 'index', un.nspname, tc.relname, ic.relname
               FROM pg_depend d JOIN pg_index i ON i.indexrelid = d.objid
               JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
               JOIN pg_namespace un ON un.oid = tc.relnamespace
               WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_proc'::regclass
                 AND d.refobjid = p.oid
               UNION
               SELECT 'routine', un.nspname, uf.proname, pg_get_function_identity_arguments(uf.oid)
               FROM pg_depend d JOIN pg_proc uf ON uf.oid = d.objid
               JOIN pg_namespace un ON un.oid = uf.pronamespace
               WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_proc'::regclass
                 AND d.refobjid = p.oid AND d.objid <> p.oid AND d.deptype = 'n'
               UNION
               SELECT 'policy', un.nspname, uc.relname, pol.polname
               FROM pg_depend d JOIN pg_policy pol ON pol.oid = d.objid
               JOIN pg_class uc ON uc.oid = pol.polrelid JOIN pg_namespace un ON un.oid = uc.relnamespace
               WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_proc'::regclass
                 AND d.refobjid = p.oid
             ) AS u ORDER BY u.kind, u.nspname, u.relname, u.member) AS used_by
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE n.nspname = ANY(%(schemas)s::text[])
  -- ordered-set aggregates ('o', 'h') are named as unmanaged
  AND (p.prokind IN ('f', 'p') OR (p.prokind = 'a' AND a.aggkind = 'n'))
  -- extension members ('e') and functions PostgreSQL made for a type ('i': a range type's
  -- constructors) are not declared by anyone; they come and go with their owner
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, 3
"""

STANDARD_BODY = re.compile(r"\bBEGIN\s+ATOMIC\b", re.IGNORECASE)
"""A SQL-standard function body, which PostgreSQL binds to the tables it reads at once."""


def _word(function: Function) -> str:
    return "PROCEDURE" if function.procedure else "FUNCTION"


def _name(function: Function) -> str:
    return f"{ident(function.schema, function.name)}({function.arguments})"


def _phase(function: Function, bound: bool) -> Phase:
    # A SQL-standard body (BEGIN ATOMIC) is parsed and bound to the tables it reads when
    # the function is created, whatever check_function_bodies says; a signature of a
    # table's row type needs the table. Either waits for the tables.
    return (
        Phase.CREATE_VIEWS if bound or STANDARD_BODY.search(function.definition) else Phase.CREATE_FUNCTIONS
    )


_MODES = frozenset({"in", "out", "inout", "variadic"})


def signature_types(arguments: str, returns: str | None) -> set[str]:
    """The (unqualified) type names a signature uses: each argument's type (``a integer``,
    ``OUT b customer``, ``customer``) and the result's (``SETOF customer``). Enough to tell
    whether a function needs a table's row type; ``double precision`` yields ``precision``,
    which names no table either."""
    found: set[str] = set()
    for part in split_top_level(arguments):
        words = identifiers(re.split(r"\bDEFAULT\b|=", part, maxsplit=1, flags=re.IGNORECASE)[0])
        if words and words[0] in _MODES:
            words = words[1:]
        found.update(words[1:] if len(words) > 1 else words)
    if returns is not None:
        words = identifiers(returns)
        if words and words[0] == "setof":
            words = words[1:]
        if words and words[0] != "table":
            found.update(words)
    return found


def relation_types(schema: Schema) -> frozenset[str]:
    """The names of ``schema``'s tables and views: each has a row type of that name."""
    return frozenset(t.name for t in schema.tables) | frozenset(v.name for v in schema.views)


def _uses_row_type(function: Function, relations: frozenset[str]) -> bool:
    return not signature_types(function.arguments, function.returns).isdisjoint(relations)


@dataclass(frozen=True)
class SkipFunctionBodyChecks(Operation):
    """``SET check_function_bodies = off``: a function body may read a table that this
    migration creates later (functions come before the tables whose defaults call them);
    PostgreSQL checks the body when the function first runs instead."""

    phase = Phase.CREATE_FUNCTIONS

    def render(self) -> tuple[str, ...]:
        return ("SET check_function_bodies = off",)


@dataclass(frozen=True)
class CreateFunction(Operation):
    """Create (or, with the same signature and result, replace) a function."""

    function: Function
    bound: bool = False
    """Whether its signature uses a table's (or view's) row type: it waits for the tables."""

    phase = Phase.CREATE_FUNCTIONS

    def phase_in(self, context: PlanContext) -> Phase:
        return _phase(self.function, self.bound)

    def render(self) -> tuple[str, ...]:
        return (self.function.definition.strip(),)


@dataclass(frozen=True)
class RecreateFunction(Operation):
    """A function whose result type (or kind) changes: ``CREATE OR REPLACE`` cannot, so it
    is dropped and created again (whatever uses it must let go first)."""

    old: Function
    new: Function
    bound: bool = False
    """Whether the new signature uses a table's (or view's) row type."""

    phase = Phase.CREATE_FUNCTIONS

    def phase_in(self, context: PlanContext) -> Phase:
        if any(kind in ("default", "constraint", "index") for kind, *_ in self.old.used_by):
            # Its defaults, checks and indexes are dropped first (see function_users.py),
            # which happens after the usual place of functions.
            return Phase.RECREATE_USED_FUNCTIONS
        return _phase(self.new, self.bound)

    def render(self) -> tuple[str, ...]:
        return (f"DROP {_word(self.old)} {_name(self.old)}", self.new.definition.strip())

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = (
            f"re-creates {self.new.signature} to change what it returns "
            f"({self.old.returns or 'nothing'} → {self.new.returns or 'nothing'}); code calling it may break"
        )
        found = [Hazard("backward-incompatible", message)]
        generated = [
            f"{relation}.{member}" for kind, _, relation, member in self.old.used_by if kind == "generated"
        ]
        if generated:
            found.append(
                Hazard(
                    "manual-step",
                    f"generated column {', '.join(generated)} computes with {self.new.signature}, and "
                    "PostgreSQL refuses to drop the function while it does: drop the column (or change its "
                    "expression) in a migration of its own first",
                )
            )
        return tuple(found)


@dataclass(frozen=True)
class DropFunction(Operation):
    function: Function
    bound: bool = False
    """Whether its signature uses a table's (or view's) row type: it goes before the table."""

    phase = Phase.DROP_FUNCTIONS

    def phase_in(self, context: PlanContext) -> Phase:
        if self.bound or STANDARD_BODY.search(self.function.definition):
            return Phase.DROP_BOUND_FUNCTIONS
        return self.phase

    def render(self) -> tuple[str, ...]:
        return (f"DROP {_word(self.function)} {_name(self.function)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        kind = _word(self.function).lower()
        message = f"drops {kind} {self.function.signature}; code calling it breaks"
        return (Hazard("backward-incompatible", message),)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    functions = (
        Function(
            schema=row["nspname"],
            name=row["proname"],
            arguments=row["arguments"],
            definition=row["definition"],
            returns=row["returns"],
            procedure=row["procedure"],
            comment=row["comment"],
            used_by=tuple(tuple(user) for user in row["used_by"]),
        )
        for row in rows["functions"]
        if row["prokind"] != "a"
    )
    return {"functions": tuple(functions)}


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    before = {f.key: f for f in source.functions}
    after = {f.key: f for f in target.functions}
    relations_before, relations_after = relation_types(source), relation_types(target)
    operations: list[Operation] = []
    for key, function in after.items():
        old = before.get(key)
        recreated = old is not None and (old.returns, old.procedure) != (function.returns, function.procedure)
        bound = _uses_row_type(function, relations_after)
        if old is None or (old.definition != function.definition and not recreated):
            operations.append(CreateFunction(function, bound))  # rendered CREATE OR REPLACE
        elif recreated:
            operations.append(RecreateFunction(old, function, bound))
        # A re-created function has lost its comment; a new one has none yet.
        if (old.comment if old is not None and not recreated else None) != function.comment:
            operations.append(
                SetComment(
                    _word(function), function.schema, function.name, function.arguments, function.comment
                )
            )
    operations.extend(
        DropFunction(f, _uses_row_type(f, relations_before)) for key, f in before.items() if key not in after
    )
    if any(isinstance(o, CreateFunction | RecreateFunction) for o in operations):
        operations.insert(0, SkipFunctionBodyChecks())
    return operations


KIND = Kind("functions", queries=(("functions", FUNCTIONS),), assemble=_assemble, diff=_diff)
