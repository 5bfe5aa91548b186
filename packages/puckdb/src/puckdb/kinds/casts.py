"""When does ``ALTER COLUMN … TYPE`` need a ``USING`` clause?

Without ``USING``, PostgreSQL converts with an assignment cast and refuses when there is
none (text → integer, text → an enum, jsonb → integer…). With ``USING col::type`` the
explicit cast is used, which exists for many more pairs. We add ``USING`` exactly when
the pair has no assignment cast, so reviewed SQL stays plain in the common cases.
"""

from __future__ import annotations

import re

_NUMBERS = frozenset({"smallint", "integer", "bigint", "real", "double precision", "numeric"})
_STRINGS = frozenset({"text", "character varying", "character", "name", "citext"})
_TIMES = frozenset({"timestamp without time zone", "timestamp with time zone", "date"})
_FAMILIES = (_NUMBERS, _STRINGS, _TIMES)

_TYPMOD = re.compile(r"\([^)]*\)")


def base_type(data_type: str) -> str:
    """``character varying(20)[]`` → ``character varying``; ``timestamp(3) with time zone``
    → ``timestamp with time zone``."""
    return " ".join(_TYPMOD.sub("", data_type.removesuffix("[]").replace("[]", "")).split())


def is_array(data_type: str) -> bool:
    return data_type.endswith("[]")


def needs_using(old: str, new: str) -> bool:
    """True when converting a column of type ``old`` to ``new`` needs an explicit cast."""
    if is_array(old) != is_array(new):
        return True
    old_base, new_base = base_type(old), base_type(new)
    if old_base == new_base:
        return False  # only the length, precision or dimensions change
    if any(old_base in family and new_base in family for family in _FAMILIES):
        return False
    # Every type converts to a string type by assignment (its output function).
    return new_base not in _STRINGS
