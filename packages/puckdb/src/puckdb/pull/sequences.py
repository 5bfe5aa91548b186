"""Sequences: which columns are serial, and the options of identities and standalone
sequences written as SQLAlchemy arguments (only those that differ from PostgreSQL's
defaults, which PostgreSQL then fills in the same way again)."""

from __future__ import annotations

from dataclasses import dataclass

from puckdb.model import Column, Identity, Schema, Sequence, Table
from puckdb.pull.code import Atom, Code
from puckdb.pull.imports import Imports
from puckdb.pull.names import parse_qualified, pg_object_name
from puckdb.pull.sqltext import nextval_target

_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_TYPE_CLASSES = {"smallint": "SmallInteger", "integer": "Integer", "bigint": "BigInteger"}


@dataclass(frozen=True)
class Options:
    """What a sequence generator is: identities and sequences share these."""

    data_type: str
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool


def options_of(item: Sequence | Identity, data_type: str) -> Options:
    return Options(
        data_type, item.start, item.increment, item.min_value, item.max_value, item.cache, item.cycle
    )


def option_arguments(options: Options) -> list[tuple[str, Code]]:
    """SQLAlchemy's Identity / Sequence keyword arguments for the options that are not
    what PostgreSQL would choose by itself for this type and direction."""
    low, high = _RANGES.get(options.data_type, _RANGES["bigint"])
    ascending = options.increment > 0
    default_min, default_max = (1, high) if ascending else (low, -1)
    default_start = options.min_value if ascending else options.max_value
    found: list[tuple[str, Code]] = []
    if options.start != default_start:
        found.append(("start", Atom(str(options.start))))
    if options.increment != 1:
        found.append(("increment", Atom(str(options.increment))))
    if options.min_value != default_min:
        found.append(("minvalue", Atom(str(options.min_value))))
    if options.max_value != default_max:
        found.append(("maxvalue", Atom(str(options.max_value))))
    if options.cache != 1:
        found.append(("cache", Atom(str(options.cache))))
    if options.cycle:
        found.append(("cycle", Atom("True")))
    return found


def data_type_argument(data_type: str, imports: Imports) -> Code | None:
    """``data_type=`` of a Sequence: omitted for bigint, PostgreSQL's default."""
    if data_type == "bigint" or data_type not in _TYPE_CLASSES:
        return None
    return imports.atom(_TYPE_CLASSES[data_type])


def serial_columns(schema: Schema) -> dict[tuple[str, str], str]:
    """(schema, table) → the one column per table that is written as a serial column.

    A column is serial when it is exactly what ``serial`` makes: an integer primary key
    column, NOT NULL, defaulting to nextval of a sequence that it owns, that has the name
    PostgreSQL gives such a sequence and only default options. SQLAlchemy then writes
    SERIAL and PostgreSQL makes the same sequence again. SQLAlchemy allows one such column
    per table.
    """
    found: dict[tuple[str, str], str] = {}
    for table in schema.tables:
        if table.primary_key is None:
            continue
        for column in table.columns:
            if column.name in table.primary_key.columns and _is_serial(schema, table, column):
                found[table.key] = column.name
                break
    return found


def serial_sequence(schema: Schema, table: Table, column: Column) -> Sequence | None:
    """The sequence a column's ``nextval`` default draws from, when the column owns it."""
    target = nextval_target(column.default)
    names = parse_qualified(target) if target is not None else None
    if names is None or len(names) > 2:
        return None
    key = ("public", names[0]) if len(names) == 1 else (names[0], names[1])
    sequence = schema.sequence(*key)
    if sequence is None or sequence.schema != table.schema or sequence.owned_by != (table.name, column.name):
        return None
    return sequence


def _is_serial(schema: Schema, table: Table, column: Column) -> bool:
    if column.nullable or column.identity is not None or column.generated is not None:
        return False
    if column.data_type not in _RANGES:
        return False
    sequence = serial_sequence(schema, table, column)
    if sequence is None or sequence.data_type != column.data_type:
        return False
    if sequence.name != pg_object_name(table.name, column.name, "seq"):
        return False
    return option_arguments(options_of(sequence, sequence.data_type)) == []
