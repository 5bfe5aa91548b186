"""Which branch this checkout works on: ``.puckdb/branch``, or the git branch.

The choice is per checkout (two clones of one repository on one server may work on
different branches), while the branches themselves live on the server.
"""

from __future__ import annotations

from pathlib import Path

from puckdb.branches.names import MAIN, check_name, sanitize_git_branch

_FILE = "branch"


def selected_branch(state_dir: Path, mode: str | None, root: Path) -> str:
    """The current branch: the git branch's namesake with ``branch = "git"``, else the one
    `puckdb branch switch` chose (``main`` by default)."""
    if mode == "git":
        git_branch = current_git_branch(root)
        if git_branch is None or git_branch in ("main", "master"):
            return MAIN
        return sanitize_git_branch(git_branch)
    path = state_dir / _FILE
    if not path.is_file():
        return MAIN
    name = path.read_text(encoding="utf-8").strip() or MAIN
    return check_name(name) if name != MAIN else MAIN


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
