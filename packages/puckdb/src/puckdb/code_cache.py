"""The normalized schema code, reused while none of its source files changed.

Importing a large schema module and compiling it costs about a second before any cache
can be consulted (SQLAlchemy builds every Table, then compiles every statement). The files
of every module the import loaded are recorded with their modification time and size; as
long as they are unchanged, the normalized schema is taken as it was, without importing
anything. The schema code is assumed to depend on its source files only (not, say, on
environment variables); any edit, checkout or reinstall changes a file's time or size.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from puckdb import __version__
from puckdb.model import Schema
from puckdb.schema_cache import read_cached_object, write_cached_object

FileStamp = tuple[str, int, int, str]
"""Path, modification time (ns), size, and the content's hash for the project's own files
(whose edits can be faster than the file system's clock); installed packages go by time
and size only."""


@dataclass(frozen=True)
class CodeEntry:
    stamps: tuple[FileStamp, ...]
    schema: Schema

    def still_valid(self) -> bool:
        return all(_stamp(Path(stamp[0])) == stamp for stamp in self.stamps)


def entry_key(
    spec: str, root: Path, schemas: Sequence[str], extensions: Sequence[str], server_key: str
) -> str:
    payload = {
        "puckdb": __version__,
        "python": sys.version,
        "spec": spec,
        "root": str(root),
        "schemas": list(schemas),
        "extensions": list(extensions),
        "server": server_key,
    }
    return "code-" + hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:32]


def cached_code(cache_dir: Path, key: str) -> Schema | None:
    entry = read_cached_object(cache_dir, key)
    if isinstance(entry, CodeEntry) and entry.still_valid():
        return entry.schema
    return None


def remember_code(cache_dir: Path, key: str, files: Sequence[Path], schema: Schema) -> None:
    stamps = tuple(stamp for stamp in (_stamp(path) for path in files) if stamp is not None)
    write_cached_object(cache_dir, key, CodeEntry(stamps, schema))


def _stamp(path: Path) -> FileStamp | None:
    try:
        status = path.stat()
        installed = "site-packages" in path.parts
        digest = "" if installed else hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return (str(path), status.st_mtime_ns, status.st_size, digest)


def puckdb_files() -> list[Path]:
    """puckdb's own loaded modules: how code is compiled and normalized is theirs."""
    files = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (name == "puckdb" or name.startswith("puckdb.")) and file:
            files.append(Path(file))
    return files
