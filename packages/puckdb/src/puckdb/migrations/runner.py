"""Running a migration file's statements, with errors that name the file, the statement,
its line and PostgreSQL's position."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from puckdb.connect import connection_lost, is_lost
from puckdb.errors import PuckdbError
from puckdb.migrations.advisory import Session, describe_session, read_sessions
from puckdb.migrations.concurrent_index import (
    ConcurrentIndex,
    concurrent_index,
    index_validity,
    invalid_index_advice,
)
from puckdb.migrations.sqltext import SCRIPT_SEPARATOR as _SEPARATOR
from puckdb.migrations.sqltext import SqlStatement, script_text, statement_span
from puckdb.sqlerrors import describe_statement_error

_ROLLED_BACK = "Nothing of this migration was applied (its transaction was rolled back)."
_NOT_COMMITTED = (
    "Its transaction had not committed, so PostgreSQL rolled it back: none of its statements took "
    "effect and nothing was recorded."
)
# Errors a statement gets when what it creates is already there.
_ALREADY_THERE = (pg_errors.DuplicateTable, pg_errors.DuplicateObject, pg_errors.DuplicateColumn)


class MigrationSqlError(PuckdbError):
    """PostgreSQL rejected a statement of a migration (or down) file."""


class InterruptedByUserError(PuckdbError):
    """The user pressed Ctrl-C: the message says what was interrupted and what it left."""

    exit_code = 130  # 128 + SIGINT, as shells report a command Ctrl-C ended


class InterruptedAtCommit(KeyboardInterrupt):
    """Ctrl-C arrived while a migration's transaction committed: whether it did is unknown."""


Blockers = Callable[[], Sequence[Session]]
"""The sessions that blocked the statement that just timed out waiting for a lock."""


class BlockerWatch:
    """Who blocks ``pid``'s statements, seen from a second connection while they wait.

    Once a statement's lock wait times out, PostgreSQL no longer knows whom it waited for,
    so the answer has to be read during the wait: a thread polls ``pg_blocking_pids()``
    and keeps the last sessions it saw. It connects only after ``delay`` seconds, so a
    quick run never opens the extra connection; any failure of its own is ignored (it only
    improves a message).
    """

    def __init__(self, url: str, pid: int, *, delay: float, interval: float = 0.1) -> None:
        self._url, self._pid, self._delay, self._interval = url, pid, delay, interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._seen: tuple[float, list[Session]] | None = None
        self._thread = threading.Thread(target=self._watch, name="puckdb-blocker-watch", daemon=True)

    def __enter__(self) -> BlockerWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        # Joined, not abandoned: its connection must be gone when apply returns (a caller
        # may copy the database as a template next, which needs no other session on it).
        self._thread.join()

    def blockers(self, within: float) -> list[Session]:
        """The blocking sessions seen during the last ``within`` seconds (a lock wait that
        just timed out lasted lock_timeout)."""
        with self._lock:
            seen = self._seen
        if seen is None or time.monotonic() - seen[0] > within + self._interval:
            return []
        return seen[1]

    def _watch(self) -> None:
        if self._stop.wait(self._delay):
            return
        try:
            with psycopg.connect(
                self._url, autocommit=True, connect_timeout=5, application_name="puckdb lock watch"
            ) as conn:
                while not self._stop.is_set():
                    found = read_sessions(conn, "SELECT unnest(pg_blocking_pids(%s))", (self._pid,))
                    if found:
                        with self._lock:
                            self._seen = (time.monotonic(), found)
                    self._stop.wait(self._interval)
        except Exception:  # best effort: it only improves a message, the migration goes on without it
            return


def _script_text(statements: Sequence[SqlStatement]) -> str:
    return script_text([s.sql for s in statements])


