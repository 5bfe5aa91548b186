"""The migration commands as a user runs them: output, --json, exit codes, bad input."""

from __future__ import annotations

import json

from .conftest import Workspace

USERS = 'users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("name", Text))\n'


def test_generate_apply_status_down_through_the_command_line(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    assert workspace.run("generate").returncode == 0

    dry = workspace.run("apply", "--dry-run")
    assert dry.returncode == 0 and "Would apply 1 migration(s)" in dry.stdout and "0001_init" in dry.stdout

    applied = workspace.run("apply")
    assert applied.returncode == 0, applied.stderr
    assert "Applied 0001_init (3 statements," in applied.stdout
    assert "Done: 1 migration(s) applied" in applied.stdout

    status = workspace.run("status", "--json")
    assert status.returncode == 0
    entries = json.loads(status.stdout)["migrations"]
    assert [(e["version"], e["name"], e["status"]) for e in entries] == [(1, "init", "applied")]
    assert entries[0]["applied_by"].endswith(")")

    table = workspace.run("status")
    assert "0001" in table.stdout and "applied" in table.stdout

    down = workspace.run("down")  # no terminal, the down file drops a table
    assert down.returncode == 2 and "--force" in down.stderr
    forced = workspace.run("down", "--force")
    assert forced.returncode == 0 and "Rolled back 0001_init" in forced.stdout
    again = json.loads(workspace.run("status", "--json").stdout)["migrations"]
    assert [e["status"] for e in again] == ["pending"]


def test_possible_rename_without_terminal_exits_2_with_the_flags(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    workspace.run("generate").check_returncode()
    workspace.write_schema(USERS.replace('"name"', '"full_name"'))
    result = workspace.run("generate")
    assert result.returncode == 2
    assert "--rename users.name=full_name" in result.stderr
    assert "Traceback" not in result.stderr


def test_apply_to_an_unreachable_database(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    workspace.run("generate").check_returncode()
    result = workspace.run("apply", "--url", "postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "Error: Could not connect to the database at postgresql://nobody@127.0.0.1:1/nothing"
    )
    assert "Traceback" not in result.stderr


def test_edited_applied_migration_exits_1_naming_the_file(workspace: Workspace) -> None:
    workspace.write_schema(USERS)
    workspace.run("generate").check_returncode()
    workspace.run("apply").check_returncode()
    path = workspace.migrations / "0001_init.sql"
    path.write_text(path.read_text() + "\nCREATE TABLE sneaky (id int);\n")
    result = workspace.run("apply")
    assert result.returncode == 1
    assert "0001_init.sql was changed after it was generated" in result.stderr
