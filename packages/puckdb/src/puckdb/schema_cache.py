"""Schemas cached on disk as JSON under ``.puckdb/cache``, keyed by a content hash.

The key covers everything the schema depends on, so an entry is never stale; a missing,
truncated or outdated entry (another model version) is recomputed, never trusted.
"""

from __future__ import annotations

import os
from pathlib import Path

from puckdb.model import Schema


def read_cached_schema(cache_dir: Path | None, key: str) -> Schema | None:
    if cache_dir is None:
        return None
    try:
        return Schema.from_json((cache_dir / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cached_schema(cache_dir: Path | None, key: str, schema: Schema) -> None:
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = cache_dir / f"{key}.json"
    # Write then rename: a concurrent reader sees the old entry or the whole new one.
    partial = cache_dir / f".{key}.{os.getpid()}.tmp"
    partial.write_text(schema.to_json(), encoding="utf-8")
    partial.replace(final)
