"""Collations as ``puckdb.Collation(...)`` declarations."""

from __future__ import annotations

from puckdb.model import Collation
from puckdb.pull.code import Atom, Str, call
from puckdb.pull.context import Context


def collation_lines(collation: Collation, context: Context) -> list[str]:
    """``Collation("name", Base.metadata, provider=..., locale=..., ...)``."""
    libc_pair = collation.provider == "libc" and collation.lc_collate != collation.lc_ctype
    locale = collation.locale if collation.provider != "libc" else collation.lc_collate
    value = call(
        context.imports.name("Collation"),
        Str(collation.name),
        Atom("Base.metadata"),
        provider=Str(collation.provider),
        locale=Str(locale) if locale is not None and not libc_pair else None,
        lc_collate=Str(collation.lc_collate or "") if libc_pair else None,
        lc_ctype=Str(collation.lc_ctype or "") if libc_pair else None,
        deterministic=Atom("False") if not collation.deterministic else None,
        rules=Str(collation.rules) if collation.rules is not None else None,
        schema=Str(collation.schema) if collation.schema != "public" else None,
        comment=Str(collation.comment) if collation.comment is not None else None,
    )
    return value.lines(0, "", "")
