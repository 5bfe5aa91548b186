"""The imports of the pulled module: every name it may use, from where, and the import
block for the ones it does use, sorted as ruff's isort rules sort them."""

from __future__ import annotations

from puckdb.pull.code import LINE_LENGTH, Atom, Bracketed, Code

_FROM: dict[str, tuple[str, ...]] = {
    "decimal": ("Decimal",),
    "typing": ("Any",),
    "pgvector.sqlalchemy": ("HALFVEC", "SPARSEVEC", "Vector"),
    "puckdb": (
        "Aggregate", "Collation", "CompositeType", "Domain", "Function", "Grant", "Partition", "Policy",
        "Procedure", "RowLevelSecurity", "SchemaComment", "Trigger", "View",
    ),
    "sqlalchemy": (
        "ARRAY", "CHAR", "DOUBLE_PRECISION", "REAL", "BigInteger", "Boolean", "CheckConstraint",
        "Column", "Computed", "Date", "DateTime", "ForeignKeyConstraint", "Identity", "Index",
        "Integer", "LargeBinary", "MetaData", "Numeric", "PrimaryKeyConstraint", "Sequence",
        "SmallInteger", "String", "Table", "Text", "Time", "UniqueConstraint", "column", "text",
    ),
    "sqlalchemy.dialects.postgresql": (
        "BIT", "CIDR", "CITEXT", "DATEMULTIRANGE", "DATERANGE", "ENUM", "HSTORE", "INET",
        "INT4MULTIRANGE", "INT4RANGE", "INT8MULTIRANGE", "INT8RANGE", "INTERVAL", "JSON", "JSONB",
        "JSONPATH", "MACADDR", "MACADDR8", "MONEY", "NUMMULTIRANGE", "NUMRANGE", "OID", "REGCLASS",
        "REGCONFIG", "TIME", "TIMESTAMP", "TSMULTIRANGE", "TSQUERY", "TSRANGE", "TSTZMULTIRANGE",
        "TSTZRANGE", "TSVECTOR", "UUID", "ExcludeConstraint",
    ),
    "sqlalchemy.orm": ("DeclarativeBase", "Mapped", "mapped_column"),
    "sqlalchemy.types": ("UserDefinedType",),
}  # fmt: skip
_MODULES = ("datetime", "uuid")
_STANDARD_LIBRARY = frozenset({"datetime", "decimal", "typing", "uuid"})

_SOURCE = {name: module for module, names in _FROM.items() for name in names}
ALL_NAMES = frozenset(_SOURCE) | frozenset(_MODULES)
"""Every name an import may bring into the module: generated names never take one."""


class Imports:
    """The names a module uses; :meth:`name` registers one and returns it."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def name(self, name: str) -> str:
        if name not in ALL_NAMES:
            raise ValueError(f"{name!r} is not a name the pulled module may import")
        self._used.add(name)
        return name

    def atom(self, name: str) -> Atom:
        return Atom(self.name(name))

    def lines(self) -> list[str]:
        """The import block: standard library, a blank line, third-party packages."""
        sections: list[list[str]] = []
        for standard in (True, False):
            plain = sorted(m for m in _MODULES if m in self._used and (m in _STANDARD_LIBRARY) == standard)
            lines = [f"import {module}" for module in plain]
            for module in sorted(_FROM):
                if (module in _STANDARD_LIBRARY) != standard:
                    continue
                names = sorted((n for n in _FROM[module] if n in self._used), key=_member_order)
                single = f"from {module} import {', '.join(names)}"
                if names and len(single) <= LINE_LENGTH:
                    lines.append(single)
                elif names:
                    items: tuple[Code, ...] = tuple(Atom(n) for n in names)
                    lines += Bracketed(f"from {module} import (", items, ")").lines(0, "", "")
            if lines:
                sections.append(lines)
        out: list[str] = []
        for section in sections:
            if out:
                out.append("")
            out += section
        return out


def _member_order(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions, each alphabetically."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name.lower()
