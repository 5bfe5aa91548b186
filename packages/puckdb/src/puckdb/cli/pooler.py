"""The connection-pooler warning, shown by every command that relies on a session.

Through a pooler in transaction mode (Neon's ``-pooler`` hosts, PgBouncer on 6543)
consecutive statements may run on different server sessions, so the migration advisory
lock and session settings do not hold. Commands that take the lock call
:func:`warn_if_pooler` before they connect, so the warning shows even when connecting fails.
"""

from __future__ import annotations

from puckdb.cli import output


def warn_if_pooler(url: str) -> None:
    from puckdb.urls import pooler_warning

    warning = pooler_warning(url)
    if warning:
        output.warning(warning)
