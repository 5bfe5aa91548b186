"""Every rule fires on a hazardous statement and stays quiet on its safe counterpart.

Each migration is linted as 0002 of a folder whose 0001 (conftest.HISTORY) creates
``cards``, ``legacy`` and the enum ``mood``, so type changes are judged against known types.
"""

from __future__ import annotations

import pytest

from .conftest import LintSql, kinds, only

NO_TRANSACTION = "-- Transaction: no\n\n"

HAZARDOUS = [
    # Blocking: data loss.
    ("drop table", "DROP TABLE legacy;", "data-loss", "blocking"),
    ("drop column", "ALTER TABLE cards DROP COLUMN title;", "data-loss", "blocking"),
    ("drop schema cascade", "DROP SCHEMA archive CASCADE;", "data-loss", "blocking"),
    ("truncate", "TRUNCATE cards;", "data-loss", "blocking"),
    ("delete without where", "DELETE FROM cards;", "data-loss", "blocking"),
    ("drop type cascade", "DROP TYPE mood CASCADE;", "data-loss", "blocking"),
    ("bigint to integer", "ALTER TABLE cards ALTER COLUMN user_id TYPE integer;", "data-loss", "blocking"),
    ("text to varchar(n)", "ALTER TABLE cards ALTER COLUMN title TYPE varchar(50);", "data-loss", "blocking"),
    ("shorter varchar", "ALTER TABLE cards ALTER COLUMN code TYPE varchar(10);", "data-loss", "blocking"),
    ("less precision", "ALTER TABLE cards ALTER COLUMN price TYPE numeric(8,2);", "data-loss", "blocking"),
    # Warnings.
    (
        "set not null",
        "ALTER TABLE cards ALTER COLUMN title SET NOT NULL;",
        "access-exclusive-lock",
        "warning",
    ),
    (
        "pg18 not null constraint",
        "ALTER TABLE cards ADD CONSTRAINT t_nn NOT NULL title;",
        "access-exclusive-lock",
        "warning",
    ),
    ("index", "CREATE INDEX cards_user ON cards (user_id);", "non-concurrent-index", "warning"),
    ("unique index", "CREATE UNIQUE INDEX cards_code ON cards (code);", "non-concurrent-index", "warning"),
    (
        "unique constraint",
        "ALTER TABLE cards ADD CONSTRAINT cards_code UNIQUE (code);",
        "non-concurrent-index",
        "warning",
    ),
    (
        "foreign key",
        "ALTER TABLE cards ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);",
        "access-exclusive-lock",
        "warning",
    ),
    (
        "check",
        "ALTER TABLE cards ADD CONSTRAINT positive CHECK (price > 0);",
        "access-exclusive-lock",
        "warning",
    ),
    (
        "foreign key on new column",
        "ALTER TABLE cards ADD COLUMN deck_id bigint REFERENCES decks (id);",
        "access-exclusive-lock",
        "warning",
    ),
    (
        "rewriting type change",
        "ALTER TABLE cards ALTER COLUMN user_id TYPE text;",
        "table-rewrite",
        "warning",
    ),
    (
        "widening integer rewrites",
        "ALTER TABLE legacy ALTER COLUMN id TYPE bigint;",
        "table-rewrite",
        "warning",
    ),
    ("rename table", "ALTER TABLE legacy RENAME TO old_legacy;", "backward-incompatible", "warning"),
    (
        "rename column",
        "ALTER TABLE cards RENAME COLUMN title TO heading;",
        "backward-incompatible",
        "warning",
    ),
    (
        "rename enum value",
        "ALTER TYPE mood RENAME VALUE 'meh' TO 'so-so';",
        "backward-incompatible",
        "warning",
    ),
    (
        "not null without default",
        "ALTER TABLE cards ADD COLUMN deck_id bigint NOT NULL;",
        "backfill-required",
        "warning",
    ),
    (
        "volatile default",
        "ALTER TABLE cards ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "table-rewrite",
        "warning",
    ),
    (
        "stored generated column",
        "ALTER TABLE cards ADD COLUMN doubled numeric GENERATED ALWAYS AS (price * 2) STORED;",
        "table-rewrite",
        "warning",
    ),
    ("drop type", "DROP TYPE mood;", "backward-incompatible", "warning"),
    # Blocking though no rows can go (PostgreSQL refuses a non-empty schema without CASCADE):
    # the schema, its grants and the code using it are lost (rules/destructive.py).
    ("drop schema", "DROP SCHEMA archive;", "backward-incompatible", "blocking"),
    ("begin/commit", "BEGIN;", "transaction-control", "warning"),
]

