"""Row-level security and policies as ``puckdb.RowLevelSecurity(...)`` and
``puckdb.Policy(...)``, naming their tables as text (a table may be a class or a
``Table`` variable; its name is what both say the same way)."""

from __future__ import annotations

from puckdb.model import Policy, Table
from puckdb.pull.code import Atom, Code, Str, call, tuple_of
from puckdb.pull.context import Context


def row_level_security_lines(table: Table, context: Context) -> list[str]:
    """``RowLevelSecurity("cards", metadata=Base.metadata[, force=True])`` for a table
    with row-level security on; nothing for one without."""
    if not table.rls_enabled:
        return []  # forced alone does nothing, and is noted with the table
    value = call(
        context.imports.name("RowLevelSecurity"),
        Str(table.name),
        force=Atom("True") if table.rls_forced else None,
        metadata=Atom("Base.metadata"),
        schema=Str(table.schema) if table.schema != "public" else None,
    )
    return value.lines(0, "", "")


def policy_lines(policy: Policy, context: Context) -> list[str]:
    """``Policy("name", "table", command=…, to=[…], using=…, …)``, leaving out what is
    the default (FOR ALL, PERMISSIVE, TO PUBLIC)."""
    roles: Code | None = None
    if policy.roles != ("public",):
        roles = tuple_of([Str(role) for role in policy.roles])
    value = call(
        context.imports.name("Policy"),
        Str(policy.name),
        Str(policy.table),
        command=Str(policy.command.lower()) if policy.command != "ALL" else None,
        as_=Str("restrictive") if not policy.permissive else None,
        to=roles,
        using=Str(policy.using) if policy.using is not None else None,
        with_check=Str(policy.with_check) if policy.with_check is not None else None,
        metadata=Atom("Base.metadata"),
        schema=Str(policy.schema) if policy.schema != "public" else None,
        comment=Str(policy.comment) if policy.comment is not None else None,
    )
    return value.lines(0, "", "")
