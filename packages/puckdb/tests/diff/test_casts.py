import pytest

from puckdb.kinds.casts import base_type, needs_using


@pytest.mark.parametrize(
    ("data_type", "base"),
    [
        ("character varying(20)", "character varying"),
        ("character varying(20)[]", "character varying"),
        ("timestamp(3) with time zone", "timestamp with time zone"),
        ("numeric(10,2)", "numeric"),
        ("vector(768)", "vector"),
        ("integer", "integer"),
    ],
)
def test_base_type_strips_modifiers_and_arrays(data_type, base):
    assert base_type(data_type) == base


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("integer", "bigint"),
        ("bigint", "integer"),
        ("character varying(10)", "text"),
        ("text", "character varying(5)"),
        ("numeric(10,2)", "numeric(12,4)"),
        ("timestamp without time zone", "timestamp with time zone"),
        ("date", "timestamp with time zone"),
        ("vector(3)", "vector(4)"),
        ("integer", "text"),
        ("jsonb", "text"),
    ],
)
def test_assignment_casts_need_no_using(old, new):
    assert not needs_using(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("text", "integer"),
        ("character varying(10)", "numeric(10,2)"),
        ("text", "jsonb"),
        ("text", "uuid"),
        ("integer", "integer[]"),
        ("text", "mood"),
        ("boolean", "integer"),
    ],
)
def test_pairs_without_assignment_cast_need_using(old, new):
    assert needs_using(old, new)
