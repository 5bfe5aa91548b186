"""``push``: make a development database match the code directly, without a migration.

The plan is computed from the live database (inspected) to the normalized code, exactly as
``generate`` computes a migration, and runs under the migration lock — in one transaction
when PostgreSQL allows (every plan but one adding enum labels).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from puckdb.diff.rename_candidates import RenameCandidate, renames_from_flags, resolve_renames
from puckdb.engine import migration_plan
from puckdb.errors import PuckdbError, UsageError
from puckdb.migrations.runner import InterruptedByUserError
from puckdb.model import UnmanagedObject
from puckdb.plan import Plan
from puckdb.project import Project

if TYPE_CHECKING:
    import psycopg


class PushError(PuckdbError):
    """PostgreSQL rejected a statement of the push."""


@dataclass(frozen=True)
class PushOptions:
    dry_run: bool = False
    force: bool = False
    rename_flags: Sequence[str] = ()
    no_rename: bool = False


@dataclass(frozen=True)
class PushResult:
    plan: Plan
    applied: bool
    applied_migrations: int
    """Migrations the database had recorded: after a push it drifts from them."""
    seconds: float
    unmanaged: tuple[UnmanagedObject, ...] = ()
    """What the database holds that puckdb does not manage: left as it is (a plan that
    would drop one carries a blocking hazard)."""


def push(
    project: Project,
    options: PushOptions,
    *,
    ask: Callable[[RenameCandidate], bool] | None = None,
    confirm: Callable[[Plan], bool] | None = None,
    show: Callable[[Plan, int], None] | None = None,
) -> PushResult:
    """Plan (and unless ``dry_run``, run) the changes from the database to the code.

    Possible renames are answered by flags or ``ask``. ``show(plan, applied_migrations)``
    sees the plan before anything runs or is asked, so that a user answers ``confirm`` (a
    terminal prompt) having read the SQL; a plan with data-loss hazards runs only with
    ``force`` or when ``confirm`` says yes. Ctrl-C raises :class:`InterruptedByUserError`
    saying what it left.
    """
    progress = _Progress()
    try:
        return _push(project, options, ask, confirm, show, progress)
    except KeyboardInterrupt as interrupt:
        raise InterruptedByUserError(progress.interrupted()) from interrupt


@dataclass
class _Progress:
    """How far a push got, for the message when Ctrl-C stops it."""

    plan: Plan | None = None
    """Set once the statements start running."""
    done: int = 0

    def interrupted(self) -> str:
        if self.plan is None:
            return (
                "`puckdb push` was interrupted (Ctrl-C) before it changed the database: nothing was changed. "
                "Run `puckdb push` again."
            )
        total = len(self.plan.statements)
        if self.plan.transactional and self.done == total:
            return (
                "`puckdb push` was interrupted (Ctrl-C) while its transaction committed, so it may or may "
                "not have taken effect: `puckdb push --dry-run` shows what is still to do."
            )
        if self.plan.transactional:
            return (
                f"`puckdb push` was interrupted (Ctrl-C) while running statement {self.done + 1} of {total}: "
                "the push runs in one transaction, which was rolled back, so nothing was changed. Run "
                "`puckdb push` again."
            )
        ran = f"statements 1 to {self.done} stay applied" if self.done else "nothing had been changed yet"
        return (
            f"`puckdb push` was interrupted (Ctrl-C) while running statement {self.done + 1} of {total}, "
            f"outside a transaction (this plan adds enum labels, which must commit before use): {ran}. "
            "Run `puckdb push` again: it plans from what the database holds now and does the rest."
        )


def _push(
    project: Project,
    options: PushOptions,
    ask: Callable[[RenameCandidate], bool] | None,
    confirm: Callable[[Plan], bool] | None,
    show: Callable[[Plan, int], None] | None,
    progress: _Progress,
) -> PushResult:
    from puckdb.connect import connect
    from puckdb.inspect import inspect_schema
    from puckdb.migrations.advisory import migration_lock
    from puckdb.migrations.tracking import read_applied
    from puckdb.protection import refuse_if_protected

    started = time.perf_counter()
    desired = project.normalized_code()
    target = project.target()
    if not options.dry_run:
        refuse_if_protected(target.url, "push")
    with connect(target.url, autocommit=True) as conn:
        live = project.managed(inspect_schema(conn, project.config.schemas))
        given = renames_from_flags(list(options.rename_flags), live, desired)
        renames = resolve_renames(live, desired, given, ask, assume_none=options.no_rename)
        plan = migration_plan(live, desired, renames)
        recorded = len(read_applied(conn))
        if show is not None:
            show(plan, recorded)
        if plan.is_empty or options.dry_run:
            return PushResult(plan, False, recorded, time.perf_counter() - started, live.unmanaged)
        if plan.blocking_hazards and not options.force:
            if confirm is None:
                raise UsageError(
                    "This push loses data ("
                    + "; ".join(h.message for h in plan.blocking_hazards)
                    + "), which needs a yes on a terminal or --force. Nothing was changed; "
                    "`puckdb push --dry-run` shows the whole plan."
                )
            if not confirm(plan):
                raise UsageError("Push declined. Nothing was changed.")
        with migration_lock(conn, project.config.lock_wait):
            _run(conn, plan, project.config.lock_timeout, progress)
    return PushResult(plan, True, recorded, time.perf_counter() - started, live.unmanaged)


def _run(conn: psycopg.Connection[Any], plan: Plan, lock_timeout: float, progress: _Progress) -> None:
    import psycopg

    from puckdb.sqlerrors import describe_statement_error

    timeout = f"SET lock_timeout = '{int(lock_timeout * 1000)}ms'"

    def run(number: int, sql: str, *, in_transaction: bool) -> None:
        try:
            conn.execute(sql.encode())
        except psycopg.Error as error:
            outcome = (
                "Nothing was changed (the push runs in one transaction)."
                if in_transaction
                else f"Statements 1 to {number - 1} stay applied (this push cannot run in one transaction); "
                "run `puckdb push` again after fixing the cause."
            )
            raise PushError(
                describe_statement_error(error, sql, f"statement {number} of the push") + "\n" + outcome
            ) from error

    conn.execute(timeout)
    progress.plan = plan
    try:
        if plan.transactional:
            with conn.transaction():
                for number, statement in enumerate(plan.statements, start=1):
                    run(number, statement.sql, in_transaction=True)
                    progress.done = number
        else:
            # ALTER TYPE … ADD VALUE must commit before the new label can be used.
            for number, statement in enumerate(plan.statements, start=1):
                run(number, statement.sql, in_transaction=False)
                progress.done = number
    finally:
        if not conn.broken:
            conn.execute("RESET lock_timeout")
