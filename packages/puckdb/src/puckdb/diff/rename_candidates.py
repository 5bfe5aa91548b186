"""Which drops-plus-adds might be renames, and the ``--rename`` flags that answer.

A diff cannot tell renaming ``cards.meaning`` to ``cards.definition`` from dropping one
column and adding another; the difference is whether the data survives. So puckdb asks:
a table that disappears while another with mostly the same columns appears, or a column
that disappears while another of the same type appears in the same table, is a candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from puckdb.diff.renames import RenameError, Renames, apply_renames
from puckdb.model import Schema, Table


@dataclass(frozen=True)
class RenameCandidate:
    kind: Literal["table", "column"]
    schema: str
    table: str
    """The table (for a table candidate: its old name; for a column: the table's name in
    the target)."""
    old: str
    new: str

    @property
    def flag(self) -> str:
        """The ``--rename`` value that says yes."""
        prefix = "" if self.schema == "public" else f"{self.schema}."
        if self.kind == "table":
            return f"{prefix}{self.old}={self.new}"
        return f"{prefix}{self.table}.{self.old}={self.new}"

    @property
    def question(self) -> str:
        if self.kind == "table":
            return f"Was table {self.schema}.{self.old} renamed to {self.new}?"
        return f"Was column {self.schema}.{self.table}.{self.old} renamed to {self.new}?"


@dataclass(frozen=True)
class Declined:
    """Candidates the user said are not renames."""

    candidates: frozenset[RenameCandidate] = field(default_factory=frozenset)


def rename_candidates(source: Schema, target: Schema, renames: Renames) -> list[RenameCandidate]:
    """Candidates left once ``renames`` are taken as given."""
    renamed, _ = apply_renames(source, target, renames)
    candidates = _table_candidates(renamed, target)
    by_key = {(t.schema, t.name): t for t in renamed.tables}  # not .table(): linear, per table
    for table in target.tables:
        before = by_key.get((table.schema, table.name))
        if before is not None:
            candidates.extend(_column_candidates(before, table))
    return candidates


def _table_candidates(source: Schema, target: Schema) -> list[RenameCandidate]:
    source_keys = {(t.schema, t.name) for t in source.tables}
    target_keys = {(t.schema, t.name) for t in target.tables}
    dropped = [t for t in source.tables if (t.schema, t.name) not in target_keys]
    added = [t for t in target.tables if (t.schema, t.name) not in source_keys]
    candidates: list[RenameCandidate] = []
    for old in dropped:
        scored = [(_similarity(old, new), new) for new in added if new.schema == old.schema]
        scored = [(score, new) for score, new in scored if score >= 0.5]
        if scored:
            best = max(scored, key=lambda item: item[0])[1]
            added.remove(best)
            candidates.append(RenameCandidate("table", old.schema, old.name, old.name, best.name))
    return candidates


def _similarity(old: Table, new: Table) -> float:
    """Share of (name, type) columns the two tables have in common."""
    left = {(c.name, c.data_type) for c in old.columns}
    right = {(c.name, c.data_type) for c in new.columns}
    return len(left & right) / max(len(left | right), 1)


def _column_candidates(before: Table, after: Table) -> list[RenameCandidate]:
    old_names = {c.name for c in before.columns}
    new_names = {c.name for c in after.columns}
    dropped = [c for c in before.columns if c.name not in new_names]
    added = [c for c in after.columns if c.name not in old_names]
    candidates: list[RenameCandidate] = []
    for old in dropped:
        twin = next((c for c in added if c.data_type == old.data_type), None)
        if twin is not None:
            added.remove(twin)
            candidates.append(RenameCandidate("column", after.schema, after.name, old.name, twin.name))
    return candidates


def with_candidate(renames: Renames, candidate: RenameCandidate) -> Renames:
    if candidate.kind == "table":
        tables = {**renames.tables, (candidate.schema, candidate.old): candidate.new}
        return Renames(tables, dict(renames.columns), dict(renames.enum_values))
    columns = {**renames.columns, (candidate.schema, candidate.table, candidate.old): candidate.new}
    return Renames(dict(renames.tables), columns, dict(renames.enum_values))


def resolve_renames(
    source: Schema,
    target: Schema,
    given: Renames,
    ask: Callable[[RenameCandidate], bool] | None,
    *,
    assume_none: bool = False,
) -> Renames:
    """``given`` plus the candidates ``ask`` confirms, one at a time (a confirmed table
    rename changes which columns are candidates). Without ``ask`` and with candidates left,
    raise :class:`UnresolvedRenamesError` naming the flags; ``assume_none`` treats every
    candidate as a drop plus an add."""
    renames = given
    declined: set[RenameCandidate] = set()
    while True:
        pending = [c for c in rename_candidates(source, target, renames) if c not in declined]
        if not pending or assume_none:
            return renames
        if ask is None:
            raise UnresolvedRenamesError(pending)
        candidate = pending[0]
        if ask(candidate):
            renames = with_candidate(renames, candidate)
        else:
            declined.add(candidate)


class UnresolvedRenamesError(RenameError):
    """Possible renames and no terminal to ask on."""

    def __init__(self, candidates: list[RenameCandidate]) -> None:
        listing = "; ".join(
            f"{c.question.removesuffix('?').removeprefix('Was ')} → --rename {c.flag}" for c in candidates
        )
        super().__init__(
            f"Some changes may be renames, and there is no terminal to ask on: {listing}. "
            "A rename keeps the data; a drop and an add lose it. Run again with the --rename flags "
            "for the ones that are renames (--rename can be repeated), and --no-rename to treat the "
            "rest as drops and adds."
        )
        self.candidates = candidates


def parse_rename_flag(value: str, source: Schema, target: Schema) -> RenameCandidate:
    """``old=new`` (table in public), ``schema.old=new`` (table), ``table.old=new`` or
    ``schema.table.old=new`` (column), checked against the two states."""
    left, sep, new = value.partition("=")
    parts = left.split(".")
    if not sep or not new or not all(parts) or len(parts) > 3 or "." in new:
        raise RenameError(
            f"--rename {value!r} is not a rename: write old=new for a table (schema.old=new outside "
            "public) or table.old=new for a column (schema.table.old=new outside public)."
        )
    if len(parts) == 1:
        return RenameCandidate("table", "public", parts[0], parts[0], new)
    if len(parts) == 3:
        return RenameCandidate("column", parts[0], parts[1], parts[2], new)
    first, second = parts
    if source.table(first, second) is not None and target.table(first, second) is None:
        return RenameCandidate("table", first, second, second, new)
    return RenameCandidate("column", "public", first, second, new)


def renames_from_flags(values: list[str], source: Schema, target: Schema) -> Renames:
    renames = Renames()
    for value in values:
        renames = with_candidate(renames, parse_rename_flag(value, source, target))
    return renames
