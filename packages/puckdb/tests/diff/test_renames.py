"""Renames that cannot be right are refused with the flag to check, before any SQL."""

import pytest

from puckdb.diff import RenameError, Renames, diff
from puckdb.model import Column, EnumType, Schema, Table


def tables(*names: str) -> Schema:
    return Schema(tables=tuple(Table("public", name, (Column("id", "bigint"),)) for name in names))


@pytest.mark.parametrize(
    ("source", "target", "renames", "words"),
    [
        (
            tables("a"),
            tables("b"),
            Renames(tables={("public", "x"): "b"}),
            "that the current state does not have",
        ),
        (
            tables("a"),
            tables("b"),
            Renames(tables={("public", "a"): "c"}),
            "that the schema code does not have",
        ),
        (tables("a", "b"), tables("b"), Renames(tables={("public", "a"): "b"}), "already has"),
        (
            tables("a"),
            tables("a"),
            Renames(columns={("public", "a", "nope"): "x"}),
            "columns are written table.old=new",
        ),
        (
            tables("a"),
            tables("a"),
            Renames(columns={("public", "a", "id"): "id"}),
            "that the table already has",
        ),
        (
            Schema(enums=(EnumType("public", "mood", ("a",)),)),
            Schema(enums=(EnumType("public", "mood", ("b",)),)),
            Renames(enum_values={("public", "mood", "z"): "b"}),
            "names a value the current state does not have",
        ),
    ],
    ids=[
        "unknown source table",
        "unknown target table",
        "target name taken",
        "unknown column",
        "column name taken",
        "unknown enum value",
    ],
)
def test_impossible_renames_are_refused(source, target, renames, words):
    with pytest.raises(RenameError) as raised:
        diff(source, target, renames)
    assert words in str(raised.value)
    assert raised.value.exit_code == 2
