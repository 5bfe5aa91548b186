"""Renames: what the user says was renamed, applied to the source model before comparing.

A diff cannot tell a rename from a drop plus an add; only the user can. Once told, the
source schema is rewritten as if the rename had already happened, so the rest of the diff
compares like with like, and the rename itself becomes an operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from puckdb.diff.operations import Operation, RenameColumn, RenameEnumValue, RenameSequence, RenameTable
from puckdb.errors import PuckdbError
from puckdb.expressions import rename_in_expression
from puckdb.model import Schema, Sequence, Table
from puckdb.quoting import as_printed


class RenameError(PuckdbError):
    """A rename names a table or column that does not exist on the side it should."""

    exit_code = 2


@dataclass(frozen=True)
class Renames:
    """``tables``: (schema, old) → new; ``columns``: (schema, table, old) → new, where
    ``table`` is the table's name in the target; ``enum_values``: (schema, enum, old) → new."""

    tables: dict[tuple[str, str], str] = field(default_factory=dict)
    columns: dict[tuple[str, str, str], str] = field(default_factory=dict)
    enum_values: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.tables or self.columns or self.enum_values)

    def inverted(self) -> Renames:
        """The renames that undo these (for the plan back, e.g. a down migration)."""
        old_table = {(schema, new): old for (schema, old), new in self.tables.items()}
        return Renames(
            tables={(schema, new): old for (schema, old), new in self.tables.items()},
            # A column rename names its table as the target has it; on the way back that
            # is the source's name.
            columns={
                (schema, old_table.get((schema, table), table), new): old
                for (schema, table, old), new in self.columns.items()
            },
            enum_values={(schema, enum, new): old for (schema, enum, old), new in self.enum_values.items()},
        )


def apply_renames(source: Schema, target: Schema, renames: Renames) -> tuple[Schema, list[Operation]]:
    """``source`` with the renames already made, and the operations that make them."""
    operations: list[Operation] = []
    tables = {(t.schema, t.name): t for t in source.tables}
    target_tables = {(t.schema, t.name) for t in target.tables}

    for (schema, old), new in renames.tables.items():
        if (schema, old) not in tables:
            raise RenameError(
                f"The rename {schema}.{old} → {new} names a table {schema}.{old} that the current "
                "state does not have. Check the --rename flag."
            )
        if (schema, new) not in target_tables:
            raise RenameError(
                f"The rename {schema}.{old} → {new} names a table {schema}.{new} that the schema code "
                "does not have. Check the --rename flag."
            )
        if (schema, new) in tables:
            raise RenameError(
                f"The rename {schema}.{old} → {new} names a table {schema}.{new} that the current "
                f"state already has. Rename or drop {schema}.{new} first, in its own migration."
            )
        table = tables.pop((schema, old))
        tables[(schema, new)] = replace(table, name=new)
        operations.append(RenameTable(schema=schema, old=old, new=new))
        # Foreign keys elsewhere follow the table, as they do in PostgreSQL; so do its partitions.
        for key, other in tables.items():
            tables[key] = replace(
                other,
                foreign_keys=tuple(
                    replace(fk, ref_table=new) if (fk.ref_schema, fk.ref_table) == (schema, old) else fk
                    for fk in other.foreign_keys
                ),
                partition_of=(schema, new) if other.partition_of == (schema, old) else other.partition_of,
            )

    for (schema, table_name, old), new in renames.columns.items():
        owner = tables.get((schema, table_name))
        if owner is None or all(column.name != old for column in owner.columns):
            raise RenameError(
                f"The rename {schema}.{table_name}.{old} → {new} names a column that the current state "
                "does not have. Check the --rename flag (columns are written table.old=new)."
            )
        if owner.column(new) is not None:
            raise RenameError(
                f"The rename {schema}.{table_name}.{old} → {new} names a column {new} that the table "
                f"already has. Rename or drop {new} first, in its own migration."
            )
        tables[(schema, table_name)] = _rename_column(owner, old, new)
        for key, other in tables.items():
            tables[key] = replace(
                other,
                foreign_keys=tuple(
                    replace(fk, ref_columns=_swap(fk.ref_columns, old, new))
                    if (fk.ref_schema, fk.ref_table) == (schema, table_name)
                    else fk
                    for fk in other.foreign_keys
                ),
            )
        operations.append(RenameColumn(schema=schema, table=table_name, old=old, new=new))

    sequences = _follow_owners(source, target, renames, tables, operations)

    enums = list(source.enums)
    for (schema, enum_name, old), new in renames.enum_values.items():
        for position, enum in enumerate(enums):
            if (enum.schema, enum.name) == (schema, enum_name) and old in enum.labels:
                labels = tuple(new if label == old else label for label in enum.labels)
                enums[position] = replace(enum, labels=labels)
                operations.append(RenameEnumValue(enum=enum, old=old, new=new))
                break
        else:
            raise RenameError(
                f"The rename of enum value {schema}.{enum_name}.{old} → {new} names a value the current "
                "state does not have."
            )

    renamed = replace(
        source,
        tables=tuple(sorted(tables.values(), key=lambda t: (t.schema, t.name))),
        enums=tuple(enums),
        sequences=tuple(sequences),
    )
    return renamed, operations


