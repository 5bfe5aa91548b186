"""The canonical model: one immutable, typed description of a database schema.

Every stage speaks it: ``inspect`` reads a database into it, ``normalize`` produces it
from code, ``diff`` compares two of them. See :mod:`puckdb.model.objects` for the objects.
"""

from dataclasses import is_dataclass

from puckdb.model.objects import (
    Aggregate,
    CheckConstraint,
    Collation,
    Column,
    CompositeAttribute,
    CompositeType,
    Domain,
    EnumType,
    ExclusionConstraint,
    Extension,
    FinalModify,
    ForeignKey,
    Function,
    Grant,
    Identity,
    Index,
    IndexKey,
    MatchType,
    Parallel,
    Policy,
    PolicyCommand,
    PrimaryKey,
    ReferentialAction,
    Sequence,
    Table,
    Trigger,
    UniqueConstraint,
    UnmanagedObject,
    View,
)
from puckdb.model.pickling import fast_pickling
from puckdb.model.schema import MODEL_VERSION, PUBLIC_SCHEMA_COMMENT, Schema
from puckdb.model.serialize import ModelFormatError

# Every model class (they are all dataclasses) pickles compactly; see pickling.py.
fast_pickling(
    *(value for value in list(globals().values()) if isinstance(value, type) and is_dataclass(value))
)

__all__ = [
    "MODEL_VERSION",
    "PUBLIC_SCHEMA_COMMENT",
    "Aggregate",
    "CheckConstraint",
    "Collation",
    "Column",
    "CompositeAttribute",
    "CompositeType",
    "Domain",
    "EnumType",
    "ExclusionConstraint",
    "Extension",
    "FinalModify",
    "ForeignKey",
    "Function",
    "Grant",
    "Identity",
    "Index",
    "IndexKey",
    "MatchType",
    "ModelFormatError",
    "Parallel",
    "Policy",
    "PolicyCommand",
    "PrimaryKey",
    "ReferentialAction",
    "Schema",
    "Sequence",
    "Table",
    "Trigger",
    "UniqueConstraint",
    "UnmanagedObject",
    "View",
]
