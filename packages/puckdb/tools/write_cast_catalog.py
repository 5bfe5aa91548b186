"""Write ``puckdb/kinds/cast_catalog.py``: PostgreSQL's built-in casts, as both supported
versions (16 and 18) have them, so that planning a type change (which sees models, not a
database) knows which conversions PostgreSQL accepts and how.

Run it from the repository after a PostgreSQL upgrade: ``uv run python
packages/puckdb/tools/write_cast_catalog.py``. It starts the embedded servers in a
temporary folder and keeps the casts both versions have (a cast only one has would be
planned where the other refuses it).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import psycopg

from puckdb.server.embedded import EmbeddedServer

# Built-in base types (oid below FirstNormalObjectId), by the name format_type prints;
# arrays are handled through their element type, pseudo-types never hold column data.
CASTS = """
SELECT format_type(c.castsource, NULL), format_type(c.casttarget, NULL), c.castcontext::text
FROM pg_cast c
JOIN pg_type s ON s.oid = c.castsource
JOIN pg_type t ON t.oid = c.casttarget
WHERE c.castsource < 16384 AND c.casttarget < 16384
  AND s.typtype = 'b' AND t.typtype = 'b' AND s.typcategory <> 'A' AND t.typcategory <> 'A'
ORDER BY 1, 2
"""
TYPES = """
SELECT format_type(oid, NULL), typcategory::text FROM pg_type
WHERE oid < 16384 AND typtype = 'b' AND typcategory NOT IN ('A', 'P', 'X') AND typname NOT LIKE 'pg\\_%'
ORDER BY 1
"""

TARGET = Path(__file__).resolve().parents[1] / "src" / "puckdb" / "kinds" / "cast_catalog.py"


def _read(version: int, state: Path) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    server = EmbeddedServer(state, version=version)
    server.ensure_running()
    try:
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            casts = {tuple(row) for row in conn.execute(CASTS).fetchall()}
            types = {tuple(row) for row in conn.execute(TYPES).fetchall()}
    finally:
        server.stop()
    return casts, types  # type: ignore[return-value]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        casts16, types16 = _read(16, Path(folder))
        casts18, types18 = _read(18, Path(folder))
    casts = sorted(casts16 & casts18)
    types = sorted(types16 & types18)
    lines = [
        '"""PostgreSQL\'s built-in casts and base types, as PostgreSQL 16 and 18 both have them.',
        "",
        "Written by packages/puckdb/tools/write_cast_catalog.py; do not edit by hand.",
        '"""',
        "",
        "CASTS: dict[tuple[str, str], str] = {",
        *(f"    ({source!r}, {target!r}): {context!r}," for source, target, context in casts),
        "}",
        '"""(source, target) → castcontext: ``i`` implicit, ``a`` assignment, ``e`` explicit."""',
        "",
        "TYPES: dict[str, str] = {",
        *(f"    {name!r}: {category!r}," for name, category in types),
        "}",
        '"""Built-in base type → typcategory (``S`` string, ``N`` numeric, ``B`` boolean…)."""',
        "",
    ]
    TARGET.write_text("\n".join(lines))
    print(f"{TARGET}: {len(casts)} casts, {len(types)} types")


if __name__ == "__main__":
    main()
