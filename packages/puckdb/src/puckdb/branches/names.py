"""Branch names, and the database each branch lives in.

A branch of the configured database ``studypuck`` named ``feature-x`` is the database
``studypuck__feature_x`` on the same server. Names are checked before anything is created,
so every branch maps to exactly one valid database name. The temporary databases puckdb
builds while resetting or restoring are named so that no branch can ever have their name.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from puckdb.errors import UsageError

MAIN = "main"
_VALID = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,62}$")
_MAX_NAME = 63
_MAX_DATABASE_NAME = 63
_DIGEST = 8


class BranchNameError(UsageError):
    """A branch name puckdb cannot use."""


def check_name(name: str, source: str | None = None) -> str:
    """``name`` if it is a usable branch name; ``source`` says where it was read from."""
    if not _VALID.match(name) or ".." in name or name.endswith(("/", ".")):
        where = f" (from {source})" if source else ""
        raise BranchNameError(
            f"{name!r}{where} is not a usable branch name: use lowercase letters, digits and - _ . / "
            "(at most 63 characters, starting with a letter or digit, no '..', not ending in / or .), "
            "e.g. `feature-review-queue`."
        )
    return name


def sanitize_git_branch(git_branch: str) -> str:
    """A git branch name as a valid branch name (``Feature/Review_Queue`` →
    ``feature/review_queue``), always the same for the same git branch.

    A name that had to be shortened ends in a hash of the git name, so two long git
    branches that share a beginning keep two database branches; one with nothing usable
    left (``日本語``) becomes ``git-<hash>``.
    """
    name = re.sub(r"[^a-z0-9._/-]+", "-", git_branch.lower())
    name = re.sub(r"\.{2,}", ".", name).lstrip("-._/").rstrip("/.")
    digest = hashlib.sha256(git_branch.encode()).hexdigest()[:_DIGEST]
    if not name:
        return f"git-{digest}"
    if len(name) > _MAX_NAME:
        name = f"{name[: _MAX_NAME - _DIGEST - 1].rstrip('/.')}-{digest}"
    return check_name(name, f"the git branch {git_branch!r}")


def database_name(main_database: str, branch: str) -> str:
    """The database of ``branch``: the main database's name, ``__``, the branch with every
    other character made ``_``; shortened with a hash when longer than PostgreSQL allows."""
    if branch == MAIN:
        return main_database
    name = f"{main_database}__{re.sub(r'[^a-z0-9_]', '_', branch)}"
    if len(name.encode()) <= _MAX_DATABASE_NAME:
        return name
    digest = hashlib.sha256(branch.encode()).hexdigest()[:_DIGEST]
    return f"{name.encode()[: _MAX_DATABASE_NAME - _DIGEST - 1].decode(errors='ignore')}_{digest}"


def temporary_database_name(purpose: str) -> str:
    """A name for a database puckdb builds and renames or drops within one command.

    It contains ``-`` and no ``__``, while a branch's database is ``<main>__`` followed by
    ``[a-z0-9_]`` only: no branch, whatever its name, can live there. The random part keeps
    two commands apart.
    """
    return f"puckdb-{purpose}-{secrets.token_hex(6)}"
