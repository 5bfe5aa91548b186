"""The round-trip oracle, shared by the property test and the hand-written cases.

For a source state A and a target state B (each given as the DDL that creates it):
A and B are created fresh in their own databases and inspected; the plan A → B is applied
to the database at A (as the migrations `generate` writes: usually one, two when enum
labels are added first), which must then inspect equal to B (column order aside: an added
column goes last, whatever the code says) and re-diff to nothing; the plan B → A (what a
down migration holds) must take it back to A the same way. Any failure carries A's DDL,
B's DDL and every plan's SQL, so it can be replayed by hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from puckdb.connect import connect
from puckdb.diff import Renames
from puckdb.engine import migration_plan, migration_steps
from puckdb.inspect import inspect_schema
from puckdb.model import Schema
from puckdb.model.compare import differences
from puckdb.normalize import DevServer, normalize_ddl
from puckdb.plan import Plan

from .databases import Cluster, Script, execute, run_statement, statements_of


class OracleMismatchError(AssertionError):
    """A migrated database that does not match the state it was migrated to."""


def inspect_url(url: str, schemas: Sequence[str] = ("public",)) -> Schema:
    with connect(url, autocommit=True) as conn:
        return inspect_schema(conn, list(schemas))


def apply_plan(url: str, plan: Plan, what: str) -> None:
    """Apply ``plan`` as ``puckdb apply`` does: in one transaction, or statement by
    statement when a statement cannot run inside one."""
    with connect(url, autocommit=True) as conn:
        if all(statement.transactional for statement in plan.statements):
            with conn.transaction():
                for number, statement in enumerate(plan.statements, start=1):
                    run_statement(conn, statement.sql, f"statement {number} of the {what}")
        else:
            for number, statement in enumerate(plan.statements, start=1):
                run_statement(
                    conn, statement.sql, f"statement {number} of the {what} (outside a transaction)"
                )


def ignoring_column_order(schema: Schema) -> Schema:
    """``schema`` with each table's columns sorted by name."""
    tables = tuple(
        dataclasses.replace(table, columns=tuple(sorted(table.columns, key=lambda column: column.name)))
        for table in schema.tables
    )
    return dataclasses.replace(schema, tables=tables)


def inverted(renames: Renames | None) -> Renames | None:
    """The renames that undo ``renames`` (for the plan back from B to A)."""
    return renames.inverted() if renames else renames


@dataclass(frozen=True)
class Rows:
    """A query and the rows it must return at some point of the round trip."""

    query: str
    rows: list[tuple[Any, ...]]


