"""What a column's type change does to existing rows: narrow them, rewrite the table, or
fail outright (vectors of another dimension). Read by the type change's hazards and by
lint's rules on hand-written migrations."""

from __future__ import annotations

import re

from puckdb.kinds.casts import base_type, needs_using

_LENGTH = re.compile(r"\((\d+)(?:,\s*(\d+))?\)")
_INTEGER_WIDTH = {"smallint": 2, "integer": 4, "bigint": 8}


def is_narrowing(old: str, new: str) -> bool:
    """Can converting ``old`` to ``new`` lose or reject existing values?"""
    old_base, new_base = base_type(old), base_type(new)
    if old_base in _INTEGER_WIDTH and new_base in _INTEGER_WIDTH:
        return _INTEGER_WIDTH[new_base] < _INTEGER_WIDTH[old_base]
    if old_base == new_base:
        old_mod, new_mod = _LENGTH.search(old), _LENGTH.search(new)
        if new_mod is None:
            return False  # the length or precision limit is lifted
        if old_mod is None:
            return True
        return any(int(n or 0) < int(o or 0) for o, n in zip(old_mod.groups(), new_mod.groups(), strict=True))
    if new_base == "text" or (new_base == "character varying" and _LENGTH.search(new) is None):
        return False  # everything has a text form
    if old_base in ("character varying", "text") and new_base in ("character varying", "text"):
        return _LENGTH.search(new) is not None
    return True


_VECTOR_TYPES = frozenset({"vector", "halfvec", "sparsevec"})


def changes_dimensions(old: str, new: str) -> bool:
    """Is this a pgvector column changing its number of dimensions (which no cast does)?"""
    old_base, new_base = base_type(old), base_type(new)
    return old_base in _VECTOR_TYPES and old_base == new_base and old != new


def rewrites_table(old: str, new: str) -> bool:
    """Does PostgreSQL rewrite the table for this type change? (Binary-compatible changes
    such as varchar(n) → varchar(m>n) or varchar → text do not.)"""
    old_base, new_base = base_type(old), base_type(new)
    text_like = {"text", "character varying"}
    if old_base in text_like and new_base in text_like and not is_narrowing(old, new):
        return False
    if old_base == new_base == "numeric" and not is_narrowing(old, new):
        return False
    return old != new and (old_base != new_base or needs_using(old, new) or is_narrowing(old, new))


def is_volatile_default(default: str | None) -> bool:
    """Does this default compute a new value per row (so adding the column fills every row)?"""
    if default is None:
        return False
    lowered = default.lower()
    return any(call in lowered for call in ("random(", "gen_random_uuid(", "clock_timestamp(", "nextval("))
