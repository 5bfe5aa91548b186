"""Turning the rows of the catalog queries (:mod:`puckdb.inspect.queries`) into the model.

Children are attached to their relation by oid; the children of relations that the
``relations`` query did not admit (extension members, partitions) are dropped here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from puckdb.model import (
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
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)

Row = dict[str, Any]

_ACTIONS: dict[str, ReferentialAction] = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_MATCH: dict[str, MatchType] = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}


def assemble(rows: dict[str, list[Row]]) -> Schema:
    """The :class:`Schema` described by the rows of every catalog query, by query name."""
    relations = {row["oid"]: row for row in rows["relations"]}
    columns: dict[int, list[Column]] = defaultdict(list)
    for row in rows["columns"]:
        if row["attrelid"] in relations:
            columns[row["attrelid"]].append(_column(row))
    constraints: dict[int, list[Row]] = defaultdict(list)
    for row in rows["constraints"]:
        constraints[row["conrelid"]].append(row)
    indexes: dict[int, list[Index]] = defaultdict(list)
    for row in rows["indexes"]:
        indexes[row["indrelid"]].append(_index(row))
    dependencies: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in rows["view_dependencies"]:
        dependencies[row["view_oid"]].append((row["nspname"], row["relname"]))

    tables: list[Table] = []
    views: list[View] = []
    for oid, relation in relations.items():
        if relation["relkind"] in ("v", "m"):
            views.append(
                View(
                    schema=relation["nspname"],
                    name=relation["relname"],
                    definition=relation["definition"],
                    materialized=relation["relkind"] == "m",
                    columns=tuple(column.name for column in columns[oid]),
                    depends_on=tuple(sorted(set(dependencies[oid]))),
                    indexes=tuple(indexes[oid]),
                    comment=relation["comment"],
                    column_comments=tuple(
                        (column.name, column.comment) for column in columns[oid] if column.comment is not None
                    ),
                )
            )
        else:
            tables.append(_table(relation, columns[oid], constraints[oid], indexes[oid]))

    return Schema(
        schemas=tuple(row["nspname"] for row in rows["schemas"]),
        schema_comments=tuple((r["nspname"], r["comment"]) for r in rows["schemas"] if r["comment"]),
        extensions=tuple(Extension(r["extname"], r["nspname"], r["extversion"]) for r in rows["extensions"]),
        enums=tuple(
            EnumType(r["nspname"], r["typname"], tuple(r["labels"]), r["comment"]) for r in rows["enums"]
        ),
        sequences=tuple(_sequence(row) for row in rows["sequences"]),
        tables=tuple(tables),
        views=tuple(views),
    )


def _column(row: Row) -> Column:
    generated = row["generated"] or ""
    identity = None
    if row["identity"]:
        identity = Identity(always=row["identity"] == "a", **_sequence_options(row))
    # pg_attrdef holds a generated column's expression where others keep their default.
    return Column(
        name=row["attname"],
        data_type=row["data_type"],
        nullable=row["nullable"],
        default=row["expression"] if not generated else None,
        collation=row["collation"],
        identity=identity,
        generated=row["expression"] if generated else None,
        generated_virtual=generated == "v",
        comment=row["comment"],
    )


def _table(relation: Row, columns: list[Column], constraints: list[Row], indexes: list[Index]) -> Table:
    primary_key: PrimaryKey | None = None
    uniques: list[UniqueConstraint] = []
    foreign_keys: list[ForeignKey] = []
    checks: list[CheckConstraint] = []
    exclusions: list[ExclusionConstraint] = []
    for row in constraints:
        kind, name, comment = row["kind"], row["conname"], row["comment"]
        if kind == "p":
            primary_key = PrimaryKey(name, tuple(row["columns"]), comment)
        elif kind == "u":
            uniques.append(
                UniqueConstraint(
                    name,
                    tuple(row["columns"]),
                    nulls_not_distinct=row["nulls_not_distinct"],
                    deferrable=row["condeferrable"],
                    initially_deferred=row["condeferred"],
                    comment=comment,
                )
            )
        elif kind == "f":
            foreign_keys.append(_foreign_key(row))
        elif kind == "c":
            checks.append(CheckConstraint(name, row["definition"], comment))
        elif kind == "x":
            exclusions.append(ExclusionConstraint(name, row["definition"], comment))
    return Table(
        schema=relation["nspname"],
        name=relation["relname"],
        columns=tuple(columns),
        primary_key=primary_key,
        unique_constraints=tuple(uniques),
        foreign_keys=tuple(foreign_keys),
        check_constraints=tuple(checks),
        exclusion_constraints=tuple(exclusions),
        indexes=tuple(indexes),
        comment=relation["comment"],
        unlogged=relation["unlogged"],
        rls_enabled=relation["relrowsecurity"],
        rls_forced=relation["relforcerowsecurity"],
    )


def _foreign_key(row: Row) -> ForeignKey:
    return ForeignKey(
        row["conname"],
        tuple(row["columns"]),
        ref_schema=row["ref_schema"],
        ref_table=row["ref_table"],
        ref_columns=tuple(row["ref_columns"]),
        on_update=_ACTIONS[row["on_update"]],
        on_delete=_ACTIONS[row["on_delete"]],
        match=_MATCH[row["match"]],
        deferrable=row["condeferrable"],
        initially_deferred=row["condeferred"],
        validated=row["convalidated"],
        comment=row["comment"],
    )


def _index(row: Row) -> Index:
    key_count: int = row["indnkeyatts"]
    keys = tuple(
        IndexKey(
            expression=expression,
            opclass=row["opclasses"][position],
            descending=bool(row["key_options"][position] & 1),
            nulls_first=bool(row["key_options"][position] & 2),
        )
        for position, expression in enumerate(row["keys"][:key_count])
    )
    # reloptions are 'name=value' strings in the order they were written.
    options = tuple(sorted((name, value) for name, _, value in (o.partition("=") for o in row["reloptions"])))
    return Index(
        name=row["name"],
        unique=row["indisunique"],
        method=row["amname"],
        keys=keys,
        include=tuple(row["keys"][key_count:]),
        where=row["predicate"],
        options=options,
        nulls_not_distinct=row["indnullsnotdistinct"],
        definition=row["definition"],
        comment=row["comment"],
    )


def _sequence(row: Row) -> Sequence:
    owner = (row["owner_table"], row["owner_column"]) if row["owner_table"] else None
    return Sequence(
        schema=row["nspname"],
        name=row["relname"],
        data_type=row["data_type"],
        owned_by=owner,
        comment=row["comment"],
        **_sequence_options(row),
    )


def _sequence_options(row: Row) -> dict[str, Any]:
    """The options an identity column's sequence and a sequence share, from pg_sequence."""
    return {
        "start": row["seqstart"],
        "increment": row["seqincrement"],
        "min_value": row["seqmin"],
        "max_value": row["seqmax"],
        "cache": row["seqcache"],
        "cycle": row["seqcycle"],
    }
