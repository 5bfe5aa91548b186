"""Reading drizzle's history-table setting from drizzle.config.ts, without drizzle-kit."""

from __future__ import annotations

import pytest

from puckdb.adopt.history_table import configured_history_table, parse_history_table
from puckdb.errors import UsageError


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('export default defineConfig({ dialect: "postgresql", out: "./drizzle" });', None),
        ('defineConfig({ migrations: { table: "applied", schema: "public" } })', ("public", "applied")),
        (
            "defineConfig({\n  migrations: {\n    schema: 'ops',\n    table: 'history',\n  },\n})",
            ("ops", "history"),
        ),
        # Only the table renamed: drizzle keeps its own schema, and the other way round.
        ("defineConfig({ migrations: { table: `applied` } })", ("drizzle", "applied")),
        ('defineConfig({ migrations: { schema: "ops" } })', ("ops", "__drizzle_migrations")),
        # A commented-out setting is not a setting; a computed one cannot be read.
        ('defineConfig({\n  // migrations: { table: "old" },\n  out: "x" })', None),
        ('defineConfig({ /* migrations: { table: "old" } */ out: "x" })', None),
        ("defineConfig({ migrations: { table: process.env.TABLE } })", None),
        ('defineConfig({ migrations: { prefix: "timestamp" } })', None),
    ],
)
def test_the_migrations_setting_of_a_drizzle_config(config: str, expected: tuple[str, str] | None) -> None:
    assert configured_history_table(config) == expected


def test_history_table_flag_values() -> None:
    assert parse_history_table("public.applied") == ("public", "applied")
    assert parse_history_table("applied") == ("drizzle", "applied")
    for bad in ("", "a.b.c", ".x", "x."):
        with pytest.raises(UsageError, match="is not a table name"):
            parse_history_table(bad)
