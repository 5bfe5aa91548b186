"""Splitting migration SQL: semicolons inside strings, identifiers, dollar-quoted bodies
and comments do not end a statement, and each statement knows its line."""

from __future__ import annotations

from puckdb.migrations.sqltext import split_statements


def sqls(text: str) -> list[str]:
    return [statement.sql for statement in split_statements(text)]


def test_statements_and_their_lines() -> None:
    text = "-- header\n-- more\n\nCREATE TABLE a (id int);\n\nCREATE TABLE b (\n  id int\n);\n"
    statements = split_statements(text)
    assert [(s.sql, s.line) for s in statements] == [
        ("CREATE TABLE a (id int)", 4),
        ("CREATE TABLE b (\n  id int\n)", 6),
    ]


def test_semicolons_inside_literals_and_identifiers() -> None:
    text = """INSERT INTO t VALUES ('a;b', 'it''s; fine');
CREATE TABLE "odd;name" (id int);
SELECT E'it\\'s; escaped', e'\\\\', 2;"""
    assert sqls(text) == [
        "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
        'CREATE TABLE "odd;name" (id int)',
        "SELECT E'it\\'s; escaped', e'\\\\', 2",
    ]


def test_dollar_quoted_bodies() -> None:
    text = """CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
BEGIN
  PERFORM 1; RETURN 2;
END $body$;
DO $$ BEGIN RAISE NOTICE 'x;'; END $$;
SELECT price$1 FROM t;"""
    result = sqls(text)
    assert len(result) == 3
    assert result[0].endswith("END $body$")
    assert result[1] == "DO $$ BEGIN RAISE NOTICE 'x;'; END $$"
    assert result[2] == "SELECT price$1 FROM t"


def test_comments_inside_and_between_statements() -> None:
    text = """/* block; /* nested; */ still comment; */
SELECT 1 -- trailing; comment
, 2;
-- only a comment;
"""
    assert sqls(text) == ["SELECT 1 -- trailing; comment\n, 2"]


def test_no_statements() -> None:
    assert split_statements("-- nothing here\n\n/* nor here */\n") == []
    assert split_statements("") == []


def test_last_statement_without_semicolon() -> None:
    assert sqls("SELECT 1;\nSELECT 2") == ["SELECT 1", "SELECT 2"]


def test_line_numbers_stay_right_across_many_statements() -> None:
    text = "".join(f"-- {n}\nCREATE TABLE t{n} (\n  note text DEFAULT 'a;\nb'\n);\n" for n in range(1, 301))
    statements = split_statements(text)
    assert [s.line for s in statements] == [2 + 5 * n for n in range(300)]
    assert statements[-1].sql == "CREATE TABLE t300 (\n  note text DEFAULT 'a;\nb'\n)"


def test_unterminated_quotes_and_comments_run_to_the_end() -> None:
    assert sqls("SELECT 'open; still") == ["SELECT 'open; still"]
    assert sqls('SELECT "open; still') == ['SELECT "open; still']
    assert sqls("SELECT 1 /* open; /* nested */ still") == ["SELECT 1 /* open; /* nested */ still"]
    assert sqls("SELECT E'\\\\'; SELECT 2") == ["SELECT E'\\\\'", "SELECT 2"]


def test_a_drizzle_file_splits_at_its_breakpoints_only() -> None:
    text = (
        "CREATE TABLE plans (id integer)\n--> statement-breakpoint\n"
        "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\n"
        "--> statement-breakpoint\n\n-- a note\nINSERT INTO plans VALUES (1);\n--> statement-breakpoint\n"
    )
    assert [(s.sql, s.line) for s in split_statements(text)] == [
        ("CREATE TABLE plans (id integer)", 1),
        ("CREATE FUNCTION n() RETURNS bigint LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND", 3),
        ("INSERT INTO plans VALUES (1)", 10),
    ]
