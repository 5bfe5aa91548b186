"""The round-trip oracle as a property: for generated related schemas A and B (some with a
table or column of A renamed in B), a database at A migrated by plan(A, B) inspects equal
to B created fresh, re-diffs to nothing, and plan(B, A) takes it back to A.

PUCKDB_ORACLE_EXAMPLES sets the number of examples per PostgreSQL version (default 100).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings

from puckdb.diff import Renames
from puckdb.normalize.ddl import compile_metadata

from .renaming import rename_table, spec_pairs_with_renames
from .spec import (
    ColumnSpec,
    ColumnType,
    GrantSpec,
    IndexSpec,
    PartitionSpec,
    SchemaSpec,
    TableSpec,
    build_metadata,
)
from .strategies import schema_specs, spec_pairs
from .support import Cluster, differences, inspect_url, run_oracle

EXAMPLES = int(os.environ.get("PUCKDB_ORACLE_EXAMPLES", "100"))

oracle_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a round trip takes ~0.2 s, unevenly (databases made and dropped, checkpoints)
    # The cluster fixture is deliberately shared by all examples: it only holds a connection.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The checks of the generator and the inspector below get fewer examples: the round trip
# itself runs every generated DDL and inspects every database too.
support_settings = settings(oracle_settings, max_examples=max(10, EXAMPLES // 4))


def _notes(kind: str) -> SchemaSpec:
    columns = (ColumnSpec("id", ColumnType(kind)), ColumnSpec("key", ColumnType("bigint"), nullable=False))
    return SchemaSpec(tables=(TableSpec("notes", columns, primary_key=("key",)),))


def _users(*, collation: str | None = None, **table: Any) -> SchemaSpec:
    columns = (
        ColumnSpec("id", ColumnType("integer")),
        ColumnSpec("title", ColumnType("text"), collation=collation),
    )
    return SchemaSpec(tables=(TableSpec("users", columns, **table),))


_GRANTED = SchemaSpec(
    tables=(TableSpec("users", (ColumnSpec("id", ColumnType("integer")),), partition_by=("RANGE", "id")),),
    grants=(GrantSpec(("table", "users"), "pg_monitor", ("SELECT",)),),
)


def _own_index(where: tuple[str, str] | None) -> SchemaSpec:
    columns = (
        ColumnSpec("id", ColumnType("integer"), nullable=False),
        ColumnSpec("title", ColumnType("integer")),
    )
    index = IndexSpec("users_title_partial_idx", ("title",), where=where)
    return SchemaSpec(
        tables=(TableSpec("users", columns, indexes=(index,), partition_by=("RANGE", "id")),),
        partitions=(PartitionSpec("users_p0", "users", 0, own_index="title"),),
    )


# Every pair that ever failed, pinned so that CI always runs it.
FOUND = [
    # boolean → jsonb has no cast: USING "id"::jsonb was rejected (a fresh clone's CI run).
    (_notes("jsonb"), _notes("boolean"), None),
    # A renamed table's grant was revoked under its old name.
    (
        _GRANTED,
        rename_table(_GRANTED, "users", "users_v2"),
        Renames(tables={("public", "users"): "users_v2"}),
    ),
    # A partition key column given a collation: ALTER COLUMN … TYPE, refused by PostgreSQL.
    (
        _users(partition_by=("LIST", "title")),
        _users(partition_by=("LIST", "title"), collation="C"),
        None,
    ),
    # A parent index made to match a partition's own index adopted it as the parent's.
    (_own_index(("present", "id")), _own_index(None), None),
]


def ddl_of(spec: SchemaSpec) -> tuple[str, ...]:
    return compile_metadata(build_metadata(spec), ["public"], [])


@pytest.mark.slow
@oracle_settings
@given(case=spec_pairs_with_renames())
@example(case=FOUND[0])
@example(case=FOUND[1])
@example(case=FOUND[2])
@example(case=FOUND[3])
def test_round_trip(cluster: Cluster, case: tuple[SchemaSpec, SchemaSpec, Renames | None]) -> None:
    source, target, renames = case
    run_oracle(cluster, ddl_of(source), ddl_of(target), renames=renames, accept_manual_steps=True)


@support_settings
@given(pair=spec_pairs())
def test_generated_schemas_are_valid_postgres(cluster: Cluster, pair: tuple[SchemaSpec, SchemaSpec]) -> None:
    for label, spec in zip("AB", pair, strict=True):
        with cluster.database(ddl_of(spec), f"{label}'s DDL"):
            pass


@support_settings
@given(spec=schema_specs())
def test_inspecting_the_same_ddl_twice_gives_equal_schemas(cluster: Cluster, spec: SchemaSpec) -> None:
    ddl = ddl_of(spec)
    with cluster.database(ddl) as first, cluster.database(ddl) as second:
        one, other = inspect_url(first), inspect_url(second)
    assert one == other, "\n".join(differences(one, other)) + "\n\n" + ";\n".join(ddl)
