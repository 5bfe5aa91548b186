"""Database branches: copies of the configured database for feature work and backups."""

from puckdb.branches.current import BRANCH_ENV, pinned_branch, select_branch, selected_branch
from puckdb.branches.errors import (
    BranchError,
    BranchExistsError,
    CreateDatabaseDeniedError,
    DatabaseBusyError,
)
from puckdb.branches.metadata import Branch
from puckdb.branches.names import MAIN, BranchNameError, check_name, database_name
from puckdb.branches.server import BranchServer

__all__ = [
    "BRANCH_ENV",
    "MAIN",
    "Branch",
    "BranchError",
    "BranchExistsError",
    "BranchNameError",
    "BranchServer",
    "CreateDatabaseDeniedError",
    "DatabaseBusyError",
    "check_name",
    "database_name",
    "pinned_branch",
    "select_branch",
    "selected_branch",
]
