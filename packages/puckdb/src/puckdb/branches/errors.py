"""What a branch operation can run into, as errors that keep the facts behind the message.

The facts matter because one refusal reads differently depending on who asked: ``branch
create`` can offer ``--force`` for a busy source, ``apply --backup`` can only offer
``--no-backup``.
"""

from __future__ import annotations

from puckdb.errors import PuckdbError


class BranchError(PuckdbError):
    """A branch operation the server refused, or one that would lose something."""


class BranchExistsError(BranchError):
    """The database a new branch would live in already exists."""

    def __init__(self, message: str, database: str) -> None:
        super().__init__(message)
        self.database = database


class DatabaseBusyError(BranchError):
    """A database that must have no sessions (to be copied, renamed or dropped) has some."""

    def __init__(self, message: str, database: str, sessions: str) -> None:
        super().__init__(message)
        self.database = database
        self.sessions = sessions
        """``2 open connection(s): pid 123 (studio), pid 456``"""


class CreateDatabaseDeniedError(BranchError):
    """The role may not create databases on this server."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
        """PostgreSQL's own words, e.g. ``permission denied to create database``."""
