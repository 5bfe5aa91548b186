"""Sequences: standalone ones and serial columns' (which their column owns). Identity
columns' sequences belong to the column (``kinds/columns.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence as Seq
from dataclasses import dataclass, replace
from typing import Any

from puckdb.kinds.base import Hazard, Kind, Operation, Phase, PlanContext, Row, Rows, name_in_message
from puckdb.kinds.comments import SetComment
from puckdb.model import Identity, Schema, Sequence
from puckdb.quoting import ident

# Identity columns' sequences (deptype 'i') belong to their column; a serial column's
# sequence (deptype 'a') is a real sequence that the column owns.
SEQUENCES = """
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       owner.relname AS owner_table, owner_column.attname AS owner_column,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend own ON own.classid = 'pg_class'::regclass AND own.objid = c.oid
     AND own.refclassid = 'pg_class'::regclass AND own.deptype = 'a'
LEFT JOIN pg_class owner ON owner.oid = own.refobjid
LEFT JOIN pg_attribute owner_column ON owner_column.attrelid = own.refobjid
     AND owner_column.attnum = own.refobjsubid
WHERE n.nspname = ANY(%(schemas)s::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))
ORDER BY n.nspname, c.relname
"""


def sequence_options(sequence: Sequence | Identity) -> str:
    """The options a sequence and an identity column's sequence share, as SQL."""
    cycle = "CYCLE" if sequence.cycle else "NO CYCLE"
    return (
        f"START WITH {sequence.start} INCREMENT BY {sequence.increment} MINVALUE {sequence.min_value} "
        f"MAXVALUE {sequence.max_value} CACHE {sequence.cache} {cycle}"
    )


def sequence_option_values(row: Row) -> dict[str, Any]:
    """The options an identity column's sequence and a sequence share, from pg_sequence."""
    return {
        "start": row["seqstart"],
        "increment": row["seqincrement"],
        "min_value": row["seqmin"],
        "max_value": row["seqmax"],
        "cache": row["seqcache"],
        "cycle": row["seqcycle"],
    }


@dataclass(frozen=True)
class CreateSequence(Operation):
    sequence: Sequence

    phase = Phase.CREATE_SEQUENCES

    def render(self) -> tuple[str, ...]:
        s = self.sequence
        return (f"CREATE SEQUENCE {ident(s.schema, s.name)} AS {s.data_type} {sequence_options(s)}",)


@dataclass(frozen=True)
class DropSequence(Operation):
    sequence: Sequence

    phase = Phase.DROP_TYPES_AND_SEQUENCES

    def phase_in(self, context: PlanContext) -> Phase:
        owner = self.sequence.owned_by
        if owner is not None and (self.sequence.schema, *owner) in context.added_identities:
            return Phase.DROP_SERIAL_SEQUENCES
        return self.phase

    def render(self) -> tuple[str, ...]:
        return (f"DROP SEQUENCE {ident(self.sequence.schema, self.sequence.name)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        name = name_in_message(self.sequence.schema, self.sequence.name)
        return (Hazard("backward-incompatible", f"drops sequence {name} and its current value"),)


@dataclass(frozen=True)
class AlterSequence(Operation):
    old: Sequence
    new: Sequence

    phase = Phase.CREATE_SEQUENCES

    def render(self) -> tuple[str, ...]:
        s = self.new
        return (f"ALTER SEQUENCE {ident(s.schema, s.name)} AS {s.data_type} {sequence_options(s)}",)


@dataclass(frozen=True)
class SetSequenceOwner(Operation):
    sequence: Sequence

    phase = Phase.SET_SEQUENCE_OWNERS

    def render(self) -> tuple[str, ...]:
        s = self.sequence
        owner = "NONE" if s.owned_by is None else ident(s.schema, s.owned_by[0], s.owned_by[1])
        return (f"ALTER SEQUENCE {ident(s.schema, s.name)} OWNED BY {owner}",)


@dataclass(frozen=True)
class RenameSequence(Operation):
    """A serial column's sequence following its renamed table or column, so that it keeps
    its counter (PostgreSQL renames neither by itself)."""

    schema: str
    old: str
    new: str

    phase = Phase.RENAME_RELATIONS

    def render(self) -> tuple[str, ...]:
        return (f"ALTER SEQUENCE {ident(self.schema, self.old)} RENAME TO {ident(self.new)}",)

    def hazards(self, context: PlanContext) -> tuple[Hazard, ...]:
        message = (
            f"renames sequence {name_in_message(self.schema, self.old)} to {self.new}; "
            "code calling nextval() by name breaks"
        )
        return (Hazard("backward-incompatible", message),)


def _sequence(row: Row) -> Sequence:
    owner = (row["owner_table"], row["owner_column"]) if row["owner_table"] else None
    return Sequence(
        schema=row["nspname"],
        name=row["relname"],
        data_type=row["data_type"],
        owned_by=owner,
        comment=row["comment"],
        **sequence_option_values(row),
    )


def _assemble(rows: Rows) -> Mapping[str, Any]:
    return {"sequences": tuple(_sequence(row) for row in rows["sequences"])}


def _diff(source: Schema, target: Schema, earlier: Seq[Operation]) -> list[Operation]:
    operations: list[Operation] = []
    source_sequences = {(s.schema, s.name): s for s in source.sequences}
    target_sequences = {(s.schema, s.name): s for s in target.sequences}
    dropped_tables = {(t.schema, t.name) for t in source.tables} - {(t.schema, t.name) for t in target.tables}
    for key, sequence in target_sequences.items():
        before = source_sequences.get(key)
        if before is None:
            operations.append(CreateSequence(sequence))
            if sequence.owned_by is not None:
                operations.append(SetSequenceOwner(sequence))
        else:
            # Settings and owner are separate statements: a change of both needs both.
            if _without_owner(before) != _without_owner(sequence):
                operations.append(AlterSequence(before, sequence))
            if before.owned_by != sequence.owned_by:
                operations.append(SetSequenceOwner(sequence))
        if sequence.comment is not None and (before is None or before.comment != sequence.comment):
            operations.append(SetComment("SEQUENCE", sequence.schema, sequence.name, None, sequence.comment))
        elif before is not None and before.comment is not None and sequence.comment is None:
            operations.append(SetComment("SEQUENCE", sequence.schema, sequence.name, None, None))
    for key, sequence in source_sequences.items():
        if key in target_sequences:
            continue
        # A sequence owned by a column goes away with its table or column.
        owner = sequence.owned_by
        if owner is not None and (
            (sequence.schema, owner[0]) in dropped_tables or _column_dropped(target, sequence)
        ):
            continue
        operations.append(DropSequence(sequence))
    return operations


def _without_owner(sequence: Sequence) -> Sequence:
    return replace(sequence, owned_by=None, comment=None)


def _column_dropped(target: Schema, sequence: Sequence) -> bool:
    assert sequence.owned_by is not None
    table, column = sequence.owned_by
    after = target.table(sequence.schema, table)
    return after is not None and after.column(column) is None


KIND = Kind("sequences", queries=(("sequences", SEQUENCES),), assemble=_assemble, diff=_diff)
