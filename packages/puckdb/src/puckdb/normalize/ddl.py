"""Schema code → the DDL that creates it, compiled by SQLAlchemy's own PostgreSQL compiler.

The statements are what a fresh database needs, in order: schemas and their comments,
extensions, functions and aggregates (which defaults, checks and indexes may call), then everything
``MetaData.create_all`` emits (types, sequences, tables in foreign-key order, indexes,
comments), then puckdb's own objects that need the tables (partitions, the functions that
need them, the partitions' own indexes and constraints, then views in declaration order,
with their comments, then triggers, row-level security, policies and grants). They are both
executed in the scratch database and hashed as the cache key of the normalized model.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import ARRAY, Column, Constraint, Index, MetaData, Table, UniqueConstraint, create_mock_engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.named_types import CreateEnumType
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable
from sqlalchemy.sql.type_api import TypeEngine

from puckdb.compound_types import CompositeType, Domain, TypeDDL, compound_types_of
from puckdb.errors import SchemaCodeError
from puckdb.kinds.comments import SetComment
from puckdb.kinds.functions import STANDARD_BODY, signature_types
from puckdb.kinds.policies import create_policy_sql
from puckdb.model import Policy as PolicyModel
from puckdb.model import PolicyCommand
from puckdb.objects import (
    Aggregate,
    Collation,
    Function,
    Partition,
    Policy,
    Trigger,
    View,
    aggregates_of,
    collations_of,
    functions_of,
    grants_of,
    partitions_of,
    policies_of,
    row_level_security_of,
    schema_comments_of,
    triggers_of,
    views_of,
)
from puckdb.quoting import ident, literal, qualified

# A partition's constraint as Partition(constraints=…) takes it, CONSTRAINT name first.
_FOREIGN_KEY = re.compile(r'CONSTRAINT\s+(?:"(?:[^"]|"")+"|\S+)\s+FOREIGN\s+KEY\b', re.IGNORECASE)

# Index methods that exist only once an extension is installed.
_EXTENSION_OF_INDEX_METHOD = {"hnsw": "vector", "ivfflat": "vector"}


def compile_metadata(
    metadata: MetaData,
    schemas: Sequence[str],
    extensions: Iterable[str] = (),
) -> tuple[str, ...]:
    """The DDL statements that create ``metadata`` (plus its views) in an empty database.

    ``schemas`` are the managed schemas (created unless ``public``); ``extensions`` are
    created beyond those inferred from the types and index methods in use.
    """
    return (
        *prelude_statements(metadata, schemas, extensions),
        *(sql for _, sql in owned_statements(metadata)),
        *all_view_statements(metadata),
    )


def prelude_statements(
    metadata: MetaData, schemas: Sequence[str], extensions: Iterable[str] = ()
) -> list[str]:
    """The managed schemas (but public) with their comments, the extensions, collations and
    functions, created first."""
    statements: list[str] = []
    for schema in schemas:
        if schema != "public":
            statements.append(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
    statements.extend(schema_comment_statements(metadata, schemas))
    for extension in sorted(set(extensions) | inferred_extensions(metadata)):
        statements.append(f"CREATE EXTENSION IF NOT EXISTS {ident(extension)}")
    statements.extend(
        statement for collation in collations_of(metadata) for statement in collation_statements(collation)
    )
    statements.extend(compound_type_statements(metadata))
    functions = [f for f in functions_of(metadata) if not needs_the_tables(f, metadata)]
    if functions:
        # A body may read a table created below; PostgreSQL checks it when it first runs.
        statements.append("SET check_function_bodies = off")
    statements.extend(statement for function in functions for statement in function_statements(function))
    # After the functions they are built from.
    statements.extend(
        statement for aggregate in aggregates_of(metadata) for statement in aggregate_statements(aggregate)
    )
    return statements


_RETURNS = re.compile(r'\bRETURNS\s+((?:SETOF\s+)?(?:"(?:[^"]|"")*"|[\w.$]+))', re.IGNORECASE)


def needs_the_tables(function: Function, metadata: MetaData) -> bool:
    """Whether ``function`` can only be created once the tables are: its signature uses a
    table's or view's row type, or its body is SQL-standard (``BEGIN ATOMIC``), which
    PostgreSQL binds to the tables it reads when the function is created."""
    if STANDARD_BODY.search(function.definition):
        return True
    returns = _RETURNS.search(function.definition)
    types = signature_types(function.arguments, returns.group(1) if returns else None)
    relations = {table.name for table in metadata.tables.values()}
    relations.update(view.name for view in views_of(metadata))
    relations.update(partition.name for partition in partitions_of(metadata))
    return not types.isdisjoint(relations)


def collation_statements(collation: Collation) -> list[str]:
    """CREATE COLLATION and its comment."""
    statements = [collation.sql()]
    if collation.comment is not None:
        comment = SetComment(
            "COLLATION", collation.schema or "public", collation.name, None, collation.comment
        )
        statements.extend(comment.render())
    return statements


def compound_type_statements(metadata: MetaData) -> list[str]:
    """CREATE DOMAIN and CREATE TYPE … AS (…) with their comments, each after the types it
    is built on (enum types too, which ``create_all`` then leaves out): before the
    functions whose arguments and the tables whose columns may be of them."""
    statements: list[str] = []
    for kind in _compound_types(metadata):
        if isinstance(kind, postgresql.ENUM):
            statements.append(_compiled(CreateEnumType(kind)))
        else:
            statements.extend(kind.statements())
    return statements


def _compound_types(metadata: MetaData) -> list[Domain | CompositeType | postgresql.ENUM]:
    try:
        return compound_types_of(metadata)
    except ValueError as error:
        raise SchemaCodeError(f"The schema code's types cannot be created: {error}.") from error


def function_statements(function: Function) -> list[str]:
    """CREATE FUNCTION (or PROCEDURE) and its comment."""
    statements = [function.sql()]
    if function.comment is not None:
        schema = function.schema or "public"
        comment = SetComment(function.keyword, schema, function.name, function.arguments, function.comment)
        statements.extend(comment.render())
    return statements


def aggregate_statements(aggregate: Aggregate) -> list[str]:
    """CREATE AGGREGATE and its comment."""
    statements = [aggregate.sql()]
    if aggregate.comment is not None:
        schema = aggregate.schema or "public"
        arguments = aggregate.arguments or "*"
        comment = SetComment("AGGREGATE", schema, aggregate.name, arguments, aggregate.comment)
        statements.extend(comment.render())
    return statements


def trigger_statements(trigger: Trigger) -> list[str]:
    """CREATE TRIGGER and its comment."""
    statements = [trigger.sql()]
    if trigger.comment is not None:
        comment = SetComment(
            "TRIGGER", trigger.schema or "public", trigger.table, trigger.name, trigger.comment
        )
        statements.extend(comment.render())
    return statements


def policy_statements(policy: Policy) -> list[str]:
    """CREATE POLICY and its comment, written as migrations write them."""
    command = cast(PolicyCommand, policy.command.upper())
    model = PolicyModel(
        schema=policy.schema or "public",
        table=policy.table,
        name=policy.name,
        permissive=policy.permissive,
        command=command,
        roles=policy.roles,
        using=policy.using,
        with_check=policy.with_check,
        comment=policy.comment,
    )
    statements = [create_policy_sql(model)]
    if policy.comment is not None:
        comment = SetComment("POLICY", model.schema, model.table, model.name, policy.comment)
        statements.extend(comment.render())
    return statements


def partition_statements(partition: Partition) -> list[str]:
    """CREATE TABLE … PARTITION OF and its comment."""
    statements = [partition.sql()]
    if partition.comment is not None:
        comment = SetComment("TABLE", partition.schema or "public", partition.name, None, partition.comment)
        statements.extend(comment.render())
    return statements


def partition_member_statements(partitions: Sequence[Partition]) -> list[str]:
    """The partitions' own indexes, then their keys and checks, then their foreign keys,
    each group for all of them: a foreign key may reference another partition's key, or
    a unique index."""
    indexes: list[str] = []
    constraints: list[str] = []
    foreign_keys: list[str] = []
    for partition in partitions:
        indexes.extend(partition.indexes)
        name = qualified(partition.schema, partition.name)
        for constraint in partition.constraints:
            added = f"ALTER TABLE {name} ADD {constraint}"
            (foreign_keys if _FOREIGN_KEY.match(constraint) else constraints).append(added)
    return [*indexes, *constraints, *foreign_keys]


def schema_comment_statements(metadata: MetaData, schemas: Sequence[str]) -> list[str]:
    """COMMENT ON SCHEMA for each :class:`~puckdb.objects.SchemaComment`, in declaration
    order; one on a schema puckdb does not manage would never be compared, so it is refused."""
    statements: list[str] = []
    for declared in schema_comments_of(metadata):
        if declared.schema not in schemas:
            managed = ", ".join(schemas) or "none"
            raise SchemaCodeError(
                f"The schema code declares a comment on schema {declared.schema!r}, which puckdb does "
                f"not manage (managed schemas: {managed}). Add it to `schemas` in [tool.puckdb], or "
                "remove the SchemaComment."
            )
        comment = "NULL" if declared.comment is None else literal(declared.comment)
        statements.append(f"COMMENT ON SCHEMA {ident(declared.schema)} IS {comment}")
    return statements


def all_view_statements(metadata: MetaData) -> list[str]:
    """puckdb's objects that need the tables, created last: partitions (which a view may
    read), the functions that need the tables (:func:`needs_the_tables`), then the
    partitions' own indexes and constraints (once every partition exists, since a foreign key
    may reference one declared later, and those functions, which a check may call), views in
    declaration order, then triggers (which may be on a view), row-level security and
    policies (whose expressions may read views and call functions), then grants (once
    everything they are on exists)."""
    late = [f for f in functions_of(metadata) if needs_the_tables(f, metadata)]
    partitions = partitions_of(metadata)
    return [
        *(statement for partition in partitions for statement in partition_statements(partition)),
        *(["SET check_function_bodies = off"] if late else []),
        *(statement for function in late for statement in function_statements(function)),
        *partition_member_statements(partitions),
        *(statement for view in views_of(metadata) for statement in view_statements(view)),
        *(statement for trigger in triggers_of(metadata) for statement in trigger_statements(trigger)),
        *(statement for secured in row_level_security_of(metadata) for statement in secured.sql()),
        *(statement for policy in policies_of(metadata) for statement in policy_statements(policy)),
        *(statement for grant in grants_of(metadata) for statement in grant.sql()),
    ]


TableKey = tuple[str, str]


def owned_statements(metadata: MetaData) -> list[tuple[TableKey | None, str]]:
    """What ``MetaData.create_all`` emits, each statement with the table it belongs to
    (None for types and sequences, which tables share), but the enum types a domain or
    composite type is built on (:func:`compound_type_statements` creates those first)."""
    early = {id(kind) for kind in _compound_types(metadata) if isinstance(kind, postgresql.ENUM)}
    return [
        (_owner(element), sql)
        for element, sql in _create_all_elements(metadata)
        if not (isinstance(element, CreateEnumType) and id(element.element) in early)
        and not isinstance(element, TypeDDL)
    ]


def table_key(table: Table) -> TableKey:
    return (table.schema or "public", table.name)


def _owner(element: Any) -> TableKey | None:
    # A DDL(...) attached with event.listen (a common SQLAlchemy idiom) has no element:
    # its text runs with the shared statements, and what it creates is inspected like
    # anything else.
    target = getattr(element, "element", None)
    if isinstance(target, Table):
        return table_key(target)
    owner = getattr(target, "table", None)  # an index, column or constraint
    if isinstance(target, Index | Column | Constraint) and isinstance(owner, Table):
        return table_key(owner)
    return None


def inferred_extensions(metadata: MetaData) -> set[str]:
    """Extensions the schema needs because of the column types and index methods it uses."""
    from pgvector.sqlalchemy import HALFVEC, SPARSEVEC, VECTOR

    needed: set[str] = set()
    for table in metadata.tables.values():
        for column in table.columns:
            kind = _element_type(column.type)
            if isinstance(kind, VECTOR | HALFVEC | SPARSEVEC):
                needed.add("vector")
            elif isinstance(kind, postgresql.CITEXT):
                needed.add("citext")
        for index in table.indexes:
            method = _index_method(index)
            if method in _EXTENSION_OF_INDEX_METHOD:
                needed.add(_EXTENSION_OF_INDEX_METHOD[method])
    return needed


def view_statements(view: View) -> list[str]:
    """CREATE (MATERIALIZED) VIEW for ``view``, its comment, its columns' comments and its
    indexes."""
    kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
    name = qualified(view.schema, view.name)
    statements = [f"CREATE {kind} {name} AS {view.sql()}"]
    if view.comment is not None:
        statements.append(f"COMMENT ON {kind} {name} IS {literal(view.comment)}")
    for column, comment in view.column_comments.items():
        statements.append(f"COMMENT ON COLUMN {name}.{ident(column)} IS {literal(comment)}")
    statements.extend(view.indexes)
    return statements


def _create_all_elements(metadata: MetaData) -> list[tuple[Any, str]]:
    captured: list[Any] = []
    engine = create_mock_engine(
        "postgresql+psycopg://",
        lambda statement, *args, **kwargs: captured.append(statement),
    )
    metadata.create_all(engine, checkfirst=False)
    compiled: list[tuple[Any, str]] = []
    for element in _stable_order(captured):
        folded = _folded_uniques(element.element) if isinstance(element, CreateTable) else []
        if not folded:
            compiled.append((element, _compiled(element)))
            continue
        # CREATE TABLE would fold them into the key (or the earlier unique) over the same
        # columns, and the model would lose what the code declares: they are added after,
        # as ALTER TABLE ... ADD keeps them. The compiler leaves out a constraint marked
        # use_alter.
        for unique in folded:
            unique.use_alter = True  # type: ignore[attr-defined]
        try:
            compiled.append((element, _compiled(element)))
        finally:
            for unique in folded:
                del unique.use_alter  # type: ignore[attr-defined]
        compiled.extend((AddConstraint(unique), _compiled(AddConstraint(unique))) for unique in folded)
    return compiled


def _folded_uniques(table: Table) -> list[UniqueConstraint]:
    """The unique constraints of ``table`` over the same columns as its primary key or an
    earlier unique constraint, in the order CREATE TABLE would meet them."""
    seen: set[tuple[str, ...]] = set()
    if table.primary_key is not None and table.primary_key.columns:
        seen.add(tuple(column.name for column in table.primary_key.columns))
    folded: list[UniqueConstraint] = []
    for constraint in table._sorted_constraints:
        if not isinstance(constraint, UniqueConstraint):
            continue
        columns = tuple(column.name for column in constraint.columns)
        if columns in seen:
            folded.append(constraint)
        seen.add(columns)
    return folded


def _compiled(element: Any) -> str:
    return str(element.compile(dialect=_dialect())).strip()


@functools.cache
def _dialect() -> Any:
    # Compiled for execution as written (no parameters follow), so with a parameter style
    # that leaves `%` alone: psycopg's pyformat would double it ('100%' → '100%%'). One
    # dialect for every statement: it memoizes each type's implementation (a fifth of the
    # compile time of a large schema when every statement had a new one).
    return postgresql.psycopg.dialect(paramstyle="named")  # type: ignore[no-untyped-call]


def _stable_order(elements: list[Any]) -> list[Any]:
    """create_all emits a table's indexes in set order, which changes from one process to
    the next; the DDL is a cache key, so each run of CREATE INDEX is sorted by name."""
    ordered: list[Any] = []
    run: list[Any] = []
    for element in elements:
        if isinstance(element, CreateIndex):
            run.append(element)
            continue
        ordered.extend(sorted(run, key=lambda e: str(e.element.name)))
        run = []
        ordered.append(element)
    ordered.extend(sorted(run, key=lambda e: str(e.element.name)))
    return ordered


def _element_type(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    while isinstance(kind, ARRAY):
        kind = kind.item_type
    return kind


def _index_method(index: Index) -> str | None:
    method = index.dialect_options["postgresql"].get("using")
    return str(method).lower() if method else None
