"""Partitions: ``Partition("name", of=parent, bound=...)`` (or ``default=True``) for each,
after the tables, parents before their partitions, with what a partition has of its own
beyond its parent's: its indexes as their CREATE INDEX statements and its constraints as
their definitions (row-level security is a ``RowLevelSecurity`` of it, written with the
tables'). The comments on those cannot be declared; pull says so where they would have been."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.dialects import postgresql

from puckdb.kinds.constraints import Constraint, constraint_definition
from puckdb.kinds.indexes import creatable_definition
from puckdb.kinds.partitions import partition_depth
from puckdb.model import Schema, Table
from puckdb.pull.code import Atom, Code, Str, call, comment_lines, list_of, statement
from puckdb.pull.context import Context, label


def partitions_in_order(schema: Schema) -> list[Table]:
    """The partitions of ``schema``, each after its parent."""
    tables = {table.key: table for table in schema.tables}
    partitions = [table for table in schema.tables if table.partition_of is not None]
    return sorted(partitions, key=lambda t: (partition_depth(t, tables), t.key))


def partition_lines(
    table: Table, variable: str, names: Mapping[tuple[str, str], str], context: Context
) -> list[str]:
    """``variable = Partition(...)``; ``names`` maps each table's key to the module name
    that holds it (a class or a variable)."""
    assert table.partition_of is not None and table.partition_bound is not None
    subject = f"partition {label(table.schema, table.name)}"
    lines: list[str] = []
    if table.rls_forced and not table.rls_enabled:
        text = (
            "FORCE ROW LEVEL SECURITY is set while row-level security is off, which has no effect and "
            "puckdb.RowLevelSecurity cannot say; it is not kept."
        )
        lines += comment_lines(context.note(subject, text).text, 0)
    parent = names.get(table.partition_of)
    if parent is None:  # a parent in a schema that is not pulled: named by text
        note = context.note(
            subject, f"its parent {label(*table.partition_of)} is not in this module; not kept."
        )
        return lines + comment_lines(note.text, 0)
    default = table.partition_bound == "DEFAULT"
    value = call(
        context.imports.name("Partition"),
        Str(table.name),
        of=Atom(parent),
        bound=None if default else Str(table.partition_bound),
        default=Atom("True") if default else None,
        partition_by=Str(table.partition_by) if table.partition_by is not None else None,
        schema=Str(table.schema) if table.schema != table.partition_of[0] else None,
        comment=Str(table.comment) if table.comment is not None else None,
        unlogged=Atom("True") if table.unlogged else None,
        indexes=_indexes(table, subject, context),
        constraints=_constraints(table, subject, context),
    )
    return lines + statement(variable, value)


def _indexes(table: Table, subject: str, context: Context) -> Code | None:
    """``["CREATE INDEX …", …]`` for the partition's own indexes, or None without any."""
    items: list[Code] = []
    for index in table.indexes:
        if index.comment is not None:
            text = f"the comment on its index {index.name} ({index.comment!r}) cannot be declared; not kept."
            items.append(context.note(subject, text))
        items.append(Str(creatable_definition(index)))
    return list_of(items) if items else None


def _constraints(table: Table, subject: str, context: Context) -> Code | None:
    """``["CONSTRAINT name …", …]`` for the partition's own constraints, keys first and
    foreign keys last, or None without any."""
    constraints: list[Constraint] = [
        *([table.primary_key] if table.primary_key is not None else []),
        *table.unique_constraints,
        *table.check_constraints,
        *table.exclusion_constraints,
        *table.foreign_keys,
    ]
    items: list[Code] = []
    for constraint in constraints:
        if constraint.comment is not None:
            text = (
                f"the comment on its constraint {constraint.name} ({constraint.comment!r}) cannot be "
                "declared; not kept."
            )
            items.append(context.note(subject, text))
        items.append(Str(constraint_definition(constraint, _quoted_if_needed)))
    return list_of(items) if items else None


def _quoted_if_needed(name: str) -> str:
    """``name`` as people write it: bare, but quoted when it has a capital, an unusual
    character or is a reserved word (SQLAlchemy's PostgreSQL rule, the one its DDL follows)."""
    preparer = postgresql.dialect().identifier_preparer  # type: ignore[no-untyped-call]
    return str(preparer.quote(name))
