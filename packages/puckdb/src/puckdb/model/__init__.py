"""The canonical model: one immutable, typed description of a database schema.

Every stage speaks it: ``inspect`` reads a database into it, ``normalize`` produces it
from code, ``diff`` compares two of them. See :mod:`puckdb.model.objects` for the objects.
"""

from puckdb.model.objects import (
    CheckConstraint,
    Column,
    EnumType,
    ExclusionConstraint,
    Extension,
    ForeignKey,
    Identity,
    Index,
    IndexKey,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from puckdb.model.schema import Schema

__all__ = [
    "CheckConstraint",
    "Column",
    "EnumType",
    "ExclusionConstraint",
    "Extension",
    "ForeignKey",
    "Identity",
    "Index",
    "IndexKey",
    "PrimaryKey",
    "Schema",
    "Sequence",
    "Table",
    "UniqueConstraint",
    "View",
]
