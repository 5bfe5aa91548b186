"""Schema objects SQLAlchemy cannot express, declared beside the tables on one MetaData.

A :class:`View` registers itself in ``metadata.info`` so that whoever holds the MetaData
(puckdb's normalizer, the schema loader, a test) finds every view of a schema without a
second registry to import.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.expression import Selectable

_VIEWS_KEY = "puckdb.views"


class View:
    """A view or materialized view, declared in code::

        View("card_review_due", metadata, select(cards.c.card_id).where(...))
        View("active_cards", metadata, "SELECT ... FROM cards WHERE ...", materialized=True)

    ``definition`` is SQL text or a SQLAlchemy ``select()``; either way PostgreSQL decides
    its canonical form when puckdb normalizes the schema, so formatting never causes a diff.
    Views are created in the order they are declared, after all tables.
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
    ) -> None:
        if not name:
            raise ValueError("a View needs a name")
        self.name = name
        self.metadata = metadata
        self.definition = definition
        self.materialized = materialized
        self.schema = schema if schema is not None else metadata.schema
        self.comment = comment
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
