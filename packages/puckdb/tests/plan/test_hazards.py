"""Which hazards each kind of change carries, on the model alone (no database needed):
a reviewer relies on the header, so a missing hazard is as bad as a wrong statement."""

from __future__ import annotations

from dataclasses import replace

import pytest

from puckdb.diff import Renames
from puckdb.diff import operations as op
from puckdb.engine import migration_plan
from puckdb.model import (
    Collation,
    Column,
    EnumType,
    Extension,
    ForeignKey,
    Identity,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    View,
)

ID = Column("id", "bigint", nullable=False)


def table(name: str, *columns: Column, **kwargs) -> Table:
    return Table("public", name, (ID, *columns), primary_key=PrimaryKey(f"{name}_pkey", ("id",)), **kwargs)


def schema(*tables: Table, **kwargs) -> Schema:
    return Schema(tables=tables, **kwargs)


def hazards(source: Schema, target: Schema, renames: Renames | None = None) -> set[tuple[str, str]]:
    return {(h.kind, h.message) for h in migration_plan(source, target, renames).hazards}


def kinds(source: Schema, target: Schema, renames: Renames | None = None) -> set[str]:
    return {kind for kind, _ in hazards(source, target, renames)}


NAME = Column("name", "character varying(20)")
USERS = table("users", NAME)


def test_dropping_a_table_loses_data_and_breaks_old_code():
    assert kinds(schema(USERS), schema()) == {"data-loss", "backward-incompatible"}


def test_dropping_a_column_loses_data():
    assert kinds(schema(USERS), schema(table("users"))) == {"data-loss", "backward-incompatible"}


def test_dropping_a_generated_column_loses_nothing():
    total = Column("total", "integer", generated="(id * 2)")
    assert kinds(schema(table("users", total)), schema(table("users"))) == {"backward-incompatible"}


def test_narrowing_an_existing_column_loses_data_rewrites_and_locks():
    narrowed = table("users", replace(NAME, data_type="character varying(5)"))
    assert kinds(schema(USERS), schema(narrowed)) == {"data-loss", "table-rewrite", "access-exclusive-lock"}
    retyped = table("users", replace(NAME, data_type="integer"))
    assert kinds(schema(USERS), schema(retyped)) == {"data-loss", "table-rewrite", "access-exclusive-lock"}


def test_widening_varchar_only_locks():
    widened = table("users", replace(NAME, data_type="character varying(50)"))
    assert kinds(schema(USERS), schema(widened)) == {"access-exclusive-lock"}


def test_narrowing_a_column_of_a_renamed_table_still_loses_data():
    people = replace(USERS, name="people", primary_key=PrimaryKey("people_pkey", ("id",)))
    narrowed = table("users", replace(NAME, data_type="character varying(5)"))
    found = kinds(schema(people), schema(narrowed), Renames(tables={("public", "people"): "users"}))
    assert {"data-loss", "access-exclusive-lock", "backward-incompatible"} <= found


def test_changing_vector_dimensions_is_flagged_as_data_loss():
    before = table("items", Column("embedding", "vector(3)"))
    after = table("items", Column("embedding", "vector(768)"))
    messages = [m for k, m in hazards(schema(before), schema(after)) if k == "data-loss"]
    assert messages and "dimensions" in messages[0]


def test_adding_a_not_null_column_without_default_needs_a_backfill():
    after = table("users", NAME, Column("email", "text", nullable=False))
    assert "backfill-required" in kinds(schema(USERS), schema(after))
    with_default = table("users", NAME, Column("email", "text", nullable=False, default="''::text"))
    assert kinds(schema(USERS), schema(with_default)) == set()


def test_adding_a_column_with_a_volatile_default_rewrites_the_table():
    after = table("users", NAME, Column("token", "uuid", default="gen_random_uuid()"))
    assert kinds(schema(USERS), schema(after)) == {"table-rewrite"}


def test_adding_an_identity_to_an_existing_column_rewrites():
    before = table("users", Column("number", "bigint", nullable=False))
    after = table(
        "users",
        Column("number", "bigint", nullable=False, identity=Identity(True, 1, 1, 1, 2**63 - 1, 1, False)),
    )
    assert "table-rewrite" in kinds(schema(before), schema(after))