def _follow_owners(
    source: Schema,
    target: Schema,
    renames: Renames,
    tables: dict[tuple[str, str], Table],
    operations: list[Operation],
) -> list[Sequence]:
    """Serial columns' sequences after the renames: owned by the renamed table or column,
    and renamed to the name the target gives them (``users_id_seq`` after people → users).

    PostgreSQL keeps a sequence's name when its table or column is renamed; left so, the
    diff would see the target's sequence as new and drop the old one, and the column's
    counter would start again at 1 — duplicate keys on the next insert."""
    target_owned = {(s.schema, *s.owned_by): s for s in target.sequences if s.owned_by is not None}
    taken = {s.key for s in source.sequences}
    followed: list[Sequence] = []
    for sequence in source.sequences:
        if sequence.owned_by is None:
            followed.append(sequence)
            continue
        schema = sequence.schema
        table = renames.tables.get((schema, sequence.owned_by[0]), sequence.owned_by[0])
        column = renames.columns.get((schema, table, sequence.owned_by[1]), sequence.owned_by[1])
        if (table, column) == sequence.owned_by:
            followed.append(sequence)
            continue
        moved = replace(sequence, owned_by=(table, column))
        twin = target_owned.get((schema, table, column))
        if twin is not None and twin.name != sequence.name and (schema, twin.name) not in taken:
            operations.append(RenameSequence(schema=schema, old=sequence.name, new=twin.name))
            taken.discard(sequence.key)
            taken.add(twin.key)
            moved = replace(moved, name=twin.name)
            owner = tables.get((schema, table))
            if owner is not None:
                tables[(schema, table)] = _default_follows(owner, column, sequence, twin.name)
        followed.append(moved)
    return followed


def _default_follows(table: Table, column: str, sequence: Sequence, new_name: str) -> Table:
    """``nextval('old'::regclass)`` as PostgreSQL prints it once the sequence is renamed:
    the default refers to the sequence by OID, so only its printed name changes."""
    old_text = f"'{_regclass(sequence.schema, sequence.name)}'::regclass"
    new_text = f"'{_regclass(sequence.schema, new_name)}'::regclass"
    return replace(
        table,
        columns=tuple(
            replace(c, default=c.default.replace(old_text, new_text))
            if c.name == column and c.default is not None
            else c
            for c in table.columns
        ),
    )


def _regclass(schema: str, name: str) -> str:
    """How ``regclass`` prints a relation with ``search_path = public`` (inspect's
    setting), inside a string constant: quoted only where needed, ``public`` implied."""

    def quoted(part: str) -> str:
        return as_printed(part).replace("'", "''")

    return quoted(name) if schema == "public" else f"{quoted(schema)}.{quoted(name)}"


def _rename_column(table: Table, old: str, new: str) -> Table:
    """The table with the column renamed in its column list, in every constraint or index
    that lists it by name, and in the expressions PostgreSQL keeps as parse trees (index
    keys and predicates, checks, defaults, generated columns, the partition key): RENAME COLUMN rewrites those
    itself, so they are compared as it will print them afterwards, not re-created."""

    def renamed(text: str) -> str:
        return rename_in_expression(text, old, new)

    columns = tuple(
        replace(
            c,
            name=new if c.name == old else c.name,
            default=renamed(c.default) if c.default is not None else None,
            generated=renamed(c.generated) if c.generated is not None else None,
        )
        for c in table.columns
    )
    primary_key = table.primary_key
    if primary_key is not None:
        primary_key = replace(
            primary_key,
            columns=_swap(primary_key.columns, old, new),
            include=_swap(primary_key.include, old, new),
        )
    return replace(
        table,
        columns=columns,
        partition_by=renamed(table.partition_by) if table.partition_by is not None else None,
        primary_key=primary_key,
        unique_constraints=tuple(
            replace(u, columns=_swap(u.columns, old, new), include=_swap(u.include, old, new))
            for u in table.unique_constraints
        ),
        foreign_keys=tuple(replace(f, columns=_swap(f.columns, old, new)) for f in table.foreign_keys),
        check_constraints=tuple(
            replace(c, expression=renamed(c.expression)) for c in table.check_constraints
        ),
        exclusion_constraints=tuple(
            replace(x, definition=renamed(x.definition)) for x in table.exclusion_constraints
        ),
        indexes=tuple(
            replace(
                index,
                keys=tuple(replace(k, expression=renamed(k.expression)) for k in index.keys),
                include=_swap(index.include, old, new),
                where=renamed(index.where) if index.where is not None else None,
                definition=_renamed_index_definition(index.definition, old, new),
            )
            for index in table.indexes
        ),
    )


def _swap(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if name == old else name for name in names)


def _renamed_index_definition(definition: str, old: str, new: str) -> str:
    """``CREATE INDEX name ON table USING method (keys) …`` with the column renamed in what
    follows USING (the index and table names before it are not columns)."""
    head, using, tail = definition.partition(" USING ")
    return head + using + rename_in_expression(tail, old, new) if using else definition


# A string constant (with '' inside), a quoted identifier (with "" inside), or a bare word.
