"""Hypothesis strategies for the round-trip oracle: related pairs of schemas (A, B).

B is A after a random handful of *changes* (add a column, change its type, drop an index,
add an enum label, …), so a pair shares most of its objects, as a schema and its next
version do; two independent schemas would mostly test "drop everything, create
everything". The pieces compose:

- :func:`schema_specs` draws a schema A as a :class:`~.spec.SchemaSpec` (1 to 4 tables of
  1 to 6 columns, enums, domains, collations, keys, checks, foreign keys, indexes,
  partitions, views, functions, triggers, row-level security, policies, grants, comments);
- :func:`changed_specs` draws B from a given A, by up to ``max_changes`` of the changes in
  ``changes`` (default: all of :data:`CHANGES`; pass a subset to focus on one area);
- :func:`spec_pairs` draws (A, B); :func:`metadata_pairs` draws them as SQLAlchemy
  MetaData (:func:`~.spec.build_metadata` builds one spec).

Every change is a function ``(draw, spec) -> spec`` that may do nothing when it does not
apply (no table to drop, …); :func:`~.spec.repair` afterwards removes whatever the change
left invalid. Names are short lowercase words that are not reserved, and constraints and
indexes are named explicitly and deterministically (see :mod:`.spec`), so a change of an
index's options keeps its name and is diffed as a change rather than drop-and-create.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from hypothesis import strategies as st
from sqlalchemy import MetaData

from puckdb.model import PUBLIC_SCHEMA_COMMENT

from .spec import (
    CHECKS,
    COLLATION_NAME,
    DOMAIN_BASES,
    HNSW_OPS,
    INTEGERS,
    KEYABLE,
    NUMBERS,
    PARTITION_KEY_KINDS,
    POLICY_COMMANDS,
    ROLES,
    STRINGS,
    TABLE_PRIVILEGES,
    CheckSpec,
    CollationSpec,
    ColumnSpec,
    ColumnType,
    DomainSpec,
    EnumSpec,
    ForeignKeySpec,
    FunctionSpec,
    GrantSpec,
    IdentitySpec,
    IndexSpec,
    PartitionSpec,
    PolicySpec,
    SchemaSpec,
    TableSpec,
    TriggerSpec,
    UniqueSpec,
    ViewSpec,
    build_metadata,
    cast_targets,
    check_name,
    defaults_for,
    foreign_key_name,
    index_name,
    referenceable_keys,
    repair,
    unique_name,
)

TABLE_NAMES = ("users", "cards", "decks", "notes", "tags", "reviews")
COLUMN_NAMES = (
    "id", "title", "body", "score", "rank", "created", "due", "owner",
    "data", "flag", "amount", "kind", "embed", "label",
)  # fmt: skip
ENUM_NAMES = ("mood", "status", "level")
ENUM_LABELS = ("red", "green", "blue", "cyan", "pink", "gray")
VIEW_NAMES = ("recent", "active", "summary", "listing")
FUNCTION_NAMES = ("bonus", "weight")
TRIGGER_NAMES = ("keep_rows", "audit_rows")
TRIGGER_TIMINGS = ("BEFORE", "AFTER")
TRIGGER_EVENTS = ("INSERT", "UPDATE", "INSERT OR UPDATE", "DELETE")
# No empty comment: PostgreSQL stores COMMENT IS '' as no comment at all.
COMMENTS = ("note", "it's a note", "zweite Notiz: ünïcode")
ON_DELETE = (None, "CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT", "NO ACTION")
MAX_TABLES = 4
MAX_COLUMNS = 6

Change = Callable[[st.DrawFn, SchemaSpec], SchemaSpec]
T = TypeVar("T")


def column_types(
    enums: Sequence[EnumSpec] = (), domains: Sequence[DomainSpec] = ()
) -> st.SearchStrategy[ColumnType]:
    """Every column type the oracle covers; enums from ``enums``, domains from ``domains``."""
    kinds = [
        "integer", "bigint", "smallint", "text", "boolean", "timestamptz", "timestamp", "date",
        "uuid", "jsonb", "bytea", "real", "double", "integer[]", "text[]",
    ]  # fmt: skip
    # One flat list, so that each type is about as likely as any other.
    types = [ColumnType(kind) for kind in kinds]
    types += [ColumnType("varchar", n) for n in (8, 20, 64)]
    types += [ColumnType("numeric", p, s) for p, s in ((10, 2), (12, 4))]
    types += [ColumnType("vector", n) for n in (3, 4)]
    types += [ColumnType("enum", enum=e.name) for e in enums] * 2
    types += [ColumnType("domain", domain=d.name) for d in domains] * 2
    return st.sampled_from(types)


def _optional(draw: st.DrawFn, values: Sequence[T]) -> T | None:
    return draw(st.none() | st.sampled_from(values)) if values else None


def _other(draw: st.DrawFn, values: Sequence[T | None], current: T | None) -> T | None:
    """One of ``values`` that is not ``current`` (``current`` itself when there is none)."""
    choices = [v for v in values if v != current]
    return draw(st.sampled_from(choices)) if choices else current


def _collations(spec: SchemaSpec) -> list[str]:
    return ["C", *(c.name for c in spec.collations)]


@st.composite
def column_specs(draw: st.DrawFn, name: str, spec: SchemaSpec) -> ColumnSpec:
    kind = draw(column_types(spec.enums, spec.domains))
    identity, serial = None, False
    if kind.kind in INTEGERS:
        # An integer column is an identity, SERIAL (kept only on a one-column primary key)
        # or plain, as in real schemas.
        how = draw(st.sampled_from(("plain", "identity", "serial")))
        serial = how == "serial"
        if how == "identity":
            identity = IdentitySpec(always=draw(st.booleans()), start=draw(st.sampled_from((1, 10, 100))))
    return ColumnSpec(
        name=name,
        type=kind,
        nullable=draw(st.booleans()),
        default=None if serial else _optional(draw, defaults_for(kind, spec)),
        identity=identity,
        comment=_optional(draw, COMMENTS),
        serial=serial,
        collation=_optional(draw, _collations(spec)) if kind.kind in STRINGS else None,
    )


# --- picking what a change applies to -------------------------------------------------------


def _pick(draw: st.DrawFn, count: int) -> int | None:
    return draw(st.integers(0, count - 1)) if count else None


def _pick_table(draw: st.DrawFn, spec: SchemaSpec, position: int | None = None) -> int | None:
    return position if position is not None else _pick(draw, len(spec.tables))


def _with_table(spec: SchemaSpec, position: int, table: TableSpec) -> SchemaSpec:
    tables = list(spec.tables)
    tables[position] = table
    return replace(spec, tables=tuple(tables))


def _columns_of(table: TableSpec, kinds: frozenset[str] | None = None) -> list[ColumnSpec]:
    return [c for c in table.columns if kinds is None or c.type.kind in kinds]


def _some_columns(draw: st.DrawFn, columns: Sequence[ColumnSpec], most: int) -> tuple[str, ...]:
    names = [c.name for c in columns]
    return tuple(
        draw(st.lists(st.sampled_from(names), min_size=1, max_size=min(most, len(names)), unique=True))
    )


def _change_column(
    draw: st.DrawFn,
    spec: SchemaSpec,
    change: Callable[[st.DrawFn, ColumnSpec], ColumnSpec],
    applies: Callable[[ColumnSpec], bool] = lambda column: True,
) -> SchemaSpec:
    """Apply ``change`` to one of the columns it ``applies`` to."""
    candidates = [(p, i) for p, t in enumerate(spec.tables) for i, c in enumerate(t.columns) if applies(c)]
    if not candidates:
        return spec
    position, index = draw(st.sampled_from(candidates))
    table = spec.tables[position]
    columns = list(table.columns)
    columns[index] = change(draw, columns[index])
    return _with_table(spec, position, replace(table, columns=tuple(columns)))


# --- tables and columns ---------------------------------------------------------------------


def add_table(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A new table with columns, maybe a primary key, constraints, indexes and foreign keys."""
    free = [name for name in TABLE_NAMES if spec.table(name) is None]
    if len(spec.tables) >= MAX_TABLES or not free:
        return spec
    name = draw(st.sampled_from(free))
    names = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=MAX_COLUMNS - 1, unique=True))
    columns = tuple(draw(column_specs(column, spec)) for column in names)
    table = TableSpec(name=name, columns=columns, comment=_optional(draw, COMMENTS))
    keyable = _columns_of(table, KEYABLE)
    if keyable and draw(st.booleans()):
        table = replace(table, primary_key=_some_columns(draw, keyable, 2))
    table = _maybe_partitioned(draw, table)
    spec = replace(spec, tables=(*spec.tables, table))
    position = len(spec.tables) - 1
    extras: list[Callable[..., SchemaSpec]] = [add_unique, add_check, add_index, add_index, add_foreign_key]
    for extra in draw(st.lists(st.sampled_from(extras), max_size=4)):
        spec = extra(draw, spec, position)
    if table.partition_by is not None:
        for _ in range(draw(st.integers(0, 2))):
            spec = add_partition(draw, spec, position)
    return spec


