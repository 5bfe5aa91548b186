"""The whole pulled module: docstring, imports, ``Base``, schema comments, collations, enum
types, domains and composite types, sequences, tables, partitions, views, functions,
aggregates, triggers, row-level security, policies, grants and a comment naming what puckdb does not
manage, in that order, each kind sorted by (schema, name) (domains and composite types after
the ones they are built on, partitions after their parents) so equal schemas give equal text."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from puckdb.model import EnumType, Schema, Sequence
from puckdb.pull.code import LINE_LENGTH, Atom, Str, call, comment_lines, statement
from puckdb.pull.collations import collation_lines
from puckdb.pull.compound_types import named_types, ordered, type_lines
from puckdb.pull.context import Context, label
from puckdb.pull.functions import aggregate_lines, function_lines, trigger_lines
from puckdb.pull.grants import grant_lines
from puckdb.pull.imports import ALL_NAMES, Imports
from puckdb.pull.names import Namer, camel_name, snake_name
from puckdb.pull.partitions import partition_lines, partitions_in_order
from puckdb.pull.policies import policy_lines, row_level_security_lines
from puckdb.pull.sequences import (
    data_type_argument,
    option_arguments,
    options_of,
    serial_columns,
    serial_sequence,
)
from puckdb.pull.tables import table_class, table_object
from puckdb.pull.types import RAW_TYPE_CLASS
from puckdb.pull.views import creation_order, view_statement

# The extensions puckdb creates by itself when the schema code uses their column types or
# index methods (see puckdb.normalize.ddl.inferred_extensions).
_TYPE_EXTENSIONS = {"vector": "vector", "halfvec": "vector", "sparsevec": "vector", "citext": "citext"}
_METHOD_EXTENSIONS = {"hnsw": "vector", "ivfflat": "vector"}


@dataclass(frozen=True)
class PulledModule:
    """The source of a schema module and what it could not express."""

    text: str
    notes: tuple[str, ...]
    """One line per object or property that SQLAlchemy (or puckdb's objects) cannot say;
    each is also a ``# puckdb pull:`` comment in the module, where it would have been."""
    tables: int = 0
    views: int = 0


def render(schema: Schema) -> PulledModule:
    """The module that, imported, declares ``schema``."""
    imports = Imports()
    names = Namer([*ALL_NAMES, "Base", RAW_TYPE_CLASS])
    enums = {enum.key: names.take(_variable(enum.schema, enum.name)) for enum in schema.enums}
    compound = ordered(schema)
    compound_names = {item.key: names.take(_variable(item.schema, item.name)) for item in compound}
    context = Context(schema=schema, imports=imports, enums=enums, serial=serial_columns(schema))
    named_types(compound, compound_names, context)
    serial_keys = _serial_sequence_keys(schema, context)

    blocks: list[list[str]] = []
    enum_lines = [line for enum in schema.enums for line in _enum(enum, enums[enum.key], context)]
    compound_lines = [
        line for item in compound for line in [*type_lines(item, compound_names[item.key], context), ""]
    ][:-1]
    sequence_lines = [
        line
        for sequence in schema.sequences
        if sequence.key not in serial_keys
        for line in _sequence(sequence, names.take(_variable(sequence.schema, sequence.name)), context)
    ]
    # Class bodies may refer to the imports and the enum types, so attributes avoid those.
    body_names = frozenset([*ALL_NAMES, *enums.values(), *compound_names.values()])
    tables: list[list[str]] = []
    table_names: dict[tuple[str, str], str] = {}
    for table in schema.tables:
        if table.partition_of is not None:
            continue  # a Partition, after the tables
        if table.primary_key is not None:
            class_name = names.take(_class(table.schema, table.name), suffix="Table")
            tables.append(table_class(table, class_name, context, body_names))
            table_names[table.key] = class_name
        else:
            variable = names.take(_variable(table.schema, table.name))
            tables.append(table_object(table, variable, context))
            table_names[table.key] = variable
    partitions: list[list[str]] = []
    for partition in partitions_in_order(schema):
        variable = names.take(_variable(partition.schema, partition.name))
        table_names[partition.key] = variable
        partitions.append(partition_lines(partition, variable, table_names, context))
    views = [
        view_statement(view, names.take(_variable(view.schema, view.name)), context)
        for view in creation_order(schema.views)
    ]

    if context.uses_raw_type:
        blocks.append(_raw_type_class(imports))
    blocks.append(_base(imports))
    collations = [line for collation in schema.collations for line in collation_lines(collation, context)]
    for group in (_schema_comments(schema, imports), collations, enum_lines, compound_lines, sequence_lines):
        if group:
            blocks.append(group)
    blocks += tables
    if partitions:
        blocks.append([line for partition in partitions for line in [*partition, ""]][:-1])
    if views:
        blocks.append([line for view in views for line in [*view, ""]][:-1])
    # Functions after the tables in the module (which only declares them; normalize
    # creates them before the tables), triggers after the views they may be on.
    for group in (
        [line for function in schema.functions for line in [*function_lines(function, context), ""]][:-1],
        [line for aggregate in schema.aggregates for line in [*aggregate_lines(aggregate, context), ""]][:-1],
        [line for trigger in schema.triggers for line in [*trigger_lines(trigger, context), ""]][:-1],
        [line for table in schema.tables for line in row_level_security_lines(table, context)],
        [line for policy in schema.policies for line in [*policy_lines(policy, context), ""]][:-1],
        [line for grant in schema.grants for line in grant_lines(grant, context)],
    ):
        if group:
            blocks.append(group)
    if schema.unmanaged:
        blocks.append(_unmanaged(schema, context))

    lines = [*_docstring(schema, context), "", *imports.lines()]
    for block in blocks:
        lines += ["", "", *block]
    return PulledModule(
        text="\n".join(lines) + "\n",
        notes=tuple(context.notes),
        tables=len(schema.tables),
        views=len(schema.views),
    )


def _docstring(schema: Schema, context: Context) -> list[str]:
    lines = [
        "The database schema as SQLAlchemy models, written by `puckdb pull`.",
        "",
        f"Schemas: {', '.join(schema.schemas) or 'none'}.",
    ]
    if schema.extensions:
        lines.append(f"Extensions: {', '.join(f'{e.name} {e.version}' for e in schema.extensions)}.")
    # puckdb creates the schemas and extensions its configuration names (and the extensions
    # that the column types need); the module cannot create them itself.
    if schema.schemas != ("public",):
        lines.append("Name these schemas under `schemas` in [tool.puckdb].")
    inferred = _inferred_extensions(schema)
    others = [e.name for e in schema.extensions if e.name not in inferred]
    if others:
        lines.append(f"Name {', '.join(others)} under `extensions` in [tool.puckdb].")
    if context.notes:
        lines.append(
            f"{len(context.notes)} thing(s) SQLAlchemy cannot express are not kept: see the "
            "comments starting with `puckdb pull:`."
        )
    # Names come from the database: nothing in them may end the docstring or escape.
    safe = [line.replace("\\", "\\\\").replace('"""', '\\"""') for line in lines]
    wrapped = [
        part
        for line in safe
        for part in (textwrap.wrap(line, LINE_LENGTH, break_long_words=False, break_on_hyphens=False) or [""])
    ]
    return ['"""' + wrapped[0], *wrapped[1:], '"""']


def _inferred_extensions(schema: Schema) -> set[str]:
    found: set[str] = set()
    for table in schema.tables:
        for column in table.columns:
            base = re.sub(r"\(.*|\[\]", "", column.data_type)
            if base in _TYPE_EXTENSIONS:
                found.add(_TYPE_EXTENSIONS[base])
        for index in table.indexes:
            if index.method in _METHOD_EXTENSIONS:
                found.add(_METHOD_EXTENSIONS[index.method])
    return found


def _unmanaged(schema: Schema, context: Context) -> list[str]:
    """A comment naming each object puckdb does not manage: the module cannot declare
    them, and a reader must not take their absence for the database's."""
    lines = [
        "# puckdb pull: the database also holds what puckdb does not manage, which this module",
        "# cannot declare; keep them in hand-written migrations (`puckdb generate --custom`):",
    ]
    for item in schema.unmanaged:
        context.notes.append(f"{item.label}: not managed by puckdb, not in this module")
        lines.append(f"#   {item.label}")
    return lines


def _base(imports: Imports) -> list[str]:
    return [
        f"class Base({imports.name('DeclarativeBase')}):",
        f"    metadata = {imports.name('MetaData')}()",
    ]


def _schema_comments(schema: Schema, imports: Imports) -> list[str]:
    """``SchemaComment(...)`` for each schema with a comment (public's initdb comment is
    none in the model, so it is never written)."""
    lines: list[str] = []
    for name, comment in schema.schema_comments:
        lines += call(imports.name("SchemaComment"), Str(name), Atom("Base.metadata"), Str(comment)).lines(
            0, "", ""
        )
    return lines


def _raw_type_class(imports: Imports) -> list[str]:
    user_defined = imports.name("UserDefinedType")
    imports.name("Any")
    return [
        f"class {RAW_TYPE_CLASS}({user_defined}[Any]):",
        '    """A PostgreSQL type SQLAlchemy has no class for, written by name."""',
        "",
        "    cache_ok = True",
        "",
        "    def __init__(self, name: str) -> None:",
        "        self.name = name",
        "",
        "    def get_col_spec(self, **kw: object) -> str:",
        "        return self.name",
    ]


def _enum(enum: EnumType, variable: str, context: Context) -> list[str]:
    lines: list[str] = []
    if enum.comment is not None:
        comment = context.note(
            f"enum type {label(enum.schema, enum.name)}",
            f"the comment on type {enum.name} ({enum.comment!r}) cannot be expressed in SQLAlchemy; "
            "it is not kept.",
        )
        lines += comment_lines(comment.text, 0)
    value = call(
        context.imports.name("ENUM"),
        *(Str(value) for value in enum.labels),
        name=Str(enum.name),
        schema=Str(enum.schema) if enum.schema != "public" else None,
        metadata=Atom("Base.metadata"),
    )
    return lines + statement(variable, value)


def _sequence(sequence: Sequence, variable: str, context: Context) -> list[str]:
    lines: list[str] = []
    subject = f"sequence {label(sequence.schema, sequence.name)}"
    if sequence.owned_by is not None:
        table, column = sequence.owned_by
        comment = context.note(
            subject,
            f"{sequence.name} is owned by {table}.{column} (dropped with it), which SQLAlchemy "
            "cannot express; the ownership is not kept.",
        )
        lines += comment_lines(comment.text, 0)
    if sequence.comment is not None:
        comment = context.note(
            subject,
            f"the comment on sequence {sequence.name} ({sequence.comment!r}) cannot be expressed "
            "in SQLAlchemy; it is not kept.",
        )
        lines += comment_lines(comment.text, 0)
    options = option_arguments(options_of(sequence, sequence.data_type))
    value = call(
        context.imports.name("Sequence"),
        Str(sequence.name),
        data_type=data_type_argument(sequence.data_type, context.imports),
        **dict(options),
        schema=Str(sequence.schema) if sequence.schema != "public" else None,
        metadata=Atom("Base.metadata"),
    )
    return lines + statement(variable, value)


def _serial_sequence_keys(schema: Schema, context: Context) -> set[tuple[str, str]]:
    """The sequences of serial columns: SQLAlchemy's SERIAL creates them, so they are not
    written (a comment on one is noted with its table)."""
    keys: set[tuple[str, str]] = set()
    for table_key, column_name in context.serial.items():
        table = schema.table(*table_key)
        column = table.column(column_name) if table is not None else None
        if table is None or column is None:
            continue
        sequence = serial_sequence(schema, table, column)
        if sequence is not None:
            keys.add(sequence.key)
    return keys


def _variable(schema: str, name: str) -> str:
    return snake_name(name if schema == "public" else f"{schema}_{name}", fallback="item")


def _class(schema: str, name: str) -> str:
    return camel_name(name if schema == "public" else f"{schema}_{name}")
