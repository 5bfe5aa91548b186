"""Column types: PostgreSQL's ``format_type`` text → the SQLAlchemy type that creates exactly
that type again, and the Python type a ``Mapped[...]`` annotation names for it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from puckdb.pull.code import Atom, Code, Str, call
from puckdb.pull.imports import Imports
from puckdb.pull.names import parse_qualified

RAW_TYPE_CLASS = "PgType"
"""The helper class the module defines for types SQLAlchemy has no class for."""


@dataclass(frozen=True)
class PythonType:
    """A column's SQLAlchemy type expression and its Python type."""

    code: Code
    annotation: str
    integer: bool = False
    """smallint, integer or bigint: what serial and identity columns can be."""
    collatable: bool = False
    """Accepts ``collation=`` (the string types)."""
    raw: bool = False
    """Written with the :data:`RAW_TYPE_CLASS` helper."""


@dataclass(frozen=True)
class _Simple:
    module_name: str
    annotation: str
    integer: bool = False
    collatable: bool = False


# Types written as a bare class. The annotation names a module (datetime, uuid) or a name
# (Decimal, Any) that the renderer imports on sight.
_SIMPLE: dict[str, _Simple] = {
    "smallint": _Simple("SmallInteger", "int", integer=True),
    "integer": _Simple("Integer", "int", integer=True),
    "bigint": _Simple("BigInteger", "int", integer=True),
    "real": _Simple("REAL", "float"),
    "double precision": _Simple("DOUBLE_PRECISION", "float"),
    "numeric": _Simple("Numeric", "Decimal"),
    "money": _Simple("MONEY", "Decimal"),
    "text": _Simple("Text", "str", collatable=True),
    "character varying": _Simple("String", "str", collatable=True),
    "citext": _Simple("CITEXT", "str", collatable=True),
    "boolean": _Simple("Boolean", "bool"),
    "date": _Simple("Date", "datetime.date"),
    "timestamp without time zone": _Simple("DateTime", "datetime.datetime"),
    "time without time zone": _Simple("Time", "datetime.time"),
    "interval": _Simple("INTERVAL", "datetime.timedelta"),
    "uuid": _Simple("UUID", "uuid.UUID"),
    "json": _Simple("JSON", "Any"),
    "jsonb": _Simple("JSONB", "Any"),
    "jsonpath": _Simple("JSONPATH", "str"),
    "bytea": _Simple("LargeBinary", "bytes"),
    "inet": _Simple("INET", "Any"),
    "cidr": _Simple("CIDR", "Any"),
    "macaddr": _Simple("MACADDR", "str"),
    "macaddr8": _Simple("MACADDR8", "str"),
    "tsvector": _Simple("TSVECTOR", "str"),
    "tsquery": _Simple("TSQUERY", "str"),
    "hstore": _Simple("HSTORE", "dict[str, str | None]"),
    "oid": _Simple("OID", "int"),
    "regclass": _Simple("REGCLASS", "str"),
    "regconfig": _Simple("REGCONFIG", "str"),
    "vector": _Simple("Vector", "Any"),
    "halfvec": _Simple("HALFVEC", "Any"),
    "sparsevec": _Simple("SPARSEVEC", "Any"),
    **{
        name: _Simple(name.upper(), "Any")
        for name in (
            "int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange",
            "int4multirange", "int8multirange", "nummultirange", "datemultirange",
            "tsmultirange", "tstzmultirange",
        )
    },
}  # fmt: skip

_WITH_ARGUMENTS = re.compile(
    r"(?P<name>character varying|character|numeric|bit varying|bit|vector|halfvec|sparsevec"
    r"|timestamp|time|interval)(?:\((?P<args>[0-9, ]+)\))?(?P<rest>.*)"
)


def python_type(
    data_type: str,
    enums: Mapping[tuple[str, str], str],
    imports: Imports,
    named: Mapping[tuple[str, str], PythonType] | None = None,
) -> PythonType:
    """The SQLAlchemy type of a column whose ``format_type`` is ``data_type``.

    ``enums`` maps (schema, name) of each enum type to the module variable that holds it,
    ``named`` each domain and composite type to how it is written. Types SQLAlchemy has
    no class for are written by name with :data:`RAW_TYPE_CLASS`.
    """
    if data_type.endswith("[]"):
        # format_type prints one pair of brackets whatever the dimensions; so does ARRAY.
        item = python_type(data_type[:-2], enums, imports, named)
        return PythonType(call(imports.name("ARRAY"), item.code), f"list[{item.annotation}]", raw=item.raw)
    declared = _named(data_type, named or {})
    if declared is not None:
        return declared
    simple = _SIMPLE.get(data_type)
    if simple is not None:
        return PythonType(
            imports.atom(simple.module_name),
            simple.annotation,
            integer=simple.integer,
            collatable=simple.collatable,
        )
    enum = _enum_variable(data_type, enums)
    if enum is not None:
        return PythonType(Atom(enum), "str")
    parameterized = _parameterized(data_type, imports)
    if parameterized is not None:
        return parameterized
    return PythonType(call(RAW_TYPE_CLASS, Str(data_type)), "Any", raw=True)


