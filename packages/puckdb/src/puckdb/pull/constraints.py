"""Table constraints as SQLAlchemy constraint objects: primary key, unique, check, foreign
key and exclusion constraints, each named as in the database."""

from __future__ import annotations

from puckdb.model import (
    CheckConstraint,
    ExclusionConstraint,
    ForeignKey,
    PrimaryKey,
    Table,
    UniqueConstraint,
)
from puckdb.pull.code import Atom, Code, Str, call, list_of, tuple_of
from puckdb.pull.columns import sql_text, text_call
from puckdb.pull.context import Context, label
from puckdb.pull.names import pg_object_name, printed_forms
from puckdb.pull.sqltext import parse_check, parse_exclusion, without_outer_brackets


def primary_key_inline(table: Table, context: Context) -> bool:
    """Whether the key is best written as ``primary_key=True`` on its columns: it has the
    name PostgreSQL would give it, no comment, no INCLUDE columns, and its columns in table
    order (which is the order column flags give). A serial column in a composite key needs
    the explicit constraint: SQLAlchemy would move it to the front of an implicit one."""
    key = table.primary_key
    if key is None:
        return False
    in_table_order = tuple(c.name for c in table.columns if c.name in key.columns) == key.columns
    serial_in_composite = table.key in context.serial and len(key.columns) > 1
    return (
        key.name == pg_object_name(table.name, None, "pkey")
        and key.comment is None
        and not key.deferrable
        and not key.include
        and in_table_order
        and not serial_in_composite
    )


def constraint_items(table: Table, context: Context, *, key_inline: bool) -> list[Code]:
    """The constraints of ``table`` as items of ``__table_args__`` / ``Table(...)``, with
    comments where something cannot be expressed."""
    items: list[Code] = []
    if table.primary_key is not None and not key_inline:
        items.append(_primary_key(table.primary_key, context))
    items += [_unique(unique, context) for unique in table.unique_constraints]
    for check in table.check_constraints:
        items += _check(table, check, context)
    for foreign_key in table.foreign_keys:
        items += _foreign_key(table, foreign_key, context)
    for exclusion in table.exclusion_constraints:
        items += _exclusion(table, exclusion, context)
    return items


def _primary_key(key: PrimaryKey, context: Context) -> Code:
    return call(
        context.imports.name("PrimaryKeyConstraint"),
        *(Str(name) for name in key.columns),
        name=Str(key.name),
        deferrable=Atom("True") if key.deferrable else None,
        initially=Str("DEFERRED") if key.initially_deferred else None,
        postgresql_include=_include(key.include),
        comment=_comment(key.comment),
    )


def _unique(unique: UniqueConstraint, context: Context) -> Code:
    return call(
        context.imports.name("UniqueConstraint"),
        *(Str(name) for name in unique.columns),
        name=Str(unique.name),
        deferrable=Atom("True") if unique.deferrable else None,
        initially=Str("DEFERRED") if unique.initially_deferred else None,
        postgresql_nulls_not_distinct=Atom("True") if unique.nulls_not_distinct else None,
        postgresql_include=_include(unique.include),
        comment=_comment(unique.comment),
    )


def _check(table: Table, check: CheckConstraint, context: Context) -> list[Code]:
    subject = f"table {label(table.schema, table.name)}, check constraint {check.name!r}"
    parts = parse_check(check.expression)
    if parts is None:
        return [
            context.note(subject, f"its definition could not be read, so it is left out: {check.expression}")
        ]
    items: list[Code] = []
    # SQLAlchemy writes CHECK constraints into CREATE TABLE, which validates them: NOT VALID
    # needs an ALTER TABLE that SQLAlchemy offers for foreign keys only.
    lost = [
        what
        for what, present in (("NO INHERIT", parts.no_inherit), ("NOT VALID", parts.not_valid))
        if present
    ]
    if lost:
        items.append(
            context.note(
                subject, f"{check.name} is {' and '.join(lost)}, which SQLAlchemy cannot say; it is not kept."
            )
        )
    items.append(
        call(
            context.imports.name("CheckConstraint"),
            Str(sql_text(parts.expression)),
            name=Str(check.name),
            comment=_comment(check.comment),
        )
    )
    return items


