"""Lint as a whole: lines and statements, acknowledgement by header, unparsable SQL,
the folder and the files modes, and StudyPuck's own migrations."""

from __future__ import annotations

from pathlib import Path

import pytest

from puckdb.lint import LintInputError, lint_files, lint_folder
from puckdb.lint.parsing import parse_statements

from .conftest import LintSql, WriteMigration, kinds, only

REPOSITORY = Path(__file__).resolve().parents[4]
STUDYPUCK_MIGRATIONS = REPOSITORY / "packages" / "database" / "migrations"


def test_findings_name_the_line_and_first_line_of_each_statement(lint_sql: LintSql) -> None:
    sql = (
        "-- puckdb migration 0002_change\n"
        "-- Hazards: none\n"
        "\n"
        "/* the old table goes */ DROP TABLE\n"
        "    legacy;\n"
        "\n"
        "-- ünïcödé comment ☃\n"
        "CREATE INDEX c ON cards (title); TRUNCATE cards;\n"
    )
    report = lint_sql(sql)
    assert [(f.line, f.statement, f.kind) for f in report.findings] == [
        (4, "DROP TABLE", "data-loss"),
        (8, "CREATE INDEX c ON cards (title)", "non-concurrent-index"),
        (8, "TRUNCATE cards", "data-loss"),
    ]
    assert all(f.file.name == "0002_change.sql" for f in report.findings)


def test_header_acknowledges_a_blocking_kind(lint_sql: LintSql) -> None:
    header = "-- Transaction: yes\n-- Hazards:\n--   data-loss: drops the legacy table\n\n"
    report = lint_sql("DROP TABLE legacy;", header=header)
    finding = only(report)
    assert finding.acknowledged and not finding.fails and not report.failed
    assert "acknowledge" not in finding.hint


def test_header_listing_another_kind_does_not_acknowledge(lint_sql: LintSql) -> None:
    header = "-- Hazards:\n--   table-rewrite: rewrites cards\n\n"
    report = lint_sql("DROP TABLE legacy;", header=header)
    assert report.failed and not only(report).acknowledged
    assert "`--   data-loss: <why>` under `-- Hazards:`" in only(report).hint


def test_hazard_lines_after_the_first_statement_are_not_a_header(lint_sql: LintSql) -> None:
    sql = "SELECT 1;\n-- Hazards:\n--   data-loss: too late\nDROP TABLE legacy;"
    assert lint_sql(sql).failed


def test_warnings_never_fail(lint_sql: LintSql) -> None:
    report = lint_sql("CREATE INDEX c ON cards (title);\nALTER TABLE cards RENAME TO decks;")
    assert len(report.warnings) == 2 and not report.failed


def test_unparsable_statement_fails_the_lint_and_the_rest_is_linted(lint_sql: LintSql) -> None:
    sql = "CREATE INDEX c ON cards (title);\n\nALTER TABLE cards ADD COLUMN x int NOT NULL DEFAUL 0;\n\nDROP TABLE legacy;"
    report = lint_sql(sql)
    assert [(f.line, f.kind, f.severity) for f in report.findings] == [
        (1, "non-concurrent-index", "warning"),
        (3, "parse-error", "blocking"),
        (5, "data-loss", "blocking"),
    ]
    assert report.failed
    parse_error = report.findings[1]
    assert 'syntax error at or near "DEFAUL"' in parse_error.message and "(line 3)" in parse_error.message
    assert parse_error.statement.startswith("ALTER TABLE cards ADD COLUMN x")


@pytest.mark.parametrize(
    "sql",
    [
        "\\connect other\nSELECT 1;",  # a psql meta-command
        "CREATE TABLE t (id int) WITH SYSTEM VERSIONING;",  # not PostgreSQL
        'ALTER TABLE cards ADD COLUMN "unterminated int;',
    ],
)
def test_sql_the_parser_rejects_fails_the_lint_and_never_crashes(lint_sql: LintSql, sql: str) -> None:
    """A deploy gate must not pass what it cannot read; no header acknowledges it."""
    header = "-- Hazards:\n--   parse-error: it is valid, trust me\n\n"
    report = lint_sql(sql, header=header)
    assert [(f.kind, f.severity, f.acknowledged) for f in report.findings] == [
        ("parse-error", "blocking", False)
    ]
    assert report.failed


