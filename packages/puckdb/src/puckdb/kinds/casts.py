"""How ``ALTER COLUMN … TYPE`` converts the values: from PostgreSQL's own cast catalog.

Without ``USING``, PostgreSQL converts with an implicit or assignment cast and refuses when
there is none (text → integer, text → an enum, jsonb → integer…). ``USING col::type`` uses
an explicit cast, which exists for more pairs; some pairs have no cast at all, but a path
through another type (boolean → integer → bigint) or through text (one enum to another)
converts every value. When the catalog has no way, the statement needs an expression only
its author can write: it is planned with a placeholder and the blocking hazard
``manual-using``, never as a statement PostgreSQL rejects.

The planner sees models, not a database, so it reads a snapshot of the built-in casts
(:mod:`puckdb.kinds.cast_catalog`). Types it does not know (an enum, a domain, an
extension's type) follow PostgreSQL's rules for I/O conversion: anything becomes a string
type by assignment, a string type becomes anything by an explicit cast, and two such types
convert through text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from puckdb.kinds.cast_catalog import CASTS, TYPES
from puckdb.quoting import ident

_TYPMOD = re.compile(r"\([^)]*\)")

# Integers and booleans print as JSON literals, so their text is valid json (numeric and
# floating point ones would not be: NaN and Infinity are not JSON).
_JSON_LITERALS = frozenset({"smallint", "integer", "bigint", "boolean"})
_JSON = frozenset({"json", "jsonb"})
# What a value may pass through on its way: plain numbers, strings, dates and times; not
# object identifiers (oid, regclass) or money, whose casts from integers mean something else.
_STEPS = frozenset(
    {
        "smallint", "integer", "bigint", "numeric", "real", "double precision", "text", "boolean",
        "date", "timestamp without time zone", "timestamp with time zone", "interval",
    }
)  # fmt: skip

MANUAL_USING = "puckdb_manual_using"
"""The placeholder a type change without a cast is planned with: a function no database
has, so the migration cannot run until its author writes the conversion in its place (and
``lint`` says so)."""


def base_type(data_type: str) -> str:
    """``character varying(20)[]`` → ``character varying``; ``timestamp(3) with time zone``
    → ``timestamp with time zone``."""
    return " ".join(_TYPMOD.sub("", data_type.removesuffix("[]").replace("[]", "")).split())


def is_array(data_type: str) -> bool:
    return data_type.endswith("[]")


@dataclass(frozen=True)
class Conversion:
    """How a column's values become the new type: ``via`` are the types cast through, in
    order, before the new type (``()`` for a direct cast); ``manual`` when there is no way."""

    needs_using: bool
    via: tuple[str, ...] = ()
    manual: bool = False

    def using(self, column: str, old_type: str, new_type: str) -> str | None:
        """The ``USING`` expression for ``column``, or None when none is needed."""
        if not self.needs_using:
            return None
        if self.manual:
            placeholder = f"{MANUAL_USING}({ident(column)})"
            return (
                f"/* PostgreSQL has no cast from {old_type} to {new_type}: replace {MANUAL_USING}(…) "
                f"with an expression that turns {ident(column)} into {new_type} */ {placeholder}"
            )
        array = "[]" if is_array(new_type) else ""
        steps = "".join(f"::{step}{array}" for step in self.via)
        return f"{ident(column)}{steps}::{new_type}"


_NONE = Conversion(needs_using=False)
_DIRECT = Conversion(needs_using=True)
_MANUAL = Conversion(needs_using=True, manual=True)


def conversion(old: str, new: str) -> Conversion:
    """How a column of type ``old`` (as ``format_type`` prints it) becomes ``new``."""
    old_base, new_base = base_type(old), base_type(new)
    if is_array(old) != is_array(new):
        # Only I/O conversion crosses between an array and a scalar.
        if _is_string(new_base) and not is_array(new):
            return _NONE
        if _is_string(old_base) and not is_array(old):
            return _DIRECT
        return _MANUAL if old_base in TYPES and new_base in TYPES else _DIRECT
    if old_base == new_base:
        return _NONE  # only the length, precision or dimensions change
    if old_base not in TYPES or new_base not in TYPES:
        return _unknown(old_base, new_base)
    context = CASTS.get((old_base, new_base))
    if context in ("i", "a") or _is_string(new_base):
        return _NONE
    if context == "e" or _is_string(old_base):
        return _DIRECT
    step = _step_between(old_base, new_base)
    if step is not None:
        return Conversion(needs_using=True, via=(step,))
    if old_base in _JSON_LITERALS and new_base in _JSON:
        return Conversion(needs_using=True, via=("text",))
    return _MANUAL


def needs_using(old: str, new: str) -> bool:
    """True when converting a column of type ``old`` to ``new`` needs a ``USING`` clause."""
    return conversion(old, new).needs_using


def _is_string(base: str) -> bool:
    return TYPES.get(base) == "S" or base == "citext"


def _unknown(old_base: str, new_base: str) -> Conversion:
    """At least one side is not a built-in type (an enum, a domain, an extension's type)."""
    if _is_string(new_base):
        return _NONE
    if old_base in TYPES and not _is_string(old_base):
        return _DIRECT  # an extension's cast may exist (real[] → vector); PostgreSQL decides
    if old_base not in TYPES and new_base not in TYPES:
        return Conversion(needs_using=True, via=("text",))  # one enum to another
    return _DIRECT


def _step_between(old_base: str, new_base: str) -> str | None:
    """A type that ``old_base`` casts to and that casts implicitly (losslessly) to
    ``new_base``: boolean → integer → bigint."""
    steps = sorted(
        middle
        for (source, middle), _ in CASTS.items()
        if source == old_base and CASTS.get((middle, new_base)) == "i" and middle in _STEPS
    )
    return steps[0] if steps else None