def _foreign_key(table: Table, foreign_key: ForeignKey, context: Context) -> list[Code]:
    subject = f"table {label(table.schema, table.name)}, foreign key {foreign_key.name!r}"
    target = context.schema.table(foreign_key.ref_schema, foreign_key.ref_table)
    if target is None:
        return [
            context.note(
                subject,
                f"{foreign_key.name} references {foreign_key.ref_schema}.{foreign_key.ref_table}, "
                "which is outside the managed schemas; SQLAlchemy needs the referenced table in the "
                "same MetaData, so it is left out.",
            )
        ]
    if not foreign_key.enforced:
        return [
            context.note(
                subject,
                f"{foreign_key.name} is NOT ENFORCED (PostgreSQL 18), which SQLAlchemy's "
                "ForeignKeyConstraint cannot say; it is left out, and `check` reports it as a "
                "difference until the code declares an enforced key or the database drops it.",
            )
        ]
    names = (foreign_key.ref_table, *foreign_key.ref_columns)
    if foreign_key.ref_schema != "public":
        names = (foreign_key.ref_schema, *names)
    if any("." in name for name in names):
        return [
            context.note(
                subject,
                f"{foreign_key.name} references a name with a dot in it, which SQLAlchemy's "
                "'table.column' references cannot spell; it is left out.",
            )
        ]
    prefix = label(foreign_key.ref_schema, foreign_key.ref_table)
    return [
        call(
            context.imports.name("ForeignKeyConstraint"),
            list_of([Str(name) for name in foreign_key.columns]),
            list_of([Str(f"{prefix}.{name}") for name in foreign_key.ref_columns]),
            name=Str(foreign_key.name),
            onupdate=_action(foreign_key.on_update),
            ondelete=_action(foreign_key.on_delete),
            match=Str(foreign_key.match) if foreign_key.match != "SIMPLE" else None,
            deferrable=Atom("True") if foreign_key.deferrable else None,
            initially=Str("DEFERRED") if foreign_key.initially_deferred else None,
            # NOT VALID holds only for a constraint added to an existing table: CREATE TABLE
            # validates its own constraints, so the key is added by ALTER TABLE.
            use_alter=Atom("True") if not foreign_key.validated else None,
            postgresql_not_valid=Atom("True") if not foreign_key.validated else None,
            comment=_comment(foreign_key.comment),
        )
    ]


def _exclusion(table: Table, exclusion: ExclusionConstraint, context: Context) -> list[Code]:
    subject = f"table {label(table.schema, table.name)}, exclusion constraint {exclusion.name!r}"
    parts = parse_exclusion(exclusion.definition)
    if parts is None:
        return [
            context.note(
                subject, f"its definition could not be read, so it is left out: {exclusion.definition}"
            )
        ]
    items: list[Code] = []
    lost = [
        what
        for what, present in (
            (f"INCLUDE ({parts.include})", parts.include is not None),
            (f"WITH ({parts.storage})", parts.storage is not None),
            (f"the comment {exclusion.comment!r}", exclusion.comment is not None),
        )
        if present
    ]
    if lost:
        items.append(
            context.note(
                subject, f"SQLAlchemy's ExcludeConstraint cannot say {', '.join(lost)} of {exclusion.name}."
            )
        )
    columns = {form: column.name for column in table.columns for form in printed_forms(column.name)}
    elements: list[Code] = []
    for element, operator in parts.elements:
        # A plain column is named; anything else (an expression, an operator class, an
        # order) is PostgreSQL's own text.
        subject_code = Str(columns[element]) if element in columns else text_call(element, context)
        elements.append(tuple_of([subject_code, Str(operator)]))
    items.append(
        call(
            context.imports.name("ExcludeConstraint"),
            *elements,
            name=Str(exclusion.name),
            using=Str(parts.method) if parts.method != "gist" else None,
            where=text_call(without_outer_brackets(parts.where), context) if parts.where else None,
            deferrable=Atom("True") if parts.deferrable else None,
            initially=Str("DEFERRED") if parts.initially_deferred else None,
        )
    )
    return items


def _include(columns: tuple[str, ...]) -> Code | None:
    return list_of([Str(name) for name in columns]) if columns else None


def _action(action: str) -> Code | None:
    return Str(action) if action != "NO ACTION" else None


def _comment(comment: str | None) -> Code | None:
    return Str(comment) if comment is not None else None
