"""Errors that puckdb reports to its users.

Every error carries a complete, user-facing paragraph: what went wrong, where, and what
to do about it. The library raises these; only the command line decides how to show them
and which exit code to use (``exit_code``).
"""

from __future__ import annotations


class PuckdbError(Exception):
    """Base class of every error puckdb reports to a user.

    ``exit_code`` follows DESIGN.md: 1 when a check finds a problem or an operation fails,
    2 for usage and configuration mistakes.
    """

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(PuckdbError):
    """The configuration is missing, malformed or names something that does not exist."""

    exit_code = 2


class SchemaLoadError(ConfigError):
    """The schema module named by the configuration cannot be imported or holds no MetaData."""


class DatabaseUrlError(ConfigError):
    """A database URL is not a valid PostgreSQL connection URL."""


class DatabaseUnreachableError(PuckdbError):
    """A database could not be connected to."""

    exit_code = 2


class EmbeddedServerError(PuckdbError):
    """The embedded development server could not be initialised, started or stopped."""


class SchemaCodeError(PuckdbError):
    """PostgreSQL rejected the DDL compiled from the schema code."""

    exit_code = 2


class UsageError(PuckdbError):
    """A command was asked for something it needs a flag or an answer for."""

    exit_code = 2
