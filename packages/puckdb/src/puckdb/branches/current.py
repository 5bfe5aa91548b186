"""Which branch this checkout works on: ``PUCKDB_BRANCH``, ``.puckdb/branch``, or the git branch.

The choice is per checkout (two clones of one repository on one server may work on
different branches), while the branches themselves live on the server. The environment
variable wins over both: the pytest plugin sets it to ``main`` beside the test database's
URL, so that URL is used exactly as given, whatever branch the developer is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from puckdb.branches.names import MAIN, check_name, sanitize_git_branch

BRANCH_ENV = "PUCKDB_BRANCH"
"""Environment variable: the branch to work on, instead of ``.puckdb/branch`` or git's."""
_FILE = "branch"


def pinned_branch(environ: Mapping[str, str]) -> str | None:
    """The branch ``PUCKDB_BRANCH`` names, if it is set."""
    value = environ.get(BRANCH_ENV, "").strip()
    return check_name(value, f"the environment variable {BRANCH_ENV}") if value else None


def selected_branch(
    state_dir: Path, mode: str | None, root: Path, environ: Mapping[str, str] | None = None
) -> str:
    """The current branch: ``PUCKDB_BRANCH`` when set; else the git branch's namesake with
    ``branch = "git"``; else the one `puckdb branch switch` chose (``main`` by default)."""
    pinned = pinned_branch(environ or {})
    if pinned is not None:
        return pinned
    if mode == "git":
        git_branch = current_git_branch(root)
        if git_branch is None or git_branch in ("main", "master"):
            return MAIN
        return sanitize_git_branch(git_branch)
    path = state_dir / _FILE
    if not path.is_file():
        return MAIN
    name = path.read_text(encoding="utf-8").strip() or MAIN
    return check_name(name, str(path))


def select_branch(state_dir: Path, name: str) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / _FILE
    if name == MAIN:
        path.unlink(missing_ok=True)
    else:
        partial = state_dir / f".{_FILE}.tmp"
        partial.write_text(check_name(name) + "\n", encoding="utf-8")
        partial.replace(path)


def current_git_branch(start: Path) -> str | None:
    """The checked-out branch, read from ``.git/HEAD`` (None when detached or not a repo)."""
    for directory in (start, *start.parents):
        head = directory / ".git" / "HEAD"
        if head.is_file():
            text = head.read_text(encoding="utf-8").strip()
            prefix = "ref: refs/heads/"
            return text[len(prefix) :] if text.startswith(prefix) else None
        if (directory / ".git").is_file():  # a worktree: .git names the real folder
            pointer = (directory / ".git").read_text(encoding="utf-8").strip()
            if pointer.startswith("gitdir: "):
                head = (directory / pointer[len("gitdir: ") :]).resolve() / "HEAD"
                if head.is_file():
                    text = head.read_text(encoding="utf-8").strip()
                    return text[len("ref: refs/heads/") :] if text.startswith("ref: refs/heads/") else None
            return None
    return None
