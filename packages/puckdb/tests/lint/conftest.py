"""Helpers for lint tests: migrations written as real files in a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from puckdb.lint import Finding, LintReport, lint_files

# A folder's first migration, so that later files are judged against known column types.
HISTORY = """\
-- puckdb migration 0001_init
-- Transaction: yes
-- Hazards: none

CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');

CREATE TABLE cards (
    id bigint PRIMARY KEY,
    user_id bigint,
    title text,
    code varchar(20),
    price numeric(10,2),
    feeling mood,
    created_at timestamp with time zone
);

CREATE TABLE legacy (id integer);
"""

WriteMigration = Callable[..., Path]
LintSql = Callable[..., LintReport]


@pytest.fixture
def write_migration(tmp_path: Path) -> WriteMigration:
    """Write ``NNNN_<name>.sql`` into ``tmp_path/migrations``; the SQL is dedented."""

    def write(sql: str, name: str = "0002_change.sql", *, header: str = "") -> Path:
        folder = tmp_path / "migrations"
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(textwrap.dedent(header) + textwrap.dedent(sql), encoding="utf-8")
        return path

    return write


@pytest.fixture
def lint_sql(write_migration: WriteMigration) -> LintSql:
    """Lint ``sql`` as migration 0002 of a folder whose 0001 is :data:`HISTORY`."""

    def run(sql: str, *, header: str = "", history: str = HISTORY) -> LintReport:
        write_migration(history, "0001_init.sql")
        return lint_files([write_migration(sql, header=header)])

    return run


def kinds(report: LintReport) -> list[tuple[str, str]]:
    return [(f.kind, f.severity) for f in report.findings]


def only(report: LintReport) -> Finding:
    assert len(report.findings) == 1, report.findings
    return report.findings[0]
