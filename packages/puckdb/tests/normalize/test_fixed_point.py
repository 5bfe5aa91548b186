"""normalize accepts PostgreSQL re-printing an expression, and nothing else: anything else
that changes between the code's database and one built from puckdb's own SQL is a loss in
puckdb's rendering, which must be reported rather than silently taken as the code's model."""

from dataclasses import replace

import pytest

from puckdb.model import CheckConstraint, Column, Index, IndexKey, PrimaryKey, Schema, Table
from puckdb.normalize.fixed_point import RenderingLossError, check_only_expressions_changed

TABLE = Table(
    "public",
    "items",
    (
        Column("id", "bigint", nullable=False),
        Column("tags", "text[]", default="ARRAY['a'::character varying]::text[]"),
    ),
    primary_key=PrimaryKey("items_pkey", ("id",)),
    check_constraints=(CheckConstraint("items_id_check", "CHECK (id > 0)"),),
    indexes=(Index("items_lower_idx", False, "btree", (IndexKey("lower(tags[1])"),), where="id > 0"),),
)


def test_re_printed_expressions_are_accepted():
    reprinted = replace(
        TABLE,
        columns=(TABLE.columns[0], replace(TABLE.columns[1], default="ARRAY['a'::character varying::text]")),
        check_constraints=(CheckConstraint("items_id_check", "CHECK ((id > 0))"),),
        indexes=(replace(TABLE.indexes[0], keys=(IndexKey("lower((tags)[1])"),), where="(id > 0)"),),
    )
    check_only_expressions_changed(Schema(tables=(TABLE,)), Schema(tables=(reprinted,)), "the code")


@pytest.mark.parametrize(
    "lossy",
    [
        replace(TABLE, comment="lost on the way" if TABLE.comment is None else None),
        replace(TABLE, check_constraints=()),
        replace(TABLE, columns=(TABLE.columns[0], replace(TABLE.columns[1], default=None))),
        replace(TABLE, indexes=(replace(TABLE.indexes[0], keys=(IndexKey("tags"),)),)),
        replace(TABLE, columns=(TABLE.columns[0], replace(TABLE.columns[1], nullable=False))),
    ],
    ids=["comment", "check constraint", "default", "index key column", "nullability"],
)
def test_anything_else_that_changes_is_a_reported_defect(lossy):
    with pytest.raises(RenderingLossError) as raised:
        check_only_expressions_changed(Schema(tables=(TABLE,)), Schema(tables=(lossy,)), "the schema code")
    message = str(raised.value)
    assert "puckdb could not reproduce the schema code" in message
    assert "schema.tables[public.items]" in message
