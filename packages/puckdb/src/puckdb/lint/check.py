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
from puckdb.lint.rules.common import blocking, warning
from puckdb.lint.scope import FileScope
from puckdb.migrations.files import BYTE_ORDER_MARK
from puckdb.migrations.header import parse_header


def lint_text(path: Path, text: str, catalog: Catalog) -> tuple[list[Finding], Catalog]:
    """The findings of the migration ``text`` (read from ``path``) run against a database
    holding ``catalog``, and the catalog as the migration leaves it. ``text`` may start
    with a byte order mark: puckdb runs such a file without it, and lint says it is there."""
    findings: list[Finding] = []
    if text.startswith(BYTE_ORDER_MARK):
        text = text.removeprefix(BYTE_ORDER_MARK)
        findings.append(_byte_order_mark(path))
    header = parse_header(text)
    statements = list(parse_statements(text))
    scope = FileScope.start(header.transactional, catalog, (statement.node for statement in statements))
    for statement in statements:
        if statement.node is None:
            hits = [_unparsable(statement.error or "unknown error")]
        else:
            hits = check(statement.node, scope)
            scope.record(statement.node)
        findings.extend(finding(path, statement.line, statement.first_line, hit, header) for hit in hits)
    return findings, scope.catalog


BYTE_ORDER_MARK_KIND = "byte-order-mark"


def _byte_order_mark(path: Path) -> Finding:
    """A warning, never a failure: puckdb and psql skip the mark, but other tools that read
    the file (an older applier, a diff, a linter of another stack) may not."""
    hit = warning(
        BYTE_ORDER_MARK_KIND,
        "the file starts with a UTF-8 byte order mark (EF BB BF); puckdb ignores it when it runs the "
        "file, and its checksum covers it",
        "save the file as UTF-8 without a BOM (then `puckdb lock`, if it is not applied anywhere)",
    )
    first = "(the first three bytes: EF BB BF)"
    return Finding(path, 1, first, hit.kind, hit.severity, hit.message, hit.hint)


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
