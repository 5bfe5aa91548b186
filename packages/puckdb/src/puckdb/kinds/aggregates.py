"""Aggregates: created after the functions they are built from, changed with ``CREATE OR
REPLACE AGGREGATE`` while their result type stays, dropped and created again when it
changes (or when one of their support functions is dropped and created again), dropped
before their support functions are.

Their rows come with the functions' (kinds/functions.py reads every pg_proc row, with its
``pg_aggregate`` options, in one query). A view using an aggregate that is dropped to be
created again is re-created around it by the views kind; a routine with a SQL-standard body
or a policy using it cannot be, and the drop carries a blocking hazard naming it.
Ordered-set aggregates (``WITHIN GROUP``) are named as unmanaged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows
from puckdb.kinds.comments import SetComment
from puckdb.kinds.functions import CreateFunction, DropFunction, RecreateFunction
from puckdb.model import Aggregate, Schema
from puckdb.quoting import ident, literal

_MODIFY = {"r": "READ_ONLY", "s": "SHAREABLE", "w": "READ_WRITE"}
_PARALLEL = {"s": "SAFE", "r": "RESTRICTED", "u": "UNSAFE"}


def aggregate_options(aggregate: Aggregate) -> str:
    """The option list of ``CREATE AGGREGATE`` (``SFUNC = acc, STYPE = integer, INITCOND =
    '0'``), in the order the documentation lists them; defaults are left out."""
    a = aggregate
    # (word, value): None and False leave the option out, True writes the bare word.
    options: list[tuple[str, str | int | bool | None]] = [
        ("SFUNC", a.sfunc),
        ("STYPE", a.stype),
        ("SSPACE", a.sspace or None),
        ("FINALFUNC", a.finalfunc),
        ("FINALFUNC_EXTRA", a.finalfunc_extra),
        ("FINALFUNC_MODIFY", _unless(a.finalfunc_modify, "READ_ONLY")),
        ("COMBINEFUNC", a.combinefunc),
        ("SERIALFUNC", a.serialfunc),
        ("DESERIALFUNC", a.deserialfunc),
        ("INITCOND", None if a.initcond is None else literal(a.initcond)),
        ("MSFUNC", a.msfunc),
        ("MINVFUNC", a.minvfunc),
        ("MSTYPE", a.mstype),
        ("MSSPACE", a.msspace or None),
        ("MFINALFUNC", a.mfinalfunc),
        ("MFINALFUNC_EXTRA", a.mfinalfunc_extra),
        ("MFINALFUNC_MODIFY", _unless(a.mfinalfunc_modify, "READ_ONLY")),
        ("MINITCOND", None if a.minitcond is None else literal(a.minitcond)),
        ("SORTOP", None if a.sortop is None else f"OPERATOR({a.sortop})"),
        ("PARALLEL", _unless(a.parallel, "UNSAFE")),
    ]
    return ", ".join(
        word if value is True else f"{word} = {value}"
        for word, value in options
        if value not in (None, False)
    )


def _unless(value: str, default: str) -> str | None:
    return None if value == default else value


def _name(aggregate: Aggregate) -> str:
    return f"{ident(aggregate.schema, aggregate.name)}({aggregate.arguments or '*'})"


@dataclass(frozen=True)
class CreateAggregate(Operation):
    """``CREATE [OR REPLACE] AGGREGATE``, after the functions it is built from: those the
    plan creates or re-creates are in ``waits_for``, and it runs in the latest of their
    phases (a function with a SQL-standard body is created with the views)."""

    aggregate: Aggregate
    replace: bool = False
    waits_for: tuple[Operation, ...] = ()

    phase = Phase.CREATE_FUNCTIONS

    def phase_in(self, context: PlanContext) -> Phase:
        return max((self.phase, *(o.phase_in(context) for o in self.waits_for)))

    def render(self) -> tuple[str, ...]:
        verb = "CREATE OR REPLACE" if self.replace else "CREATE"
        return (f"{verb} AGGREGATE {_name(self.aggregate)} ({aggregate_options(self.aggregate)})",)


@dataclass(frozen=True)
class DropAggregate(Operation):
    """``DROP AGGREGATE``: once the views using it are dropped, before its support
    functions are dropped or re-created. ``new`` is the aggregate created again in its
    place, if it is."""

    aggregate: Aggregate
    new: Aggregate | None = None
    kept_users: tuple[str, ...] = ()
    """Routines and policies that use it and stay: PostgreSQL refuses the drop."""

    phase = Phase.DROP_AGGREGATES

    def phase_in(self, context: PlanContext) -> Phase:
        # A routine with a SQL-standard body that calls it goes first (the functions kind
        # drops those in DROP_BOUND_FUNCTIONS, before this kind's operations).
        if self.new is None and any(kind == "routine" for kind, *_ in self.aggregate.used_by):
            return Phase.DROP_BOUND_FUNCTIONS
        return self.phase

    def render(self) -> tuple[str, ...]:
        return (f"DROP AGGREGATE {_name(self.aggregate)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        old, new = self.aggregate, self.new
        found: list[Hazard] = []
        if new is None:
            found.append(
                Hazard("backward-incompatible", f"drops aggregate {old.signature}; code calling it breaks")
            )
        elif old.returns != new.returns:
            found.append(
                Hazard(
                    "backward-incompatible",
                    f"re-creates aggregate {new.signature} to change what it returns "
                    f"({old.returns} → {new.returns}); code calling it may break",
                )
            )
        found.extend(
            Hazard(
                "manual-step",
                f"{user} uses aggregate {old.signature}, and PostgreSQL refuses to drop the aggregate "
                "while it does: drop or change it in a migration of its own first",
            )
            for user in self.kept_users
        )
        return tuple(found)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    aggregates = tuple(_aggregate(row) for row in rows["functions"] if row["prokind"] == "a")
    return {"aggregates": aggregates}


def _aggregate(row: Mapping[str, Any]) -> Aggregate:
    support = {role: shown for role, shown, *_ in row["support"]}
    return Aggregate(
        schema=row["nspname"],
        name=row["proname"],
        arguments=row["arguments"],
        sfunc=support["sfunc"],
        stype=row["stype"],
        returns=row["returns"],
        sspace=row["sspace"],
        finalfunc=support.get("finalfunc"),
        finalfunc_extra=row["aggfinalextra"],
        finalfunc_modify=_MODIFY[row["aggfinalmodify"]],  # type: ignore[arg-type]
        combinefunc=support.get("combinefunc"),
        serialfunc=support.get("serialfunc"),
        deserialfunc=support.get("deserialfunc"),
        initcond=row["agginitval"],
        msfunc=support.get("msfunc"),
        minvfunc=support.get("minvfunc"),
        mstype=row["mstype"],
        msspace=row["msspace"],
        mfinalfunc=support.get("mfinalfunc"),
        mfinalfunc_extra=row["aggmfinalextra"],
        mfinalfunc_modify=_MODIFY[row["aggmfinalmodify"]],  # type: ignore[arg-type]
        minitcond=row["aggminitval"],
        sortop=row["sortop"],
        parallel=_PARALLEL[row["proparallel"]],  # type: ignore[arg-type]
        comment=row["comment"],
        functions=tuple((schema, name, arguments) for _, _, schema, name, arguments in row["support"]),
        used_by=tuple(tuple(user) for user in row["used_by"]),
    )


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    before = {a.key: a for a in source.aggregates}
    after = {a.key: a for a in target.aggregates}
    # What the functions kind does to the functions an aggregate is built from or used by.
    made: dict[tuple[str, str, str], Operation] = {
        o.function.key: o for o in earlier if isinstance(o, CreateFunction)
    }
    remade = {o.old.key for o in earlier if isinstance(o, RecreateFunction)}
    made.update((o.old.key, o) for o in earlier if isinstance(o, RecreateFunction))
    dropped = {o.function.key for o in earlier if isinstance(o, DropFunction)}
    kept_policies = {p.key for p in target.policies}

    def rebuilt(old: Aggregate, new: Aggregate) -> bool:
        return old.returns != new.returns or any(f in remade for f in old.functions)

    operations: list[Operation] = []
    for key, old in before.items():
        new = after.get(key)
        if new is None or rebuilt(old, new):
            operations.append(DropAggregate(old, new, _kept_users(old, new, dropped, kept_policies)))
    for key, aggregate in after.items():
        was = before.get(key)
        waits = tuple(made[f] for f in aggregate.functions if f in made)
        if was is None or rebuilt(was, aggregate):
            operations.append(CreateAggregate(aggregate, waits_for=waits))
            was = None  # re-created: it has lost its comment, as a new one has none yet
        elif replace(was, comment=aggregate.comment) != aggregate:
            operations.append(CreateAggregate(aggregate, replace=True, waits_for=waits))
        if (was.comment if was is not None else None) != aggregate.comment:
            operations.append(
                SetComment(
                    "AGGREGATE",
                    aggregate.schema,
                    aggregate.name,
                    aggregate.arguments or "*",
                    aggregate.comment,
                )
            )
    return operations


def _kept_users(
    old: Aggregate,
    new: Aggregate | None,
    dropped_functions: set[tuple[str, str, str]],
    kept_policies: set[tuple[str, str, str]],
) -> tuple[str, ...]:
    """The routines and policies using ``old`` that are still there when it is dropped.

    Views are re-created around it (the views kind). A routine is gone first only when it
    is dropped for good (in DROP_BOUND_FUNCTIONS, before a plain drop of the aggregate); a
    policy that stays cannot use an aggregate that goes, so it is re-created before, unless
    the aggregate comes back and the policy is kept as it is."""
    kept: list[str] = []
    for kind, schema, relation, member in old.used_by:
        if kind == "routine" and (new is not None or (schema, relation, member) not in dropped_functions):
            kept.append(f"routine {schema}.{relation}({member})")
        elif kind == "policy" and new is not None and (schema, relation, member) in kept_policies:
            kept.append(f"policy {member} on {schema}.{relation}")
    return tuple(kept)


KIND = Kind("aggregates", assemble=_assemble, diff=_diff)
