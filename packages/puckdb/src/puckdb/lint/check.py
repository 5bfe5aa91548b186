"""Lint one migration's text: parse it, run the rules statement by statement, and turn
their hits into findings acknowledged (or not) by the file's header."""

from __future__ import annotations

from pathlib import Path

from pglast.parser import get_postgresql_version

from puckdb.lint.acknowledge import finding
from puckdb.lint.catalog import Catalog
from puckdb.lint.findings import PARSE_ERROR, Finding, Hit
from puckdb.lint.parsing import parse_statements
from puckdb.lint.rules import check
from puckdb.lint.rules.common import blocking
from puckdb.lint.scope import FileScope
from puckdb.migrations.header import parse_header


def lint_text(path: Path, text: str, catalog: Catalog) -> tuple[list[Finding], Catalog]:
    """The findings of the migration ``text`` (read from ``path``) run against a database
    holding ``catalog``, and the catalog as the migration leaves it."""
    header = parse_header(text)
    scope = FileScope.start(header.transactional, catalog)
    findings: list[Finding] = []
    for statement in parse_statements(text):
        if statement.node is None:
            hits = [_unparsable(statement.error or "unknown error")]
        else:
            hits = check(statement.node, scope)
            scope.record(statement.node)
        findings.extend(finding(path, statement.line, statement.first_line, hit, header) for hit in hits)
    return findings, scope.catalog


def _unparsable(error: str) -> Hit:
    """A statement lint cannot read fails the lint: a deploy gate must not pass what it could
    not check. pglast's grammar is PostgreSQL's own (of the newest release puckdb supports), so
    what it rejects is almost always an error the server would raise too (a typo, a psql
    meta-command, another database's SQL); no header line acknowledges it, since the header
    cannot make it readable."""
    major = get_postgresql_version()[0]
    return blocking(
        PARSE_ERROR,
        f"the SQL parser (PostgreSQL {major} grammar) cannot read this statement, so nothing in it "
        f"was checked: {error}",
        "fix the syntax; PostgreSQL would reject it as well",
        acknowledgeable=False,
    )