SAFE = [
    ("drop table created here", "CREATE TABLE scratch (id int);\nDROP TABLE scratch;"),
    ("drop column added here", "ALTER TABLE cards ADD COLUMN tmp text;\nALTER TABLE cards DROP COLUMN tmp;"),
    ("drop schema created here", "CREATE SCHEMA archive;\nDROP SCHEMA archive CASCADE;"),
    ("truncate table created here", "CREATE TABLE scratch (id int);\nTRUNCATE scratch;"),
    ("delete with where", "DELETE FROM cards WHERE id = 1;"),
    ("longer varchar", "ALTER TABLE cards ALTER COLUMN code TYPE varchar(40);"),
    ("varchar to text", "ALTER TABLE cards ALTER COLUMN code TYPE text;"),
    ("more precision", "ALTER TABLE cards ALTER COLUMN price TYPE numeric(12,2);"),
    (
        "set not null on a table created here",
        "CREATE TABLE decks (id int, title text);\nALTER TABLE decks ALTER COLUMN title SET NOT NULL;",
    ),
    (
        "set not null on a column added here",
        "ALTER TABLE cards ADD COLUMN extra text;\nALTER TABLE cards ALTER COLUMN extra SET NOT NULL;",
    ),
    ("index on a table created here", "CREATE TABLE decks (id int);\nCREATE INDEX decks_id ON decks (id);"),
    (
        "index on a table created and renamed here",
        "CREATE TABLE decks_new (id int);\nALTER TABLE decks_new RENAME TO decks;\nCREATE INDEX ON decks (id);",
    ),
    (
        "concurrent index outside a transaction",
        NO_TRANSACTION + "CREATE INDEX CONCURRENTLY c ON cards (user_id);",
    ),
    (
        "unique constraint using a prebuilt index",
        "ALTER TABLE cards ADD CONSTRAINT u UNIQUE USING INDEX cards_code;",
    ),
    (
        "foreign key not valid",
        "ALTER TABLE cards ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
    ),
    ("check not valid", "ALTER TABLE cards ADD CONSTRAINT positive CHECK (price > 0) NOT VALID;"),
    ("validate constraint", "ALTER TABLE cards VALIDATE CONSTRAINT fk;"),
    (
        "foreign key on a table created here",
        "CREATE TABLE decks (id int, card_id bigint);\n"
        "ALTER TABLE decks ADD CONSTRAINT fk FOREIGN KEY (card_id) REFERENCES cards (id);",
    ),
    (
        "rename a table created here",
        "CREATE TABLE decks_new (id int);\nALTER TABLE decks_new RENAME TO decks;",
    ),
    (
        "rename a column of a table created here",
        "CREATE TABLE decks (id int, t text);\nALTER TABLE decks RENAME COLUMN t TO title;",
    ),
    ("not null with a default", "ALTER TABLE cards ADD COLUMN deck_id bigint NOT NULL DEFAULT 0;"),
    ("nullable column", "ALTER TABLE cards ADD COLUMN deck_id bigint;"),
    ("constant default", "ALTER TABLE cards ADD COLUMN active boolean NOT NULL DEFAULT true;"),
    ("now() is stable, not volatile", "ALTER TABLE cards ADD COLUMN seen timestamptz DEFAULT now();"),
    ("add enum value", "ALTER TYPE mood ADD VALUE 'angry';"),
    ("drop index", "DROP INDEX cards_code;"),
    ("plain DML", "UPDATE cards SET title = 'x' WHERE id = 1;\nINSERT INTO legacy VALUES (1);"),
    (
        "create a table with everything",
        "CREATE TABLE decks (id bigint PRIMARY KEY, code varchar(3) NOT NULL UNIQUE,\n"
        "  card_id bigint REFERENCES cards (id), CHECK (code <> ''));",
    ),
]