INDEX = Index("users_name_idx", False, "btree", (IndexKey("name"),))


def test_an_index_on_an_existing_table_blocks_writes():
    assert kinds(schema(USERS), schema(replace(USERS, indexes=(INDEX,)))) == {"non-concurrent-index"}


def test_an_index_on_a_new_table_is_harmless():
    assert kinds(schema(), schema(replace(USERS, indexes=(INDEX,)))) == set()


def test_an_index_on_a_renamed_table_blocks_writes():
    people = replace(USERS, name="people", primary_key=PrimaryKey("people_pkey", ("id",)))
    found = kinds(
        schema(people),
        schema(replace(USERS, indexes=(INDEX,))),
        Renames(tables={("public", "people"): "users"}),
    )
    assert "non-concurrent-index" in found


SCORES = View(
    "public",
    "scores",
    " SELECT users.id\n   FROM users;",
    materialized=True,
    columns=("id",),
    depends_on=(("public", "users"),),
)


def test_an_index_on_an_existing_materialized_view_blocks_it():
    index = Index("scores_id_idx", False, "btree", (IndexKey("id"),))
    indexed = replace(SCORES, indexes=(index,))
    assert kinds(schema(USERS, views=(SCORES,)), schema(USERS, views=(indexed,))) == {"non-concurrent-index"}


def test_a_re_created_view_is_not_a_dropped_one():
    changed = replace(SCORES, definition=" SELECT users.id\n   FROM users\n  WHERE users.id > 0;")
    # Dropped to be created again: nothing breaks, but a materialized view is recomputed.
    assert kinds(schema(USERS, views=(SCORES,)), schema(USERS, views=(changed,))) == {"matview-rebuild"}
    plain = replace(SCORES, materialized=False)
    assert (
        kinds(schema(USERS, views=(plain,)), schema(USERS, views=(replace(changed, materialized=False),)))
        == set()
    )
    assert kinds(schema(USERS, views=(SCORES,)), schema(USERS)) == {"backward-incompatible"}


def test_a_foreign_key_on_an_existing_table_locks_it_while_checked():
    decks = table("decks")
    cards = table("cards", Column("deck_id", "bigint"))
    linked = replace(
        cards, foreign_keys=(ForeignKey("cards_deck_id_fkey", ("deck_id",), "public", "decks", ("id",)),)
    )
    messages = hazards(schema(decks, cards), schema(decks, linked))
    assert {kind for kind, _ in messages} == {"access-exclusive-lock"}
    assert any("NOT VALID" in message for _, message in messages)


def test_set_not_null_scans_and_locks():
    after = table("users", replace(NAME, nullable=False))
    assert kinds(schema(USERS), schema(after)) == {"access-exclusive-lock"}


MOOD = EnumType("public", "mood", ("sad", "happy"))


def test_enum_labels():
    added = replace(MOOD, labels=("sad", "ok", "happy"))
    assert kinds(Schema(enums=(MOOD,)), Schema(enums=(added,))) == {"non-transactional"}
    removed = replace(MOOD, labels=("happy",))
    assert kinds(Schema(enums=(MOOD,)), Schema(enums=(removed,))) == {"data-loss"}
    renamed = replace(MOOD, labels=("blue", "happy"))
    rename = Renames(enum_values={("public", "mood", "sad"): "blue"})
    assert kinds(Schema(enums=(MOOD,)), Schema(enums=(renamed,)), rename) == {"backward-incompatible"}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (
            Schema(sequences=(Sequence("public", "numbers", "bigint", 1, 1, 1, 2**63 - 1, 1, False),)),
            Schema(),
        ),
        (Schema(schemas=("audit", "public")), Schema()),
        (Schema(extensions=(Extension("vector", "public", "0.8.0"),)), Schema()),
        (Schema(enums=(MOOD,)), Schema()),
    ],
    ids=["sequence", "schema", "extension", "enum"],
)
def test_dropping_anything_breaks_old_code(source, target):
    assert kinds(source, target) == {"backward-incompatible"}


def test_renames_break_old_code():
    full_name = table("users", replace(NAME, name="full_name"))
    rename = Renames(columns={("public", "users", "name"): "full_name"})
    assert kinds(schema(USERS), schema(full_name), rename) == {"backward-incompatible"}


