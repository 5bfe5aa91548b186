"""Hazards: what a reviewer must know before a statement runs on a database with data.

Each hazard names its kind and says in one line what it means for this object, e.g.
``data-loss: drops column cards.meaning``. Kinds:

- ``data-loss``: rows or values are destroyed (drop table/column/enum value, narrowing type);
- ``table-rewrite``: the whole table is rewritten (long, and blocks it meanwhile);
- ``access-exclusive-lock``: an existing table is locked against reads and writes;
- ``non-concurrent-index``: an index is built on an existing table without CONCURRENTLY,
  blocking writes for the whole build;
- ``backward-incompatible``: code still running against the old schema breaks (rename, drop);
- ``backfill-required``: a NOT NULL column without default is added to an existing table;
  it fails when the table has rows;
- ``non-transactional``: the statement cannot run inside a transaction block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from puckdb.diff import operations as op
from puckdb.diff.casts import base_type, needs_using
from puckdb.model import ForeignKey

KINDS = (
    "data-loss",
    "table-rewrite",
    "access-exclusive-lock",
    "non-concurrent-index",
    "backward-incompatible",
    "backfill-required",
    "non-transactional",
)
BLOCKING = frozenset({"data-loss"})


@dataclass(frozen=True)
class Hazard:
    """One thing a reviewer must know about a statement: ``kind`` (one of ``KINDS``) and a
    one-line ``message`` naming the object (``drops column cards.meaning``)."""

    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def hazards_of(
    operation: op.Operation,
    existing_tables: frozenset[tuple[str, str]],
    recreated_views: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[Hazard, ...]:
    """The hazards of ``operation`` when the tables (and materialized views) in
    ``existing_tables`` hold data; a view in ``recreated_views`` is dropped only to be
    created again in the same plan."""
    found: list[Hazard] = []

    def add(kind: str, message: str) -> None:
        found.append(Hazard(kind, message))

    def existing(schema: str, table: str) -> bool:
        return (schema, table) in existing_tables

    match operation:
        case op.DropTable(table=table):
            name = _name(table.schema, table.name)
            add("data-loss", f"drops table {name} and all its rows")
            add("backward-incompatible", f"code that uses table {name} breaks")
        case op.DropColumn(schema=schema, table=table, column=column):
            name = _name(schema, table, column.name)
            if column.generated is None:
                add("data-loss", f"drops column {name}")
            add("backward-incompatible", f"code that uses column {name} breaks")
        case op.AlterColumnType(schema=schema, table=table) if existing(schema, table):
            _type_change_hazards(operation, add)
        case op.RecreateEnum(old=old, new=new, columns=columns):
            removed = [label for label in old.labels if label not in new.labels]
            if removed:
                add(
                    "data-loss",
                    f"removes value(s) {', '.join(removed)} from enum {_name(old.schema, old.name)}; "
                    "rows holding them make the migration fail",
                )
            for converted in columns:
                table_name = _name(converted.schema, converted.table)
                add("table-rewrite", f"rewrites {table_name} to convert {converted.column}")
        case op.AddEnumValue(enum=enum, value=value):
            add(
                "non-transactional",
                f"adds {value!r} to enum {_name(enum.schema, enum.name)} in its own transaction",
            )
        case op.DropEnum(enum=enum):
            add("backward-incompatible", f"drops type {_name(enum.schema, enum.name)}")
        case op.RenameEnumValue(enum=enum, old=old, new=new):
            add(
                "backward-incompatible",
                f"renames value {old!r} of enum {_name(enum.schema, enum.name)} to {new!r}; "
                "code writing the old value breaks",
            )
        case op.DropView(view=view) if (view.schema, view.name) not in recreated_views:
            kind = "materialized view" if view.materialized else "view"
            add(
                "backward-incompatible",
                f"drops {kind} {_name(view.schema, view.name)}; code reading it breaks",
            )
        case op.DropSequence(sequence=sequence):
            name = _name(sequence.schema, sequence.name)
            add("backward-incompatible", f"drops sequence {name} and its current value")
        case op.RenameSequence(schema=schema, old=old, new=new):
            add(
                "backward-incompatible",
                f"renames sequence {_name(schema, old)} to {new}; code calling nextval() by name breaks",
            )
        case op.DropSchema(name=name):
            add("backward-incompatible", f"drops schema {name}")
        case op.DropExtension(extension=extension):
            add("backward-incompatible", f"drops extension {extension.name}; code using its types breaks")
        case op.SetColumnNullable(schema=schema, table=table, nullable=False) if existing(schema, table):
            add(
                "access-exclusive-lock",
                f"scans and locks {_name(schema, table)} to check {operation.column} holds no NULLs",
            )
        case op.AddColumn(schema=schema, table=table, column=column) if existing(schema, table):
            name = _name(schema, table, column.name)
            filled = column.default is not None or column.identity is not None or column.generated is not None
            if not column.nullable and not filled:
                add(
                    "backfill-required", f"adds NOT NULL column {name} without a default; fails if rows exist"
                )
            if column.generated is not None or column.identity is not None or _volatile(column.default):
                add("table-rewrite", f"computes {name} for every existing row")
        case op.AddIdentity(schema=schema, table=table, column=column) if existing(schema, table):
            add("table-rewrite", f"fills identity {_name(schema, table, column)} for every existing row")
        case op.CreateIndex(schema=schema, table=table, index=index) if existing(schema, table):
            add(
                "non-concurrent-index", f"builds {index.name} on {_name(schema, table)} while blocking writes"
            )
        case op.AddConstraint(schema=schema, table=table, constraint=ForeignKey(name=name)) if existing(
            schema, table
        ):
            add(
                "access-exclusive-lock",
                f"checks foreign key {name} on {_name(schema, table)} while blocking writes "
                "(add it NOT VALID and VALIDATE it later to avoid that)",
            )
        case op.AddConstraint(schema=schema, table=table, constraint=constraint) if existing(schema, table):
            add("access-exclusive-lock", f"locks {_name(schema, table)} while adding {constraint.name}")
        case op.RenameTable(schema=schema, old=old, new=new):
            add(
                "backward-incompatible",
                f"renames table {_name(schema, old)} to {new}; code using the old name breaks",
            )
        case op.RenameColumn(schema=schema, table=table, old=old, new=new):
            add(
                "backward-incompatible",
                f"renames column {_name(schema, table, old)} to {new}; code using the old name breaks",
            )
        case op.SetLogged(schema=schema, table=table) if existing(schema, table):
            add("table-rewrite", f"rewrites {_name(schema, table)} to change whether it is logged")
    return tuple(found)


def _type_change_hazards(operation: op.AlterColumnType, add: Callable[[str, str], None]) -> None:
    table = _name(operation.schema, operation.table)
    name = _name(operation.schema, operation.table, operation.column)
    change = f"{operation.old_type} → {operation.new_type}"
    if changes_dimensions(operation.old_type, operation.new_type):
        add(
            "data-loss",
            f"changes the dimensions of {name} ({change}); existing vectors cannot be converted, "
            "so the migration fails unless the column is emptied (or re-embedded) first",
        )
    elif is_narrowing(operation.old_type, operation.new_type):
        add("data-loss", f"narrows column {name} ({change}); values that do not fit fail")
    if rewrites_table(operation.old_type, operation.new_type):
        add("table-rewrite", f"rewrites {table} to change {name} ({change})")
    add("access-exclusive-lock", f"locks {table} while {name} changes type")


def _name(*parts: str) -> str:
    # "public" is implied in messages, as it is for the people reading them.
    if parts[0] == "public":
        parts = parts[1:]
    return ".".join(parts)


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


def _volatile(default: str | None) -> bool:
    if default is None:
        return False
    lowered = default.lower()
    return any(call in lowered for call in ("random(", "gen_random_uuid(", "clock_timestamp(", "nextval("))