def test_sql_standard_function_bodies_parse() -> None:
    # puckdb's splitter cannot see BEGIN ATOMIC bodies; PostgreSQL's parser can.
    sql = (
        "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n  SELECT a + b;\nEND;\n\nDROP TABLE legacy;\n"
    )
    statements = parse_statements(sql)
    assert [(s.line, s.node is not None) for s in statements] == [(1, True), (6, True)]


def test_an_empty_or_comment_only_migration_has_no_findings(lint_sql: LintSql) -> None:
    assert lint_sql("-- puckdb migration 0002_change\n-- Hazards: none\n").findings == ()
    assert lint_sql("").findings == ()


def test_any_sql_path_is_linted_alone(tmp_path: Path) -> None:
    path = tmp_path / "hotfix.sql"
    path.write_text("ALTER TABLE cards ALTER COLUMN user_id TYPE integer;\nDELETE FROM sessions;\n")
    report = lint_files([path])
    # Not a migration of a folder: no history, so the type change cannot be judged.
    assert kinds(report) == [("table-rewrite", "warning"), ("data-loss", "blocking")]
    assert report.files == (path,)


def test_files_of_one_folder_are_judged_against_their_own_predecessors(
    write_migration: WriteMigration,
) -> None:
    first = write_migration("CREATE TABLE t (a bigint);", "0001_init.sql")
    second = write_migration("ALTER TABLE t ALTER COLUMN a TYPE integer;", "0002_narrow.sql")
    third = write_migration("ALTER TABLE t ALTER COLUMN a TYPE bigint;", "0003_widen.sql")
    report = lint_files([third, second, first])
    by_file = {(f.file.name, f.kind, f.severity) for f in report.findings}
    assert by_file == {
        ("0002_narrow.sql", "data-loss", "blocking"),
        ("0002_narrow.sql", "table-rewrite", "warning"),
        ("0003_widen.sql", "table-rewrite", "warning"),
    }


def test_folder_mode_lints_every_migration_in_order(write_migration: WriteMigration, tmp_path: Path) -> None:
    write_migration("CREATE TABLE t (a bigint);\nCREATE INDEX ON t (a);", "0001_init.sql")
    write_migration("CREATE INDEX t_a ON t (a);", "0002_index.sql")
    write_migration("DROP TABLE t;", "0002_index.down.sql")
    report = lint_folder(tmp_path / "migrations")
    assert [p.name for p in report.files] == ["0001_init.sql", "0002_index.sql"]
    assert [(f.file.name, f.kind) for f in report.findings] == [("0002_index.sql", "non-concurrent-index")]


def test_folder_mode_on_a_missing_folder_lints_nothing(tmp_path: Path) -> None:
    report = lint_folder(tmp_path / "nowhere")
    assert report.files == () and not report.failed


def test_a_file_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.sql"
    path.write_bytes("SELECT 'café';".encode("latin-1"))
    with pytest.raises(LintInputError, match="not valid UTF-8") as raised:
        lint_files([path])
    assert raised.value.exit_code == 2


def test_report_as_json(lint_sql: LintSql) -> None:
    data = lint_sql("DROP TABLE legacy;\nCREATE INDEX ON cards (title);").to_json()
    assert data["blocking"] == 1 and data["unacknowledged"] == 1 and data["warnings"] == 1
    assert data["failed"] is True
    findings = data["findings"]
    assert isinstance(findings, list) and findings[0]["kind"] == "data-loss" and findings[0]["line"] == 1


def test_studypuck_init_migration_has_no_blocking_findings() -> None:
    report = lint_files([STUDYPUCK_MIGRATIONS / "0001_init.sql"])
    assert report.blocking == [] and not report.failed
    folder = lint_folder(STUDYPUCK_MIGRATIONS)
    assert not folder.failed and folder.blocking == []


def test_studypuck_down_file_acknowledges_its_drops() -> None:
    report = lint_files([STUDYPUCK_MIGRATIONS / "0001_init.down.sql"])
    assert report.blocking and all(f.acknowledged for f in report.blocking) and not report.failed
