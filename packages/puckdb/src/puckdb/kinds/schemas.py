"""Schemas: the managed ones are created and dropped (never public), with their comments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows
from puckdb.kinds.comments import SetComment
from puckdb.model import Schema
from puckdb.quoting import ident

SCHEMAS = """
SELECT nspname, obj_description(oid, 'pg_namespace') AS comment
FROM pg_namespace WHERE nspname = ANY(%(schemas)s::text[]) ORDER BY nspname
"""


@dataclass(frozen=True)
class CreateSchema(Operation):
    name: str

    phase = Phase.CREATE_SCHEMAS

    def render(self) -> tuple[str, ...]:
        return (f"CREATE SCHEMA {ident(self.name)}",)


@dataclass(frozen=True)
class DropSchema(Operation):
    name: str

    phase = Phase.DROP_SCHEMAS

    def render(self) -> tuple[str, ...]:
        return (f"DROP SCHEMA {ident(self.name)}",)

    def dropped_schemas(self) -> tuple[str, ...]:
        return (self.name,)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        return (Hazard("backward-incompatible", f"drops schema {self.name}"),)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    return {
        "schemas": tuple(row["nspname"] for row in rows["schemas"]),
        "schema_comments": tuple((r["nspname"], r["comment"]) for r in rows["schemas"] if r["comment"]),
    }


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    operations: list[Operation] = [
        CreateSchema(name) for name in target.schemas if name not in source.schemas
    ]
    operations.extend(
        DropSchema(name) for name in source.schemas if name not in target.schemas and name != "public"
    )
    # A comment for each schema of the target whose comment differs (a new schema's
    # comment follows its CREATE SCHEMA; a dropped schema's goes with it).
    for name in target.schemas:
        before = source.schema_comment(name) if name in source.schemas else None
        after = target.schema_comment(name)
        if before != after:
            operations.append(SetComment("SCHEMA", name, name, None, after))
    return operations


KIND = Kind("schemas", queries=(("schemas", SCHEMAS),), assemble=_assemble, diff=_diff)
