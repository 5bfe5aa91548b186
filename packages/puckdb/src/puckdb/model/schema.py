"""The root of the model: everything puckdb manages in one database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from puckdb.model.objects import (
    Aggregate,
    Collation,
    CompositeType,
    Domain,
    EnumType,
    Extension,
    Function,
    Grant,
    Policy,
    Sequence,
    Table,
    Trigger,
    UnmanagedObject,
    View,
)

MODEL_VERSION = 7
"""Written into every serialized schema and checked when reading one back; raised whenever
the model's shape changes, so that data from another puckdb is refused, not misread.
(2: schema comments, view column comments; 3: unmanaged objects, functions, triggers;
4: index key collations, deferrable primary keys, NOT ENFORCED, collations, row-level
security policies, view column dependencies, domains and composite types; 5: grants,
partitioned tables and partitions; 6: aggregates; 7: INCLUDE columns of primary keys and
unique constraints.)"""

PUBLIC_SCHEMA_COMMENT = "standard public schema"
"""The comment ``initdb`` gives the public schema. The model reads it as no comment: a
database whose public schema was dropped and re-created (a common reset) has none, and
that must not be drift against one that kept initdb's."""


_K = TypeVar("_K", CompositeType, Domain, EnumType, Sequence, Table, View)


@dataclass(frozen=True, slots=True)
class Schema:
    """A database's managed schemas and what they hold.

    Sorted on construction (schemas, schema comments and extensions by name, the rest by
    (schema, name)), so two descriptions of the same database are equal and serialize to
    the same text. The defaults describe a new, empty database.
    """

    schemas: tuple[str, ...] = ("public",)
    """The managed schemas that exist."""
    extensions: tuple[Extension, ...] = ()
    enums: tuple[EnumType, ...] = ()
    domains: tuple[Domain, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    schema_comments: tuple[tuple[str, str], ...] = ()
    """(schema, comment) of the managed schemas that have a comment, by name; a comment on
    a schema that is not in :attr:`schemas` is dropped. public's initdb comment
    (:data:`PUBLIC_SCHEMA_COMMENT`) counts as none."""
    functions: tuple[Function, ...] = ()
    """Functions and procedures, by (schema, name, arguments)."""
    aggregates: tuple[Aggregate, ...] = ()
    """Aggregates (but ordered-set ones), by (schema, name, arguments)."""
    triggers: tuple[Trigger, ...] = ()
    """Triggers on the managed tables and views, by (schema, table, name)."""
    collations: tuple[Collation, ...] = ()
    """Collations made by ``CREATE COLLATION``, by (schema, name)."""
    policies: tuple[Policy, ...] = ()
    """Row-level security policies on the managed tables, by (schema, table, name)."""
    grants: tuple[Grant, ...] = ()
    """Privileges on managed objects that differ from PostgreSQL's defaults (see
    :class:`~puckdb.model.Grant`), by (kind, schema, name, arguments, grantee)."""
    unmanaged: tuple[UnmanagedObject, ...] = ()
    """What the managed schemas hold that no kind of puckdb's covers, sorted by (schema,
    kind, name): named by every command, never created, altered or compared in detail."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "schemas", tuple(sorted(self.schemas)))
        object.__setattr__(self, "schema_comments", _schema_comments(self.schema_comments, self.schemas))
        object.__setattr__(self, "extensions", tuple(sorted(self.extensions, key=lambda e: e.name)))
        object.__setattr__(self, "enums", _by_key(self.enums))
        object.__setattr__(self, "domains", _by_key(self.domains))
        object.__setattr__(self, "composite_types", _by_key(self.composite_types))
        object.__setattr__(self, "sequences", _by_key(self.sequences))
        object.__setattr__(self, "tables", _by_key(self.tables))
        object.__setattr__(self, "views", _by_key(self.views))
        object.__setattr__(self, "functions", tuple(sorted(self.functions, key=lambda f: f.key)))
        object.__setattr__(self, "aggregates", tuple(sorted(self.aggregates, key=lambda a: a.key)))
        object.__setattr__(self, "triggers", tuple(sorted(self.triggers, key=lambda t: t.key)))
        object.__setattr__(self, "collations", tuple(sorted(self.collations, key=lambda c: c.key)))
        object.__setattr__(self, "policies", tuple(sorted(self.policies, key=lambda p: p.key)))
        object.__setattr__(self, "grants", tuple(sorted(self.grants, key=lambda g: g.key)))
        object.__setattr__(
            self,
            "unmanaged",
            tuple(
                sorted(set(self.unmanaged), key=lambda o: (o.schema, o.kind, o.name, o.relation or ("", "")))
            ),
        )

    def schema_comment(self, name: str) -> str | None:
        """The comment on the managed schema ``name``, or None."""
        return next((comment for schema, comment in self.schema_comments if schema == name), None)

    def table(self, schema: str, name: str) -> Table | None:
        """The table ``schema.name``, or None."""
        return _find(self.tables, (schema, name))

    def view(self, schema: str, name: str) -> View | None:
        """The view or materialized view ``schema.name``, or None."""
        return _find(self.views, (schema, name))

    def enum(self, schema: str, name: str) -> EnumType | None:
        """The enum type ``schema.name``, or None."""
        return _find(self.enums, (schema, name))

    def domain(self, schema: str, name: str) -> Domain | None:
        """The domain ``schema.name``, or None."""
        return _find(self.domains, (schema, name))

    def composite_type(self, schema: str, name: str) -> CompositeType | None:
        """The composite type ``schema.name``, or None."""
        return _find(self.composite_types, (schema, name))

    def sequence(self, schema: str, name: str) -> Sequence | None:
        """The sequence ``schema.name`` (not an identity column's), or None."""
        return _find(self.sequences, (schema, name))

    def extension(self, name: str) -> Extension | None:
        """The installed extension ``name``, or None."""
        return next((e for e in self.extensions if e.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible data that :meth:`from_dict` reads back into an equal schema."""
        from puckdb.model.serialize import schema_to_data

        return schema_to_data(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schema:
        """The schema :meth:`to_dict` described; raises
        :class:`~puckdb.model.serialize.ModelFormatError` for anything else."""
        from puckdb.model.serialize import schema_from_data

        return schema_from_data(data)

    def to_json(self) -> str:
        """Compact JSON with sorted keys: equal schemas give identical text."""
        from puckdb.model.serialize import schema_to_json

        return schema_to_json(self)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        """The schema :meth:`to_json` wrote; raises
        :class:`~puckdb.model.serialize.ModelFormatError` for anything else."""
        from puckdb.model.serialize import schema_from_json

        return schema_from_json(text)


def _schema_comments(
    comments: tuple[tuple[str, str], ...], schemas: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    kept = tuple(
        sorted(pair for pair in comments if pair[0] in schemas and pair != ("public", PUBLIC_SCHEMA_COMMENT))
    )
    if len({name for name, _ in kept}) != len(kept):
        raise ValueError(f"a schema has one comment at most, not {kept!r}")
    return kept


def _by_key(items: tuple[_K, ...]) -> tuple[_K, ...]:
    return tuple(sorted(items, key=lambda item: item.key))


def _find(items: Iterable[_K], key: tuple[str, str]) -> _K | None:
    return next((item for item in items if item.key == key), None)
