"""Renames for generated schema pairs: after A → B is drawn, a table and/or a column that
A and B share may be renamed in B, every reference to it following (foreign keys, views,
keys, indexes, partitions, policies, grants), together with the :class:`Renames` that tell the diff so.

Done last, on B only, so that the old name is A's and the new one B's whatever other
changes were drawn; the engine must then migrate data in place instead of dropping it.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from puckdb.diff import Renames

from .spec import SchemaSpec, TableSpec
from .strategies import spec_pairs


def _fresh(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name}_v{number}" in taken:
        number += 1
    return f"{name}_v{number}"


def _swap(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if name == old else name for name in names)


def rename_table(spec: SchemaSpec, old: str, new: str) -> SchemaSpec:
    """``spec`` with table ``old`` called ``new``, foreign keys, views and triggers following."""
    tables = tuple(
        replace(
            table,
            name=new if table.name == old else table.name,
            foreign_keys=tuple(
                replace(fk, ref_table=new) if fk.ref_table == old else fk for fk in table.foreign_keys
            ),
        )
        for table in spec.tables
    )
    views = tuple(replace(v, table=new) if v.table == old else v for v in spec.views)
    triggers = tuple(replace(t, table=new) if t.table == old else t for t in spec.triggers)
    return replace(
        spec,
        tables=tables,
        views=views,
        triggers=triggers,
        partitions=tuple(replace(p, parent=new) if p.parent == old else p for p in spec.partitions),
        policies=tuple(replace(p, table=new) if p.table == old else p for p in spec.policies),
        grants=tuple(replace(g, on=("table", new)) if g.on == ("table", old) else g for g in spec.grants),
    )


def _rename_in_table(table: TableSpec, old: str, new: str) -> TableSpec:
    partition_by = table.partition_by
    if partition_by is not None and partition_by[1] == old:
        partition_by = (partition_by[0], new)
    return replace(
        table,
        partition_by=partition_by,
        columns=tuple(replace(c, name=new) if c.name == old else c for c in table.columns),
        primary_key=_swap(table.primary_key, old, new),
        uniques=tuple(replace(u, columns=_swap(u.columns, old, new)) for u in table.uniques),
        checks=tuple(replace(c, columns=_swap(c.columns, old, new)) for c in table.checks),
        foreign_keys=tuple(replace(fk, columns=_swap(fk.columns, old, new)) for fk in table.foreign_keys),
        indexes=tuple(
            replace(
                index,
                columns=_swap(index.columns, old, new),
                include=_swap(index.include, old, new),
                where=None
                if index.where is None
                else (index.where[0], new if index.where[1] == old else index.where[1]),
            )
            for index in table.indexes
        ),
    )


def rename_column(spec: SchemaSpec, table_name: str, old: str, new: str) -> SchemaSpec:
    """``spec`` with ``table_name.old`` called ``new``, everything that names it following."""
    tables = []
    for table in spec.tables:
        if table.name == table_name:
            table = _rename_in_table(table, old, new)
        tables.append(
            replace(
                table,
                foreign_keys=tuple(
                    replace(fk, ref_columns=_swap(fk.ref_columns, old, new))
                    if fk.ref_table == table_name
                    else fk
                    for fk in table.foreign_keys
                ),
            )
        )
    views = tuple(
        replace(
            view,
            columns=_swap(view.columns, old, new),
            where=new if view.where == old else view.where,
            column_comments=tuple(
                sorted((new if name == old else name, text) for name, text in view.column_comments)
            ),
        )
        if view.table == table_name
        else view
        for view in spec.views
    )
    policies = tuple(
        replace(
            policy,
            using=new if policy.using == old else policy.using,
            with_check=new if policy.with_check == old else policy.with_check,
        )
        if policy.table == table_name
        else policy
        for policy in spec.policies
    )
    partitions = tuple(
        replace(partition, own_index=new)
        if partition.parent == table_name and partition.own_index == old
        else partition
        for partition in spec.partitions
    )
    return replace(spec, tables=tuple(tables), views=views, policies=policies, partitions=partitions)


@st.composite
def spec_pairs_with_renames(draw: st.DrawFn) -> tuple[SchemaSpec, SchemaSpec, Renames | None]:
    """(A, B, renames): :func:`~.strategies.spec_pairs`, then perhaps a column and a table
    of B renamed (``renames`` is None when nothing was)."""
    source, target = draw(spec_pairs())
    columns: dict[tuple[str, str, str], str] = {}
    tables: dict[tuple[str, str], str] = {}

    shared_columns = [
        (table.name, column.name)
        for table in target.tables
        if (before := source.table(table.name)) is not None
        for column in table.columns
        if before.column(column.name) is not None
    ]
    column_renamed: tuple[str, str] | None = None
    if shared_columns and draw(st.booleans()):
        table_name, old = draw(st.sampled_from(shared_columns))
        table = target.table(table_name)
        before = source.table(table_name)
        assert table is not None and before is not None
        new = _fresh(old, {c.name for c in (*table.columns, *before.columns)})
        target = rename_column(target, table_name, old, new)
        column_renamed = (table_name, old)
        columns[("public", table_name, old)] = new

    shared_tables = [t.name for t in target.tables if source.table(t.name) is not None]
    if shared_tables and draw(st.booleans()):
        old = draw(st.sampled_from(shared_tables))
        taken = {r.name for spec in (source, target) for r in (*spec.tables, *spec.views)}
        new = _fresh(old, taken)
        target = rename_table(target, old, new)
        tables[("public", old)] = new
        if column_renamed is not None and column_renamed[0] == old:
            # A column rename names its table as the target has it.
            columns = {("public", new, column_renamed[1]): columns.pop(("public", old, column_renamed[1]))}

    renames = Renames(tables=tables, columns=columns) if tables or columns else None
    return source, target, renames
