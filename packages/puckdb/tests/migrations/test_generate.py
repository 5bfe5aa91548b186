"""`generate`: the next migration from the migrations' state to the code, on a real server."""

from __future__ import annotations

import psycopg
import pytest

from puckdb.diff.rename_candidates import UnresolvedRenamesError
from puckdb.errors import ConfigError
from puckdb.migrations.apply import apply_migrations
from puckdb.migrations.files import read_migrations
from puckdb.migrations.generate import GenerateOptions, generate
from puckdb.migrations.lockfile import verify_lock

from .conftest import Workspace

USERS = """
users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text))
"""
CARDS = """
cards = Table(
    "cards",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("meaning", Text),
    Column("embedding", Vector(3)),
)
"""


def test_first_migration_creates_extension_tables_lock_and_down_file(workspace: Workspace) -> None:
    workspace.write_schema(USERS + CARDS)
    result = generate(workspace.project(), GenerateOptions())
    assert result.migration is not None
    assert workspace.files() == ["0001_init.down.sql", "0001_init.sql", "puckdb.lock"]
    text = result.migration.text
    assert text.startswith("-- puckdb migration 0001_init\n")
    assert "-- Transaction: yes" in text
    assert 'CREATE EXTENSION IF NOT EXISTS "vector"' in text
    assert text.index("CREATE EXTENSION") < text.index('CREATE TABLE "public"."cards"')
    down = (workspace.migrations / "0001_init.down.sql").read_text()
    assert "--   data-loss: drops table cards and all its rows" in down
    verify_lock(workspace.migrations, read_migrations(workspace.migrations))

    apply_migrations(workspace.url, workspace.migrations)
    with psycopg.connect(workspace.url) as conn:
        conn.execute("INSERT INTO users VALUES (1, 'ann')")
        conn.execute("INSERT INTO cards VALUES (1, 1, 'x', '[1,2,3]')")


def test_in_sync_writes_nothing(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    before = {p.name: p.read_bytes() for p in workspace.migrations.iterdir()}
    result = generate(workspace.project(), GenerateOptions())
    assert result.migration is None and result.plan.is_empty
    assert {p.name: p.read_bytes() for p in workspace.migrations.iterdir()} == before


def test_next_migration_is_named_after_what_it_does(workspace: Workspace) -> None:
    workspace.write_schema(USERS + CARDS)
    generate(workspace.project(), GenerateOptions())
    workspace.write_schema(
        USERS
        + CARDS.replace(
            'Column("meaning", Text),',
            'Column("meaning", Text),\n    Column("deleted_at", DateTime(timezone=True)),',
        )
    )
    result = generate(workspace.project(), GenerateOptions())
    assert result.migration is not None
    assert result.migration.file_name == "0002_add_cards_deleted_at.sql"
    assert (
        'ALTER TABLE "public"."cards" ADD COLUMN "deleted_at" timestamp with time zone'
        in result.migration.text
    )
    assert "CREATE EXTENSION" not in result.migration.text


def test_dropping_a_column_lists_the_hazard_in_the_header(workspace: Workspace) -> None:
    workspace.write_schema(USERS + CARDS)
    generate(workspace.project(), GenerateOptions())
    workspace.write_schema(USERS + CARDS.replace('    Column("meaning", Text),\n', ""))
    result = generate(workspace.project(), GenerateOptions(name="drop_meaning"))
    assert result.migration is not None
    assert result.migration.file_name == "0002_drop_meaning.sql"
    assert "-- Hazards:\n--   data-loss: drops column cards.meaning" in result.migration.text
    assert [h.kind for h in result.migration.header.hazards][:1] == ["data-loss"]


def test_custom_migration_is_honoured_by_the_next_generate(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    custom = generate(workspace.project(), GenerateOptions(custom=True, name="add_tags_by_hand"))
    assert custom.migration is not None and custom.migration.file_name == "0002_add_tags_by_hand.sql"
    assert custom.migration.statements == []
    path = custom.migration.path
    path.write_text(path.read_text() + "CREATE TABLE tags (id bigserial PRIMARY KEY, label text);\n")
    workspace.run("lock").check_returncode()

    # The code now declares what the hand-written migration made: nothing to generate.
    workspace.write_schema(
        USERS
        + '\ntags = Table("tags", metadata, Column("id", BigInteger, primary_key=True), Column("label", Text))\n'
    )
    assert generate(workspace.project(), GenerateOptions()).migration is None


def test_possible_rename_without_terminal_names_the_flags(workspace: Workspace) -> None:
    workspace.write_schema(USERS + CARDS)
    generate(workspace.project(), GenerateOptions())
    workspace.write_schema(USERS + CARDS.replace('"meaning"', '"definition"'))
    with pytest.raises(UnresolvedRenamesError) as caught:
        generate(workspace.project(), GenerateOptions())
    assert "--rename cards.meaning=definition" in str(caught.value)
    assert "--no-rename" in str(caught.value)
    assert workspace.files() == ["0001_init.down.sql", "0001_init.sql", "puckdb.lock"]

    result = workspace.run("generate", "--rename", "cards.meaning=definition")
    assert result.returncode == 0, result.stderr
    text = (workspace.migrations / "0002_rename_cards_meaning_to_definition.sql").read_text()
    assert 'ALTER TABLE "public"."cards" RENAME COLUMN "meaning" TO "definition"' in text
    assert "DROP COLUMN" not in text


def test_no_rename_drops_and_adds(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    workspace.write_schema(USERS.replace('"name"', '"full_name"'))
    result = generate(workspace.project(), GenerateOptions(no_rename=True))
    assert result.migration is not None
    assert "DROP COLUMN" in result.migration.text and "ADD COLUMN" in result.migration.text


def test_a_table_rename_answered_by_a_prompt(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    generate(workspace.project(), GenerateOptions())
    workspace.write_schema(USERS.replace('Table("users"', 'Table("people"'))
    questions: list[str] = []

    def ask(candidate: object) -> bool:
        questions.append(candidate.question)  # type: ignore[attr-defined]
        return True

    result = generate(workspace.project(), GenerateOptions(), ask)
    assert questions == ["Was table public.users renamed to people?"]
    assert result.migration is not None
    assert 'ALTER TABLE "public"."users" RENAME TO "people"' in result.migration.text
    down = result.migration.down_path.read_text()  # type: ignore[union-attr]
    assert 'ALTER TABLE "public"."people" RENAME TO "users"' in down


def test_unusable_name_is_refused(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    with pytest.raises(ConfigError, match="--name 'Add Users'"):
        generate(workspace.project(), GenerateOptions(name="Add Users"))
    assert workspace.files() == []


def test_generate_through_the_command_line(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    first = workspace.run("generate")
    assert first.returncode == 0, first.stderr
    assert "Wrote migrations/0001_init.sql" in first.stdout
    assert 'CREATE TABLE "public"."users"' in first.stdout
    again = workspace.run("generate")
    assert again.returncode == 0
    assert "No schema changes" in again.stdout
