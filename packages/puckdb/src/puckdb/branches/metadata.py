"""A branch's description, kept as the comment of its database.

``puckdb branch: {"name": …, "parent": …, "created": …, "main": …, "origin": …}`` —
``main`` is the configured database the branch belongs to (one server may host several
projects), ``origin`` the database it was copied from, which ``branch restore`` overwrites.
PostgreSQL does not copy a database's comment into a copy made from it, so a copy of a
branch is never mistaken for the branch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from puckdb.branches.names import MAIN, database_name

_TAG = "puckdb branch: "
BACKUP_PREFIX = "backup-"


@dataclass(frozen=True)
class Branch:
    name: str
    database: str
    parent: str | None
    created: datetime | None
    origin: str | None = None
    """The database this branch was copied from (None for main, or when unknown)."""
    size_bytes: int | None = None
    """None when not asked for, or when the role may not see the size."""

    @property
    def is_backup(self) -> bool:
        return self.name.startswith(BACKUP_PREFIX)


def comment_for(branch: Branch, main_database: str) -> str:
    meta: dict[str, Any] = {
        "name": branch.name,
        "parent": branch.parent,
        "created": branch.created.isoformat() if branch.created else None,
        "main": main_database,
        "origin": branch.origin,
    }
    return _TAG + json.dumps(meta)


def branch_from_comment(database: str, comment: str | None, main_database: str) -> Branch | None:
    """The branch of ``main_database`` that ``database`` holds, or None when its comment
    is not a puckdb branch's (or belongs to another configured database)."""
    if not comment or not comment.startswith(_TAG):
        return None
    try:
        meta = json.loads(comment[len(_TAG) :])
    except ValueError:
        return None
    if not isinstance(meta, dict) or "name" not in meta or meta.get("main") != main_database:
        return None
    parent = meta.get("parent")
    origin = meta.get("origin")
    if origin is None and parent:
        # Written before puckdb recorded the origin: the copy was then always made from
        # the parent's database, which the parent's name still says.
        origin = database_name(main_database, str(parent))
    created = meta.get("created")
    return Branch(
        name=str(meta["name"]),
        database=database,
        parent=str(parent) if parent else None,
        created=datetime.fromisoformat(created) if created else None,
        origin=str(origin) if origin else None,
    )


def main_branch(database: str) -> Branch:
    return Branch(MAIN, database, None, None)
