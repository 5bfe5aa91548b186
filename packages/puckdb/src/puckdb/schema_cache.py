"""Schemas (and the normalizer's manifests) cached on disk under ``.puckdb/cache``.

Keys are content hashes covering everything a cached value depends on, so an entry is
never stale. Values are pickled: a 500-table schema loads in milliseconds, where JSON takes
a quarter of a second, and only puckdb itself writes these files. The model version is in
the file name; a missing, truncated or unreadable entry is recomputed, never trusted.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from puckdb.model import Schema
from puckdb.model.schema import MODEL_VERSION


def _path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key}.model{MODEL_VERSION}.pickle"


def read_cached_object(cache_dir: Path | None, key: str) -> object | None:
    if cache_dir is None:
        return None
    try:
        with _path(cache_dir, key).open("rb") as stream:
            value: object = pickle.load(stream)
    except Exception:  # any unreadable entry (truncated, older classes) is recomputed
        return None
    return value


def write_cached_object(cache_dir: Path | None, key: str, value: object) -> None:
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = _path(cache_dir, key)
    # Write then rename: a concurrent reader sees the old entry or the whole new one.
    partial = cache_dir / f".{key}.{os.getpid()}.tmp"
    partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(final)


def read_cached_schema(cache_dir: Path | None, key: str) -> Schema | None:
    found = read_cached_object(cache_dir, key)
    return found if isinstance(found, Schema) else None


def write_cached_schema(cache_dir: Path | None, key: str, schema: Schema) -> None:
    write_cached_object(cache_dir, key, schema)
