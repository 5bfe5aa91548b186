"""Names in parse trees: qualified relation and type names, and type names as PostgreSQL
prints them (``format_type``), so they compare with what the database reports and with
:func:`puckdb.plan.hazards.is_narrowing`.

An unqualified name is taken to live in ``public``: migrations run with the default
``search_path``, and StudyPuck's (like most projects') tables live there.
"""

from __future__ import annotations

from pglast import ast

DEFAULT_SCHEMA = "public"

QualifiedName = tuple[str, str]
"""(schema, name)."""


def relation_name(relation: ast.RangeVar) -> QualifiedName:
    return (relation.schemaname or DEFAULT_SCHEMA, relation.relname or "")


def list_name(parts: tuple[object, ...] | ast.Node | None) -> QualifiedName:
    """``(String('s'), String('t'))`` or a ``TypeName`` → (schema, name)."""
    if isinstance(parts, ast.TypeName):
        parts = parts.names
    names = [part.sval or "" for part in (parts or ()) if isinstance(part, ast.String)]
    if not names:
        return (DEFAULT_SCHEMA, "")
    if len(names) == 1:
        return (DEFAULT_SCHEMA, names[0])
    return (names[-2], names[-1])


def display(name: QualifiedName, column: str | None = None) -> str:
    """``cards``, ``cards.meaning``, ``other.cards``: public is implied, as in hazards."""
    parts = [name[1]] if name[0] == DEFAULT_SCHEMA else [name[0], name[1]]
    if column is not None:
        parts.append(column)
    return ".".join(parts)


# The parser's internal names of built-in types → the names format_type prints.
_BUILTIN = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "varbit": "bit varying",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}
SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
# Types whose modifier is not a length or precision (interval's is a field mask).
_NO_PRINTED_MODIFIER = frozenset({"interval"})


def type_name(node: ast.TypeName | None) -> str | None:
    """The type as ``format_type`` prints it (``character varying(20)``, ``numeric(10,2)[]``,
    ``timestamp(3) with time zone``); None for ``%TYPE`` references and other forms whose
    type only the database knows."""
    if node is None or node.pct_type or not node.names:
        return None
    schema, name = list_name(node.names)
    if not name:
        return None
    unqualified = schema in ("pg_catalog", DEFAULT_SCHEMA)
    if unqualified and name in _BUILTIN:
        printed = _BUILTIN[name]
    else:
        printed = name if unqualified else f"{schema}.{name}"
    modifiers = _modifiers(node)
    if name == "numeric" and modifiers and "," not in modifiers:
        modifiers += ",0"  # numeric(8) is numeric(8,0), and format_type says so
    if modifiers and name not in _NO_PRINTED_MODIFIER:
        # format_type puts the precision of time types before "with/without time zone".
        if printed.startswith(("timestamp ", "time ")):
            head, _, tail = printed.partition(" ")
            printed = f"{head}({modifiers}) {tail}"
        else:
            printed = f"{printed}({modifiers})"
    if node.arrayBounds:
        printed += "[]"  # format_type prints one pair of brackets whatever the dimensions
    return printed


def is_serial(node: ast.TypeName | None) -> bool:
    if node is None or not node.names:
        return False
    schema, name = list_name(node.names)
    return schema in ("pg_catalog", DEFAULT_SCHEMA) and name in SERIAL_TYPES


def _modifiers(node: ast.TypeName) -> str:
    values: list[str] = []
    for modifier in node.typmods or ():
        if isinstance(modifier, ast.A_Const) and isinstance(modifier.val, ast.Integer):
            values.append(str(modifier.val.ival))
        else:
            return ""  # a modifier that is not a plain number: leave the type unmodified
    return ",".join(values)
