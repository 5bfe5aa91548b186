"""The Schema root: lookups, ordering, equality and hashing (no database needed)."""

import pytest

from puckdb.model import (
    PUBLIC_SCHEMA_COMMENT,
    CheckConstraint,
    Column,
    EnumType,
    Extension,
    Index,
    IndexKey,
    Schema,
    Sequence,
    Table,
    View,
)


def _table(schema: str, name: str, **fields) -> Table:
    return Table(schema, name, (Column("id", "integer", nullable=False),), **fields)


def test_lookups_find_objects_by_schema_and_name():
    schema = Schema(
        schemas=("public", "app"),
        extensions=(Extension("vector", "public", "0.8.0"),),
        enums=(EnumType("app", "mood", ("a", "b")),),
        sequences=(Sequence("public", "numbers", "bigint", 1, 1, 1, 100, 1, False),),
        tables=(_table("app", "cards"), _table("public", "users")),
        views=(View("public", "v", " SELECT 1;"),),
    )
    assert schema.table("app", "cards").name == "cards"
    assert schema.enum("app", "mood").labels == ("a", "b")
    assert schema.sequence("public", "numbers").max_value == 100
    assert schema.view("public", "v").definition == " SELECT 1;"
    assert schema.extension("vector").version == "0.8.0"


@pytest.mark.parametrize(
    "lookup",
    [
        lambda s: s.table("public", "cards"),
        lambda s: s.table("app", "missing"),
        lambda s: s.view("public", "cards"),
        lambda s: s.enum("public", "mood"),
        lambda s: s.sequence("app", "cards"),
        lambda s: s.extension("postgis"),
    ],
)
def test_lookups_return_none_when_absent(lookup):
    schema = Schema(schemas=("app",), tables=(_table("app", "cards"),))
    assert lookup(schema) is None


def test_column_lookup():
    table = _table("public", "t")
    assert table.column("id") == Column("id", "integer", nullable=False)
    assert table.column("missing") is None


def test_collections_are_sorted_whatever_order_they_are_given_in():
    schema = Schema(
        schemas=("public", "app"),
        extensions=(Extension("vector", "public", "1"), Extension("citext", "public", "1")),
        tables=(_table("public", "b"), _table("public", "a"), _table("app", "z")),
    )
    assert schema.schemas == ("app", "public")
    assert [e.name for e in schema.extensions] == ["citext", "vector"]
    assert [t.key for t in schema.tables] == [("app", "z"), ("public", "a"), ("public", "b")]


def test_constraints_and_indexes_are_sorted_by_name_but_columns_keep_their_order():
    table = Table(
        "public",
        "t",
        (Column("z", "integer"), Column("a", "integer")),
        check_constraints=(CheckConstraint("t_z", "CHECK (z > 0)"), CheckConstraint("t_a", "CHECK (a > 0)")),
        indexes=(
            Index("t_z_idx", False, "btree", (IndexKey("z"), IndexKey("a"))),
            Index("t_a_idx", False, "btree", (IndexKey("a"),)),
        ),
    )
    assert [c.name for c in table.columns] == ["z", "a"]
    assert [c.name for c in table.check_constraints] == ["t_a", "t_z"]
    assert [i.name for i in table.indexes] == ["t_a_idx", "t_z_idx"]
    assert [k.expression for k in table.indexes[1].keys] == ["z", "a"]


def test_view_dependencies_are_sorted():
    view = View("public", "v", " SELECT 1;", depends_on=(("public", "t"), ("app", "u")))
    assert view.depends_on == (("app", "u"), ("public", "t"))


def test_equal_schemas_are_equal_and_hash_alike():
    one = Schema(tables=(_table("public", "a"), _table("public", "b")))
    other = Schema(tables=(_table("public", "b"), _table("public", "a")))
    assert one == other
    assert hash(one) == hash(other)
    assert len({one, other}) == 1


def test_index_definition_is_not_compared():
    written = Index(
        "i",
        False,
        "hnsw",
        (IndexKey("e", "vector_cosine_ops"),),
        definition="... WITH (m='16', ef_construction='64')",
    )
    reordered = Index(
        "i",
        False,
        "hnsw",
        (IndexKey("e", "vector_cosine_ops"),),
        definition="... WITH (ef_construction='64', m='16')",
    )
    assert written == reordered
    assert hash(written) == hash(reordered)


def test_objects_are_immutable():
    table = _table("public", "t")
    with pytest.raises(AttributeError):
        table.name = "other"  # type: ignore[misc]


def test_schema_comments_are_sorted_and_publics_initdb_comment_is_none():
    assert Schema().schema_comment("public") is None
    assert Schema(schema_comments=(("public", PUBLIC_SCHEMA_COMMENT),)) == Schema()
    schema = Schema(schemas=("public", "app"), schema_comments=(("public", "p"), ("app", "a")))
    assert schema.schema_comments == (("app", "a"), ("public", "p"))
    assert (schema.schema_comment("app"), schema.schema_comment("missing")) == ("a", None)
    assert hash(schema) == hash(
        Schema(schemas=("app", "public"), schema_comments=(("app", "a"), ("public", "p")))
    )


def test_comments_of_schemas_not_listed_are_dropped_and_one_per_schema():
    # The default (public's comment) describes nothing in a schema without public.
    assert Schema(schemas=("app",)).schema_comments == ()
    with pytest.raises(ValueError, match="one comment"):
        Schema(schema_comments=(("public", "a"), ("public", "b")))


def test_view_column_comments_are_sorted_by_column():
    view = View("public", "v", "SELECT 1", columns=("b", "a"), column_comments=(("b", "x"), ("a", "y")))
    assert view.column_comments == (("a", "y"), ("b", "x"))
    assert (view.column_comment("b"), view.column_comment("c")) == ("x", None)
    assert view == View(
        "public", "v", "SELECT 1", columns=("b", "a"), column_comments=(("a", "y"), ("b", "x"))
    )