@pytest.mark.parametrize(
    ("sql", "kind", "severity"), [c[1:] for c in HAZARDOUS], ids=[c[0] for c in HAZARDOUS]
)
def test_rule_fires(lint_sql: LintSql, sql: str, kind: str, severity: str) -> None:
    report = lint_sql(sql)
    assert (kind, severity) in kinds(report)
    finding = next(f for f in report.findings if f.kind == kind)
    assert finding.line == 1 and finding.statement == sql.splitlines()[0].rstrip(";")
    assert finding.message and finding.hint
    assert report.failed == (severity == "blocking")


@pytest.mark.parametrize("sql", [c[1] for c in SAFE], ids=[c[0] for c in SAFE])
def test_safe_counterpart_is_quiet(lint_sql: LintSql, sql: str) -> None:
    report = lint_sql(sql)
    assert kinds(report) == []
    assert not report.failed


def test_widening_a_type_rewrites_but_loses_nothing(lint_sql: LintSql) -> None:
    assert kinds(lint_sql("ALTER TABLE legacy ALTER COLUMN id TYPE bigint;")) == [
        ("table-rewrite", "warning")
    ]


def test_create_index_concurrently_in_a_transaction_cannot_be_acknowledged(lint_sql: LintSql) -> None:
    header = "-- Transaction: yes\n-- Hazards:\n--   non-transactional: builds concurrently\n\n"
    report = lint_sql("CREATE INDEX CONCURRENTLY c ON cards (user_id);", header=header)
    finding = only(report)
    assert (finding.kind, finding.severity, finding.acknowledged) == ("non-transactional", "blocking", False)
    assert "Transaction: no" in finding.hint and report.failed


@pytest.mark.parametrize(
    "sql",
    [
        "DROP INDEX CONCURRENTLY cards_code;",
        "REINDEX INDEX CONCURRENTLY cards_code;",
        "VACUUM cards;",
        "ALTER TABLE measurements DETACH PARTITION m2024 CONCURRENTLY;",
    ],
)
def test_other_statements_that_need_no_transaction(lint_sql: LintSql, sql: str) -> None:
    assert ("non-transactional", "blocking") in kinds(lint_sql(sql))
    assert kinds(lint_sql(sql, header=NO_TRANSACTION)) == []


def test_type_change_of_a_column_lint_cannot_see_is_a_warning(lint_sql: LintSql) -> None:
    finding = only(lint_sql("ALTER TABLE elsewhere ALTER COLUMN amount TYPE integer;"))
    assert (finding.kind, finding.severity) == ("table-rewrite", "warning")
    assert "unknown" in finding.message and "elsewhere.amount" in finding.message


def test_type_change_follows_earlier_changes_in_the_folder(lint_sql: LintSql) -> None:
    history = (
        "CREATE TABLE t (a bigint);\nALTER TABLE t ALTER COLUMN a TYPE integer;\nALTER TABLE t RENAME TO u;"
    )
    report = lint_sql("ALTER TABLE u ALTER COLUMN a TYPE smallint;", history=history)
    assert ("data-loss", "blocking") in kinds(report)
    assert "integer → smallint" in report.blocking[0].message