def run_in_transaction(
    conn: psycopg.Connection[Any],
    statements: Sequence[SqlStatement],
    path: Path,
    *,
    then: Callable[[], None] = lambda: None,
    lock_timeout_seconds: float | None = None,
    blockers: Blockers = lambda: (),
) -> None:
    """Run ``statements`` and ``then`` in one transaction on an autocommit connection.

    The statements go as one script (one round trip instead of one per statement: 3x faster
    on a large migration). When PostgreSQL rejects the script, the statement at fault is
    found from the error's position when it has one (syntax and name errors). Otherwise the
    script is rolled back and run again statement by statement to name it, except after a
    lock timeout: the second run would wait as long again. ``blockers`` names the sessions
    a lock timeout waited for (:class:`BlockerWatch`).

    Ctrl-C while the transaction commits raises :class:`InterruptedAtCommit`: only then is
    it unknown whether the migration took effect.
    """
    setting = (
        f"SET LOCAL lock_timeout = '{int(lock_timeout_seconds * 1000)}ms'{_SEPARATOR}"
        if lock_timeout_seconds is not None
        else ""
    )
    phase = "script"  # then "then" (the caller's own statements), then "commit"
    try:
        with conn.transaction():
            conn.execute((setting + _script_text(statements)).encode())
            phase = "then"
            then()
            phase = "commit"
        return
    except KeyboardInterrupt as interrupt:
        if phase == "commit":
            raise InterruptedAtCommit() from interrupt
        raise
    except psycopg.Error as error:
        if is_lost(conn):
            outcome = (
                "It broke while the transaction committed, so puckdb cannot tell whether it did: "
                "`puckdb status` shows whether the migration is recorded (its row commits with it)."
                if phase == "commit"
                else _NOT_COMMITTED
            )
            raise connection_lost(error, during=f"while running {path}", outcome=outcome) from error
        if isinstance(error, pg_errors.LockNotAvailable):
            text = _lock_wait_in_script(error, path, lock_timeout_seconds, blockers())
            raise MigrationSqlError(text) from error
        if phase == "commit":  # a deferred constraint: running again would fail the same way
            raise MigrationSqlError(_commit_failure(error, path)) from error
        located = _locate(error, statements, len(setting)) if phase == "script" else None
        if located is not None:
            number, position = located
            statement = statements[number - 1]
            raise MigrationSqlError(
                _failure(
                    error, statement, number, path, True, lock_timeout_seconds, blockers, position=position
                )
            ) from error
    phase = "script"
    try:
        with conn.transaction():
            if setting:
                conn.execute(setting.encode())
            run_statements(
                conn, statements, path, lock_timeout_seconds=lock_timeout_seconds, blockers=blockers
            )
            then()
            phase = "commit"
    except KeyboardInterrupt as interrupt:
        if phase == "commit":
            raise InterruptedAtCommit() from interrupt
        raise
    except psycopg.Error as error:
        if is_lost(conn):
            raise connection_lost(error, during=f"while running {path}", outcome=_NOT_COMMITTED) from error
        if phase != "commit":
            raise
        raise MigrationSqlError(_commit_failure(error, path)) from error


def _locate(error: psycopg.Error, statements: Sequence[SqlStatement], offset: int) -> tuple[int, int] | None:
    """(statement number, 1-based position within it) of an error PostgreSQL placed in the
    script; positions count characters of the whole query string."""
    raw = error.diag.statement_position
    if raw is None or not str(raw).isdigit():
        return None
    position = int(raw) - 1 - offset
    if position < 0:
        return None
    start = 0
    for number, statement in enumerate(statements, start=1):
        end = start + len(statement.sql) + len(_SEPARATOR)
        if position < end:
            return number, min(position - start, len(statement.sql)) + 1
        start = end
    return None


