"""The ``puckdb branch`` commands as a user runs them: the choice of branch carries over to
later commands and to StudyPuck's ``db``, and clones of one project share the branches."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from puckdb.branches import BranchServer

from .support import python, run, write_project


def test_switch_carries_over_to_later_commands_and_to_studypuck_db(
    project_dir: Path, database_url: str
) -> None:
    server = BranchServer(database_url)
    feature_database = server.create("feature").database

    switched = run(project_dir, database_url, "branch", "switch", "feature")
    assert switched.returncode == 0, switched.stderr
    assert "Now on branch feature" in switched.stdout

    status = run(project_dir, database_url, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert f"/{feature_database}?" in json.loads(status.stdout)["database"]
    info = run(project_dir, database_url, "info", "--json")
    assert info.returncode == 0, info.stderr
    details = json.loads(info.stdout)
    assert f"/{feature_database}?" in details["database_url"]
    assert details["database_source"].startswith("branch 'feature' of the environment variable DATABASE_URL")
    # StudyPuck's client resolves its URL the way the command does, from the project's config.
    client = python(
        project_dir,
        database_url,
        "-c",
        "import studypuck_database; print(studypuck_database.db.url.database)",
    )
    assert client.returncode == 0, client.stderr
    assert client.stdout.strip() == feature_database

    # An explicit URL is taken as it is, whatever the current branch.
    explicit = run(project_dir, None, "status", "--json", "--url", database_url)
    assert json.loads(explicit.stdout)["database"] == database_url

    back = run(project_dir, database_url, "branch", "switch", "main")
    assert back.returncode == 0, back.stderr
    client = python(
        project_dir,
        database_url,
        "-c",
        "import studypuck_database; print(studypuck_database.db.url.database)",
    )
    assert client.stdout.strip() == server.main_database


def test_switch_refuses_a_branch_that_does_not_exist(project_dir: Path, database_url: str) -> None:
    refused = run(project_dir, database_url, "branch", "switch", "ghost")
    assert refused.returncode == 2
    assert "There is no branch 'ghost'; create it with `puckdb branch create ghost`." in refused.stderr
    assert not (project_dir / ".puckdb" / "branch").exists()


def test_url_prints_the_branch_url_for_an_application(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("feature")

    printed = run(project_dir, database_url, "branch", "url", "feature")

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == server.url("feature")
    assert printed.stdout.startswith("postgresql://")
    missing = run(project_dir, database_url, "branch", "url", "ghost")
    assert missing.returncode == 2 and "There is no branch 'ghost'" in missing.stderr


def test_list_json_gives_name_parent_created_size_and_current(project_dir: Path, database_url: str) -> None:
    server = BranchServer(database_url)
    server.create("base")
    server.create("child", parent="base")
    run(project_dir, database_url, "branch", "switch", "child")

    listed = run(project_dir, database_url, "branch", "list", "--json")

    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert list(rows) == ["main", "base", "child"]
    assert rows["main"]["parent"] is None and rows["main"]["created"] is None
    assert rows["child"]["parent"] == "base" and rows["base"]["parent"] == "main"
    assert rows["child"]["origin"] == rows["base"]["database"]
    assert datetime.fromisoformat(rows["child"]["created"]) >= datetime.fromisoformat(rows["base"]["created"])
    assert all(isinstance(row["size_bytes"], int) and row["size_bytes"] > 0 for row in rows.values())
    assert [name for name, row in rows.items() if row["current"]] == ["child"]
    table = run(project_dir, database_url, "branch", "list")
    assert "* │ child" in table.stdout and " MB" in table.stdout


def test_delete_refuses_the_current_branch_unless_forced(project_dir: Path, database_url: str) -> None:
    BranchServer(database_url).create("feature")
    run(project_dir, database_url, "branch", "switch", "feature")

    refused = run(project_dir, database_url, "branch", "delete", "feature")
    assert refused.returncode == 2 and "is the current branch" in refused.stderr

    deleted = run(project_dir, database_url, "branch", "delete", "feature", "--force")
    assert deleted.returncode == 0, deleted.stderr
    assert BranchServer(database_url).get("feature") is None
    assert not (project_dir / ".puckdb" / "branch").exists()  # back on main


def test_two_clones_share_the_branches_but_not_the_choice(
    tmp_path: Path, project_dir: Path, database_url: str
) -> None:
    other_clone = write_project(tmp_path / "other-clone")

    created = run(project_dir, database_url, "branch", "create", "shared")
    assert created.returncode == 0, created.stderr
    listed = json.loads(run(other_clone, database_url, "branch", "list", "--json").stdout)
    assert [row["name"] for row in listed] == ["main", "shared"]

    assert run(other_clone, database_url, "branch", "switch", "shared").returncode == 0
    mine = json.loads(run(project_dir, database_url, "branch", "list", "--json").stdout)
    theirs = json.loads(run(other_clone, database_url, "branch", "list", "--json").stdout)
    assert [row["name"] for row in mine if row["current"]] == ["main"]
    assert [row["name"] for row in theirs if row["current"]] == ["shared"]

    # A branch deleted from one clone is gone for the other too.
    assert run(project_dir, database_url, "branch", "delete", "shared", "--force").returncode == 0
    after = json.loads(run(other_clone, database_url, "branch", "list", "--json").stdout)
    assert [row["name"] for row in after] == ["main"]
