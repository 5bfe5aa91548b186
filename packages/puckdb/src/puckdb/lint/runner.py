"""The library's entry points: lint given files, a whole folder, or what a database has
still to apply. They return a :class:`LintReport` and never print.

Each migration is checked against the database its statements will meet: for
``lint_pending`` the live database's own tables and enums; otherwise the state the
earlier migrations of its folder build, replayed from their SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from puckdb.errors import PuckdbError
from puckdb.lint.catalog import Catalog
from puckdb.lint.check import lint_text
from puckdb.lint.findings import Finding, LintReport
from puckdb.lint.live import read_catalog
from puckdb.migrations.files import BYTE_ORDER_MARK, Migration, MigrationsFolderError, read_migrations
from puckdb.migrations.status import migration_status

_VERSION = re.compile(r"^(\d{4})_[a-z0-9][a-z0-9_]*\.sql$")


class LintInputError(PuckdbError):
    """A file given to lint cannot be read as SQL text."""

    exit_code = 2


def lint_files(paths: Sequence[Path]) -> LintReport:
    """Lint each file (any ``.sql`` path). A file named like a migration of a folder is
    checked against the state the folder's earlier migrations build."""
    findings: list[Finding] = []
    histories: dict[Path, _History] = {}
    for path in paths:
        text = _read(path)
        version = _VERSION.match(path.name)
        catalog = Catalog()
        if version is not None and not path.name.endswith(".down.sql"):
            folder = path.parent.resolve()
            history = histories.setdefault(folder, _History(folder))
            catalog = history.before(int(version.group(1)))
        found, _ = lint_text(path, text, catalog)
        findings.extend(found)
    return LintReport(tuple(paths), tuple(findings))


def lint_folder(folder: Path) -> LintReport:
    """Lint every migration of ``folder`` in order (down files are not linted: undoing is
    destructive by nature)."""
    migrations = read_migrations(folder)
    return _lint_migrations(migrations, Catalog())


def lint_pending(url: str, folder: Path) -> LintReport:
    """Lint the migrations of ``folder`` that the database at ``url`` has not applied yet
    (pending, or partly applied outside a transaction), against that database's schema:
    the deploy gate to run before ``apply``."""
    state = migration_status(url, folder)
    return _lint_migrations(state.to_apply, read_catalog(url))


def _lint_migrations(migrations: Sequence[Migration], catalog: Catalog) -> LintReport:
    findings: list[Finding] = []
    for migration in migrations:
        # With its byte order mark, if it has one: lint_text reports the mark.
        text = BYTE_ORDER_MARK + migration.text if migration.has_byte_order_mark else migration.text
        found, catalog = lint_text(migration.path, text, catalog)
        findings.extend(found)
    return LintReport(tuple(m.path for m in migrations), tuple(findings))


class _History:
    """The catalogs a folder's migrations build, one replay shared by the files linted."""

    def __init__(self, folder: Path) -> None:
        try:
            self._migrations = read_migrations(folder)
        except MigrationsFolderError:
            self._migrations = []  # not a puckdb folder after all: judge the file alone
        self._catalogs: dict[int, Catalog] = {}

    def before(self, version: int) -> Catalog:
        if version not in self._catalogs:
            catalog = Catalog()
            for migration in self._migrations:
                if migration.version >= version:
                    break
                _, catalog = lint_text(migration.path, migration.text, catalog)
            self._catalogs[version] = catalog
        return self._catalogs[version]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise LintInputError(
            f"{path} is not valid UTF-8 (byte {error.start}): migrations are UTF-8 text. "
            "Re-save the file as UTF-8."
        ) from error
    except OSError as error:
        raise LintInputError(f"Cannot read {path}: {error.strerror or error}.") from error
