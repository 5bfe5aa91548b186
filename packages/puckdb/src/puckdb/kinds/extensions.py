"""Extensions: created and dropped by name, moved between managed schemas; their own
objects are never managed. An extension in a schema puckdb does not manage (Supabase's
``extensions``, say) belongs to whoever manages that schema: no plan drops or moves it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Rows
from puckdb.model import Extension, Schema
from puckdb.quoting import ident

EXTENSIONS = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
"""


@dataclass(frozen=True)
class CreateExtension(Operation):
    extension: Extension

    phase = Phase.CREATE_EXTENSIONS

    def render(self) -> tuple[str, ...]:
        name, schema = ident(self.extension.name), ident(self.extension.schema)
        return (f"CREATE EXTENSION IF NOT EXISTS {name} WITH SCHEMA {schema}",)


@dataclass(frozen=True)
class DropExtension(Operation):
    extension: Extension

    phase = Phase.DROP_EXTENSIONS

    def render(self) -> tuple[str, ...]:
        return (f"DROP EXTENSION {ident(self.extension.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = f"drops extension {self.extension.name}; code using its types breaks"
        return (Hazard("backward-incompatible", message),)


@dataclass(frozen=True)
class MoveExtension(Operation):
    """``ALTER EXTENSION … SET SCHEMA``: its types and functions move, so every column and
    expression naming them qualified by the old schema now names the new one."""

    extension: Extension
    old_schema: str

    phase = Phase.CREATE_EXTENSIONS

    def render(self) -> tuple[str, ...]:
        return (f"ALTER EXTENSION {ident(self.extension.name)} SET SCHEMA {ident(self.extension.schema)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = (
            f"moves extension {self.extension.name} from schema {self.old_schema} to "
            f"{self.extension.schema}; code naming its types or functions by schema breaks"
        )
        return (Hazard("backward-incompatible", message),)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    extensions = (Extension(r["extname"], r["nspname"], r["extversion"]) for r in rows["extensions"])
    return {"extensions": tuple(extensions)}


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    source_extensions = {e.name: e for e in source.extensions}
    target_extensions = {e.name: e for e in target.extensions}
    # Versions are not compared: which version CREATE EXTENSION installs is the server's
    # business, and an upgrade is an explicit, hand-written migration.
    operations: list[Operation] = [
        CreateExtension(e) for n, e in target_extensions.items() if n not in source_extensions
    ]
    managed = set(source.schemas) & set(target.schemas)
    for name, extension in target_extensions.items():
        before = source_extensions.get(name)
        if (
            before is not None
            and before.schema != extension.schema
            and {before.schema, extension.schema} <= managed
        ):
            operations.append(MoveExtension(extension, before.schema))
    operations.extend(
        DropExtension(e)
        for n, e in source_extensions.items()
        if n not in target_extensions and e.schema in managed
    )
    return operations


KIND = Kind("extensions", queries=(("extensions", EXTENSIONS),), assemble=_assemble, diff=_diff)