def test_changing_whether_a_table_is_logged_rewrites_it():
    assert kinds(schema(USERS), schema(replace(USERS, unlogged=True))) == {"table-rewrite"}


def test_a_renamed_serial_table_renames_its_sequence_instead_of_replacing_it():
    def serial(table_name: str) -> Schema:
        sequence = Sequence(
            "public", f"{table_name}_id_seq", "integer", 1, 1, 1, 2**31 - 1, 1, False, (table_name, "id")
        )
        column = Column("id", "integer", nullable=False, default=f"nextval('{table_name}_id_seq'::regclass)")
        return Schema(
            tables=(
                Table("public", table_name, (column,), primary_key=PrimaryKey(f"{table_name}_pkey", ("id",))),
            ),
            sequences=(sequence,),
        )

    plan = migration_plan(serial("people"), serial("users"), Renames(tables={("public", "people"): "users"}))
    operations = {type(statement.operation) for statement in plan.statements}
    assert op.RenameSequence in operations
    assert not operations & {op.CreateSequence, op.DropSequence, op.SetColumnDefault}


def test_turning_row_level_security_off_is_a_blocking_security_hazard():
    secured = schema(table("notes", rls_enabled=True))
    plain = schema(table("notes"))
    plan = migration_plan(secured, plain)
    [hazard] = plan.blocking_hazards
    assert hazard.kind == "security" and "disables row-level security on notes" in hazard.message
    # Turning it on, or forcing it, is no exposure.
    assert not migration_plan(plain, secured).blocking_hazards
    forced = schema(table("notes", rls_enabled=True, rls_forced=True))
    assert not migration_plan(secured, forced).hazards


def test_functions_and_triggers_carry_their_hazards():
    from puckdb.model import Function, Trigger

    touch = Function(
        "public",
        "touch",
        "",
        "CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $$BEGIN RETURN NEW; END$$",
        "trigger",
    )
    trigger = Trigger(
        "public",
        "notes",
        "notes_touch",
        "CREATE TRIGGER notes_touch BEFORE UPDATE ON public.notes FOR EACH ROW EXECUTE FUNCTION touch()",
    )
    with_both = schema(table("notes"), functions=(touch,), triggers=(trigger,))
    assert hazards(with_both, schema(table("notes"))) == {
        ("backward-incompatible", "drops trigger notes_touch on notes; what it does on each write stops"),
        ("backward-incompatible", "drops function public.touch(); code calling it breaks"),
    }
    returns_int = replace(touch, returns="integer", definition=touch.definition.replace("trigger", "integer"))
    assert hazards(schema(functions=(touch,)), schema(functions=(returns_int,))) == {
        (
            "backward-incompatible",
            "re-creates public.touch() to change what it returns (trigger → integer); code calling it may break",
        )
    }


def test_an_extension_in_a_schema_puckdb_does_not_manage_is_never_dropped():
    elsewhere = schema(extensions=(Extension("vector", "extensions", "0.8.0"),))
    assert migration_plan(elsewhere, schema()).is_empty
    in_public = schema(extensions=(Extension("vector", "public", "0.8.0"),))
    [statement] = migration_plan(in_public, schema()).statements
    assert statement.sql == 'DROP EXTENSION "vector"'


def test_re_creating_a_collation_in_use_is_a_blocking_manual_step():
    old = Collation("public", "bytes", "libc", lc_collate="C", lc_ctype="C")
    new = replace(old, lc_ctype="POSIX")
    front = Column("front", "text", collation="public.bytes")
    used = schema(table("cards", front), collations=(old,))
    plan = migration_plan(used, schema(table("cards", front), collations=(new,)))
    [blocking] = plan.blocking_hazards
    assert blocking.kind == "manual-step"
    assert "collation bytes is used by column cards.front" in blocking.message
    # Unused, it is only a changed definition.
    unused = migration_plan(schema(collations=(old,)), schema(collations=(new,)))
    assert not unused.blocking_hazards
    assert [s.sql for s in unused.statements] == [
        'DROP COLLATION "public"."bytes"',
        "CREATE COLLATION \"public\".\"bytes\" (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX')",
    ]
