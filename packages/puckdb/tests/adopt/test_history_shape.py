"""Adopting a history of the shape of StudyPuck's real one, migrated by the real drizzle-kit
as production was: an extension made by hand before the first migration (which uses it and
never creates it), two hand-written migrations whose journal timestamps are older than an
applied one (drizzle-kit skips them and reports success), and a later migration repeating
their DDL with IF NOT EXISTS guards. The files are this test's own; the traps are the real
folder's."""

from __future__ import annotations

import json

import psycopg

from puckdb.server.embedded import EmbeddedServer

from .conftest import DrizzleProject
from .test_drizzle import puckdb, statuses

BREAK = "--> statement-breakpoint\n"
SEARCH_OLD = "to_tsvector('simple', \"title\" || ' ' || COALESCE(\"notes\", ''))"
SEARCH_NEW = "to_tsvector('simple', \"title\" || ' ' || COALESCE(\"notes\", '') || ' ' || COALESCE(\"tags\"::text, ''))"

FILES = {
    "0000_first_decks": (
        'CREATE TABLE "decks" (\n\t"deck_id" text PRIMARY KEY NOT NULL,\n\t"title" text NOT NULL,\n'
        '\t"notes" text,\n\t"tags" jsonb,\n\t"embedding" vector(3)\n);\n'
        + BREAK
        + 'CREATE INDEX "idx_decks_embedding" ON "decks" USING hnsw ("embedding" vector_cosine_ops);'
        + BREAK
        + f'CREATE INDEX "idx_decks_search" ON "decks" USING gin ({SEARCH_OLD});'
    ),
    "0001_reviews": 'CREATE TABLE "reviews" (\n\t"deck_id" text NOT NULL,\n\t"due" integer DEFAULT 0 NOT NULL\n);\n',
    "0002_review_index": 'CREATE INDEX "idx_reviews_due" ON "reviews" USING btree ("deck_id","due");',
    "0003_deck_owner": 'ALTER TABLE "decks" ADD COLUMN "owner" text;',
    # Hand-written, dated before 0003: skipped by drizzle on databases that had 0003.
    "0004_soft_delete_decks": 'ALTER TABLE "decks" ADD COLUMN "deleted_at" timestamp with time zone;\n',
    "0005_tags_in_search": (
        'DROP INDEX IF EXISTS "idx_decks_search";'
        + BREAK
        + f'CREATE INDEX "idx_decks_search" ON "decks" USING gin ({SEARCH_NEW});\n'
    ),
    "0006_review_state": 'ALTER TABLE "reviews" ADD COLUMN "state" text DEFAULT \'new\';',
    # The repair: 0004's and 0005's DDL again, guarded so it runs where they did too.
    "0007_repair_decks": (
        'ALTER TABLE "decks" ADD COLUMN IF NOT EXISTS "deleted_at" timestamp with time zone;'
        + BREAK
        + 'DROP INDEX IF EXISTS "idx_decks_search";'
        + BREAK
        + f'CREATE INDEX "idx_decks_search" ON "decks" USING gin ({SEARCH_NEW});'
    ),
}
# Journal timestamps: 0004 and 0005 older than 0003, as written on a branch merged late.
WHEN = [1_770_000_000_000, 1_772_000_000_000, 1_772_100_000_000, 1_772_300_000_000]
WHEN += [1_743_000_000_000, 1_743_100_000_000, 1_776_000_000_000, 1_776_400_000_000]

SCHEMA_PY = """from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Index, Integer, MetaData, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

metadata = MetaData()
decks = Table(
    "decks",
    metadata,
    Column("deck_id", Text, primary_key=True),
    Column("title", Text, nullable=False),
    Column("notes", Text),
    Column("tags", JSONB),
    Column("embedding", Vector(3)),
    Column("owner", Text),
    Column("deleted_at", TIMESTAMP(timezone=True)),
)
Index(
    "idx_decks_embedding",
    decks.c.embedding,
    postgresql_using="hnsw",
    postgresql_ops={"embedding": "vector_cosine_ops"},
)
Index(
    "idx_decks_search",
    text(\"\"\"to_tsvector('simple', title || ' ' || COALESCE(notes, '') || ' ' || COALESCE(tags::text, ''))\"\"\"),
    postgresql_using="gin",
)
reviews = Table(
    "reviews",
    metadata,
    Column("deck_id", Text, nullable=False),
    Column("due", Integer, nullable=False, server_default=text("0")),
    Column("state", Text, server_default=text("'new'")),
)
Index("idx_reviews_due", reviews.c.deck_id, reviews.c.due)
"""


def write_folder(project: DrizzleProject, count: int, files: dict[str, str]) -> None:
    """The first ``count`` of ``files`` with their journal, as drizzle-kit's folder."""
    (project.out / "meta").mkdir(parents=True, exist_ok=True)
    entries = []
    for idx, (tag, body) in enumerate(list(files.items())[:count]):
        (project.out / f"{tag}.sql").write_text(body)
        entries.append({"idx": idx, "version": "7", "when": WHEN[idx], "tag": tag, "breakpoints": True})
    journal = {"version": "7", "dialect": "postgresql", "entries": entries}
    (project.out / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))