def _named(data_type: str, named: Mapping[tuple[str, str], PythonType]) -> PythonType | None:
    names = parse_qualified(data_type)
    if names is None or len(names) > 2:
        return None
    return named.get(("public", names[0]) if len(names) == 1 else (names[0], names[1]))


def _enum_variable(data_type: str, enums: Mapping[tuple[str, str], str]) -> str | None:
    names = parse_qualified(data_type)
    if names is None or len(names) > 2:
        return None
    key = ("public", names[0]) if len(names) == 1 else (names[0], names[1])
    return enums.get(key)


def _parameterized(data_type: str, imports: Imports) -> PythonType | None:
    match = _WITH_ARGUMENTS.fullmatch(data_type)
    if match is None:
        return None
    name, rest = match.group("name"), match.group("rest")
    args = [int(arg) for arg in (match.group("args") or "").replace(" ", "").split(",") if arg]
    builder = _BUILDERS.get(name)
    return builder(args, rest, imports) if builder is not None else None


def _int_args(args: list[int]) -> list[Code]:
    return [Atom(str(arg)) for arg in args]


def _string(class_name: str) -> Callable[[list[int], str, Imports], PythonType | None]:
    def build(args: list[int], rest: str, imports: Imports) -> PythonType | None:
        if rest:
            return None
        return PythonType(call(imports.name(class_name), *_int_args(args)), "str", collatable=True)

    return build


def _numeric(args: list[int], rest: str, imports: Imports) -> PythonType | None:
    if rest or len(args) != 2:
        return None
    return PythonType(call(imports.name("Numeric"), *_int_args(args)), "Decimal")


def _bit(varying: bool) -> Callable[[list[int], str, Imports], PythonType | None]:
    def build(args: list[int], rest: str, imports: Imports) -> PythonType | None:
        if rest:
            return None
        flag = Atom("True") if varying else None
        return PythonType(call(imports.name("BIT"), *_int_args(args), varying=flag), "str")

    return build


def _vector(class_name: str) -> Callable[[list[int], str, Imports], PythonType | None]:
    def build(args: list[int], rest: str, imports: Imports) -> PythonType | None:
        if rest:
            return None
        return PythonType(call(imports.name(class_name), *_int_args(args)), "Any")

    return build


def _datetime(kind: str) -> Callable[[list[int], str, Imports], PythonType | None]:
    """timestamp / time, with or without time zone, with or without a precision."""

    def build(args: list[int], rest: str, imports: Imports) -> PythonType | None:
        zones = {" with time zone": True, " without time zone": False}
        if rest not in zones:
            return None
        timezone = zones[rest]
        annotation = f"datetime.{'datetime' if kind == 'timestamp' else 'time'}"
        if not args:
            generic = "DateTime" if kind == "timestamp" else "Time"
            # Without a time zone these are the bare names in _SIMPLE; with one, say so.
            return PythonType(call(imports.name(generic), timezone=Atom("True")), annotation)
        dialect = "TIMESTAMP" if kind == "timestamp" else "TIME"
        timezone_arg = Atom("True") if timezone else None
        return PythonType(
            call(imports.name(dialect), timezone=timezone_arg, precision=Atom(str(args[0]))), annotation
        )

    return build


def _interval(args: list[int], rest: str, imports: Imports) -> PythonType | None:
    # `interval(3)`, `interval day to second(2)`, `interval year to month`: the fields come
    # between the name and the precision.
    fields_match = re.fullmatch(r"((?: [a-z]+)+?)(?:\((\d+)\))?", rest) if rest else None
    if rest and fields_match is None:
        return None
    fields = fields_match.group(1).strip() if fields_match else None
    precision = args[0] if args else None
    if fields_match is not None and fields_match.group(2):
        precision = int(fields_match.group(2))
    return PythonType(
        call(
            imports.name("INTERVAL"),
            fields=Str(fields) if fields else None,
            precision=Atom(str(precision)) if precision is not None else None,
        ),
        "datetime.timedelta",
    )


_BUILDERS: dict[str, Callable[[list[int], str, Imports], PythonType | None]] = {
    "character varying": _string("String"),
    "character": _string("CHAR"),
    "numeric": _numeric,
    "bit": _bit(varying=False),
    "bit varying": _bit(varying=True),
    "vector": _vector("Vector"),
    "halfvec": _vector("HALFVEC"),
    "sparsevec": _vector("SPARSEVEC"),
    "timestamp": _datetime("timestamp"),
    "time": _datetime("time"),
    "interval": _interval,
}
