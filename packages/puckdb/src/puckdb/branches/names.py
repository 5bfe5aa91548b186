"""Branch names, and the database each branch lives in.

A branch of the configured database ``studypuck`` named ``feature-x`` is the database
``studypuck__feature_x`` on the same server. Names are checked before anything is created,
so every branch maps to exactly one valid database name.
"""

from __future__ import annotations

import hashlib
import re

from puckdb.errors import UsageError

MAIN = "main"
_VALID = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,62}$")
_MAX_DATABASE_NAME = 63


class BranchNameError(UsageError):
    """A branch name puckdb cannot use."""


def check_name(name: str) -> str:
    if not _VALID.match(name) or ".." in name or name.endswith(("/", ".")):
        raise BranchNameError(
            f"{name!r} is not a usable branch name: use lowercase letters, digits and - _ . / (at most 63 "
            "characters, starting with a letter or digit), e.g. `feature-review-queue`."
        )
    return name


def sanitize_git_branch(git_branch: str) -> str:
    """A git branch name as a branch name (``Feature/Review_Queue`` → ``feature/review_queue``)."""
    lowered = re.sub(r"[^a-z0-9._/-]+", "-", git_branch.lower()).strip("-./")
    return lowered[:63] or MAIN


def database_name(main_database: str, branch: str) -> str:
    """The database of ``branch``: the main database's name, ``__``, the branch with every
    other character made ``_``; shortened with a hash when longer than PostgreSQL allows."""
    if branch == MAIN:
        return main_database
    name = f"{main_database}__{re.sub(r'[^a-z0-9_]', '_', branch)}"
    if len(name.encode()) <= _MAX_DATABASE_NAME:
        return name
    digest = hashlib.sha256(branch.encode()).hexdigest()[:8]
    return f"{name.encode()[: _MAX_DATABASE_NAME - 9].decode(errors='ignore')}_{digest}"
