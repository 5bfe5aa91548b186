"""The hazards and order of domain and composite type changes, on the model alone."""

from __future__ import annotations

from puckdb.engine import migration_plan
from puckdb.model import Column, CompositeAttribute, CompositeType, Domain, Function, Schema, Table

POSINT = Domain("public", "posint", "integer", checks=(("posint_positive", "CHECK ((VALUE > 0))"),))
PAIR = CompositeType("public", "pair", (CompositeAttribute("a", "integer"), CompositeAttribute("b", "text")))
SCORES = Table("public", "scores", (Column("points", "posint"), Column("best", "pair")))


def _kinds(source: Schema, target: Schema) -> list[str]:
    return [hazard.kind for hazard in migration_plan(source, target).hazards]


def test_a_narrower_base_type_with_columns_is_blocking_and_a_wider_one_is_not() -> None:
    before = Schema(domains=(POSINT,), composite_types=(PAIR,), tables=(SCORES,))
    narrower = Schema(
        domains=(Domain("public", "posint", "smallint", checks=POSINT.checks),),
        composite_types=(PAIR,),
        tables=(SCORES,),
    )
    wider = Schema(
        domains=(Domain("public", "posint", "bigint", checks=POSINT.checks),),
        composite_types=(PAIR,),
        tables=(SCORES,),
    )
    assert [h.kind for h in migration_plan(before, narrower).blocking_hazards] == ["data-loss"]
    assert migration_plan(before, wider).blocking_hazards == ()
    assert "table-rewrite" in _kinds(before, wider)


def test_a_new_check_scans_the_columns() -> None:
    small = Domain("public", "posint", "integer", checks=(*POSINT.checks, ("small", "CHECK ((VALUE < 10))")))
    plan = migration_plan(Schema(domains=(POSINT,)), Schema(domains=(small,)))
    assert plan.sql() == 'ALTER DOMAIN "public"."posint" ADD CONSTRAINT "small" CHECK ((VALUE < 10));\n'
    assert [h.kind for h in plan.hazards] == ["backfill-required"]


def test_dropping_a_stored_attribute_is_blocking_and_an_unstored_one_is_not() -> None:
    only_a = CompositeType("public", "pair", (CompositeAttribute("a", "integer"),))
    stored = migration_plan(
        Schema(domains=(POSINT,), composite_types=(PAIR,), tables=(SCORES,)),
        Schema(domains=(POSINT,), composite_types=(only_a,), tables=(SCORES,)),
    )
    assert [h.kind for h in stored.blocking_hazards] == ["data-loss"]
    assert "scores.best" in stored.blocking_hazards[0].message
    unstored = migration_plan(Schema(composite_types=(PAIR,)), Schema(composite_types=(only_a,)))
    assert unstored.blocking_hazards == ()
    assert unstored.sql() == 'ALTER TYPE "public"."pair" DROP ATTRIBUTE "b";\n'


def test_types_are_created_before_functions_and_tables_and_dropped_after() -> None:
    scored = CompositeType("public", "scored", (CompositeAttribute("points", "posint"),))
    function = Function(
        "public",
        "first",
        "p pair",
        "CREATE OR REPLACE FUNCTION public.first(p pair)\n RETURNS integer\n LANGUAGE sql\nAS $function$SELECT p.a$function$\n",
        returns="integer",
    )
    full = Schema(domains=(POSINT,), composite_types=(PAIR, scored), tables=(SCORES,), functions=(function,))
    order = [s.operation.__class__.__name__ for s in migration_plan(Schema(), full).statements]
    assert (
        order.index("CreateDomain")
        < order.index("CreateCompositeType")
        < order.index("CreateFunction")
        < order.index("CreateTable")
    )
    dropped = [s.operation.__class__.__name__ for s in migration_plan(full, Schema()).statements]
    assert dropped.index("DropTable") < dropped.index("DropFunction") < dropped.index("DropCompositeType")
    assert dropped.index("DropCompositeType") < dropped.index("DropDomain")
