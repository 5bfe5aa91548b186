"""JSON serialization of the model: exact round trips, strict reading (no database)."""

import json

import pytest

from puckdb.model import (
    MODEL_VERSION,
    CheckConstraint,
    Column,
    EnumType,
    ExclusionConstraint,
    Extension,
    ForeignKey,
    Identity,
    Index,
    IndexKey,
    ModelFormatError,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)

SCHEMA = Schema(
    schemas=("app", "public"),
    extensions=(Extension("vector", "public", "0.8.0"),),
    enums=(EnumType("public", "mood", ("sad", "ok", "ünïcödé ☃"), "How it went"),),
    sequences=(
        Sequence("app", "numbers", "bigint", 10, -2, -9223372036854775808, 9223372036854775807, 5, True),
        Sequence("public", "t_id_seq", "integer", 1, 1, 1, 2147483647, 1, False, ("t", "id"), "serial"),
    ),
    tables=(
        Table(
            "public",
            "t",
            (
                Column("id", "integer", False, "nextval('t_id_seq'::regclass)"),
                Column("code", "bigint", False, identity=Identity(True, 1, 1, 1, 2**63 - 1, 1, False)),
                Column("name", "character varying(200)", collation='"C"', comment="the name"),
                Column("total", "numeric", generated="(price * 2)", generated_virtual=True),
                Column("embedding", "vector(3)"),
            ),
            primary_key=PrimaryKey("t_pkey", ("id",), "key"),
            unique_constraints=(UniqueConstraint("t_name_key", ("name",), True, True, True),),
            foreign_keys=(
                ForeignKey(
                    "t_fk", ("code",), "app", "u", ("id",), "CASCADE", "SET NULL", "FULL", True, False, False
                ),
            ),
            check_constraints=(CheckConstraint("t_check", "CHECK (id > 0) NOT VALID"),),
            exclusion_constraints=(ExclusionConstraint("t_excl", "EXCLUDE USING gist (during WITH &&)"),),
            indexes=(
                Index(
                    "t_embedding",
                    False,
                    "hnsw",
                    (IndexKey("embedding", "vector_cosine_ops"),),
                    options=(("ef_construction", "64"), ("m", "16")),
                    definition="CREATE INDEX t_embedding ON public.t USING hnsw (embedding vector_cosine_ops)",
                ),
                Index(
                    "t_name",
                    True,
                    "btree",
                    (IndexKey("lower((name)::text)", None, True, True),),
                    include=("id",),
                    where="id > 0",
                    nulls_not_distinct=True,
                    comment="by name",
                ),
            ),
            comment="things",
            unlogged=True,
            rls_enabled=True,
            rls_forced=True,
        ),
    ),
    views=(
        View(
            "public",
            "v",
            " SELECT id\n   FROM t;",
            True,
            ("id",),
            (("public", "t"),),
            (Index("v_id", True, "btree", (IndexKey("id"),)),),
            "a view",
            (("id", "the id"),),
        ),
    ),
    schema_comments=(("public", "the app's tables"), ("app", "the app")),
)


def test_schema_json_round_trip_is_exact():
    text = SCHEMA.to_json()
    again = Schema.from_json(text)
    assert again == SCHEMA
    assert again.to_json() == text
    # definition is not compared, so check it separately
    assert (
        again.table("public", "t").indexes[0].definition == SCHEMA.table("public", "t").indexes[0].definition
    )


def test_dict_round_trip_is_exact_and_plain_data():
    data = SCHEMA.to_dict()
    assert data["model_version"] == MODEL_VERSION
    assert json.loads(json.dumps(data)) == data
    assert Schema.from_dict(data) == SCHEMA


def test_equal_schemas_serialize_to_identical_text():
    shuffled = Schema(
        schemas=tuple(reversed(SCHEMA.schemas)),
        extensions=SCHEMA.extensions,
        enums=SCHEMA.enums,
        sequences=tuple(reversed(SCHEMA.sequences)),
        tables=SCHEMA.tables,
        views=SCHEMA.views,
        schema_comments=tuple(reversed(SCHEMA.schema_comments)),
    )
    assert shuffled.to_json() == SCHEMA.to_json()


def test_empty_schema_round_trips():
    assert Schema.from_json(Schema().to_json()) == Schema()


def _mutated(change) -> str:
    data = SCHEMA.to_dict()
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("model_version"), "model version None"),
        (lambda d: d.update(model_version=MODEL_VERSION + 1), "model version"),
        (lambda d: d["tables"][0].update(colour="red"), r"tables\[0\] has unknown fields: colour"),
        (lambda d: d["tables"][0].pop("name"), r"tables\[0\] lacks the fields: name"),
        (lambda d: d["tables"][0]["columns"][0].update(nullable="no"), "nullable is 'no'; expected bool"),
        (lambda d: d["sequences"][0].update(start=True), "start is True; expected int"),
        (lambda d: d["tables"][0]["foreign_keys"][0].update(on_delete="EXPLODE"), "on_delete is 'EXPLODE'"),
        (lambda d: d["sequences"][1].update(owned_by=["t"]), "owned_by has 1 items; expected 2"),
        (lambda d: d.update(tables={}), "tables is {}; expected a list"),
    ],
)
def test_malformed_data_is_refused_with_its_path(change, message):
    with pytest.raises(ModelFormatError, match=message):
        Schema.from_json(_mutated(change))


def test_invalid_json_is_refused():
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        Schema.from_json("{")


def test_format_errors_are_value_errors_for_cache_readers():
    with pytest.raises(ValueError):
        Schema.from_json("[]")
