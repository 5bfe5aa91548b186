"""Finding and reading puckdb's configuration.

The configuration is ``[tool.puckdb]`` in a ``pyproject.toml`` or the same keys at the top
level of a ``puckdb.toml``. It is found by walking up from the working directory; the
first directory holding either file *with puckdb settings* wins, so a workspace member's
own ``pyproject.toml`` (without ``[tool.puckdb]``) does not hide the workspace root's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from puckdb.errors import ConfigError

SUPPORTED_POSTGRES_VERSIONS = (16, 18)
DEFAULT_POSTGRES_VERSION = 18

# key -> (expected Python type, description used in error messages)
_KNOWN_KEYS: dict[str, tuple[type, str]] = {
    "schema": (str, "where the MetaData is: 'pkg.module', 'pkg.module:attr' or a file path"),
    "migrations": (str, "the migrations folder, relative to the config file"),
    "schemas": (list, 'the database schemas puckdb manages, e.g. ["public"]'),
    "extensions": (list, "extensions to create beyond the inferred ones"),
    "ignore_tables": (list, 'tables puckdb leaves alone in the managed schemas, e.g. ["public.jobs_*"]'),
    "database_url_env": (str, "the environment variable holding the database URL"),
    "postgres_version": (int, "the embedded server's PostgreSQL major version (16 or 18)"),
    "branch": (str, '"git" to work on the database branch named after the current git branch'),
    "lock_timeout": (float, "seconds a migration statement may wait for a table lock (default 10)"),
    "lock_wait": (float, "seconds apply and down wait for another run's migration lock (default 60)"),
}


@dataclass(frozen=True)
class Config:
    """A project's puckdb settings, with every path made absolute."""

    file: Path
    """The ``pyproject.toml`` or ``puckdb.toml`` the settings came from."""
    schema: str
    migrations: Path
    schemas: tuple[str, ...] = ("public",)
    extensions: tuple[str, ...] = ()
    ignore_tables: tuple[str, ...] = ()
    """Patterns (``schema.table`` or ``table``, shell-style) of tables and views puckdb never
    compares, creates or drops: see :mod:`puckdb.ignored`."""
    database_url_env: str = "DATABASE_URL"
    postgres_version: int = DEFAULT_POSTGRES_VERSION
    lock_timeout: float = 10.0
    lock_wait: float = 60.0
    branch: str | None = None
    """``"git"``: the current git branch selects the database branch."""

    @property
    def root(self) -> Path:
        """The directory of the config file; relative paths are resolved against it."""
        return self.file.parent

    @property
    def state_dir(self) -> Path:
        """``.puckdb/`` beside the config file: the embedded server and caches live here."""
        return self.root / ".puckdb"


def find_config_file(start: Path) -> Path | None:
    """Return the nearest config file at or above ``start`` that holds puckdb settings."""
    for directory in (start, *start.parents):
        dedicated = directory / "puckdb.toml"
        if dedicated.is_file():
            return dedicated
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_puckdb_table(pyproject):
            return pyproject
    return None


def load_config(explicit: Path | None = None, cwd: Path | None = None) -> Config:
    """Load the configuration from ``explicit`` or from the nearest config file upward.

    Raises :class:`ConfigError` with a message naming the file and the offending key when
    the file is missing, is not valid TOML, or holds a setting of the wrong kind.
    """
    start = (cwd or Path.cwd()).resolve()
    if explicit is not None:
        file = (start / explicit).resolve() if not explicit.is_absolute() else explicit
        if not file.is_file():
            raise ConfigError(
                f"The configuration file {file} given with --config does not exist. "
                "Pass the path of a puckdb.toml or of a pyproject.toml with a [tool.puckdb] table."
            )
    else:
        found = find_config_file(start)
        if found is None:
            raise ConfigError(
                f"No puckdb configuration was found in {start} or any directory above it. "
                "Add a [tool.puckdb] table to your pyproject.toml (or create puckdb.toml) with at "
                'least `schema = "your_package.schema"`, or pass --config PATH.'
            )
        file = found
    settings = _read_settings(file)
    return _build_config(file, settings)