@dataclass
class Report:
    """Everything needed to replay a round trip by hand, shown with any failure."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    plans: dict[str, Plan] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [_script("A (source) DDL", self.source), _script("B (target) DDL", self.target)]
        for label, plan in self.plans.items():
            parts.append(f"-- {label}:\n{plan_text(plan)}")
        return "\n\n".join(parts)


def plan_text(plan: Plan) -> str:
    """The plan's SQL, each statement under a comment with its hazards and whether it
    runs outside a transaction, which is what decides how it was applied."""
    if plan.is_empty:
        return "-- (empty)"
    lines: list[str] = []
    for statement in plan.statements:
        notes = [hazard.kind for hazard in statement.hazards]
        if not statement.transactional:
            notes.append("outside a transaction")
        if notes:
            lines.append(f"-- {', '.join(notes)}")
        lines.append(statement.sql.rstrip().rstrip(";") + ";")
    return "\n".join(lines)


def _script(label: str, statements: tuple[str, ...]) -> str:
    return f"-- {label}:\n" + "\n".join(statement.rstrip().rstrip(";") + ";" for statement in statements)


def _rendering(schema: Schema) -> tuple[str, ...]:
    return tuple(statement.sql for statement in migration_plan(Schema(), schema).statements)


def settled(cluster: Cluster, script: Script, schemas: Sequence[str]) -> Schema:
    """The schema ``script`` creates, exactly as puckdb's normalize settles schema code
    (PostgreSQL's printed form of some expressions changes once re-parsed; normalize
    rebuilds from its own rendering until inspection is stable)."""
    server = DevServer(cache_key="oracle", admin_url=lambda: cluster.server.url("postgres"))
    return normalize_ddl(statements_of(script), server, schemas=schemas, origin="the DDL")


def run_oracle(
    cluster: Cluster,
    source: Script,
    target: Script,
    *,
    schemas: Sequence[str] = ("public",),
    renames: Renames | None = None,
    data: Script = (),
    forward_rows: Sequence[Rows] = (),
    backward_rows: Sequence[Rows] = (),
    accept_manual_steps: bool = False,
) -> None:
    """Check the round trip A → B → A (see the module's docstring).

    ``data`` runs in the database at A before migrating; ``forward_rows`` and
    ``backward_rows`` are what must be true of that data at B and back at A. A plan that
    carries ``manual-step`` fails the check unless ``accept_manual_steps`` (generated
    pairs, which may hold a change PostgreSQL cannot make in place): a hand-written case
    expects a plan that runs.
    """
    report = Report(statements_of(source), statements_of(target))
    try:
        before = settled(cluster, source, schemas)
        after = settled(cluster, target, schemas)
        forward = migration_plan(before, after, renames)
        report.plans["forward plan (A to B)"] = forward
        backward = migration_plan(after, before, inverted(renames))
        report.plans["backward plan (B to A)"] = backward
        refused = [label for label, plan in report.plans.items() if refuses_itself(plan)]
        if refused and not accept_manual_steps:
            raise OracleMismatchError(f"the {' and the '.join(refused)} carry manual-step:\n\n{report}")
        if any(needs_its_author(plan) or refuses_itself(plan) for plan in (forward, backward)):
            # A plan holding a placeholder for a conversion PostgreSQL has no cast for, or
            # a step PostgreSQL refuses as things stand, cannot run; it must say so. Each
            # direction that can run is still checked.
            _assert_flagged(forward, report)
            _assert_flagged(backward, report)
            if not (needs_its_author(forward) or refuses_itself(forward)):
                _one_way(cluster, before, after, forward, schemas, "A migrated forward", "B", report)
            if not (needs_its_author(backward) or refuses_itself(backward)):
                _one_way(cluster, after, before, backward, schemas, "B migrated backward", "A", report)
            return
        # The database at A is built as puckdb's migrations would build it: from the plan.
        with cluster.database(_rendering(before), "puckdb's rendering of A") as url:
            execute(url, data, "the data inserted at A")

            # As `generate` writes them: one migration, or the enum labels first and then the rest.
            steps = migration_steps(before, after, renames)
            if len(steps) > 1:
                for number, step in enumerate(steps, start=1):
                    report.plans[f"forward migration {number} of {len(steps)}"] = step.forward
                    report.plans[f"its down migration {number} of {len(steps)}"] = step.backward
            for number, step in enumerate(steps, start=1):
                apply_plan(url, step.forward, f"forward migration {number} of {len(steps)}")
            migrated = inspect_url(url, schemas)
            _assert_same(migrated, after, "A migrated forward", "B created fresh", report)
            _assert_empty(migration_plan(migrated, after), "A migrated forward", "B", report)
            _assert_rows(url, forward_rows, "after the forward plan", report)

            for number, step in reversed(list(enumerate(steps, start=1))):
                apply_plan(url, step.backward, f"down migration {number} of {len(steps)}")
            restored = inspect_url(url, schemas)
            _assert_same(restored, before, "A migrated forward and back", "A created fresh", report)
            _assert_empty(migration_plan(restored, before), "A migrated forward and back", "A", report)
            _assert_rows(url, backward_rows, "after the backward plan", report)
    except OracleMismatchError:
        raise
    except Exception as error:
        error.add_note(str(report))
        raise


MANUAL_USING_PLACEHOLDER = "puckdb_manual_using("


def needs_its_author(plan: Plan) -> bool:
    """Whether ``plan`` holds a placeholder its author must replace before it can run."""
    return any(MANUAL_USING_PLACEHOLDER in statement.sql for statement in plan.statements)


def refuses_itself(plan: Plan) -> bool:
    """Whether ``plan`` holds a change PostgreSQL cannot make as things stand: the blocking
    hazard ``manual-step``, whose statement stops the migration."""
    return any(hazard.kind == "manual-step" for hazard in plan.blocking_hazards)


def _assert_flagged(plan: Plan, report: Report) -> None:
    __tracebackhide__ = True  # the message says it all; the frame adds only noise
    for statement in plan.statements:
        placeholder = MANUAL_USING_PLACEHOLDER in statement.sql
        flagged = any(hazard.kind == "manual-using" for hazard in statement.hazards)
        if placeholder != flagged or (
            flagged and not any(h.kind == "manual-using" for h in plan.blocking_hazards)
        ):
            raise OracleMismatchError(
                f"a statement with a USING placeholder must carry the blocking hazard manual-using "
                f"(and only such a statement):\n{statement.sql}\n\n{report}"
            )


def _one_way(
    cluster: Cluster,
    start: Schema,
    end: Schema,
    plan: Plan,
    schemas: Sequence[str],
    actual_label: str,
    expected_label: str,
    report: Report,
) -> None:
    with cluster.database(_rendering(start), f"puckdb's rendering of {actual_label[0]}") as url:
        apply_plan(url, plan, f"plan ({actual_label})")
        migrated = inspect_url(url, schemas)
        _assert_same(migrated, end, actual_label, f"{expected_label} created fresh", report)
        _assert_empty(migration_plan(migrated, end), actual_label, expected_label, report)


def _assert_same(
    actual: Schema, expected: Schema, actual_label: str, expected_label: str, report: Report
) -> None:
    __tracebackhide__ = True  # the message says it all; the frame adds only noise
    left, right = ignoring_column_order(actual), ignoring_column_order(expected)
    if left != right:
        lines = "\n".join(differences(left, right))
        raise OracleMismatchError(
            f"{actual_label} (left) differs from {expected_label} (right):\n{lines}\n\n{report}"
        )


def _assert_empty(plan: Plan, actual_label: str, expected_label: str, report: Report) -> None:
    __tracebackhide__ = True  # the message says it all; the frame adds only noise
    if not plan.is_empty:
        raise OracleMismatchError(
            f"{actual_label} still differs from {expected_label} for the planner, which plans:\n"
            f"{plan_text(plan)}\n\n{report}"
        )


def _assert_rows(url: str, checks: Sequence[Rows], when: str, report: Report) -> None:
    __tracebackhide__ = True  # the message says it all; the frame adds only noise
    if not checks:
        return
    with connect(url, autocommit=True) as conn:
        for check in checks:
            rows = [tuple(row) for row in conn.execute(check.query.encode()).fetchall()]
            if rows != check.rows:
                raise OracleMismatchError(
                    f"{when}, {check.query!r} returned {rows!r}, expected {check.rows!r}\n\n{report}"
                )
