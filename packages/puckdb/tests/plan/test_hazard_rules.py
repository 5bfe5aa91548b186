import pytest

from puckdb.plan.hazards import is_narrowing, rewrites_table


@pytest.mark.parametrize(
    ("old", "new", "narrowing"),
    [
        ("bigint", "integer", True),
        ("integer", "bigint", False),
        ("character varying(20)", "character varying(10)", True),
        ("character varying(10)", "character varying(20)", False),
        ("character varying(10)", "text", False),
        ("text", "character varying(10)", True),
        ("numeric(10,2)", "numeric(8,2)", True),
        ("numeric(10,2)", "numeric(12,2)", False),
        ("numeric(10,2)", "numeric", False),
        ("numeric", "numeric(10,2)", True),
        ("text", "integer", True),
        ("integer", "text", False),
    ],
)
def test_narrowing_type_changes(old, new, narrowing):
    assert is_narrowing(old, new) is narrowing


@pytest.mark.parametrize(
    ("old", "new", "rewrite"),
    [
        ("character varying(10)", "character varying(20)", False),
        ("character varying(10)", "text", False),
        ("numeric(10,2)", "numeric(12,2)", False),
        ("integer", "bigint", True),
        ("text", "integer", True),
    ],
)
def test_table_rewrites(old, new, rewrite):
    assert rewrites_table(old, new) is rewrite
