"""A change that adds enum labels and does more becomes two migrations: the labels first,
outside a transaction, then the rest in one transaction (on the model alone)."""

from __future__ import annotations

from dataclasses import replace

from puckdb.diff import Renames
from puckdb.diff import operations as op
from puckdb.engine import migration_plan, migration_steps
from puckdb.model import Column, EnumType, PrimaryKey, Schema, Table

MOOD = EnumType("public", "mood", ("sad", "happy"))
CARDS = Table(
    "public",
    "cards",
    (Column("id", "bigint", nullable=False), Column("mood", "mood")),
    primary_key=PrimaryKey("cards_pkey", ("id",)),
)
MORE_MOODS = replace(MOOD, labels=("sad", "ok", "happy"))
DEFAULT_OK = replace(CARDS, columns=(CARDS.columns[0], replace(CARDS.columns[1], default="'ok'::mood")))


def operations(plan) -> list[str]:
    return [type(statement.operation).__name__ for statement in plan.statements]


def test_labels_alone_stay_one_migration_outside_a_transaction():
    (step,) = migration_steps(
        Schema(enums=(MOOD,), tables=(CARDS,)), Schema(enums=(MORE_MOODS,), tables=(CARDS,))
    )
    assert operations(step.forward) == ["AddEnumValue"] and not step.forward.transactional


def test_a_change_without_new_labels_stays_one_migration():
    source, target = Schema(enums=(MOOD,), tables=(CARDS,)), Schema(enums=(MOOD,), tables=(DEFAULT_OK,))
    (step,) = migration_steps(source, target)
    assert step.forward == migration_plan(source, target)
    assert step.backward == migration_plan(target, source)


def test_new_labels_come_first_and_the_rest_that_uses_them_runs_in_a_transaction():
    source = Schema(enums=(MOOD,), tables=(CARDS,))
    target = Schema(enums=(MORE_MOODS,), tables=(DEFAULT_OK,))
    labels, rest = migration_steps(source, target)

    assert operations(labels.forward) == ["AddEnumValue"] and not labels.forward.transactional
    assert [s.sql for s in labels.forward.statements] == [
        """ALTER TYPE "public"."mood" ADD VALUE IF NOT EXISTS 'ok' BEFORE 'happy'"""
    ]
    assert operations(rest.forward) == ["SetColumnDefault"] and rest.forward.transactional
    # Each down file undoes its own step: the rest's goes back to the labels added, the
    # labels' goes back to the source (re-creating the enum without them).
    assert operations(rest.backward) == ["SetColumnDefault"]
    assert "RecreateEnum" in operations(labels.backward)
    assert migration_plan(source, target).statements[0].sql == labels.forward.statements[0].sql


def test_label_renames_of_an_enum_gaining_labels_go_with_its_labels():
    # 'ok' is placed before 'glad', the new name of 'happy': the rename must come first.
    source = Schema(enums=(MOOD,), tables=(CARDS,))
    target = Schema(enums=(replace(MOOD, labels=("sad", "ok", "glad")),), tables=(DEFAULT_OK,))
    renames = Renames(enum_values={("public", "mood", "happy"): "glad"})
    labels, rest = migration_steps(source, target, renames)

    assert operations(labels.forward) == ["RenameEnumValue", "AddEnumValue"]
    assert labels.forward.statements[1].sql.endswith("ADD VALUE IF NOT EXISTS 'ok' BEFORE 'glad'")
    assert operations(rest.forward) == ["SetColumnDefault"]
    assert not any(isinstance(s.operation, op.RenameEnumValue) for s in rest.backward.statements)
    assert operations(labels.backward)[:2] == ["RenameEnumValue", "RecreateEnum"]
