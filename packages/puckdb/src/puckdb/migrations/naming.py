"""A migration's file name, from what it does: ``add_cards_deleted_at``, ``create_decks``.

Names a reviewer can read in a directory listing, never random words. The most telling
operations (tables, columns, types, views) name the migration; keys, indexes and comments
only when nothing bigger happens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from puckdb.diff import operations as op

_MAX_LENGTH = 60


def migration_name(operations: Sequence[op.Operation], *, first: bool = False) -> str:
    if first:
        return "init"
    phrases: list[str] = []
    for operation in operations:
        phrase = _phrase(operation)
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        phrases = [p for p in (_minor_phrase(o) for o in operations) if p]
        phrases = list(dict.fromkeys(phrases))
    if not phrases:
        return "schema_changes"
    name = phrases[0]
    for count, phrase in enumerate(phrases[1:], start=1):
        longer = f"{name}_and_{phrase}"
        rest = len(phrases) - count - 1
        if len(longer) + (len(f"_and_{rest}_more") if rest else 0) > _MAX_LENGTH:
            return _clean(f"{name}_and_{len(phrases) - count}_more")
        name = longer
    return _clean(name)


def _phrase(operation: op.Operation) -> str | None:
    match operation:
        case op.CreateTable(table=table):
            return f"create_{table.name}"
        case op.DropTable(table=table):
            return f"drop_{table.name}"
        case op.RenameTable(old=old, new=new):
            return f"rename_{old}_to_{new}"
        case op.AddColumn(table=table, column=column):
            return f"add_{table}_{column.name}"
        case op.DropColumn(table=table, column=column):
            return f"drop_{table}_{column.name}"
        case op.RenameColumn(table=table, old=old, new=new):
            return f"rename_{table}_{old}_to_{new}"
        case op.AlterColumnType(table=table, column=column):
            return f"alter_{table}_{column}_type"
        case op.SetColumnNullable(table=table, column=column, nullable=nullable):
            return f"{'drop' if nullable else 'set'}_{table}_{column}_not_null"
        case op.SetColumnDefault(table=table, column=column, default=default) if default is not None:
            return f"set_{table}_{column}_default"
        case op.CreateEnum(enum=enum):
            return f"create_{enum.name}_type"
        case op.DropEnum(enum=enum):
            return f"drop_{enum.name}_type"
        case op.AddEnumValue(enum=enum, value=value):
            return f"add_{enum.name}_{value}"
        case op.RecreateEnum(new=enum):
            return f"change_{enum.name}_values"
        case op.CreateView(view=view):
            return f"create_{view.name}"
        case op.CreateExtension(extension=extension):
            return f"add_{extension.name}_extension"
        case op.CreateSchema(name=name):
            return f"create_{name}_schema"
    return None


def _minor_phrase(operation: op.Operation) -> str | None:
    match operation:
        case op.CreateIndex(index=index):
            return f"add_{index.name}"
        case op.DropIndex(index=index):
            return f"drop_{index.name}"
        case op.AddConstraint(constraint=constraint):
            return f"add_{constraint.name}"
        case op.DropConstraint(constraint=constraint):
            return f"drop_{constraint.name}"
        case op.SetComment(name=name, member=member):
            return f"comment_on_{name}_{member}" if member else f"comment_on_{name}"
        case op.DropView(view=view):
            return f"drop_{view.name}"
    return "change_" + _snake(type(operation).__name__)


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _clean(name: str) -> str:
    """Lowercase ASCII letters, digits and single underscores (file-name safe)."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return cleaned[:_MAX_LENGTH].rstrip("_") or "schema_changes"