def _maybe_partitioned(draw: st.DrawFn, table: TableSpec) -> TableSpec:
    """One table in four is partitioned, by a column its method can key on; its primary
    key then includes that column, as PostgreSQL requires."""
    if draw(st.integers(0, 3)) != 0:
        return table
    method = draw(st.sampled_from(tuple(PARTITION_KEY_KINDS)))
    keys = _columns_of(table, PARTITION_KEY_KINDS[method])
    if not keys:
        return table
    key = draw(st.sampled_from(keys)).name
    primary_key = table.primary_key
    if primary_key and key not in primary_key:
        primary_key = (*primary_key, key)
    return replace(table, partition_by=(method, key), primary_key=primary_key)


def drop_table(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None or len(spec.tables) == 1:
        return spec
    return replace(spec, tables=spec.tables[:position] + spec.tables[position + 1 :])


def add_column(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    free = [name for name in COLUMN_NAMES if table.column(name) is None]
    if len(table.columns) >= MAX_COLUMNS or not free:
        return spec
    column = draw(column_specs(draw(st.sampled_from(free)), spec))
    return _with_table(spec, position, replace(table, columns=(*table.columns, column)))


def drop_column(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None or len(spec.tables[position].columns) < 2:
        return spec
    table = spec.tables[position]
    index = draw(st.integers(0, len(table.columns) - 1))
    return _with_table(
        spec, position, replace(table, columns=table.columns[:index] + table.columns[index + 1 :])
    )


def change_column_type(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A new type with a sensible cast; foreign keys referencing the column change with it
    (as an int → bigint key migration would), so they stay valid."""
    candidates = [(t, c) for t in spec.tables for c in t.columns if _type_targets(spec, c.type)]
    if not candidates:
        return spec
    table, column = draw(st.sampled_from(candidates))
    new_type = draw(st.sampled_from(_type_targets(spec, column.type)))
    retyped = {(table.name, column.name)}
    for child in spec.tables:
        for foreign_key in child.foreign_keys:
            if foreign_key.ref_table == table.name and column.name in foreign_key.ref_columns:
                retyped.add((child.name, foreign_key.columns[foreign_key.ref_columns.index(column.name)]))
    tables = tuple(
        replace(
            t,
            columns=tuple(
                replace(c, type=new_type) if (t.name, c.name) in retyped and c.type == column.type else c
                for c in t.columns
            ),
        )
        for t in spec.tables
    )
    return replace(spec, tables=tables)


def _type_targets(spec: SchemaSpec, kind: ColumnType) -> tuple[ColumnType, ...]:
    """:func:`~.spec.cast_targets`, plus a domain's base type for a domain column and the
    domains over a column's type (a column moving into or out of a domain)."""
    if kind.kind == "domain":
        domain = spec.domain(kind.domain or "")
        return (domain.base_type(),) if domain is not None else ()
    into = tuple(ColumnType("domain", domain=d.name) for d in spec.domains if d.base_type() == kind)
    return cast_targets(kind) + into


def toggle_nullable(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _change_column(draw, spec, lambda d, c: replace(c, nullable=not c.nullable))


def change_default(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Add, change or drop a column's server default."""

    def change(d: st.DrawFn, column: ColumnSpec) -> ColumnSpec:
        options = (None, *defaults_for(column.type, spec))
        return replace(column, default=_other(d, options, column.default), identity=None)

    return _change_column(draw, spec, change)


def change_identity(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Make an integer column an identity or SERIAL, drop that, or change always/start."""

    def change(d: st.DrawFn, column: ColumnSpec) -> ColumnSpec:
        identity = column.identity
        if identity is None:
            if column.serial or d(st.booleans()):
                return replace(column, serial=not column.serial, default=None)
            new = IdentitySpec(always=d(st.booleans()), start=d(st.sampled_from((1, 10, 100))))
        else:
            new = d(
                st.sampled_from(
                    [None, replace(identity, always=not identity.always)]
                    + [replace(identity, start=s) for s in (1, 10, 100) if s != identity.start]
                )
            )
        return replace(column, identity=new, serial=False)

    return _change_column(draw, spec, change, lambda column: column.type.kind in INTEGERS)


def change_column_comment(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _change_column(
        draw, spec, lambda d, c: replace(c, comment=_other(d, (None, *COMMENTS), c.comment))
    )


def change_table_comment(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    return _with_table(spec, position, replace(table, comment=_other(draw, (None, *COMMENTS), table.comment)))


# --- keys and constraints -------------------------------------------------------------------


def change_primary_key(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Add, drop or move the primary key."""
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    keyable = _columns_of(table, KEYABLE)
    if table.primary_key and (not keyable or draw(st.booleans())):
        return _with_table(spec, position, replace(table, primary_key=()))
    if not keyable:
        return spec
    return _with_table(spec, position, replace(table, primary_key=_some_columns(draw, keyable, 2)))


def add_unique(draw: st.DrawFn, spec: SchemaSpec, position: int | None = None) -> SchemaSpec:
    position = _pick_table(draw, spec, position)
    if position is None:
        return spec
    table = spec.tables[position]
    keyable = _columns_of(table, KEYABLE)
    if not keyable:
        return spec
    columns = _some_columns(draw, keyable, 2)
    unique = UniqueSpec(unique_name(table.name, columns), columns, nulls_not_distinct=draw(st.booleans()))
    if any(u.name == unique.name for u in table.uniques):
        return spec
    return _with_table(spec, position, replace(table, uniques=(*table.uniques, unique)))


def drop_unique(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_from(draw, spec, "uniques")


def toggle_nulls_not_distinct(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _change_in(
        draw, spec, "uniques", lambda d, u: replace(u, nulls_not_distinct=not u.nulls_not_distinct)
    )


def add_check(draw: st.DrawFn, spec: SchemaSpec, position: int | None = None) -> SchemaSpec:
    """A CHECK of a kind (see ``spec.CHECKS``) the table has columns for."""
    position = _pick_table(draw, spec, position)
    if position is None:
        return spec
    table = spec.tables[position]
    kinds = [
        kind
        for kind, (operands, _) in sorted(CHECKS.items())
        if all(len(_columns_of(table, k)) >= len(operands) for k in operands)
    ]
    if not kinds:
        return spec
    kind = draw(st.sampled_from(kinds))
    columns: list[str] = []
    for operand_kinds in CHECKS[kind][0]:
        columns.append(
            draw(
                st.sampled_from([c.name for c in _columns_of(table, operand_kinds) if c.name not in columns])
            )
        )
    check = CheckSpec(check_name(table.name, kind, tuple(columns)), kind, tuple(columns))
    if any(c.name == check.name for c in table.checks):
        return spec
    return _with_table(spec, position, replace(table, checks=(*table.checks, check)))


def drop_check(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_from(draw, spec, "checks")


def add_foreign_key(draw: st.DrawFn, spec: SchemaSpec, position: int | None = None) -> SchemaSpec:
    """A foreign key to the key of this or an earlier table, on columns of the referenced
    types (added when the table has none that fit)."""
    position = _pick_table(draw, spec, position)
    if position is None:
        return spec
    targets = [(p, key) for p in range(position + 1) for key in referenceable_keys(spec.tables[p])]
    if not targets:
        return spec
    parent_position, ref_columns = draw(st.sampled_from(targets))
    parent = spec.tables[parent_position]
    table = spec.tables[position]
    columns: list[str] = []
    added: list[ColumnSpec] = []
    for ref_name in ref_columns:
        referenced = parent.column(ref_name)
        assert referenced is not None
        fitting = [
            c.name
            for c in table.columns
            if c.type == referenced.type
            and c.name not in columns
            and not (parent_position == position and c.name in ref_columns)
        ]
        if fitting and draw(st.booleans()):
            columns.append(draw(st.sampled_from(fitting)))
            continue
        name = f"{parent.name}_{ref_name}"
        if table.column(name) is not None or len(table.columns) + len(added) >= MAX_COLUMNS:
            return spec
        added.append(ColumnSpec(name, referenced.type, nullable=draw(st.booleans())))
        columns.append(name)
    foreign_key = ForeignKeySpec(
        foreign_key_name(table.name, tuple(columns)),
        tuple(columns),
        parent.name,
        ref_columns,
        on_delete=draw(st.sampled_from(ON_DELETE)),
    )
    if any(f.name == foreign_key.name for f in table.foreign_keys):
        return spec
    table = replace(table, columns=(*table.columns, *added), foreign_keys=(*table.foreign_keys, foreign_key))
    return _with_table(spec, position, table)


def drop_foreign_key(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_from(draw, spec, "foreign_keys")


def change_on_delete(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _change_in(
        draw, spec, "foreign_keys", lambda d, f: replace(f, on_delete=_other(d, ON_DELETE, f.on_delete))
    )


# --- indexes --------------------------------------------------------------------------------


def add_index(draw: st.DrawFn, spec: SchemaSpec, position: int | None = None) -> SchemaSpec:
    """One index, of a kind the table has columns for."""
    position = _pick_table(draw, spec, position)
    if position is None:
        return spec
    table = spec.tables[position]
    keyable = [c.name for c in _columns_of(table, KEYABLE)]
    strings = [c.name for c in _columns_of(table, STRINGS)]
    searchable = _columns_of(table, frozenset({"jsonb", "integer[]", "text[]"}))
    vectors = [c.name for c in _columns_of(table, frozenset({"vector"}))]
    kinds = [kind for kind in ("plain", "unique", "desc", "partial") if keyable]
    kinds += ["include"] if keyable and len(table.columns) >= 2 else []
    kinds += ["composite"] if len(keyable) >= 2 else []
    kinds += ["lower"] if strings else []
    kinds += ["gin"] if searchable else []
    kinds += ["hnsw"] if vectors else []
    if not kinds:
        return spec
    kind = draw(st.sampled_from(kinds))
    if kind == "composite":
        columns = tuple(draw(st.lists(st.sampled_from(keyable), min_size=2, max_size=2, unique=True)))
        index = IndexSpec(index_name(table.name, columns, kind), columns, unique=draw(st.booleans()))
    elif kind == "lower":
        columns = (draw(st.sampled_from(strings)),)
        index = IndexSpec(
            index_name(table.name, columns, kind), columns, expression="lower", unique=draw(st.booleans())
        )
    elif kind == "gin":
        column = draw(st.sampled_from(searchable))
        ops = draw(st.sampled_from((None, "jsonb_path_ops"))) if column.type.kind == "jsonb" else None
        index = IndexSpec(index_name(table.name, (column.name,), kind), (column.name,), method="gin", ops=ops)
    elif kind == "hnsw":
        columns = (draw(st.sampled_from(vectors)),)
        ops, options = draw(st.sampled_from(HNSW_OPS)), draw(_hnsw_options())
        index = IndexSpec(
            index_name(table.name, columns, kind), columns, method="hnsw", ops=ops, options=options
        )
    else:
        columns = (draw(st.sampled_from(keyable)),)
        index = IndexSpec(index_name(table.name, columns, kind), columns, unique=kind == "unique")
        if kind == "desc":
            index = replace(index, expression="desc")
        elif kind == "partial":
            numbers = [c.name for c in _columns_of(table, NUMBERS)]
            if numbers and draw(st.booleans()):
                index = replace(index, where=("positive", draw(st.sampled_from(numbers))))
            else:
                index = replace(index, where=("present", draw(st.sampled_from(table.columns)).name))
        elif kind == "include":
            others = [c.name for c in table.columns if c.name not in columns]
            index = replace(index, include=(draw(st.sampled_from(others)),))
    if any(i.name == index.name for i in table.indexes):
        return spec
    return _with_table(spec, position, replace(table, indexes=(*table.indexes, index)))


def _hnsw_options() -> st.SearchStrategy[tuple[tuple[str, int], ...]]:
    # pgvector requires ef_construction >= 2 * m.
    return st.sampled_from(((), (("m", 16), ("ef_construction", 64)), (("m", 8), ("ef_construction", 32))))


def drop_index(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_from(draw, spec, "indexes")


def change_index(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Same name, other definition: HNSW operator class or options, GIN operator class, a
    b-tree index made partial or not, unique or not."""

    def change(d: st.DrawFn, index: IndexSpec) -> IndexSpec:
        if index.method == "hnsw":
            if d(st.booleans()):
                return replace(index, ops=_other(d, HNSW_OPS, index.ops))
            return replace(index, options=d(_hnsw_options().filter(lambda o: o != index.options)))
        if index.method == "gin":
            return replace(index, ops=None if index.ops else "jsonb_path_ops")
        if d(st.booleans()):
            return replace(index, unique=not index.unique)
        return replace(index, where=None if index.where else ("present", index.columns[0]))

    return _change_in(draw, spec, "indexes", change)


def _drop_from(draw: st.DrawFn, spec: SchemaSpec, field: str) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    items: tuple[Any, ...] = getattr(table, field)
    index = _pick(draw, len(items))
    if index is None:
        return spec
    return _with_table(spec, position, replace(table, **{field: items[:index] + items[index + 1 :]}))


def _drop_one(draw: st.DrawFn, spec: SchemaSpec, field: str) -> SchemaSpec:
    """``spec`` without one of its ``field`` (a tuple of the schema's objects)."""
    items: tuple[Any, ...] = getattr(spec, field)
    index = _pick(draw, len(items))
    if index is None:
        return spec
    return replace(spec, **{field: items[:index] + items[index + 1 :]})


def _change_one(draw: st.DrawFn, spec: SchemaSpec, field: str, change: Callable[[Any], Any]) -> SchemaSpec:
    """``spec`` with one of its ``field`` (a tuple of the schema's objects) changed by
    ``change`` (drawing with the ``draw`` it closes over)."""
    items: tuple[Any, ...] = getattr(spec, field)
    index = _pick(draw, len(items))
    if index is None:
        return spec
    return replace(spec, **{field: (*items[:index], change(items[index]), *items[index + 1 :])})


def _change_in(
    draw: st.DrawFn, spec: SchemaSpec, field: str, change: Callable[[st.DrawFn, Any], Any]
) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    items = list(getattr(table, field))
    index = _pick(draw, len(items))
    if index is None:
        return spec
    items[index] = change(draw, items[index])
    return _with_table(spec, position, replace(table, **{field: tuple(items)}))


# --- enums and views ------------------------------------------------------------------------


def add_enum(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    free = [name for name in ENUM_NAMES if spec.enum(name) is None]
    if not free:
        return spec
    labels = draw(st.lists(st.sampled_from(ENUM_LABELS), min_size=1, max_size=4, unique=True))
    return replace(spec, enums=(*spec.enums, EnumSpec(draw(st.sampled_from(free)), tuple(labels))))


def drop_enum(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Drop an enum type (and, by repair, the columns of that type)."""
    index = _pick(draw, len(spec.enums))
    if index is None:
        return spec
    return replace(spec, enums=spec.enums[:index] + spec.enums[index + 1 :])


def add_enum_label(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A new label at any position, not only at the end."""
    index = _pick(draw, len(spec.enums))
    if index is None:
        return spec
    enum = spec.enums[index]
    free = [label for label in ENUM_LABELS if label not in enum.labels]
    if not free:
        return spec
    at = draw(st.integers(0, len(enum.labels)))
    labels = (*enum.labels[:at], draw(st.sampled_from(free)), *enum.labels[at:])
    return _with_enum(spec, index, replace(enum, labels=labels))


def remove_enum_label(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    index = _pick(draw, len(spec.enums))
    if index is None or len(spec.enums[index].labels) < 2:
        return spec
    enum = spec.enums[index]
    at = draw(st.integers(0, len(enum.labels) - 1))
    return _with_enum(spec, index, replace(enum, labels=enum.labels[:at] + enum.labels[at + 1 :]))


def _with_enum(spec: SchemaSpec, index: int, enum: EnumSpec) -> SchemaSpec:
    enums = list(spec.enums)
    enums[index] = enum
    return replace(spec, enums=tuple(enums))


def _view_body(draw: st.DrawFn, table: TableSpec) -> tuple[tuple[str, ...], str | None]:
    columns = _some_columns(draw, table.columns, 3)
    return columns, _optional(draw, [c.name for c in table.columns])


def add_view(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    free = [name for name in VIEW_NAMES if all(v.name != name for v in spec.views)]
    position = _pick_table(draw, spec)
    if position is None or not free:
        return spec
    table = spec.tables[position]
    columns, where = _view_body(draw, table)
    view = ViewSpec(
        draw(st.sampled_from(free)),
        table.name,
        columns,
        where,
        # Materialized views are rarer in real schemas; a quarter of the views is plenty.
        materialized=draw(st.integers(0, 3)) == 0,
        comment=_optional(draw, COMMENTS),
        column_comments=_view_column_comments(draw, columns, ()) if draw(st.booleans()) else (),
        function=_optional(draw, [f.name for f in spec.functions]),
    )
    return replace(spec, views=(*spec.views, view))


def _view_column_comments(
    draw: st.DrawFn, columns: tuple[str, ...], comments: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """``comments`` with one column's comment added, changed or removed."""
    by_column = dict(comments)
    column = draw(st.sampled_from(columns))
    text = _other(draw, (None, *COMMENTS), by_column.get(column))
    if text is None:
        by_column.pop(column, None)
    else:
        by_column[column] = text
    return tuple(sorted(by_column.items()))


def drop_view(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    index = _pick(draw, len(spec.views))
    if index is None:
        return spec
    return replace(spec, views=spec.views[:index] + spec.views[index + 1 :])


def change_view(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Another body (columns, filter) over the same table, another comment, or another
    comment on one of its columns."""

    def change(view: Any) -> Any:
        table = spec.table(view.table)
        if table is None:
            return view
        what = draw(st.sampled_from(("body", "comment", "column comment")))
        if what == "body":
            columns, where = _view_body(draw, table)
            function = _optional(draw, [f.name for f in spec.functions])
            return replace(view, columns=columns, where=where, function=function)
        if what == "comment":
            return replace(view, comment=_other(draw, (None, *COMMENTS), view.comment))
        return replace(view, column_comments=_view_column_comments(draw, view.columns, view.column_comments))

    return _change_one(draw, spec, "views", change)


def add_function(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    free = [name for name in FUNCTION_NAMES if all(f.name != name for f in spec.functions)]
    if not free:
        return spec
    function = FunctionSpec(
        draw(st.sampled_from(free)), draw(st.sampled_from(("integer", "bigint"))), draw(st.integers(0, 9))
    )
    return replace(spec, functions=(*spec.functions, function))


def drop_function(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """The function goes; a view calling it stops calling it (repair)."""
    return _drop_one(draw, spec, "functions")


def change_function(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Another body (CREATE OR REPLACE) or another result type (re-created, with the views
    calling it)."""

    def change(function: Any) -> Any:
        if draw(st.booleans()):
            return replace(function, value=_other(draw, range(10), function.value) or 0)
        return replace(function, returns="bigint" if function.returns == "integer" else "integer")

    return _change_one(draw, spec, "functions", change)


def add_trigger(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A row trigger on a table (BEFORE or AFTER) or on a plain view (INSTEAD OF)."""
    free = [name for name in TRIGGER_NAMES if all(t.name != name for t in spec.triggers)]
    on = [(t.name, False) for t in spec.tables] + [(v.name, True) for v in spec.views if not v.materialized]
    if not on or not free:
        return spec
    relation, is_view = draw(st.sampled_from(on))
    trigger = TriggerSpec(
        draw(st.sampled_from(free)),
        relation,
        "INSTEAD OF" if is_view else draw(st.sampled_from(TRIGGER_TIMINGS)),
        draw(st.sampled_from(TRIGGER_EVENTS)),
    )
    return replace(spec, triggers=(*spec.triggers, trigger))


def drop_trigger(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_one(draw, spec, "triggers")


def change_trigger(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    def change(trigger: Any) -> Any:
        if draw(st.booleans()) and trigger.timing != "INSTEAD OF":
            return replace(trigger, timing=_other(draw, TRIGGER_TIMINGS, trigger.timing) or trigger.timing)
        return replace(trigger, events=_other(draw, TRIGGER_EVENTS, trigger.events) or trigger.events)

    return _change_one(draw, spec, "triggers", change)


def change_column_collation(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _change_column(
        draw,
        spec,
        lambda d, c: replace(c, collation=_other(d, (None, *_collations(spec)), c.collation)),
        lambda column: column.type.kind in STRINGS,
    )


# --- domains and collations ------------------------------------------------------------------


def add_domain(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    free = [name for name in DOMAIN_BASES if spec.domain(name) is None]
    if not free:
        return spec
    name = draw(st.sampled_from(free))
    domain = DomainSpec(
        name,
        draw(st.sampled_from(DOMAIN_BASES[name])),
        not_null=draw(st.booleans()),
        check=draw(st.booleans()),
        default=draw(st.booleans()),
    )
    return replace(spec, domains=(*spec.domains, domain))


def drop_domain(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """The domain goes, and so do the columns of it (repair)."""
    return _drop_one(draw, spec, "domains")


def change_domain(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Another base type (re-created, its columns converted), NOT NULL, check or default."""

    def change(domain: Any) -> Any:
        what = draw(st.sampled_from(("base", "not_null", "check", "default")))
        if what == "base":
            return replace(domain, base=_other(draw, DOMAIN_BASES[domain.name], domain.base) or domain.base)
        return replace(domain, **{what: not getattr(domain, what)})

    return _change_one(draw, spec, "domains", change)


def add_collation(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    if spec.collations:
        return spec
    return replace(spec, collations=(CollationSpec(COLLATION_NAME, draw(st.sampled_from(("C", "POSIX")))),))


def drop_collation(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """The collation goes; its columns take the default collation (repair)."""
    return replace(spec, collations=())


def change_collation(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A new definition: dropped and created again, or a blocking manual step while
    columns use it."""
    if not spec.collations:
        return spec
    collation = spec.collations[0]
    return replace(spec, collations=(replace(collation, ctype="POSIX" if collation.ctype == "C" else "C"),))


# --- partitions -------------------------------------------------------------------------------


def add_partition(draw: st.DrawFn, spec: SchemaSpec, position: int | None = None) -> SchemaSpec:
    """A partition of a partitioned table: one of two bounds, or the default; now and then
    with an index of its own."""
    partitioned = [i for i, t in enumerate(spec.tables) if t.partition_by is not None]
    if position is None:
        if not partitioned:
            return spec
        position = draw(st.sampled_from(partitioned))
    parent = spec.tables[position]
    if parent.partition_by is None:
        return spec
    bound = draw(st.sampled_from((0, 1, None)))
    name = f"{parent.name}_{'default' if bound is None else f'p{bound}'}"
    # Sometimes with an index of its own, as pg_dump of an older database writes them.
    own_index = draw(st.sampled_from([None, None, *(c.name for c in _columns_of(parent, KEYABLE))]))
    partition = PartitionSpec(name, parent.name, bound, own_index)
    return replace(spec, partitions=(*spec.partitions, partition))


def drop_partition(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_one(draw, spec, "partitions")


def change_partition_index(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A partition's own index (beyond its parent's) added, moved to another column or dropped."""
    position = _pick(draw, len(spec.partitions))
    if position is None:
        return spec
    partition = spec.partitions[position]
    parent = spec.table(partition.parent)
    if parent is None:
        return spec
    choices = [None, *(c.name for c in _columns_of(parent, KEYABLE) if c.name != partition.own_index)]
    changed = replace(partition, own_index=draw(st.sampled_from(choices)))
    return replace(spec, partitions=(*spec.partitions[:position], changed, *spec.partitions[position + 1 :]))


# --- row-level security, policies and grants --------------------------------------------------


def change_row_security(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Row-level security turned on, forced, or off."""
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    choices = (None, "enabled", "forced")
    return _with_table(spec, position, replace(table, row_security=_other(draw, choices, table.row_security)))


def _policy_clause(draw: st.DrawFn, table: TableSpec) -> str | None:
    return draw(st.sampled_from((None, "true", *(c.name for c in table.columns))))


def add_policy(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    position = _pick_table(draw, spec)
    if position is None:
        return spec
    table = spec.tables[position]
    policy = PolicySpec(
        name=draw(st.sampled_from(("own_rows", "read_rows"))),
        table=table.name,
        command=draw(st.sampled_from(POLICY_COMMANDS)),
        restrictive=draw(st.booleans()),
        roles=tuple(draw(st.lists(st.sampled_from(ROLES), max_size=2, unique=True))),
        using=_policy_clause(draw, table),
        with_check=_policy_clause(draw, table),
    )
    return replace(spec, policies=(*spec.policies, policy))


def drop_policy(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    return _drop_one(draw, spec, "policies")


def change_policy(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Roles, USING or WITH CHECK (ALTER POLICY), or command or restrictive (re-created)."""

    def change(policy: Any) -> Any:
        table = spec.table(policy.table)
        assert table is not None
        what = draw(st.sampled_from(("command", "restrictive", "roles", "using", "with_check")))
        if what == "command":
            return replace(policy, command=_other(draw, POLICY_COMMANDS, policy.command) or "all")
        if what == "restrictive":
            return replace(policy, restrictive=not policy.restrictive)
        if what == "roles":
            return replace(
                policy, roles=tuple(draw(st.lists(st.sampled_from(ROLES), max_size=2, unique=True)))
            )
        return replace(policy, **{what: _policy_clause(draw, table)})

    return _change_one(draw, spec, "policies", change)


def _grant_privileges(draw: st.DrawFn, kind: str) -> tuple[str, ...]:
    if kind == "function":
        return draw(st.sampled_from(((), ("EXECUTE",))))
    choices = TABLE_PRIVILEGES if kind == "table" else ("SELECT",)
    return tuple(sorted(draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True))))


def add_grant(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    objects = [("table", t.name) for t in spec.tables]
    objects += [("view", v.name) for v in spec.views]
    objects += [("function", f.name) for f in spec.functions]
    if not objects:
        return spec
    on = draw(st.sampled_from(objects))
    grant = GrantSpec(
        on=on,
        grantee=draw(st.sampled_from((*ROLES, "public"))),
        privileges=_grant_privileges(draw, on[0]),
        with_grant_option=draw(st.booleans()),
    )
    return replace(spec, grants=(*spec.grants, grant))


def drop_grant(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """A grant goes: its privileges are revoked."""
    return _drop_one(draw, spec, "grants")


def change_grant(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """Other privileges (GRANT and REVOKE each difference) or the grant option toggled."""

    def change(grant: Any) -> Any:
        if draw(st.booleans()):
            return replace(grant, privileges=_grant_privileges(draw, grant.on[0]))
        return replace(grant, with_grant_option=not grant.with_grant_option)

    return _change_one(draw, spec, "grants", change)


def change_public_comment(draw: st.DrawFn, spec: SchemaSpec) -> SchemaSpec:
    """public's comment replaced, removed, or declared as initdb's own (which the model
    reads as none)."""
    choices = (PUBLIC_SCHEMA_COMMENT, None, *COMMENTS)
    return replace(spec, public_comment=_other(draw, choices, spec.public_comment))


# Every change, by name. Simplest first: hypothesis shrinks towards the first entries.
CHANGES: dict[str, Change] = {
    "toggle_nullable": toggle_nullable,
    "change_default": change_default,
    "change_column_comment": change_column_comment,
    "change_table_comment": change_table_comment,
    "add_column": add_column,
    "drop_column": drop_column,
    "change_column_type": change_column_type,
    "change_identity": change_identity,
    "change_primary_key": change_primary_key,
    "add_unique": add_unique,
    "drop_unique": drop_unique,
    "toggle_nulls_not_distinct": toggle_nulls_not_distinct,
    "add_check": add_check,
    "drop_check": drop_check,
    "add_foreign_key": add_foreign_key,
    "drop_foreign_key": drop_foreign_key,
    "change_on_delete": change_on_delete,
    "add_index": add_index,
    "drop_index": drop_index,
    "change_index": change_index,
    "add_enum": add_enum,
    "drop_enum": drop_enum,
    "add_enum_label": add_enum_label,
    "remove_enum_label": remove_enum_label,
    "add_view": add_view,
    "drop_view": drop_view,
    "change_view": change_view,
    "change_public_comment": change_public_comment,
    "add_function": add_function,
    "drop_function": drop_function,
    "change_function": change_function,
    "add_trigger": add_trigger,
    "drop_trigger": drop_trigger,
    "change_trigger": change_trigger,
    "change_column_collation": change_column_collation,
    "add_domain": add_domain,
    "drop_domain": drop_domain,
    "change_domain": change_domain,
    "add_collation": add_collation,
    "drop_collation": drop_collation,
    "change_collation": change_collation,
    "add_partition": add_partition,
    "drop_partition": drop_partition,
    "change_partition_index": change_partition_index,
    "change_row_security": change_row_security,
    "add_policy": add_policy,
    "drop_policy": drop_policy,
    "change_policy": change_policy,
    "add_grant": add_grant,
    "drop_grant": drop_grant,
    "change_grant": change_grant,
    "add_table": add_table,
    "drop_table": drop_table,
}


@st.composite
def schema_specs(draw: st.DrawFn, max_tables: int = MAX_TABLES) -> SchemaSpec:
    """A schema: up to three of enums, a function, a domain and a collation; 1 to
    ``max_tables`` tables (one in four partitioned, with partitions); 0 to 2 views (which
    may call the function); up to two of a trigger, row-level security, a policy and a
    grant."""
    spec = SchemaSpec()
    before_tables: list[Change] = [add_enum, add_enum, add_function, add_function, add_domain, add_collation]
    for change in draw(st.lists(st.sampled_from(before_tables), max_size=3)):
        spec = change(draw, spec)
    for _ in range(draw(st.integers(1, max_tables))):
        spec = add_table(draw, spec)
    for _ in range(draw(st.integers(0, 2))):
        spec = add_view(draw, spec)
    after_tables: list[Change] = [add_trigger, change_row_security, add_policy, add_grant]
    for change in draw(st.lists(st.sampled_from(after_tables), max_size=2)):
        spec = change(draw, spec)
    return repair(spec)


@st.composite
def changed_specs(
    draw: st.DrawFn, spec: SchemaSpec, changes: Sequence[str] = tuple(CHANGES), max_changes: int = 4
) -> SchemaSpec:
    """``spec`` after 1 to ``max_changes`` changes drawn from ``changes`` (names in :data:`CHANGES`).

    A change that does not apply (nothing to drop, …) or that repair undoes is drawn again,
    a few times, so that B differs from A in nearly every example.
    """
    spec = repair(spec)
    for _ in range(draw(st.integers(1, max_changes))):
        for _attempt in range(4):
            changed = repair(CHANGES[draw(st.sampled_from(changes))](draw, spec))
            if changed != spec:
                spec = changed
                break
    return spec


@st.composite
def spec_pairs(
    draw: st.DrawFn, changes: Sequence[str] = tuple(CHANGES), max_changes: int = 4
) -> tuple[SchemaSpec, SchemaSpec]:
    """(A, B): a schema and the schema after some changes."""
    source = draw(schema_specs())
    return source, draw(changed_specs(source, changes, max_changes))


def metadata_pairs(
    changes: Sequence[str] = tuple(CHANGES), max_changes: int = 4
) -> st.SearchStrategy[tuple[MetaData, MetaData]]:
    """(A, B) as SQLAlchemy MetaData with puckdb views."""
    return spec_pairs(changes, max_changes).map(
        lambda pair: (build_metadata(pair[0]), build_metadata(pair[1]))
    )
