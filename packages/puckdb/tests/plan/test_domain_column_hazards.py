"""A column changing to or from a domain is labelled by what the change can do to its rows,
judged on the types under the domains and their constraints (on the model alone)."""

from __future__ import annotations

import pytest

from puckdb.engine import migration_plan
from puckdb.model import Column, Domain, PrimaryKey, Schema, Table

POSINT = Domain("public", "posint", "integer", checks=(("posint_positive", "CHECK ((VALUE > 0))"),))
EVEN = Domain("public", "even_posint", "posint", checks=(("even", "CHECK (((VALUE % 2) = 0))"),))
ALSO_POSINT = Domain("public", "also_posint", "integer", checks=(("positive", "CHECK ((VALUE > 0))"),))
REQUIRED = Domain("public", "required_int", "integer", not_null=True)
CODE = Domain("public", "code", "text", checks=(("code_upper", "CHECK ((VALUE = upper(VALUE)))"),))
DOMAINS = (POSINT, EVEN, ALSO_POSINT, REQUIRED, CODE)


def scores(data_type: str) -> Table:
    return Table(
        "public",
        "scores",
        (Column("id", "bigint", nullable=False), Column("points", data_type)),
        primary_key=PrimaryKey("scores_pkey", ("id",)),
    )


def hazards(old: str, new: str) -> dict[str, str]:
    """Kind → message of the hazards of changing scores.points (scores holds rows)."""
    plan = migration_plan(
        Schema(domains=DOMAINS, tables=(scores(old),)), Schema(domains=DOMAINS, tables=(scores(new),))
    )
    assert [type(s.operation).__name__ for s in plan.statements] == ["AlterColumnType"]
    return {hazard.kind: hazard.message for hazard in plan.hazards}


@pytest.mark.parametrize("old", ["posint", "required_int", "even_posint"])
def test_leaving_a_domain_for_its_base_type_loses_nothing_and_rewrites_nothing(old: str) -> None:
    assert hazards(old, "integer").keys() == {"access-exclusive-lock"}


def test_leaving_a_domain_for_a_wider_type_loses_nothing() -> None:
    assert hazards("posint", "bigint").keys() == {"table-rewrite", "access-exclusive-lock"}


def test_leaving_a_domain_for_a_narrower_type_narrows() -> None:
    assert "narrows column scores.points (posint → smallint)" in hazards("posint", "smallint")["data-loss"]
    found = hazards("code", "character varying(5)")
    assert "narrows column scores.points (code → character varying(5))" in found["data-loss"]


def test_taking_a_domain_keeps_every_value_but_its_checks_may_reject_rows() -> None:
    found = hazards("integer", "posint")
    assert "data-loss" not in found
    assert found["backfill-required"] == (
        "scores.points becomes posint, whose constraint CHECK ((VALUE > 0)) every existing value must "
        "pass: one that fails makes the migration fail"
    )
    assert "table-rewrite" in found  # PostgreSQL checks a domain's constraints by rewriting


def test_only_the_constraints_the_old_type_did_not_hold_are_named() -> None:
    found = hazards("posint", "even_posint")
    assert "CHECK (((VALUE % 2) = 0))" in found["backfill-required"]
    assert "VALUE > 0" not in found["backfill-required"]
    assert "even_posint over posint" in found["backfill-required"]
    assert "data-loss" not in found


def test_another_domain_with_the_same_checks_adds_no_hazard_on_values() -> None:
    assert "backfill-required" not in hazards("posint", "also_posint")
    assert "data-loss" not in hazards("posint", "also_posint")


def test_a_not_null_domain_names_not_null() -> None:
    assert "constraint NOT NULL" in hazards("integer", "required_int")["backfill-required"]


def test_arrays_of_a_domain_are_judged_the_same_way() -> None:
    assert hazards("posint[]", "integer[]").keys() == {"access-exclusive-lock"}
    assert "backfill-required" in hazards("integer[]", "posint[]")
