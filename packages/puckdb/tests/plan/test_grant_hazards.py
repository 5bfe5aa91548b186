"""Grants on the model alone: what the plan says and which REVOKEs carry a hazard."""

from __future__ import annotations

from puckdb.engine import migration_plan
from puckdb.model import Column, Function, Grant, Schema, Table

CARDS = Table("public", "cards", (Column("id", "bigint", nullable=False),))
ONE = Function(
    "public", "one", "", "CREATE OR REPLACE FUNCTION public.one()\n RETURNS integer\n ...", "integer"
)
READ = Grant("table", "public", "cards", None, "app", ("SELECT",))


def test_revoking_is_backward_incompatible_and_granting_is_not():
    with_grant = Schema(tables=(CARDS,), grants=(READ,))
    without = Schema(tables=(CARDS,))
    plan = migration_plan(with_grant, without)
    assert [h.kind for h in plan.hazards] == ["backward-incompatible"]
    assert "revokes SELECT on table cards from app" in plan.hazards[0].message
    assert migration_plan(without, with_grant).hazards == ()


def test_grant_option_changes_are_their_own_statements():
    optioned = Schema(
        tables=(CARDS,), grants=(Grant("table", "public", "cards", None, "app", ("SELECT",), ("SELECT",)),)
    )
    plain = Schema(tables=(CARDS,), grants=(READ,))
    forward = migration_plan(plain, optioned)
    assert [h for h in forward.hazards] == []
    backward = migration_plan(optioned, plain)
    assert [h.kind for h in backward.hazards] == ["backward-incompatible"]
    assert "the right to grant SELECT" in backward.hazards[0].message


def test_revoking_public_execute_on_a_new_function_is_no_hazard():
    revoked = Grant("function", "public", "one", "", "public", ())
    plan = migration_plan(Schema(), Schema(functions=(ONE,), grants=(revoked,)))
    assert plan.hazards == ()
    dropped_with_function = migration_plan(Schema(functions=(ONE,), grants=(revoked,)), Schema())
    assert not any("revokes" in h.message for h in dropped_with_function.hazards)
