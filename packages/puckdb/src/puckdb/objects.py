"""Schema objects SQLAlchemy cannot express, declared beside the tables on one MetaData.

A :class:`View` and a :class:`SchemaComment` register themselves in ``metadata.info`` so
that whoever holds the MetaData (puckdb's normalizer, the schema loader, a test) finds
them without a second registry to import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.expression import Selectable

_VIEWS_KEY = "puckdb.views"
_SCHEMA_COMMENTS_KEY = "puckdb.schema_comments"


class View:
    """A view or materialized view, declared in code::

        View("card_review_due", metadata, select(cards.c.card_id).where(...))
        View("active_cards", metadata, "SELECT ... FROM cards WHERE ...", materialized=True)

    ``definition`` is SQL text or a SQLAlchemy ``select()``; either way PostgreSQL decides
    its canonical form when puckdb normalizes the schema, so formatting never causes a diff.
    Views are created in the order they are declared, after all tables. ``comment`` is the
    view's comment, ``column_comments`` maps output column names to theirs.
    """

    def __init__(
        self,
        name: str,
        metadata: MetaData,
        definition: str | Selectable,
        *,
        materialized: bool = False,
        schema: str | None = None,
        comment: str | None = None,
        column_comments: Mapping[str, str] | None = None,
    ) -> None:
        if not name:
            raise ValueError("a View needs a name")
        self.name = name
        self.metadata = metadata
        self.definition = definition
        self.materialized = materialized
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
        self.column_comments: dict[str, str] = dict(column_comments or {})
        registry: dict[tuple[str | None, str], View] = metadata.info.setdefault(_VIEWS_KEY, {})
        if self.key in registry:
            raise ValueError(f"a view named {self.qualified_name!r} is already declared on this MetaData")
        registry[self.key] = self

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def sql(self) -> str:
        """The definition as PostgreSQL SQL text (a ``select()`` compiled with literal values)."""
        if isinstance(self.definition, str):
            return self.definition.strip().rstrip(";")
        compiled = self.definition.compile(
            dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
            compile_kwargs={"literal_binds": True},
        )
        return str(compiled)

    def __repr__(self) -> str:
        kind = "materialized view" if self.materialized else "view"
        return f"<puckdb.View {kind} {self.qualified_name}>"


def views_of(metadata: MetaData) -> list[View]:
    """Every :class:`View` declared on ``metadata``, in declaration order."""
    registry: dict[Any, View] = metadata.info.get(_VIEWS_KEY, {})
    return list(registry.values())


class SchemaComment:
    """``COMMENT ON SCHEMA``, declared in code::

        SchemaComment("audit", metadata, "Who changed what, and when")

    The schema itself is one of the managed schemas (the configuration's ``schemas``),
    which puckdb creates; this only gives it its comment. ``comment=None`` says the schema
    has none, as does leaving it undeclared. public's ``'standard public schema'``, which
    initdb gives every new database, counts as no comment (see
    :data:`puckdb.model.PUBLIC_SCHEMA_COMMENT`).
    """

    def __init__(self, schema: str, metadata: MetaData, comment: str | None) -> None:
        if not schema:
            raise ValueError("a SchemaComment needs a schema name")
        self.schema = schema
        self.metadata = metadata
        self.comment = comment
        registry: dict[str, SchemaComment] = metadata.info.setdefault(_SCHEMA_COMMENTS_KEY, {})
        if schema in registry:
            raise ValueError(f"a comment on schema {schema!r} is already declared on this MetaData")
        registry[schema] = self

    def __repr__(self) -> str:
        return f"<puckdb.SchemaComment on {self.schema}: {self.comment!r}>"


def schema_comments_of(metadata: MetaData) -> list[SchemaComment]:
    """Every :class:`SchemaComment` declared on ``metadata``, in declaration order."""
    registry: dict[str, SchemaComment] = metadata.info.get(_SCHEMA_COMMENTS_KEY, {})
    return list(registry.values())
