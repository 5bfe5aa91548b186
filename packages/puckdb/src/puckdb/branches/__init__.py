"""Database branches: copies of the configured database for feature work and backups."""

from puckdb.branches.current import select_branch, selected_branch
from puckdb.branches.names import MAIN, BranchNameError, check_name, database_name
from puckdb.branches.server import Branch, BranchError, BranchServer

__all__ = [
    "MAIN",
    "Branch",
    "BranchError",
    "BranchNameError",
    "BranchServer",
    "check_name",
    "database_name",
    "select_branch",
    "selected_branch",
]