def run_statements(
    conn: psycopg.Connection[Any],
    statements: Sequence[SqlStatement],
    path: Path,
    *,
    first: int = 0,
    after_each: Callable[[int], None] | None = None,
    rolled_back: bool = True,
    atomic_progress: bool = False,
    lock_timeout_seconds: float | None = None,
    blockers: Blockers = lambda: (),
) -> None:
    """Execute ``statements[first:]`` on ``conn``; ``after_each(n)`` runs after statement
    number ``n`` (1-based) succeeded. ``rolled_back`` says whether a failure undoes the
    statements before it (inside a transaction) or not, for the error message.

    ``atomic_progress`` (outside a transaction, ``after_each`` recording progress): each
    statement commits together with its record, in a transaction of its own, so a run cut
    off in between never leaves a statement done but unrecorded, to be run a second time
    on resume (an INSERT twice). A statement PostgreSQL refuses in a transaction block
    (CREATE INDEX CONCURRENTLY, VACUUM…) runs alone and is recorded right after."""
    for number, statement in enumerate(statements[first:], start=first + 1):
        index = None if rolled_back else concurrent_index(statement.sql)
        record = after_each if atomic_progress and index is None else None
        recorded = False
        try:
            recorded = _execute(conn, statement.sql, number, record)
        except psycopg.Error as error:
            if is_lost(conn):
                outcome = _NOT_COMMITTED if rolled_back else _lost_outside_transaction(first, number)
                where = f"while running statement {number} (line {statement.line}) of {path}"
                raise connection_lost(error, during=where, outcome=outcome) from error
            text = _failure(error, statement, number, path, rolled_back, lock_timeout_seconds, blockers)
            if not rolled_back:
                text += _left_behind(conn, error, index, resumed=number == first + 1 and first > 0)
            raise MigrationSqlError(text) from error
        if index is not None and index_validity(conn, index) is False:
            # CREATE INDEX CONCURRENTLY IF NOT EXISTS "succeeds" on an invalid leftover.
            raise MigrationSqlError(
                f"Statement {number} (line {statement.line}) of {path} ran, but left no usable index. "
                f"{invalid_index_advice(index)} What ran before it stays applied and is recorded."
            )
        if after_each is not None and not recorded:
            after_each(number)


# Leading comment lines aside; a file's own transaction control must not end puckdb's.
_TRANSACTION_CONTROL = re.compile(
    r"^(?:\s*--[^\n]*\n)*\s*(BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE)\b", re.I
)
# What PostgreSQL raises, having run nothing, for a statement that needs to run alone:
# "cannot run inside a transaction block" (VACUUM, REINDEX CONCURRENTLY) and a procedure
# that commits ("invalid transaction termination", CALL of a batched backfill).
_MUST_RUN_ALONE = (pg_errors.ActiveSqlTransaction, pg_errors.InvalidTransactionTermination)


def _execute(
    conn: psycopg.Connection[Any], sql: str, number: int, record: Callable[[int], None] | None
) -> bool:
    """Run ``sql`` as written (bytes: no %-placeholders); with ``record``, in one
    transaction with ``record(number)`` where PostgreSQL allows. Whether it was recorded."""
    if record is None or _TRANSACTION_CONTROL.match(sql):
        conn.execute(sql.encode())
        return False
    try:
        with conn.transaction():
            conn.execute(sql.encode())
            record(number)
        return True
    except _MUST_RUN_ALONE:  # rolled back with the transaction: run it again, alone
        conn.execute(sql.encode())
        return False


def _lost_outside_transaction(first: int, number: int) -> str:
    ran = (
        f"{statement_span(first + 1, number - 1)} ran and {'is' if number - 2 == first else 'are'} recorded; "
        if number - 1 > first
        else ""
    )
    return (
        f"This migration runs outside a transaction: {ran}statement {number} may or may not have "
        f"completed. Running the command again resumes at statement {number}."
    )


def _left_behind(
    conn: psycopg.Connection[Any], error: psycopg.Error, index: ConcurrentIndex | None, *, resumed: bool
) -> str:
    """What a failed statement outside a transaction may have left, and how to go on."""
    if index is not None and index_validity(conn, index) is False:
        return "\n" + invalid_index_advice(index)
    if resumed and isinstance(error, _ALREADY_THERE):
        return (
            "\nThis run resumed at this statement, where the previous run stopped: that run may have "
            "completed it and been cut off before recording it. If what exists is what this statement "
            "creates, add IF NOT EXISTS to it (the statements that have not run may be edited; then run "
            "`puckdb lock`) and run the command again."
        )
    return ""


