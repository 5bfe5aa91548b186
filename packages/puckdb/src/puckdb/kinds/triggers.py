"""Triggers on tables and views: created after everything they need, dropped before it
goes, created again whenever their definition changes or their table or view is dropped
to be created again (a view re-created for a column change loses its INSTEAD OF trigger
otherwise), or the function they run is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from puckdb.kinds.base import Hazard, Key, Kind, Operation, Phase, PlanContext, Rows, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.kinds.functions import RecreateFunction
from puckdb.kinds.tables import RenameTable
from puckdb.kinds.views import DropView
from puckdb.model import Schema, Trigger
from puckdb.quoting import as_printed, ident

# Triggers a partitioned table's own trigger cloned onto its partitions have a parent
# (tgparentid); the foreign keys' triggers are internal. Triggers on partitions, foreign
# tables and extension members are not ours (named as unmanaged where they are in a
# managed schema).
TRIGGERS = """
SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) AS definition,
       t.tgenabled::text AS enabled, fn.nspname AS function_schema, f.proname AS function_name,
       obj_description(t.oid, 'pg_trigger') AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND NOT t.tgisinternal AND t.tgparentid = 0
  AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
"""

_ENABLED = {
    "D": "DISABLE TRIGGER",
    "R": "ENABLE REPLICA TRIGGER",
    "A": "ENABLE ALWAYS TRIGGER",
    "O": "ENABLE TRIGGER",
}


@dataclass(frozen=True)
class CreateTrigger(Operation):
    trigger: Trigger

    phase = Phase.CREATE_TRIGGERS

    def render(self) -> tuple[str, ...]:
        statements = [self.trigger.definition]
        if self.trigger.enabled != "O":
            table = ident(self.trigger.schema, self.trigger.table)
            statements.append(
                f"ALTER TABLE {table} {_ENABLED[self.trigger.enabled]} {ident(self.trigger.name)}"
            )
        return tuple(statements)


@dataclass(frozen=True)
class DropTrigger(Operation):
    trigger: Trigger
    recreated: bool = False
    """Dropped only to be created again (a new definition, a re-created view or function)."""

    phase = Phase.DROP_TRIGGERS

    def render(self) -> tuple[str, ...]:
        return (
            f"DROP TRIGGER {ident(self.trigger.name)} ON {ident(self.trigger.schema, self.trigger.table)}",
        )

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        if self.recreated:
            return ()
        on = name_in_message(self.trigger.schema, self.trigger.table)
        message = f"drops trigger {self.trigger.name} on {on}; what it does on each write stops"
        return (Hazard("backward-incompatible", message),)


@dataclass(frozen=True)
class SetTriggerEnabled(Operation):
    trigger: Trigger

    phase = Phase.CREATE_TRIGGERS

    def render(self) -> tuple[str, ...]:
        table = ident(self.trigger.schema, self.trigger.table)
        return (f"ALTER TABLE {table} {_ENABLED[self.trigger.enabled]} {ident(self.trigger.name)}",)


def _assemble(rows: Rows) -> Mapping[str, Any]:
    triggers = (
        Trigger(
            schema=row["nspname"],
            table=row["relname"],
            name=row["tgname"],
            definition=row["definition"],
            enabled=row["enabled"],
            function=(row["function_schema"], row["function_name"]),
            comment=row["comment"],
        )
        for row in rows["triggers"]
    )
    return {"triggers": tuple(triggers)}


def _follow_rename(trigger: Trigger, renamed: Mapping[Key, str]) -> Trigger:
    """``trigger`` as PostgreSQL shows it once its table is renamed: on the new name, which
    its printed definition names too."""
    new = renamed.get((trigger.schema, trigger.table))
    if new is None:
        return trigger
    on_old = f" ON {as_printed(trigger.schema)}.{as_printed(trigger.table)} "
    on_new = f" ON {as_printed(trigger.schema)}.{as_printed(new)} "
    return replace(trigger, table=new, definition=trigger.definition.replace(on_old, on_new, 1))


def _diff(source: Schema, target: Schema, earlier: Sequence[Operation]) -> list[Operation]:
    # A trigger follows its table's rename, as it does in PostgreSQL (renames run first).
    renamed = {(o.schema, o.old): o.new for o in earlier if isinstance(o, RenameTable)}
    before = {t.key: t for t in (_follow_rename(t, renamed) for t in source.triggers)}
    after = {t.key: t for t in target.triggers}
    remade_relations: set[Key] = {o.view.key for o in earlier if isinstance(o, DropView)}
    remade_functions = {(o.new.schema, o.new.name) for o in earlier if isinstance(o, RecreateFunction)}
    operations: list[Operation] = []
    for key, trigger in after.items():
        old = before.get(key)
        follows = (trigger.schema, trigger.table) in remade_relations or trigger.function in remade_functions
        if old is None or old.definition != trigger.definition or follows:
            if old is not None and (trigger.schema, trigger.table) not in remade_relations:
                operations.append(DropTrigger(old, recreated=True))
            operations.append(CreateTrigger(trigger))
            if trigger.comment is not None:
                operations.append(
                    SetComment("TRIGGER", trigger.schema, trigger.table, trigger.name, trigger.comment)
                )
            continue
        if old.enabled != trigger.enabled:
            operations.append(SetTriggerEnabled(trigger))
        if old.comment != trigger.comment:
            operations.append(
                SetComment("TRIGGER", trigger.schema, trigger.table, trigger.name, trigger.comment)
            )
    # A trigger would go with its table or view; dropping it first says so in the plan.
    operations.extend(DropTrigger(trigger) for key, trigger in before.items() if key not in after)
    return operations


KIND = Kind("triggers", queries=(("triggers", TRIGGERS),), assemble=_assemble, diff=_diff)
