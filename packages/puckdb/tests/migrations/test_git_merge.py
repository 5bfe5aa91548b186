"""Two feature branches that each generate a migration, merged with the real git.

Both branches append to ``puckdb.lock`` and take the same next number, which is how teams
meet the problem: the lock file must make the merge stop with a conflict (instead of two
``0002`` migrations landing silently), every command must refuse the conflicted folder with
the way out, and that way out (renumber, ``puckdb lock``) must leave a folder that applies
and agrees with the merged code.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import Workspace
from .conftest import public_tables as tables

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

USERS = """
users = Table("users", metadata, Column("id", Integer, primary_key=True), Column("name", Text))

# Tables of the first feature go here.

# ------------------------------------------------------------------------------------------
# The lines above and below are far apart so that git merges the two features' schema
# edits cleanly: only the migrations folder conflicts.
# ------------------------------------------------------------------------------------------

# Tables of the second feature go here.
"""
TAGS = 'tags = Table("tags", metadata, Column("id", Integer, primary_key=True), Column("label", Text))\n'
NOTES = 'notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("body", Text))\n'


def git(workspace: Workspace, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=workspace.root,
        capture_output=True,
        text=True,
        check=check,
    )


def add_to_schema(workspace: Workspace, marker: str, table: str) -> None:
    schema = workspace.root / "schema.py"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace(marker, marker + "\n" + table), encoding="utf-8")


def generate(workspace: Workspace, name: str) -> None:
    result = workspace.run("generate", "--name", name)
    assert result.returncode == 0, result.stderr


def two_features_merged(workspace: Workspace) -> subprocess.CompletedProcess[str]:
    """main with 0001_init; branch `tags` and branch `notes` each add a table and generate
    0002; `notes` is then merged into `tags`. Returns the merge's result."""
    (workspace.root / ".gitignore").write_text(".puckdb/\n__pycache__/\n", encoding="utf-8")
    workspace.write_schema(USERS)
    git(workspace, "init", "-q", "-b", "main")
    generate(workspace, "init")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "init")

    for feature, marker, table in (
        ("tags", "# Tables of the first feature go here.\n", TAGS),
        ("notes", "# Tables of the second feature go here.\n", NOTES),
    ):
        git(workspace, "checkout", "-q", "-b", feature, "main")
        add_to_schema(workspace, marker, table)
        generate(workspace, feature)
        git(workspace, "add", "-A")
        git(workspace, "commit", "-q", "-m", feature)

    git(workspace, "checkout", "-q", "tags")
    return git(workspace, "merge", "-q", "--no-edit", "notes", check=False)


def test_two_branches_that_each_generate_a_migration_conflict_in_the_lock_file(workspace: Workspace) -> None:
    merge = two_features_merged(workspace)

    assert merge.returncode == 1, merge.stdout + merge.stderr
    conflicted = git(workspace, "diff", "--name-only", "--diff-filter=U").stdout.split()
    assert conflicted == ["migrations/puckdb.lock"]
    # Both migrations arrived, with the same number: the conflict is the only thing that
    # keeps this from passing unnoticed.
    assert [f for f in workspace.files() if f.startswith("0002")] == [
        "0002_notes.down.sql",
        "0002_notes.sql",
        "0002_tags.down.sql",
        "0002_tags.sql",
    ]

    # Every command names the clash and the way out, before touching any database.
    clash = "have the number 0002: 0002_notes.sql, 0002_tags.sql. This happens when two branches each added"
    check = workspace.run("check")
    assert check.returncode == 1
    assert check.stdout.startswith("folder-integrity:")
    assert clash in " ".join(check.stdout.split())
    for command in ("apply", "generate", "status"):
        refused = workspace.run(command)
        assert refused.returncode == 1, (command, refused.stdout, refused.stderr)
        message = " ".join(refused.stderr.split())
        assert clash in message and "then run `puckdb lock`" in message, (command, message)
    assert tables(workspace.url) == []


def test_renumbering_and_relocking_after_the_merge_gives_a_folder_that_applies_and_agrees(
    workspace: Workspace,
) -> None:
    assert two_features_merged(workspace).returncode == 1

    # The way out that every refusal names: keep both files, give the newer one the next
    # free number, rewrite the lock file.
    migrations = Path("migrations")
    git(workspace, "mv", str(migrations / "0002_notes.sql"), str(migrations / "0003_notes.sql"))
    git(workspace, "mv", str(migrations / "0002_notes.down.sql"), str(migrations / "0003_notes.down.sql"))
    relock = workspace.run("lock")
    assert relock.returncode == 0, relock.stderr
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "--no-edit")

    applied = workspace.run("apply")
    assert applied.returncode == 0, applied.stderr
    assert tables(workspace.url) == ["notes", "tags", "users"]
    agreed = workspace.run("check")
    assert agreed.returncode == 0, agreed.stdout
    regenerated = workspace.run("generate")
    assert regenerated.returncode == 0 and "No schema changes" in regenerated.stdout
    assert not [f for f in workspace.files() if f.startswith("0004")]
