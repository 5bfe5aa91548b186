"""Partitions: ``Partition("name", of=parent, bound=...)`` (or ``default=True``) for each,
after the tables, parents before their partitions. What a partition has of its own beyond
its bound and comment (its own keys, checks, indexes, row security) cannot be declared on
a :class:`puckdb.Partition`; pull says so where it would have been."""

from __future__ import annotations

from collections.abc import Mapping

from puckdb.kinds.constraints import Constraint
from puckdb.kinds.partitions import partition_depth
from puckdb.model import Schema, Table
from puckdb.pull.code import Atom, Str, call, comment_lines, statement
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
    constraints: list[Constraint] = [
        *([table.primary_key] if table.primary_key is not None else []),
        *table.unique_constraints,
        *table.check_constraints,
        *table.exclusion_constraints,
        *table.foreign_keys,
    ]
    own = [
        *(f"its constraint {c.name}" for c in constraints),
        *(f"its index {index.name}" for index in table.indexes),
        *(["row-level security"] if table.rls_enabled or table.rls_forced else []),
        *(["UNLOGGED"] if table.unlogged else []),
    ]
    if own:
        text = f"{', '.join(own)} cannot be declared on a puckdb.Partition; not kept."
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
    )
    return lines + statement(variable, value)
