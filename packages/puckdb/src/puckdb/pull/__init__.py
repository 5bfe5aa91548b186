"""pull: an existing database → a SQLAlchemy 2 declarative module that declares it.

The database is inspected into puckdb's model (:mod:`puckdb.inspect`), and the model is
written as code: a ``Base`` with its own ``MetaData``, ``puckdb.SchemaComment`` for
schema comments, enum types, sequences, a mapped class per table with a primary key,
``Table(...)`` for the others, and ``puckdb.View`` for views (with their columns'
comments). Types, defaults, CHECK bodies, index expressions and view bodies are written
as PostgreSQL prints them, so normalizing the module (:func:`puckdb.normalize.normalize`)
gives back the inspected model. What neither SQLAlchemy nor puckdb's objects can say
(row-level security, comments on indexes, enum types and sequences, materialized views'
indexes, …) is written as a ``# puckdb pull:`` comment where it would have been, and
listed in :attr:`PulledModule.notes`.

Modules: :mod:`~puckdb.pull.module` assembles the module; :mod:`~puckdb.pull.tables`,
:mod:`~puckdb.pull.columns`, :mod:`~puckdb.pull.constraints`,
:mod:`~puckdb.pull.indexes`, :mod:`~puckdb.pull.views` and
:mod:`~puckdb.pull.sequences` write each kind of object; :mod:`~puckdb.pull.types` maps
column types; :mod:`~puckdb.pull.code` lays out the code; :mod:`~puckdb.pull.names`
makes Python names; :mod:`~puckdb.pull.sqltext` reads PostgreSQL's constraint text.
"""

from __future__ import annotations

from collections.abc import Sequence

from puckdb.model import Schema
from puckdb.pull.module import PulledModule, render

__all__ = ["PulledModule", "pull", "pull_module", "render", "render_module"]


def render_module(schema: Schema) -> str:
    """The source of a module that, imported, declares ``schema``."""
    return render(schema).text


def pull_module(url: str, schemas: Sequence[str], ignore_tables: Sequence[str] = ()) -> PulledModule:
    """Inspect the managed ``schemas`` of the database at ``url`` and write them as a module,
    leaving out the tables ``ignore_tables`` matches (see :mod:`puckdb.ignored`).

    Raises :class:`~puckdb.errors.PuckdbError` subclasses when the database cannot be
    reached or read.
    """
    from puckdb.connect import connect
    from puckdb.ignored import without_ignored
    from puckdb.inspect import inspect_schema

    with connect(url, autocommit=True) as conn:
        schema = inspect_schema(conn, list(schemas))
    return render(without_ignored(schema, ignore_tables))


def pull(url: str, schemas: Sequence[str]) -> str:
    """The source of a module declaring the managed ``schemas`` of the database at ``url``."""
    return pull_module(url, schemas).text
