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
    MatchType,
    PrimaryKey,
    ReferentialAction,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from puckdb.model.schema import MODEL_VERSION, Schema
from puckdb.model.serialize import ModelFormatError

__all__ = [
    "MODEL_VERSION",
    "CheckConstraint",
    "Column",
    "EnumType",
    "ExclusionConstraint",
    "Extension",
    "ForeignKey",
    "Identity",
    "Index",
    "IndexKey",
    "MatchType",
    "ModelFormatError",
    "PrimaryKey",
    "ReferentialAction",
    "Schema",
    "Sequence",
    "Table",
    "UniqueConstraint",
    "View",
]
