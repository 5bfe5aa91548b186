"""Which branch a checkout works on: ``.puckdb/branch``, git mode, and ``PUCKDB_BRANCH``,
which wins over both (the pytest plugin pins ``main`` with it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from puckdb.branches import BranchNameError, BranchServer, check_name, select_branch
from puckdb.branches.names import sanitize_git_branch
from puckdb.project import DEV_URL_ENV, Project
from puckdb.server.embedded import EmbeddedServer

from .support import notes


def project(root: Path, url: str, pg_server: EmbeddedServer, **extra: str) -> Project:
    return Project.load(
        cwd=root, environ={"DATABASE_URL": url, DEV_URL_ENV: pg_server.url("postgres"), **extra}
    )


def use_git(root: Path, head: str) -> None:
    (root / "puckdb.toml").write_text('schema = "schema.py"\nbranch = "git"\n')
    (root / ".git").mkdir(exist_ok=True)
    (root / ".git" / "HEAD").write_text(f"ref: refs/heads/{head}\n")


@pytest.mark.parametrize(
    ("git_branch", "expected"),
    [
        ("Feature/Login_Page", "feature/login_page"),
        ("-leading-dash", "leading-dash"),
        ("..hidden", "hidden"),
        ("a..b", "a.b"),
        ("ends-with/", "ends-with"),
        ("wip.", "wip"),
        ("feat #12: ünïcode", "feat-12-n-code"),
    ],
)
def test_git_branch_names_become_valid_branch_names(git_branch: str, expected: str) -> None:
    assert sanitize_git_branch(git_branch) == expected


def test_git_branch_names_with_nothing_usable_or_too_long_stay_distinct_and_valid() -> None:
    only_symbols = sanitize_git_branch("日本語")
    assert only_symbols.startswith("git-") and check_name(only_symbols)
    assert sanitize_git_branch("日本語") == only_symbols != sanitize_git_branch("中文")
    long_a, long_b = sanitize_git_branch("x" * 80 + "a"), sanitize_git_branch("x" * 80 + "b")
    assert long_a != long_b and len(long_a) == 63 and check_name(long_a) and check_name(long_b)


def test_git_mode_creates_the_branch_on_first_use(
    project_dir: Path, database_url: str, pg_server: EmbeddedServer
) -> None:
    use_git(project_dir, "Feature/Login_Page")
    current = project(project_dir, database_url, pg_server)
    assert current.current_branch() == "feature/login_page"
    target = current.target()
    assert notes(target.url) == ["from main"] and "feature/login_page" in target.source
    assert BranchServer(database_url).get("feature/login_page") is not None
    use_git(project_dir, "main")
    assert project(project_dir, database_url, pg_server).target().url == database_url


def test_puckdb_branch_pins_the_branch_over_the_checkouts_choice(
    project_dir: Path, database_url: str, pg_server: EmbeddedServer
) -> None:
    server = BranchServer(database_url)
    server.create("feature")
    select_branch(project_dir / ".puckdb", "feature")
    assert project(project_dir, database_url, pg_server).target().url == server.url("feature")

    pinned = project(project_dir, database_url, pg_server, PUCKDB_BRANCH="main")

    assert pinned.current_branch() == "main" and pinned.target().url == database_url


def test_puckdb_branch_main_keeps_git_mode_from_copying_the_database(
    project_dir: Path, database_url: str, pg_server: EmbeddedServer
) -> None:
    use_git(project_dir, "feature/payments")

    pinned = project(project_dir, database_url, pg_server, PUCKDB_BRANCH="main")

    assert pinned.target().url == database_url
    assert [b.name for b in BranchServer(database_url).branches()] == ["main"]


def test_an_unusable_branch_choice_names_where_it_came_from(
    project_dir: Path, database_url: str, pg_server: EmbeddedServer
) -> None:
    with pytest.raises(BranchNameError, match="environment variable PUCKDB_BRANCH"):
        project(project_dir, database_url, pg_server, PUCKDB_BRANCH="Not Valid").target()
    (project_dir / ".puckdb").mkdir(exist_ok=True)
    (project_dir / ".puckdb" / "branch").write_text("Bad Name\n")
    with pytest.raises(BranchNameError, match=r"\.puckdb/branch"):
        project(project_dir, database_url, pg_server).target()
