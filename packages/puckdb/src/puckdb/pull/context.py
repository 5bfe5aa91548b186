"""What rendering one table needs to know about the rest of the module."""

from __future__ import annotations

from dataclasses import dataclass, field

from puckdb.model import Schema
from puckdb.pull.code import Comment
from puckdb.pull.imports import Imports
from puckdb.pull.types import PythonType


@dataclass
class Context:
    schema: Schema
    imports: Imports
    enums: dict[tuple[str, str], str]
    """(schema, name) of each enum type → the module variable that holds it."""
    serial: dict[tuple[str, str], str]
    """(schema, table) → its serial column (see :func:`puckdb.pull.sequences.serial_columns`)."""
    named_types: dict[tuple[str, str], PythonType] = field(default_factory=dict)
    """(schema, name) of each domain and composite type → how a column of it is written."""
    uses_raw_type: bool = False
    """Whether a column needs the module's helper for types SQLAlchemy has no class for."""
    notes: list[str] = field(default_factory=list)
    """Everything the module cannot express, for the caller to report."""

    def note(self, subject: str, text: str) -> Comment:
        """Record that something is not expressed, and return the comment that says so
        where it would have been."""
        self.notes.append(f"{subject}: {text}")
        return Comment(f"puckdb pull: {text}")


def label(schema: str, name: str) -> str:
    """``name`` in public, ``schema.name`` elsewhere, for messages."""
    return name if schema == "public" else f"{schema}.{name}"