def _has_puckdb_table(pyproject: Path) -> bool:
    # A cheap textual test first: most pyproject.toml files never mention puckdb, and a
    # malformed unrelated file must not stop the walk upward.
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return False
    if "tool.puckdb" not in text and "[tool]" not in text:
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        # It mentions puckdb, so it is meant for us: report the syntax error when reading.
        return "tool.puckdb" in text
    return isinstance(data.get("tool", {}).get("puckdb"), dict)


def _read_settings(file: Path) -> Mapping[str, Any]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"The configuration file {file} is not valid TOML: {error}. "
            "Fix the syntax at that position and run the command again."
        ) from error
    except OSError as error:
        raise ConfigError(f"The configuration file {file} cannot be read: {error.strerror}.") from error
    if file.name == "puckdb.toml":
        return data
    table = data.get("tool", {}).get("puckdb")
    if not isinstance(table, dict):
        raise ConfigError(
            f"{file} has no [tool.puckdb] table. Add one with at least "
            '`schema = "your_package.schema"`, or point --config at a puckdb.toml.'
        )
    return table


def _build_config(file: Path, settings: Mapping[str, Any]) -> Config:
    where = f"{file} ({'top level' if file.name == 'puckdb.toml' else '[tool.puckdb]'})"
    unknown = sorted(set(settings) - set(_KNOWN_KEYS))
    if unknown:
        known = ", ".join(sorted(_KNOWN_KEYS))
        raise ConfigError(
            f"Unknown puckdb setting {', '.join(repr(k) for k in unknown)} in {where}. "
            f"The settings puckdb understands are: {known}. Check the spelling."
        )
    for key, value in settings.items():
        expected, meaning = _KNOWN_KEYS[key]
        number = expected is float and isinstance(value, int) and value >= 0
        if not (isinstance(value, expected) or number) or (
            isinstance(value, bool) and expected in (int, float)
        ):
            raise ConfigError(
                f"The setting {key!r} in {where} must be a {_type_name(expected)} ({meaning}), "
                f"but it is {value!r}."
            )
        if isinstance(value, list) and not all(isinstance(item, str) and item for item in value):
            raise ConfigError(
                f"The setting {key!r} in {where} must be a list of non-empty strings, but it is {value!r}."
            )
    if "schema" not in settings or not settings["schema"].strip():
        raise ConfigError(
            f"The setting 'schema' is missing in {where}. It says where your SQLAlchemy "
            'MetaData lives, e.g. `schema = "your_package.schema"`, '
            '`schema = "your_package.models:Base"` or `schema = "src/app/schema.py"`.'
        )
    version = settings.get("postgres_version", DEFAULT_POSTGRES_VERSION)
    if version not in SUPPORTED_POSTGRES_VERSIONS:
        raise ConfigError(
            f"The setting 'postgres_version' in {where} is {version}, but the embedded server "
            f"ships PostgreSQL {' and '.join(map(str, SUPPORTED_POSTGRES_VERSIONS))} only."
        )
    schemas = tuple(settings.get("schemas", ["public"]))
    if not schemas:
        raise ConfigError(f"The setting 'schemas' in {where} is empty; name at least one schema.")
    if "puckdb" in schemas:
        raise ConfigError(
            f"The setting 'schemas' in {where} names 'puckdb', which is puckdb's own schema "
            "(it holds the migrations table). Remove it from the list."
        )
    return Config(
        file=file,
        schema=settings["schema"].strip(),
        migrations=(file.parent / settings.get("migrations", "migrations")).resolve(),
        schemas=schemas,
        extensions=tuple(settings.get("extensions", [])),
        ignore_tables=tuple(settings.get("ignore_tables", [])),
        database_url_env=settings.get("database_url_env", "DATABASE_URL"),
        postgres_version=version,
        lock_timeout=float(settings.get("lock_timeout", 10.0)),
        lock_wait=float(settings.get("lock_wait", 60.0)),
        branch=_branch_mode(settings.get("branch"), where),
    )


def _branch_mode(value: str | None, where: str) -> str | None:
    if value is not None and value != "git":
        raise ConfigError(
            f"The setting 'branch' in {where} is {value!r}; the only value is \"git\" (the current git "
            "branch selects the database branch). Leave it out to choose with `puckdb branch switch`."
        )
    return value


def _type_name(kind: type) -> str:
    return {str: "string", list: "list", int: "whole number", float: "number"}.get(kind, kind.__name__)