def migrated_as_production_was(
    project: DrizzleProject, before: str = "", files: dict[str, str] = FILES
) -> None:
    """``vector`` made by hand, 0000 to 0003 migrated, then the rest: drizzle skips 0004, 0005."""
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")
        if before:
            conn.execute(before)
    write_folder(project, 4, files)
    project.kit("migrate")
    write_folder(project, 8, files)
    project.kit("migrate")
    with psycopg.connect(project.url) as conn:
        assert conn.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone() == (6,)
    (project.root / "puckdb.toml").write_text('schema = "schema.py"\nmigrations = "migrations"\n')
    (project.root / "schema.py").write_text(SCHEMA_PY)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_history_of_studypucks_shape_is_taken_over(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    project = drizzle_project
    migrated_as_production_was(project)

    adopted = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")

    assert adopted.returncode == 0, adopted.stderr
    assert "6 migration(s) applied under drizzle, 6 newly recorded" in one_line(adopted.stdout)
    warnings = one_line(adopted.stderr)
    for version, tag in (("0004", "0004_soft_delete_decks"), ("0005", "0005_tags_in_search")):
        assert (
            f"{tag} was skipped by drizzle (its journal timestamp is older than a recorded migration's) "
            f"and never recorded; its schema changes are in the database: record it with "
            f"`puckdb mark-applied {version}`." in warnings
        )
    assert "changes no schema" not in warnings and "`puckdb apply` runs it" not in warnings

    assert statuses(project, pg_server) == ["pending" if v in (4, 5) else "applied" for v in range(8)]

    for version in ("4", "5"):
        marked = puckdb(project, pg_server, "mark-applied", version)
        assert marked.returncode == 0, marked.stderr
    nothing = puckdb(project, pg_server, "apply")
    assert nothing.returncode == 0 and "Nothing to apply" in nothing.stdout, nothing.stderr

    # No migration creates `vector`: against the code, the folder lacks it (a fresh database
    # needs the statement), while the database that has it shows no drift.
    checked = puckdb(project, pg_server, "check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert 'CREATE EXTENSION IF NOT EXISTS "vector"' in checked.stdout
    assert "changed outside migrations" not in checked.stdout, checked.stdout
    generated = puckdb(project, pg_server, "generate")
    assert generated.returncode == 0, generated.stderr
    [created] = [
        p for p in (project.root / "migrations").glob("0008_*.sql") if not p.name.endswith(".down.sql")
    ]
    assert 'CREATE EXTENSION IF NOT EXISTS "vector"' in created.read_text()
    applied = puckdb(project, pg_server, "apply")
    assert applied.returncode == 0, applied.stderr
    again = puckdb(project, pg_server, "check")
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_skipped_migration_whose_effects_are_there_in_part_names_its_statements(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    """Here the repair is not recorded (its row was lost) and the search index was dropped
    by hand: 0005's DROP INDEX is in effect, its CREATE INDEX is not."""
    project = drizzle_project
    migrated_as_production_was(project)
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute('DROP INDEX "idx_decks_search"')
        conn.execute("DELETE FROM drizzle.__drizzle_migrations WHERE created_at = %s", (WHEN[7],))

    adopted = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")

    assert adopted.returncode == 0, adopted.stderr
    warnings = one_line(adopted.stderr)
    assert "0004_soft_delete_decks was skipped" in warnings
    assert "record it with `puckdb mark-applied 0004`" in warnings
    assert (
        "0005_tags_in_search was skipped by drizzle (its journal timestamp is older than a recorded "
        "migration's) and never recorded; its effects are partly in the database, so neither `puckdb "
        "apply` (which runs all of it) nor `puckdb mark-applied 0005` fits as it is. In the database: "
        'statement 1 (line 1: DROP INDEX IF EXISTS "idx_decks_search"). Not in it: statement 2 (line 2: '
        'CREATE INDEX "idx_decks_search" ON "decks" USING gin (' in warnings
    ), warnings
    assert "Run by hand what is missing" in warnings
    assert "Not applied yet (newer than the database's history): 0007_repair_decks." in one_line(
        adopted.stdout
    )


def test_an_applied_migration_the_shadow_cannot_replay_is_not_called_fixable(
    drizzle_project: DrizzleProject, pg_server: EmbeddedServer
) -> None:
    """A schema made by hand that 0000 uses: replaying it fails, and since the database
    applied it, adopt must not advise editing the file."""
    project = drizzle_project
    in_study = {tag: body.replace('"reviews"', '"study"."reviews"') for tag, body in FILES.items()}
    migrated_as_production_was(project, before="CREATE SCHEMA study", files=in_study)

    adopted = puckdb(project, pg_server, "adopt", "drizzle", "--from", "drizzle")

    assert adopted.returncode == 1, adopted.stdout + adopted.stderr
    message = one_line(adopted.stderr)
    assert "6 migration(s) drizzle applied were recorded in puckdb.migrations" in message
    assert "failed at 0001_reviews.sql" in message and 'schema "study" does not exist' in message
    assert "0001_reviews.sql is applied on" in message and "leave the file as it is" in message
    assert "fix the file" not in message
    assert statuses(project, pg_server).count("applied") == 6