def _commit_failure(error: psycopg.Error, path: Path) -> str:
    message = error.diag.message_primary or " ".join(str(error).split())
    detail = f" Detail: {error.diag.message_detail}" if error.diag.message_detail else ""
    return (
        f"PostgreSQL rejected {path} when its transaction committed: {message} (SQLSTATE "
        f"{error.diag.sqlstate}).{detail} A deferred constraint is checked at commit; fix the data or the "
        f"migration and run the command again. {_ROLLED_BACK}"
    )


def _lock_wait_in_script(
    error: psycopg.Error, path: Path, lock_timeout_seconds: float | None, blockers: Sequence[Session]
) -> str:
    return (
        f"A statement of {path} waited {_waited(lock_timeout_seconds)} for a lock that another session "
        f"holds on a table it changes, and PostgreSQL canceled it (SQLSTATE {error.diag.sqlstate}). "
        f"{_ROLLED_BACK} (puckdb runs the migration as one script and does not run it again to name the "
        f"statement: that would wait as long again.) {lock_holders_advice(blockers)}"
    )


def _waited(lock_timeout_seconds: float | None) -> str:
    return f"{lock_timeout_seconds:g} s" if lock_timeout_seconds is not None else "lock_timeout"


def lock_holders_advice(blockers: Sequence[Session]) -> str:
    """Who held the lock a statement waited for, and what to do about it."""
    if not blockers:
        return (
            "puckdb did not see which session held it (it was gone by the time puckdb looked); "
            "`SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE state <> 'idle'` shows "
            "the sessions. Run again when it is quiet, or raise the wait with --lock-timeout SECONDS."
        )
    held = "; ".join(describe_session(session) for session in blockers)
    pids = ", ".join(str(session.pid) for session in blockers)
    return (
        f"The lock was held by {held}. Let {'that session' if len(blockers) == 1 else 'those sessions'} "
        f"finish (commit or roll back), or if stuck end {'it' if len(blockers) == 1 else 'them'} with "
        f"SELECT pg_terminate_backend(pid) (pid {pids}); then run the command again, or raise the wait "
        "with --lock-timeout SECONDS."
    )


def _failure(
    error: psycopg.Error,
    statement: SqlStatement,
    number: int,
    path: Path,
    rolled_back: bool,
    lock_timeout_seconds: float | None,
    blockers: Blockers,
    *,
    position: int | None = None,
) -> str:
    where = f"statement {number} (line {statement.line}) of {path}"
    text = describe_statement_error(error, statement.sql, where, first_line=statement.line, position=position)
    if isinstance(error, pg_errors.LockNotAvailable):
        text += (
            f"\nThis was a lock wait: the statement waited {_waited(lock_timeout_seconds)} for a lock "
            f"another session holds on the same table. {lock_holders_advice(blockers())}"
        )
    if rolled_back:
        text += "\n" + _ROLLED_BACK
    else:
        # (The wording "statements 1 to 1" is kept: other tests and users match on it.)
        ran = f"statements 1 to {number - 1} stay applied and are recorded" if number > 1 else "nothing ran"
        text += (
            f"\nThis migration runs outside a transaction: {ran}. After fixing the cause, in the "
            f"database or in the file (statement {number} and the ones after it may be edited, then "
            "`puckdb lock`), run the command again to resume at this statement."
        )
    return text


@contextmanager
def session_lock_timeout(conn: psycopg.Connection[Any], seconds: float | None) -> Iterator[None]:
    """``lock_timeout`` for statements run outside a transaction, reset afterwards (the
    connection goes on to other work, e.g. the next migration in a transaction)."""
    if seconds is None:
        yield
        return
    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{int(seconds * 1000)}ms")))
    try:
        yield
    finally:
        if not is_lost(conn):
            conn.execute("RESET lock_timeout")