GENERATED_RECREATE = """\
ALTER TYPE "public"."mood" RENAME TO "mood__old";
CREATE TYPE "public"."mood" AS ENUM ({labels});
ALTER TABLE "public"."cards" ALTER COLUMN "feeling" DROP DEFAULT;
ALTER TABLE "public"."cards" ALTER COLUMN "feeling" TYPE "public"."mood" USING "feeling"::text::"public"."mood";
DROP TYPE "public"."mood__old";
"""


def test_enum_recreated_without_a_value_loses_data(lint_sql: LintSql) -> None:
    report = lint_sql(GENERATED_RECREATE.format(labels="'happy', 'sad'"))
    assert kinds(report) == [("data-loss", "blocking"), ("table-rewrite", "warning")]
    loss = report.blocking[0]
    assert loss.line == 2 and "'meh'" in loss.message


def test_enum_recreated_with_every_value_only_rewrites(lint_sql: LintSql) -> None:
    report = lint_sql(GENERATED_RECREATE.format(labels="'sad', 'happy', 'meh', 'angry'"))
    assert kinds(report) == [("table-rewrite", "warning")]


def test_enum_dropped_and_recreated_by_hand(lint_sql: LintSql) -> None:
    sql = "DROP TYPE mood;\nCREATE TYPE mood AS ENUM ('happy');"
    assert kinds(lint_sql(sql)) == [("backward-incompatible", "warning"), ("data-loss", "blocking")]


def test_enum_recreated_without_history_is_a_warning(lint_sql: LintSql) -> None:
    report = lint_sql(GENERATED_RECREATE.format(labels="'happy'"), history="-- nothing yet\n")
    assert ("data-loss", "warning") in kinds(report) and not report.failed


def test_a_statement_with_several_hazards_reports_each(lint_sql: LintSql) -> None:
    report = lint_sql(
        "ALTER TABLE cards\n  DROP COLUMN code,\n  ADD COLUMN n int NOT NULL,\n  ALTER COLUMN title SET NOT NULL;"
    )
    assert kinds(report) == [
        ("data-loss", "blocking"),
        ("backfill-required", "warning"),
        ("access-exclusive-lock", "warning"),
    ]
    assert {f.line for f in report.findings} == {1} and report.findings[0].statement == "ALTER TABLE cards"


def test_schema_qualified_and_quoted_names(lint_sql: LintSql) -> None:
    history = 'CREATE SCHEMA app;\nCREATE TABLE app."Cards" ("Id" bigint);'
    report = lint_sql('ALTER TABLE app."Cards" ALTER COLUMN "Id" TYPE integer;', history=history)
    assert kinds(report) == [("data-loss", "blocking"), ("table-rewrite", "warning")]
    assert "app.Cards.Id" in report.blocking[0].message


def test_dropping_a_generated_column_loses_nothing(lint_sql: LintSql) -> None:
    history = "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);"
    assert kinds(lint_sql("ALTER TABLE t DROP COLUMN b;", history=history)) == [
        ("backward-incompatible", "warning")
    ]
    assert kinds(lint_sql("ALTER TABLE t DROP COLUMN a;", history=history)) == [("data-loss", "blocking")]


def test_a_manual_using_placeholder_fails_even_when_acknowledged(lint_sql: LintSql) -> None:
    header = "-- Transaction: yes\n-- Hazards:\n--   manual-using: no cast from uuid to integer\n\n"
    sql = (
        "ALTER TABLE cards ALTER COLUMN user_id TYPE uuid USING /* PostgreSQL has no cast from bigint to uuid */ "
        'puckdb_manual_using("user_id");'
    )
    report = lint_sql(sql, header=header)
    finding = next(f for f in report.findings if f.kind == "manual-using")
    assert (finding.severity, finding.acknowledged) == ("blocking", False)
    assert "replace puckdb_manual_using" in finding.hint
    assert report.failed
    # Once the author writes the conversion, the rule is quiet.
    filled = lint_sql("ALTER TABLE cards ALTER COLUMN user_id TYPE uuid USING md5(user_id::text)::uuid;")
    assert "manual-using" not in {f.kind for f in filled.findings}
