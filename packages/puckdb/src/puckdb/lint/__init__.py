"""``puckdb lint``: the hazards of migration SQL, hand-written or generated.

Statements are parsed with PostgreSQL's own grammar (pglast), checked by the rules in
``rules/`` against what the migration created itself (``scope.py``) and what the database
holds before it (``catalog.py``), and reported as findings. Blocking findings (lost data,
or a statement that cannot run) fail the lint unless the migration's header acknowledges
their kind; warnings never do.
"""

from __future__ import annotations

from puckdb.lint.findings import BlockingFindingsError, Finding, LintReport, Severity
from puckdb.lint.runner import LintInputError, lint_files, lint_folder, lint_pending

__all__ = [
    "BlockingFindingsError",
    "Finding",
    "LintInputError",
    "LintReport",
    "Severity",
    "lint_files",
    "lint_folder",
    "lint_pending",
]
