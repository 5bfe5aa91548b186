"""The normalized schema code is reused only while its source files are unchanged."""

from __future__ import annotations

import sys

from .conftest import Workspace

TABLE = (
    'users = Table("users", metadata, Column("id", BigInteger, primary_key=True), Column("{name}", Text))\n'
)


def test_same_size_edit_is_seen_at_once(workspace: Workspace) -> None:
    workspace.write_schema(TABLE.format(name="aaaa"))
    first = workspace.project().normalized_code()
    assert first.table("public", "users").column("aaaa") is not None  # type: ignore[union-attr]
    assert any((workspace.root / ".puckdb" / "cache" / "code").iterdir())
    # Same size, written right away: the modification time may not move, the content does.
    workspace.write_schema(TABLE.format(name="bbbb"))
    second = workspace.project().normalized_code()
    users = second.table("public", "users")
    assert users is not None and users.column("bbbb") is not None and users.column("aaaa") is None


def test_helper_module_edit_is_seen(workspace: Workspace) -> None:
    (workspace.root / "columns.py").write_text('NAME = "first"\n')
    workspace.write_schema(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        "import columns\n" + TABLE.replace('"{name}"', "columns.NAME")
    )
    sys.modules.pop("columns", None)  # each command is a new process; this test is one process
    assert workspace.project().normalized_code().table("public", "users").column("first")  # type: ignore[union-attr]
    (workspace.root / "columns.py").write_text('NAME = "second"\n')
    sys.modules.pop("columns", None)
    assert workspace.project().normalized_code().table("public", "users").column("second")  # type: ignore[union-attr]
