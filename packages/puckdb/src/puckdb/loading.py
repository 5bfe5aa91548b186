"""Finding a project's schema code: import the configured module and pick its MetaData.

``schema`` in the configuration is ``pkg.module``, ``pkg.module:attr`` or a file path
(``src/app/schema.py``, optionally ``:attr``). Without ``:attr`` the module must hold
exactly one MetaData, directly or through a declarative base. Errors point at the user's
own file and line, never at puckdb's import machinery.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from sqlalchemy import MetaData

from puckdb.errors import SchemaLoadError


@dataclass(frozen=True)
class LoadedSchema:
    """The MetaData of a project and where it was found."""

    metadata: MetaData
    origin: str
    """``module:attr`` (or ``file:attr``), for messages."""
    source_files: tuple[Path, ...] | None = None
    """The files of every module the import loaded, when that is known (None when the
    module was already imported): what the MetaData can depend on."""


def load_schema(spec: str, root: Path) -> LoadedSchema:
    """Import the schema named by ``spec`` (relative paths against ``root``) and return its
    MetaData. Raises :class:`SchemaLoadError` with the user's file and line on failure."""
    target, _, attr = spec.partition(":")
    is_file = target.endswith(".py") or "/" in target or "\\" in target
    already = set(sys.modules)
    fresh = is_file or target not in already
    module = _import_file(root / target) if is_file else _import_module(target, root)
    metadata, name = _pick_metadata(module, attr or None, spec)
    return LoadedSchema(
        metadata=metadata,
        origin=f"{target}:{name}",
        source_files=_files_of(set(sys.modules) - already) if fresh else None,
    )


def _files_of(module_names: set[str]) -> tuple[Path, ...]:
    files = set()
    for name in module_names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file:
            files.add(Path(file))
    return tuple(sorted(files))


def _import_module(name: str, root: Path) -> ModuleType:
    # A project-local module (not installed) is importable from the config directory and
    # its src/ folder, as it would be for the user's own scripts.
    for extra in (root / "src", root):
        if extra.is_dir() and str(extra) not in sys.path:
            sys.path.append(str(extra))
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and name.startswith(error.name):
            raise SchemaLoadError(
                f"The schema module {name!r} (setting 'schema') cannot be found: no module named "
                f"{error.name!r} in this environment. Check the name, or install the package that "
                "holds it (`uv sync`), or give a file path such as 'src/app/schema.py'."
            ) from error
        raise _import_failure(name, error) from error
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        raise _import_failure(name, error) from error


def _import_file(path: Path) -> ModuleType:
    path = path.resolve()
    if not path.is_file():
        raise SchemaLoadError(
            f"The schema file {path} (setting 'schema') does not exist. Fix the path; relative "
            "paths are resolved against the directory of the config file."
        )
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    module_name = f"puckdb_schema_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise SchemaLoadError(f"The schema file {path} cannot be loaded as a Python module.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as error:
        sys.modules.pop(module_name, None)
        if isinstance(error, KeyboardInterrupt):
            raise
        raise _import_failure(str(path), error) from error
    return module


def _import_failure(name: str, error: BaseException) -> SchemaLoadError:
    """Describe an exception raised while importing the user's module, at its own line."""
    if isinstance(error, SyntaxError) and error.filename:
        line = (error.text or "").strip()
        where = f"{error.filename}, line {error.lineno}"
        detail = f"{error.msg}" + (f": {line}" if line else "")
    else:
        frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if "importlib" not in frame.filename and "/puckdb/loading.py" not in frame.filename
        ]
        frame = frames[-1] if frames else None
        where = f"{frame.filename}, line {frame.lineno}" if frame else name
        code = f" ({frame.line.strip()})" if frame and frame.line else ""
        detail = f"{type(error).__name__}: {error}{code}"
    return SchemaLoadError(
        f"The schema module {name!r} failed to import at {where}: {detail}. "
        "Fix the error in that file and run the command again."
    )


def _pick_metadata(module: ModuleType, attr: str | None, spec: str) -> tuple[MetaData, str]:
    if attr is not None:
        if not hasattr(module, attr):
            raise SchemaLoadError(
                f"The schema module of {spec!r} has no attribute {attr!r}. Name the MetaData or "
                "the declarative base class after the colon."
            )
        found = _as_metadata(getattr(module, attr))
        if found is None:
            raise SchemaLoadError(
                f"{spec!r} names {attr!r}, which is neither a SQLAlchemy MetaData nor a declarative "
                "base (an object with a .metadata). Point it at one of those."
            )
        return found, attr
    candidates: dict[int, tuple[MetaData, str]] = {}
    for name, value in vars(module).items():
        if name.startswith("__"):
            continue
        found = _as_metadata(value)
        if found is not None:
            candidates.setdefault(id(found), (found, name))
    if not candidates:
        raise SchemaLoadError(
            f"No SQLAlchemy MetaData was found in the schema module {spec!r}: it defines no "
            "MetaData object and no declarative base. Define your tables on one, or name it with "
            f"'{spec}:attribute'."
        )
    if len(candidates) > 1:
        names = ", ".join(sorted(name for _, name in candidates.values()))
        raise SchemaLoadError(
            f"The schema module {spec!r} holds several different MetaData objects ({names}). "
            f"Say which one puckdb manages with 'schema = \"{spec}:NAME\"'."
        )
    return next(iter(candidates.values()))


def _as_metadata(value: object) -> MetaData | None:
    if isinstance(value, MetaData):
        return value
    if isinstance(value, type) or hasattr(value, "mappers"):
        # Declarative bases and registries; mapped model classes also carry .metadata, and
        # that is the same object, which the caller deduplicates by identity.
        inner = getattr(value, "metadata", None)
        if isinstance(inner, MetaData):
            return inner
    return None
