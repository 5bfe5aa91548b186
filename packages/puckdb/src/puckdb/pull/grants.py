"""Grants as ``puckdb.Grant(...)``: one declaration per (object, grantee), the object
named as text (``on="table:cards"``) so that it needs no variable of the module."""

from __future__ import annotations

from puckdb.model import Grant
from puckdb.pull.code import Atom, Str, call, list_of
from puckdb.pull.context import Context


def grant_lines(grant: Grant, context: Context) -> list[str]:
    """``Grant(["SELECT"], on="table:cards", to="app_reader", metadata=Base.metadata)``."""
    if grant.kind == "schema":
        on = f"schema:{grant.name}"
    else:
        on = f"{grant.kind}:{grant.schema}.{grant.name}"
        if grant.arguments is not None:
            on += f"({grant.arguments})"
    # Privileges held with and without grant option are two declarations.
    plain = tuple(p for p in grant.privileges if p not in grant.grantable)
    lines: list[str] = []
    for privileges, option in ((plain, False), (grant.grantable, True)):
        if not privileges and (option or grant.grantable):
            continue
        value = call(
            context.imports.name("Grant"),
            list_of([Str(p) for p in privileges]),
            on=Str(on),
            to=Str(grant.grantee),
            with_grant_option=Atom("True") if option else None,
            metadata=Atom("Base.metadata"),
        )
        lines += value.lines(0, "", "")
    return lines
